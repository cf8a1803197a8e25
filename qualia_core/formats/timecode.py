"""Timestamps in transcripts: `hh:mm:ss`, `mm:ss`, `h:mm:ss.mmm`, `00:01:02,500` → seconds."""

from __future__ import annotations

# Regex fragment for a clock time: [h:]mm:ss with an optional fraction ("." or ",").
CLOCK = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,9})?"


def to_seconds(stamp: str) -> float:
    """`"01:02:03.5"` → 3723.5; `"2:03"` → 123.0; `"7"` → 7.0; a comma may stand for the point.

    Callers pass strings their regex already checked; anything else raises ValueError.
    """
    parts = stamp.split(":")
    last = parts[-1]
    if "," in last:
        last = last.replace(",", ".")
    n = len(parts)
    if n == 3:
        return int(parts[0]) * 3600 + int(parts[1]) * 60 + float(last)
    if n == 2:
        return int(parts[0]) * 60 + float(last)
    if n == 1:
        return float(last)
    raise ValueError(f"not a timestamp: {stamp!r}")


def fill_ends(starts: list[float | None], ends: list[float | None]) -> list[float | None]:
    """Where an end is unknown, use the next known start (None for the last turn)."""
    out = list(ends)
    next_start: float | None = None
    for i in range(len(out) - 1, -1, -1):
        if out[i] is None:
            out[i] = next_start
        if starts[i] is not None:
            next_start = starts[i]
    return out
