"""The coding tables on both databases Qualia stores studies in: the embedded SQLite file and PostgreSQL 15
(tests/postgres.py starts one). The same behaviour is asserted on each."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.exc import IntegrityError  # noqa: E402

from qualia_core import QualiaCore  # noqa: E402
from qualia_core.errors import CodingError  # noqa: E402
from qualia_core.store import models as t  # noqa: E402

MEETING = ("Ana Silva: we should trust the remote control design\n"
           "Bruno Costa: I doubt the remote control will sell, Ana\n"
           "Ana Silva: thank you Bruno, the design is what sells\n")


@pytest.fixture
def core(data_dir, database_url, monkeypatch):
    monkeypatch.setenv("QUALIA_DATABASE_URL", database_url)
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    yield core
    core.library.store.close()


def count(core, table) -> int:
    with core.library.store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar()


def test_coding_reads_and_writes_the_same_on_each_database(core):
    codes = core.codes
    doc = core.library.add("meeting.txt", MEETING.encode())[0].id
    codes.add_code("Product")
    codes.add_code("Doubt", parent="Product")
    codes.add_code("Design")
    assert [c.path for c in codes.codebook()] == ["Design", "Product", "Product › Doubt"]
    p = codes.code(doc, 1, 2, 7, codes=["Product › Doubt", "Design"], coder="ana")
    assert codes.code(doc, 1, 2, 7, codes="Design", coder="ana").id == p.id  # the same span: no new passage
    assert codes.autocode("remote control", "Product", "bruno", kind="search") == 2
    rows = codes.passages()
    assert rows[["turn", "code", "text", "coder"]].values.tolist() == [
        [0, "Product", "remote control", "bruno"], [1, "Design", "doubt", "ana"],
        [1, "Product › Doubt", "doubt", "ana"], [1, "Product", "remote control", "bruno"]]
    codes.merge_codes("Product › Doubt", "Design")
    assert codes.passages(code="Design")["passage_id"].tolist() == [p.id]
    codes.add_memo("passage", p.id, "hesitant", "ana")
    codes.add_memo("code", "Design", "looks", "ana")
    assert codes.memos()["target"].tolist() == ["meeting, turn 1", "Design"]
    core.library.delete(doc)
    assert (count(core, t.passages), count(core, t.passage_codes), count(core, t.memos)) == (0, 0, 1)
    assert len(codes.codebook()) == 2


def test_the_database_refuses_what_the_model_forbids(core):
    doc = core.library.add("meeting.txt", MEETING.encode())[0].id
    codes = core.codes
    trust = codes.add_code("Trust")
    codes.add_code("Doubt", parent="Trust")
    from datetime import datetime, timezone

    row = dict(guid="x", document_id=doc, turn=99, start=0, end=1, coder="ana",
               created_at=datetime.now(timezone.utc), memo="")
    with pytest.raises(IntegrityError), core.library.store.transaction() as c:  # a passage needs its turn
        c.execute(t.passages.insert(), row)
    with pytest.raises(IntegrityError), core.library.store.transaction() as c:  # one name under one parent
        c.execute(t.codes.insert(), dict(guid="y", name="Doubt", parent_id=trust.id, color="#000000",
                                         description="", created_at=datetime.now(timezone.utc)))
    with pytest.raises(CodingError, match="already under 'Trust'"):
        codes.add_code("Doubt", parent="Trust")
    codes.code(doc, 0, codes="Trust › Doubt", coder="ana")
    codes.delete_code("Trust")  # children and codings go with it (ON DELETE CASCADE and the model)
    assert (count(core, t.codes), count(core, t.passage_codes), count(core, t.passages)) == (0, 0, 0)


def test_coding_is_a_researchers_change_and_viewers_read():
    from qualia_core.access import allows

    assert [allows(role, "code") for role in ("viewer", "researcher", "admin")] == [False, True, True]
    assert allows("viewer", "read") and not allows(None, "code")


def test_the_embedded_database_enforces_foreign_keys(tmp_path):
    """Passages go with their document only if SQLite's foreign keys are on in every connection."""
    from qualia_core.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'qualia.db'}")
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()
