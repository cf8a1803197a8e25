"""Plotly figures of ranked (label, count) pairs: bars, grouped bars by speaker, treemaps."""

from __future__ import annotations

import plotly.graph_objects as go

Pairs = list[tuple[str, int | float]]

ROW_PX = 26            # height of one category row in a horizontal bar chart
EXTRA_ROW_PX = 10      # extra height per additional speaker bar in a row
MARGIN_PX = 140        # title, axis and legend room
MIN_HEIGHT_PX = 420
GAP_NOTE = "no bar: not among that speaker's top words"


def _hover(label_axis: str, value_axis: str, with_share: bool, unit: str, named: bool) -> str:
    share = f" (%{{customdata:.1%}} of all {unit})" if with_share else ""
    extra = "%{fullData.name}" if named else ""
    return f"%{{{label_axis}}}: %{{{value_axis}}}{share}<extra>{extra}</extra>"


def _bar_trace(name: str | None, labels: list[str], counts: list, horizontal: bool, show_values: bool,
               shares: list[float] | None, unit: str) -> go.Bar:
    label_axis, value_axis = ("y", "x") if horizontal else ("x", "y")
    return go.Bar(
        name=name,
        x=counts if horizontal else labels,
        y=labels if horizontal else counts,
        orientation="h" if horizontal else "v",
        text=["" if c is None else c for c in counts] if show_values else None,
        textposition="outside" if show_values else "none",
        cliponaxis=False,
        customdata=shares,
        hovertemplate=_hover(label_axis, value_axis, shares is not None, unit, named=name is not None),
    )


def _layout(fig: go.Figure, title: str, horizontal: bool, rows: int, bars_per_row: int, label_title: str) -> None:
    category_axis = {"type": "category", "title": {"text": label_title}}
    count_axis = {"title": {"text": "Count"}, "rangemode": "tozero"}
    if horizontal:
        height = MARGIN_PX + rows * (ROW_PX + EXTRA_ROW_PX * (bars_per_row - 1))
        fig.update_layout(yaxis={**category_axis, "autorange": "reversed"}, xaxis=count_axis,
                          height=max(MIN_HEIGHT_PX, height))
    else:
        fig.update_layout(xaxis=category_axis, yaxis=count_axis)
    fig.update_layout(title={"text": title}, barmode="group", bargap=0.2)


def bar_figure(pairs: Pairs, *, title: str, horizontal: bool, show_values: bool,
               total: int | float | None, label_title: str, unit: str) -> go.Figure:
    """One bar per label, most frequent first (top of the chart when horizontal).

    When `total` is given, hovering shows each count's share of it."""
    labels = [label for label, _ in pairs]
    counts = [count for _, count in pairs]
    shares = [count / total for count in counts] if total else None
    fig = go.Figure(_bar_trace(None, labels, counts, horizontal, show_values, shares, unit))
    fig.update_layout(showlegend=False)
    _layout(fig, title, horizontal, len(labels), 1, label_title)
    return fig


def grouped_bar_figure(pairs: Pairs, speakers: dict[str, Pairs], *, title: str, horizontal: bool,
                       show_values: bool, label_title: str) -> go.Figure:
    """For each label of `pairs`, one bar per speaker with that speaker's count.

    A speaker's count is known only for the words in its own top list, so a word outside it has no
    bar (a gap, not a zero) and the legend says so."""
    labels = [label for label, _ in pairs]
    fig = go.Figure()
    gaps = False
    for speaker, own in speakers.items():
        counts_by_label = dict(own)
        counts = [counts_by_label.get(label) for label in labels]
        gaps = gaps or any(c is None for c in counts)
        fig.add_trace(_bar_trace(speaker, labels, counts, horizontal, show_values, None, "words"))
    _layout(fig, title, horizontal, len(labels), len(speakers), label_title)
    legend_title = f"Speaker<br><sup>{GAP_NOTE}</sup>" if gaps else "Speaker"
    fig.update_layout(legend={"title": {"text": legend_title}})
    return fig


def treemap_figure(pairs: Pairs, *, title: str, show_values: bool) -> go.Figure:
    """One tile per label, its area proportional to the count."""
    labels = [label for label, _ in pairs]
    counts = [count for _, count in pairs]
    fig = go.Figure(go.Treemap(
        labels=labels,
        parents=[""] * len(labels),
        values=counts,
        textinfo="label+value" if show_values else "label",
        hovertemplate="%{label}: %{value}<extra></extra>",
        sort=False,
    ))
    fig.update_layout(title={"text": title}, margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig


def speaker_treemap_figure(speakers: dict[str, Pairs], *, title: str, show_values: bool) -> go.Figure:
    """One rectangle per speaker, tiled with that speaker's own top words."""
    ids: list[str] = []
    labels: list[str] = []
    parents: list[str] = []
    values: list[int | float] = []
    owners: list[str] = []
    for s, (speaker, own) in enumerate(speakers.items()):
        speaker_id = f"s{s}"
        ids.append(speaker_id)
        labels.append(speaker)
        parents.append("")
        values.append(sum(count for _, count in own))
        owners.append("")
        for w, (word, count) in enumerate(own):
            ids.append(f"{speaker_id}/w{w}")
            labels.append(word)
            parents.append(speaker_id)
            values.append(count)
            owners.append(speaker)
    fig = go.Figure(go.Treemap(
        ids=ids,
        labels=labels,
        parents=parents,
        values=values,
        branchvalues="total",
        customdata=owners,
        textinfo="label+value" if show_values else "label",
        hovertemplate="%{label}: %{value}<extra>%{customdata}</extra>",
        sort=False,
    ))
    fig.update_layout(title={"text": title}, margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig
