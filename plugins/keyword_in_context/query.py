"""A keyword-in-context query as a regular expression: the user's text taken literally.

The query is never a regular expression itself: every character is escaped. What is relaxed is spacing
and apostrophes, so that a query finds the words however the transcript spaces them:

- a run of spaces in the query matches any run of spaces or tabs in the speech (never a line break,
  so a match stays inside one utterance): "remote control" finds "remote  control";
- an apostrophe matches any apostrophe (' ’ ‘ ʼ): "don't" finds "don’t";
- before an apostrophe or sentence punctuation (. , ; : ? !) that follows a letter or digit in the query,
  the speech may have spaces, as tokenised transcripts write them: "I'm" finds "I 'm", "okay?" finds
  "okay ?".

With `whole_words`, a match may not be glued to a letter or digit on a side where the query starts or ends
with one ("meet" does not find "meeting"); apostrophes separate words like spaces do, so "team" finds
"team's". Without it, the query matches inside words too.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["Query", "compile_query", "APOSTROPHES"]

APOSTROPHES = "'\u2019\u2018\u02bc"  # ' ’ ‘ ʼ
_APOSTROPHE_CLASS = "[" + APOSTROPHES + "]"
_SPACES = r"[^\S\n]+"  # whitespace inside one line
_OPTIONAL_SPACES = r"[^\S\n]*"
_DETACHABLE = frozenset(APOSTROPHES + ".,;:?!")
_WORD_CHAR = re.compile(r"\w")


class Query:
    """A compiled query. `spans(text)` gives the (start, end) of each match, left to right, not overlapping.

    The left word boundary is checked in Python rather than by a look-behind in the pattern: a pattern
    that starts with a literal lets the regex engine skip ahead to candidates, 2-3x faster on a meeting.
    A candidate glued to a word on its left is skipped and the search resumes one character later, so
    an overlapping valid match is still found.
    """

    __slots__ = ("pattern", "left_bounded")

    def __init__(self, pattern: re.Pattern[str], left_bounded: bool):
        self.pattern = pattern
        self.left_bounded = left_bounded

    def spans(self, text: str) -> list[tuple[int, int]]:
        if not self.left_bounded:
            return [m.span() for m in self.pattern.finditer(text)]
        spans = []
        search, glued = self.pattern.search, _WORD_CHAR.match
        pos = 0
        while (m := search(text, pos)) is not None:
            start = m.start()
            if start and glued(text, start - 1):
                pos = start + 1
                continue
            spans.append((start, m.end()))
            pos = m.end()
        return spans


def compile_query(query: str, *, case_sensitive: bool, whole_words: bool) -> Query | None:
    """The compiled `query`, or None when the query has no characters to search for."""
    chunks = unicodedata.normalize("NFC", query).split()
    if not chunks:
        return None
    parts: list[str] = []
    for chunk in chunks:
        if parts:
            parts.append(_SPACES)
        previous = ""
        for char in chunk:
            if char in _DETACHABLE and previous.isalnum():
                parts.append(_OPTIONAL_SPACES)
            parts.append(_APOSTROPHE_CLASS if char in APOSTROPHES else re.escape(char))
            previous = char
    pattern = "".join(parts)
    left_bounded = whole_words and bool(_WORD_CHAR.match(chunks[0][0]))
    if whole_words and _WORD_CHAR.match(chunks[-1][-1]):
        pattern += r"(?!\w)"
    return Query(re.compile(pattern, 0 if case_sensitive else re.IGNORECASE), left_bounded)
