"""What a researcher types into a search box, read once for every place that searches.

    remote control        turns holding both words (anywhere in the turn)
    "remote control"      the phrase: these words one after the other
    design*               words starting with "design" (design, designs, designer)
    comunicacao           finds "comunicação": case and accents never matter

Words are `qualia_core.text` words; anything else typed (punctuation, operators of a search engine) is not
syntax, so no query can break the search or reach the database as code. `parse` gives the terms; `fold`
gives a text without case and accents with a map back to the original offsets; `spans` finds the terms in
a turn's text for highlighting, by the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import WORD_RE, fold_word, normalize

_QUOTED = re.compile(r'"([^"]*)"?')


@dataclass(frozen=True)
class Term:
    """One part of a query: a phrase of one or more words; `prefix` when its last word ends with *."""

    words: tuple[str, ...]  # folded (no case, no accents)
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


def parse(query: str) -> list[Term]:
    """The terms of a query (empty when it holds no word)."""
    terms: list[Term] = []
    rest = query or ""
    for match in _QUOTED.finditer(rest):
        words = tuple(fold_word(w) for w in WORD_RE.findall(normalize(match.group(1))))
        if words:
            terms.append(Term(words, prefix=match.group(1).rstrip().endswith("*")))
    rest = _QUOTED.sub(" ", rest)
    for token in rest.split():
        words = [fold_word(w) for w in WORD_RE.findall(normalize(token))]
        for i, word in enumerate(words):
            terms.append(Term((word,), prefix=token.endswith("*") and i == len(words) - 1))
    return list(dict.fromkeys(terms))


def fold(text: str) -> tuple[str, list[int]]:
    """(text without case and accents, the offset in `text` of each character of it): what search hits are
    matched on, mapped back to what is shown."""
    folded: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            folded.append(ch.lower())
            where.append(i)
            continue
        for part in fold_word(ch):
            folded.append(part)
            where.append(i)
    return "".join(folded), where


def _pattern(term: Term) -> re.Pattern:
    words = [re.escape(w) for w in term.words]
    tail = r"[^\W\d_]*" if term.prefix else ""
    return re.compile(r"(?<![^\W\d_])" + r"[^\w]+".join(words) + tail + r"(?![^\W\d_])")


def spans(terms: list[Term], text: str) -> list[tuple[int, int]]:
    """Where the terms occur in `text`, as (start, end) offsets of the original text, sorted, not overlapping."""
    if not terms:
        return []
    folded, where = fold(text)
    found = []
    for term in terms:
        for match in _pattern(term).finditer(folded):
            found.append((where[match.start()], where[match.end() - 1] + 1))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# ---------------------------------------------------------------- wildcard patterns (concordance, collocates)
#: In a pattern word, * stands for any letters (none too: design* finds design, designs, designer) and ? for
#: one letter (organi?ation). A wildcard spans at most MAX_WILDCARD_LETTERS letters (no spoken word is
#: longer), so a pattern's cost stays linear in the text, whatever the text holds.
WILDCARDS = "*?"
MAX_WILDCARD_LETTERS = 50
MAX_STARS = 2  # per word: each more * multiplies the work a long run of letters can cause
ANY_LETTERS = r"[^\W\d_]{0,%d}" % MAX_WILDCARD_LETTERS
ONE_LETTER = r"[^\W\d_]"


def has_wildcards(query: str) -> bool:
    return any(w in query for w in WILDCARDS)


def pattern_problem(query: str) -> str | None:
    """Why a wildcard pattern is refused (it would find every word, or cost too much), else None."""
    if not has_wildcards(query):
        return None
    if not any(ch.isalnum() for ch in query):
        return (f"\u201c{query.strip()}\u201d would find every word: write at least one letter with the wildcards "
                "(design*, *ção, organi?ation)")
    for word in query.split():
        if word.count("*") > MAX_STARS:
            return f"\u201c{word}\u201d has {word.count('*')} *: use at most {MAX_STARS} in a word"
    return None


def word_regex(pattern: str) -> re.Pattern:
    """A one-word pattern (letters, * and ?) as a regular expression that `fullmatch`es folded words
    (`fold_word`): "Comunica*" matches "comunicacao", "comunicacoes"."""
    parts = []
    for ch in fold_word(pattern):
        parts.append(ANY_LETTERS if ch == "*" else ONE_LETTER if ch == "?" else re.escape(ch))
    return re.compile("".join(parts))


__all__ = ["Term", "parse", "fold", "fold_word", "spans", "WILDCARDS", "ANY_LETTERS", "ONE_LETTER",
           "has_wildcards", "pattern_problem", "word_regex"]
