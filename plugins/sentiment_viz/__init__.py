"""Charts of a sentiment_analyzer result: sentiment over the course of the meeting and per speaker.

Returns a plotly Figure (the core turns it into JSON) and never writes a file, even when given an
output path. The figure uses plotly's built-in template only: no external fonts or scripts. plotly is
imported on the first chart, so discovering the plugin stays light.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from qualia_core.contract import BaseVisualizerPlugin, PluginMetadata, PluginType
from qualia_core.errors import QualiaError

log = logging.getLogger(__name__)

NEEDED_KEYS = ("timeline", "per_speaker")


class SentimentViz(BaseVisualizerPlugin):
    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="sentiment_viz",
            type=PluginType.VISUALIZER,
            name="Sentiment chart",
            description="Sentiment over the course of the meeting (segment averages) and mean sentiment per speaker.",
            version="1.0.0",
            requires=["sentiment_analyzer"],
            parameters={
                "chart": {
                    "type": "choice", "default": "both", "options": ["both", "timeline", "per_speaker"],
                    "description": "Which chart to draw: both stacked, the course of the meeting, or the speakers.",
                },
                "show_sentences": {
                    "type": "boolean", "default": False,
                    "description": "Also plot every sentence as a point on the timeline; its hover shows the "
                                   "sentence when the analysis kept the text.",
                },
                "show_subjectivity": {
                    "type": "boolean", "default": True,
                    "description": "Draw subjectivity beside polarity.",
                },
                "max_speakers": {
                    "type": "integer", "default": 30, "min": 1, "max": 500,
                    "description": "At most this many speakers in the speaker chart (those with the most sentences).",
                },
                "title": {
                    "type": "string", "default": "",
                    "description": "Figure title; empty for 'Sentiment'.",
                },
            },
        )

    def _render_impl(self, data: dict[str, Any], config: dict[str, Any], output_path: Path | None) -> Any:
        result = data.get("sentiment_analyzer") if isinstance(data.get("sentiment_analyzer"), dict) else data
        missing = [key for key in NEEDED_KEYS if key not in result]
        if missing:
            raise QualiaError(f"The data has no {' or '.join(repr(m) for m in missing)}: sentiment_viz draws the "
                              "result of the sentiment_analyzer; run the sentiment_analyzer first.")
        from plotly.subplots import make_subplots  # loaded on the first chart, not at discovery

        from .charts import speaker_traces, timeline_traces

        chart = config["chart"]
        panels = ["timeline", "per_speaker"] if chart == "both" else [chart]
        titles = {
            "timeline": ("Sentiment over the meeting (segment averages)"
                         + (", by time" if result.get("timeline_basis") == "time" else ", by sentence order")),
            "per_speaker": "Mean sentiment per speaker",
        }
        fig = make_subplots(rows=len(panels), cols=1, subplot_titles=[titles[p] for p in panels],
                            vertical_spacing=0.18 if len(panels) > 1 else 0.1)
        for row, panel in enumerate(panels, start=1):
            if panel == "timeline":
                traces = timeline_traces(result, config["show_subjectivity"], config["show_sentences"])
                x_title = "minutes from start" if result.get("timeline_basis") == "time" else "sentence number"
            else:
                traces = speaker_traces(result["per_speaker"], config["max_speakers"], config["show_subjectivity"])
                x_title = "speaker"
            for trace in traces:
                fig.add_trace(trace, row=row, col=1)
            fig.update_xaxes(title_text=x_title, row=row, col=1)
            fig.update_yaxes(title_text="score", range=[-1.05, 1.05], zeroline=True, row=row, col=1)
            self._threshold_lines(fig, result.get("thresholds"), row)
        title = config["title"] or "Sentiment"
        if result.get("warning"):
            title += f"<br><sup>{result['warning']}</sup>"
        fig.update_layout(title={"text": title}, height=380 * len(panels) + 80, barmode="group",
                          template="plotly_white", legend={"orientation": "h", "y": -0.12})
        log.debug("sentiment_viz drew %s for %d segments", chart, len(result["timeline"]))
        return fig

    @staticmethod
    def _threshold_lines(fig, thresholds: dict[str, float] | None, row: int) -> None:
        for value in (thresholds or {}).values():
            if value:
                fig.add_hline(y=value, line={"dash": "dash", "width": 1, "color": "#bbbbbb"}, row=row, col=1)


__all__ = ["SentimentViz"]
