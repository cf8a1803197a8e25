"""sentiment_viz: plotly charts of a sentiment_analyzer result (course of the meeting, speakers)."""

from __future__ import annotations

import pytest
from plotly.graph_objects import Figure

from plugins.sentiment_analyzer import SentimentAnalyzer
from plugins.sentiment_viz import SentimentViz
from qualia_core.document import Document, Utterance
from qualia_core.errors import ConfigError, QualiaError
from qualia_core.formats import load_path

AMI = "TS3012d_bracket_excerpt.txt"
PORTUGUESE = "portuguese_meeting.txt"


@pytest.fixture(scope="module")
def viz():
    return SentimentViz()


def analyse(fixtures_dir, name=AMI, timed=True, **config):
    doc = load_path(fixtures_dir / "sentiment" / name)
    if not timed:
        doc = doc.with_utterances(Utterance(u.speaker, u.text) for u in doc.utterances)
    return SentimentAnalyzer().analyze(doc, config)


def traces(fig, name):
    return [t for t in fig.data if t.name == name]


def test_metadata_declares_a_visualizer_of_the_sentiment_analyzer(viz):
    meta = viz.meta()
    assert (meta.id, meta.type.value, meta.requires) == ("sentiment_viz", "visualizer", ["sentiment_analyzer"])
    assert meta.parameters["chart"].options == ("both", "timeline", "per_speaker")


@pytest.mark.parametrize("config, names", [
    ({}, ["Segment polarity", "Segment subjectivity", "Mean polarity", "Mean subjectivity"]),
    ({"chart": "timeline"}, ["Segment polarity", "Segment subjectivity"]),
    ({"chart": "per_speaker"}, ["Mean polarity", "Mean subjectivity"]),
    ({"show_subjectivity": False}, ["Segment polarity", "Mean polarity"]),
    ({"chart": "timeline", "show_sentences": True}, ["Segment polarity", "Segment subjectivity", "Sentences"]),
])
def test_the_chart_choice_decides_the_traces(viz, fixtures_dir, config, names):
    fig = viz.render(analyse(fixtures_dir), config)
    assert isinstance(fig, Figure)
    assert [t.name for t in fig.data] == names


def test_both_charts_sit_in_two_stacked_subplots(viz, fixtures_dir):
    fig = viz.render(analyse(fixtures_dir))
    assert {(t.xaxis, t.yaxis) for t in fig.data[:2]} == {("x", "y")}
    assert {(t.xaxis, t.yaxis) for t in fig.data[2:]} == {("x2", "y2")}


def test_timeline_line_follows_the_segment_polarity_over_minutes(viz, fixtures_dir):
    result = analyse(fixtures_dir, segments=8)
    (line,) = traces(viz.render(result, {"chart": "timeline"}), "Segment polarity")
    assert list(line.y) == [seg["polarity"] for seg in result["timeline"]]
    assert list(line.x) == pytest.approx([(seg["start"] + seg["end"]) / 120 for seg in result["timeline"]])


def test_untimed_timeline_runs_over_sentence_numbers(viz, fixtures_dir):
    result = analyse(fixtures_dir, timed=False, segments=8)
    fig = viz.render(result, {"chart": "timeline"})
    (line,) = traces(fig, "Segment polarity")
    assert list(line.x) == [(s["first_sentence"] + s["last_sentence"]) / 2 for s in result["timeline"]]
    assert fig.layout.xaxis.title.text == "sentence number"


def test_speaker_bars_show_each_speakers_mean_polarity_and_subjectivity(viz, fixtures_dir):
    result = analyse(fixtures_dir)
    fig = viz.render(result, {"chart": "per_speaker"})
    (polarity,) = traces(fig, "Mean polarity")
    (subjectivity,) = traces(fig, "Mean subjectivity")
    assert list(polarity.x) == list(result["per_speaker"])
    assert list(polarity.y) == [v["polarity"] for v in result["per_speaker"].values()]
    assert list(subjectivity.y) == [v["subjectivity"] for v in result["per_speaker"].values()]


def test_max_speakers_keeps_the_speakers_with_most_sentences(viz, fixtures_dir):
    result = analyse(fixtures_dir)
    fig = viz.render(result, {"chart": "per_speaker", "max_speakers": 2})
    (bars,) = traces(fig, "Mean polarity")
    busiest = sorted(result["per_speaker"], key=lambda s: -result["per_speaker"][s]["sentences"])[:2]
    assert sorted(bars.x) == sorted(busiest)


@pytest.mark.parametrize("include_text", [True, False])
def test_sentence_points_hover_with_their_text_only_when_the_analysis_kept_it(viz, fixtures_dir, include_text):
    result = analyse(fixtures_dir, include_text=include_text)
    (points,) = traces(viz.render(result, {"chart": "timeline", "show_sentences": True}), "Sentences")
    assert len(points.x) == result["sentence_count"]
    assert list(points.y) == [s["polarity"] for s in result["sentences"]]
    shows_text = ["Control your remote control ." in h for h in points.hovertext]
    assert shows_text[0] is include_text and not any(shows_text[1:])


def test_the_not_scored_warning_is_shown_in_the_title(viz):
    doc = Document("de", "", [Utterance("A", "Wir haben gestern lange über das Budget gesprochen und nichts entschieden."),
                              Utterance("B", "Das Protokoll schicke ich morgen an alle Teilnehmer.")])
    fig = viz.render(SentimentAnalyzer().analyze(doc))
    assert "not meaningful" in fig.layout.title.text


def test_a_portuguese_meeting_is_drawn_without_a_warning(viz, fixtures_dir):
    fig = viz.render(analyse(fixtures_dir, PORTUGUESE))
    assert "<sup>" not in fig.layout.title.text and any(t.y is not None and any(t.y) for t in fig.data)


def test_with_an_output_path_it_returns_the_figure_and_writes_nothing(viz, fixtures_dir, tmp_path):
    fig = viz.render(analyse(fixtures_dir), {}, tmp_path / "out" / "sentiment")
    assert isinstance(fig, Figure)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_figure_loads_no_external_fonts_or_scripts(viz, fixtures_dir):
    text = viz.render(analyse(fixtures_dir), {"show_sentences": True}).to_json()
    assert "http" not in text and "family" not in text


def test_a_document_without_speech_still_draws(viz):
    result = SentimentAnalyzer().analyze(Document("empty", "", []))
    fig = viz.render(result)
    assert [len(t.x or []) for t in fig.data] == [0, 0, 0, 0]


@pytest.mark.parametrize("data", [{}, {"polarity": 0.1}, {"timeline": []}])
def test_data_without_a_sentiment_result_says_to_run_the_analyzer(viz, data):
    with pytest.raises(QualiaError, match="run the sentiment_analyzer"):
        viz.render(data)


@pytest.mark.parametrize("bad", [{"chart": "pie"}, {"max_speakers": 0}, {"show_sentences": "sometimes"}])
def test_a_bad_parameter_raises_config_error_naming_it(viz, fixtures_dir, bad):
    with pytest.raises(ConfigError) as err:
        viz.render(analyse(fixtures_dir), bad)
    assert [name for name, _ in err.value.errors] == list(bad)


def test_the_core_draws_it_after_running_the_analyzer(fixtures_dir, tmp_path):
    from qualia_core import QualiaCore

    core = QualiaCore(data_dir=tmp_path)
    doc = core.load_document(fixtures_dir / "sentiment" / AMI)
    rendered = core.execute_plugin("sentiment_viz", doc, {"chart": "per_speaker"})
    assert rendered["kind"] == "plotly"
    assert [t["name"] for t in rendered["figure"]["data"]] == ["Mean polarity", "Mean subjectivity"]
    assert rendered["figure"]["data"][0]["x"] == doc.speakers
