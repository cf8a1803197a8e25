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
