"""Finding the hits of a compiled query in a document's speech, with their context and place in the meeting.

The speech is searched as one string: the utterance texts, with {markers} blanked out, one per line
(a line break inside an utterance becomes a space). A hit's utterance is found by bisecting the line
starts. Context words are runs of non-space characters holding a letter or digit; punctuation between
them is kept as written, whitespace runs are shown as one space.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from qualia_core.document import Document
from qualia_core.text import MARKER_RE

from .query import Query

__all__ = ["Speech", "Timeline", "hit_spans"]

_LINE_BREAK = re.compile("\n")
_WORD_CHAR = re.compile(r"\w")  # a context word is a whitespace-separated token holding one


@dataclass
class Speech:
    """The searchable speech of a document and where each utterance starts in it."""

    text: str
    starts: list[int]

    @classmethod
    def of(cls, document: Document) -> "Speech":
        utterances = document.utterances
        text = document.speech
        if text.count("\n") != max(0, len(utterances) - 1):  # some utterance holds a line break
            text = "\n".join(u.text.replace("\r", " ").replace("\n", " ") for u in utterances)
        if "{" in text:
            text = MARKER_RE.sub(" ", text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        starts = [0]
        starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
        return cls(text, starts)

    def bounds(self, index: int) -> tuple[int, int]:
        """Start and end offsets of utterance `index` (the end excludes its line break)."""
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return self.starts[index], end

    def context(self, line_start: int, line_end: int, start: int, end: int, window: int) -> tuple[str, str]:
        """Up to `window` words before and after text[start:end], inside the line [line_start, line_end)."""
        return _left(self.text, line_start, start, window), _right(self.text, end, line_end, window)


def _left(text: str, line_start: int, start: int, window: int) -> str:
    """The text before `start` back to the (window+1)-th word (excluded) or the start of the line.

    Only a slice is split, widened while it holds too few words: a hit in a very long turn costs
    the same as in a short one. A word fragment glued to the match (a substring hit) is shown but
    not counted, and so is a token cut by the slice's edge.
    """
    reach, has_word = window * 12 + 24, _WORD_CHAR.search
    while True:
        lo = max(line_start, start - reach)
        tokens = text[lo:start].split()
        first = 1 if lo > line_start else 0  # maybe cut by the slice
        last = len(tokens) - (1 if start > line_start and not text[start - 1].isspace() else 0)
        count = 0
        for i in range(last - 1, first - 1, -1):
            if tokens[i].isalnum() or has_word(tokens[i]):
                count += 1
                if count > window:
                    return " ".join(tokens[i + 1:])
        if lo == line_start:
            return " ".join(tokens)
        reach *= 4


def _right(text: str, end: int, line_end: int, window: int) -> str:
    """The text after `end` up to the (window+1)-th word (excluded) or the end of the line."""
    reach, has_word = window * 12 + 24, _WORD_CHAR.search
    while True:
        hi = min(line_end, end + reach)
        tokens = text[end:hi].split()
        first = 1 if end < line_end and not text[end].isspace() else 0  # a fragment glued to the match
        last = len(tokens) - (1 if hi < line_end else 0)
        count = 0
        for i in range(first, last):
            if tokens[i].isalnum() or has_word(tokens[i]):
                count += 1
                if count > window:
                    return " ".join(tokens[:i])
        if hi == line_end:
            return " ".join(tokens)
        reach *= 4


class Timeline:
    """Relative positions (0..1) in the meeting: by time when every utterance has a start, else by order.

    By time, a hit inside an utterance is placed in proportion to its offset between the utterance's
    start and end (an utterance without an end lasts until the next one starts). By order, utterance i
    of n covers [i/n, (i+1)/n).
    """

    def __init__(self, document: Document):
        utterances = document.utterances
        self.count = len(utterances)
        starts = [u.start for u in utterances]
        self.basis = "order"
        self.origin = 0.0
        self.duration: float = float(self.count)
        if utterances and all(s is not None for s in starts):
            ends = []
            for i, u in enumerate(utterances):
                end = u.end if u.end is not None else (starts[i + 1] if i + 1 < len(starts) else u.start)
                ends.append(max(end, u.start))
            origin, finish = min(starts), max(ends)
            if finish > origin:
                self.basis, self.origin, self.duration = "time", float(origin), float(finish - origin)
                self._starts, self._ends = starts, ends

    def position(self, index: int, fraction: float) -> float:
        """Where `fraction` (0..1) of the way through utterance `index` lies in the meeting."""
        if self.basis == "time":
            start = self._starts[index]
            moment = start + fraction * (self._ends[index] - start)
            value = (moment - self.origin) / self.duration
        else:
            value = (index + fraction) / self.count
        return min(1.0, max(0.0, value))


def hit_spans(query: Query, speech: Speech) -> list[tuple[int, int, int]]:
    """(utterance index, start offset, end offset) of every match, in order."""
    starts = speech.starts
    return [(bisect_right(starts, start) - 1, start, end) for start, end in query.spans(speech.text)]
