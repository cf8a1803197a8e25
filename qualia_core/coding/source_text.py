"""A document as one plain text and back: the frame REFI-QDA positions count in.

Export writes each turn as a line, `[h:mm:ss] Speaker: text` when timed and `Speaker: text` otherwise (a turn
with neither is a paragraph of its own, set off by blank lines), with the speaker as shown (a rename or
pseudonym) and the speech as shown (with the option, the renamed speakers' names replaced in it too): a
project handed to another tool carries the names the researcher chose to show, never the originals. Line breaks
inside a turn become spaces (one character for one, so offsets stay put). `render` returns the text and where
each turn's speech starts in it.

Import goes the other way: `Alignment` finds each parsed turn's text in the source text, in order (exactly, or
allowing any run of white space where the parser joined lines with one space), and maps a selection's
character positions to (turn, start, end) pieces, one per turn it covers.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..labels import clock

_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\u2028": " ", "\u2029": " ", "\x0b": " ", "\x0c": " "})
_BREAK = re.compile("[\n\r\u2028\u2029\x0b\x0c]")


def _one_line(text: str) -> str:
    """`text` with each line break a space (one character for one: offsets stay put)."""
    return text.translate(_BREAKS) if _BREAK.search(text) else text


@dataclass(frozen=True)
class Rendered:
    text: str
    bodies: list[int]  # where each turn's speech starts in `text`


def render(turns: list[dict]) -> Rendered:
    """`turns` as Coding.turn_texts gives them (speaker as shown, start, shown text) -> one text."""
    separate = all(t.get("speaker") or t.get("start") is not None for t in turns)
    gap = "\n" if separate else "\n\n"
    parts: list[str] = []
    bodies: list[int] = []
    pos = 0
    for i, turn in enumerate(turns):
        if i:
            parts.append(gap)
            pos += len(gap)
        start = turn.get("start")
        prefix = f"[{clock(start)}] " if start is not None and start == start and start >= 0 else ""
        if turn.get("speaker"):
            prefix += f"{_one_line(str(turn['speaker']))}: "
        body = _one_line(str(turn["shown"]))
        bodies.append(pos + len(prefix))
        parts.append(prefix)
        parts.append(body)
        pos += len(prefix) + len(body)
    parts.append("\n")
    return Rendered("".join(parts), bodies)


class Alignment:
    """Where each of `turn_texts` lies in `source` (None when some turn cannot be found: see `missing`)."""

    def __init__(self, source: str, turn_texts: list[str]):
        self.source = source
        self.turns = turn_texts
        self.spans: list[tuple[int, int]] = []
        self.missing: int | None = None
        self._maps: dict[int, list[int] | None] = {}  # turn -> source position of each character (None: exact)
        pos = 0
        for k, text in enumerate(turn_texts):
            found = self._find(text, pos)
            if found is None:
                self.missing = k
                return
            self.spans.append(found)
            pos = found[1]
        self._starts = [a for a, _ in self.spans]

    def _find(self, text: str, pos: int) -> tuple[int, int] | None:
        """The first place from `pos` holding `text` with white space (or the text's ends) on both sides, so a turn
        is not found inside a speaker label or a time; then the same allowing any white space between words;
        then anywhere."""
        source = self.source
        if not text.strip():
            return (pos, pos)
        at = source.find(text, pos)
        while at >= 0 and not self._bounded(at, at + len(text)):
            at = source.find(text, at + 1)
        if at >= 0:
            return (at, at + len(text))
        words = r"\s+".join(map(re.escape, text.split()))
        found = re.compile(r"(?<!\S)" + words + r"(?!\S)").search(source, pos) or re.compile(words).search(source, pos)
        return (found.start(), found.end()) if found else None

    def _bounded(self, a: int, b: int) -> bool:
        source = self.source
        return (a == 0 or source[a - 1].isspace()) and (b == len(source) or source[b].isspace())

    def _map(self, k: int) -> list[int] | None:
        if k not in self._maps:
            a, b = self.spans[k]
            text = self.turns[k]
            if self.source[a:b] == text:
                self._maps[k] = None
            else:
                src_of, j, src = [], a, self.source
                for i, ch in enumerate(text):
                    src_of.append(j)
                    if ch.isspace():
                        if i + 1 < len(text) and text[i + 1].isspace():
                            continue
                        while j < b and src[j].isspace():
                            j += 1
                    else:
                        j += 1
                src_of.append(b)
                self._maps[k] = src_of
        return self._maps[k]

    def _offset(self, k: int, position: int) -> int:
        a, b = self.spans[k]
        position = min(max(position, a), b)
        src_of = self._map(k)
        if src_of is None:
            return position - a
        return min(bisect.bisect_left(src_of, position), len(self.turns[k]))

    def pieces(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(turn, start, end) of each turn the source range [start, end) covers words of, in order."""
        out = []
        k = max(bisect.bisect_right(self._starts, start) - 1, 0)
        while k < len(self.spans) and self.spans[k][0] < end:
            a, b = self.spans[k]
            if b > start and a < end:
                s, e = self._offset(k, max(start, a)), self._offset(k, min(end, b))
                if e > s:
                    out.append((k, s, e))
            k += 1
        return out
