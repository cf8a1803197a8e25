"""collocates: the words said near a node word, with f(n,c), f(c), log-Dice and MI, per meeting and for a study."""

from __future__ import annotations

import math

import pytest

from plugins.collocates import CollocatesAnalyzer
from qualia_core import QualiaCore
from qualia_core.collocation import log_dice, mutual_information
from qualia_core.document import Document, Utterance
from qualia_core.errors import ConfigError

# A small text whose counts are worked out by hand below. 13 words (N = 13); "budget" is said 3 times (f(n) = 3).
#   turn 0  A: Budget(0) meeting(1) about(2) the(3) budget(4) plan(5)
#   turn 1  B: The(0) plan(1) needs(2) budget(3) cuts(4)
#   turn 2  A: Cuts(0) hurt(1)
TEXT = [("A", "Budget meeting about the budget plan."), ("B", "The plan needs budget cuts"), ("A", "Cuts hurt")]


def doc(turns=TEXT, name="t") -> Document:
    return Document(name, "", [Utterance(speaker, text) for speaker, text in turns])


@pytest.fixture(scope="module")
def plugin():
    return CollocatesAnalyzer()


def run(plugin, document, node, **config):
    return plugin.analyze(document, {"node": node, **config})


def table(result) -> dict[str, tuple]:
    return {r["collocate"]: (r["together"], r["left"], r["right"], r["frequency"]) for r in result["collocates"]}


def test_the_counts_match_a_hand_count_with_two_words_each_side(plugin):
    """L2-R2, nothing left out. Spans, inside each turn:
         turn 0, Budget(0):  meeting(1) R, about(2) R
         turn 0, budget(4):  about(2) is already counted (by the first Budget: a word counts once), the(3) L, plan(5) R
         turn 1, budget(3):  plan(1) L, needs(2) L, cuts(4) R; the span stops at the turn's end (not "Cuts" of turn 2)
       f(n,c): plan 2 (1 L, 1 R); meeting, about, the, needs, cuts 1 each.
       f(c): the 2 (The, the), plan 2, cuts 2 (cuts, Cuts), meeting, about, needs 1.
       log-Dice = 14 + log2(2·f(n,c) / (f(n) + f(c))):
         plan 14 + log2(4/5) = 13.678; meeting, about, needs 14 + log2(2/4) = 13; the, cuts 14 + log2(2/5) = 12.678
       MI = log2(f(n,c)·N / (f(n)·f(c)·span)), span = 4:
         plan log2(2·13/(3·2·4)) = log2(26/24) = 0.115; meeting, about, needs log2(13/12) = 0.115;
         the, cuts log2(13/24) = -0.885"""
    result = run(plugin, doc(), "budget", left_span=2, right_span=2, min_frequency=1, exclude_stopwords=False)
    assert (result["node_frequency"], result["total_tokens"], result["span"]) == (3, 13, 4)
    assert table(result) == {"plan": (2, 1, 1, 2), "meeting": (1, 0, 1, 1), "about": (1, 0, 1, 1), "the": (1, 1, 0, 2),
                             "needs": (1, 1, 0, 1), "cuts": (1, 0, 1, 2)}
    scores = {r["collocate"]: (r["log_dice"], r["mi"]) for r in result["collocates"]}
    assert scores["plan"] == (13.678, 0.115) and scores["meeting"] == (13.0, 0.115)
    assert scores["the"] == (12.678, -0.885) and scores["cuts"] == (12.678, -0.885)
    # ranked by log-Dice, ties by frequency together then A-Z
    assert [r["collocate"] for r in result["collocates"]] == ["plan", "about", "meeting", "needs", "cuts", "the"]


def test_the_formulas_are_the_documented_ones():
    assert log_dice(2, 3, 2) == pytest.approx(14 + math.log2(4 / 5))
    assert mutual_information(2, 3, 2, 13, 4) == pytest.approx(math.log2(26 / 24))
    assert log_dice(5, 5, 5) == 14  # only ever said together: the maximum


def test_min_frequency_leaves_out_rarer_pairs(plugin):
    result = run(plugin, doc(), "budget", left_span=2, right_span=2, min_frequency=2, exclude_stopwords=False)
    assert table(result) == {"plan": (2, 1, 1, 2)}


def test_stopwords_and_the_users_words_are_never_collocates_but_keep_their_place_in_the_span(plugin):
    """English stopwords leave out "the", which still takes its place: L1 of budget(4) is "the", so "about" (L2)
    is not reached; the span counts every word as said."""
    result = run(plugin, doc(), "budget", left_span=1, right_span=1, min_frequency=1)
    # L1-R1: Budget(0) -> meeting; budget(4) -> the (stopword), plan; budget(3) -> needs, cuts
    assert table(result) == {"meeting": (1, 0, 1, 1), "plan": (1, 0, 1, 2), "needs": (1, 1, 0, 1),
                             "cuts": (1, 0, 1, 2)}
    mine = run(plugin, doc(), "budget", left_span=1, right_span=1, min_frequency=1, stopwords=["PLAN", "Needs"])
    assert set(table(mine)) == {"meeting", "cuts"}


@pytest.mark.parametrize("left, right, expected", [
    (0, 1, {"meeting": (1, 0, 1, 1), "plan": (1, 0, 1, 2), "cuts": (1, 0, 1, 2)}),
    (1, 0, {"the": (1, 1, 0, 2), "needs": (1, 1, 0, 1)}),
    (0, 10, {"meeting": (1, 0, 1, 1), "about": (1, 0, 1, 1), "the": (1, 0, 1, 2), "budget": (1, 0, 1, 3),
             "plan": (1, 0, 1, 2), "cuts": (1, 0, 1, 2)}),
])
def test_the_window_edges_are_the_spans_chosen(plugin, left, right, expected):
    """R10 from Budget(0) reaches the whole turn, the other budget included (and plan, counted once though it is in
    both budgets' spans), and never the next turn."""
    result = run(plugin, doc(), "budget", left_span=left, right_span=right, min_frequency=1, exclude_stopwords=False)
    assert table(result) == expected


def test_a_span_never_crosses_a_turn(plugin):
    joined = doc([("A", " ".join(text for _, text in TEXT))])  # the same words as one turn
    apart = run(plugin, doc(), "budget", left_span=0, right_span=2, min_frequency=1, exclude_stopwords=False)
    together = run(plugin, joined, "budget", left_span=0, right_span=2, min_frequency=1, exclude_stopwords=False)
    assert table(apart)["cuts"][0] == 1 and table(together)["cuts"][0] == 2  # "budget cuts Cuts" in one turn


def test_the_node_ignores_case_and_accents_and_takes_wildcards(plugin):
    text = doc([("A", "A Reunião foi boa, a reuniao de hoje também"), ("B", "reuniões longas cansam")])
    assert run(plugin, text, "reuniao")["node_frequency"] == 2
    assert run(plugin, text, "REUNIÃO")["node_frequency"] == 2
    assert run(plugin, text, "reuni*")["node_frequency"] == 3
    design = doc([("A", "design designs designer redesign Design desk")])
    assert run(plugin, design, "design*")["node_frequency"] == 4
    assert run(plugin, design, "desig?")["node_frequency"] == 2 and run(plugin, design, "design?")["node_frequency"] == 1


def test_the_node_is_said_as_often_as_keyword_in_context_finds_it(plugin):
    """Apostrophes separate words for the node as in the concordance: "design's" and "d'água" count."""
    from plugins.keyword_in_context import KeywordInContextAnalyzer

    text = doc([("A", "the design's flaw, our designer’s view"), ("B", "um copo d'água, design it")])
    for node, said in (("design*", 3), ("água", 1), ("design", 2)):
        assert run(plugin, text, node)["node_frequency"] == said
        assert KeywordInContextAnalyzer().analyze(text, {"query": node})["total_hits"] == said
    row = run(plugin, text, "flaw", left_span=1, right_span=0, min_frequency=1)["collocates"][0]
    assert row["collocate"] == "design's"  # a collocate is a whole word


def test_a_collocate_is_named_by_its_most_said_form_and_grouped_without_accents(plugin):
    text = doc([("A", "ótimo projeto, otimo projeto, Ótimo projeto")])
    row = run(plugin, text, "projeto", left_span=1, right_span=0, min_frequency=1)["collocates"][0]
    assert (row["collocate"], row["together"], row["frequency"]) == ("ótimo", 3, 3)


@pytest.mark.parametrize("node, parameter", [("*", "node"), ("* ?", "node"), ("a*b*c*d", "node"),
                                             ("next meeting", "node"), ("c++", "node")])
def test_a_pattern_that_would_find_everything_or_is_not_a_word_is_refused_naming_the_parameter(plugin, node,
                                                                                                 parameter):
    with pytest.raises(ConfigError) as err:
        run(plugin, doc(), node)
    assert [name for name, _ in err.value.errors] == [parameter]


def test_empty_spans_are_refused(plugin):
    with pytest.raises(ConfigError) as err:
        run(plugin, doc(), "budget", left_span=0, right_span=0)
    assert [name for name, _ in err.value.errors] == ["right_span"]


def test_an_absent_word_or_empty_node_says_so(plugin):
    assert "not said" in run(plugin, doc(), "zebra")["message"]
    assert run(plugin, doc(), "")["message"].startswith("Type a word")


def test_the_study_adds_its_meetings_up_before_scoring(tmp_path):
    """Three meetings: the hand count above, "Budget plan approved" (N 3, f(n) 1, plan R1, approved R2) and
       "nothing here" (N 2). Study L2-R2: f(n) 4, N 18; plan f(n,c) 3, f(c) 3:
       log-Dice 14 + log2(6/7) = 13.778, MI log2(3·18/(4·3·4)) = 0.17."""
    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    core.library.add_text("first", "\n".join(f"{s}: {t}" for s, t in TEXT))
    core.library.add_text("second", "A: Budget plan approved")
    core.library.add_text("third", "A: nothing here")
    study = core.library_views.collocates({"node": "budget", "left_span": 2, "right_span": 2, "min_frequency": 1,
                                           "exclude_stopwords": False})
    assert (study["node_frequency"], study["total_tokens"]) == (4, 18)  # "nothing here" adds 2 words
    plan = next(r for r in study["collocates"] if r["collocate"] == "plan")
    assert (plan["together"], plan["frequency"]) == (3, 3)
    assert plan["log_dice"] == round(14 + math.log2(6 / 7), 3) and plan["mi"] == round(math.log2(3 * 18 / (4 * 3 * 4)), 3)
    assert [(name, n) for _, name, n in study["meetings"]] == [("first", 3), ("second", 1)]


def test_the_engine_runs_it_from_plugins(tmp_path):
    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    document = core.add_document("t", "\n".join(f"{s}: {t}" for s, t in TEXT))
    result = core.execute_plugin("collocates", document, {"node": "budget", "left_span": "2", "min_frequency": "1"})
    assert result["node_frequency"] == 3 and result["collocates"]


def test_the_study_view_follows_a_change_of_the_study_stoplist(tmp_path):
    """The whole-library collocates are remembered per library version; the study's stoplist is part of that
    memory's key, so a word added to it leaves the study's collocates at once (nothing else changed)."""
    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    core.library.add_text("first", "\n".join(f"{s}: {t}" for s, t in TEXT))
    config = {"node": "budget", "left_span": 2, "right_span": 2, "min_frequency": 1}
    assert "plan" in [r["collocate"] for r in core.library_views.collocates(config)["collocates"]]
    core.set_study_words({"stopwords": ["plan"]})
    assert "plan" not in [r["collocate"] for r in core.library_views.collocates(config)["collocates"]]
