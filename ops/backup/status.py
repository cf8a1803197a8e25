"""The last backup's outcome where the Health checker reads it, and one backup job at a time.

`data_dir/ops/last_backup.json` (LAST_BACKUP_FILE, owned here: the backup writes it): result
("ok"/"failed"), finished_at (ISO), finished_at_epoch, archive, message — ops/monitoring/health.py
reads it with read_last_backup.
"""

from __future__ import annotations

import json
import logging
import os
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from qualia_core.atomic import atomic_write_json

from .settings import BackupError

log = logging.getLogger(__name__)

LOCK_NAME = ".qualia_backup.lock"
LAST_BACKUP_FILE = Path("ops") / "last_backup.json"  # relative to the data dir

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cross-process lock
    fcntl = None


def record_last_backup(data_dir: Path, ok: bool, *, archive: str | None = None, message: str = "",
                       **extra: Any) -> None:
    """Write last_backup.json atomically. Never raises (a status file must not break a backup); it is
    not written when the data dir does not exist, so a misconfigured cron job cannot create one."""
    now = time.time()
    record = {"result": "ok" if ok else "failed",
              "finished_at": datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds"),
              "finished_at_epoch": now, "archive": archive, "message": message, **extra}
    if not Path(data_dir).is_dir():
        log.warning("backup status not recorded: data dir %s does not exist", data_dir)
        return
    try:
        atomic_write_json(Path(data_dir) / LAST_BACKUP_FILE, record)
    except OSError as exc:
        log.warning("backup status not recorded in %s: %s", data_dir, exc)


def read_status_file(data_dir: Path) -> bytes | None:
    try:
        return (Path(data_dir) / LAST_BACKUP_FILE).read_bytes()
    except OSError:
        return None


def read_last_backup(data_dir: Path) -> dict[str, Any] | None:
    """The last backup's outcome (see the module docstring), or None when there is none or it is unreadable."""
    data = read_status_file(data_dir)
    try:
        record = json.loads(data.decode("utf-8")) if data is not None else None
    except (UnicodeDecodeError, ValueError):
        return None
    return record if isinstance(record, dict) else None


@contextmanager
def job_lock(backup_dir: Path, *, wait_seconds: float) -> Iterator[None]:
    """An exclusive lock on the backup dir for a create or restore, across processes and threads.
    Waits up to `wait_seconds`, then raises BackupError."""
    if fcntl is None:
        yield
        return
    backup_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(backup_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BackupError(f"Another backup or restore is running on {backup_dir}; "
                                      "try again when it has finished.") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing releases the lock
