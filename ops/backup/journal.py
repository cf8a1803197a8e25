"""The swap journal: what a restore is about to rename, so that a kill at any step is finished or undone.

Before its first rename, a swap (swap.py) writes an intent file, atomically and durably, naming every rename
it will do, in order, as [kind, src, dst] relative to the journal's folder:

- rename mode (the data dir is renamed beside itself): `PARENT/.NAME.restore-journal.json`, with the steps
  ["out", NAME, ".NAME.restore-old-…/content"] and ["in", ".NAME.restore-stage-…/data", NAME];
- entries mode (the data dir is a mount point or its parent is read-only): `NAME/.restore-journal.json`, with
  one "out" step per current entry into `.restore-old-…/`, then one "in" step per restored entry.

A rename is atomic, and each step's private side says whether it happened: an "out" step is done when its
destination (in the old folder only this swap uses) exists, an "in" step when its source (in the staging
folder) is gone. Nothing else touches those folders while the journal says "swapping". So `recover()` knows
where a killed swap stopped: when its last step is done, every restored file was in place and the swap is
rolled forward (the journal says "committed", then the old content is discarded); otherwise each step done
is undone in reverse order and the data dir is exactly as it was before the restore. A kill during recovery
is recovered the same way (it is idempotent), and recovery and swaps hold one exclusive lock (flock on the
target's parent folder), so two processes starting together, or a start during a restore, cannot collide.

`recover(target)` is what the app (pages/common.py), the health dashboard and notebooks (ops.core_with_breakers)
and the backup command line call at start, before anything reads the data. `problem(target)` says what /health
reports when the data dir is missing or half-swapped.

STEP_HOOK is for tests only (None otherwise): it is called with the name of each step of a restore, so a test
can SIGKILL the process at any of them (tests/restore_killer.py).
"""

from __future__ import annotations

import glob
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from qualia_core.atomic import atomic_write_json

from .settings import BackupError

log = logging.getLogger(__name__)

STAGE = "restore-stage-"
OLD = "restore-old-"
DONE = "restore-done-"
JOURNAL = "restore-journal.json"
#: entries of a data dir that a swap in entries mode never moves (its own folders, journal and journal temp files)
RESERVED = (f".{STAGE}", f".{OLD}", f".{DONE}", f".{JOURNAL}", f"..{JOURNAL}")
LOCK_WAIT_SECONDS = 120.0
RECOVER_HINT = "run `ops/scripts/backup.sh recover` (or restart the app) to finish or roll it back"

STEP_HOOK: Callable[[str], None] | None = None

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cross-process lock
    fcntl = None


def step(name: str) -> None:
    """A named step of a restore is done (a test may kill the process here)."""
    if STEP_HOOK is not None:
        STEP_HOOK(name)


@dataclass
class Journal:
    folder: Path  # where the journal lives; the paths of the steps are relative to it
    mode: str  # "rename" or "entries"
    target: str  # the folder being replaced: its name in rename mode, "." in entries mode
    old: str  # the folder the current content moves into
    steps: list[list[str]] = field(default_factory=list)
    state: str = "swapping"  # "committed" once every rename is done
    started_at: str = ""

    @property
    def path(self) -> Path:
        return self.folder / (f".{JOURNAL}" if self.mode == "entries" else f".{self.target}.{JOURNAL}")

    @property
    def target_path(self) -> Path:
        return self.folder if self.mode == "entries" else self.folder / self.target

    def done(self, index: int) -> bool:
        kind, src, dst = self.steps[index]
        return os.path.lexists(self.folder / dst) if kind == "out" else not os.path.lexists(self.folder / src)

    def committed(self) -> bool:
        return self.state == "committed" or not self.steps or self.done(len(self.steps) - 1)

    def save(self) -> None:
        if not self.started_at:
            self.started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        atomic_write_json(self.path, {"format": 1, "mode": self.mode, "target": self.target, "old": self.old,
                                      "steps": self.steps, "state": self.state, "started_at": self.started_at})
        fsync_dir(self.folder)


def step_name(kind: str, src: str, dst: str) -> str:
    return f"{kind} {Path(src if kind == 'out' else dst).name}"


def journal_paths(target: Path) -> list[tuple[Path, str]]:
    """Where a journal of `target` may be, with its mode."""
    return [(target.parent / f".{target.name}.{JOURNAL}", "rename"), (target / f".{JOURNAL}", "entries")]


def load(path: Path, mode: str) -> Journal:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        journal = Journal(folder=path.parent, mode=mode, target=record["target"], old=record["old"],
                          steps=[[str(k), str(s), str(d)] for k, s, d in record["steps"]],
                          state=record["state"], started_at=record.get("started_at", ""))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"The restore journal {path} cannot be read ({exc}), so the interrupted restore it "
                          f"describes cannot be finished or undone automatically. Its previous data is in "
                          f"{path.parent}/.*{OLD}*, the restored data in {path.parent}/.*{STAGE}*: put the right "
                          f"one in place by hand, then delete the journal.") from exc
    if journal.mode != mode or any(k not in ("out", "in") for k, _, _ in journal.steps):
        raise BackupError(f"The restore journal {path} is not one Qualia wrote; check the folder by hand and "
                          "delete the journal.")
    return journal


def fsync_dir(folder: Path) -> None:
    """Make what was created, renamed or deleted in `folder` durable (a power cut keeps it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- locks
def _flock(path: Path, wait_seconds: float) -> int | None:
    """An exclusive flock on the folder `path` (its fd), waiting up to wait_seconds; None when it is held
    elsewhere after that, or when the folder cannot be opened (then nothing can be locked there)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                return None
            time.sleep(0.05)


@contextmanager
def swap_lock(target: Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """The lock every swap and recovery of `target` holds: an flock on its parent folder (which exists in
    both modes and is never renamed). Raises BackupError when another process holds it longer than
    wait_seconds."""
    if fcntl is None or not target.parent.is_dir():
        yield
        return
    fd = _flock(target.parent, wait_seconds)
    if fd is None:
        if os.access(target.parent, os.R_OK):
            raise BackupError(f"Another process is restoring or recovering {target} (it has held the lock on "
                              f"{target.parent} for over {wait_seconds:.0f} s); try again when it has finished.")
        log.warning("restore: %s cannot be opened to lock it; going on without the lock", target.parent)
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)  # closing releases the lock


def hold(folder: Path) -> int | None:
    """Lock a staging folder for as long as the restore uses it (release: os.close), so that a recovery in
    another process never takes it for a leftover."""
    return _flock(folder, 0) if fcntl is not None else None


def _in_use(folder: Path) -> bool:
    if fcntl is None:
        return False
    fd = _flock(folder, 0)
    if fd is None:
        return folder.is_dir()
    os.close(fd)
    return False


# ----------------------------------------------------------------------------- finishing and undoing
def _trouble(journal: Journal, what: str, exc: OSError) -> BackupError:
    return BackupError(f"Could not {what} the interrupted restore of {journal.target_path} ({exc}). The journal "
                       f"{journal.path} lists its renames; the previous data is in {journal.folder / journal.old}, "
                       "the restored data in its staging folder beside it. Fix the cause (permissions, a folder "
                       "created in the meantime) and start again, or move the folders by hand and delete the "
                       "journal.")


def _remove_journal(journal: Journal) -> None:
    try:
        journal.path.unlink()
    except FileNotFoundError:
        pass
    fsync_dir(journal.folder)


def commit(journal: Journal) -> Path | None:
    """Every rename is done: record it, move the old content to a "done" name (nothing to recover: deleted
    whenever found) and remove the journal. Returns the folder to delete (outside the lock)."""
    if journal.state != "committed":
        journal.state = "committed"
        journal.save()
        step("committed")
    old = journal.folder / journal.old
    done = journal.folder / journal.old.replace(OLD, DONE, 1)
    try:
        if old.exists():
            os.rename(old, done)
            step("old content discarded")
    except OSError as exc:  # the restore itself is done: keep the old copy and say where it is
        log.warning("restore: the previous data could not be removed from %s: %s", old, exc)
        done = None
    _remove_journal(journal)
    step("journal removed")
    return done


def roll_back(journal: Journal) -> None:
    """Undo every rename done so far, last first; the target holds exactly its content from before."""
    try:
        for index in reversed(range(len(journal.steps))):
            if not journal.done(index):
                continue
            kind, src, dst = journal.steps[index]
            back = journal.folder / src
            if kind == "out" and back.is_dir() and not back.is_symlink() and not any(back.iterdir()):
                back.rmdir()  # an empty folder made in its place in the meantime
            os.rename(journal.folder / dst, back)
            step(f"undo {step_name(kind, src, dst)}")
        old = journal.folder / journal.old
        if old.is_dir() and not any(old.iterdir()):
            old.rmdir()
    except OSError as exc:
        raise _trouble(journal, "undo", exc) from exc
    _remove_journal(journal)
    step("rolled back")


def recover(target: str | Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> list[str]:
    """Finish or roll back a restore of `target` that was killed (SIGKILL, power cut), then remove what
    restores left behind. Safe to call at every start, and by several processes at once. Returns what was
    done, as sentences (also logged). Raises BackupError when it cannot, saying what to do by hand."""
    target = Path(target).resolve()
    if not target.parent.is_dir():
        return []
    notes: list[str] = []
    leftovers: list[Path] = []
    with swap_lock(target, wait_seconds):
        for path, mode in journal_paths(target):
            if not path.is_file():
                continue
            journal = load(path, mode)
            if journal.committed():
                try:
                    leftovers.append(commit(journal))
                except OSError as exc:
                    raise _trouble(journal, "finish", exc) from exc
                notes.append(f"{target}: an interrupted restore was finished (every restored file was already "
                             "in place); it holds the restored data")
            else:
                roll_back(journal)
                notes.append(f"{target}: an interrupted restore was rolled back; it holds its data from before "
                             "the restore")
        notes += _leftovers(target, leftovers)
    for folder in leftovers:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    for note in notes:
        log.warning("restore: %s", note)
    return notes


def _leftovers(target: Path, remove: list[Path]) -> list[str]:
    """Folders and files of restores that no journal needs any more: staging folders no restore holds, old
    content already discarded, empty old folders and journal temp files go; an old folder that still holds
    data is named (restores of earlier versions kept no journal: when the data dir is missing, the newest
    such copy is put back)."""
    notes: list[str] = []
    parent, name = target.parent, glob.escape(target.name)
    olds = sorted(parent.glob(f".{name}.{OLD}*"))
    if not os.path.lexists(target) and olds and (olds[-1] / "content").is_dir():
        os.rename(olds[-1] / "content", target)
        notes.append(f"{target} was put back from an interrupted restore")
        remove.append(olds.pop())
    places = [(parent, f".{name}.")] + ([(target, ".")] if target.is_dir() and not target.is_symlink() else [])
    for folder, prefix in places:
        for stage in folder.glob(f"{prefix}{STAGE}*"):
            if not _in_use(stage):
                remove.append(stage)
        remove.extend(folder.glob(f"{prefix}{DONE}*"))
        for tmp in folder.glob(f".{prefix}{JOURNAL}.*.tmp"):  # qualia_core.atomic's temp name of a journal
            tmp.unlink(missing_ok=True)
        for old in (olds if folder == parent else sorted(folder.glob(f".{OLD}*"))):
            if old.is_dir() and not any(old.iterdir()):
                old.rmdir()
            else:
                notes.append(f"{old} holds data from an interrupted restore; check it and delete it yourself")
    return notes


def problem(target: str | Path) -> str | None:
    """Why the data dir (or plugins dir) cannot be used as it is: missing, or half-swapped by a restore that
    is running or was interrupted; None when it is whole. Cheap (a few stats); never changes anything."""
    target = Path(target).resolve()
    for path, _ in journal_paths(target):
        if path.is_file():
            fd = _flock(target.parent, 0) if fcntl is not None else None
            if fd is None and fcntl is not None:
                return f"{target} is being swapped by a restore right now (journal {path})"
            if fd is not None:
                os.close(fd)
            return f"{target} is half-swapped: a restore was interrupted (journal {path}); {RECOVER_HINT}"
    if not target.is_dir():
        left = sorted(target.parent.glob(f".{glob.escape(target.name)}.{OLD}*/content"))
        if left:
            return (f"the data dir {target} is missing and an interrupted restore left its previous content in "
                    f"{left[-1]}; {RECOVER_HINT}")
        return (f"the data dir {target} is missing: restore a backup (`ops/scripts/backup.sh restore FILE`) or "
                "point QUALIA_DATA_DIR at the right folder")
    return None
