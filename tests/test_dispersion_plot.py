"""dispersion_plot draws where a phrase occurs, from keyword_in_context's hits."""

from pathlib import Path

import pytest

from qualia_core import QualiaCore, QualiaError

EXCERPT = Path(__file__).parent / "fixtures" / "explore" / "ES2012a_opening_bracket.txt"


@pytest.fixture
def core(tmp_path):
    return QualiaCore(data_dir=tmp_path, entry_points=False)


def test_one_mark_per_occurrence_on_its_speakers_row_in_minutes(core):
    doc = core.load_document(EXCERPT)
    kwic = core.execute_plugin("keyword_in_context", doc, {"query": "remote control"})
    chart = core.execute_plugin("dispersion_plot", doc, dependency_configs={"keyword_in_context": {"query": "remote control"}})
    assert chart["kind"] == "plotly"
    traces = chart["figure"]["data"]
    assert sum(len(t["x"]) for t in traces) == kwic["total_hits"] == 4
    assert {t["name"] for t in traces} == set(kwic["per_speaker"])
    assert max(x for t in traces for x in t["x"]) <= kwic["dispersion"]["duration"] / 60
    assert "minutes" in chart["figure"]["layout"]["xaxis"]["title"]["text"]


def test_without_a_query_it_says_what_to_do(core):
    doc = core.load_document(EXCERPT)
    with pytest.raises(QualiaError, match="Type a word or phrase"):
        core.execute_plugin("dispersion_plot", doc)
