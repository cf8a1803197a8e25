"""word_frequency: counts the words of the speech, with stopwords, per-speaker counts, bigrams and lemmas."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from plugins.word_frequency import WordFrequencyAnalyzer
from qualia_core import ConfigError, QualiaCore
from qualia_core.document import Document, Utterance
from qualia_core.formats import load_path
from qualia_core.text import FILLERS, STOPWORDS, WORD_PATTERN, normalize, stop_set, tokenize

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "word_frequency"
ES2012A = FIXTURES / "ES2012a_opening.txt"  # AMI meeting ES2012a, first 41 turns
IS1009A = FIXTURES / "IS1009a_opening.txt"  # AMI meeting IS1009a, first 20 turns
INTERVIEW_PT = FIXTURES / "entrevista_pt.txt"  # a Portuguese interview excerpt

ALL = {"max_words": 10000}  # every word, so counts of rare words can be read


def analyze(document: Document, **config) -> dict:
    return WordFrequencyAnalyzer().analyze(document, config)


def doc(*turns: str | tuple[str, str]) -> Document:
    """A document from texts (speaker 'A') or (speaker, text) pairs."""
    utterances = [Utterance(*t) if isinstance(t, tuple) else Utterance("A", t) for t in turns]
    return Document("test", "\n".join(u.text for u in utterances), utterances, {"format": "txt"})


# ----------------------------------------------------------------------------- a slow, plain reference
# The rules of the plugin written the obvious way (one regex over each utterance), to check the fast path.
_REFERENCE_RE = re.compile(r"\{[^{}\n]*\}|\d+|[\n.,;:!?()\[\]\"\u2026\u201c\u201d\u2014\u2013\u2028]|(" + WORD_PATTERN + ")")


def reference(document: Document, stop: frozenset[str], min_length: int = 3, lowercase: bool = True):
    """(word counts, bigram counts, total tokens, per-speaker word counts). "" in a token list is a break."""
    words, pairs, per_speaker, total = Counter(), Counter(), {}, 0
    for u in document.utterances:
        text = normalize(u.text)
        tokens = _REFERENCE_RE.findall(text.lower() if lowercase else text)
        total += sum(1 for t in tokens if t)
        kept = [t if t and len(t) >= min_length and t.lower() not in stop else None for t in tokens]
        words.update(t for t in kept if t)
        if u.speaker:
            per_speaker.setdefault(u.speaker, Counter()).update(t for t in kept if t)
        pairs.update(f"{a} {b}" for a, b in zip(kept, kept[1:]) if a and b)
    return words, pairs, total, per_speaker


def ranked(counts: Counter, k: int) -> list[list]:
    return [[w, c] for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def assert_matches_reference(document: Document, case_sensitive: bool = False) -> None:
    result = analyze(document, language="en", case_sensitive=case_sensitive, **ALL)
    words, pairs, total, per_speaker = reference(document, stop_set("en", context_fillers=True), lowercase=not case_sensitive)
    assert result["total_tokens"] == total
    assert result["top_words"] == ranked(words, 10000)
    assert result["bigrams"] == ranked(pairs, 10000)
    assert {s: v["top_words"] for s, v in result["per_speaker"].items()} == {
        s: ranked(c, 20) for s, c in per_speaker.items()}


# ----------------------------------------------------------------------------- speech only
def _speech_count(path: Path, word: str) -> int:
    pattern = re.compile(rf"(?<![\w']){word}(?![\w'])", re.IGNORECASE)
    return sum(len(pattern.findall(line.split(": ", 1)[1])) for line in path.read_text().splitlines() if ": " in line)


def _raw_count(path: Path, word: str) -> int:
    return len(re.findall(rf"(?<![\w']){word}(?![\w'])", path.read_text(), re.IGNORECASE))


@pytest.mark.parametrize("path, word", [
    (ES2012A, "manager"), (ES2012A, "project"), (ES2012A, "marketing"), (ES2012A, "designer"),
    (IS1009A, "manager"), (IS1009A, "interface"),
])
def test_counts_the_speech_never_the_speaker_labels(path, word):
    """'Project Manager:' labels are not words of the meeting: the count is that of the speech alone."""
    result = analyze(load_path(path), **ALL)
    expected = _speech_count(path, word)
    assert result["word_frequencies"].get(word, 0) == expected
    assert expected < _raw_count(path, word)


def test_the_engine_runs_it_on_a_loaded_meeting(tmp_path):
    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    document = core.load_document(ES2012A)
    result = core.execute_plugin("word_frequency", document, {"max_words": 20})
    assert result["top_words"] == analyze(document, max_words=20)["top_words"]
    assert result["word_frequencies"]["remote"] == _speech_count(ES2012A, "remote")


# ----------------------------------------------------------------------------- what a word is
@pytest.mark.parametrize("text, word", [
    ("Não sei se a ação vai dar certo", "ação"),
    ("A caixa d'água quebrou", "d'água"),
    ("A caixa d\u2019água quebrou", "d'água"),
    ("I don't think so", "don't"),
    ("Ele disse: está ótimo!", "ótimo"),
])
def test_words_keep_accents_and_inner_apostrophes(text, word):
    assert word in analyze(doc(text), exclude_stopwords=False, min_length=1)["word_frequencies"]


@pytest.mark.parametrize("text, absent", [
    ("we sold 25000 units in 2024", "25000"),
    ("the {vocalsound} remote {disfmarker} control", "vocalsound"),
    ("the {vocalsound} remote {disfmarker} control", "disfmarker"),
    ("hello, world.", "hello,"),
])
def test_numbers_markers_and_punctuation_are_not_words(text, absent):
    assert absent not in analyze(doc(text), exclude_stopwords=False, min_length=1)["word_frequencies"]


def test_total_tokens_counts_every_word_before_filtering():
    document = load_path(ES2012A)
    assert analyze(document)["total_tokens"] == len(tokenize(document.speech))


@pytest.mark.parametrize("text", [
    "remote ' control £5 remote € control a''b remote''control x€y",
    "'m 'cause students' o'clock rock'n'roll '''",
    "Remote\u2026 Control \u2014 yes \u201cremote control\u201d (remote) [control]",
    "nbsp\u00a0remote\u00a0control line\u2028remote control",
    "{gap}remote{pause}control {some comment} remote control remote{control}",
    "\x01remote\x02control\x01 remote\ud800control",
    "İstanbul ǅungla ÀÉÎ straße STRASSE Ação AÇÃO",
    "first line\nremote control\nsecond line",
])
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_fast_counting_equals_the_plain_regex_rules_on_odd_text(text, case_sensitive):
    """The fast path gives exactly the counts, pairs and totals of one regex per utterance."""
    assert_matches_reference(doc(("A", text), ("B", text.upper()), (None, "remote control")), case_sensitive)


@pytest.mark.parametrize("path", [ES2012A, IS1009A, INTERVIEW_PT])
def test_fast_counting_equals_the_plain_regex_rules_on_real_transcripts(path):
    assert_matches_reference(load_path(path))


def test_fast_counting_equals_the_plain_regex_rules_on_the_whole_corpus(corpus_dir):
    for path in sorted((corpus_dir / "txt").glob("*.txt")):
        assert_matches_reference(load_path(path))


# ----------------------------------------------------------------------------- stopwords and fillers
def test_portuguese_stopwords_leave_the_content_of_a_portuguese_interview():
    result = analyze(load_path(INTERVIEW_PT), **ALL)
    assert result["language"] == "pt"
    assert not set(result["word_frequencies"]) & STOPWORDS["pt"]
    assert {"reuniões", "escola", "professores", "d'água"} <= set(result["word_frequencies"])


def test_english_stopwords_leave_the_content_of_an_english_meeting():
    result = analyze(load_path(ES2012A), **ALL)
    assert result["language"] == "en"
    assert not set(result["word_frequencies"]) & STOPWORDS["en"]
    assert {"remote", "control", "design"} <= set(result["word_frequencies"])


def test_the_language_parameter_overrides_detection():
    """Portuguese stopwords on English speech leave the English stopwords in."""
    result = analyze(load_path(ES2012A), language="pt", **ALL)
    assert result["language"] == "pt"
    assert result["word_frequencies"]["the"] == _speech_count(ES2012A, "the")


def test_exclude_stopwords_off_counts_them():
    result = analyze(load_path(ES2012A), exclude_stopwords=False, **ALL)
    assert result["word_frequencies"]["the"] == _speech_count(ES2012A, "the")


@pytest.mark.parametrize("stopwords", [["Remote", "CONTROL"], "remote, control"])
def test_user_stopwords_are_left_out_whatever_their_case(stopwords):
    result = analyze(load_path(ES2012A), stopwords=stopwords, **ALL)
    assert "remote" not in result["word_frequencies"] and "control" not in result["word_frequencies"]
    assert "design" in result["word_frequencies"]


@pytest.mark.parametrize("exclude, present", [(True, False), (False, True)])
def test_fillers_are_left_out_only_with_exclude_fillers(exclude, present):
    result = analyze(doc("uh um hmm mhm the remote"), exclude_fillers=exclude, min_length=1, **ALL)
    assert ("hmm" in result["word_frequencies"]) is present
    assert ("uh" in result["word_frequencies"]) is present


# ----------------------------------------------------------------------------- filters and ranking
@pytest.mark.parametrize("min_length", [1, 2, 4, 6, 10])
def test_min_length_drops_shorter_words(min_length):
    result = analyze(load_path(ES2012A), min_length=min_length, exclude_stopwords=False, **ALL)
    lengths = {len(w) for w in result["word_frequencies"]}
    assert min(lengths) == min_length


@pytest.mark.parametrize("max_words", [1, 5, 50, 10000])
def test_max_words_caps_the_ranking(max_words):
    result = analyze(load_path(ES2012A), max_words=max_words)
    assert len(result["top_words"]) == min(max_words, result["unique_words"])
    assert list(result["word_frequencies"].items()) == [tuple(p) for p in result["top_words"]]
    assert len(result["bigrams"]) <= max_words


def test_ranking_is_by_descending_count_then_alphabetical():
    result = analyze(doc("beta alpha gamma beta alpha delta"), min_length=1)
    assert result["top_words"] == [["alpha", 2], ["beta", 2], ["delta", 1], ["gamma", 1]]


@pytest.mark.parametrize("case_sensitive, expected", [
    (False, {"remote": 3}),
    (True, {"Remote": 1, "remote": 1, "REMOTE": 1}),
])
def test_case_sensitive_counts_cases_apart(case_sensitive, expected):
    assert analyze(doc("Remote remote REMOTE"), case_sensitive=case_sensitive)["word_frequencies"] == expected


def test_totals_describe_the_kept_words():
    result = analyze(load_path(ES2012A), **ALL)
    assert result["total_words"] == sum(result["word_frequencies"].values())
    assert result["unique_words"] == len(result["word_frequencies"])
    assert result["total_words"] < result["total_tokens"]


# ----------------------------------------------------------------------------- per speaker
def test_per_speaker_counts_add_up_to_the_totals():
    result = analyze(load_path(ES2012A))
    assert sum(s["total_words"] for s in result["per_speaker"].values()) == result["total_words"]
    assert set(result["per_speaker"]) == {"Project Manager", "Marketing", "User Interface", "Industrial Designer"}


def test_each_speakers_counts_are_those_of_their_turns_alone():
    document = load_path(ES2012A)
    result = analyze(document)
    for speaker, stats in result["per_speaker"].items():
        alone = analyze(document.with_utterances(u for u in document.utterances if u.speaker == speaker), language="en")
        assert stats["total_words"] == alone["total_words"]
        assert stats["unique_words"] == alone["unique_words"]
        assert stats["top_words"] == alone["top_words"][:20]


def test_per_speaker_handles_turns_spanning_several_lines():
    document = doc(("A", "remote control\nremote design"), ("B", "remote\ncontrol"), ("A", "design"))
    result = analyze(document, bigrams=False)
    assert result["per_speaker"]["A"]["top_words"] == [["design", 2], ["remote", 2], ["control", 1]]
    assert result["per_speaker"]["B"]["top_words"] == [["control", 1], ["remote", 1]]


def test_per_speaker_off_gives_an_empty_mapping():
    assert analyze(load_path(ES2012A), per_speaker=False)["per_speaker"] == {}


# ----------------------------------------------------------------------------- bigrams
@pytest.mark.parametrize("turns, expected", [
    (["we want a remote control , the remote control"], [["remote control", 2]]),
    (["the remote . control"], []),  # sentence punctuation breaks a pair
    (["the remote {disfmarker} control"], []),  # so does a marker
    (["remote", "control"], []),  # and the end of an utterance
    (["remote and control"], []),  # a stopword between the words
    (["remote control panel"], [["control panel", 1], ["remote control", 1]]),
])
def test_bigrams_are_pairs_of_adjacent_kept_words_within_an_utterance(turns, expected):
    assert analyze(doc(*turns))["bigrams"] == expected


def test_bigrams_off_gives_an_empty_list():
    assert analyze(load_path(ES2012A), bigrams=False)["bigrams"] == []


# ----------------------------------------------------------------------------- lemmas
@pytest.mark.parametrize("text, language, lemma, forms", [
    ("meetings meeting meetings", "en", "meeting", ["meetings"]),
    ("buttons button buttons remotes", "en", "button", ["buttons"]),
    ("reuniões reunião reuniões", "pt", "reunião", ["reuniões"]),
    ("escolas escola escolas", "pt", "escola", ["escolas"]),
])
def test_lemmatize_counts_forms_of_a_word_together(text, language, lemma, forms):
    result = analyze(doc(text), lemmatize=True, language=language)
    assert result["word_frequencies"][lemma] == len(text.split()) - text.split().count("remotes")
    assert not set(forms) & set(result["word_frequencies"])
    assert result["lemmatized"] is True


def test_lemmatize_drops_a_word_whose_lemma_is_a_stopword():
    """'sendo' is not in the Portuguese list, but its lemma 'ser' is."""
    plain = analyze(doc("ele está sendo ouvido"), language="pt")["word_frequencies"]
    lemmas = analyze(doc("ele está sendo ouvido"), language="pt", lemmatize=True)["word_frequencies"]
    assert "sendo" in plain
    assert "sendo" not in lemmas and "ser" not in lemmas


def test_lemmatize_on_a_portuguese_interview_merges_plural_and_singular():
    plain = analyze(load_path(INTERVIEW_PT), **ALL)["word_frequencies"]
    lemmas = analyze(load_path(INTERVIEW_PT), lemmatize=True, **ALL)["word_frequencies"]
    assert lemmas["reunião"] == plain["reunião"] + plain["reuniões"]
    assert lemmas["escola"] == plain["escola"] + plain["escolas"]


# ----------------------------------------------------------------------------- the result and its parameters
def test_result_is_json_ready():
    result = analyze(load_path(ES2012A), lemmatize=True)
    assert json.loads(json.dumps(result)) == result


def test_an_empty_document_gives_an_empty_result():
    result = analyze(Document("empty", "", [], {}))
    assert (result["total_tokens"], result["total_words"], result["unique_words"]) == (0, 0, 0)
    assert (result["top_words"], result["bigrams"], result["per_speaker"]) == ([], [], {})
    assert result["language"] == "unknown"


@pytest.mark.parametrize("name, value", [
    ("min_length", 0), ("min_length", "abc"), ("min_length", 51), ("max_words", 0), ("max_words", 10001),
    ("language", "fr"), ("per_speaker", "maybe"), ("stopwords", 5),
])
def test_a_bad_parameter_raises_config_error_naming_it(name, value):
    with pytest.raises(ConfigError) as caught:
        analyze(load_path(ES2012A), **{name: value})
    assert [n for n, _ in caught.value.errors] == [name]


def test_metadata_declares_the_result_keys_and_parameter_bounds():
    meta = WordFrequencyAnalyzer().meta()
    assert (meta.id, meta.type.value, meta.version) == ("word_frequency", "analyzer", "1.1.0")
    assert {"word_frequencies", "total_words", "unique_words", "top_words"} <= set(meta.provides)
    assert (meta.parameters["min_length"].min, meta.parameters["min_length"].max) == (1, 50)
    assert (meta.parameters["max_words"].min, meta.parameters["max_words"].max) == (1, 10000)
    assert meta.parameters["language"].options == ("auto", "en", "pt")
