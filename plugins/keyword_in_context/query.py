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

Without `accent_sensitive`, a letter matches the same letter with any accent, either way ("comunicacao" finds
"comunicação", "reuniao" and "reunião" find each other): by qualia_core.text.fold_word, the rule of the library
search. With `wildcards`, * stands for any letters and ? for one letter inside a word (qualia_core.search_terms:
"design*", "*ção", "organi?ation"); they need whole words, and a pattern made of wildcards alone is refused.
A query in double quotes is the phrase inside them ("next meeting" is next meeting).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from qualia_core.search_terms import ANY_LETTERS, ONE_LETTER
from qualia_core.text import strip_accents

__all__ = ["Query", "compile_query", "APOSTROPHES"]

APOSTROPHES = "'\u2019\u2018\u02bc"  # ' ’ ‘ ʼ
_APOSTROPHE_CLASS = "[" + APOSTROPHES + "]"
_SPACES = r"[^\S\n]+"  # whitespace inside one line
_OPTIONAL_SPACES = r"[^\S\n]*"
_DETACHABLE = frozenset(APOSTROPHES + ".,;:?!")
_WORD_CHAR = re.compile(r"\w")
_QUOTES = ('"', '\u201c', '\u201d')
# Latin letters with accents (Latin-1 to Latin Extended-B, Latin Extended Additional): what accent folding reaches
_ACCENTED_RANGES = ((0xC0, 0x250), (0x1E00, 0x1F00))


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


@lru_cache(maxsize=1)
def _accented() -> dict[str, str]:
    """Each letter and the accented letters that fold to it, case kept: {"a": "àáâãäåāăą…", "C": "ÇĆĈĊČ", …}."""
    found: dict[str, list[str]] = {}
    for low, high in _ACCENTED_RANGES:
        for code in range(low, high):
            char = chr(code)
            base = strip_accents(char)
            if len(base) == 1 and base != char and char.isalpha():
                found.setdefault(base, []).append(char)
    return {base: "".join(chars) for base, chars in found.items()}


def unquote(query: str) -> str:
    """The phrase inside one pair of double quotes around the whole query; else the query."""
    text = query.strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        return text[1:-1]
    return query


def compile_query(query: str, *, case_sensitive: bool, whole_words: bool, accent_sensitive: bool = True,
                  wildcards: bool = False, ascii_text: bool = False) -> Query | None:
    """The compiled `query`, or None when the query has no characters to search for. `ascii_text` says the
    text searched has no accented letters, so a folded letter need not list its accented forms."""
    chunks = unicodedata.normalize("NFC", unquote(query)).split()
    if not chunks:
        return None
    accented = {} if accent_sensitive or ascii_text else _accented()
    parts: list[str] = []
    for chunk in chunks:
        if parts:
            parts.append(_SPACES)
        previous = ""
        for char in chunk:
            if char in _DETACHABLE and previous.isalnum():
                parts.append(_OPTIONAL_SPACES)
            parts.append(_part(char, accent_sensitive, wildcards, accented))
            previous = char
    pattern = "".join(parts)
    edges = (chunks[0][0], chunks[-1][-1])
    wild = wildcards and any(c in "*?" for c in "".join(chunks))
    starts_word, ends_word = (bool(_WORD_CHAR.match(c)) or (wildcards and c in "*?") for c in edges)
    left_bounded = whole_words and starts_word
    if wild and left_bounded:  # checked by the engine: a candidate inside a long word costs nothing
        pattern, left_bounded = r"(?<!\w)" + pattern, False
    if whole_words and ends_word:
        pattern += r"(?!\w)"
    return Query(re.compile(pattern, 0 if case_sensitive else re.IGNORECASE), left_bounded)


def _part(char: str, accent_sensitive: bool, wildcards: bool, accented: dict[str, str]) -> str:
    """The regular expression of one query character."""
    if char in APOSTROPHES:
        return _APOSTROPHE_CLASS
    if wildcards and char == "*":
        return ANY_LETTERS
    if wildcards and char == "?":
        return ONE_LETTER
    if accent_sensitive or not char.isalpha():
        return re.escape(char)
    base = strip_accents(char)
    if len(base) != 1:
        return re.escape(char)
    variants = accented.get(base, "")
    return "[" + re.escape(base + variants) + "]" if variants else re.escape(base)
