"""Speaker comparison: one table of who talks how much and how positively.

It joins the results of `speaker_stats` (turns, words, talk share) and `sentiment_analyzer`
(mean polarity and subjectivity per speaker), which the core runs first.
"""

from __future__ import annotations

from typing import Any

from qualia_core.contract import BaseAnalyzerPlugin, PluginMetadata, PluginType


class SpeakerComparison(BaseAnalyzerPlugin):
    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="speaker_comparison",
            type=PluginType.ANALYZER,
            name="Speaker comparison",
            description="Talk share, words, turns and mean sentiment of each speaker, side by side.",
            version="1.2.0",  # 1.1.0: `scored` and `warning` passed on; 1.2.0: and the sentiment method and language
            labels={"word_share": "Share of words", "talk_share": "Share of talk time",
                "mean_words_per_turn": {"label": "Mean words per turn", "format": "number"},
                "sentiment_label": {"label": "Sentiment", "score": True, "format": "words"},
                "speakers": "Speakers", "sentiment_language": {"label": "Sentiment language", "format": "text"}},
            requires=["speaker_stats", "sentiment_analyzer"],
            provides=["comparison"],
        )

    def _analyze_impl(self, document, config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        stats = context["speaker_stats"]
        sentiment = context["sentiment_analyzer"].get("per_speaker", {})
        rows = []
        for s in stats["speakers"]:
            mood = sentiment.get(s["speaker"], {})
            rows.append({
                "speaker": s["speaker"],
                "turns": s["turns"],
                "words": s["words"],
                "word_share": s["word_share"],
                "talk_share": s.get("talk_share"),
                "mean_words_per_turn": s["mean_words_per_turn"],
                "mean_polarity": mood.get("polarity"),
                "mean_subjectivity": mood.get("subjectivity"),
                "sentiment_label": mood.get("label"),
            })
        mood = context["sentiment_analyzer"]
        return {"comparison": rows, "speakers": len(rows), "has_timestamps": stats["has_timestamps"],
                "scored": mood.get("scored", True), "warning": mood.get("warning"),
                "sentiment_method": mood.get("method"), "sentiment_language": mood.get("language")}
