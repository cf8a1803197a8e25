"""Reading coded passages: combinations of codes, memos on every target, and offsets that stay on the same
words after speaker renames, pseudonyms and names replaced in the speech."""

from __future__ import annotations

import pytest

from qualia_core import QualiaCore
from qualia_core.coding import MEMO_COLUMNS
from qualia_core.errors import CodingError
from qualia_core.speech_names import map_offset, replaced_segments

MEETING = ("Ana Silva: we should trust the remote control design\n"
           "Bruno Costa: I doubt the remote control will sell, Ana\n"
           "Ana Silva: thank you Bruno, the design is what sells\n")
TIMED = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ana>Hello everyone, thanks Bruno for coming.

00:00:05.500 --> 00:00:09.000
<v Bruno>Thanks Ana. Let us talk about the budget.
"""


@pytest.fixture
def core(data_dir) -> QualiaCore:
    return QualiaCore(data_dir=data_dir, entry_points=False)


@pytest.fixture
def doc(core) -> str:
    return core.library.add("meeting 1.txt", MEETING.encode())[0].id


def span(core, doc, turn, words):
    text = core.codes.turn_texts(doc)[turn]["text"]
    return text.index(words), text.index(words) + len(words)


def test_overlapping_and_excluding_combine_two_codes_within_a_turn(core, doc):
    codes = core.codes
    for name in ("Product", "Doubt", "Thanks"):
        codes.add_code(name)
    a, b = span(core, doc, 1, "the remote control")
    p1 = codes.code(doc, 1, a, b, codes="Product", coder="ana")
    codes.code(doc, 1, *span(core, doc, 1, "doubt the remote"), codes="Doubt", coder="bruno")  # overlaps p1
    p2 = codes.code(doc, 0, *span(core, doc, 0, "remote control"), codes="Product", coder="ana")
    codes.code(doc, 2, *span(core, doc, 2, "thank you"), codes="Doubt", coder="ana")  # another turn
    p3 = codes.code(doc, 2, *span(core, doc, 2, "the design"), codes="Product", coder="ana")  # touches, no overlap
    codes.code(doc, 2, *span(core, doc, 2, "Bruno, "), codes="Thanks", coder="ana")
    both = codes.overlapping("Product", "Doubt")
    assert both["passage_id"].tolist() == [p1.id] and both["code"].tolist() == ["Product"]
    assert sorted(codes.excluding("Product", "Doubt")["passage_id"]) == sorted([p2.id, p3.id])
    assert codes.overlapping("Product", "Thanks").empty  # "Bruno, " ends where "the design" starts
    with pytest.raises(CodingError, match="No code 'Dobt'"):
        codes.overlapping("Product", "Dobt")


def test_passages_keep_their_words_after_renames_and_pseudonyms(core, doc):
    codes = core.codes
    codes.add_code("Doubt")
    p = codes.code(doc, 1, *span(core, doc, 1, "doubt the remote control"), codes="Doubt", coder="ana")
    core.library.set_speaker_names(doc, {"Bruno Costa": "Participant B"})
    row = codes.passages().iloc[0]
    assert (row.speaker, row.text, row.start, row.end) == ("Participant B", "doubt the remote control", p.start, p.end)
    assert codes.passages(speaker="Participant B")["passage_id"].tolist() == [p.id]
    assert codes.passages(speaker="Bruno Costa")["passage_id"].tolist() == [p.id]  # the name in the file too
    core.library.pseudonymise(doc)
    row = codes.passages().iloc[0]
    assert (row.speaker, row.text) == ("P02", "doubt the remote control")


def test_with_names_in_speech_the_shown_text_is_mapped_onto_the_passage(core, doc):
    codes = core.codes
    codes.add_code("Address")
    codes.add_code("Sell")
    whole = span(core, doc, 1, "will sell, Ana")
    codes.code(doc, 1, *whole, codes="Address", coder="ana")
    inside = span(core, doc, 1, "Ana")
    codes.code(doc, 1, inside[0] + 1, inside[1], codes="Sell", coder="ana")  # "na": inside the replaced name
    core.library.pseudonymise(doc)  # Ana Silva -> P01, Bruno Costa -> P02
    core.library.set_names_in_speech(doc, True)
    rows = codes.passages()
    assert rows["turn_text"].iloc[0] == "I doubt the remote control will sell, P01"
    assert rows.set_index("code").loc["Address", "text"] == "will sell, P01"
    assert rows.set_index("code").loc["Sell", "text"] == "P01"  # a span keeps whole names
    assert (rows["start"].tolist(), rows["end"].tolist()) == ([whole[0], inside[0] + 1], [whole[1], inside[1]])
    turns = codes.turn_texts(doc)
    assert turns[2]["text"] == "thank you Bruno, the design is what sells"
    assert turns[2]["shown"] == "thank you P02, the design is what sells"
    core.library.set_names_in_speech(doc, False)
    assert codes.passages().set_index("code").loc["Address", "text"] == "will sell, Ana"


def test_the_offset_map_moves_offsets_between_stored_and_shown_text():
    text = "thanks Ana Souza and Bruno, see you Ana"
    shown, segments = replaced_segments(text, {"Ana Souza": "P1", "Bruno": "Participant 2"})
    assert shown == "thanks P1 and Participant 2, see you P1"
    for words in ("thanks", "and", ", see you", "see"):
        a = text.index(words)
        b = a + len(words)
        assert shown[map_offset(a, segments):map_offset(b, segments, end=True)] == words
        back = shown.index(words)
        assert text[map_offset(back, segments, to_shown=False):
                    map_offset(back + len(words), segments, end=True, to_shown=False)] == words
    a = text.index("Souza")  # inside a replaced name: the whole name
    assert shown[map_offset(a, segments):map_offset(a + 2, segments, end=True)] == "P1"
    assert map_offset(len(text), segments, end=True) == len(shown)
    assert replaced_segments("no names here", {}) == ("no names here", [])


def test_turn_times_and_participants_come_with_each_passage(core):
    codes = core.codes
    doc = core.library.add("call.vtt", TIMED.encode())[0].id
    core.library.set_participants(doc, {"Bruno": "Bruno S."})
    codes.add_code("Budget")
    codes.code(doc, 1, *span(core, doc, 1, "the budget"), codes="Budget", coder="ana")
    row = codes.passages().iloc[0]
    assert (row.start_time, row.end_time, row.speaker, row.participant) == (5.5, 9.0, "Bruno", "Bruno S.")


def test_memos_on_the_study_a_document_a_code_and_a_passage(core, doc):
    codes = core.codes
    codes.add_code("Trust")
    p = codes.code(doc, 0, codes="Trust", coder="ana")
    journal = codes.add_memo("study", None, "Day 1: first reading", "ana")
    on_doc = codes.add_memo("document", doc, "A tense meeting", "bruno")
    on_code = codes.add_memo("code", "Trust", "Trust means relying on the product", "ana")
    on_passage = codes.add_memo("passage", p.id, "Said twice", "ana")
    frame = codes.memos()
    assert list(frame.columns) == MEMO_COLUMNS
    assert frame["target"].tolist() == ["Study", "meeting 1", "Trust", "meeting 1, turn 0"]
    assert frame["author"].tolist() == ["ana", "bruno", "ana", "ana"]
    assert codes.memos("code", "Trust")["memo_id"].tolist() == [on_code.id]
    assert codes.memos("document", doc)["text"].tolist() == ["A tense meeting"]
    assert codes.memos("passage", p.id)["memo_id"].tolist() == [on_passage.id]
    updated = codes.update_memo(journal.id, "Day 1: first and second reading", "bruno")
    assert (updated.text, updated.author, updated.created_at) == (
        "Day 1: first and second reading", "bruno", journal.created_at)
    assert updated.updated_at >= journal.created_at
    codes.delete_memo(on_doc.id)
    assert len(codes.memos()) == 3
    with pytest.raises(CodingError, match=f"No memo {on_doc.id}"):
        codes.delete_memo(on_doc.id)
    with pytest.raises(CodingError, match="one of study, document, code, passage"):
        codes.add_memo("meeting", doc, "x", "ana")
    with pytest.raises(CodingError, match="No document 'gone'"):
        codes.add_memo("document", "gone", "x", "ana")
    with pytest.raises(CodingError, match="No passage 999"):
        codes.add_memo("passage", 999, "x", "ana")
    with pytest.raises(CodingError, match="memo is empty"):
        codes.add_memo("study", None, "  ", "ana")
    with pytest.raises(CodingError, match="author is empty"):
        codes.add_memo("study", None, "text", "")
