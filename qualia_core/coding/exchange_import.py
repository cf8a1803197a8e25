"""A REFI-QDA project read into the study, all or nothing.

Everything is worked out before anything is written: each source is parsed as the library will parse it (a
transcript when it looks like one; otherwise the library's reading of prose, a turn per paragraph), its turns are
found in its text (source_text.Alignment), and every selection is mapped to the turns it covers. A selection
spanning several turns becomes one passage per turn, each on the words selected in that turn (coding whole
turns would code words nobody selected); the first piece keeps the selection's GUID, its memo and its notes.
A selection coded by several users becomes a passage per coder (a Qualia passage has one coder). Then the
documents are added, and the codebook, passages (code_many) and memos are written in one transaction; if any of
it fails, the transaction rolls back and the documents this import added are deleted: the study is as before.
The documents go in together (library.add_all: one transaction, each source parsed once, by the plan).

GUIDs are kept, so importing the same project again adds nothing twice (codes, passages and memos already there
are counted as existing); a code whose GUID is new but whose name is taken under the same parent is that code.
Coders and memo authors come in as names (no accounts are made). A note nobody points at becomes a study memo;
one that several things point at, a memo on each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..errors import DocumentError, ExchangeError, QualiaError
from ..library_write import Upload
from ..refi import Project, derived_guid, walk
from .source_text import Alignment


@dataclass
class ImportSummary:
    source: str
    documents_added: list[str] = field(default_factory=list)  # document ids
    documents_existing: list[str] = field(default_factory=list)
    codes_added: int = 0
    codes_existing: int = 0
    passages: int = 0
    passages_existing: int = 0
    memos: int = 0
    memos_existing: int = 0
    coders: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what was left out, and why

    def summary(self) -> str:
        parts = [f"{len(self.documents_added)} documents added" + (
                     f" ({len(self.documents_existing)} already in the study)" if self.documents_existing else ""),
                 f"{self.codes_added} codes added ({self.codes_existing} already there)",
                 f"{self.passages} passages coded" + (
                     f" ({self.passages_existing} already there)" if self.passages_existing else ""),
                 f"{self.memos} memos" + (f" ({self.memos_existing} already there)" if self.memos_existing else ""),
                 f"coders: {', '.join(self.coders) or 'none'}"]
        text = f"Imported {self.source}: " + "; ".join(parts) + "."
        if self.skipped:
            text += f" Left out {len(self.skipped)}: " + "; ".join(self.skipped[:5]) + (
                "…" if len(self.skipped) > 5 else "")
        return text


def _color(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()
    if len(value) == 4:  # #rgb
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value


def add_codes(connection, codes, author: str | None) -> tuple[dict[str, int], int]:
    """Add the REFI code tree `codes` in the caller's transaction; returns (guid -> code id, how many added)."""
    from . import codes as _codes

    book = _codes.codebook(connection)
    by_guid = {c.guid.lower(): c.id for c in book}
    by_place = {(c.parent_id, c.name.casefold()): c.id for c in book}
    ids: dict[str, int] = {}
    added = 0
    for code, parent in walk(codes):
        parent_id = ids[parent.guid] if parent is not None else None
        found = by_guid.get(code.guid) or by_place.get((parent_id, code.name.strip().casefold()))
        if found is None:
            try:
                made = _codes.add_code(connection, code.name, parent_id, _color(code.color), code.description,
                                       guid=code.guid, created_by=author)
            except QualiaError as exc:
                raise ExchangeError(f"the code '{code.name}'", str(exc)) from None
            found, added = made.id, added + 1
            by_place[(parent_id, made.name.casefold())] = found
        ids[code.guid] = found
    return ids, added


@dataclass
class _Plan:
    documents: list = field(default_factory=list)  # library_write.Upload: file name, bytes, display name, parsed
    passages: list[tuple[int, dict, list[str]]] = field(default_factory=list)  # (source, row, code guids)
    first_piece: dict[str, int] = field(default_factory=dict)  # selection guid -> index in passages
    memos: list[tuple[str, str, object, str, str, datetime | None]] = field(default_factory=list)


def _file_name(name: str) -> str:
    safe = "".join("-" if ch in '/\\:\0' else ch for ch in name).strip() or "source"
    return safe if safe.lower().endswith(".txt") else f"{safe}.txt"


def plan_import(project: Project, source: str, fallback: str, max_bytes: int | None) -> tuple[_Plan, ImportSummary]:
    """Everything the import will write, checked; ExchangeError names the first thing that cannot be imported."""
    from .. import formats

    users = project.user_names()
    plan, summary = _Plan(), ImportSummary(source)
    summary.skipped.extend(project.skipped)
    coders: set[str] = set()
    notes_on: dict[str, list[tuple[str, object]]] = {n.guid: [] for n in project.notes}
    for n, src in enumerate(project.sources):
        where = f"{source}, source '{src.name}'"
        data = src.text.encode("utf-8")
        name = _file_name(src.name)
        try:
            doc = formats.parse_bytes(data, name, max_bytes=max_bytes or formats.DEFAULT_MAX_BYTES)
        except DocumentError as exc:
            raise ExchangeError(where, exc.reason) from None
        # parsed once: the library keeps this reading when it was made under the library's own limit (max_bytes)
        plan.documents.append(Upload(name, data, src.name[:200] or name, parsed=doc if max_bytes else None))
        align = Alignment(src.text, [u.text for u in doc.utterances])
        if align.missing is not None and src.selections:
            raise ExchangeError(where, f"its turn {align.missing + 1} cannot be found in its text, so its "
                                       "selections cannot be placed")
        for ref in src.note_refs:
            notes_on[ref].append(("document", n))
        for sel in src.selections:
            pieces = align.pieces(sel.start, sel.end)
            kept = False
            if not sel.codings:
                summary.skipped.append(f"selection {sel.guid} of '{src.name}' (it has no code)")
            elif not pieces:
                summary.skipped.append(f"selection {sel.guid} of '{src.name}' (it covers no speech, only "
                                       "speaker labels or times)")
            else:
                by_coder: dict[str, list] = {}
                for coding in sel.codings:
                    who = users.get(coding.user_guid or "") or users.get(sel.user_guid or "") or fallback
                    by_coder.setdefault(who, []).append(coding)
                for c_index, (who, codings) in enumerate(by_coder.items()):
                    coders.add(who)
                    times = [c.created_at for c in codings if c.created_at] or [sel.created_at]
                    for p_index, (turn, start, end) in enumerate(pieces):
                        first = c_index == 0 and p_index == 0
                        guid = sel.guid if first else derived_guid("passage", sel.guid, who, str(turn))
                        if first:
                            plan.first_piece[sel.guid] = len(plan.passages)
                        row = dict(turn=turn, start=start, end=end, coder=who, guid=guid,
                                   memo=sel.description if p_index == 0 else "",
                                   created_at=min((t for t in times if t), default=None))
                        plan.passages.append((n, row, [c.code_guid for c in codings]))
                kept = True
            for ref in sel.note_refs:  # a selection left out keeps its notes on its document
                notes_on[ref].append(("passage", sel.guid) if kept else ("document", n))
    for code, _ in walk(project.codes):
        for ref in code.note_refs:
            notes_on[ref].append(("code", code.guid))
    for ref in project.note_refs:
        notes_on[ref].append(("study", None))
    for note in project.notes:
        if not note.text.strip():
            summary.skipped.append(f"note '{note.name}' (it is empty)")
            continue
        author = users.get(note.user_guid or "") or fallback
        for i, (kind, target) in enumerate(notes_on[note.guid] or [("study", None)]):
            guid = note.guid if i == 0 else derived_guid("memo", note.guid, kind, str(target))
            plan.memos.append((guid, kind, target, note.text, author, note.created_at))
    summary.coders = sorted(coders)
    return plan, summary


def import_project(coding, project: Project, source: str, *, coder: str | None = None,
                   max_bytes: int | None = None) -> ImportSummary:
    """Write `project` into the study behind `coding`, all or nothing; returns what was done."""
    from sqlalchemy import select

    from ..store import models as t
    from . import memos as _memos
    from . import passages as _passages
    from .api import default_coder

    users = project.user_names()
    fallback = coder or users.get(project.user_guid or "") or default_coder()
    plan, summary = plan_import(project, source, fallback, max_bytes)
    library = coding.library
    doc_ids: list[str] = []
    try:
        for entry, added in library.add_all(plan.documents):  # one transaction, each source parsed once
            doc_ids.append(entry.id)
            (summary.documents_added if added else summary.documents_existing).append(entry.id)
        with library.store.transaction() as c:
            code_ids, summary.codes_added = add_codes(c, project.codes, fallback)
            summary.codes_existing = len(code_ids) - summary.codes_added
            guids = [row["guid"] for _, row, _ in plan.passages]
            have = set()
            for i in range(0, len(guids), 5000):
                have.update(c.execute(select(t.passages.c.guid).where(t.passages.c.guid.in_(guids[i:i + 5000])))
                            .scalars())
            rows, index = [], []
            for k, (n, row, code_guids) in enumerate(plan.passages):
                if row["guid"] in have:
                    continue
                rows.append(dict(row, document_id=doc_ids[n], codes=[code_ids[g] for g in code_guids]))
                index.append(k)
            summary.passages_existing = len(plan.passages) - len(rows)
            try:
                summary.passages, ids = _passages.code_many(c, rows)
            except QualiaError as exc:
                raise ExchangeError(source, str(exc)) from None
            passage_of = dict(zip(index, ids))
            by_guid = dict(c.execute(select(t.passages.c.guid, t.passages.c.id)
                                     .where(t.passages.c.guid.in_(list(plan.first_piece)))).all()
                           ) if plan.first_piece else {}
            memo_guids = [m[0] for m in plan.memos]
            known = set(c.execute(select(t.memos.c.guid).where(t.memos.c.guid.in_(memo_guids))).scalars()
                        ) if memo_guids else set()
            for guid, kind, target, text, author, created in plan.memos:
                if guid in known:
                    summary.memos_existing += 1
                    continue
                if kind == "document":
                    target = doc_ids[target]
                elif kind == "code":
                    target = code_ids[target]
                elif kind == "passage":
                    k = plan.first_piece[target]
                    target = passage_of.get(k) or by_guid.get(target)
                try:
                    _memos.add_memo(c, kind, target, text, author, guid=guid, created_at=created)
                except QualiaError as exc:
                    raise ExchangeError(source, f"the note {guid}: {exc}") from None
                summary.memos += 1
    except BaseException:
        for doc_id in summary.documents_added:
            try:
                library.delete(doc_id)
            except QualiaError:
                pass
        raise
    return summary


__all__ = ["ImportSummary", "add_codes", "import_project", "plan_import"]
