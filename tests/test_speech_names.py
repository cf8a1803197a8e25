"""Known speaker names replaced inside the speech (qualia_core.speech_names, DocumentLibrary.set_names_in_speech):
the rule, and that everything analyses see follows it (the documents plugins get, search, the result cache,
the whole library as one document) while the original text stays in the store."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualia_core import QualiaCore
from qualia_core.speech_names import replacements, replacer
from qualia_core.store import models as t

INTERVIEW = """Interviewer: Thanks for coming, Ana. And you too, Mr Lima.
Ana Souza: Happy to be here. Bo and I worked together; SOUZA is my surname, Anabela is my sister.
Bo Lima: Yes, ana souza and I, Bo Lima, will tell you about the remote control.
Interviewer: Good. Ana, Bo, shall we start?
Ana Souza: Sure, Carla from the shop asked the same.
Bo Lima: Right.
"""


def test_the_whole_label_and_each_of_its_names_alone_are_replaced():
    assert replacements({"Ana Souza": "P01", "Bo Lima": "P02", "Interviewer": "Interviewer"}) == {
        "Ana Souza": "P01", "Bo Lima": "P02", "Ana": "P01", "Souza": "P01", "Bo": "P02", "Lima": "P02"}


@pytest.mark.parametrize("label, kept", [
    ("Will Smith", "Will"),              # a common word (stopword)
    ("Dr. Ana Souza", "Dr"),             # a title
    ("Maria da Silva", "da"),            # a name particle
    ("Speaker 2", "2"),                  # a number
    ("J Smith", "J"),                    # a single letter
])
def test_words_that_are_not_names_alone_are_left_alone(label, kept):
    found = replacements({label: "P01"})
    assert label in found and kept not in found and kept.lower() not in found


def test_a_name_two_speakers_share_is_left_alone_but_each_whole_label_is_replaced():
    found = replacements({"Ana Souza": "P01", "Ana Lima": "P02"})
    assert "Ana" not in found
    assert found["Ana Souza"] == "P01" and found["Ana Lima"] == "P02" and found["Souza"] == "P01"


def test_whole_words_in_any_case_longest_first():
    replace = replacer({"Ana Souza": "P01", "Bo Lima": "P02"})
    assert replace("Thanks, ana! ANA  SOUZA said: Anabela, Souza's and bo-lima. Bo Lima.") == \
        "Thanks, P01! P01 said: Anabela, P01's and P02-P02. P02."
    assert replacer({"Ana": "Ana"}) is None and replacer({}) is None


@pytest.fixture
def core(database_url, data_dir, monkeypatch):
    """On the embedded SQLite file and on PostgreSQL (its search index is built otherwise)."""
    monkeypatch.setenv("QUALIA_DATABASE_URL", "" if database_url.startswith("sqlite") else database_url)
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    yield core
    core.library.store.close()


@pytest.fixture
def interview(core):
    entry, _ = core.library.add_text("interview", INTERVIEW)
    core.library.set_speaker_names(entry.id, {"Ana Souza": "P01", "Bo Lima": "P02"})
    return entry.id


def speech(core, doc_id) -> str:
    return "\n".join(u.text for u in core.library.get(doc_id).utterances)


def stored_text(core, doc_id) -> list[str]:
    with core.library.store.engine.connect() as c:
        return list(c.execute(select(t.turns.c.text).where(t.turns.c.document_id == doc_id)
                              .order_by(t.turns.c.idx)).scalars())


def test_the_option_replaces_the_names_in_what_plugins_get_and_keeps_the_original(core, interview):
    library = core.library
    original = stored_text(core, interview)
    assert "Ana" in speech(core, interview)  # off by default: pseudonyms label the turns only
    entry = library.set_names_in_speech(interview, True)
    assert entry.names_in_speech
    text = speech(core, interview)
    assert "Thanks for coming, P01. And you too, Mr P02." in text
    assert "P01 and I, P02, will tell you" in text and "Anabela is my sister" in text
    assert "Carla from the shop" in text  # other names are not known: they stay
    assert not any(name in text for name in ("Ana ", "Ana,", "Souza", "SOUZA", "Lima", "Bo "))
    assert stored_text(core, interview) == original  # the store keeps the transcript as it was
    library.set_names_in_speech(interview, False)
    assert speech(core, interview).splitlines() == original


def test_renaming_again_with_the_option_on_replaces_with_the_new_names(core, interview):
    core.library.set_names_in_speech(interview, True)
    core.library.set_speaker_names(interview, {"Ana Souza": "Participant A"})
    text = speech(core, interview)
    assert "Thanks for coming, Participant A." in text and "P01" not in text
    core.library.set_speaker_names(interview, {"Ana Souza": ""})  # her name restored: it is shown again
    assert "Thanks for coming, Ana." in speech(core, interview)


def test_search_finds_the_new_name_and_never_the_replaced_one(core, interview):
    core.library.set_speaker_names(interview, {"Ana Souza": "Zed"})  # (search finds words of letters)
    core.library.set_names_in_speech(interview, True)
    assert core.search("souza").total == 0 and core.search("Lima").total == 0 and core.search("ana").total == 0
    hits = core.search("zed").hits
    assert [h.turn for h in hits] == [0, 1, 2, 3] and all("SOUZA" not in h.text for h in hits)
    assert hits[0].text == "Thanks for coming, Zed. And you too, Mr P02." and hits[0].matches == ["Zed"]
    assert {h.turn for h in core.search("Carla").hits} == {4}
    core.library.set_names_in_speech(interview, False)
    assert core.search("souza").total == 2 and core.search("zed").total == 0


def test_the_result_cache_never_serves_the_text_of_before(core, interview):
    counts = {"max_words": 200, "exclude_stopwords": False}

    def words() -> dict:
        return dict(core.execute_plugin("word_frequency", core.library.get(interview), counts)["top_words"])

    assert words()["souza"] == 2
    core.library.set_speaker_names(interview, {"Ana Souza": "Zed"})
    assert words()["souza"] == 2  # the option is off: a rename changes the labels only
    core.library.set_names_in_speech(interview, True)
    assert "souza" not in words() and words()["zed"] >= 3
    core.library.set_speaker_names(interview, {"Ana Souza": "Yara"})
    assert "zed" not in words() and words()["yara"] >= 3
    core.library.set_names_in_speech(interview, False)
    assert words()["souza"] == 2


def test_the_whole_library_as_one_document_follows_the_option(core, interview):
    library = core.library
    before, version = library.combined().fingerprint, library.version()
    library.set_names_in_speech(interview, True)
    combined = library.combined()
    assert combined.fingerprint != before and library.version() != version
    assert "Souza" not in "\n".join(u.text for u in combined.utterances)
    concordance, total = core.library_views.concordance("P01", whole_words=False)
    assert total >= 3 and all("SOUZA" not in line.left + line.right for line in concordance)
    assert core.library_views.concordance("souza")[1] == 0


def test_another_process_sees_the_option(core, interview, data_dir):
    other = QualiaCore(data_dir=data_dir, entry_points=False)
    assert "SOUZA" in speech(other, interview)
    core.library.set_names_in_speech(interview, True)
    assert "SOUZA" not in speech(other, interview) and other.library.entry(interview).names_in_speech
