"""speaker_comparison joins speaker_stats and sentiment per speaker."""

from pathlib import Path

import pytest

from qualia_core import QualiaCore

EXCERPT = Path(__file__).parent / "fixtures" / "explore" / "ES2012a_opening_bracket.txt"


@pytest.fixture
def core(tmp_path):
    return QualiaCore(data_dir=tmp_path, entry_points=False)


def test_one_row_per_speaker_with_talk_share_and_mean_sentiment(core):
    doc = core.load_document(EXCERPT)
    result = core.execute_plugin("speaker_comparison", doc)
    stats = core.execute_plugin("speaker_stats", doc)
    sentiment = core.execute_plugin("sentiment_analyzer", doc)["per_speaker"]
    rows = {r["speaker"]: r for r in result["comparison"]}
    assert set(rows) == {s["speaker"] for s in stats["speakers"]}
    pm = rows["Project Manager"]
    assert pm["words"] == next(s["words"] for s in stats["speakers"] if s["speaker"] == "Project Manager")
    assert pm["mean_polarity"] == pytest.approx(sentiment["Project Manager"]["polarity"])
    assert sum(r["word_share"] for r in rows.values()) == pytest.approx(1.0)
    assert (result["sentiment_method"], result["sentiment_language"]) == ("TextBlob PatternAnalyzer", "en")


def test_a_portuguese_meeting_is_compared_with_the_portuguese_method(core):
    doc = core.load_document(Path(__file__).parent / "fixtures" / "sentiment" / "portuguese_meeting.txt")
    result = core.execute_plugin("speaker_comparison", doc)
    assert (result["sentiment_method"], result["sentiment_language"], result["scored"]) == (
        "LeIA lexicon + Qualia negation rules", "pt", True)
    assert any(r["mean_polarity"] for r in result["comparison"])  # not all zeros, as TextBlob gave


def test_parameters_of_the_required_plugins_pass_through(core):
    doc = core.load_document(EXCERPT)
    result = core.execute_plugin("speaker_comparison", doc,
                                 dependency_configs={"speaker_stats": {"exclude_speakers": ["System"]}})
    assert "System" not in {r["speaker"] for r in result["comparison"]}
