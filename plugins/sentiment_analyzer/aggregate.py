"""Summaries of scored sentences: means, per-speaker figures, extremes and the timeline.

Every function takes the list of sentence records the analyzer builds, each a dict with `index`,
`utterance`, `speaker`, `start`, `polarity`, `subjectivity`, `label` (and optionally `text`), plus
a parallel list of weights (1 per sentence, or its word count).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .scoring import LABELS, NEGATIVE, NEUTRAL, POSITIVE

Record = dict[str, Any]
Labeller = Callable[[float], str]


def weighted_means(records: Sequence[Record], weights: Sequence[float]) -> tuple[float, float]:
    """(mean polarity, mean subjectivity); (0.0, 0.0) when there is nothing to average."""
    total = float(sum(weights))
    if not records or total <= 0:
        return 0.0, 0.0
    polarity = sum(r["polarity"] * w for r, w in zip(records, weights)) / total
    subjectivity = sum(r["subjectivity"] * w for r, w in zip(records, weights)) / total
    return polarity, subjectivity


def label_counts(records: Sequence[Record]) -> dict[str, int]:
    counts = dict.fromkeys(LABELS, 0)
    for record in records:
        counts[record["label"]] += 1
    return counts


def per_speaker(records: Sequence[Record], weights: Sequence[float], speakers: Sequence[str],
                labeller: Labeller) -> dict[str, dict[str, Any]]:
    """Speaker -> figures, in order of first appearance. Sentences without a speaker are left out."""
    grouped: dict[str, tuple[list[Record], list[float]]] = {s: ([], []) for s in speakers}
    for record, weight in zip(records, weights):
        speaker = record["speaker"]
        if speaker:
            recs, ws = grouped.setdefault(speaker, ([], []))
            recs.append(record)
            ws.append(weight)
    summary = {}
    for speaker, (recs, ws) in grouped.items():
        if not recs:
            continue  # a speaker whose turns hold no speech (only {vocalsound} and the like)
        polarity, subjectivity = weighted_means(recs, ws)
        counts = label_counts(recs)
        summary[speaker] = {
            "polarity": polarity,
            "subjectivity": subjectivity,
            "label": labeller(polarity),
            "sentences": len(recs),
            POSITIVE: counts[POSITIVE],
            NEGATIVE: counts[NEGATIVE],
            NEUTRAL: counts[NEUTRAL],
        }
    return summary


def extremes(records: Sequence[Record], top_n: int) -> tuple[list[Record], list[Record]]:
    """(most positive, most negative): up to top_n sentences with polarity > 0 (< 0), strongest first,
    ties in document order."""
    positive = sorted((r for r in records if r["polarity"] > 0), key=lambda r: (-r["polarity"], r["index"]))
    negative = sorted((r for r in records if r["polarity"] < 0), key=lambda r: (r["polarity"], r["index"]))
    return [dict(r) for r in positive[:top_n]], [dict(r) for r in negative[:top_n]]


def timeline(records: Sequence[Record], weights: Sequence[float], ends: Sequence[float | None],
             segments: int, labeller: Labeller) -> tuple[str, list[dict[str, Any]]]:
    """('time' | 'order', segment averages).

    'time' when every sentence has a start time and the meeting spans more than zero seconds: the
    span is cut into `segments` equal windows (a window without speech has polarity None). Otherwise
    'order': the sentences are cut into min(segments, sentence count) runs of near-equal length.
    `ends` holds, per sentence, its utterance's end time (or None).
    """
    if not records:
        return "order", []
    starts = [r["start"] for r in records]
    if all(s is not None for s in starts):
        first = float(min(starts))
        last = float(max(max(starts), max((e for e in ends if e is not None), default=first)))
        if last > first:
            return "time", _time_segments(records, weights, first, last, segments, labeller)
    return "order", _order_segments(records, weights, ends, segments, labeller)


def _time_segments(records, weights, first, last, segments, labeller):
    width = (last - first) / segments
    buckets: list[list[int]] = [[] for _ in range(segments)]
    for i, record in enumerate(records):
        buckets[min(int((record["start"] - first) / width), segments - 1)].append(i)
    return [
        _segment(k, members, records, weights, first + k * width,
                 last if k == segments - 1 else first + (k + 1) * width, labeller)
        for k, members in enumerate(buckets)
    ]


def _order_segments(records, weights, ends, segments, labeller):
    n = len(records)
    count = min(segments, n)
    out = []
    for k in range(count):
        lo, hi = k * n // count, (k + 1) * n // count
        members = list(range(lo, hi))
        out.append(_segment(k, members, records, weights, records[lo]["start"], ends[hi - 1], labeller))
    return out


def _segment(k, members, records, weights, start, end, labeller) -> dict[str, Any]:
    segment: dict[str, Any] = {
        "index": k, "start": start, "end": end, "sentences": len(members),
        "first_sentence": records[members[0]]["index"] if members else None,
        "last_sentence": records[members[-1]]["index"] if members else None,
        "polarity": None, "subjectivity": None, "label": None,
    }
    if members:
        polarity, subjectivity = weighted_means([records[i] for i in members], [weights[i] for i in members])
        segment.update(polarity=polarity, subjectivity=subjectivity, label=labeller(polarity))
    return segment
