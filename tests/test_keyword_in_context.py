"""keyword_in_context: every place a word or phrase is said, with its context, speaker, time and position."""

from __future__ import annotations

import json
import re

import pytest

from plugins.keyword_in_context import KeywordInContextAnalyzer
from qualia_core import QualiaCore
from qualia_core.document import Document, Utterance
from qualia_core.errors import ConfigError
from qualia_core.formats import load_path
from qualia_core.text import strip_markers

BRACKET = "ES2012a_opening_bracket.txt"  # [hh:mm:ss] Speaker: text, System line, markers
PLAIN = "ES2012a_opening.txt"  # the same speech as Speaker: text lines, no times
VTT = "ES2012a_opening.vtt"  # the same speech as Teams cues with start and end
APOSTROPHES = "education_0_apostrophes.txt"  # don't and don’t, that's and that’s
CLITICS = "Bdb001_clitics.txt"  # tokenised "I 'm", "let 's"
BRACKET_LINE = re.compile(r"^\[(\d\d):(\d\d):(\d\d)\] ([^:]+): (.*)$")
CONTEXT_WORD = re.compile(r"\w")


@pytest.fixture(scope="module")
def plugin():
    return KeywordInContextAnalyzer()


def load(fixtures_dir, name) -> Document:
    return load_path(fixtures_dir / "explore" / name)


def search(plugin, doc, query, **config):
    return plugin.analyze(doc, {"query": query, **config})


def words_in(text: str) -> int:
    """Context words: whitespace-separated tokens holding a letter or digit (punctuation is not counted)."""
    return sum(1 for token in text.split() if CONTEXT_WORD.search(token))


def with_text(doc: Document, change) -> Document:
    return doc.with_utterances(Utterance(u.speaker, change(u.text), u.start, u.end) for u in doc.utterances)


# ------------------------------------------------------------------ metadata and parameters
def test_metadata_declares_the_keyword_in_context_analyzer():
    meta = KeywordInContextAnalyzer().meta()
    assert (meta.id, meta.type.value, meta.version) == ("keyword_in_context", "analyzer", "1.1.0")
    defaults = {name: p.default for name, p in meta.parameters.items()}
    assert defaults == {"query": "", "window": 8, "case_sensitive": False, "whole_words": True, "max_hits": 1000,
                        "accent_sensitive": False, "wildcards": True, "sort": "position"}


@pytest.mark.parametrize("bad", [
    {"window": 0}, {"window": 51}, {"window": "wide"}, {"max_hits": 0}, {"max_hits": 100001},
    {"case_sensitive": "perhaps"}, {"whole_words": 2}, {"query": 3}, {"querry": "remote"},
])
def test_a_bad_parameter_raises_config_error_naming_it(plugin, fixtures_dir, bad):
    with pytest.raises(ConfigError) as err:
        plugin.analyze(load(fixtures_dir, PLAIN), bad)
    assert [name for name, _ in err.value.errors] == list(bad)


# ------------------------------------------------------------------ finding
def test_a_known_phrase_is_found_with_its_speaker_and_timestamp(plugin, fixtures_dir):
    """Each hit names the turn that says it: index, speaker and the times of the [hh:mm:ss] line."""
    expected = []
    lines = (fixtures_dir / "explore" / BRACKET).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        h, m, s, speaker, text = BRACKET_LINE.match(line).groups()
        expected += [(index, speaker, int(h) * 3600 + int(m) * 60 + int(s))] * len(
            re.findall(r"(?i)\bremote control\b", text))
    result = search(plugin, load(fixtures_dir, BRACKET), "remote control")
    found = [(hit["utterance_index"], hit["speaker"], hit["start"]) for hit in result["hits"]]
    assert found == expected and len(found) == 4
    assert result["hits"][1]["speaker"] == "Marketing" and result["hits"][1]["start"] == 155.0


def test_the_context_is_the_words_around_the_hit_as_written(plugin, fixtures_dir):
    """ "…for our our new television remote control . Uh this follows our very successful…" """
    hit = search(plugin, load(fixtures_dir, BRACKET), "remote control", window=3)["hits"][0]
    assert (hit["left"], hit["match"], hit["right"]) == ("our new television", "remote control",
                                                         ". Uh this follows")


@pytest.mark.parametrize("query, whole_words, expected", [
    ("meeting", True, 4), ("meeting", False, 5),  # "meetings"
    ("meet", True, 0), ("meet", False, 5),
    ("design", True, 4), ("design", False, 7),  # "Designer" twice and "designing" in the speech; never the labels
    ("remote control", True, 4), ("remote control", False, 6),  # "remote controls"
])
def test_whole_words_finds_only_whole_words_and_substring_search_finds_inside_words(
        plugin, fixtures_dir, query, whole_words, expected):
    assert search(plugin, load(fixtures_dir, PLAIN), query, whole_words=whole_words)["total_hits"] == expected


@pytest.mark.parametrize("query, case_sensitive, expected", [
    ("Right", True, 4), ("right", True, 0), ("right", False, 4), ("RIGHT", False, 4),
    ("the", True, 39), ("the", False, 40),
])
def test_case_sensitive_search_tells_capitals_apart(plugin, fixtures_dir, query, case_sensitive, expected):
    assert search(plugin, load(fixtures_dir, PLAIN), query, case_sensitive=case_sensitive)["total_hits"] == expected


@pytest.mark.parametrize("spacing", ["  ", "\t", " \t "])
def test_a_phrase_matches_across_any_run_of_spaces(plugin, fixtures_dir, spacing):
    doc = with_text(load(fixtures_dir, PLAIN), lambda t: t.replace("remote control", f"remote{spacing}control"))
    result = search(plugin, doc, "remote control")
    assert result["total_hits"] == 4
    assert {hit["match"] for hit in result["hits"]} == {"remote control"}


def test_a_phrase_never_spans_two_utterances(plugin):
    doc = Document("t", "", [Utterance("A", "the remote"), Utterance("B", "control is here")])
    assert search(plugin, doc, "remote control")["total_hits"] == 0


@pytest.mark.parametrize("query", ["don't", "don’t", "DON'T"])
def test_an_apostrophe_matches_straight_and_curly_apostrophes(plugin, fixtures_dir, query):
    """The excerpt writes don't three times and don’t once; each is shown as written."""
    result = search(plugin, load(fixtures_dir, APOSTROPHES), query)
    assert sorted(hit["match"] for hit in result["hits"]) == ["don't", "don't", "don't", "don’t"]


@pytest.mark.parametrize("query, expected", [("I'm", 3), ("let's", 5), ("that's", 1), ("don't", 3)])
def test_a_query_finds_the_tokenised_spacing_of_clitics(plugin, fixtures_dir, query, expected):
    """ "I'm" finds "I 'm", as tokenised transcripts write it."""
    assert search(plugin, load(fixtures_dir, CLITICS), query)["total_hits"] == expected


@pytest.mark.parametrize("query, wildcards", [
    ("c++", True), ("(laughs", True), ("[gap]", True), ("a.b", True), (r"\d+", True), ("^so$", True), ("x|y", True),
    (".*", False), ("what?!", False)])  # * and ? are wildcards unless turned off
def test_regex_characters_in_a_query_are_taken_literally(plugin, fixtures_dir, query, wildcards):
    doc = load(fixtures_dir, PLAIN)
    doc = doc.with_utterances([*doc.utterances, Utterance("Marketing", f"I typed {query} here .")])
    result = search(plugin, doc, query, wildcards=wildcards)
    assert result["total_hits"] == 1
    assert (result["hits"][0]["utterance_index"], result["hits"][0]["match"]) == (12, query)


# ------------------------------------------------------------------ context
@pytest.mark.parametrize("window", [1, 3, 8, 50])
def test_the_context_holds_at_most_window_words_and_fewer_only_at_the_turn_edges(plugin, fixtures_dir, window):
    doc = load(fixtures_dir, PLAIN)
    for hit in search(plugin, doc, "the", window=window)["hits"]:
        speech = " ".join(strip_markers(doc.utterances[hit["utterance_index"]].text).split())
        assert words_in(hit["left"]) <= window and words_in(hit["right"]) <= window
        if words_in(hit["left"]) < window:
            assert speech.startswith(hit["left"])
        if words_in(hit["right"]) < window:
            assert speech.endswith(hit["right"])


@pytest.mark.parametrize("query", ["uh", "the", "everybody"])
def test_markers_are_never_shown_in_the_context(plugin, fixtures_dir, query):
    hits = search(plugin, load(fixtures_dir, BRACKET), query, window=50)["hits"]
    assert hits and not any("{" in hit["left"] + hit["match"] + hit["right"] for hit in hits)


@pytest.mark.parametrize("marker", ["{disfmarker}", "{vocalsound} {gap}"])
def test_a_marker_inside_a_phrase_does_not_break_it(plugin, fixtures_dir, marker):
    doc = with_text(load(fixtures_dir, PLAIN), lambda t: t.replace("remote control", f"remote {marker} control"))
    result = search(plugin, doc, "remote control")
    assert result["total_hits"] == 4 and {hit["match"] for hit in result["hits"]} == {"remote control"}


@pytest.mark.parametrize("query", ["vocalsound", "{vocalsound}", "disfmarker"])
def test_markers_are_not_speech_and_never_match(plugin, fixtures_dir, query):
    assert search(plugin, load(fixtures_dir, BRACKET), query, whole_words=False)["total_hits"] == 0


# ------------------------------------------------------------------ counts and truncation
@pytest.mark.parametrize("max_hits", [1, 3, 39])
def test_max_hits_truncates_the_list_but_total_hits_counts_every_match(plugin, fixtures_dir, max_hits):
    doc = load(fixtures_dir, PLAIN)
    result = search(plugin, doc, "the", max_hits=max_hits)
    everything = search(plugin, doc, "the", max_hits=100000)
    assert (result["total_hits"], result["truncated"], everything["truncated"]) == (40, True, False)
    assert result["hits"] == everything["hits"][:max_hits]
    assert result["per_speaker"] == everything["per_speaker"]
    assert len(result["dispersion"]["positions"]) == 40


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_an_empty_query_returns_no_hits_and_asks_for_a_word(plugin, fixtures_dir, query):
    result = search(plugin, load(fixtures_dir, PLAIN), query)
    assert (result["total_hits"], result["hits"], result["per_speaker"], result["truncated"]) == (0, [], {}, False)
    assert "type a word" in result["message"].lower()


def test_per_speaker_counts_each_speakers_hits(plugin, fixtures_dir):
    expected: dict[str, int] = {}
    for line in (fixtures_dir / "explore" / PLAIN).read_text(encoding="utf-8").splitlines():
        speaker, _, text = line.partition(": ")
        if text.count("I'm"):
            expected[speaker] = expected.get(speaker, 0) + text.count("I'm")
    result = search(plugin, load(fixtures_dir, PLAIN), "I'm", case_sensitive=True)
    assert result["per_speaker"] == expected and sum(expected.values()) == result["total_hits"] == 8


def test_turns_without_a_speaker_are_counted_under_no_speaker(plugin, fixtures_dir):
    doc = load(fixtures_dir, PLAIN)
    doc = doc.with_utterances(Utterance(None, u.text) if u.speaker == "Marketing" else u for u in doc.utterances)
    result = search(plugin, doc, "I'm")
    assert result["per_speaker"]["(no speaker)"] == 2  # Marketing's "I'm a … I'm" in turn 3
    assert [hit["speaker"] for hit in result["hits"] if hit["utterance_index"] == 3] == [None, None]


# ------------------------------------------------------------------ dispersion
@pytest.mark.parametrize("name, basis", [(BRACKET, "time"), (VTT, "time"), (PLAIN, "order")])
def test_dispersion_is_by_time_when_timestamps_exist_else_by_order(plugin, fixtures_dir, name, basis):
    doc = load(fixtures_dir, name)
    result = search(plugin, doc, "the")
    dispersion = result["dispersion"]
    assert dispersion["basis"] == basis
    assert dispersion["positions"] == [hit["position"] for hit in result["hits"]]
    assert all(0.0 <= p <= 1.0 for p in dispersion["positions"])
    assert dispersion["positions"] == sorted(dispersion["positions"])
    if basis == "order":
        assert dispersion["duration"] == len(doc.utterances)


def test_a_time_position_lies_within_its_turn(plugin, fixtures_dir):
    result = search(plugin, load(fixtures_dir, VTT), "the")
    origin, duration = result["dispersion"]["start"], result["dispersion"]["duration"]
    assert (origin, duration) == (0.0, 297.8)
    for hit in result["hits"]:
        moment = origin + hit["position"] * duration
        assert hit["start"] - 0.01 <= moment <= hit["end"] + 0.01


def test_an_order_position_lies_within_its_turns_share(plugin, fixtures_dir):
    result = search(plugin, load(fixtures_dir, PLAIN), "the")
    for hit in result["hits"]:
        assert hit["utterance_index"] / 12 <= hit["position"] <= (hit["utterance_index"] + 1) / 12


# ------------------------------------------------------------------ through the engine
def test_the_engine_runs_it_and_returns_json(tmp_path, fixtures_dir):
    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    doc = core.add_document("ES2012a", (fixtures_dir / "explore" / BRACKET).read_text(encoding="utf-8"))
    result = core.execute_plugin("keyword_in_context", doc, {"query": "remote control", "window": "3"})
    assert (result["total_hits"], result["dispersion"]["basis"]) == (4, "time")
    assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize("window", [2, 8, 50])
def test_punctuation_is_shown_but_never_counted_as_a_context_word(plugin, fixtures_dir, window):
    """A turn where every word is followed by a run of punctuation (tokenised ' , , ,') still gives `window` words."""
    words = [w for w in strip_markers(load(fixtures_dir, PLAIN).utterances[0].text).split() if w.isalpha()]
    text = " , , , , ".join(words[:60]) + " remote control " + " . . . . ".join(words[60:120])
    hit = search(plugin, Document("t", "", [Utterance("A", text)]), "remote control", window=window)["hits"][0]
    assert (words_in(hit["left"]), words_in(hit["right"])) == (window, window)
    assert hit["left"].endswith(f"{words[58]} , , , , {words[59]}")
    assert hit["right"].startswith(f"{words[60]} . . . . {words[61]}")


# ------------------------------------------------------------------ accents, wildcards, phrases (issue 15)
PT = Document("pt", "", [
    Utterance("Ana", "A comunicação da equipe melhorou; a Comunicacao com o cliente não."),
    Utterance("Bia", "Falta COMUNICAÇÃO e informação, mas a reunião foi boa."),
    Utterance("Ana", "Reuniao longa, reuniões demais."),
])
DESIGN = Document("en", "", [
    Utterance("A", "The design team likes designs; our designer said redesign."),
    Utterance("B", "Design first, designing later, organisation and organization, a desk."),
])


@pytest.mark.parametrize("query, expected", [
    ("comunicacao", ["comunicação", "Comunicacao", "COMUNICAÇÃO"]),
    ("comunicação", ["comunicação", "Comunicacao", "COMUNICAÇÃO"]),
    ("REUNIÃO", ["reunião", "Reuniao"]),
])
def test_case_and_accents_never_matter_unless_asked(plugin, query, expected):
    assert [h["match"] for h in search(plugin, PT, query)["hits"]] == expected
    exact = [m for m in expected if m.lower() == query.lower()]
    assert [h["match"] for h in search(plugin, PT, query, accent_sensitive=True)["hits"]] == exact


def test_accents_are_folded_on_a_text_without_any(plugin):
    plain = Document("a", "", [Utterance("A", "a comunicacao e a reuniao")])
    assert [h["match"] for h in search(plugin, plain, "comunicação")["hits"]] == ["comunicacao"]


@pytest.mark.parametrize("query, expected", [
    ("design*", ["design", "designs", "designer", "Design", "designing"]),  # never "redesign"
    ("*sign", ["design", "redesign", "Design"]),
    ("organi?ation", ["organisation", "organization"]),
    ("des?", ["desk"]),
    ("design* team", ["design team"]),
])
def test_wildcards_stand_for_letters_inside_whole_words(plugin, query, expected):
    assert [h["match"] for h in search(plugin, DESIGN, query)["hits"]] == expected


def test_a_wildcard_suffix_finds_portuguese_endings_without_accents(plugin):
    assert [h["match"] for h in search(plugin, PT, "*ção")["hits"]] == [
        "comunicação", "Comunicacao", "COMUNICAÇÃO", "informação"]


def test_a_phrase_in_quotes_is_the_phrase(plugin):
    doc = Document("q", "", [Utterance("A", "see you at the next meeting, next   week"), Utterance("B", "next. Meeting")])
    for query in ('"next meeting"', "“next meeting”", "next meeting"):
        assert [h["match"] for h in search(plugin, doc, query)["hits"]] == ["next meeting"]


@pytest.mark.parametrize("config, parameter", [
    ({"query": "*"}, "query"), ({"query": "* ?"}, "query"), ({"query": "**"}, "query"),
    ({"query": "a*b*c*"}, "query"), ({"query": "design*", "whole_words": False}, "whole_words"),
    ({"query": "design", "sort": "L2", "window": 1}, "window"), ({"query": "design", "sort": "R2", "window": 1}, "window"),
])
def test_a_pathological_pattern_is_refused_naming_the_parameter(plugin, config, parameter):
    with pytest.raises(ConfigError) as err:
        plugin.analyze(DESIGN, config)
    assert [name for name, _ in err.value.errors] == [parameter]


def test_wildcards_off_search_stars_as_typed(plugin):
    doc = Document("s", "", [Utterance("A", "rate it 5* or design*, not designs")])
    assert [h["match"] for h in search(plugin, doc, "design*", wildcards=False)["hits"]] == ["design*"]


def test_a_star_on_a_huge_word_costs_no_more_than_its_length(plugin):
    """A wildcard reaches at most 50 letters, and only from the start of a word: a 200,000-letter "word" is
    matched in linear time (this would take hours with an unbounded * tried at every letter)."""
    doc = Document("h", "", [Utterance("A", "d" * 200_000 + " design ok")])
    assert [h["match"] for h in search(plugin, doc, "*d*n", max_hits=5)["hits"]] == ["design"]


# ------------------------------------------------------------------ AntConc's KWIC sort
SORTABLE = Document("s", "", [
    Utterance("A", "we need a budget plan"),
    Utterance("B", "the Budget cuts hurt"),
    Utterance("A", "budget"),
    Utterance("B", "our zero budget approach"),
    Utterance("A", "after Ângela's budget: BUDGET plans"),
])
# hit:  0 budget  1 Budget  2 budget  3 budget  4 budget        5 BUDGET
# L2:   need      -         -         our       after           Ângela's
# L1:   a         the       -         zero      Ângela's        budget
# R1:   plan      cuts      -         approach  BUDGET          plans
# R2:   -         hurt      -         -         plans           -
# A missing word (the turn's edge) sorts first; ties keep the order they are said in; case and accents never count.


def order(result) -> list[tuple[int, str]]:
    return [(h["utterance_index"], h["match"]) for h in result["hits"]]


HITS = [(0, "budget"), (1, "Budget"), (2, "budget"), (3, "budget"), (4, "budget"), (4, "BUDGET")]


@pytest.mark.parametrize("sort, expected", [
    ("position", [0, 1, 2, 3, 4, 5]),
    ("L1", [2, 0, 4, 5, 1, 3]),  # -, a, Ângela's, budget, the, zero
    ("L2", [1, 2, 4, 5, 0, 3]),  # -, -, after, Ângela's, need, our
    ("R1", [2, 3, 4, 1, 0, 5]),  # -, approach, BUDGET, cuts, plan, plans
    ("R2", [0, 2, 3, 5, 1, 4]),  # -, -, -, -, hurt, plans
])
def test_lines_sort_by_the_words_around_the_hit(plugin, sort, expected):
    assert order(search(plugin, SORTABLE, "budget", sort=sort)) == [HITS[i] for i in expected]


def test_a_capped_sorted_list_is_the_start_of_the_whole_sorted_list(plugin):
    """With max_hits, the hits listed are the first in the sort's order, not the first said, sorted."""
    every = order(search(plugin, SORTABLE, "budget", sort="R1"))
    capped = search(plugin, SORTABLE, "budget", sort="R1", max_hits=3)
    assert order(capped) == every[:3] and capped["truncated"] and capped["total_hits"] == 6
    assert capped["dispersion"]["positions"] == sorted(capped["dispersion"]["positions"])  # all hits, in order said
