"""The README's commands and its plugin tutorial work as written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def tutorial() -> tuple[str, str, str]:
    section = README[README.index("## Write your own plugin"):]
    plugin, usage = re.findall(r"```python\n(.*?)```", section, re.S)[:2]
    expected = re.search(r"It prints `(.*?)`", section).group(1)
    return plugin, usage, expected


def test_the_write_your_own_plugin_section_works_word_for_word(tmp_path):
    """In a copy of the project: create the folder and file as step 1 says, run step 2 from the project folder."""
    plugin, usage, expected = tutorial()
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "venv", "data", "backups", "tests", "benchmarks", "docs", "__pycache__", "*.egg-info"))
    (project / "plugins" / "turn_counter").mkdir()
    (project / "plugins" / "turn_counter" / "__init__.py").write_text(plugin)
    env = {"PATH": "", "PYTHONPATH": str(project), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", usage], cwd=project, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected


def test_the_readme_gives_the_two_fresh_machine_commands_and_ci_runs_the_test_one():
    assert "bash scripts/run.sh" in README and "bash scripts/test.sh" in README
    assert "exec bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_and_the_upload_captions_name_the_same_limits(monkeypatch, tmp_path):
    """QUALIA_MAX_DOCUMENT_MB caps transcripts, STREAMLIT_SERVER_MAX_UPLOAD_SIZE caps uploads: the README's Library
    and Backups text and the pages' captions say so, and none sends anyone to .streamlit/config.toml."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    library_text = README[README.index("- **Library**"):README.index("- **Analyze**")]
    assert "`QUALIA_MAX_DOCUMENT_MB`" in library_text and "`STREAMLIT_SERVER_MAX_UPLOAD_SIZE`" in library_text
    assert "uploaded on\nthe page are limited by `STREAMLIT_SERVER_MAX_UPLOAD_SIZE`" in README
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.delenv("QUALIA_ADMIN_PASSWORD", raising=False)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.run()
        library = [c.value for c in at.caption if "MB" in c.value]
        at.switch_page("pages/backups.py")
        at.run()
        backups = [c.value for c in at.caption if "MB" in c.value]
    finally:
        st.cache_resource.clear()
    assert any("`QUALIA_MAX_DOCUMENT_MB`" in c and "`STREAMLIT_SERVER_MAX_UPLOAD_SIZE`" in c for c in library)
    assert any("`STREAMLIT_SERVER_MAX_UPLOAD_SIZE`" in c for c in backups)
    assert not any("maxUploadSize" in c or "config.toml" in c for c in library + backups)
