"""What WebVTT and SRT share: splitting into blocks, timing lines, cleaning cue text."""

from __future__ import annotations

import html
import re
from typing import Iterator, NamedTuple

from ..errors import DocumentError

# hh:mm:ss.mmm, mm:ss.mmm, with "," (SRT) or "." (WebVTT); hours may exceed two digits.
_STAMP = r"(?:(\d+):)??(\d+):(\d{1,2}(?:[.,]\d{1,9})?)"
TIMING = re.compile(r"^[ \t]*" + _STAMP + r"[ \t]*-->[ \t]*" + _STAMP + r"(?:[ \t].*)?$")
# Between blocks (runs of non-blank lines): a line end, blank lines, a line end. A plain character class, so the
# regex engine keeps no backtracking state per line (a repeated group kept ~130 bytes per line of a block).
_BETWEEN = re.compile(r"\n\s*\n")
# A tag never holds "<" (nor "{" for {\an8}): a run of unclosed "<" then costs one pass, not one pass per "<".
_TAG = re.compile(r"<[^<>\n]*>")
_SPACES = re.compile(r"\s+")
_ASS_TAG = re.compile(r"\{\\[^{}\n]*\}")  # {\an8} positioning in SRT; {vocalsound} markers are kept


class Block(NamedTuple):
    """A cue-like block: id lines before the timing line, the timing, the payload lines, where it starts."""

    ids: list[str]
    start: float | None
    end: float | None
    payload: list[str]
    offset: int
    first_line: str


def blocks(text: str, source: str) -> Iterator[Block]:
    """Every non-blank block; `start` is None when the block has no timing line."""
    for offset, block in _blocks(text):
        lines = block.split("\n")
        first = lines[0].strip()
        if "-->" in first:
            timing_at = 0
        elif len(lines) > 1 and "-->" in lines[1]:
            timing_at = 1  # the usual case: one id line
        else:
            timing_at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing_at is None:
            yield Block([], None, None, lines, offset, first)
            continue
        timing = TIMING.match(lines[timing_at])
        if timing is None:
            line_no = text.count("\n", 0, offset) + timing_at + 1
            raise DocumentError(
                source,
                "this cue's timing line cannot be read; expected 'hh:mm:ss.mmm --> hh:mm:ss.mmm' "
                "(or mm:ss.mmm; SRT uses a comma): fix or delete that line",
                line=line_no,
            )
        h1, m1, s1, h2, m2, s2 = timing.groups()
        yield Block(
            lines[:timing_at],
            _seconds(h1, m1, s1),
            _seconds(h2, m2, s2),
            lines[timing_at + 1 :],
            offset,
            first,
        )


def _blocks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each run of non-blank lines, without the blank lines around it."""
    start = 0
    for between in _BETWEEN.finditer(text):
        yield from _trimmed(text, start, between.start())
        start = between.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    block = text[start:end].rstrip()
    lead = len(block) - len(block.lstrip())
    if lead == len(block):
        return  # only blank lines (the start or the end of the text)
    cut = block.rfind("\n", 0, lead) + 1  # blank lines at the start of the text
    yield start + cut, block[cut:]


def _seconds(hours: str | None, minutes: str, seconds: str) -> float:
    total = int(minutes) * 60 + float(seconds.replace(",", "."))
    return total + int(hours) * 3600 if hours else total


def clean(text: str) -> str:
    """Cue text without tags (<b>, <i>, <c.x>, <00:01.000>, <font>), entities decoded, whitespace collapsed."""
    if "<" in text:
        text = _TAG.sub("", text)
    if "{\\" in text:
        text = _ASS_TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return _SPACES.sub(" ", text).strip()  # not " ".join(text.split()): no object per word
