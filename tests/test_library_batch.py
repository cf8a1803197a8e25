"""Many documents added at once (library.add_all, one transaction) are stored exactly as one-by-one adds store
them, on SQLite and on PostgreSQL: rows, turns, speakers, kept files and the full-text index; duplicates are
found by their bytes; a file that cannot be read is named and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy import select  # noqa: E402

from qualia_core import QualiaCore  # noqa: E402
from qualia_core.errors import DocumentError  # noqa: E402
from qualia_core.library_write import Upload  # noqa: E402
from qualia_core.store import models as t  # noqa: E402

FORMATS = Path(__file__).parent / "fixtures" / "formats"
FILES = ["ES2012a_excerpt.vtt", "ES2012a_excerpt.srt", "interview_edge_cases.txt", "parliament_excerpt.txt",
         "teams_edge_cases.vtt"]


@pytest.fixture
def two_urls(request, tmp_path):
    """Two empty study databases of the same kind: SQLite files, or databases on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield [f"sqlite:///{tmp_path / name}.db" for name in ("one", "many")]
        return
    server = request.getfixturevalue("postgres_server")
    urls = [server.create_database(), server.create_database()]
    yield urls
    for url in urls:
        server.drop_database(url)


def core_at(tmp_path, name, url, monkeypatch, **kwargs) -> QualiaCore:
    monkeypatch.setenv("QUALIA_DATABASE_URL", url)
    core = QualiaCore(data_dir=tmp_path / name, entry_points=False, **kwargs)
    core.library.store  # opened (and migrated) while the setting names this database
    return core


def stored(core) -> dict:
    """Everything the library wrote, without the moment it was written."""
    with core.library.store.engine.connect() as c:
        docs = [{k: v for k, v in r._mapping.items() if k != "added_at"}
                for r in c.execute(select(t.documents).order_by(t.documents.c.id))]
        turns = [tuple(r) for r in c.execute(select(t.turns.c.document_id, t.turns.c.idx, t.turns.c.speaker,
                                                    t.turns.c.start, t.turns.c.end, t.turns.c.text,
                                                    t.turns.c.shown_text)
                                             .order_by(t.turns.c.document_id, t.turns.c.idx))]
        speakers = [tuple(r) for r in c.execute(select(t.speakers).order_by(t.speakers.c.document_id,
                                                                          t.speakers.c.position))]
    files = sorted((p.name, p.read_bytes()) for p in core.library.files.iterdir())
    return {"documents": docs, "turns": turns, "speakers": speakers, "files": files}


def found(core, query: str) -> list[tuple[str, int]]:
    return [(r.document_id, r.turn) for r in core.search(query, limit=1000).hits]


@pytest.mark.parametrize("two_urls", ["sqlite", "postgresql"], indirect=True)
def test_a_batch_stores_exactly_what_one_by_one_adds_store(tmp_path, two_urls, monkeypatch):
    blobs = [(name, (FORMATS / name).read_bytes()) for name in FILES]
    one = core_at(tmp_path, "one", two_urls[0], monkeypatch)
    for name, data in blobs:
        assert one.library.add(name, data, display_name=f"shown {name}")[1]
    many = core_at(tmp_path, "many", two_urls[1], monkeypatch)
    results = many.library.add_all([Upload(name, data, f"shown {name}") for name, data in blobs])

    assert [added for _, added in results] == [True] * len(FILES)
    assert [e.name for e, _ in results] == [f"shown {name}" for name in FILES]
    expected, got = stored(one), stored(many)
    assert got["documents"] and got["turns"] and got["speakers"]
    assert got == expected
    for query in ("remote control", "button", "minister", "the", "yeah"):  # the index holds every turn, as after add
        assert found(many, query) == found(one, query)
    assert found(many, "remote control") and len(found(many, "the")) > 10

    late = b"Ana: a lighthouse keeper joined late\n"  # the index still follows a document added after the batch
    one.library.add("late.txt", late)
    many.library.add("late.txt", late)
    assert found(many, "lighthouse") == found(one, "lighthouse") != []


@pytest.mark.parametrize("two_urls", ["sqlite"], indirect=True)
def test_the_index_trigger_comes_back_when_a_batch_fails_and_is_left_alone_outside_a_transaction(
        tmp_path, two_urls, monkeypatch):
    from qualia_core.store.search import indexed_together

    core = core_at(tmp_path, "one", two_urls[0], monkeypatch)
    store = core.library.store

    def trigger() -> str | None:
        with store.engine.connect() as c:
            return c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'turns_fts_insert'").scalar()

    before = trigger()
    assert before
    with pytest.raises(RuntimeError):
        with store.transaction() as c:
            c.exec_driver_sql("INSERT INTO participants(name) VALUES ('x')")  # the transaction is open
            with indexed_together(c):
                assert c.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'turns_fts_insert'"
                                         ).scalar() == 0
                assert trigger() == before  # another connection still sees it
                raise RuntimeError("the batch fails")
    assert trigger() == before
    with store.engine.connect() as c:  # not in a transaction yet: nothing is set aside
        with indexed_together(c):
            assert c.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'turns_fts_insert'"
                                     ).scalar() == 1


@pytest.mark.parametrize("two_urls", ["sqlite"], indirect=True)
def test_bytes_already_there_or_twice_in_the_batch_are_stored_once(tmp_path, two_urls, monkeypatch):
    vtt, txt = (FORMATS / FILES[0]).read_bytes(), (FORMATS / FILES[2]).read_bytes()
    core = core_at(tmp_path, "one", two_urls[0], monkeypatch)
    before, _ = core.library.add("first.vtt", vtt)
    results = core.library.add_all([Upload("again.vtt", vtt), Upload("a.txt", txt), Upload("copy.txt", txt)])
    assert [added for _, added in results] == [False, True, False]
    assert results[0][0].id == before.id and results[1][0].id == results[2][0].id
    assert len(core.library.list()) == 2
    assert len(list(core.library.files.iterdir())) == 2


@pytest.mark.parametrize("two_urls", ["sqlite"], indirect=True)
def test_a_file_over_the_limit_or_unreadable_is_named_and_nothing_is_written(tmp_path, two_urls, monkeypatch):
    small = (FORMATS / FILES[2]).read_bytes()
    core = core_at(tmp_path, "one", two_urls[0], monkeypatch, max_document_bytes=len(small) + 10)
    big = small * 3
    with pytest.raises(DocumentError, match="big.txt"):
        core.library.add_all([Upload("small.txt", small), Upload("big.txt", big)])
    with pytest.raises(DocumentError, match="broken.docx"):
        core.library.add_all([Upload("small.txt", small), Upload("broken.docx", b"not a zip at all")])
    assert core.library.list() == []
    assert not core.library.files.exists() or list(core.library.files.iterdir()) == []
