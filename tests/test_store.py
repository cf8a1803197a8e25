"""The study database: migrations build the schema the tables describe, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy")

from sqlalchemy import delete, func, insert, inspect, select, text  # noqa: E402
from sqlalchemy.exc import IntegrityError  # noqa: E402

from qualia_core.errors import SettingsError  # noqa: E402
from qualia_core.store.database import SCHEMA_HEAD  # noqa: E402
from qualia_core.store import Store  # noqa: E402
from qualia_core.store.database import SCHEMA_HEAD  # noqa: E402
from qualia_core.store.models import documents, metadata, outside_the_models, participants, speakers, turns  # noqa: E402,E501

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(database_url):
    store = Store.open(database_url)
    yield store
    store.close()


def a_document(doc_id: str = "interview-1-abcd1234", sha: str = "a" * 64) -> dict:
    return dict(id=doc_id, name="Interview 1", source="interview 1.txt", format="txt", encoding="utf-8",
                language="pt", size_bytes=120, sha256=sha, turn_count=2, word_count=9,
                added_at=datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc))


def test_the_migrations_build_exactly_the_schema_the_models_describe(store):
    """Every change to the tables in models.py needs its migration: autogenerate finds nothing left to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_name": outside_the_models})
        diff = compare_metadata(context, metadata)
    assert diff == []
    assert store.revision() == SCHEMA_HEAD
    assert {"documents", "turns", "speakers", "participants"} <= set(inspect(store.engine).get_table_names())


def test_a_document_keeps_its_turns_and_speakers_and_takes_them_along_when_deleted(store):
    doc = "interview-1-abcd1234"
    with store.transaction() as c:
        c.execute(insert(documents), a_document())
        c.execute(insert(turns), [
            dict(document_id=doc, idx=0, speaker="Ana Silva", start=0.0, end=2.5, text="Como começou?"),
            dict(document_id=doc, idx=1, speaker="Bruno", start=None, end=None, text="Não sei, começou cedo.")])
        c.execute(insert(speakers), [dict(document_id=doc, original="Ana Silva", position=0, shown="P01"),
                                     dict(document_id=doc, original="Bruno", position=1, shown=None)])
    with store.transaction() as c:
        rows = c.execute(select(turns).order_by(turns.c.idx)).all()
        assert [(t.speaker, t.start, t.text) for t in rows] == [("Ana Silva", 0.0, "Como começou?"),
                                                                ("Bruno", None, "Não sei, começou cedo.")]
        assert c.execute(select(speakers.c.shown).where(speakers.c.original == "Ana Silva")).scalar() == "P01"
        added_at, revision = c.execute(select(documents.c.added_at, documents.c.revision)).one()
        assert (added_at.year, revision) == (2026, 0)  # a new document starts at revision 0
        c.execute(delete(documents).where(documents.c.id == doc))
    with store.transaction() as c:
        assert c.execute(select(func.count()).select_from(turns)).scalar() == 0
        assert c.execute(select(func.count()).select_from(speakers)).scalar() == 0


def test_the_same_file_cannot_be_stored_twice(store):
    with store.transaction() as c:
        c.execute(insert(documents), a_document("a-1"))
    with pytest.raises(IntegrityError):
        with store.transaction() as c:
            c.execute(insert(documents), a_document("a-2"))


def test_deleting_a_participant_leaves_the_speakers_unmapped(store):
    with store.transaction() as c:
        c.execute(insert(documents), a_document())
        person = c.execute(insert(participants).values(name="Teacher A")).inserted_primary_key[0]
        c.execute(insert(speakers).values(document_id="interview-1-abcd1234", original="Ana Silva", position=0,
                                          participant_id=person))
    with store.transaction() as c:
        c.execute(delete(participants))
    with store.transaction() as c:
        assert c.execute(select(speakers.c.participant_id)).all() == [(None,)]


def test_the_schema_head_the_store_checks_is_the_newest_migration():
    """Store.open skips Alembic when the database is at SCHEMA_HEAD: it must name the real head."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from qualia_core.store.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_the_embedded_database_is_an_sqlite_file_in_wal_mode(tmp_path):
    from qualia_core.store import default_url

    store = Store.open(default_url(tmp_path / "data"))
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()
    assert (tmp_path / "data" / "qualia.db").is_file()


def test_processes_starting_together_migrate_the_database_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'qualia.db'}"
    code = textwrap.dedent(f'''
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from qualia_core.store import Store
        print(Store.open({url!r}).revision())
    ''')
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in outs]
    assert [out.strip() for out, _ in outs] == [SCHEMA_HEAD] * 4


@pytest.mark.parametrize("url, says", [("mysql://localhost/qualia", "SQLite or PostgreSQL"),
                                       ("not a url at all", "is not a database URL")])
def test_an_unusable_database_url_names_the_setting(url, says):
    with pytest.raises(SettingsError, match=f"QUALIA_DATABASE_URL.*{says}"):
        Store.open(url)
