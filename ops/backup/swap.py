"""Putting restored files in place without ever leaving a half-restored data dir.

Files are extracted into a staging folder on the same filesystem as the target, then swapped in
with renames, so the app, which holds the data dir as a path, sees the restored contents under the
same path. Normally the staging folder sits beside the target and the swap is two renames
(target -> .NAME.restore-old-STAMP, staged -> target). When the target is a mount point or its
parent is not writable (a Docker volume), the staging folder sits inside the target and each
top-level entry is swapped; any error or interrupt puts the old entries back.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

STAGE = "restore-stage-"
OLD = "restore-old-"
DONE = "restore-done-"


def _can_rename(target: Path) -> bool:
    if not target.exists():
        return True
    return not os.path.ismount(target) and os.access(target.parent, os.W_OK | os.X_OK)


def staging_dir(target: Path) -> Path:
    """An empty folder on the same filesystem as `target`, beside it when possible."""
    if _can_rename(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.{STAGE}", dir=target.parent))
    return Path(tempfile.mkdtemp(prefix=f".{STAGE}", dir=target))


def swap_in(staged: Path, target: Path) -> None:
    """Make the folder `staged` the content of `target`: all of it, or (on any error or interrupt)
    none of it."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    if not target.exists():
        os.rename(staged, target)
        return
    if target in staged.parents:
        _swap_entries(staged, target, stamp)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.{OLD}{stamp}-", dir=target.parent))
    os.rename(target, old / "content")
    try:
        os.rename(staged, target)
    except BaseException:
        os.rename(old / "content", target)
        shutil.rmtree(old, ignore_errors=True)
        raise
    _discard(old)


def _swap_entries(staged: Path, target: Path, stamp: str) -> None:
    old = Path(tempfile.mkdtemp(prefix=f".{OLD}{stamp}-", dir=target))
    moved: list[str] = []
    placed: list[str] = []
    try:
        for name in sorted(os.listdir(target)):
            if not name.startswith((f".{STAGE}", f".{OLD}", f".{DONE}")):
                os.rename(target / name, old / name)
                moved.append(name)
        for name in sorted(os.listdir(staged)):
            os.rename(staged / name, target / name)
            placed.append(name)
    except BaseException:
        try:
            for name in reversed(placed):
                os.rename(target / name, staged / name)
            for name in reversed(moved):
                os.rename(old / name, target / name)
        except OSError:
            log.error("restore: could not put back the previous data; it is in %s", old)
            raise
        shutil.rmtree(old, ignore_errors=True)
        raise
    _discard(old)


def _discard(old: Path) -> None:
    """Delete the previous content once the new one is in place. It is first renamed to a 'done'
    name, so a process killed while deleting leaves nothing that looks like data to recover."""
    done = old.with_name(old.name.replace(OLD, DONE, 1))
    try:
        os.rename(old, done)
    except OSError as exc:  # the restore itself succeeded: keep the old copy and say where it is
        log.warning("restore: the previous data could not be removed from %s: %s", old, exc)
        return
    shutil.rmtree(done, ignore_errors=True)


def recover(target: Path) -> list[str]:
    """Clean up after a restore that was killed (power cut, SIGKILL): if the target is missing and
    its previous copy is there, put it back; remove staging folders and finished old copies.
    Returns what was done, as sentences."""
    notes: list[str] = []
    parent, name = target.parent, glob.escape(target.name)
    if parent.is_dir():
        olds = sorted(parent.glob(f".{name}.{OLD}*"))
        if not target.exists() and olds and (olds[-1] / "content").is_dir():
            os.rename(olds[-1] / "content", target)
            notes.append(f"{target} was put back from an interrupted restore")
            shutil.rmtree(olds.pop(), ignore_errors=True)
        for leftover in [*parent.glob(f".{name}.{STAGE}*"), *parent.glob(f".{name}.{DONE}*")]:
            shutil.rmtree(leftover, ignore_errors=True)
        for old in olds:
            notes.append(f"{old} holds data from an interrupted restore; check it and delete it yourself")
    if target.is_dir():
        for leftover in [*target.glob(f".{STAGE}*"), *target.glob(f".{DONE}*")]:
            shutil.rmtree(leftover, ignore_errors=True)
        for old in target.glob(f".{OLD}*"):
            if any(old.iterdir()):
                notes.append(f"{old} holds data from an interrupted restore; check it and delete it yourself")
            else:
                old.rmdir()
    for note in notes:
        log.warning("restore: %s", note)
    return notes
