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
import unicodedata
from dataclasses import dataclass

from .text import WORD_RE, normalize

_QUOTED = re.compile(r'"([^"]*)"?')


@dataclass(frozen=True)
class Term:
    """One part of a query: a phrase of one or more words; `prefix` when its last word ends with *."""

    words: tuple[str, ...]  # folded (no case, no accents)
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


def fold_word(word: str) -> str:
    """A word without case and accents ("Comunicação" -> "comunicacao")."""
    decomposed = unicodedata.normalize("NFKD", normalize(word).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
        for part in unicodedata.normalize("NFKD", normalize(ch).casefold()):
            if not unicodedata.combining(part):
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


__all__ = ["Term", "parse", "fold", "fold_word", "spans"]
