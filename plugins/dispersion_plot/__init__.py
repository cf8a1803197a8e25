"""Dispersion plot: where in the meeting a word or phrase occurs, one strip per speaker.

It draws the hits of `keyword_in_context` (which the core runs first with the same query). plotly is
imported on the first chart, so discovering the plugin stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualia_core.contract import BaseVisualizerPlugin, PluginMetadata, PluginType
from qualia_core.errors import QualiaError
from qualia_core.plain_text import plotly_text

if TYPE_CHECKING:
    import plotly.graph_objects as go


class DispersionPlot(BaseVisualizerPlugin):
    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="dispersion_plot",
            type=PluginType.VISUALIZER,
            name="Dispersion plot",
            description="Where in the meeting a word or phrase occurs: one mark per occurrence, one row per speaker.",
            version="1.0.1",
            requires=["keyword_in_context"],
            provides=["chart"],
            parameters={"title": {"type": "string", "default": "", "description": "Chart title (empty: automatic)"}},
        )

    def _render_impl(self, data: dict[str, Any], config: dict[str, Any], output_path) -> go.Figure:
        if not data.get("query"):
            raise QualiaError("Type a word or phrase to see where it occurs (the keyword_in_context 'query').")
        import plotly.graph_objects as go  # loaded on the first chart, not at discovery

        dispersion = data["dispersion"]
        by_time = dispersion["basis"] == "time"
        scale = dispersion["duration"] / 60 if by_time else 100
        hits = data["hits"]  # speakers and the query are text: the app escapes the traces, the title is escaped here
        fig = go.Figure()
        speakers = list(dict.fromkeys(h["speaker"] or "(no speaker)" for h in hits))
        for speaker in speakers:
            mine = [h for h in hits if (h["speaker"] or "(no speaker)") == speaker]
            fig.add_trace(go.Scatter(
                x=[(h["position"] * scale) + (dispersion.get("start", 0) / 60 if by_time else 0) for h in mine],
                y=[speaker] * len(mine), mode="markers", name=speaker,
                marker=dict(symbol="line-ns-open", size=18, line=dict(width=2)),
                hovertemplate="%{y} at %{x:.1f}" + (" min" if by_time else " %") + "<extra></extra>",
            ))
        shown = f" (first {len(hits)} of {data['total_hits']})" if data.get("truncated") else ""
        fig.update_layout(
            title=config["title"] or f"“{plotly_text(data['query'])}”: {data['total_hits']} occurrences{shown}",
            xaxis_title="minutes into the meeting" if by_time else "% of the meeting (by turn order)",
            showlegend=False, height=140 + 40 * max(1, len(speakers)), margin=dict(l=10, r=10, t=50, b=40),
        )
        fig.update_yaxes(type="category")
        if not hits:
            fig.add_annotation(text="No occurrences", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
        return fig
