"""Coding a document that has a cleaned version: passages count in the words as recorded, so the Code page and
retrieval show those words (with the speakers' names replaced in the speech when that option is on), never the
cleaned text their offsets do not count in, and never a real name the option hides."""

from __future__ import annotations

import pytest

from qualia_core import QualiaCore
from qualia_core.cleaned_text import restore_original, use_cleaned_text

TEXT = ("Maria: Ana {disfmarker} said the budget was late\n"
        "Ana: {vocalsound} yes the budget was late because Maria {disfmarker} waited\n")


@pytest.fixture
def core(data_dir) -> QualiaCore:
    return QualiaCore(data_dir=data_dir, entry_points=False)


def test_passages_stay_on_their_words_and_names_stay_hidden_when_a_cleaned_version_is_used(core):
    doc = core.library.add_text("interview", TEXT)[0].id
    core.library.set_speaker_names(doc, {"Maria": "P1", "Ana": "P2"})
    core.library.set_names_in_speech(doc, True)
    stored = core.codes.turn_texts(doc)[1]["text"]
    start = stored.index("because")
    core.codes.add_code("Delay")
    core.codes.code(doc, 1, start, start + len("because Maria"), codes=["Delay"], coder="ana")
    before = core.codes.passages(code="Delay").iloc[0]
    assert before["text"] == "because P1"

    use_cleaned_text(core, doc)
    assert "{" not in "".join(u.text for u in core.library.get(doc).utterances)  # analyses see the clean text
    after = core.codes.passages(code="Delay").iloc[0]
    assert after["text"] == "because P1"
    assert "Maria" not in after["turn_text"] and "Ana" not in after["turn_text"]
    shown = core.codes.turn_texts(doc)
    assert all("Maria" not in t["shown"] and "Ana" not in t["shown"] for t in shown)

    core.library.set_names_in_speech(doc, False)  # the option off: the words as recorded
    assert core.codes.passages(code="Delay").iloc[0]["text"] == "because Maria"
    restore_original(core.library, doc)
    assert core.codes.passages(code="Delay").iloc[0]["text"] == "because Maria"
