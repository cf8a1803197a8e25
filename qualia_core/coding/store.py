"""What every part of the coding model shares: the clock, new GUIDs, the checks on names and coders, and the
turns' texts (the offsets' frame) read from the study database."""

from __future__ import annotations

import operator
import re
import uuid
from datetime import datetime, timezone
from typing import Iterable

from ..errors import CodingError, LibraryError
from ..names import check_name

NAME_LIMIT = 200
TEXT_LIMIT = 100_000  # characters of a memo or a code's description (a long chapter; bounded cost everywhere)
CODER_LIMIT = 64
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac")  # Tableau 10: distinct, readable under text
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
#: characters no XML document may hold (REFI-QDA export would fail on them) and no one types: C0 controls but
#: tab and line breaks, lone surrogates, U+FFFE/U+FFFF
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def whole(value) -> int | None:
    """`value` as an int when it is a whole number (numpy's too: ids and turns come from DataFrames), else None."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def stored_id(value: int) -> bool:
    """Whether `value` can be a row id of the store (a positive 64-bit integer): larger ones overflow SQLite's
    and PostgreSQL's integers, so they name nothing rather than reaching the database."""
    return 0 < value < 2**63


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def utc(value: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives it back naive)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def new_guid(guid: str | None = None) -> str:
    """`guid` as given (a REFI-QDA import keeps it), checked, or a new one."""
    if guid is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(str(guid)))
    except ValueError:
        raise CodingError(f"The GUID {str(guid)[:60]!r} is not a GUID (8-4-4-4-12 hexadecimal digits).") from None


def check_text_name(value, field: str, limit: int = NAME_LIMIT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CodingError(f"The {field} is empty: give it a name.")
    value = " ".join(value.split())
    if len(value) > limit:
        raise CodingError(f"The {field} {value[:40]!r}… has {len(value)} characters; at most {limit} are allowed.")
    try:
        check_name(value, field)
    except LibraryError as exc:
        raise CodingError(str(exc)) from None
    return value


def check_long_text(value, field: str, *, empty_ok: bool = True) -> str:
    """A memo or description: text of at most TEXT_LIMIT characters (kept as written)."""
    value = "" if value is None else value
    if not isinstance(value, str):
        raise CodingError(f"The {field} must be text, not {type(value).__name__}.")
    if not empty_ok and not value.strip():
        raise CodingError(f"The {field} is empty: write its text.")
    if len(value) > TEXT_LIMIT:
        raise CodingError(f"The {field} has {len(value):,} characters; at most {TEXT_LIMIT:,} are kept: split it.")
    bad = _NOT_TEXT.search(value)
    if bad:
        raise CodingError(f"The {field} holds a control character (U+{ord(bad.group()):04X}) at character "
                          f"{bad.start() + 1}: remove it (it cannot be kept in a REFI-QDA export).")
    return value


def check_code_name(name) -> str:
    name = check_text_name(name, "code name")
    if "›" in name:
        raise CodingError(f"The code name {name!r} holds '›', which separates a code from its parent in paths; "
                          "choose another character.")
    return name


def check_coder(coder) -> str:
    if not isinstance(coder, str) or not coder.strip():
        raise CodingError("The coder is empty: passages record who coded them (the signed-in account, or the "
                          "name you give when sign-in is off).")
    return check_text_name(coder, "coder", CODER_LIMIT)


def check_color(color, index: int = 0) -> str:
    if color is None or color == "":
        return PALETTE[index % len(PALETTE)]
    if not isinstance(color, str) or not _COLOR.fullmatch(color.strip()):
        raise CodingError(f"The colour {str(color)[:20]!r} is not a colour: write it as #rrggbb (e.g. #4e79a7).")
    return color.strip().lower()


def document_names(connection, doc_ids: Iterable[str]) -> dict[str, str]:
    from sqlalchemy import select

    from ..store import models as t

    ids = list(dict.fromkeys(doc_ids))
    return dict(connection.execute(select(t.documents.c.id, t.documents.c.name).where(t.documents.c.id.in_(ids)))
                .all()) if ids else {}


def turn_lengths(connection, doc_ids: Iterable[str]) -> dict[tuple[str, int], int]:
    """(document id, turn idx) -> how many characters the turn's stored text has."""
    from sqlalchemy import func, select

    from ..store import models as t

    ids = list(dict.fromkeys(doc_ids))
    if not ids:
        return {}
    rows = connection.execute(select(t.turns.c.document_id, t.turns.c.idx, func.length(t.turns.c.text))
                              .where(t.turns.c.document_id.in_(ids)))
    return {(d, i): n for d, i, n in rows}


def check_span(doc_id: str, names: dict[str, str], lengths: dict[tuple[str, int], int], turn, start, end
               ) -> tuple[int, int, int]:
    """(turn, start, end) checked against the turn's stored text; no offsets mean the whole turn."""
    if doc_id not in names:
        raise CodingError(f"No document '{doc_id}' in the library: it may have been deleted.")
    turn = whole(turn) if whole(turn) is not None else turn
    if whole(turn) is None:
        raise CodingError(f"The turn of document '{names[doc_id]}' must be a turn number, not {turn!r}.")
    size = lengths.get((doc_id, turn))
    if size is None:
        count = sum(1 for d, _ in lengths if d == doc_id)
        raise CodingError(f"Document '{names[doc_id]}' ({doc_id}) has no turn {turn}: its turns are numbered "
                          f"0 to {count - 1}." if count else f"Document '{names[doc_id]}' ({doc_id}) has no turns.")
    start = 0 if start is None else (whole(start) if whole(start) is not None else start)
    end = size if end is None else (whole(end) if whole(end) is not None else end)
    for label, value in (("start", start), ("end", end)):
        if whole(value) is None:
            raise CodingError(f"The {label} offset in turn {turn} of '{names[doc_id]}' must be a whole number of "
                              f"characters, not {value!r}.")
    if not 0 <= start < end <= size:
        raise CodingError(f"Offsets {start}..{end} do not fit turn {turn} of '{names[doc_id]}' ({doc_id}): its text "
                          f"has {size} characters, so 0 <= start < end <= {size}.")
    return turn, start, end


def forget_document(connection, doc_id: str) -> None:
    """Delete the memos on a document and on its passages, inside the caller's transaction (before the document
    itself: its passages go with it by ON DELETE CASCADE)."""
    from sqlalchemy import cast, delete, select

    from ..store import models as t

    pids = select(cast(t.passages.c.id, t.memos.c.target_id.type)).where(t.passages.c.document_id == doc_id)
    connection.execute(delete(t.memos).where(t.memos.c.target_kind == "passage", t.memos.c.target_id.in_(pids)))
    connection.execute(delete(t.memos).where(t.memos.c.target_kind == "document", t.memos.c.target_id == doc_id))


def turn_length_lists(connection, doc_ids: Iterable[str] | None = None) -> dict[str, list[int]]:
    """Each document's turns' stored text lengths, by turn index (the units of coder agreement). A document's
    turns never change (its content decides them), so the lengths are kept in memory by (id, sha256)."""
    from sqlalchemy import func, select

    from ..store import models as t

    query = select(t.documents.c.id, t.documents.c.sha256)
    if doc_ids is not None:
        query = query.where(t.documents.c.id.in_(list(doc_ids)))
    keys = {d: (d, sha) for d, sha in connection.execute(query)}
    missing = [d for d, key in keys.items() if key not in _LENGTHS]
    if missing:
        found: dict[str, list[int]] = {d: [] for d in missing}
        for d, _idx, n in connection.execute(
                select(t.turns.c.document_id, t.turns.c.idx, func.length(t.turns.c.text))
                .where(t.turns.c.document_id.in_(missing)).order_by(t.turns.c.document_id, t.turns.c.idx)):
            found[d].append(n)
        if len(_LENGTHS) > 5000:
            _LENGTHS.clear()
        _LENGTHS.update({keys[d]: lengths for d, lengths in found.items()})
    return {d: _LENGTHS[key] for d, key in keys.items()}


_LENGTHS: dict[tuple[str, str], list[int]] = {}


__all__ = ["check_long_text", "whole", "stored_id", "now", "utc", "new_guid", "check_code_name", "check_coder",
           "check_color", "check_text_name", "document_names", "turn_lengths", "check_span", "PALETTE",
           "forget_document", "turn_length_lists"]
