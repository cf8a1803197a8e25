"""sentiment_analyzer: TextBlob's per-sentence sentiment of the speech, per speaker and over time."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from textblob import TextBlob

from plugins.sentiment_analyzer import SentimentAnalyzer
from plugins.sentiment_analyzer.sentences import split_sentences
from qualia_core.document import Document, Utterance
from qualia_core.errors import ConfigError
from qualia_core.formats import load_path
from qualia_core.text import tokenize

ROOT = Path(__file__).resolve().parents[1]

AMI = "TS3012d_bracket_excerpt.txt"  # tokenised AMI speech with [hh:mm:ss] timestamps
PARLIAMENT = "covid_8_excerpt.txt"  # prose with Mr./Mrs./Hon., decimals and questions
PORTUGUESE = "portuguese_meeting.txt"


@pytest.fixture(scope="module")
def plugin():
    return SentimentAnalyzer()


def load(fixtures_dir, name) -> Document:
    return load_path(fixtures_dir / "sentiment" / name)


def untimed(doc: Document) -> Document:
    return doc.with_utterances(Utterance(u.speaker, u.text) for u in doc.utterances)


def doc_of(*turns: tuple[str | None, str]) -> Document:
    return Document("t", "", [Utterance(s, t) for s, t in turns])


# ------------------------------------------------------------------ metadata and parameters
def test_metadata_declares_the_sentiment_analyzer():
    meta = SentimentAnalyzer().meta()
    assert (meta.id, meta.type.value, meta.version) == ("sentiment_analyzer", "analyzer", "1.2.0")
    assert {"sentiment", "sentences", "timeline", "most_positive", "most_negative"} <= set(meta.provides)
    defaults = {name: p.default for name, p in meta.parameters.items()}
    assert defaults == {"positive_threshold": 0.1, "negative_threshold": -0.1, "top_n": 5, "segments": 20,
                        "weight_by": "sentence", "include_text": True}


@pytest.mark.parametrize("bad", [
    {"segments": 0}, {"segments": "many"}, {"positive_threshold": 1.5}, {"negative_threshold": 0.2},
    {"top_n": -1}, {"weight_by": "characters"}, {"include_text": "perhaps"}, {"segmets": 10},
])
def test_a_bad_parameter_raises_config_error_naming_it(plugin, fixtures_dir, bad):
    with pytest.raises(ConfigError) as err:
        plugin.analyze(load(fixtures_dir, AMI), bad)
    assert [name for name, _ in err.value.errors] == list(bad)


# ------------------------------------------------------------------ sentence values
@pytest.mark.parametrize("name", [AMI, PARLIAMENT])
def test_each_sentence_gets_exactly_textblobs_sentiment(plugin, fixtures_dir, name):
    result = plugin.analyze(load(fixtures_dir, name))
    assert result["sentence_count"] > 5
    for s in result["sentences"]:
        expected = TextBlob(s["text"]).sentiment
        assert (s["polarity"], s["subjectivity"]) == (expected.polarity, expected.subjectivity)


@pytest.mark.parametrize("name", [AMI, PARLIAMENT])
def test_sentences_lie_inside_their_own_utterance_in_order(plugin, fixtures_dir, name):
    doc = load(fixtures_dir, name)
    result = plugin.analyze(doc)
    assert [s["index"] for s in result["sentences"]] == list(range(result["sentence_count"]))
    position: dict[int, int] = {}
    for s in result["sentences"]:
        utterance = doc.utterances[s["utterance"]]
        found = utterance.text.find(s["text"], position.get(s["utterance"], 0))
        assert found >= 0, f"sentence {s['index']} is not in utterance {s['utterance']}"
        position[s["utterance"]] = found + len(s["text"])
        assert (s["speaker"], s["start"]) == (utterance.speaker, utterance.start)


def test_speaker_labels_are_never_analysed(plugin):
    result = plugin.analyze(doc_of(("Wonderful Happy Person", "We meet on Tuesday ."),
                                   ("Terrible Angry Person", "The room is on the second floor .")))
    assert [s["polarity"] for s in result["sentences"]] == [0.0, 0.0]


def test_pieces_without_letters_outside_markers_are_not_sentences(plugin):
    result = plugin.analyze(doc_of(("A", "{vocalsound} . Yeah ."), ("B", "{gap}"), ("A", ". ?")))
    assert [s["text"] for s in result["sentences"]] == ["Yeah ."]


def test_include_text_false_leaves_every_sentence_text_out(plugin, fixtures_dir):
    result = plugin.analyze(load(fixtures_dir, AMI), {"include_text": False})
    records = result["sentences"] + result["most_positive"] + result["most_negative"]
    assert records and all("text" not in r for r in records)


# ------------------------------------------------------------------ labels
@pytest.mark.parametrize("text, config, label", [
    ("This is good .", {}, "positive"),                               # polarity 0.7
    ("This is good .", {"positive_threshold": 0.7}, "positive"),      # the threshold itself counts
    ("This is good .", {"positive_threshold": 0.8}, "neutral"),
    ("This is bad .", {}, "negative"),                                # polarity -0.7
    ("This is bad .", {"negative_threshold": -0.8}, "neutral"),
    ("This is awful .", {"negative_threshold": -1.0}, "negative"),    # polarity -1.0
    ("The room is on the second floor .", {"positive_threshold": 0.0}, "neutral"),  # polarity 0
    ("The room is on the second floor .", {"negative_threshold": 0.0}, "neutral"),
])
def test_a_sentence_label_follows_the_thresholds(plugin, text, config, label):
    result = plugin.analyze(doc_of(("A", text)), config)
    assert result["sentences"][0]["label"] == label


@pytest.mark.parametrize("config", [{}, {"positive_threshold": 0.3, "negative_threshold": -0.05},
                                    {"positive_threshold": 0.0, "negative_threshold": 0.0}])
def test_every_label_in_the_result_follows_the_rule(plugin, fixtures_dir, config):
    result = plugin.analyze(load(fixtures_dir, AMI), config)
    pos = config.get("positive_threshold", 0.1)
    neg = config.get("negative_threshold", -0.1)

    def rule(p):
        return "positive" if p > 0 and p >= pos else "negative" if p < 0 and p <= neg else "neutral"

    assert all(s["label"] == rule(s["polarity"]) for s in result["sentences"])
    assert all(v["label"] == rule(v["polarity"]) for v in result["per_speaker"].values())
    assert result["label"] == rule(result["polarity"])
    assert result["label_counts"] == {k: sum(s["label"] == k for s in result["sentences"])
                                      for k in ("positive", "negative", "neutral")}


def test_raising_the_positive_threshold_turns_positive_sentences_neutral(plugin, fixtures_dir):
    doc = load(fixtures_dir, AMI)
    low = plugin.analyze(doc, {"positive_threshold": 0.1})["label_counts"]
    high = plugin.analyze(doc, {"positive_threshold": 0.9})["label_counts"]
    assert high["positive"] < low["positive"]
    assert high["neutral"] - low["neutral"] == low["positive"] - high["positive"]


# ------------------------------------------------------------------ aggregates
@pytest.mark.parametrize("name", [AMI, PARLIAMENT])
def test_document_means_are_plain_means_over_sentences_by_default(plugin, fixtures_dir, name):
    result = plugin.analyze(load(fixtures_dir, name))
    sentences = result["sentences"]
    assert result["polarity"] == pytest.approx(sum(s["polarity"] for s in sentences) / len(sentences))
    assert result["subjectivity"] == pytest.approx(sum(s["subjectivity"] for s in sentences) / len(sentences))


def test_weight_by_words_weights_each_sentence_by_its_word_count(plugin, fixtures_dir):
    doc = load(fixtures_dir, AMI)
    result = plugin.analyze(doc, {"weight_by": "words"})
    weights = [len(tokenize(s["text"])) for s in result["sentences"]]
    expected = sum(s["polarity"] * w for s, w in zip(result["sentences"], weights)) / sum(weights)
    assert result["polarity"] == pytest.approx(expected)
    assert result["polarity"] != pytest.approx(plugin.analyze(doc)["polarity"])


@pytest.mark.parametrize("name", [AMI, PARLIAMENT])
def test_per_speaker_figures_agree_with_that_speakers_sentences(plugin, fixtures_dir, name):
    doc = load(fixtures_dir, name)
    result = plugin.analyze(doc)
    assert list(result["per_speaker"]) == [s for s in doc.speakers if s in result["per_speaker"]]
    assert sum(v["sentences"] for v in result["per_speaker"].values()) == result["sentence_count"]
    for speaker, figures in result["per_speaker"].items():
        own = [s for s in result["sentences"] if s["speaker"] == speaker]
        assert figures["sentences"] == len(own) == figures["positive"] + figures["negative"] + figures["neutral"]
        assert figures["polarity"] == pytest.approx(sum(s["polarity"] for s in own) / len(own))
        assert figures["subjectivity"] == pytest.approx(sum(s["subjectivity"] for s in own) / len(own))
        assert figures["positive"] == sum(s["label"] == "positive" for s in own)


@pytest.mark.parametrize("top_n", [0, 1, 3, 100])
def test_most_positive_and_negative_are_the_extreme_sentences_strongest_first(plugin, fixtures_dir, top_n):
    result = plugin.analyze(load(fixtures_dir, AMI), {"top_n": top_n})
    positives = sorted((s for s in result["sentences"] if s["polarity"] > 0),
                       key=lambda s: (-s["polarity"], s["index"]))
    negatives = sorted((s for s in result["sentences"] if s["polarity"] < 0),
                       key=lambda s: (s["polarity"], s["index"]))
    assert result["most_positive"] == positives[:top_n]
    assert result["most_negative"] == negatives[:top_n]
    for entry in result["most_positive"] + result["most_negative"]:
        assert {"speaker", "utterance", "start", "text", "polarity"} <= set(entry)


def test_a_meeting_without_negative_sentences_lists_none(plugin):
    result = plugin.analyze(doc_of(("A", "This is good ."), ("B", "We meet on Tuesday .")))
    assert result["most_negative"] == []
    assert [s["text"] for s in result["most_positive"]] == ["This is good ."]


# ------------------------------------------------------------------ timeline
@pytest.mark.parametrize("segments", [1, 5, 20])
def test_timeline_of_an_untimed_transcript_cuts_the_sentences_in_order(plugin, fixtures_dir, segments):
    result = plugin.analyze(untimed(load(fixtures_dir, AMI)), {"segments": segments})
    timeline = result["timeline"]
    assert result["timeline_basis"] == "order"
    assert len(timeline) == segments
    assert timeline[0]["first_sentence"] == 0 and timeline[-1]["last_sentence"] == result["sentence_count"] - 1
    assert all(b["first_sentence"] == a["last_sentence"] + 1 for a, b in zip(timeline, timeline[1:]))
    for seg in timeline:
        members = result["sentences"][seg["first_sentence"]:seg["last_sentence"] + 1]
        assert seg["sentences"] == len(members)
        assert seg["polarity"] == pytest.approx(sum(s["polarity"] for s in members) / len(members))


@pytest.mark.parametrize("segments", [1, 5, 20])
def test_timeline_of_a_timed_transcript_cuts_the_meeting_time_into_equal_windows(plugin, fixtures_dir, segments):
    doc = load(fixtures_dir, AMI)
    result = plugin.analyze(doc, {"segments": segments})
    timeline = result["timeline"]
    assert result["timeline_basis"] == "time"
    assert len(timeline) == segments
    assert timeline[0]["start"] == doc.utterances[0].start
    assert timeline[-1]["end"] == max(u.end or u.start for u in doc.utterances)
    widths = [seg["end"] - seg["start"] for seg in timeline]
    assert max(widths) == pytest.approx(min(widths))
    assert sum(seg["sentences"] for seg in timeline) == result["sentence_count"]
    for seg in timeline:
        members = [s for s in result["sentences"]
                   if seg["first_sentence"] is not None and seg["first_sentence"] <= s["index"] <= seg["last_sentence"]]
        assert all(seg["start"] <= s["start"] <= seg["end"] for s in members)
        assert (seg["polarity"] is None) == (seg["sentences"] == 0)


def test_a_time_window_without_speech_has_no_polarity(plugin):
    doc = Document("t", "", [Utterance("A", "This is good .", 0.0, 5.0), Utterance("B", "This is bad .", 95.0, 100.0)])
    timeline = plugin.analyze(doc, {"segments": 10})["timeline"]
    assert [seg["sentences"] for seg in timeline] == [1] + [0] * 8 + [1]
    assert [seg["polarity"] is None for seg in timeline] == [False] + [True] * 8 + [False]


def test_fewer_sentences_than_segments_give_one_segment_per_sentence(plugin):
    result = plugin.analyze(doc_of(("A", "Good ."), ("B", "Bad ."), ("A", "Fine .")), {"segments": 20})
    assert [seg["sentences"] for seg in result["timeline"]] == [1, 1, 1]


# ------------------------------------------------------------------ language, empty input, JSON
@pytest.mark.parametrize("name, language, method", [
    (AMI, "en", "TextBlob PatternAnalyzer"), (PARLIAMENT, "en", "TextBlob PatternAnalyzer"),
    (PORTUGUESE, "pt", "LeIA lexicon + Qualia negation rules")])
def test_english_and_portuguese_are_scored_and_name_their_method(plugin, fixtures_dir, name, language, method):
    result = plugin.analyze(load(fixtures_dir, name))
    assert (result["language"], result["method"], result["scored"], result["warning"]) == (language, method, True, None)
    assert result["sentence_count"] > 0 and result["scored_sentences"] == result["sentence_count"]
    assert {(s["language"], s["method"], s["scored"]) for s in result["sentences"]} == {(language, method, True)}
    assert [(m["language"], m["method"], m["sentences"]) for m in result["methods"]] == [
        (language, method, result["sentence_count"])]


def test_a_document_without_speech_gives_an_empty_neutral_result(plugin):
    result = plugin.analyze(Document("empty", "", []))
    assert (result["sentence_count"], result["polarity"], result["label"]) == (0, 0.0, "neutral")
    assert result["timeline"] == [] and result["per_speaker"] == {} and result["most_positive"] == []
    assert "no speech" in result["warning"]


@pytest.mark.parametrize("name", [AMI, PARLIAMENT, PORTUGUESE])
def test_the_result_is_json_ready(plugin, fixtures_dir, name):
    result = plugin.analyze(load(fixtures_dir, name), {"weight_by": "words"})
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_the_analysis_runs_with_no_nltk_data_at_all(plugin, fixtures_dir):
    """The suite's NLTK data folder is empty, so this proves no punkt or corpus is needed."""
    import nltk

    with pytest.raises(LookupError):
        nltk.data.find("tokenizers/punkt")
    assert plugin.analyze(load(fixtures_dir, AMI))["sentence_count"] > 0


def test_the_core_runs_the_analyzer_with_the_same_result(plugin, fixtures_dir, tmp_path):
    from qualia_core import QualiaCore

    core = QualiaCore(data_dir=tmp_path)
    doc = core.load_document(fixtures_dir / "sentiment" / AMI)
    assert core.execute_plugin("sentiment_analyzer", doc, {"segments": 7}) == plugin.analyze(doc, {"segments": 7})


# ------------------------------------------------------------------ sentence splitting
@pytest.mark.parametrize("text, expected", [
    ("Dr. Smith arrived. He was late.", ["Dr. Smith arrived.", "He was late."]),
    ("Mr. and Mrs. Jones came. Ms. Lee did not.", ["Mr. and Mrs. Jones came.", "Ms. Lee did not."]),
    ("We need filters, e.g. a high-pass one, i.e. cheap. Fine.",
     ["We need filters, e.g. a high-pass one, i.e. cheap.", "Fine."]),
    ("Sales grew 3.5 percent. Costs fell 1.25 points.", ["Sales grew 3.5 percent.", "Costs fell 1.25 points."]),
    ("Apples, pears, etc. are fruit. Fine, etc. Then we left.",
     ["Apples, pears, etc. are fruit.", "Fine, etc.", "Then we left."]),
    ("I was... thinking. Really... Then we stopped.", ["I was... thinking.", "Really...", "Then we stopped."]),
    ("It is over… Next item.", ["It is over…", "Next item."]),
    ("Is it? Yes! Great.", ["Is it?", "Yes!", "Great."]),
    ("He said \"stop.\" Then he went.", ["He said \"stop.\"", "Then he went."]),
    ("Motion No. 6 passed. The vote was No. Okay.", ["Motion No. 6 passed.", "The vote was No.", "Okay."]),
    ("the U.S. Civil War. We know it.", ["the U.S. Civil War.", "We know it."]),
    ("exports go to the U.S. Has the government acted?", ["exports go to the U.S.", "Has the government acted?"]),
    ("at 6 p.m. the day before. At 8 a.m. Then coffee.", ["at 6 p.m. the day before.", "At 8 a.m.", "Then coffee."]),
    ("Mr.Chair, as my hon.colleague knows.", ["Mr.Chair, as my hon.colleague knows."]),
    ("O Sr. Silva chegou. A Sra. Costa também.", ["O Sr. Silva chegou.", "A Sra. Costa também."]),
])
def test_prose_splits_at_sentence_ends_but_not_after_abbreviations_or_in_numbers(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("I 'm here . Okay ? Yeah ! Right .", ["I 'm here .", "Okay ?", "Yeah !", "Right ."]),
    ("Uh , channel one . Yes .", ["Uh , channel one .", "Yes ."]),
    ("No . W the idea is just {disfmarker} No .", ["No .", "W the idea is just {disfmarker} No ."]),
    ("Mr . Smith said no . Then he left .", ["Mr . Smith said no .", "Then he left ."]),
    ("He said , \" stop . \" So we did .", ["He said , \" stop . \"", "So we did ."]),
    ("uh . um , so", ["uh .", "um , so"]),
])
def test_tokenised_speech_splits_at_free_standing_punctuation(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "no punctuation at all", "ends without a stop"])
def test_text_without_sentence_ends_is_one_sentence_or_none(text):
    assert split_sentences(text) == ([text.strip()] if text.strip() else [])


def test_tokenised_corpus_sentences_hold_no_inner_sentence_end(fixtures_dir):
    for utterance in load(fixtures_dir, AMI).utterances:
        for sentence in split_sentences(utterance.text):
            assert not any(f" {p} " in sentence for p in ".?!"), "a free-standing stop inside a sentence"


def test_sentences_of_an_utterance_rebuild_it(fixtures_dir):
    for name in (AMI, PARLIAMENT, PORTUGUESE):
        for utterance in load(fixtures_dir, name).utterances:
            assert " ".join(split_sentences(utterance.text)).split() == utterance.text.split()


# ------------------------------------------------------------------ full corpus
def test_every_corpus_meeting_gives_a_consistent_json_result(plugin, corpus_dir):
    for path in sorted((corpus_dir / "txt").glob("*.txt")):
        result = plugin.analyze(load_path(path), {"include_text": False})
        assert json.loads(json.dumps(result, allow_nan=False)) == result, path.name
        assert result["language"] == "en", path.name
        assert len(result["timeline"]) == min(20, result["sentence_count"]), path.name
        assert sum(v["sentences"] for v in result["per_speaker"].values()) == result["sentence_count"], path.name
        assert all(-1 <= s["polarity"] <= 1 and 0 <= s["subjectivity"] <= 1 and math.isfinite(s["polarity"])
                   for s in result["sentences"]), path.name


def test_scoring_loads_textblobs_lexicon_without_nltk_and_gives_textblobs_numbers():
    """In a fresh process the plugin's first run imports neither nltk nor scipy (2-3 s, ~200 MB at start-up),
    its scores equal TextBlob(sentence).sentiment, and `from textblob import TextBlob` still works after it."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent('''
        import json, sys
        from plugins.sentiment_analyzer.scoring import score_sentences
        sentences = ["This is a very good idea, not bad at all.", "I hate it.", "Hmm .", "Not great, not terrible."]
        ours = score_sentences(sentences)
        light = not any(m.split(".")[0] in ("nltk", "scipy") for m in sys.modules)
        from textblob import TextBlob
        theirs = [tuple(TextBlob(s).sentiment) for s in sentences]
        print(json.dumps({"light": light, "same": [list(a) for a in ours] == [list(b) for b in theirs]}))
    ''')
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"light": True, "same": True}
