"""A restore killed with SIGKILL at any step: the next start of the app, the backup command line or the
health dashboard finishes or rolls back the swap before anything reads the data.

Each restore runs in a subprocess (tests/restore_killer.py) that kills itself at one step; afterwards the data
dir must hold exactly the old or exactly the new content, never nothing and never a mix, and the library must
open with the matching documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops.backup import create
from qualia_core import QualiaCore
from test_backup_support import damage, env, tree  # noqa: F401 - env is a fixture

ROOT = Path(__file__).resolve().parents[1]
KILLER = Path(__file__).resolve().parent / "restore_killer.py"


def run_killer(archive: Path, data: Path, backups: Path, plugins: Path, *, mode: str = "rename",
               kill_at: str = "", with_plugins: bool = False) -> subprocess.CompletedProcess:
    """Restore `archive` in a subprocess that SIGKILLs itself at step `kill_at` (see restore_killer.py)."""
    args = [sys.executable, str(KILLER), str(archive), str(data), str(backups), str(plugins), mode, kill_at,
            "plugins" if with_plugins else ""]
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(args, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300)


def documents(data: Path) -> list[tuple[str, str]]:
    """(id, name) of every library document, read through the core as the app reads it."""
    library = QualiaCore(data_dir=data, entry_points=False, guard=False).library
    try:
        return sorted((e.id, e.name) for e in library.list())
    finally:
        library.store.close()


@pytest.fixture
def killed_between_the_renames(env):
    """The original defect's state: a restore SIGKILLed after the data dir was moved aside and before the staged
    one was put in its place. Yields (data dir, its tree and documents before the restore, backups, plugins)."""
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    damage(data)
    before, docs = tree(data), documents(data)
    done = run_killer(info.path, data, backups, plugins, kill_at="rename-staged")
    assert done.returncode == -9, done.stderr
    assert not data.exists()  # the crash window the issue describes
    return data, before, docs, backups, plugins


def test_regression_the_next_start_of_the_app_puts_back_the_data_dir_a_kill_left_missing(killed_between_the_renames,
                                                                                          monkeypatch):
    data, before, docs, _, plugins = killed_between_the_renames
    monkeypatch.setenv("QUALIA_DATA_DIR", str(data))
    monkeypatch.setenv("QUALIA_PLUGINS_DIR", str(plugins))
    from pages.common import build_core

    core = build_core()
    try:
        assert sorted((e.id, e.name) for e in core.library.list()) == docs
    finally:
        core.library.store.close()
    assert tree(data) == before


def test_regression_the_next_run_of_the_backup_command_puts_back_the_data_dir(killed_between_the_renames):
    data, before, docs, backups, plugins = killed_between_the_renames
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "ops.backup", "list", "--data-dir", str(data), "--backup-dir",
                           str(backups), "--plugins-dir", str(plugins)], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert tree(data) == before and documents(data) == docs


def test_regression_the_next_start_of_the_health_dashboard_puts_back_the_data_dir(killed_between_the_renames):
    data, before, docs, _, plugins = killed_between_the_renames
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "QUALIA_DATA_DIR": str(data), "QUALIA_PLUGINS_DIR": str(plugins),
               "LOG_LEVEL": "INFO", "LOG_FORMAT": "json"}
    server = subprocess.Popen([sys.executable, "ops/monitoring/health_dashboard.py", "--port", "0"], cwd=ROOT,
                              env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in server.stderr:  # it logs where it listens once it is ready to answer
            if "health dashboard on" in line:
                break
        else:
            pytest.fail(f"the dashboard did not start (exit code {server.wait()})")
    finally:
        server.kill()
        server.wait()
    assert tree(data) == before and documents(data) == docs
