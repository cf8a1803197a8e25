"""Concordance lines as researchers read them: sorted as AntConc's KWIC sort does, and as one table to export.

    sort_key("L1", left, match, right)   # ("control", "remote"): the words the sort reads, folded
    sort_lines(lines, "R1")              # lines (keyword_in_context hits or library ConcordanceLines), sorted
    lines_table(lines, meetings=names)   # a DataFrame: line, meeting, speaker, time, left, match, right, turn, position

Sorting by a word next to the hit (AntConc's 1L, 2L, 1R, 2R) orders the lines by that word without case and
accents (qualia_core.text.fold_word), then by the next word outwards, then by where they are said (a stable
sort: the library's order, then the meeting's). A line with no word there (the hit starts or ends its turn)
comes first. Sorting by the hit orders by the matched text, folded the same way.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from .labels import clock
from .text import fold_word, tokenize

#: How lines can be sorted, in researchers' words.
SORTS = {"position": "Where it is said", "hit": "The hit", "L1": "1st word to the left", "L2": "2nd word to the left",
         "R1": "1st word to the right", "R2": "2nd word to the right"}
#: The sorts that read a context word, and how many context words each needs.
CONTEXT_WORDS = {"L1": 1, "L2": 2, "R1": 1, "R2": 2}


def _field(line: Any, name: str) -> Any:
    return line[name] if isinstance(line, Mapping) else getattr(line, name)


def sort_key(by: str, left: str, match: str, right: str) -> tuple[str, ...]:
    """What `by` (a key of SORTS) orders a line by: folded words, "" where the turn has none."""
    if by == "position":
        return ()
    hit = " ".join(fold_word(w) for w in tokenize(match))
    if by == "hit":
        return (hit,)
    side = by[0]
    words = tokenize(left)[::-1] if side == "L" else tokenize(right)
    n = CONTEXT_WORDS[by] - 1
    return tuple(fold_word(words[i]) if i < len(words) else "" for i in (n, n + 1)) + (hit,)


def sort_lines(lines: Iterable[Any], by: str) -> list[Any]:
    """`lines` (dicts or objects with left, match and right) sorted by `by`, ties kept in their order."""
    lines = list(lines)
    if by == "position":
        return lines
    if by not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {by!r}")
    return sorted(lines, key=lambda line: sort_key(by, _field(line, "left"), _field(line, "match"),
                                                   _field(line, "right")))


def lines_table(lines: Sequence[Any], meetings: Mapping[str, str] | None = None):
    """The lines as a table in researchers' words. With `meetings` (document id -> name) a meeting column comes
    first (the whole-library view); a keyword_in_context hit has its turn as `utterance_index`. The first column is
    "line", not "#": a CSV line starting with # is a comment to the readers of Qualia's downloads."""
    import pandas as pd

    rows = []
    for i, line in enumerate(lines):
        row: dict[str, Any] = {"line": i + 1}
        if meetings is not None:
            doc = _field(line, "document_id")
            row["meeting"] = meetings.get(doc, doc)
        turn = _field(line, "utterance_index") if isinstance(line, Mapping) else line.turn
        row.update({"speaker": _field(line, "speaker") or "", "time": clock(_field(line, "start")),
                    "left": _field(line, "left"), "match": _field(line, "match"), "right": _field(line, "right"),
                    "turn": turn, "position": round(_field(line, "position") * 100, 1)})
        rows.append(row)
    columns = ["line", *(["meeting"] if meetings is not None else []), "speaker", "time", "left", "match", "right",
               "turn", "position"]
    return pd.DataFrame(rows, columns=columns)


__all__ = ["SORTS", "CONTEXT_WORDS", "sort_key", "sort_lines", "lines_table"]
