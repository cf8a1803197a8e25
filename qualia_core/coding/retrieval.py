"""Reading coded passages back: one DataFrame row per (passage, code) with the meeting, the speaker as shown, the
time, the coded words and their turn (PASSAGE_COLUMNS), filtered in the database; combinations of two codes
(overlapping, excluding); and a document's turn texts.

Offsets count characters in the turn's stored text. When a document replaces known names in the speech
(qualia_core.speech_names), `text` and `turn_text` show the shown text, the passage's offsets mapped onto it.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import CodingError
from ..speech_names import map_offset, replaced_segments
from .codes import _descendants, codebook, resolve
from .model import PASSAGE_COLUMNS


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


def shown_span(text: str, shown_text: str | None, start: int, end: int, speaker_map: dict | None,
               replacing: bool = True) -> tuple[str, int, int]:
    """(the turn as shown, the span's offsets in it) for a span of the stored `text`. `replacing`: the
    document's "names in the speech" option is on. Coding always shows the words as recorded (with names
    replaced when that option is on): a cleaned version (qualia_core.cleaned_text) also sets shown_text, but
    passages count in the recorded words, so its text is never what a passage is shown in."""
    if shown_text is None:
        return text, start, end
    made, segments = replaced_segments(text, speaker_map or {})
    if made != shown_text and not replacing:  # a cleaned version, names as recorded
        return text, start, end
    return made, map_offset(start, segments), map_offset(end, segments, end=True)


def passages(connection, code=None, document=None, speaker=None, coder=None, *, passage_ids=None,
             with_children: bool = False, texts: bool = True, lean: bool = False) -> pd.DataFrame:
    """The passages matching every filter given (each a value or a list), one row per (passage, code).
    `code` keeps the rows of that code (and, `with_children`, of the codes under it); `speaker` is a name as
    shown or as in the file. `texts=False` leaves `text` and `turn_text` empty (the analytics need neither:
    the turns' text is not even read); `lean=True` reads no turn at all, nor guid, time coded or memo (what
    coder agreement and the code × document matrix need: codes, documents, turns, offsets and coders)."""
    from sqlalchemy import and_, func, literal, select

    from ..store import models as t

    book = codebook(connection)
    paths = {c.id: c.path for c in book}
    p, pc, tu, d, s, pa = t.passages, t.passage_codes, t.turns, t.documents, t.speakers, t.participants
    texts = texts and not lean
    none = [literal(None).label(n) for n in ("speaker", "shown", "participant", "t0", "t1", "text", "shown_text")]
    turn_columns = none[:5] if lean else [tu.c.speaker, s.c.shown, pa.c.name.label("participant"),
                                          tu.c.start.label("t0"), tu.c.end.label("t1")]
    text_columns = (tu.c.text, tu.c.shown_text) if texts else none[5:]
    joined = pc.join(p, p.c.id == pc.c.passage_id)  # documents are few: read once, not joined 10,000 times
    if not lean:
        joined = (joined.join(tu, and_(tu.c.document_id == p.c.document_id, tu.c.idx == p.c.turn))
                  .outerjoin(s, and_(s.c.document_id == tu.c.document_id, s.c.original == tu.c.speaker))
                  .outerjoin(pa, pa.c.id == s.c.participant_id))
    guid, created, memo = ((literal(None).label("guid"), literal(None).label("created_at"), literal(None).label("memo"))
                           if lean else (p.c.guid, p.c.created_at, p.c.memo))
    query = (select(p.c.id, guid, pc.c.code_id, p.c.document_id, literal(None).label("name"), p.c.turn, *turn_columns,
                    p.c.start, p.c.end, *text_columns, p.c.coder, created, memo).select_from(joined))
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
    if names is not None and lean:
        raise CodingError("A lean read has no speakers to filter by.")
    if names is not None:
        names = [str(x) for x in names]
        query = query.where(func.coalesce(s.c.shown, tu.c.speaker).in_(names) | tu.c.speaker.in_(names))
    coders = _listed(coder)
    if coders is not None:
        query = query.where(p.c.coder.in_([str(x) for x in coders]))
    if passage_ids is not None:
        query = query.where(p.c.id.in_(list(passage_ids)))
    rows = connection.execute(query).all()
    documents, replacing = {}, set()
    for n, (i, name, names_in_speech) in enumerate(connection.execute(
            select(d.c.id, d.c.name, d.c.names_in_speech).order_by(d.c.added_at, d.c.id))):
        documents[i] = (n, name)
        if names_in_speech:
            replacing.add(i)
    # library order (oldest document first), turn, offsets; each passage's codes in codebook order
    order = {c.id: n for n, c in enumerate(book)}
    rows = [tuple(r) for r in rows]  # plain tuples: indexing a Row by name costs more than the query
    rows.sort(key=lambda r: (documents[r[3]][0], r[5], r[11], r[12], r[0], order.get(r[2], 0)))
    shown_docs = {r[3] for r in rows if r[14] is not None}
    maps = _speaker_maps(connection, shown_docs) if shown_docs else {}
    text, turn_text = [], []
    for r in rows:
        if not texts:
            text.append("")
            turn_text.append("")
            continue
        whole, a, b = shown_span(r[13], r[14], r[11], r[12], maps.get(r[3]), r[3] in replacing)
        text.append(whole[a:b])
        turn_text.append(whole)
    columns = list(zip(*rows)) if rows else [()] * 18
    frame = pd.DataFrame({
        "passage_id": np.asarray(columns[0], dtype="int64"), "passage_guid": list(columns[1]),
        "code_id": np.asarray(columns[2], dtype="int64"), "code": [paths.get(i) for i in columns[2]],
        "document_id": list(columns[3]), "meeting": [documents[i][1] for i in columns[3]],
        "turn": np.asarray(columns[5], dtype="int64"),
        "speaker": [shown or label for label, shown in zip(columns[6], columns[7])], "participant": list(columns[8]),
        "start_time": np.asarray([float("nan") if v is None else v for v in columns[9]], dtype="float64"),
        "end_time": np.asarray([float("nan") if v is None else v for v in columns[10]], dtype="float64"),
        "start": np.asarray(columns[11], dtype="int64"), "end": np.asarray(columns[12], dtype="int64"),
        "text": text, "turn_text": turn_text, "coder": list(columns[15]),
        "coded_at": pd.to_datetime(list(columns[16]), utc=True), "memo": [m or "" for m in columns[17]],
    }, columns=PASSAGE_COLUMNS)
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

    found = connection.execute(select(t.documents.c.names_in_speech)
                               .where(t.documents.c.id == document_id)).first()
    if not found:
        raise CodingError(f"No document '{document_id}' in the library: it may have been deleted.")
    names = _speaker_maps(connection, [document_id]).get(document_id, {})
    out = []
    for r in connection.execute(select(t.turns).where(t.turns.c.document_id == document_id).order_by(t.turns.c.idx)):
        shown, segments = r.text, []
        if r.shown_text is not None:  # names replaced in the speech, or a cleaned version (see shown_span)
            made, segs = replaced_segments(r.text, names)
            shown, segments = (made, segs) if (made == r.shown_text or found.names_in_speech) else (r.text, [])
        out.append({"turn": r.idx, "speaker": names.get(r.speaker) or r.speaker, "start": r.start, "end": r.end,
                    "text": r.text, "shown": shown, "segments": segments})
    return out


__all__ = ["passages", "overlapping", "excluding", "turn_texts", "shown_span"]
