"""Library-wide search in the database's own full-text index (migrations 0002, 0003): SQLite's FTS5,
PostgreSQL's text search with unaccent, over the text analyses see (SHOWN: known speaker names replaced in the
speech when a document's option says so; qualia_core.speech_names). The query's terms come from qualia_core.search_terms; they reach SQL only as bound
parameters (an FTS5 or tsquery expression built of quoted, folded words).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from sqlalchemy import text

from ..search_terms import Term

SHOWN = "COALESCE(t.shown_text, t.text)"  # the text analyses see; the index is built on the same expression


@dataclass(frozen=True)
class Row:
    document_id: str
    document_name: str
    turn: int
    speaker: str | None  # as shown: the rename or pseudonym where one is set
    start: float | None
    text: str


def _fts5(terms: Sequence[Term]) -> str:
    parts = []
    for term in terms:
        phrase = '"' + " ".join(term.words).replace('"', " ") + '"'
        parts.append(phrase + ("*" if term.prefix else ""))
    return " AND ".join(parts)


def _tsquery(terms: Sequence[Term]) -> str:
    parts = []
    for term in terms:
        lexemes = [piece for word in term.words for piece in word.split("'") if piece]
        if not lexemes:
            continue
        quoted = ["'" + lexeme.replace("'", "''") + "'" for lexeme in lexemes]
        if term.prefix:
            quoted[-1] += ":*"
        parts.append("(" + " <-> ".join(quoted) + ")")
    return " & ".join(parts)


def _filters(documents: Iterable[str] | None, speakers: Iterable[str] | None, params: dict) -> str:
    sql = ""
    if documents is not None:
        ids = list(documents)
        params.update({f"d{i}": d for i, d in enumerate(ids)})
        sql += " AND t.document_id IN (" + (", ".join(f":d{i}" for i in range(len(ids))) or "NULL") + ")"
    if speakers is not None:
        names = list(speakers)
        params.update({f"s{i}": s for i, s in enumerate(names)})
        sql += " AND COALESCE(s.shown, t.speaker) IN (" + (", ".join(f":s{i}" for i in range(len(names))) or "NULL") + ")"
    return sql


def _source(store, terms: Sequence[Term]) -> tuple[str, str, dict]:
    if store.is_sqlite:
        return "turns_fts f JOIN turns t ON t.id = f.rowid", "turns_fts MATCH :q", {"q": _fts5(terms)}
    return ("turns t", f"to_tsvector('simple', qualia_unaccent({SHOWN})) @@ to_tsquery('simple', :q)",
            {"q": _tsquery(terms)})


def documents_with(store, terms: Sequence[Term]) -> set[str]:
    """Ids of the documents with a turn holding every term."""
    source, match, params = _source(store, terms)
    if not params["q"]:
        return set()
    with store.engine.connect() as connection:
        return set(connection.execute(text(f"SELECT DISTINCT t.document_id FROM {source} WHERE {match}"), params)
                   .scalars())


def search_turns(store, terms: Sequence[Term], *, documents: Iterable[str] | None = None,
                 speakers: Iterable[str] | None = None, limit: int = 100) -> tuple[list[Row], int]:
    """(the first `limit` turns holding every term, in library order then turn order; how many there are)."""
    source, match, params = _source(store, terms)
    params["limit"] = int(limit)
    if not params["q"]:
        return [], 0
    where = match + _filters(documents, speakers, params)
    joins = (f"{source} JOIN documents d ON d.id = t.document_id "
             "LEFT JOIN speakers s ON s.document_id = t.document_id AND s.original = t.speaker")
    select = (f"SELECT t.document_id, d.name, t.idx, COALESCE(s.shown, t.speaker), t.start, {SHOWN} FROM {joins} "
              f"WHERE {where} ORDER BY d.added_at, d.id, t.idx LIMIT :limit")
    count = f"SELECT count(*) FROM {joins} WHERE {where}"
    with store.engine.connect() as connection:
        rows = [Row(*r) for r in connection.execute(text(select), params)]
        total = connection.execute(text(count), params).scalar_one() if len(rows) >= limit else len(rows)
    return rows, total


@contextmanager
def indexed_together(connection) -> Iterator[None]:
    """Turns inserted inside this block (in the caller's open transaction) enter the full-text index together
    when it ends, not one trigger call per row: on SQLite the insert trigger (its SQL read from the database, where
    the migration put it) is dropped for the block, the new rows are indexed in one INSERT ... SELECT, and the
    trigger is created again, all in the same transaction: other connections never see it missing, and a rollback
    restores it. About 6x faster for a hundred thousand turns. PostgreSQL's expression index needs nothing; nor does
    a connection that is not in a transaction yet (the trigger is then left alone)."""
    raw = connection.connection.dbapi_connection
    trigger = None
    if connection.dialect.name == "sqlite" and getattr(raw, "in_transaction", False):
        trigger = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'turns_fts_insert'").scalar()
    if trigger is None:
        yield
        return
    connection.exec_driver_sql("DROP TRIGGER turns_fts_insert")
    top = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM turns").scalar()  # new rowids are above
    yield
    connection.exec_driver_sql(f"INSERT INTO turns_fts(rowid, text) SELECT t.id, {SHOWN} FROM turns t WHERE t.id > ?",
                               (top,))
    connection.exec_driver_sql(trigger)


__all__ = ["Row", "search_turns", "documents_with", "indexed_together"]
