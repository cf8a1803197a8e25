"""Auto-coding: every hit of a library search or a KWIC query coded at once, after a preview."""

from __future__ import annotations

import pytest

from qualia_core import QualiaCore
from qualia_core.errors import CodingError

MEETING = ("Ana Silva: we should trust the remote control design\n"
           "Bruno Costa: I doubt the Remote  Control will sell, Ana\n"
           "Ana Silva: thank you Bruno, the design is what sells\n"
           "Bruno Costa: a remote? controls are fine\n"
           "Ana Silva: {vocalsound} designing the remote {disfmarker} the remote control, its design\n")
OTHER = "Carla: the remote control broke again\nDavi: buy a new remote control then, Carla\n"


@pytest.fixture
def core(data_dir) -> QualiaCore:
    return QualiaCore(data_dir=data_dir, entry_points=False)


@pytest.fixture
def docs(core) -> tuple[str, str]:
    return (core.library.add("meeting 1.txt", MEETING.encode())[0].id,
            core.library.add("meeting 2.txt", OTHER.encode())[0].id)


def test_a_kwic_preview_lists_the_exact_hits_and_writes_nothing(core, docs):
    core.codes.add_code("Product")
    frame = core.codes.autocode_preview("remote control", kind="kwic")
    assert frame[["meeting", "turn", "text"]].values.tolist() == [
        ["meeting 1", 0, "remote control"], ["meeting 1", 1, "Remote  Control"], ["meeting 1", 4, "remote control"],
        ["meeting 2", 0, "remote control"], ["meeting 2", 1, "remote control"]]
    turn = frame.iloc[2]
    assert turn.turn_text[turn.start:].startswith("remote control, its")  # not the "remote" before the marker
    first = frame.iloc[0]
    assert first.turn_text[first.start:first.end] == "remote control"
    assert core.codes.passages().empty
    only = core.codes.autocode_preview("remote control", kind="kwic", documents=[docs[1]])
    assert set(only["document_id"]) == {docs[1]}
    assert core.codes.autocode_preview("remote control", kind="kwic", case_sensitive=True)["turn"].tolist() == [
        0, 4, 0, 1]
    design = core.codes.autocode_preview("design", kind="kwic", documents=[docs[0]])
    assert [(r.turn, r.turn_text[r.start:r.end + 1]) for r in design.itertuples()] == [(0, "design"), (2, "design "),
                                                                                       (4, "design")]
    assert core.codes.autocode_preview("design", kind="kwic", whole_words=False, documents=[docs[0]])[
        "turn"].tolist() == [0, 2, 4, 4]  # "designing" too


def test_kwic_autocoding_codes_every_hit_and_skips_what_is_already_coded(core, docs):
    codes = core.codes
    codes.add_code("Product")
    assert codes.autocode("remote control", ["Product"], "ana", kind="kwic") == 5
    rows = codes.passages(code="Product")
    assert rows[["turn", "text"]].values.tolist() == [[0, "remote control"], [1, "Remote  Control"],
                                                      [4, "remote control"], [0, "remote control"],
                                                      [1, "remote control"]]
    assert set(rows["coder"]) == {"ana"}
    assert codes.autocode("remote control", ["Product"], "ana", kind="kwic") == 0  # already coded: skipped
    assert len(codes.passages()) == 5
    assert codes.autocode("remote control", "Product", "bruno", kind="kwic", documents=docs[0]) == 3


def test_search_autocoding_codes_the_matched_words_of_each_turn(core, docs):
    codes = core.codes
    codes.add_code("Design")
    frame = codes.autocode_preview("design")
    assert frame[["turn", "text"]].values.tolist() == [[0, "design"], [2, "design"], [4, "design"]]
    assert codes.autocode("design", "Design", "ana") == 3
    assert codes.passages()["text"].tolist() == ["design", "design", "design"]


def test_search_hits_in_replaced_names_are_mapped_to_the_stored_text(core, docs):
    codes = core.codes
    codes.add_code("Names")
    core.library.set_speaker_names(docs[0], {"Ana Silva": "Helena Maria"})
    core.library.set_names_in_speech(docs[0], True)
    frame = codes.autocode_preview("helena", documents=[docs[0]])
    assert frame[["turn", "text"]].values.tolist() == [[1, "Helena Maria"]]  # the hit "Helena": a whole name
    stored = codes.turn_texts(docs[0])[1]["text"]
    assert stored[frame["start"][0]:frame["end"][0]] == "Ana"  # the whole replaced name
    codes.autocode("helena", "Names", "ana", documents=[docs[0]])
    assert codes.passages()["text"].tolist() == ["Helena Maria"]


def test_bad_autocoding_requests_are_refused_by_name(core, docs):
    core.codes.add_code("Product")
    with pytest.raises(CodingError, match="'search' or a 'kwic'"):
        core.codes.autocode_preview("remote", kind="regex")
    with pytest.raises(CodingError, match="query is empty"):
        core.codes.autocode_preview("  ", kind="kwic")
    with pytest.raises(CodingError, match="No document 'nope'"):
        core.codes.autocode_preview("remote", documents=["nope"])
    with pytest.raises(CodingError, match="No code 'Prodct'"):
        core.codes.autocode("remote", "Prodct", "ana", kind="kwic")
    with pytest.raises(CodingError, match="Unknown KWIC options"):
        core.codes.autocode_preview("remote", kind="kwic", window=3)
    assert core.codes.passages().empty
