"""Memos: notes with an author and times, on the study (a journal), a document, a code or a passage.

A memo's target is named by kind and id: None for the study, the document's id, the code (a Code, id, name or
path: stored as its id) or the passage's id. Deleting a code or passage deletes its memos; a document's memos
are not shown once the document is gone.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from ..errors import CodingError
from .codes import codebook, resolve
from .model import MEMO_COLUMNS, TARGET_KINDS, Memo
from .store import check_long_text, check_text_name, new_guid, now, stored_id, utc, whole


def _target(connection, kind, target_id) -> str | None:
    """The stored form of the target (checked to exist)."""
    from sqlalchemy import select

    from ..store import models as t

    if kind not in TARGET_KINDS:
        raise CodingError(f"A memo is written on one of {', '.join(TARGET_KINDS)}, not {kind!r}.")
    if kind == "study":
        if target_id not in (None, ""):
            raise CodingError("A study memo has no target id (give None).")
        return None
    if kind == "code":
        return str(resolve(codebook(connection), target_id).id)
    if kind == "document":
        found = connection.execute(select(t.documents.c.id).where(t.documents.c.id == str(target_id))).first()
        if found is None:
            raise CodingError(f"No document '{target_id}' in the library to write a memo on.")
        return str(target_id)
    try:
        pid = int(target_id)
    except (TypeError, ValueError):
        raise CodingError(f"A passage is named by its id (a whole number), not {target_id!r}.") from None
    if not stored_id(pid) or connection.execute(select(t.passages.c.id).where(t.passages.c.id == pid)).first() is None:
        raise CodingError(f"No passage {pid} to write a memo on: it may have been uncoded.")
    return str(pid)


def _check_text(text) -> str:
    return check_long_text(text, "memo", empty_ok=False)


def _memo(row) -> Memo:
    return Memo(row.id, row.guid, row.target_kind, row.target_id, row.author, utc(row.created_at), row.text,
                utc(row.updated_at))


def get_memo(connection, memo_id) -> Memo:
    from sqlalchemy import select

    from ..store import models as t

    if whole(memo_id) is None:
        raise CodingError(f"A memo is named by its id (a whole number), not {memo_id!r}.")
    memo_id = whole(memo_id)
    row = connection.execute(select(t.memos).where(t.memos.c.id == memo_id)).first() if stored_id(memo_id) else None
    if row is None:
        raise CodingError(f"No memo {memo_id}: it may have been deleted.")
    return _memo(row)


def add_memo(connection, target_kind, target_id, text, author, *, guid=None, created_at=None) -> Memo:
    from sqlalchemy import insert

    from ..store import models as t

    target = _target(connection, target_kind, target_id)
    if created_at is not None and not isinstance(created_at, datetime):
        raise CodingError(f"created_at must be a datetime, not {created_at!r}.")
    when = utc(created_at) or now()
    row = dict(guid=new_guid(guid), target_kind=target_kind, target_id=target, text=_check_text(text),
               author=check_text_name(author, "memo's author", 64), created_at=when, updated_at=when)
    memo_id = connection.execute(insert(t.memos).values(**row).returning(t.memos.c.id)).scalar_one()
    return get_memo(connection, memo_id)


def update_memo(connection, memo_id, text, author) -> Memo:
    from sqlalchemy import update

    from ..store import models as t

    memo_id = get_memo(connection, memo_id).id
    connection.execute(update(t.memos).where(t.memos.c.id == memo_id).values(
        text=_check_text(text), author=check_text_name(author, "memo's author", 64), updated_at=now()))
    return get_memo(connection, memo_id)


def delete_memo(connection, memo_id) -> None:
    from sqlalchemy import delete

    from ..store import models as t

    memo_id = get_memo(connection, memo_id).id
    connection.execute(delete(t.memos).where(t.memos.c.id == memo_id))


def memos(connection, target_kind=None, target_id=None) -> pd.DataFrame:
    """The memos (of one kind, and one target), oldest first, with a human name for each target."""
    from sqlalchemy import select

    from ..store import models as t

    query = select(t.memos).order_by(t.memos.c.created_at, t.memos.c.id)
    if target_kind is not None:
        if target_kind not in TARGET_KINDS:
            raise CodingError(f"A memo is written on one of {', '.join(TARGET_KINDS)}, not {target_kind!r}.")
        query = query.where(t.memos.c.target_kind == target_kind)
        if target_id is not None:
            stored = str(resolve(codebook(connection), target_id).id) if target_kind == "code" else str(target_id)
            query = query.where(t.memos.c.target_id == stored)
    rows = connection.execute(query).all()
    docs = dict(connection.execute(select(t.documents.c.id, t.documents.c.name)).all())
    paths = {str(c.id): c.path for c in codebook(connection)}
    pids = [int(r.target_id) for r in rows if r.target_kind == "passage"]
    where = {str(pid): (d, turn) for pid, d, turn in connection.execute(
        select(t.passages.c.id, t.passages.c.document_id, t.passages.c.turn).where(t.passages.c.id.in_(pids)))
    } if pids else {}
    records = []
    for r in rows:
        if r.target_kind == "study":
            target = "Study"
        elif r.target_kind == "document":
            target = docs.get(r.target_id)
        elif r.target_kind == "code":
            target = paths.get(r.target_id)
        else:
            place = where.get(r.target_id)
            target = f"{docs.get(place[0], place[0])}, turn {place[1]}" if place else None
        if target is None:  # its document (or passage) is gone
            continue
        records.append((r.id, r.guid, r.target_kind, r.target_id, target, r.author, utc(r.created_at),
                        utc(r.updated_at), r.text))
    frame = pd.DataFrame.from_records(records, columns=MEMO_COLUMNS)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["updated_at"] = pd.to_datetime(frame["updated_at"], utc=True)
    frame["memo_id"] = frame["memo_id"].astype("int64")
    return frame


__all__ = ["add_memo", "update_memo", "delete_memo", "get_memo", "memos"]
