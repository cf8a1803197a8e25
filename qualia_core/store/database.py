"""Opening the study database: one URL decides where it lives, Alembic brings it to the current schema.

    store = Store.open("sqlite:////path/to/data/qualia.db")      # the default: a file in the data dir
    store = Store.open("postgresql+psycopg://user@host/qualia")   # QUALIA_DATABASE_URL
    with store.transaction() as c:                                # one transaction, committed on success
        c.execute(insert(documents), {...})

SQLite runs in WAL mode (readers never wait for a writer), with foreign keys on and a 30 s busy timeout, so
several app processes and the command line can share one file. Migrations run under a lock (a file lock beside
an SQLite database, an advisory lock on PostgreSQL), so processes starting together upgrade it once.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url

from ..errors import SettingsError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SCHEMA_HEAD = "0005"  # the newest migration in migrations/versions (a test keeps the two in step)
_PG_LOCK_KEY = 0x5175616C6961  # "Qualia": the advisory lock that serialises migrations on PostgreSQL

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's own locking only
    fcntl = None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


class Store:
    """An engine and the schema's version for one database URL."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.url = engine.url
        self.is_sqlite = engine.url.get_backend_name() == "sqlite"

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> "Store":
        """Connect to `url` (creating an SQLite file and its folder when needed) and migrate it to the current
        schema. A URL that cannot be used raises SettingsError naming QUALIA_DATABASE_URL."""
        try:
            parsed = make_url(url)
        except Exception as exc:  # noqa: BLE001 - sqlalchemy raises ArgumentError and others
            raise SettingsError([f"QUALIA_DATABASE_URL={url!r} is not a database URL ({exc})"]) from None
        backend = parsed.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise SettingsError([f"QUALIA_DATABASE_URL={url!r}: Qualia stores studies in SQLite or PostgreSQL, "
                                 f"not {backend}"])
        if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(parsed, pool_pre_ping=True)
        store = cls(engine)
        if upgrade and store._schema_version() != SCHEMA_HEAD:  # at the head already: Alembic is not even loaded
            store.upgrade()
        return store

    def _schema_version(self) -> str | None:
        """The database's Alembic revision, read directly (None for a new database)."""
        from sqlalchemy import inspect

        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in one transaction: committed when the block ends, rolled back if it raises."""
        with self.engine.begin() as connection:
            yield connection

    def upgrade(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to `revision`, once even when several processes start together."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._migration_lock(), self.engine.begin() as connection:
            if not self.is_sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def revision(self) -> str | None:
        """The schema version the database is at (None before the first migration)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        database = self.url.database if self.is_sqlite else None
        if fcntl is None or not database or database == ":memory:":
            with _THREAD_LOCK:
                yield
            return
        fd = os.open(f"{database}.migrate.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            with _THREAD_LOCK:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def connection(self) -> Connection:
        return self.engine.connect()

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"


_THREAD_LOCK = threading.Lock()

__all__ = ["Store", "MIGRATIONS"]
