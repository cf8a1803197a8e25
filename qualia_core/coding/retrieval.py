"""Reading coded passages back: one DataFrame row per (passage, code) with the meeting, the speaker as shown, the
time, the coded words and their turn (PASSAGE_COLUMNS), filtered in the database; combinations of two codes
(overlapping, excluding); and a document's turn texts.

Offsets count characters in the turn's stored text. When a document replaces known names in the speech
(qualia_core.speech_names), `text` and `turn_text` show the shown text, the passage's offsets mapped onto it.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from ..errors import CodingError
from ..speech_names import map_offset, replaced_segments
from .codes import _descendants, codebook, resolve
from .model import PASSAGE_COLUMNS
from .store import utc


def _listed(value) -> list | None:
    if value is None:
        return None
    if isinstance(value, (str, int)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _speaker_maps(connection, doc_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    from sqlalchemy import select

    from ..store import models as t

    maps: dict[str, dict[str, str]] = {}
    ids = list(dict.fromkeys(doc_ids))
    if ids:
        for d, original, shown in connection.execute(
                select(t.speakers.c.document_id, t.speakers.c.original, t.speakers.c.shown)
                .where(t.speakers.c.document_id.in_(ids))):
            maps.setdefault(d, {})[original] = shown
    return maps


def shown_span(text: str, shown_text: str | None, start: int, end: int, speaker_map: dict | None
               ) -> tuple[str, int, int]:
    """(the turn as shown, the span's offsets in it) for a span of the stored `text`."""
    if shown_text is None:
        return text, start, end
    made, segments = replaced_segments(text, speaker_map or {})
    if made != shown_text:  # names changed since shown_text was made: show the stored words rather than guess
        return text, start, end
    return shown_text, map_offset(start, segments), map_offset(end, segments, end=True)


def passages(connection, code=None, document=None, speaker=None, coder=None, *, passage_ids=None,
             with_children: bool = False) -> pd.DataFrame:
    """The passages matching every filter given (each a value or a list), one row per (passage, code).
    `code` keeps the rows of that code (and, `with_children`, of the codes under it); `speaker` is a name as
    shown or as in the file."""
    from sqlalchemy import and_, func, select

    from ..store import models as t

    book = codebook(connection)
    paths = {c.id: c.path for c in book}
    p, pc, tu, d, s, pa = t.passages, t.passage_codes, t.turns, t.documents, t.speakers, t.participants
    query = (select(p.c.id, p.c.guid, pc.c.code_id, p.c.document_id, d.c.name, p.c.turn, tu.c.speaker, s.c.shown,
                    pa.c.name.label("participant"), tu.c.start.label("t0"), tu.c.end.label("t1"), p.c.start, p.c.end,
                    tu.c.text, tu.c.shown_text, p.c.coder, p.c.created_at, p.c.memo)
             .select_from(pc.join(p, p.c.id == pc.c.passage_id).join(d, d.c.id == p.c.document_id)
                          .join(tu, and_(tu.c.document_id == p.c.document_id, tu.c.idx == p.c.turn))
                          .outerjoin(s, and_(s.c.document_id == tu.c.document_id, s.c.original == tu.c.speaker))
                          .outerjoin(pa, pa.c.id == s.c.participant_id)))
    codes = _listed(code)
    if codes is not None:
        ids: set[int] = set()
        for c in codes:
            found = resolve(book, c)
            ids |= _descendants(book, found.id) if with_children else {found.id}
        query = query.where(pc.c.code_id.in_(sorted(ids)))
    docs = _listed(document)
    if docs is not None:
        query = query.where(p.c.document_id.in_([str(x) for x in docs]))
    names = _listed(speaker)
    if names is not None:
        names = [str(x) for x in names]
        query = query.where(func.coalesce(s.c.shown, tu.c.speaker).in_(names) | tu.c.speaker.in_(names))
    coders = _listed(coder)
    if coders is not None:
        query = query.where(p.c.coder.in_([str(x) for x in coders]))
    if passage_ids is not None:
        query = query.where(p.c.id.in_(list(passage_ids)))
    query = query.order_by(d.c.added_at, d.c.id, p.c.turn, p.c.start, p.c.end, p.c.id)
    rows = connection.execute(query).all()
    shown_docs = {r.document_id for r in rows if r.shown_text is not None}
    maps = _speaker_maps(connection, shown_docs) if shown_docs else {}
    order = {c.id: n for n, c in enumerate(book)}
    records = []
    for r in rows:
        turn_text, a, b = shown_span(r.text, r.shown_text, r.start, r.end, maps.get(r.document_id))
        records.append((r.id, r.guid, r.code_id, paths.get(r.code_id), r.document_id, r.name, r.turn,
                        r.shown or r.speaker, r.participant, r.t0, r.t1, r.start, r.end, turn_text[a:b], turn_text,
                        r.coder, utc(r.created_at), r.memo or ""))
    frame = pd.DataFrame.from_records(records, columns=PASSAGE_COLUMNS)
    if len(frame):  # the database's order (library, turn, offsets), and each passage's codes in codebook order
        frame["_seq"] = frame.groupby("passage_id", sort=False).ngroup()
        frame["_o"] = frame["code_id"].map(order)
        frame = frame.sort_values(["_seq", "_o"], kind="stable").drop(columns=["_seq", "_o"])
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame["start_time"] = pd.to_numeric(frame["start_time"], errors="coerce").astype(float)
    frame["end_time"] = pd.to_numeric(frame["end_time"], errors="coerce").astype(float)
    frame["coded_at"] = pd.to_datetime(frame["coded_at"], utc=True)
    for col in ("passage_id", "code_id", "turn", "start", "end"):
        frame[col] = frame[col].astype("int64")
    return frame


def _pairs(connection, a, b) -> tuple[pd.DataFrame, pd.DataFrame]:
    book = codebook(connection)
    first, second = resolve(book, a), resolve(book, b)
    return passages(connection, code=first.id), passages(connection, code=second.id)


def _overlap_ids(left: pd.DataFrame, right: pd.DataFrame) -> set[int]:
    if left.empty or right.empty:
        return set()
    keys = ["document_id", "turn"]
    both = left[keys + ["passage_id", "start", "end"]].merge(right[keys + ["start", "end"]], on=keys,
                                                               suffixes=("", "_b"))
    hit = both[(both["start"] < both["end_b"]) & (both["start_b"] < both["end"])]
    return set(hit["passage_id"])


def overlapping(connection, a, b) -> pd.DataFrame:
    """The passages of code `a` that overlap a passage of code `b` in the same turn (rows of code `a`)."""
    left, right = _pairs(connection, a, b)
    ids = _overlap_ids(left, right)
    return left[left["passage_id"].isin(ids)].reset_index(drop=True)


def excluding(connection, a, b) -> pd.DataFrame:
    """The passages of code `a` that overlap no passage of code `b` (rows of code `a`)."""
    left, right = _pairs(connection, a, b)
    ids = _overlap_ids(left, right)
    return left[~left["passage_id"].isin(ids)].reset_index(drop=True)


def turn_texts(connection, document_id: str) -> list[dict]:
    """Each turn of the document: idx, speaker as shown, start, end, `text` (stored: what offsets count in) and
    `shown` (what the page shows), with the map between them (`segments`, see speech_names.map_offset)."""
    from sqlalchemy import select

    from ..store import models as t

    if not connection.execute(select(t.documents.c.id).where(t.documents.c.id == document_id)).first():
        raise CodingError(f"No document '{document_id}' in the library: it may have been deleted.")
    names = _speaker_maps(connection, [document_id]).get(document_id, {})
    out = []
    for r in connection.execute(select(t.turns).where(t.turns.c.document_id == document_id).order_by(t.turns.c.idx)):
        shown, segments = r.text, []
        if r.shown_text is not None:
            made, segs = replaced_segments(r.text, names)
            shown, segments = (r.shown_text, segs) if made == r.shown_text else (r.text, [])
        out.append({"turn": r.idx, "speaker": names.get(r.speaker) or r.speaker, "start": r.start, "end": r.end,
                    "text": r.text, "shown": shown, "segments": segments})
    return out


__all__ = ["passages", "overlapping", "excluding", "turn_texts", "shown_span"]
