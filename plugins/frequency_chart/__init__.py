"""Frequency chart: a plotly bar chart or treemap of the most frequent words (or word pairs).

Draws the result of the word_frequency analyzer. With group_by 'speaker' the bars are grouped by
speaker (or the treemap is split into one rectangle per speaker). Word pairs are counted for the whole
document only, so source 'bigrams' with group_by 'speaker' is refused before anything runs (`check_config`).
plotly is imported on the first chart (in `.figures`), so discovering the plugin stays light.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from qualia_core.contract import BaseVisualizerPlugin, PluginMetadata, PluginType

if TYPE_CHECKING:
    import plotly.graph_objects as go

logger = logging.getLogger(__name__)

PLUGIN_ID = "frequency_chart"


class FrequencyChart(BaseVisualizerPlugin):
    """Bar chart or treemap of the top words counted by word_frequency."""

    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id=PLUGIN_ID,
            type=PluginType.VISUALIZER,
            name="Frequency chart",
            description="Bar chart or treemap of the most frequent words or word pairs, "
                        "for the whole document or by speaker.",
            version="1.0.0",
            requires=["word_frequency"],
            provides=["chart"],
            parameters={
                "chart_type": {
                    "type": "choice", "default": "horizontal_bar",
                    "options": ["bar", "horizontal_bar", "treemap"],
                    "description": "Vertical bars, horizontal bars (easiest to read with many words) or a treemap.",
                },
                "top_n": {
                    "type": "integer", "default": 20, "min": 1, "max": 200,
                    "description": "How many of the most frequent words to show.",
                },
                "source": {
                    "type": "choice", "default": "words", "options": ["words", "bigrams"],
                    "description": "Single words, or word pairs (bigrams) that follow each other.",
                },
                "group_by": {
                    "type": "choice", "default": "all", "options": ["all", "speaker"],
                    "description": "'all': counts for the whole document. 'speaker': one bar per speaker for "
                                   "each top word (or one treemap rectangle per speaker). Words only.",
                },
                "show_values": {
                    "type": "boolean", "default": True,
                    "description": "Write each count on its bar or tile.",
                },
                "title": {
                    "type": "string", "default": "",
                    "description": "Chart title; leave empty for an automatic one such as 'Top 20 words'.",
                },
            },
        )

    def check_config(self, config: dict[str, Any]) -> Iterable[tuple[str, str]]:
        """Word pairs have no per-speaker counts: bigrams by speaker is refused before word_frequency runs."""
        if config["source"] == "bigrams" and config["group_by"] == "speaker":
            return [("group_by", "word_frequency counts word pairs (bigrams) for the whole document only; "
                                 "set group_by to 'all' or source to 'words'")]
        return ()

    def _render_impl(self, data: dict[str, Any], config: dict[str, Any], output_path: Path | None) -> go.Figure:
        from .figures import bar_figure, grouped_bar_figure, speaker_treemap_figure, treemap_figure
        from .ranking import ranked_pairs, speaker_pairs

        source, group_by, chart_type = config["source"], config["group_by"], config["chart_type"]
        top_n = config["top_n"]
        pairs = ranked_pairs(data, source)[:top_n]
        unit = "word pairs" if source == "bigrams" else "words"
        by_speaker = group_by == "speaker"
        title = config["title"].strip() or f"Top {len(pairs)} {unit}" + (" by speaker" if by_speaker else "")
        label_title = "Word pair" if source == "bigrams" else "Word"

        if chart_type == "treemap":
            if by_speaker:
                speakers = {s: own[:top_n] for s, own in speaker_pairs(data).items()}
                fig = speaker_treemap_figure(speakers, title=title, show_values=config["show_values"])
            else:
                fig = treemap_figure(pairs, title=title, show_values=config["show_values"])
        elif by_speaker:
            fig = grouped_bar_figure(pairs, speaker_pairs(data), title=title,
                                     horizontal=chart_type == "horizontal_bar",
                                     show_values=config["show_values"], label_title=label_title)
        else:
            total = data.get("total_words") if source == "words" else None
            if isinstance(total, bool) or not isinstance(total, (int, float)) or total <= 0:
                total = None
            fig = bar_figure(pairs, title=title, horizontal=chart_type == "horizontal_bar",
                             show_values=config["show_values"], total=total,
                             label_title=label_title, unit=unit)
        logger.debug("frequency_chart: %s, %d %s, group_by=%s", chart_type, len(pairs), unit, group_by)
        return fig


__all__ = ["FrequencyChart"]
