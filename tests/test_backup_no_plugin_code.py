"""A backup never imports or runs anything from the plugins dir, and `create` stays light.

A restore may have just put unknown code into plugins/; creating a backup (or a restore's safety
backup) must describe that folder from its files alone. The plugin here writes a marker file the
moment it is imported, so any import of it during a backup leaves evidence.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops.backup import create, list_backups, restore, verify
from ops.backup.info import describe, read_manifest
from ops.backup.settings import sidecar_path
from ops.backup.manifest import summary
from ops.backup.settings import REPO_ROOT

# Never needed to archive a folder: plugin code, the engine that discovers it, and heavy libraries.
FORBIDDEN = ("qualia_plugins", "textblob", "nltk", "numpy", "pandas", "plotly", "streamlit", "wordcloud",
             "sklearn", "scipy", "psutil", "sentry_sdk", "qualia_core.engine", "qualia_core.discovery",
             "ops.monitoring", "sqlalchemy", "alembic")


@pytest.fixture
def trap(tmp_path):
    """(data dir, backup dir, plugins dir with a plugin that leaves a marker when imported, marker, .env)."""
    data, backups, plugins = tmp_path / "data", tmp_path / "backups", tmp_path / "plugins"
    (data / "library").mkdir(parents=True)
    (data / "library" / "note.txt").write_text("Ana: hello\n")
    marker = tmp_path / "plugin code ran"
    code = (f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
            "from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType\n\n\n"
            "class Trap(BaseAnalyzerPlugin):\n"
            "    def meta(self):\n"
            f"        open({str(marker)!r}, 'a').write('meta\\n')\n"
            "        return PluginMetadata(id='trap', type=PluginType.ANALYZER, name='Trap', description='x',\n"
            "                              version='1.0.0', provides=['trap'])\n\n"
            "    def _analyze_impl(self, document, config, context):\n"
            "        return {}\n")
    for name in ("trap", "trap_again"):
        (plugins / name).mkdir(parents=True)
        (plugins / name / "__init__.py").write_text(code)
    (plugins / "trap" / "helpers.py").write_text(f"open({str(marker)!r}, 'a').write('helpers\\n')\n")
    return data, backups, plugins, marker, tmp_path / "none.env"


def _modules(*python: str) -> set[str]:
    """The modules loaded after running `python` code in a fresh interpreter in the repository."""
    script = "\n".join([*python, "import json, sys", "print(json.dumps(sorted(sys.modules)))"])
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_create_command_runs_no_plugin_code(trap):
    data, backups, plugins, marker, env_file = trap
    done = subprocess.run([sys.executable, "-m", "ops.backup", "create", "--data-dir", str(data), "--backup-dir",
                           str(backups), "--plugins-dir", str(plugins), "--env-file", str(env_file)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), f"plugin code ran during create: {marker.read_text()}"
    [info] = list_backups(backups)
    assert verify(info.path).ok and info.plugins == ["trap", "trap_again"]
    folders = read_manifest(info.path)["plugins"]["folders"]
    assert [(f["name"], f["files"]) for f in folders] == [("trap", 2), ("trap_again", 1)]
    assert folders[0]["sha256"] != folders[1]["sha256"]  # the digest covers every file of the folder


def test_create_restore_and_its_safety_backup_run_no_plugin_code(trap):
    data, backups, plugins, marker, env_file = trap
    info = create(data, backups, plugins, env_file)
    (plugins / "trap" / "__init__.py").write_text("# edited\n")
    restore(info.path, data, backups, plugins_dir=plugins, env_file=env_file, confirm=True, with_plugins=True)
    assert "open(" in (plugins / "trap" / "__init__.py").read_text()  # the trap is back in plugins/…
    create(data, backups, plugins, env_file)  # …and the next backup still does not run it
    assert not marker.exists(), f"plugin code ran: {marker.read_text()}"
    assert len(list_backups(backups)) == 3  # the archive, the safety backup and the last one


def test_create_imports_no_plugin_engine_or_heavy_library(trap):
    data, backups, plugins, marker, env_file = trap
    loaded = _modules("from ops.backup.cli import main",
                      f"assert main(['create', '--data-dir', {str(data)!r}, '--backup-dir', {str(backups)!r}, "
                      f"'--plugins-dir', {str(plugins)!r}, '--env-file', {str(env_file)!r}]) == 0")
    # What importing qualia_core's settings loads by itself is not the backup's doing (the package's
    # __init__ may load its engine); anything beyond that is.
    baseline = _modules("import qualia_core.config, qualia_core.errors, qualia_core.atomic, qualia_core.logs")
    extra = sorted(m for m in loaded - baseline if m.startswith(FORBIDDEN))
    assert extra == [], f"ops.backup create imported {extra}"
    assert not any(m.startswith("qualia_plugins") for m in loaded)
    assert not marker.exists()


def test_the_summary_of_an_older_manifest_names_its_plugin_folders_from_the_file_list():
    older = {"created_at": "2024-01-01T02:15:00+00:00", "dirs": ["data", "plugins", "plugins/a", "plugins/empty"],
             "plugins": {"loaded": [{"id": "a", "version": "1.0", "type": "analyzer", "status": "ok"}], "failed": []},
             "files": [{"path": "plugins/a/__init__.py", "size": 3, "sha256": "0" * 64},
                       {"path": "plugins/README.md", "size": 2, "sha256": "1" * 64},
                       {"path": "data/x.txt", "size": 1, "sha256": "2" * 64}]}
    s = summary(older)
    assert s["plugins"] == ["a", "empty"] and s["files"] == 3 and s["bytes"] == 6
    assert "plugins_loaded" not in s


def test_a_verify_record_from_before_lists_the_plugins_from_the_manifest(trap):
    data, backups, plugins, marker, env_file = trap
    info = create(data, backups, plugins, env_file)
    verify(info.path)
    record = json.loads(sidecar_path(info.path).read_text())
    record["summary"].pop("plugins")
    record["summary"].update(plugins_loaded=2, plugins_failed=0)  # as the earlier manifest summary had it
    sidecar_path(info.path).write_text(json.dumps(record))
    again = describe(info.path)
    assert again.verified and again.plugins == ["trap", "trap_again"]
