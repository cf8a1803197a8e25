"""Library-wide search: every turn of the study that holds what a researcher typed.

    result = core.search('"remote control" design*', documents=["es2012a-…"], speakers=["P01"], limit=100)
    result.total, result.hits[0].document_name, hit.speaker, hit.turn, hit.start, hit.text, hit.spans

Case- and accent-insensitive ("comunicacao" finds "comunicação"), phrases in quotes, prefixes with * (see
qualia_core.search_terms). Hits come in library order (oldest document first) and turn order, with the speaker
as shown (the pseudonym where one is set) and the matched words' offsets in the turn's text for highlighting.
The database's full-text index answers (SQLite FTS5 or PostgreSQL text search): no document is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .search_terms import Term, parse, spans


@dataclass(frozen=True)
class SearchHit:
    document_id: str
    document_name: str
    speaker: str | None
    turn: int
    start: float | None
    text: str
    spans: tuple[tuple[int, int], ...]  # (start, end) offsets of the matched words in `text`

    @property
    def matches(self) -> list[str]:
        return [self.text[a:b] for a, b in self.spans]


@dataclass
class SearchResult:
    query: str
    terms: list[Term] = field(default_factory=list)
    total: int = 0
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.hits)


def search(library, query: str, *, documents: Iterable[str] | None = None, speakers: Iterable[str] | None = None,
           limit: int = 100) -> SearchResult:
    """The turns of `library` that hold every term of `query` (see the module docstring)."""
    from .store.search import search_turns

    terms = parse(query)
    if not terms or limit < 1:
        return SearchResult(query, terms)
    rows, total = search_turns(library.store, terms, documents=documents, speakers=speakers, limit=limit)
    hits = [SearchHit(r.document_id, r.document_name, r.speaker, r.turn, r.start, r.text, tuple(spans(terms, r.text)))
            for r in rows]
    return SearchResult(query, terms, total, hits)


def documents_with(library, query: str) -> set[str]:
    """Ids of the documents with a turn holding every term of `query` (the same rules as `search`)."""
    from .store.search import documents_with as in_store

    terms = parse(query)
    return in_store(library.store, terms) if terms else set()


__all__ = ["SearchHit", "SearchResult", "search", "documents_with"]
