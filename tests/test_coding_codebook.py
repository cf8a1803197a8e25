"""The codebook and coded passages (core.codes): what notebooks, the Code page, the REST API and REFI-QDA use."""

from __future__ import annotations

import pytest

from qualia_core import QualiaCore
from qualia_core.coding import PASSAGE_COLUMNS, Code
from qualia_core.errors import CodingError

MEETING = ("Ana Silva: we should trust the remote control design\n"
           "Bruno Costa: I doubt the remote control will sell, Ana\n"
           "Ana Silva: thank you Bruno, the design is what sells\n")


@pytest.fixture
def core(data_dir) -> QualiaCore:
    return QualiaCore(data_dir=data_dir, entry_points=False)


@pytest.fixture
def doc(core) -> str:
    entry, _ = core.library.add("meeting 1.txt", MEETING.encode())
    return entry.id


def test_codes_form_a_tree_listed_in_tree_order_with_paths(core):
    codes = core.codes
    trust = codes.add_code("Trust", color="#FF0000", description="Saying they trust", created_by="ana")
    codes.add_code("Doubt", parent="Trust")
    codes.add_code("Belief", parent=trust)
    codes.add_code("Design")
    book = codes.codebook()
    assert [c.path for c in book] == ["Design", "Trust", "Trust › Belief", "Trust › Doubt"]
    assert isinstance(book[1], Code) and book[1].color == "#ff0000" and book[1].description == "Saying they trust"
    assert book[2].parent_id == trust.id and len(book[2].guid) == 36
    assert all(c.color.startswith("#") and len(c.color) == 7 for c in book)  # a colour is chosen when none given
    assert codes.get_code("Trust › Doubt").name == "Doubt" and codes.get_code("doubt").path == "Trust › Doubt"
    assert codes.get_code("Trust > Doubt").name == "Doubt"
    codes.add_code("A>B")  # '>' may be in a name: the name itself is found first
    assert codes.get_code("A>B").name == "A>B"


def test_code_names_are_checked_and_unknown_codes_name_close_ones(core):
    codes = core.codes
    codes.add_code("Trust")
    with pytest.raises(CodingError, match="already at the top"):
        codes.add_code("trust")
    with pytest.raises(CodingError, match="empty"):
        codes.add_code("   ")
    with pytest.raises(CodingError, match="#rrggbb"):
        codes.add_code("Red", color="red")
    with pytest.raises(CodingError, match=r"No code 'Trsut'.*Close names: 'Trust'"):
        codes.add_code("Doubt", parent="Trsut")
    with pytest.raises(CodingError, match="separates a code"):
        codes.add_code("A › B")
    codes.add_code("Other", parent="Trust")
    codes.add_code("Design")
    codes.add_code("Other", parent="Design")
    with pytest.raises(CodingError, match="Several codes are named 'Other'.*'Design › Other'.*'Trust › Other'"):
        codes.get_code("Other")


def test_rename_move_color_and_describe(core):
    codes = core.codes
    codes.add_code("Trust")
    codes.add_code("Doubt", parent="Trust")
    codes.add_code("Design")
    assert codes.rename_code("Doubt", "Distrust").path == "Trust › Distrust"
    assert codes.move_code("Distrust", "Design").path == "Design › Distrust"
    assert codes.move_code("Design › Distrust", None).path == "Distrust"
    with pytest.raises(CodingError, match="itself or one of its children"):
        codes.move_code("Trust", "Trust")
    codes.move_code("Distrust", "Trust")
    with pytest.raises(CodingError, match="itself or one of its children"):
        codes.move_code("Trust", "Trust › Distrust")
    assert codes.set_code_color("Trust", "#00AA00").color == "#00aa00"
    assert codes.describe_code("Trust", "When they rely on it").description == "When they rely on it"
    with pytest.raises(CodingError, match="already"):
        codes.rename_code("Design", "trust")


def test_coding_words_of_a_turn_and_reading_them_back(core, doc):
    codes = core.codes
    codes.add_code("Trust")
    codes.add_code("Design")
    text = codes.turn_texts(doc)[0]["text"]
    start = text.index("trust")
    p = codes.code(doc, 0, start, start + len("trust"), codes=["Trust", "Design"], coder="ana", memo="key")
    assert (p.document_id, p.turn, p.start, p.end, p.coder, p.memo) == (doc, 0, start, start + 5, "ana", "key")
    whole = codes.code(doc, 1, codes="Design", coder="bruno")
    assert (whole.start, whole.end) == (0, len(codes.turn_texts(doc)[1]["text"]))
    rows = codes.passages()
    assert list(rows.columns) == PASSAGE_COLUMNS
    assert rows[["passage_id", "code"]].values.tolist() == [[p.id, "Design"], [p.id, "Trust"], [whole.id, "Design"]]
    first = rows.iloc[0]
    assert (first.meeting, first.speaker, first.text, first.turn_text, first.coder, first.memo) == (
        "meeting 1", "Ana Silva", "trust", text, "ana", "key")
    assert str(rows["coded_at"].dt.tz) == "UTC"
    assert rows["start_time"].isna().all()  # a plain text transcript has no times
    assert codes.passages(code="Trust")["passage_id"].tolist() == [p.id]
    assert codes.passages(coder="bruno")["passage_id"].tolist() == [whole.id]
    assert codes.passages(speaker="Bruno Costa")["passage_id"].tolist() == [whole.id]
    assert codes.passages(document=[doc], code=["Trust", "Design"], coder=["ana"]).shape[0] == 2
    assert codes.passages(document="nothing-here").empty
    codes.add_code("Shape", parent="Design")
    shaped = codes.code(doc, 2, codes="Design › Shape", coder="ana")
    assert shaped.id not in codes.passages(code="Design")["passage_id"].tolist()
    assert shaped.id in codes.passages(code="Design", with_children=True)["passage_id"].tolist()


def test_coding_the_same_span_again_is_a_no_op_and_a_new_code_joins_the_passage(core, doc):
    codes = core.codes
    codes.add_code("Trust")
    codes.add_code("Design")
    first = codes.code(doc, 0, 0, 6, codes="Trust", coder="ana")
    again = codes.code(doc, 0, 0, 6, codes="Trust", coder="ana")
    assert again.id == first.id and len(codes.passages()) == 1
    assert codes.code_many([dict(document_id=doc, turn=0, start=0, end=6, codes=["Trust"], coder="ana")]) == 0
    joined = codes.code(doc, 0, 0, 6, codes="Design", coder="ana")
    assert joined.id == first.id and set(joined.code_ids) == {codes.get_code("Trust").id, codes.get_code("Design").id}
    other = codes.code(doc, 0, 0, 6, codes="Trust", coder="bruno")  # another coder's passage is their own
    assert other.id != first.id and len(codes.passages()) == 3


def test_bad_coding_input_names_the_document_turn_and_bounds_and_writes_nothing(core, doc):
    codes = core.codes
    codes.add_code("Trust")
    size = len(codes.turn_texts(doc)[0]["text"])
    with pytest.raises(CodingError, match=rf"Offsets 3..{size + 1} do not fit turn 0 of 'meeting 1'.*<= {size}"):
        codes.code(doc, 0, 3, size + 1, codes="Trust", coder="ana")
    with pytest.raises(CodingError, match="Offsets 5..5"):
        codes.code(doc, 0, 5, 5, codes="Trust", coder="ana")
    with pytest.raises(CodingError, match="Offsets -1..4"):
        codes.code(doc, 0, -1, 4, codes="Trust", coder="ana")
    with pytest.raises(CodingError, match="has no turn 7: its turns are numbered 0 to 2"):
        codes.code(doc, 7, codes="Trust", coder="ana")
    with pytest.raises(CodingError, match="No document 'missing-1'"):
        codes.code("missing-1", 0, codes="Trust", coder="ana")
    with pytest.raises(CodingError, match="No code 'Trusty'.*'Trust'"):
        codes.code(doc, 0, codes="Trusty", coder="ana")
    with pytest.raises(CodingError, match="No code given"):
        codes.code(doc, 0, codes=[], coder="ana")
    with pytest.raises(CodingError, match="coder is empty"):
        codes.code(doc, 0, codes="Trust", coder="  ")
    good = dict(document_id=doc, turn=0, codes=["Trust"], coder="ana")
    with pytest.raises(CodingError, match=r"passage 2 of 2: .*no turn 9"):
        codes.code_many([good, dict(good, turn=9)])
    assert codes.passages().empty  # the good row was not written either
    guid = "5a8b1c2d-0000-4000-8000-000000000001"
    codes.code(doc, 0, 0, 4, codes="Trust", coder="ana", guid=guid)
    assert codes.code(doc, 0, 0, 4, codes="Trust", coder="ana", guid=guid).guid == guid  # the same passage again
    with pytest.raises(CodingError, match=f"GUID {guid} is already in the study"):
        codes.code(doc, 1, codes="Trust", coder="ana", guid=guid)
    with pytest.raises(CodingError, match="not a GUID"):
        codes.code(doc, 1, codes="Trust", coder="ana", guid="not-a-guid")
    with pytest.raises(CodingError, match="same GUID"):
        other = "5a8b1c2d-0000-4000-8000-000000000002"
        codes.code_many([dict(good, turn=1, guid=other), dict(good, turn=2, guid=other)])
    assert len(codes.passages()) == 1


def test_uncode_takes_codes_off_and_a_passage_without_codes_goes(core, doc):
    codes = core.codes
    codes.add_code("Trust")
    codes.add_code("Design")
    p = codes.code(doc, 0, 0, 6, codes=["Trust", "Design"], coder="ana")
    left = codes.uncode(p.id, codes=["Design"])
    assert left.code_ids == (codes.get_code("Trust").id,)
    assert codes.passages()["code"].tolist() == ["Trust"]
    assert codes.uncode(p.id) is None
    assert codes.passages().empty
    with pytest.raises(CodingError, match=f"No passage {p.id}"):
        codes.uncode(p.id)
    q = codes.code(doc, 1, codes="Trust", coder="ana")
    assert codes.set_passage_memo(q.id, "hesitant").memo == "hesitant"
    assert codes.passages()["memo"].tolist() == ["hesitant"]


def test_merging_codes_moves_their_passages_children_and_memos(core, doc):
    codes = core.codes
    codes.add_code("Trust")
    codes.add_code("Confidence")
    codes.add_code("Doubt", parent="Confidence")
    codes.add_code("Doubt", parent="Trust")
    codes.add_code("Faith", parent="Confidence")
    a = codes.code(doc, 0, 0, 6, codes=["Trust", "Confidence"], coder="ana")
    b = codes.code(doc, 1, codes="Confidence", coder="ana")
    c = codes.code(doc, 2, codes="Confidence › Doubt", coder="ana")
    codes.add_memo("code", "Confidence", "About confidence", "ana")
    into = codes.merge_codes("Confidence", "Trust")
    assert into.path == "Trust"
    assert [x.path for x in codes.codebook()] == ["Trust", "Trust › Doubt", "Trust › Faith"]
    rows = codes.passages()
    assert sorted(rows[["passage_id", "code"]].values.tolist()) == sorted(
        [[a.id, "Trust"], [b.id, "Trust"], [c.id, "Trust › Doubt"]])
    assert codes.memos("code", "Trust")["text"].tolist() == ["About confidence"]
    with pytest.raises(CodingError, match="itself or one of its children"):
        codes.merge_codes("Trust", "Trust › Doubt")


def test_deleting_a_code_removes_its_children_codings_memos_and_bare_passages(core, doc):
    codes = core.codes
    codes.add_code("Trust")
    codes.add_code("Doubt", parent="Trust")
    codes.add_code("Design")
    kept = codes.code(doc, 0, 0, 6, codes=["Doubt", "Design"], coder="ana")
    gone = codes.code(doc, 1, codes="Trust", coder="ana")
    codes.add_memo("code", "Trust › Doubt", "memo on doubt", "ana")
    codes.add_memo("passage", gone.id, "memo on a passage", "ana")
    assert len(codes.delete_code("Trust")) == 2
    assert [c.path for c in codes.codebook()] == ["Design"]
    assert codes.passages()[["passage_id", "code"]].values.tolist() == [[kept.id, "Design"]]
    with pytest.raises(CodingError):
        codes.passage(gone.id)
    assert codes.memos().empty


def test_deleting_a_document_removes_its_passages_and_memos(core, doc):
    codes = core.codes
    codes.add_code("Trust")
    p = codes.code(doc, 0, codes="Trust", coder="ana")
    codes.add_memo("passage", p.id, "on the passage", "ana")
    codes.add_memo("document", doc, "on the meeting", "ana")
    codes.add_memo("study", None, "journal", "ana")
    core.library.delete(doc)
    assert codes.passages().empty
    assert codes.memos()["text"].tolist() == ["journal"]
    from sqlalchemy import func, select

    from qualia_core.store import models as t

    with core.library.store.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.passages)).scalar() == 0
        assert c.execute(select(func.count()).select_from(t.passage_codes)).scalar() == 0
        assert c.execute(select(func.count()).select_from(t.memos)).scalar() == 1


def test_ids_and_offsets_read_from_the_passages_table_can_be_passed_back(core, doc):
    """Pages and notebooks take ids, turns and offsets from DataFrames: numpy integers are whole numbers too."""
    codes = core.codes
    codes.add_code("Trust")
    codes.add_code("Design")
    codes.code(doc, 0, 0, 6, codes="Trust", coder="ana")
    row = codes.passages().iloc[0]
    assert type(row.passage_id).__module__ == "numpy"
    again = codes.code(row.document_id, row.turn, row.start, row.end, codes=[row.code_id, "Design"], coder="ana")
    assert again.id == row.passage_id and len(again.code_ids) == 2
    memo = codes.add_memo("passage", row.passage_id, "note", "ana")
    memo_id = codes.memos()["memo_id"].iloc[0]
    assert codes.update_memo(memo_id, "a longer note", "ana").id == memo.id
    codes.delete_memo(memo_id)
    assert codes.set_passage_memo(row.passage_id, "kept").memo == "kept"
    assert codes.uncode(row.passage_id, codes=[row.code_id]).code_ids == (codes.get_code("Design").id,)
    with pytest.raises(CodingError, match="whole number"):
        codes.uncode(1.5)
    with pytest.raises(CodingError, match="must be a whole number of characters"):
        codes.code(doc, 0, 0.5, 3, codes="Trust", coder="ana")
