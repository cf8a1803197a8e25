"""Putting restored files in place without ever leaving a half-restored data dir, even when killed.

Files are extracted into a staging folder on the same filesystem as the target, then swapped in with renames,
so the app, which holds the data dir as a path, sees the restored contents under the same path. Normally the
staging folder sits beside the target and the swap is two renames (target -> .NAME.restore-old-…/content,
staged -> target). When the target is a mount point or its parent is not writable (a Docker volume), the
staging folder sits inside the target and each top-level entry is swapped. Before the first rename the swap
writes a journal naming every rename (journal.py), under a lock that recovery takes too: an error or interrupt
puts the old content back at once, and after a kill the next start of the app, the dashboard or the backup
command line finishes or rolls back the swap (journal.recover) before anything reads the data.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import journal as jr
from .journal import DONE, OLD, RESERVED, STAGE, Journal, recover, step, step_name  # noqa: F401 - re-exported

log = logging.getLogger(__name__)


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


@contextmanager
def staging(target: Path) -> Iterator[Path]:
    """A staging folder for `target` (staging_dir), locked while the restore uses it so that a recovery in
    another process leaves it alone, and removed afterwards, unless a swap into `target` failed half-way and
    could not be undone: then its journal needs it, and recovery removes it."""
    root = staging_dir(target)
    fd = jr.hold(root)
    try:
        yield root
    finally:
        try:
            if any(path.is_file() for path, _ in jr.journal_paths(target)):
                log.error("restore: %s is kept for the recovery of an interrupted swap", root)
            else:
                shutil.rmtree(root, ignore_errors=True)
        finally:
            if fd is not None:
                os.close(fd)


def swap_in(staged: Path, target: Path) -> None:
    """Make the folder `staged` the content of `target`: all of it, or (on any error, interrupt or kill) none
    of it."""
    done = None
    with jr.swap_lock(target):
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(staged, target)  # one atomic rename: nothing to journal
            step(f"in {target.name}")
            return
        journal = _plan(staged, target)
        journal.save()
        step("journal written")
        try:
            for kind, src, dst in journal.steps:
                os.rename(journal.folder / src, journal.folder / dst)
                step(step_name(kind, src, dst))
        except BaseException:
            try:
                jr.roll_back(journal)
            except BaseException:
                log.error("restore: could not put back the previous data of %s; the journal %s says how", target,
                          journal.path)
                raise
            raise
        jr.fsync_dir(journal.folder)
        done = jr.commit(journal)
    if done is not None:
        shutil.rmtree(done, ignore_errors=True)
        step("old content deleted")


def _plan(staged: Path, target: Path) -> Journal:
    """The journal of this swap: a fresh old folder and every rename, in order."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    if target in staged.parents:  # entries mode: staged is TARGET/.restore-stage-…/NAME
        old = Path(tempfile.mkdtemp(prefix=f".{OLD}{stamp}-", dir=target))
        inner = staged.relative_to(target).as_posix()
        current = sorted(n for n in os.listdir(target) if not n.startswith(RESERVED))
        steps = [["out", n, f"{old.name}/{n}"] for n in current]
        steps += [["in", f"{inner}/{n}", n] for n in sorted(os.listdir(staged))]
        return Journal(folder=target, mode="entries", target=".", old=old.name, steps=steps)
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.{OLD}{stamp}-", dir=target.parent))
    steps = [["out", target.name, f"{old.name}/content"],
             ["in", staged.relative_to(target.parent).as_posix(), target.name]]
    return Journal(folder=target.parent, mode="rename", target=target.name, old=old.name, steps=steps)
