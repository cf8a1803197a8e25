"""create: one archive of the data dir, the plugins dir and (only when asked) .env, with its manifest.

Consistent while the app writes: the study database (`qualia.db`, and any other SQLite file in the
data dir) is archived as a snapshot taken with SQLite's online backup API (database.py), never by
copying the live file, and its WAL and shared-memory files are left out. The snapshot of the
top-level databases is taken before the files are listed, so every document in it has its original
in `files/` (unless it was deleted during the backup). Every other file is read once into memory (or
a temporary spool for a very large one) and both its sha256 and the archived bytes come from that
copy, so the manifest always matches the archive even if the file changes a moment later. The
archive is written under a temporary name in the backup dir, synced, and only then linked to its
final name (never over an existing archive): a crash never leaves a half archive under a final name.
With QUALIA_BACKUP_KEY set the archive is encrypted as it is written (crypto.py), and no plaintext of
the study is left in the backup dir meanwhile: the database snapshots go to the system's temporary
dir and the body waits in a temporary file sealed with a one-off key.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable

from qualia_core.names import check_path

from . import crypto
from . import database as db
from . import manifest as mf
from .info import BackupInfo, describe
from .journal import fsync_dir
from .settings import (TEMP_PREFIX, BackupError, archive_name, default_data_dir, default_env_file,
                       default_plugins_dir, resolve_backup_dir)
from .sources import Entry, collect, is_database, mode_of, transient
from .status import job_lock, record_last_backup
from .tarstream import GzipMember, end_blocks, header

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
MEMORY_LIMIT = 64 * 2**20  # files above this are spooled through a temporary file
LOCK_WAIT_SECONDS = 120.0
COPY_CHUNK = 1 << 20


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def resolve_sources(data_dir, plugins_dir, env_file) -> tuple[Path, Path, Path]:
    data = check_path(data_dir, "data dir").resolve() if data_dir is not None else default_data_dir()
    plugins = check_path(plugins_dir, "plugins dir").resolve() if plugins_dir is not None else default_plugins_dir()
    env = Path(env_file).resolve() if env_file is not None else default_env_file()
    return data, plugins, env


def create(data_dir: str | Path | None = None, backup_dir: str | Path | None = None,
           plugins_dir: str | Path | None = None, env_file: str | Path | None = None,
           progress: Progress | None = None, *, database_url: str | None = None,
           include_env: bool = False) -> BackupInfo:
    """Archive the data dir (study database as a consistent snapshot, original files, cache, outputs,
    breaker stats), the plugins dir and, with include_env=True, .env (`env_file`, default ./.env: it holds
    secrets such as QUALIA_ADMIN_PASSWORD and SENTRY_DSN) into
    BACKUP_DIR/qualia_backup_YYYYMMDD_HHMMSS.tar.gz (.tar.gz.enc, encrypted, with QUALIA_BACKUP_KEY set), and
    record the outcome in data_dir/ops/last_backup.json (ok or failed) for the Health page.

    `progress(done_files, total_files)` is called as files are archived (at most ~100 times).
    `database_url` defaults to QUALIA_DATABASE_URL: on PostgreSQL the archive holds the files only and
    its `notes` say to back the database up with pg_dump.
    Raises BackupError, or SettingsError for unusable settings (e.g. the backup dir inside the data dir)."""
    data, plugins, env = resolve_sources(data_dir, plugins_dir, env_file)
    env = env if include_env else None
    started = time.monotonic()
    try:
        folder = resolve_backup_dir(backup_dir, data_dir=data, plugins_dir=plugins)
        with job_lock(folder, wait_seconds=LOCK_WAIT_SECONDS):
            info = create_locked(data, folder, plugins, env, progress, database_url=database_url)
    except BaseException as exc:
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc) or type(exc).__name__
        record_last_backup(data, False, message=f"backup failed: {reason}")
        raise
    record_last_backup(data, True, archive=info.name, message=f"{info.file_count} files archived",
                       files=info.file_count, size=info.size,
                       duration_seconds=round(time.monotonic() - started, 2))
    return info


def create_locked(data_dir: Path, backup_dir: Path, plugins_dir: Path | None, env_file: Path | None,
                  progress: Progress | None = None, tags: tuple[str, ...] = (), *,
                  database_url: str | None = None, named_at: datetime | None = None) -> BackupInfo:
    """create() without the settings, lock and status file (a restore's safety backup uses it). `env_file`
    None: no .env in the archive. `named_at`: the time in the archive's name (default: when it is made; a
    restore names its safety backup when it shows the plan)."""
    if not data_dir.is_dir():
        raise BackupError(f"The data dir {data_dir} does not exist, so there is nothing to back up. "
                          "Check QUALIA_DATA_DIR (cron runs with an almost empty environment).")
    secret = crypto.passphrase()
    body_key = crypto.scratch_key(secret is not None)
    backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    created_at = utcnow()
    head = mf.describe_sources(created_at, data_dir, plugins_dir if plugins_dir and plugins_dir.is_dir() else None,
                               env_file if env_file and env_file.is_file() else None)
    notes = db.database_notes(db.configured_url() if database_url is None else database_url, data_dir)
    for note in notes:
        log.info("backup: %s", note)
    scratch = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, suffix=".snapshots.tmp", dir=None if secret else backup_dir))
    body_fd, body_tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".body.tmp", dir=backup_dir)
    out_fd, out_tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=backup_dir)
    try:
        snapshots = Snapshots(scratch)
        snapshots.take_top(data_dir)  # before the files are listed: each document's original is listed too
        entries = collect(data_dir, plugins_dir, env_file)
        with open(body_fd, "wb", buffering=COPY_CHUNK) as body_file, \
                crypto.scratch_writing(body_file, body_key) as body:
            files, dirs, body_len = _write_body(body, entries, progress, snapshots)
        manifest = {**head, "plugins": {"folders": mf.plugin_folders(files, dirs)}, "files": files, "dirs": dirs,
                    "totals": {"files": len(files), "bytes": sum(f["size"] for f in files)},
                    "databases": snapshots.records(), "notes": notes + snapshots.notes}
        with open(out_fd, "wb", buffering=COPY_CHUNK) as out_file:
            with crypto.sealing(out_file, secret) as out:
                first = GzipMember(out)
                data = mf.encode(manifest)
                first.write(header(mf.MANIFEST, len(data), created_at.timestamp(), 0o644))
                first.write(data)
                first.pad()
                first.close()
                with open(body_tmp, "rb") as body:
                    shutil.copyfileobj(crypto.scratch_reader(body, body_key), out, COPY_CHUNK)
                last = GzipMember(out)
                last.write(end_blocks(first.offset + body_len))
                last.close()
            out_file.flush()
            os.fsync(out_file.fileno())
        final = _link_final(Path(out_tmp), backup_dir, named_at or created_at, tags, encrypted=secret is not None)
    except OSError as exc:
        raise BackupError(f"Could not write the backup in {backup_dir}: {exc}. Check the free space "
                          "and permissions of the backup dir.") from exc
    finally:
        for tmp in (body_tmp, out_tmp):
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        shutil.rmtree(scratch, ignore_errors=True)
    log.info("backup: created %s (%d files, %d folders)", final.name, len(files), len(dirs))
    return describe(final)


class Snapshots:
    """The snapshots of one backup's databases, taken once each into a private scratch folder."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.taken: dict[str, Path | None] = {}
        self._records: dict[str, dict] = {}
        self.notes: list[str] = []

    def take_top(self, data_dir: Path) -> None:
        """Snapshot the databases at the top of the data dir (the store's qualia.db) now."""
        try:
            found = sorted(os.scandir(data_dir), key=lambda e: e.name)
        except FileNotFoundError:
            return
        for entry in found:
            name = f"data/{entry.name}"
            if (not transient(entry.name) and not db.left_out(entry.name) and entry.is_file(follow_symlinks=False)
                    and is_database(name, Path(entry.path))):
                self.take(name, Path(entry.path))

    def take(self, name: str, path: Path) -> Path | None:
        """The snapshot of the database `path` (member `name`), taken on the first call; None when the file is
        not a readable database and is to be archived as found. Raises FileNotFoundError when it is gone,
        BackupError when it cannot be read now."""
        if name in self.taken:
            return self.taken[name]
        if not path.is_file():
            raise FileNotFoundError(path)
        dest = self.scratch / f"{len(self.taken)}.db"
        started = time.monotonic()
        try:
            info = db.snapshot(path, dest)
        except db.Unreadable as exc:
            note = (f"{name} is not a readable SQLite database ({exc}): it was archived as found, and verify "
                    "will fail on it")
            log.warning("backup: %s", note)
            self.notes.append(note)
            self._records[name] = {"path": name, "method": db.RAW, "problem": str(exc)}
            self.taken[name] = None
            dest.unlink(missing_ok=True)
            return None
        except db.SnapshotError as exc:
            if not path.is_file():
                raise FileNotFoundError(path) from exc
            raise BackupError(f"Could not take a consistent copy of the database {path} ({exc}); nothing was "
                              "archived. Try again; if it persists, check the disk and the file's permissions.") from exc
        log.info("backup: snapshot of %s (%d bytes) in %.3f s", name, dest.stat().st_size, time.monotonic() - started)
        self._records[name] = {"path": name, **info}
        self.taken[name] = dest
        return dest

    def records(self) -> list[dict]:
        return [self._records[n] for n in sorted(self._records)]


def _write_body(out: BinaryIO, entries: list[Entry], progress: Progress | None,
                snapshots: Snapshots) -> tuple[list, list, int]:
    """Folders and files as tar members in one gzip member (no end blocks); returns the file list,
    the folder list and the uncompressed length."""
    gz = GzipMember(out)
    files: list[dict] = []
    dirs: list[str] = []
    total = sum(1 for e in entries if not e.is_dir)
    done = shown = 0
    if progress:
        progress(0, total)
    for entry in entries:
        if entry.is_dir:
            try:
                st = entry.path.stat()
            except FileNotFoundError:
                continue
            gz.write(header(entry.name, 0, st.st_mtime, mode_of(st), is_dir=True))
            dirs.append(entry.name)
            continue
        try:
            snap = snapshots.take(entry.name, entry.path) if entry.database else None
            added = _add_snapshot(gz, entry, snap) if snap is not None else _add_file(gz, entry)
        except (FileNotFoundError, NotADirectoryError):
            log.debug("backup: %s disappeared while archiving; skipped", entry.name)
            added = None
        if added:
            files.append(added)
        done += 1
        if progress and (done == total or done * 100 // max(total, 1) > shown):
            shown = done * 100 // max(total, 1)
            progress(done, total)
    gz.close()
    return files, dirs, gz.offset


def _add_file(gz: GzipMember, entry: Entry) -> dict:
    with open(entry.path, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read(MEMORY_LIMIT + 1)
        if len(data) <= MEMORY_LIMIT:
            digest = hashlib.sha256(data).hexdigest()
            gz.write(header(entry.name, len(data), st.st_mtime, mode_of(st)))
            gz.write(data)
            size = len(data)
        else:
            size, digest = _add_large(gz, entry, fh, data, st)
    gz.pad()
    return {"path": entry.name, "size": size, "sha256": digest}


def _add_snapshot(gz: GzipMember, entry: Entry, snap: Path) -> dict:
    """A database snapshot: a private file nobody else writes, streamed and hashed in one pass, under the
    live file's name, mode and modification time."""
    try:
        st = entry.path.stat()
    except FileNotFoundError:
        st = snap.stat()
    sha = hashlib.sha256()
    with open(snap, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        gz.write(header(entry.name, size, st.st_mtime, mode_of(st)))
        left = size
        while left and (chunk := fh.read(min(COPY_CHUNK, left))):
            sha.update(chunk)
            gz.write(chunk)
            left -= len(chunk)
    if left:
        raise BackupError(f"The snapshot of {entry.name} changed while it was archived.")
    gz.pad()
    return {"path": entry.name, "size": size, "sha256": sha.hexdigest()}


def _add_large(gz: GzipMember, entry: Entry, fh: BinaryIO, first: bytes, st: os.stat_result) -> tuple[int, str]:
    """Copy a large file into a temporary spool while hashing, then archive the spool."""
    sha = hashlib.sha256(first)
    with tempfile.TemporaryFile() as spool:
        spool.write(first)
        size = len(first)
        while chunk := fh.read(COPY_CHUNK):
            sha.update(chunk)
            spool.write(chunk)
            size += len(chunk)
        spool.seek(0)
        gz.write(header(entry.name, size, st.st_mtime, mode_of(st)))
        while chunk := spool.read(COPY_CHUNK):
            gz.write(chunk)
    return size, sha.hexdigest()


def _link_final(tmp: Path, backup_dir: Path, created_at: datetime, tags: tuple[str, ...], *,
                encrypted: bool = False) -> Path:
    """Give the finished archive its final name without ever replacing an existing archive."""
    os.chmod(tmp, 0o600)
    for attempt in range(1, 100):
        final = backup_dir / archive_name(created_at, tags if attempt == 1 else (*tags, str(attempt)), encrypted)
        try:
            os.link(tmp, final)
        except FileExistsError:
            continue
        except OSError:  # a filesystem without hard links
            if final.exists():
                continue
            os.replace(tmp, final)
        fsync_dir(backup_dir)
        return final
    raise BackupError(f"Too many archives named {archive_name(created_at, tags, encrypted)} in {backup_dir}.")
