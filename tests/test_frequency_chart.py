"""frequency_chart: a plotly bar chart or treemap of the word_frequency result's top words."""

from __future__ import annotations

import copy
import json

import pytest

from plugins.frequency_chart import FrequencyChart
from qualia_core import QualiaCore
from qualia_core.contract import PluginType
from qualia_core.errors import ConfigError, QualiaError
from qualia_core.results import visual_result

# Counts in the shape of a word_frequency result for AMI meeting ES2012a (stopwords removed).
TOP_WORDS = [
    ["remote", 23], ["everybody", 15], ["control", 14], ["people", 13], ["different", 11],
    ["design", 10], ["button", 8], ["device", 8], ["television", 6], ["functions", 5],
]
AMI_RESULT = {
    "word_frequencies": dict(TOP_WORDS),
    "top_words": TOP_WORDS,
    "total_words": 1404,
    "unique_words": 512,
    "language": "en",
    "per_speaker": {
        "Project Manager": {"total_words": 686, "unique_words": 301,
                            "top_words": [["everybody", 15], ["remote", 12], ["design", 5], ["people", 4]]},
        "Marketing": {"total_words": 331, "unique_words": 170,
                      "top_words": [["device", 8], ["people", 6], ["remote", 6], ["control", 5]]},
        "User Interface": {"total_words": 198, "unique_words": 120,
                           "top_words": [["different", 7], ["button", 4], ["control", 3]]},
        "Industrial Designer": {"total_words": 189, "unique_words": 110,
                                "top_words": [["remote", 5], ["control", 4], ["design", 3]]},
    },
    "bigrams": [["remote control", 12], ["new product", 4], ["project manager", 3], ["real reaction", 2]],
}


def render(config=None, data=None):
    return FrequencyChart().render(copy.deepcopy(AMI_RESULT if data is None else data), config or {})


def bar_labels_and_counts(trace):
    """(labels, counts) of a bar trace whatever its orientation."""
    if trace.orientation == "h":
        return list(trace.y), list(trace.x)
    return list(trace.x), list(trace.y)


def test_metadata_declares_a_chart_visualizer_of_word_frequency():
    meta = FrequencyChart().meta()
    assert (meta.id, meta.type, meta.version) == ("frequency_chart", PluginType.VISUALIZER, "1.0.0")
    assert meta.requires == ["word_frequency"]
    assert meta.provides == ["chart"]


@pytest.mark.parametrize("chart_type", ["bar", "horizontal_bar"])
@pytest.mark.parametrize("top_n", [1, 3, 10])
def test_bar_trace_has_the_top_n_words_in_order_with_their_counts(chart_type, top_n):
    fig = render({"chart_type": chart_type, "top_n": top_n})
    assert [t.type for t in fig.data] == ["bar"]
    labels, counts = bar_labels_and_counts(fig.data[0])
    assert labels == [w for w, _ in TOP_WORDS[:top_n]]
    assert counts == [c for _, c in TOP_WORDS[:top_n]]


def test_horizontal_bars_put_the_most_frequent_word_at_the_top():
    fig = render({"chart_type": "horizontal_bar"})
    assert fig.data[0].orientation == "h"
    assert fig.layout.yaxis.autorange == "reversed"


def test_default_chart_is_horizontal_bars_of_the_top_20():
    words = [[f"word{i:02d}", 100 - i] for i in range(30)]
    fig = render(data={"top_words": words, "word_frequencies": dict(words), "total_words": 3000})
    labels, _ = bar_labels_and_counts(fig.data[0])
    assert fig.data[0].orientation == "h"
    assert labels == [w for w, _ in words[:20]]


def test_treemap_chart_type_gives_one_tile_per_top_word():
    fig = render({"chart_type": "treemap", "top_n": 4})
    assert [t.type for t in fig.data] == ["treemap"]
    tree = fig.data[0]
    assert list(tree.labels) == [w for w, _ in TOP_WORDS[:4]]
    assert list(tree.values) == [c for _, c in TOP_WORDS[:4]]
    assert set(tree.parents) == {""}


@pytest.mark.parametrize("chart_type", ["bar", "horizontal_bar", "treemap"])
def test_top_n_larger_than_the_available_words_shows_them_all(chart_type):
    fig = render({"chart_type": chart_type, "top_n": 200})
    trace = fig.data[0]
    labels = list(trace.labels) if chart_type == "treemap" else bar_labels_and_counts(trace)[0]
    assert labels == [w for w, _ in TOP_WORDS]


def test_words_come_from_word_frequencies_ranked_when_top_words_is_absent():
    data = {"word_frequencies": {"design": 10, "remote": 23, "button": 8, "control": 14}, "total_words": 900}
    labels, counts = bar_labels_and_counts(render({"chart_type": "bar"}, data).data[0])
    assert labels == ["remote", "control", "design", "button"]
    assert counts == [23, 14, 10, 8]


def test_number_words_stay_categories_not_a_numeric_axis():
    data = {"top_words": [["2", 9], ["10", 7], ["1990", 3]], "total_words": 100}
    fig = render({"chart_type": "bar"}, data)
    assert fig.layout.xaxis.type == "category"
    assert list(fig.data[0].x) == ["2", "10", "1990"]


@pytest.mark.parametrize("show_values, expected", [(True, ["23", "15", "14"]), (False, None)])
def test_show_values_writes_the_counts_on_the_bars(show_values, expected):
    trace = render({"chart_type": "bar", "top_n": 3, "show_values": show_values}).data[0]
    assert (None if trace.text is None else list(trace.text)) == expected


@pytest.mark.parametrize("show_values, textinfo", [(True, "label+value"), (False, "label")])
def test_show_values_writes_the_counts_on_the_tiles(show_values, textinfo):
    assert render({"chart_type": "treemap", "show_values": show_values}).data[0].textinfo == textinfo


def test_hovering_a_bar_shows_the_share_of_all_words():
    trace = render({"chart_type": "bar", "top_n": 2}).data[0]
    assert list(trace.customdata) == pytest.approx([23 / 1404, 15 / 1404])
    assert "of all words" in trace.hovertemplate


@pytest.mark.parametrize("config, title", [
    ({"top_n": 5}, "Top 5 words"),
    ({"top_n": 50}, "Top 10 words"),
    ({"source": "bigrams"}, "Top 4 word pairs"),
    ({"group_by": "speaker", "top_n": 3}, "Top 3 words by speaker"),
    ({"title": "Remote control meeting"}, "Remote control meeting"),
])
def test_title_is_automatic_unless_given(config, title):
    assert render(config).layout.title.text == title


@pytest.mark.parametrize("chart_type", ["bar", "treemap"])
def test_bigrams_source_draws_the_word_pairs(chart_type):
    trace = render({"source": "bigrams", "chart_type": chart_type}).data[0]
    labels = list(trace.labels) if chart_type == "treemap" else bar_labels_and_counts(trace)[0]
    assert labels == ["remote control", "new product", "project manager", "real reaction"]


@pytest.mark.parametrize("chart_type", ["bar", "horizontal_bar"])
def test_group_by_speaker_gives_one_bar_per_speaker_with_its_own_counts(chart_type):
    fig = render({"chart_type": chart_type, "group_by": "speaker", "top_n": 3})
    assert [t.name for t in fig.data] == list(AMI_RESULT["per_speaker"])
    assert fig.layout.barmode == "group"
    counts = {t.name: bar_labels_and_counts(t) for t in fig.data}
    assert counts["Project Manager"] == (["remote", "everybody", "control"], [12, 15, None])
    assert counts["Industrial Designer"] == (["remote", "everybody", "control"], [5, None, 4])


def test_a_word_outside_a_speakers_top_list_is_a_gap_explained_in_the_legend():
    fig = render({"chart_type": "bar", "group_by": "speaker", "top_n": 3})
    assert "not among that speaker's top words" in fig.layout.legend.title.text


def test_without_gaps_the_legend_has_no_note():
    data = {"top_words": [["remote", 11]], "per_speaker": {
        "Marketing": {"top_words": [["remote", 6]]}, "Industrial Designer": {"top_words": [["remote", 5]]}}}
    assert render({"chart_type": "bar", "group_by": "speaker"}, data).layout.legend.title.text == "Speaker"


def test_speaker_treemap_nests_each_speakers_own_top_words_under_it():
    tree = render({"chart_type": "treemap", "group_by": "speaker", "top_n": 2}).data[0]
    nodes = dict(zip(tree.ids, zip(tree.labels, tree.parents, tree.values)))
    speakers = {i: (label, value) for i, (label, parent, value) in nodes.items() if parent == ""}
    assert [label for label, _ in speakers.values()] == list(AMI_RESULT["per_speaker"])
    for speaker_id, (speaker, total) in speakers.items():
        children = [(label, value) for label, parent, value in nodes.values() if parent == speaker_id]
        assert children == [tuple(p) for p in AMI_RESULT["per_speaker"][speaker]["top_words"][:2]]
        assert total == sum(value for _, value in children)


@pytest.mark.parametrize("data", [
    {"word_frequencies": {}, "top_words": [], "total_words": 0, "unique_words": 0},
    {"word_frequencies": {}, "top_words": []},
    {"top_words": [["remote", 0], ["control", 0]]},
])
@pytest.mark.parametrize("chart_type", ["bar", "treemap"])
def test_a_result_without_words_raises_a_qualia_error_saying_what_to_do(data, chart_type):
    with pytest.raises(QualiaError, match="no words") as err:
        render({"chart_type": chart_type}, data)
    assert "min_length" in str(err.value) and "stopword" in str(err.value)


def test_data_without_a_word_frequency_result_says_to_run_it():
    with pytest.raises(QualiaError, match="run the word_frequency analyzer"):
        render({}, {"sentiment": 0.2})


@pytest.mark.parametrize("bigrams", [None, []])
def test_bigrams_source_without_bigrams_says_to_use_words(bigrams):
    data = {**AMI_RESULT, "bigrams": bigrams}
    with pytest.raises(QualiaError, match="no word pairs.*set source to 'words'"):
        render({"source": "bigrams"}, data)


@pytest.mark.parametrize("per_speaker", [None, {}])
def test_group_by_speaker_without_speakers_says_to_use_all(per_speaker):
    data = {**AMI_RESULT, "per_speaker": per_speaker}
    with pytest.raises(QualiaError, match="set group_by to 'all'"):
        render({"group_by": "speaker"}, data)


def test_bigrams_by_speaker_is_a_config_error_naming_group_by():
    with pytest.raises(ConfigError) as err:
        render({"source": "bigrams", "group_by": "speaker"})
    assert [name for name, _ in err.value.errors] == ["group_by"]


def test_bigrams_by_speaker_is_refused_by_validate_config_before_anything_runs():
    """The combination is checked by the check_config hook, which validate_config calls: no data needed."""
    with pytest.raises(ConfigError) as err:
        FrequencyChart().validate_config({"source": "bigrams", "group_by": "speaker", "chart_type": "treemap"})
    assert [name for name, _ in err.value.errors] == ["group_by"]
    assert "source to 'words'" in str(err.value)


@pytest.mark.parametrize("source, group_by", [("words", "all"), ("words", "speaker"), ("bigrams", "all")])
def test_every_other_combination_passes_check_config(source, group_by):
    config = FrequencyChart().validate_config({"source": source, "group_by": group_by})
    assert list(FrequencyChart().check_config(config)) == []


@pytest.mark.parametrize("bad", [
    [["remote"]],
    [["remote", "23"]],
    "remote control",
    [[23, "remote"]],
])
def test_a_malformed_result_is_a_qualia_error_that_does_not_quote_the_words(bad):
    with pytest.raises(QualiaError, match="malformed") as err:
        render({}, {"top_words": bad})
    assert "remote" not in str(err.value)


@pytest.mark.parametrize("config, name", [
    ({"chart_type": "pie"}, "chart_type"),
    ({"top_n": 0}, "top_n"),
    ({"top_n": 201}, "top_n"),
    ({"source": "trigrams"}, "source"),
    ({"group_by": "meeting"}, "group_by"),
    ({"show_values": "maybe"}, "show_values"),
])
def test_a_bad_parameter_is_a_config_error_naming_it(config, name):
    with pytest.raises(ConfigError) as err:
        render(config)
    assert [n for n, _ in err.value.errors] == [name]


@pytest.mark.parametrize("config", [
    {}, {"chart_type": "bar"}, {"chart_type": "treemap"}, {"group_by": "speaker"},
    {"group_by": "speaker", "chart_type": "treemap"}, {"source": "bigrams"},
])
def test_every_chart_turns_into_plotly_json(config):
    result = visual_result(render(config))
    assert result["kind"] == "plotly"
    assert json.loads(json.dumps(result))["figure"]["data"]


# ---------------------------------------------------------------- with the real word_frequency analyzer
def test_through_the_core_the_bars_are_word_frequencys_top_words(tmp_path, fixtures_dir):
    """An AMI excerpt (ES2012a opening, 4 speakers) run by word_frequency then drawn by frequency_chart."""
    core = QualiaCore(data_dir=tmp_path)
    doc = core.load_document(fixtures_dir / "ami_ES2012a_opening.txt")
    words = core.execute_plugin("word_frequency", doc)
    chart = core.execute_plugin("frequency_chart", doc, {"chart_type": "bar", "top_n": 8})
    (bar,) = chart["figure"]["data"]
    assert [bar["x"], bar["y"]] == [list(col) for col in zip(*words["top_words"][:8])]


def test_through_the_core_speaker_bars_follow_the_transcripts_speakers(tmp_path, fixtures_dir):
    core = QualiaCore(data_dir=tmp_path)
    doc = core.load_document(fixtures_dir / "ami_ES2012a_opening.txt")
    chart = core.execute_plugin("frequency_chart", doc, {"group_by": "speaker"})
    assert [t["name"] for t in chart["figure"]["data"]] == doc.speakers


def test_through_the_core_a_transcript_of_fillers_and_stopwords_says_what_to_do(tmp_path):
    core = QualiaCore(data_dir=tmp_path)
    doc = core.add_document("fillers", "Project Manager: Uh the um {vocalsound} and so .\nMarketing: Um , and the .\n")
    with pytest.raises(QualiaError, match="no words.*min_length"):
        core.execute_plugin("frequency_chart", doc)


def test_through_the_core_bigrams_by_speaker_is_refused_before_word_frequency_runs(tmp_path, fixtures_dir):
    core = QualiaCore(data_dir=tmp_path)
    doc = core.load_document(fixtures_dir / "ami_ES2012a_opening.txt")
    core.discover_plugins()
    analyzer = core.get_plugin("word_frequency").instance
    runs = []
    original = analyzer._analyze_impl
    analyzer._analyze_impl = lambda *args: runs.append(args) or original(*args)
    with pytest.raises(ConfigError) as err:
        core.execute_plugin("frequency_chart", doc, {"source": "bigrams", "group_by": "speaker"})
    assert [name for name, _ in err.value.errors] == ["group_by"]
    assert runs == []
    core.execute_plugin("frequency_chart", doc, {"source": "bigrams"})
    assert len(runs) == 1
