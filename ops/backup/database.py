"""The study database in a backup: consistent SQLite snapshots, their integrity, and the documents they hold.

A live SQLite file is never archived by copying its bytes: a copy taken while the app writes may mix pages
of two transactions, and in WAL mode the last commits are still in `qualia.db-wal`. `snapshot()` copies the
database with SQLite's online backup API in one step (one read transaction: every commit before it, none
after) into a new file in rollback-journal mode, so the archived `data/qualia.db` stands alone, without a WAL.
The `-wal`, `-shm` and `-journal` files beside a database and the store's `*.migrate.lock` are never archived.

Standard library only (`sqlite3`): `python -m ops.backup create` stays light, and SQLAlchemy is never imported.
A study database on PostgreSQL (QUALIA_DATABASE_URL) is not in the data dir: `database_notes()` says so, and
the operator backs it up with `pg_dump`.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

log = logging.getLogger(__name__)

MAIN = "qualia.db"  # the store's file in the data dir (qualia_core.store.DATABASE_FILE)
MAIN_MEMBER = f"data/{MAIN}"
MAGIC = b"SQLite format 3\x00"
SUFFIXES = (".db", ".sqlite", ".sqlite3")
SIDECARS = ("-wal", "-shm", "-journal")
LOCK_SUFFIX = ".migrate.lock"
BUSY_TIMEOUT = 30.0
METHOD = "sqlite3 online backup"
RAW = "copied as found"
PROBLEM_ROWS = 3


class SnapshotError(Exception):
    """The database could not be snapshotted for a reason that may pass (locked, I/O, disk full): the backup
    fails."""


class Unreadable(Exception):
    """The file is not a readable SQLite database (damaged, or not a database at all): it is archived as found,
    and verify fails on it."""


def is_database_name(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def left_out(name: str) -> bool:
    """A file that is part of a live database's state, never of a backup: WAL, shared memory, hot journal,
    the migration lock."""
    if name.endswith(LOCK_SUFFIX):
        return True
    return any(name.endswith(s) and is_database_name(name[:-len(s)]) for s in SIDECARS)


def is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _uri(path: Path, mode: str) -> str:
    return f"{Path(path).resolve().as_uri()}?mode={mode}"


def _connect(path: Path, mode: str = "rw") -> sqlite3.Connection:
    """A connection that never creates the file (mode=rw/ro) and waits for a writer up to BUSY_TIMEOUT."""
    return sqlite3.connect(_uri(path, mode), uri=True, timeout=BUSY_TIMEOUT, isolation_level=None,
                           check_same_thread=False)


def snapshot(source: Path, dest: Path) -> dict[str, Any]:
    """Copy the live database `source` into the new file `dest`, consistently, while other processes write.

    One backup step holds one read transaction, so the copy has every transaction committed before it began
    and none after; WAL readers never block the app's writers. The copy is switched to rollback-journal mode
    (it has no WAL beside it; the app switches it back to WAL when it opens it). Returns what the manifest
    records. Raises Unreadable when `source` is not a readable database (the caller archives it as found),
    SnapshotError when it is busy or cannot be read now."""
    try:
        src = _connect(source, "rw")  # never "ro": a read-only opener would leave -wal/-shm files behind it
        try:
            src.execute("PRAGMA query_only=1")
            dst = sqlite3.connect(str(dest), isolation_level=None)
            try:
                src.backup(dst, pages=-1)
                dst.execute("PRAGMA journal_mode=DELETE")
                info = _describe(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.OperationalError as exc:  # locked, busy, I/O, disk full: not a damaged file
        raise SnapshotError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:  # SQLITE_CORRUPT, SQLITE_NOTADB
        raise Unreadable(str(exc)) from exc
    return {"method": METHOD, "sqlite_version": sqlite3.sqlite_version, **info}


def _describe(con: sqlite3.Connection) -> dict[str, Any]:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    info: dict[str, Any] = {}
    if "documents" in tables:
        info["documents"] = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    if "alembic_version" in tables:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        info["schema_revision"] = row[0] if row else None
    return info


def check(path: Path, member: str) -> list[str]:
    """Problems of the database file at `path` (a private copy of archive member `member`): it must open as
    SQLite and pass PRAGMA integrity_check. Empty when it is sound."""
    try:
        con = _connect(path, "rw")  # our own copy; rw so that a WAL-mode header opens too
    except sqlite3.Error as exc:
        return [f"member {member!r} could not be opened as an SQLite database ({exc})"]
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        return [f"member {member!r} is not a sound SQLite database: {exc}"]
    finally:
        con.close()
    if rows == ["ok"]:
        return []
    lines = [line for row in rows for line in str(row).splitlines() if line and not line.startswith("*** in database")]
    more = f"; … ({len(lines)} problems)" if len(lines) > PROBLEM_ROWS else ""
    return [f"member {member!r} fails PRAGMA integrity_check: {'; '.join(lines[:PROBLEM_ROWS])}{more}"]


def documents(path: Path) -> dict[str, dict[str, Any]] | None:
    """{document id: {"sha256", "name", "speakers": [name as shown, …]}} of the study database at `path` (the
    data dir's live one, or a copy out of an archive), read in one read transaction, without writing
    (query_only) and without ever creating the file; None when it holds no study (no documents table).
    Raises sqlite3.Error when it cannot be read."""
    con = _connect(path, "rw")
    try:
        con.execute("PRAGMA query_only=1")
        con.execute("BEGIN")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "documents" not in tables:
            return None
        docs = {i: {"sha256": sha, "name": name, "speakers": []}
                for i, sha, name in con.execute("SELECT id, sha256, name FROM documents")}
        if "speakers" in tables:
            for doc, original, shown in con.execute(
                    "SELECT document_id, original, shown FROM speakers ORDER BY document_id, position"):
                if doc in docs:
                    docs[doc]["speakers"].append(shown or original)
        return docs
    finally:
        if con.in_transaction:
            con.rollback()
        con.close()


def _hide_password(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(the configured URL)"
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme.split("+", 1)[0], user + host, parts.path, "", ""))


def database_notes(url: str | None, data_dir: Path) -> list[str]:
    """What an archive of `data_dir` does not hold, as sentences for the manifest and the operator."""
    url = (url or "").strip()
    if not url:
        return []
    if url.startswith("postgresql"):
        shown = _hide_password(url)
        return [f"The study database is on PostgreSQL ({shown}), not in the data dir, so this archive holds its "
                f"files but not the database itself: back the database up with pg_dump (for example "
                f"`pg_dump --format=custom --file=qualia.dump {shown}`) and restore it with pg_restore."]
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):]).expanduser()
        try:
            inside = path.resolve().parent == data_dir.resolve()
        except OSError:
            inside = False
        if not inside:
            return [f"The study database {path} (QUALIA_DATABASE_URL) is outside the data dir and is not in this "
                    "archive: back it up separately."]
    return []


def configured_url() -> str:
    """QUALIA_DATABASE_URL as the app reads it (empty: the SQLite file in the data dir)."""
    try:
        from qualia_core import config

        return config.get("QUALIA_DATABASE_URL") or ""
    except Exception:  # noqa: BLE001 - a bad setting is reported by the app and the CLI's own check
        return os.environ.get("QUALIA_DATABASE_URL", "")
