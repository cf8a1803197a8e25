"""Plotly traces for a sentiment_analyzer result: the course of the meeting and the speakers.

Hover text shows the speaker, the time (or position) and the scores; sentence points also show the
sentence (cut to 200 characters) when the analysis kept the text. The figure stays on the
researcher's machine, and reading the sentence is what makes a peak or a dip interpretable.
"""

from __future__ import annotations

import html
import textwrap
from typing import Any

import plotly.graph_objects as go

POLARITY_COLOR = "#1f77b4"
SUBJECTIVITY_COLOR = "#ff7f0e"
LABEL_COLORS = {"positive": "#2ca02c", "negative": "#d62728", "neutral": "#7f7f7f"}
HOVER_CHARS = 200


def clock(seconds: float | None) -> str:
    """'h:mm:ss' or 'm:ss' for a number of seconds; '' when unknown."""
    if seconds is None:
        return ""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _hover_sentence(text: str) -> str:
    short = text if len(text) <= HOVER_CHARS else text[:HOVER_CHARS - 1] + "…"
    return "<br>".join(html.escape(line, quote=False) for line in textwrap.wrap(short, 60))


def timeline_traces(data: dict[str, Any], show_subjectivity: bool, show_sentences: bool) -> list[go.Scatter]:
    """Segment means as lines (x in minutes when the timeline is over time, else sentence number)."""
    by_time = data.get("timeline_basis") == "time"
    segments = data["timeline"]
    xs, hovers = [], []
    for seg in segments:
        if by_time:
            xs.append((seg["start"] + seg["end"]) / 2 / 60)
            where = f"{clock(seg['start'])}–{clock(seg['end'])}"
        else:
            xs.append((seg["first_sentence"] + seg["last_sentence"]) / 2)
            where = f"sentences {seg['first_sentence']}–{seg['last_sentence']}"
        hovers.append(f"segment {seg['index'] + 1}: {where}<br>{seg['sentences']} sentences")
    traces = [go.Scatter(
        x=xs, y=[seg["polarity"] for seg in segments], mode="lines+markers", name="Segment polarity",
        line={"color": POLARITY_COLOR}, connectgaps=False, hovertext=hovers,
        hovertemplate="%{hovertext}<br>polarity %{y:.3f}<extra></extra>",
    )]
    if show_subjectivity:
        traces.append(go.Scatter(
            x=xs, y=[seg["subjectivity"] for seg in segments], mode="lines", name="Segment subjectivity",
            line={"color": SUBJECTIVITY_COLOR, "dash": "dot"}, connectgaps=False, hovertext=hovers,
            hovertemplate="%{hovertext}<br>subjectivity %{y:.3f}<extra></extra>",
        ))
    if show_sentences:
        traces.append(sentence_trace(data.get("sentences", []), by_time))
    return traces


def sentence_trace(sentences: list[dict[str, Any]], by_time: bool) -> go.Scatter:
    xs, hovers = [], []
    for s in sentences:
        xs.append(s["start"] / 60 if by_time else s["index"])
        who = html.escape(s["speaker"] or "no speaker", quote=False)
        head = f"{who} · {clock(s['start']) or 'sentence ' + str(s['index'])}"
        body = f"<br>{_hover_sentence(s['text'])}" if s.get("text") else ""
        hovers.append(f"{head}<br>polarity {s['polarity']:.3f}, subjectivity {s['subjectivity']:.3f}{body}")
    return go.Scatter(
        x=xs, y=[s["polarity"] for s in sentences], mode="markers", name="Sentences",
        marker={"size": 5, "opacity": 0.45, "color": [LABEL_COLORS.get(s["label"], "#7f7f7f") for s in sentences]},
        hovertext=hovers, hovertemplate="%{hovertext}<extra></extra>",
    )


def speaker_traces(per_speaker: dict[str, dict[str, Any]], max_speakers: int,
                   show_subjectivity: bool) -> list[go.Bar]:
    """Mean polarity (and subjectivity) per speaker, in order of first appearance; when there are more
    than `max_speakers`, the ones with the most sentences."""
    names = list(per_speaker)
    if len(names) > max_speakers:
        keep = set(sorted(names, key=lambda n: -per_speaker[n]["sentences"])[:max_speakers])
        names = [n for n in names if n in keep]
    stats = [per_speaker[n] for n in names]
    custom = [[s["sentences"], s["positive"], s["negative"], s["neutral"], s["subjectivity"]] for s in stats]
    detail = ("%{x}<br>%{customdata[0]} sentences: %{customdata[1]} positive, %{customdata[2]} negative, "
              "%{customdata[3]} neutral")
    traces = [go.Bar(
        x=names, y=[s["polarity"] for s in stats], name="Mean polarity", customdata=custom,
        marker={"color": [LABEL_COLORS.get(s["label"], POLARITY_COLOR) for s in stats]},
        hovertemplate=detail + "<br>polarity %{y:.3f}, subjectivity %{customdata[4]:.3f}<extra></extra>",
    )]
    if show_subjectivity:
        traces.append(go.Bar(
            x=names, y=[s["subjectivity"] for s in stats], name="Mean subjectivity", customdata=custom,
            marker={"color": SUBJECTIVITY_COLOR, "opacity": 0.6},
            hovertemplate=detail + "<br>subjectivity %{y:.3f}<extra></extra>",
        ))
    return traces
