"""Coding passages: words of one turn (character offsets in its stored text) given one or more codes.

`code_many` is the one way passages are written (coding in the page, auto-coding, REFI-QDA import): every row is
checked first (document, turn, offsets, codes, coder), then all are written in one transaction. The same span
coded again by the same coder with a code it already has changes nothing; with a new code, that code is added
to the existing passage.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from ..errors import CodingError
from .codes import codebook, forget_passages, resolve
from .model import Passage
from .store import (check_coder, check_long_text, check_span, document_names, new_guid, now, stored_id, turn_lengths,
                    utc, whole)

KEYS = {"document_id", "turn", "start", "end", "codes", "coder", "memo", "guid", "created_at"}


def _code_ids(book, codes) -> tuple[int, ...]:
    if codes is None or isinstance(codes, (str, int)) or not isinstance(codes, Iterable):
        codes = [codes] if codes is not None else []
    ids = tuple(dict.fromkeys(resolve(book, c).id for c in codes))
    if not ids:
        raise CodingError("No code given: a passage carries at least one code.")
    return ids


def _checked(rows: list[Mapping[str, Any]], connection) -> list[dict]:
    book = codebook(connection)
    docs = [r.get("document_id") for r in rows]
    names = document_names(connection, [d for d in docs if isinstance(d, str)])
    lengths = turn_lengths(connection, names)
    out = []
    for n, row in enumerate(rows):
        where = f"passage {n + 1} of {len(rows)}: " if len(rows) > 1 else ""
        try:
            unknown = set(row) - KEYS
            if unknown:
                raise CodingError(f"unknown keys {sorted(unknown)} (a passage has {sorted(KEYS)}).")
            doc_id = row.get("document_id")
            if not isinstance(doc_id, str):
                raise CodingError(f"The document id must be text, not {doc_id!r}.")
            turn, start, end = check_span(doc_id, names, lengths, row.get("turn"), row.get("start"), row.get("end"))
            created = row.get("created_at")
            if created is not None and not isinstance(created, datetime):
                raise CodingError(f"created_at must be a datetime, not {created!r}.")
            memo = check_long_text(row.get("memo"), "passage's memo")
            out.append(dict(document_id=doc_id, turn=turn, start=start, end=end,
                            code_ids=_code_ids(book, row.get("codes")), coder=check_coder(row.get("coder")),
                            memo=memo, guid=new_guid(row.get("guid")), created_at=utc(created) or now()))
        except CodingError as exc:
            raise CodingError(where + str(exc)) if where else exc from None
    return out


def code_many(connection, rows: list[Mapping[str, Any]]) -> tuple[int, list[int]]:
    """Write `rows` (dicts with the keys of `Coding.code`) in the caller's transaction. Returns (how many
    passages were created or given a code they lacked, the passage id of each row in order)."""
    from sqlalchemy import insert, select

    from ..store import models as t

    checked = _checked(list(rows), connection)
    if not checked:
        return 0, []
    p = t.passages
    existing: dict[tuple, int] = {}
    docs = list({r["document_id"] for r in checked})
    for pid, d, turn, start, end, coder in connection.execute(
            select(p.c.id, p.c.document_id, p.c.turn, p.c.start, p.c.end, p.c.coder).where(p.c.document_id.in_(docs))):
        existing.setdefault((d, turn, start, end, coder), pid)
    have: dict[int, set[int]] = {}
    if existing:
        ids = list(existing.values())
        for i in range(0, len(ids), 5000):
            for pid, cid in connection.execute(select(t.passage_codes.c.passage_id, t.passage_codes.c.code_id)
                                               .where(t.passage_codes.c.passage_id.in_(ids[i:i + 5000]))):
                have.setdefault(pid, set()).add(cid)
    fresh: dict[tuple, dict] = {}  # new passages, written together (one statement, not one per passage)
    for row in checked:
        key = (row["document_id"], row["turn"], row["start"], row["end"], row["coder"])
        if key not in existing and key not in fresh:
            fresh[key] = {k: row[k] for k in ("guid", "document_id", "turn", "start", "end", "coder", "created_at",
                                              "memo")}
    if fresh:
        by_guid = {v["guid"]: k for k, v in fresh.items()}
        guids = list(by_guid)
        if len(by_guid) < len(fresh):
            raise CodingError("Two different passages were given the same GUID: each passage needs its own.")
        for i in range(0, len(guids), 5000):
            taken = connection.execute(select(p.c.guid).where(p.c.guid.in_(guids[i:i + 5000]))).scalars().first()
            if taken is not None:
                raise CodingError(f"A passage with GUID {taken} is already in the study, on other words: a GUID "
                                  "names one passage.")
        connection.execute(insert(p), list(fresh.values()))
        for i in range(0, len(guids), 5000):
            for pid, guid in connection.execute(select(p.c.id, p.c.guid).where(p.c.guid.in_(guids[i:i + 5000]))):
                existing[by_guid[guid]] = pid
    changed, ids_out, links = 0, [], []
    for row in checked:
        pid = existing[(row["document_id"], row["turn"], row["start"], row["end"], row["coder"])]
        new = [c for c in row["code_ids"] if c not in have.setdefault(pid, set())]
        if new:
            changed += 1
            have[pid].update(new)
            links.extend({"passage_id": pid, "code_id": c} for c in new)
        ids_out.append(pid)
    if links:
        connection.execute(insert(t.passage_codes), links)
    return changed, ids_out


def get_passage(connection, passage_id) -> Passage:
    from sqlalchemy import select

    from ..store import models as t

    if whole(passage_id) is None:
        raise CodingError(f"A passage is named by its id (a whole number), not {passage_id!r}.")
    passage_id = whole(passage_id)
    row = (connection.execute(select(t.passages).where(t.passages.c.id == passage_id)).first()
           if stored_id(passage_id) else None)
    if row is None:
        raise CodingError(f"No passage {passage_id}: it may have been uncoded, or its document deleted.")
    codes = tuple(sorted(connection.execute(select(t.passage_codes.c.code_id)
                                            .where(t.passage_codes.c.passage_id == passage_id)).scalars()))
    return Passage(row.id, row.guid, row.document_id, row.turn, row.start, row.end, row.coder, utc(row.created_at),
                   row.memo or "", codes)


def uncode(connection, passage_id, codes=None) -> Passage | None:
    """Take `codes` off the passage (None: all); a passage left without codes is deleted (None is returned)."""
    from sqlalchemy import delete

    from ..store import models as t

    passage = get_passage(connection, passage_id)
    if codes is not None:
        ids = _code_ids(codebook(connection), codes)
        connection.execute(delete(t.passage_codes).where(t.passage_codes.c.passage_id == passage.id,
                                                         t.passage_codes.c.code_id.in_(ids)))
        left = [c for c in passage.code_ids if c not in ids]
        if left:
            return get_passage(connection, passage.id)
    forget_passages(connection, [passage.id])
    return None


def set_passage_memo(connection, passage_id, text) -> Passage:
    from sqlalchemy import update

    from ..store import models as t

    text = check_long_text(text, "passage's memo")
    passage = get_passage(connection, passage_id)
    connection.execute(update(t.passages).where(t.passages.c.id == passage.id).values(memo=text or ""))
    return get_passage(connection, passage.id)


__all__ = ["code_many", "get_passage", "uncode", "set_passage_memo"]
