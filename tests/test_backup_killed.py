"""A restore killed with SIGKILL at any step: the next start of the app, the backup command line or the
health dashboard finishes or rolls back the swap before anything reads the data.

Each restore runs in a subprocess (tests/restore_killer.py) that kills itself at one step; afterwards the data
dir must hold exactly the old or exactly the new content, never nothing and never a mix, and the library must
open with the matching documents."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ops import recover_interrupted_restore
from ops.backup import create, journal
from qualia_core import QualiaCore
from test_backup_support import damage, env, tree  # noqa: F401 - env is a fixture

ROOT = Path(__file__).resolve().parents[1]
KILLER = Path(__file__).resolve().parent / "restore_killer.py"


def run_killer(archive: Path, data: Path, backups: Path, plugins: Path, *, mode: str = "rename",
               kill_at: str = "", with_plugins: bool = False) -> subprocess.CompletedProcess:
    """Restore `archive` in a subprocess that SIGKILLs itself at step `kill_at` (see restore_killer.py)."""
    return _run(["restore", archive, data, backups, plugins, mode, kill_at, "plugins" if with_plugins else ""])


def run_recovery(data: Path, plugins: Path, kill_at: str = "") -> subprocess.CompletedProcess:
    """What the app, the dashboard and the backup command line run at start, in a subprocess killed at step
    `kill_at` of the recovery itself."""
    return _run(["recover", data, plugins, kill_at])


def _run(args: list) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(KILLER), *map(str, args)], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=300)


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


# ----------------------------------------------------------------------------- a kill at every step
class Scenario:
    """A data dir (study database, files, cache, outputs) and a plugins dir whose archive (the "new" content)
    differs from what is there now (the "old" content); `reset()` puts the old content back between runs."""

    def __init__(self, env, tmp_path: Path):
        self.data, self.backups, self.plugins, dotenv = env
        self.root = tmp_path
        self.new = (tree(self.data), documents(self.data), tree(self.plugins))
        self.archive = create(self.data, self.backups, self.plugins, dotenv).path
        damage(self.data)
        (self.plugins / "my_plugin" / "__init__.py").write_text("# changed after the backup\n")
        (self.plugins / "added_later").mkdir()
        (self.plugins / "added_later" / "__init__.py").write_text("")
        self.old = (tree(self.data), documents(self.data), tree(self.plugins))
        assert self.old[0] != self.new[0] and self.old[1] != self.new[1] and self.old[2] != self.new[2]
        self.pristine = tmp_path / "pristine"
        shutil.copytree(self.data, self.pristine / "data")
        shutil.copytree(self.plugins, self.pristine / "plugins")

    def reset(self) -> None:
        for name in ("data", "plugins"):
            shutil.rmtree(self.root / name, ignore_errors=True)
            shutil.copytree(self.pristine / name, self.root / name)

    def restore(self, mode: str, kill_at: str = "") -> subprocess.CompletedProcess:
        return run_killer(self.archive, self.data, self.backups, self.plugins, mode=mode, kill_at=kill_at,
                          with_plugins=True)

    def leftovers(self) -> list[str]:
        beside = [p.name for p in self.root.iterdir() if "restore" in p.name]
        inside = [str(p.relative_to(self.root)) for d in (self.data, self.plugins) if d.is_dir()
                  for p in d.iterdir() if "restore" in p.name]
        return beside + inside

    def assert_whole(self, data_new: bool, plugins_new: bool, when: str) -> None:
        """Exactly the old or exactly the new content, file by file, the library with the same documents, and
        nothing of the restore left behind."""
        data_tree, docs, _ = self.new if data_new else self.old
        assert tree(self.data) == data_tree, f"data dir after {when}: not exactly the {'new' if data_new else 'old'}"
        assert tree(self.plugins) == (self.new if plugins_new else self.old)[2], f"plugins dir after {when}"
        assert self.leftovers() == [], f"leftovers after {when}"
        assert journal.problem(self.data) is None
        assert documents(self.data) == docs, f"library documents after {when}"


def commit_points(steps: list[str]) -> tuple[int, int]:
    """The index of the last rename that puts restored content in place, for the data dir and for the plugins
    dir (each swap ends with "committed")."""
    first, second = [i for i, name in enumerate(steps) if name == "committed"]
    data_in = max(i for i in range(first) if steps[i].startswith("in "))
    plugins_in = max(i for i in range(first, second) if steps[i].startswith("in "))
    return data_in, plugins_in


@pytest.mark.parametrize("mode", ["rename", "entries"])
def test_a_restore_killed_at_any_step_is_finished_or_rolled_back_at_the_next_start(env, tmp_path, mode):
    scenario = Scenario(env, tmp_path)
    scenario.reset()
    current = sorted(os.listdir(scenario.data))  # the study database's WAL, shared memory and lock file among them
    recorded = scenario.restore(mode)
    assert recorded.returncode == 0, recorded.stderr
    steps = json.loads(recorded.stdout)
    restored = sorted(name for name in scenario.new[0] if "/" not in name)
    assert steps[:4] == ["safety backup taken", "staging created", "extracted", "journal written"]
    swap = steps[4:steps.index("committed")]
    if mode == "rename":
        assert swap == ["out data", "in data"]
    else:  # every entry out (the database's WAL and shared memory are gone once the safety backup closed it)
        outs = [name[4:] for name in swap if name.startswith("out ")]
        assert swap == [f"out {n}" for n in outs] + [f"in {n}" for n in restored]
        assert set(current) - {"qualia.db-wal", "qualia.db-shm"} <= set(outs) <= set(current)
    scenario.assert_whole(True, True, "a restore that was not killed")
    data_in, plugins_in = commit_points(steps)
    for n, name in enumerate(steps):
        scenario.reset()
        killed = scenario.restore(mode, f"step:{n}")
        assert killed.returncode == -9, f"step {n} ({name}): {killed.stderr}"
        notes = recover_interrupted_restore(scenario.data, scenario.plugins)
        scenario.assert_whole(n >= data_in, n >= plugins_in, f"a kill at step {n} ({name}) and recovery")
        if name == "journal written" or name.startswith("out "):
            assert any("rolled back" in note for note in notes), (n, name, notes)
        if n in (data_in, plugins_in):
            assert any("was finished" in note for note in notes), (n, name, notes)
