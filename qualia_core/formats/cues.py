"""What WebVTT and SRT share: splitting into blocks, timing lines, cleaning cue text."""

from __future__ import annotations

import html
import re
from typing import Iterator, NamedTuple

from ..errors import DocumentError

# hh:mm:ss.mmm, mm:ss.mmm, with "," (SRT) or "." (WebVTT); hours may exceed two digits.
_STAMP = r"(?:(\d+):)??(\d+):(\d{1,2}(?:[.,]\d{1,9})?)"
TIMING = re.compile(r"^[ \t]*" + _STAMP + r"[ \t]*-->[ \t]*" + _STAMP + r"(?:[ \t].*)?$")
# A block: a run of non-blank lines.
_BLOCK = re.compile(r"(?:[ \t]*\S[^\n]*(?:\n|$))+")
_TAG = re.compile(r"<[^>\n]*>")
_ASS_TAG = re.compile(r"\{\\[^}\n]*\}")  # {\an8} positioning in SRT; {vocalsound} markers are kept


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
    for match in _BLOCK.finditer(text):
        lines = match.group().rstrip("\n").split("\n")
        first = lines[0].strip()
        if "-->" in first:
            timing_at = 0
        elif len(lines) > 1 and "-->" in lines[1]:
            timing_at = 1  # the usual case: one id line
        else:
            timing_at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing_at is None:
            yield Block([], None, None, lines, match.start(), first)
            continue
        timing = TIMING.match(lines[timing_at])
        if timing is None:
            line_no = text.count("\n", 0, match.start()) + timing_at + 1
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
            match.start(),
            first,
        )


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
    return " ".join(text.split())
