"""Portuguese sentiment: LeIA's lexicon with Qualia's rules, its accuracy on the labelled set, and the choice
of method per document and per turn."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from plugins.sentiment_analyzer import SentimentAnalyzer
from plugins.sentiment_analyzer.methods import PORTUGUESE, TEXTBLOB
from plugins.sentiment_analyzer.portuguese import score, valence
from qualia_core.document import Document, Utterance

EVAL_SET = Path(__file__).parent / "fixtures" / "sentiment" / "pt_eval.csv"


def label(polarity: float, threshold: float = 0.1) -> str:
    return "positive" if polarity >= threshold else "negative" if polarity <= -threshold else "neutral"


def polarity(text: str) -> float:
    return score(text)[0]


@pytest.fixture(scope="module")
def rows():
    with open(EVAL_SET, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def leia():
    from LeIA import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def doc_of(*turns: tuple[str, str]) -> Document:
    return Document("t", "", [Utterance(s, t) for s, t in turns])


# ------------------------------------------------------------------ named cases
@pytest.mark.parametrize("text, expected", [
    ("não gostei", "negative"), ("Não gostei.", "negative"), ("a reunião não foi boa", "negative"),
    ("adorei", "positive"), ("Adorei a oficina.", "positive"), ("Fiquei satisfeita.", "positive"),
    ("Me senti acolhido.", "positive"), ("Eu não gostei nada.", "negative"),              # negative concord
    ("Não tive problema nenhum.", "positive"), ("Foi tudo sem problema.", "positive"),
    ("Nunca me senti tão desvalorizada.", "negative"),                                     # a comparison
    ("O treinamento foi pouco útil.", "negative"),                                         # bare "pouco"
    ("A proposta era boa, mas a execução foi péssima.", "negative"),                      # contrast
    ("Foi difícil, mas valeu a pena.", "positive"),
    ("A reunião começou às nove.", "neutral"), ("Eu trabalho no setor de compras.", "neutral"),
])
def test_named_portuguese_cases(text, expected):
    assert label(polarity(text)) == expected, polarity(text)


def test_leia_as_shipped_gets_the_negations_wrong_that_the_rules_get_right(leia):
    for text in ("não gostei", "a reunião não foi boa"):
        assert leia.polarity_scores(text)["compound"] > 0 > polarity(text)
    assert leia.polarity_scores("adorei")["compound"] == 0 < polarity("adorei")


def test_inflected_forms_score_like_their_lemma():
    assert valence("adorei") == valence("adorar") > 0
    assert valence("satisfeita") == valence("satisfeito") > 0
    assert valence("decepcionadas") == valence("decepcionado") < 0
    assert valence("elogiaram") > 0  # elogiar -> LeIA's participle "elogiado"


def test_intensifiers_raise_and_diminishers_lower_the_score():
    assert polarity("Foi muito bom.") > polarity("Foi bom.") > polarity("Foi um pouco bom.") > 0
    assert polarity("Foi extremamente ruim.") < polarity("Foi ruim.") < 0
    assert polarity("Achei lindíssimo.") > polarity("Achei lindo.") > 0


def test_negation_stays_in_its_clause():
    assert polarity("Não veio ninguém, foi ótimo.") > 0  # the comma ends the negation
    assert polarity("Não foi ótimo.") < 0


def test_spoken_fillers_and_additive_nao_so_change_nothing():
    assert score("Tipo, foi ótimo.") == pytest.approx(score("Foi ótimo."))
    assert polarity("Foi não só barato, mas também muito bom.") > 0
    assert polarity("Nada mal, até.") > 0 > polarity("Nem sempre foi fácil.")


def test_a_clause_after_mas_outweighs_the_one_before():
    assert polarity("Foi ruim, mas o resultado foi ótimo.") > 0
    assert polarity("Foi ótimo, mas o resultado foi ruim.") < 0


def test_markers_and_function_words_carry_no_sentiment():
    assert polarity("{vocalsound} para a reunião de terça .") == 0.0


# ------------------------------------------------------------------ the evaluation set
def test_the_evaluation_set_is_large_balanced_and_has_held_out_parts(rows):
    assert len(rows) >= 150
    assert len({r["text"] for r in rows}) == len(rows)
    assert set(Counter(r["label"] for r in rows)) == {"positive", "negative", "neutral"}
    assert min(Counter(r["label"] for r in rows).values()) >= 45
    splits = Counter(r["split"] for r in rows)
    assert set(splits) == {"dev", "heldout", "fresh"} and splits["dev"] == splits["heldout"] and splits["fresh"] >= 40
    negated = [r for r in rows if any(w in r["text"].lower().split() for w in ("não", "nunca", "nem", "ninguém"))]
    assert len(negated) >= 25


@pytest.mark.parametrize("half", ["all", "heldout"])
def test_the_rules_are_at_least_15_points_more_accurate_than_leia_as_shipped(rows, leia, half):
    subset = [r for r in rows if half == "all" or r["split"] == half]
    ours = sum(label(polarity(r["text"])) == r["label"] for r in subset) / len(subset)
    theirs = sum(label(leia.polarity_scores(r["text"])["compound"], 0.05) == r["label"] for r in subset) / len(subset)
    assert ours - theirs >= 0.15, (ours, theirs)


# ------------------------------------------------------------------ the plugin picks the method
@pytest.fixture(scope="module")
def plugin():
    return SentimentAnalyzer()


def test_a_portuguese_interview_is_scored_and_names_its_method(plugin):
    doc = doc_of(("P1", "Eu adorei participar do projeto, a equipe foi muito acolhedora."),
                 ("E", "E o que você achou das reuniões com a coordenação?"),
                 ("P1", "Não gostei das reuniões, ninguém ouvia ninguém e a gente saía cansada."))
    result = plugin.analyze(doc)
    assert (result["language"], result["method"], result["lexicon"], result["scored"]) == (
        "pt", PORTUGUESE.name, PORTUGUESE.lexicon, True)
    assert [s["label"] for s in result["sentences"]] == ["positive", "neutral", "negative"]
    assert result["per_speaker"]["P1"]["positive"] == 1 and result["per_speaker"]["P1"]["negative"] == 1


def test_a_turn_in_english_inside_a_portuguese_interview_is_scored_by_textblob(plugin):
    doc = doc_of(("P1", "Eu adorei participar do projeto, a equipe foi muito acolhedora comigo."),
                 ("P2", "I really hated those meetings, they were awful and nobody ever listened to us."),
                 ("P1", "Não gostei das reuniões, ninguém ouvia ninguém e a gente saía cansada."),
                 ("P2", "Ok."))
    result = plugin.analyze(doc)
    assert result["language"] == "pt"
    by_turn = {s["utterance"]: (s["language"], s["method"], s["label"]) for s in result["sentences"]}
    assert by_turn[1] == ("en", TEXTBLOB.name, "negative")
    assert by_turn[0][:2] == by_turn[2][:2] == by_turn[3][:2] == ("pt", PORTUGUESE.name)  # "Ok." is too short to move
    assert [(m["language"], m["sentences"]) for m in result["methods"]] == [("pt", 3), ("en", 1)]


@pytest.mark.parametrize("turns", [
    (("A", "Wir haben gestern lange über das Budget gesprochen und nichts entschieden."),
     ("B", "Das Protokoll schicke ich morgen an alle Teilnehmer.")),
    (("A", "Ayer hablamos mucho sobre el presupuesto y no decidimos nada."),
     ("B", "El equipo trabajó muy bien y estamos contentos con los resultados del proyecto.")),
])
def test_a_language_no_method_reads_is_not_scored(plugin, turns):
    doc = doc_of(*turns)
    result = plugin.analyze(doc)
    assert result["language"] == "unknown" and result["scored"] is False and result["scored_sentences"] == 0
    assert "not meaningful" in result["warning"]
    assert not any(s["scored"] for s in result["sentences"])
    assert result["methods"] == [{"language": "unknown", "method": TEXTBLOB.name, "lexicon": TEXTBLOB.lexicon,
                                  "sentences": 2, "scored": False}]
