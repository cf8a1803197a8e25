"""The study store to and from REFI-QDA (`qualia_core.refi`): what `core.export_qdpx`, `core.import_qdpx` and
`core.codes.export_qdc` / `import_qdc` do.

Export: each document becomes a TextSource whose text is its transcript as lines (see source_text.py: speakers
and speech as shown: pseudonyms go out in place of the speakers' names), each passage a PlainTextSelection at its words
(the turn's offsets moved to that line) carrying one Coding per code, by the coder as a User; the passage's memo
is the selection's Description; memos become Notes, pointed at by the study (project), a document (source), a
code or a passage (selection). GUIDs are the study's own (codes, passages, memos), or fixed by what they stand
for (a document by its file's sha256, a user by name, a coding by passage and code), so two exports of a
study differ only in their creation time.

Import (exchange_import.py) reads a project back into the study, keeping GUIDs, all or nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..refi import Code as RefiCode
from ..refi import Coding as RefiCoding
from ..refi import Note, Project, Selection, Source, User, derived_guid, read_qdc, write_qdc, write_qdpx
from .source_text import render


def user_guid(name: str) -> str:
    return derived_guid("user", name)


def document_guid(sha256: str) -> str:
    return derived_guid("document", sha256)


def _when(value) -> datetime | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def refi_codes(codebook) -> list[RefiCode]:
    """The study's codebook (Coding.codebook(), tree order) as REFI code roots."""
    made: dict[int, RefiCode] = {}
    roots: list[RefiCode] = []
    for code in codebook:
        node = RefiCode(guid=code.guid, name=code.name, color=code.color, description=code.description or "")
        made[code.id] = node
        (made[code.parent_id].children if code.parent_id in made else roots).append(node)
    return roots


def _note_name(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "Memo"
    return first if len(first) <= 60 else first[:59] + "…"


def build_project(coding, documents=None, *, name: str = "Qualia study") -> Project:
    """The study (or the `documents` given by id) as a REFI-QDA Project."""
    from ..speech_names import map_offset

    library = coding.library
    entries = {e.id: e for e in library.list()}
    ids = list(entries) if documents is None else [library.entry(d).id for d in documents]
    codebook = coding.codebook()
    code_guid = {c.id: c.guid for c in codebook}
    project = Project(name=name, origin="Qualia", created_at=datetime.now(timezone.utc).replace(microsecond=0),
                      codes=refi_codes(codebook))
    users: dict[str, User] = {}

    def user(who: str | None) -> str | None:
        if not who:
            return None
        if who not in users:
            users[who] = User(user_guid(who), who)
        return users[who].guid

    frame = coding.passages(document=ids) if ids else None
    passage_guid: dict[str, str] = {}
    turn_of: dict[str, int] = {}  # where each selection lies, until the text is rendered
    selections: dict[str, dict[str, Selection]] = {}
    if frame is not None and len(frame):
        frame = frame.sort_values(["document_id", "turn", "start", "end", "passage_id", "code_id"], kind="stable")
        for row in frame.itertuples(index=False):
            sel = selections.setdefault(row.document_id, {}).get(row.passage_guid)
            who = user(row.coder)
            when = _when(row.coded_at)
            if sel is None:
                sel = Selection(guid=row.passage_guid, start=int(row.start), end=int(row.end), user_guid=who,
                                created_at=when, description=row.memo or "")
                turn_of[row.passage_guid] = int(row.turn)
                selections[row.document_id][row.passage_guid] = sel
                passage_guid[str(row.passage_id)] = row.passage_guid
            cg = code_guid[int(row.code_id)]
            sel.codings.append(RefiCoding(derived_guid("coding", row.passage_guid, cg), cg, who, when))
    by_doc_sel: dict[str, Selection] = {}
    for doc_id in ids:
        entry = entries[doc_id]
        turns = coding.turn_texts(doc_id)
        rendered = render(turns)
        src = Source(guid=document_guid(entry.sha256), name=entry.name, text=rendered.text,
                     created_at=_when(entry.added_at))
        for sel in selections.get(doc_id, {}).values():
            turn = turns[turn_of[sel.guid]]
            segments = turn.get("segments") or []
            start, end = sel.start, sel.end
            if segments:
                start, end = map_offset(start, segments), map_offset(end, segments, end=True)
            base = rendered.bodies[turn_of[sel.guid]]
            sel.start, sel.end = base + start, base + end
            src.selections.append(sel)
            by_doc_sel[sel.guid] = sel
        project.sources.append(src)
    source_of = {doc_id: src for doc_id, src in zip(ids, project.sources)}
    code_of = {str(c.id): node for c, node in zip(codebook, _flat(project.codes, codebook))}
    for memo in coding.memos().itertuples(index=False):
        kind, target = memo.target_kind, memo.target_id
        if kind == "study":
            holder = project
        elif kind == "document":
            holder = source_of.get(target)
        elif kind == "code":
            holder = code_of.get(str(target))
        else:
            holder = by_doc_sel.get(passage_guid.get(str(target), ""))
        if holder is None:  # a memo on a document (or its passage) left out of this export
            continue
        project.notes.append(Note(memo.guid, _note_name(memo.text), memo.text, user(memo.author),
                                  _when(memo.created_at), _when(memo.updated_at)))
        holder.note_refs.append(memo.guid)
    project.users = sorted(users.values(), key=lambda u: u.name)
    return project


def _flat(roots: list[RefiCode], codebook) -> list[RefiCode]:
    """The REFI nodes in the codebook's order (refi_codes keeps it: tree order)."""
    by_guid = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        by_guid[node.guid] = node
        stack.extend(node.children)
    return [by_guid[c.guid] for c in codebook]


def export_qdpx(coding, path: str | Path, documents=None, *, name: str = "Qualia study") -> Path:
    """Write the study (or `documents`) as a .qdpx at `path`, atomically; returns the path."""
    return write_qdpx(build_project(coding, documents, name=name), path)


def export_qdc(coding, path: str | Path) -> Path:
    """Write the codebook as a REFI-QDA .qdc at `path`, atomically."""
    return write_qdc(refi_codes(coding.codebook()), path)


def import_qdc(coding, path: str | Path, *, author: str | None = None) -> dict:
    """Add the .qdc's codes to the codebook (one transaction): a code whose GUID, or name under the same parent,
    is already there is kept as it is. Returns {"added": n, "existing": n}."""
    from .exchange_import import add_codes

    codes = read_qdc(path)
    with coding.library.store.transaction() as c:
        ids, added = add_codes(c, codes, author)
    return {"added": added, "existing": len(ids) - added}


def import_qdpx(coding, path: str | Path, *, coder: str | None = None, max_bytes: int | None = None):
    """Read a .qdpx into the study (see exchange_import.import_project); returns an ImportSummary."""
    from ..refi import Limits, read_qdpx
    from .exchange_import import import_project

    limits = Limits(source_bytes=max_bytes) if max_bytes else Limits()
    return import_project(coding, read_qdpx(path, limits=limits), Path(path).name, coder=coder, max_bytes=max_bytes)


__all__ = ["build_project", "export_qdpx", "export_qdc", "import_qdc", "import_qdpx", "refi_codes", "user_guid",
           "document_guid"]
