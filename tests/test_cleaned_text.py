"""The cleaned version of a document: teams_cleaner's output saved beside the original and used by every analysis,
search and export; the original one call (one click) away."""

from __future__ import annotations

import json
import re

import pytest

from qualia_core import QualiaCore
from qualia_core.cleaned_text import original_document, restore_original, use_cleaned_text
from qualia_core.errors import LibraryError

MARKER = re.compile(r"\{\w+\}")


@pytest.fixture
def core(data_dir) -> QualiaCore:
    return QualiaCore(data_dir=data_dir, entry_points=False)


@pytest.fixture
def meeting(core, fixtures_dir):
    """AMI ES2012a's first turns: {vocalsound}, {disfmarker} and {gap} markers, and a turn of nothing but one."""
    entry, _ = core.library.add("ES2012a.txt", (fixtures_dir / "ami_ES2012a_opening.txt").read_bytes())
    return entry


def analyses(core, doc_id) -> dict:
    doc = core.library.get(doc_id)
    return {"kwic": core.execute_plugin("keyword_in_context", doc, {"query": "everybody", "window": 6}),
            "sentiment": core.execute_plugin("sentiment_analyzer", doc)}


def test_a_cleaned_document_has_no_markers_in_kwic_or_sentiment_and_the_original_comes_back(core, meeting):
    before = analyses(core, meeting.id)
    assert MARKER.search(json.dumps(before["sentiment"]))  # "{vocalsound} uh feelings…" in its sentences
    turns = len(core.library.get(meeting.id).utterances)

    entry = use_cleaned_text(core, meeting.id)
    assert entry.cleaned is not None
    after = analyses(core, meeting.id)
    assert not MARKER.search(json.dumps(after))
    assert after["kwic"]["total_hits"] == before["kwic"]["total_hits"]  # the speech is all there
    doc = core.library.get(meeting.id)
    assert len(doc.utterances) == turns and doc.metadata["cleaned"]  # same turns, same numbers
    original = original_document(core.library, meeting.id).utterances
    alone = [i for i, u in enumerate(original) if u.text == "{vocalsound}"]
    assert alone and all(doc.utterances[i].text == "" for i in alone)  # a turn of a marker alone: dropped
    assert not core.search("vocalsound").hits and core.search("Kendra").hits  # the search index follows

    entry = restore_original(core.library, meeting.id)
    assert entry.cleaned is None
    again = analyses(core, meeting.id)
    assert again == before
    assert core.search("vocalsound").hits


def test_system_lines_and_bracket_markers_of_a_teams_export_leave_the_analyses(core, fixtures_dir):
    data = (fixtures_dir / "teams_cleaner" / "bracket_ES2012a.txt").read_bytes()
    entry, _ = core.library.add("bracket.txt", data)
    doc = core.library.get(entry.id)
    started = core.execute_plugin("keyword_in_context", doc, {"query": "recording"})
    assert started["total_hits"] == 2  # "Recording started", "Recording stopped"
    use_cleaned_text(core, entry.id)
    doc = core.library.get(entry.id)
    assert core.execute_plugin("keyword_in_context", doc, {"query": "recording"})["total_hits"] == 0
    assert not MARKER.search(json.dumps(core.execute_plugin("sentiment_analyzer", doc)))
    system = [u.text for u in doc.utterances if u.speaker == "System"]
    assert system and all(text == "" for text in system)


def test_the_original_turns_are_kept_and_the_whole_library_views_follow(core, meeting):
    version = core.library.version()
    original = [u.text for u in core.library.get(meeting.id).utterances]
    use_cleaned_text(core, meeting.id)
    assert core.library.version() != version  # corpus views are computed again
    assert [u.text for u in original_document(core.library, meeting.id).utterances] == original
    other = QualiaCore(data_dir=core.data_dir, entry_points=False)  # another process sees the cleaned text
    assert not any(MARKER.search(u.text) for u in other.library.get(meeting.id).utterances)


def test_cleaning_and_names_in_the_speech_apply_together(core):
    text = "Ana Souza: hello {vocalsound} Bruno\nBruno Lima: yes Ana {disfmarker} ok\n"
    entry, _ = core.library.add("names.txt", text.encode())
    core.library.set_speaker_names(entry.id, {"Ana Souza": "P01", "Bruno Lima": "P02"})
    core.library.set_names_in_speech(entry.id, True)
    use_cleaned_text(core, entry.id)
    assert [u.text for u in core.library.get(entry.id).utterances] == ["hello P02", "yes P01 ok"]
    restore_original(core.library, entry.id)
    restored = [u.text for u in core.library.get(entry.id).utterances]
    assert restored == ["hello {vocalsound} P02", "yes P01 {disfmarker} ok"]


def test_the_cleaners_own_options_apply_but_turns_are_never_merged(core):
    entry, _ = core.library.add("m.txt", b"Ana: one [inaudible] two\nAna: three\nBruno: four {gap}\n")
    use_cleaned_text(core, entry.id, {"remove_markers": False})
    assert [u.text for u in core.library.get(entry.id).utterances] == ["one [inaudible] two", "three", "four {gap}"]
    use_cleaned_text(core, entry.id)
    assert [u.text for u in core.library.get(entry.id).utterances] == ["one two", "three", "four"]


def test_an_unknown_document_is_refused_naming_it(core):
    with pytest.raises(LibraryError, match="no-such-doc"):
        use_cleaned_text(core, "no-such-doc")
