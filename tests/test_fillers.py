"""Spoken fillers: one filler list per language beside the stopwords, a second list of words that are fillers
only in some uses, both left out of word counts by default, and the words left out named in the result."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.word_frequency import WordFrequencyAnalyzer
from qualia_core import QualiaCore
from qualia_core.corpus_views import count_document
from qualia_core.document import Document, Utterance
from qualia_core.formats import load_path
from qualia_core.text import CONTEXT_FILLERS, FILLER_LISTS, FILLERS, STOPWORDS, filler_set, stop_set

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "word_frequency"
ES2012A = FIXTURES / "ES2012a_opening.txt"
INTERVIEW_PT = FIXTURES / "entrevista_pt.txt"


def analyze(document: Document, **config) -> dict:
    return WordFrequencyAnalyzer().analyze(document, {"max_words": 10000, **config})


def doc(*texts: str) -> Document:
    utterances = [Utterance("A", t) for t in texts]
    return Document("test", "\n".join(texts), utterances, {"format": "txt"})


def test_each_language_has_its_filler_lists_in_files_beside_the_stopwords():
    assert {"yeah", "okay", "alright", "um", "uh", "hmm"} <= FILLER_LISTS["en"]
    assert {"né", "tá", "beleza", "ahn", "hum"} <= FILLER_LISTS["pt"]
    assert {"like", "well", "know", "mean", "right"} <= CONTEXT_FILLERS["en"]
    assert {"tipo", "então", "assim", "sabe", "entendeu"} <= CONTEXT_FILLERS["pt"]
    assert "like" not in FILLERS and "tipo" not in FILLERS  # the context list is its own option
    assert "beleza" not in filler_set("en") and "yeah" not in filler_set("pt")
    assert {"yeah", "né"} <= filler_set("unknown")  # no language known: both lists
    assert stop_set("en", stopwords=False, context_fillers=True) == filler_set("en", context=True)


def test_the_topic_words_of_a_meeting_are_in_no_filler_list():
    for word in ("remote", "design", "meeting", "project", "think", "buttons", "reunião", "escola"):
        assert all(word not in lst for lst in (*FILLER_LISTS.values(), *CONTEXT_FILLERS.values()))
        assert all(word not in lst for lst in STOPWORDS.values())


def test_fillers_and_context_fillers_are_left_out_by_default_and_listed_as_left_out():
    text = "yeah okay so like the remote , well , you know , the remote is like yeah okay the design"
    result = analyze(doc(text), language="en", min_length=1)
    assert [w for w, _ in result["top_words"]] == ["remote", "design"]
    left = {w: (n, why) for w, n, why in result["left_out"]}
    assert left["yeah"] == (2, "filler") and left["okay"] == (2, "filler")
    assert left["like"] == (2, "context filler") and left["well"] == (1, "context filler")
    assert "the" not in left  # built-in stopwords are not listed


def test_context_fillers_are_a_second_option():
    text = "I like the remote . well , the remote works well and I like it"
    counts = dict(analyze(doc(text), language="en", exclude_context_fillers=False)["top_words"])
    assert counts["like"] == 2 and counts["well"] == 2
    result = analyze(doc(text), language="en", exclude_context_fillers=False, exclude_fillers=True)
    assert all(why != "context filler" for _, _, why in result["left_out"])
    off = analyze(doc("yeah yeah okay remote"), language="en", exclude_fillers=False, exclude_context_fillers=False)
    assert dict(off["top_words"]) == {"yeah": 2, "okay": 1, "remote": 1} and off["left_out"] == []


def test_user_stopwords_are_listed_as_left_out_too():
    result = analyze(load_path(ES2012A), stopwords=["Remote"])
    assert "remote" not in result["word_frequencies"]
    assert any(w == "remote" and n > 0 and why == "your stoplist" for w, n, why in result["left_out"])


def test_portuguese_interview_fillers_are_left_out():
    document = load_path(INTERVIEW_PT)
    result = analyze(document)
    assert result["language"] == "pt"
    words = set(result["word_frequencies"])
    assert not words & (FILLER_LISTS["pt"] | CONTEXT_FILLERS["pt"])
    assert {"escola", "reunião"} <= words or {"escola", "reuniões"} <= words
    left = {w for w, _, _ in result["left_out"]}
    assert {"né", "sabe", "ahn"} <= left


def test_keyness_counts_leave_fillers_out_like_word_frequency():
    document = doc("yeah like the remote", "okay well né the design")
    counts, language = count_document(document, language="en")
    assert set(counts["A"]) == {"remote", "design"}
    counts, _ = count_document(document, language="en", exclude_fillers=False, exclude_context_fillers=False)
    assert {"yeah", "like", "okay", "well"} <= set(counts["A"])


def test_no_filler_in_any_meetings_top_20_on_the_shared_corpus(corpus_dir, tmp_path):
    """The issue's Done-when: the 197 QMSum meetings, word_frequency with its defaults, as a user runs it."""
    core = QualiaCore(data_dir=tmp_path / "data")
    files = sorted((corpus_dir / "txt").glob("*.txt"))
    assert len(files) == 197
    fillers = FILLERS | CONTEXT_FILLERS["en"] | CONTEXT_FILLERS["pt"]
    offenders = {}
    for path in files:
        result = core.execute_plugin("word_frequency", core.load_document(path), use_cache=False)
        found = [w for w, _ in result["top_words"][:20] if w in fillers]
        if found:
            offenders[path.name] = found
    assert offenders == {}
