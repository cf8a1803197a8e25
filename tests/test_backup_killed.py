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
from ops.backup import BackupError, create, journal, swap
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
        self.pristine = self.save("pristine")

    def _parts(self) -> list[Path]:
        return [p for p in self.root.iterdir() if p.name in ("data", "plugins") or "restore" in p.name]

    def save(self, name: str) -> Path:
        """Copy the data and plugins dirs and whatever a restore left beside them (states/NAME)."""
        folder = self.root / "states" / name
        folder.mkdir(parents=True)
        for part in self._parts():
            if part.is_dir():
                shutil.copytree(part, folder / part.name, symlinks=True)
            else:
                shutil.copy2(part, folder / part.name)
        return folder

    def reset(self, folder: Path | None = None) -> None:
        """Put a saved state back (default: the old content, before any restore)."""
        for part in self._parts():
            shutil.rmtree(part) if part.is_dir() else part.unlink()
        for part in (folder or self.pristine).iterdir():
            if part.is_dir():
                shutil.copytree(part, self.root / part.name, symlinks=True)
            else:
                shutil.copy2(part, self.root / part.name)

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


@pytest.mark.parametrize("mode, restore_kill, outcome", [("entries", "in ", "old"), ("rename", "in ", "new")],
                         ids=["rolled back", "rolled forward"])
def test_a_recovery_killed_at_any_step_is_recovered_by_the_next_one(env, tmp_path, mode, restore_kill, outcome):
    """Recovery itself is idempotent: a kill at any of its steps, then another start, gives the same result."""
    scenario = Scenario(env, tmp_path)
    scenario.reset()
    steps = json.loads(scenario.restore(mode).stdout)
    at = steps.index(next(name for name in steps if name.startswith(restore_kill)))  # the first restored entry in
    scenario.reset()
    assert scenario.restore(mode, f"step:{at}").returncode == -9
    killed_state = scenario.save("killed")
    recorded = run_recovery(scenario.data, scenario.plugins)
    assert recorded.returncode == 0, recorded.stderr
    recovery_steps = json.loads(recorded.stdout)
    assert recovery_steps[-1] == ("rolled back" if outcome == "old" else "journal removed") and len(recovery_steps) > 2
    for n, name in enumerate(recovery_steps):
        scenario.reset(killed_state)
        killed = run_recovery(scenario.data, scenario.plugins, f"step:{n}")
        assert killed.returncode == -9, f"recovery step {n} ({name}): {killed.stderr}"
        recover_interrupted_restore(scenario.data, scenario.plugins)
        scenario.assert_whole(outcome == "new", False, f"a recovery killed at step {n} ({name})")


def test_two_processes_starting_together_recover_once(killed_between_the_renames):
    data, before, docs, backups, plugins = killed_between_the_renames
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "ops.backup", "recover", "--data-dir", str(data), "--backup-dir", str(backups),
               "--plugins-dir", str(plugins)]
    starts = [subprocess.Popen(command, cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in starts]
    assert [code for code, _, _ in results] == [0, 0], results
    said = sorted((out.strip() for _, out, _ in results), key=lambda out: out.startswith("Nothing"))
    assert "rolled back" in said[0] and said[1] == "Nothing to recover: no restore was interrupted."
    assert tree(data) == before and documents(data) == docs


def test_recovery_waits_for_a_swap_in_progress_instead_of_undoing_it(killed_between_the_renames):
    """A start while a restore holds the swap lock must not touch its journal: it waits, then says so."""
    data = killed_between_the_renames[0]
    with journal.swap_lock(data):
        with pytest.raises(BackupError, match="Another process is restoring or recovering"):
            journal.recover(data, wait_seconds=0)
        assert not data.exists() and "being swapped by a restore right now" in journal.problem(data)
    journal.recover(data)
    assert data.is_dir()


def test_recovery_leaves_the_staging_folder_of_a_running_restore_alone(env):
    data = env[0]
    with swap.staging(data) as root:
        (root / "data").mkdir()
        assert journal.recover(data) == [] and root.is_dir()
    assert not root.exists()
    unlocked = swap.staging_dir(data)  # as a killed restore leaves it, with a journal's temp files
    temps = [data.parent / f"..data.{journal.JOURNAL}.7.8.tmp", data / f"..{journal.JOURNAL}.7.8.tmp"]
    for temp in temps:
        temp.write_text("{")
    assert journal.recover(data) == []
    assert not unlocked.exists() and not any(temp.exists() for temp in temps)


def test_an_unreadable_journal_is_named_and_nothing_is_touched(env):
    data, backups, plugins, _ = env
    before = tree(data)
    path = data.parent / f".data.{journal.JOURNAL}"
    path.write_text("{not json")
    with pytest.raises(BackupError, match=f"The restore journal {path} cannot be read"):
        journal.recover(data)
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "ops.backup", "create", "--data-dir", str(data), "--backup-dir",
                           str(backups), "--plugins-dir", str(plugins)], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "An interrupted restore could not be recovered" in done.stderr
    assert str(path) in done.stderr and not backups.exists()
    assert tree(data) == before and path.read_text() == "{not json"


def test_an_empty_data_dir_made_in_the_gap_does_not_stop_the_roll_back(killed_between_the_renames):
    """An older app started in the gap creates an empty data dir: the rollback puts the data back over it."""
    data, before, docs, _, _ = killed_between_the_renames
    data.mkdir()
    assert any("rolled back" in note for note in journal.recover(data))
    assert tree(data) == before and documents(data) == docs


def test_a_data_dir_written_in_the_gap_stops_the_roll_back_with_what_to_do(killed_between_the_renames):
    data, before, _, _, _ = killed_between_the_renames
    data.mkdir()
    (data / "qualia.db").write_bytes(b"")
    with pytest.raises(BackupError) as err:
        journal.recover(data)
    message = str(err.value)
    assert f"Could not undo the interrupted restore of {data}" in message and ".data.restore-old-" in message
    assert "move the folders by hand and delete the journal" in message
    assert journal.problem(data).startswith(f"{data} is half-swapped")
