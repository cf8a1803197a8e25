"""The study database: migrations build the schema the models describe, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy")

from sqlalchemy import func, inspect, select, text  # noqa: E402
from sqlalchemy.exc import IntegrityError  # noqa: E402

from qualia_core.errors import SettingsError  # noqa: E402
from qualia_core.store import Store  # noqa: E402
from qualia_core.store.models import Base, Document, Participant, Speaker, Turn, outside_the_models  # noqa: E402,E501

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(database_url):
    store = Store.open(database_url)
    yield store
    store.close()


def a_document(doc_id: str = "interview-1-abcd1234", sha: str = "a" * 64) -> Document:
    return Document(id=doc_id, name="Interview 1", source="interview 1.txt", format="txt", encoding="utf-8",
                    language="pt", size_bytes=120, sha256=sha, turn_count=2, word_count=9,
                    added_at=datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc))


def test_the_migrations_build_exactly_the_schema_the_models_describe(store):
    """Every change to models.py needs its migration: autogenerate finds nothing left to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_name": outside_the_models})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert store.revision() == "0002"
    assert {"documents", "turns", "speakers", "participants"} <= set(inspect(store.engine).get_table_names())


def test_a_document_keeps_its_turns_and_speakers_and_takes_them_along_when_deleted(store):
    with store.session() as s:
        s.add(a_document())
        s.add_all([Turn(document_id="interview-1-abcd1234", idx=0, speaker="Ana Silva", start=0.0, end=2.5,
                        text="Como começou?"),
                   Turn(document_id="interview-1-abcd1234", idx=1, speaker="Bruno", start=None, end=None,
                        text="Não sei, começou cedo.")])
        s.add_all([Speaker(document_id="interview-1-abcd1234", original="Ana Silva", position=0, shown="P01"),
                   Speaker(document_id="interview-1-abcd1234", original="Bruno", position=1)])
    with store.session() as s:
        turns = s.scalars(select(Turn).order_by(Turn.idx)).all()
        assert [(t.speaker, t.start, t.text) for t in turns] == [("Ana Silva", 0.0, "Como começou?"),
                                                                 ("Bruno", None, "Não sei, começou cedo.")]
        assert s.get(Speaker, ("interview-1-abcd1234", "Ana Silva")).shown == "P01"
        assert s.get(Document, "interview-1-abcd1234").added_at.year == 2026
        s.delete(s.get(Document, "interview-1-abcd1234"))
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Turn)) == 0
        assert s.scalar(select(func.count()).select_from(Speaker)) == 0


def test_the_same_file_cannot_be_stored_twice(store):
    with store.session() as s:
        s.add(a_document("a-1"))
    with pytest.raises(IntegrityError):
        with store.session() as s:
            s.add(a_document("a-2"))


def test_deleting_a_participant_leaves_the_speakers_unmapped(store):
    with store.session() as s:
        s.add(a_document())
        person = Participant(name="Teacher A")
        s.add(person)
        s.flush()
        s.add(Speaker(document_id="interview-1-abcd1234", original="Ana Silva", position=0,
                      participant_id=person.id))
    with store.session() as s:
        s.delete(s.scalars(select(Participant)).one())
    with store.session() as s:
        assert s.get(Speaker, ("interview-1-abcd1234", "Ana Silva")).participant_id is None


def test_the_schema_head_the_store_checks_is_the_newest_migration():
    """Store.open skips Alembic when the database is at SCHEMA_HEAD: it must name the real head."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from qualia_core.store.database import MIGRATIONS, SCHEMA_HEAD

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
    assert [out.strip() for out, _ in outs] == ["0002"] * 4


@pytest.mark.parametrize("url, says", [("mysql://localhost/qualia", "SQLite or PostgreSQL"),
                                       ("not a url at all", "is not a database URL")])
def test_an_unusable_database_url_names_the_setting(url, says):
    with pytest.raises(SettingsError, match=f"QUALIA_DATABASE_URL.*{says}"):
        Store.open(url)
