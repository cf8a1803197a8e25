"""The archives in the backup dir: list, delete, keep uploads, clean up old ones, and the cron job.

cleanup deletes archives older than BACKUP_KEEP_DAYS but always keeps the newest BACKUP_KEEP_MIN,
however old. An archive's age is its manifest's created_at (an uploaded or copied archive keeps its
real age); the name's timestamp or the file's mtime when the manifest cannot be read.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

from qualia_core.errors import SettingsError
from qualia_core.names import check_path

from .archive import create, resolve_sources
from .info import BackupInfo, describe, parse_time, write_sidecar
from .restore import ArchiveRejected
from .settings import (TEMP_PREFIX, BackupError, archive_name, archive_of_sidecar, check_count, is_archive_name,
                       keep_days_from_env, keep_min_from_env, named_encrypted, resolve_backup_dir, sidecar_path)
from .status import record_last_backup
from .verify import validate_upload

log = logging.getLogger(__name__)

STALE_TEMP_SECONDS = 24 * 3600


def _folder(backup_dir: str | Path | None) -> Path:
    if backup_dir in (None, ""):
        return resolve_backup_dir(backup_dir)
    return check_path(backup_dir, "backup dir").expanduser().resolve()


def list_backups(backup_dir: str | Path | None = None) -> list[BackupInfo]:
    """Every archive in the backup dir, newest first (name, path, created_at, size, file count,
    verified…). Cheap: reads each archive's small manifest member, or the verify record."""
    folder = _folder(backup_dir)
    if not folder.is_dir():
        return []
    infos = []
    for path in folder.iterdir():
        if is_archive_name(path.name) and path.is_file() and not path.is_symlink():
            try:
                infos.append(describe(path))
            except FileNotFoundError:  # deleted meanwhile
                continue
    return sorted(infos, key=lambda i: (i.created_at, i.name), reverse=True)


def delete(path: str | Path, backup_dir: str | Path | None = None) -> None:
    """Delete one archive and its verify record. Only files named like an archive are deleted, and
    only inside `backup_dir` when it is given."""
    path = Path(path)
    if backup_dir not in (None, "") and not path.is_absolute():
        path = _folder(backup_dir) / path
    if not is_archive_name(path.name):
        raise BackupError(f"{path.name!r} is not a Qualia backup archive name; nothing was deleted.")
    if backup_dir not in (None, "") and path.resolve().parent != _folder(backup_dir):
        raise BackupError(f"{path} is not in the backup dir {_folder(backup_dir)}; nothing was deleted.")
    if path.is_symlink() or not path.is_file():
        raise BackupError(f"No archive {path}; nothing was deleted.")
    path.unlink()
    sidecar_path(path).unlink(missing_ok=True)
    log.info("backup: deleted %s", path.name)


def cleanup(backup_dir: str | Path | None = None, keep_days: int | None = None, keep_min: int | None = None,
            *, now: datetime | None = None) -> list[str]:
    """Delete archives older than keep_days (BACKUP_KEEP_DAYS, 30) except the newest keep_min
    (BACKUP_KEEP_MIN, 3). Returns the deleted names. Also removes leftovers of crashed backups."""
    days = check_count("keep_days", keep_days, 0) if keep_days is not None else keep_days_from_env()
    keep = check_count("keep_min", keep_min, 1) if keep_min is not None else keep_min_from_env()
    folder = _folder(backup_dir)
    if not folder.is_dir():
        return []
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    deleted = []
    for info in list_backups(folder)[keep:]:
        if info.created_at < cutoff:
            delete(info.path, folder)
            deleted.append(info.name)
    _remove_leftovers(folder)
    log.info("backup: cleanup deleted %d archives (kept the newest %d, and any under %d days)",
             len(deleted), keep, days)
    return deleted


def _remove_leftovers(folder: Path) -> None:
    """Temporary files of backups that crashed a day ago or more, and verify records of deleted archives."""
    for path in folder.iterdir():
        try:
            if path.name.startswith(TEMP_PREFIX) and path.name.endswith(".tmp"):
                if time.time() - path.stat().st_mtime > STALE_TEMP_SECONDS:
                    if path.is_dir() and not path.is_symlink():  # a crashed backup's database snapshots
                        shutil.rmtree(path)
                    else:
                        path.unlink()
            elif (archive := archive_of_sidecar(path)) is not None and not archive.exists():
                path.unlink()
        except OSError as exc:
            log.warning("backup: could not remove leftover %s: %s", path.name, exc)


def save_upload(data: bytes | BinaryIO | str | Path, backup_dir: str | Path | None = None,
                filename: str | None = None) -> BackupInfo:
    """Validate an uploaded archive exactly like a local one and, only if it passes, store it in
    the backup dir (under its own name if that is a free archive name that says rightly whether it is
    encrypted, else under its creation time with `_uploaded`). Raises ArchiveRejected, with nothing
    written, when it fails, and crypto.BackupKeyError when it is encrypted and QUALIA_BACKUP_KEY cannot
    open it."""
    report = validate_upload(data, filename or "uploaded archive")
    if not report.ok:
        raise ArchiveRejected(filename or "uploaded archive", report.problems, report)
    folder = _folder(backup_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(data, (bytes, bytearray, memoryview)):
                out.write(data)
            else:
                src = open(data, "rb") if isinstance(data, (str, Path)) else data
                try:
                    src.seek(0)
                    while chunk := src.read(1 << 20):
                        out.write(chunk)
                finally:
                    if src is not data:
                        src.close()
            out.flush()
            os.fsync(out.fileno())
        created = parse_time(report.summary["created_at"]) or datetime.now(timezone.utc)
        name = Path(filename).name if filename and is_archive_name(Path(filename).name) else None
        candidates = [name] if name and named_encrypted(name) == report.encrypted else []  # the name tells the truth
        candidates += [archive_name(created, ("uploaded",) if n == 1 else ("uploaded", str(n)), report.encrypted)
                       for n in range(1, 100)]
        for candidate in candidates:
            try:
                os.link(tmp, folder / candidate)
                break
            except FileExistsError:
                continue
        else:
            raise BackupError(f"Too many uploaded archives like {candidates[-1]} in {folder}.")
    finally:
        os.unlink(tmp)
    final = folder / candidate
    st = final.stat()
    write_sidecar(final, (st.st_size, st.st_mtime_ns), True, [], report.summary,
                  datetime.now(timezone.utc).isoformat(timespec="seconds"))
    log.info("backup: stored uploaded archive as %s", candidate)
    return describe(final)


def cron(data_dir: str | Path | None = None, backup_dir: str | Path | None = None,
         plugins_dir: str | Path | None = None, env_file: str | Path | None = None, *,
         include_env: bool = False) -> tuple[BackupInfo, list[str]]:
    """The daily job: create (with .env only when include_env), then cleanup. The outcome is in
    data_dir/ops/last_backup.json either way (create records it; a failed cleanup records a failure naming
    the archive that was made)."""
    info = create(data_dir, backup_dir, plugins_dir, env_file, include_env=include_env)
    data, plugins, _ = resolve_sources(data_dir, plugins_dir, env_file)
    try:
        deleted = cleanup(resolve_backup_dir(backup_dir, data_dir=data, plugins_dir=plugins))
    except (OSError, ValueError, BackupError, SettingsError) as exc:
        record_last_backup(data, False, archive=info.name,
                           message=f"archive {info.name} was created, but removing old archives failed: {exc}")
        raise BackupError(f"Cleanup failed after creating {info.name}: {exc}") from exc
    return info, deleted

