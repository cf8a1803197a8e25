"""`Coding`: the coding model of one study, as notebooks, pages, the REST API and REFI-QDA exchange call it
(`core.codes`). Each method is one transaction on the study store; see the package docstring for an example.

A code argument accepts a Code, its id, or its name or path ("Parent › Child"); an unknown one raises
CodingError naming it and listing close names. Offsets count characters in the turn's stored text (what
`turn_texts` returns as `text`); no offsets code the whole turn.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from . import codes as _codes
from . import memos as _memos
from . import passages as _passages
from . import retrieval as _retrieval
from .model import Code, Memo, Passage

_UNSET: Any = object()


def default_coder() -> str:
    """The coder when none is given (sign-in off, a notebook): the OS user."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment (a container without $USER)
        return "researcher"


class Coding:
    def __init__(self, library, core=None):
        """`library`: the core's DocumentLibrary (its `store` is the study database, reopened after a restore);
        `core`: the QualiaCore that runs plugins (KWIC auto-coding needs it)."""
        self.library = library
        self._run = core.execute_plugin if core is not None else None

    def _write(self):
        return self.library.store.transaction()

    def _read(self):
        return self.library.store.engine.connect()

    # -- the codebook --
    def add_code(self, name: str, parent=None, color: str | None = None, description: str = "", *,
                 guid: str | None = None, created_by: str | None = None) -> Code:
        with self._write() as c:
            return _codes.add_code(c, name, parent, color, description, guid=guid, created_by=created_by)

    def codebook(self) -> list[Code]:
        """Every code, in tree order (each code followed by its children)."""
        with self._read() as c:
            return _codes.codebook(c)

    def get_code(self, code) -> Code:
        with self._read() as c:
            return _codes.resolve(_codes.codebook(c), code)

    def rename_code(self, code, name: str) -> Code:
        with self._write() as c:
            return _codes.rename_code(c, code, name)

    def move_code(self, code, parent) -> Code:
        with self._write() as c:
            return _codes.move_code(c, code, parent)

    def merge_codes(self, source, into) -> Code:
        with self._write() as c:
            return _codes.merge_codes(c, source, into)

    def delete_code(self, code) -> list[int]:
        """Delete the code, its children, their codings (passages left with no code go too) and memos."""
        with self._write() as c:
            return _codes.delete_code(c, code)

    def set_code_color(self, code, color: str) -> Code:
        with self._write() as c:
            return _codes.set_code_color(c, code, color)

    def describe_code(self, code, description: str) -> Code:
        with self._write() as c:
            return _codes.describe_code(c, code, description)

    def update_code(self, code, *, name=_UNSET, parent=_UNSET, color=_UNSET, description=_UNSET) -> Code:
        """Rename, move (parent None: the top), recolour and describe a code in one transaction: all or none."""
        with self._write() as c:
            found = _codes.resolve(_codes.codebook(c), code)
            if name is not _UNSET:
                found = _codes.rename_code(c, found.id, name)
            if parent is not _UNSET:
                found = _codes.move_code(c, found.id, parent)
            if color is not _UNSET:
                found = _codes.set_code_color(c, found.id, color)
            if description is not _UNSET:
                found = _codes.describe_code(c, found.id, description)
            return found

    # -- passages --
    def code(self, document_id: str, turn: int, start: int | None = None, end: int | None = None, codes=_UNSET,
             coder: str = _UNSET, memo: str = "", *, guid: str | None = None, created_at=None) -> Passage:
        """Code words of one turn (offsets in its stored text; none: the whole turn) with one or more codes.
        The same span by the same coder again adds only the codes it lacks. `coder` defaults to the OS user."""
        row = dict(document_id=document_id, turn=turn, start=start, end=end,
                   codes=None if codes is _UNSET else codes, coder=default_coder() if coder is _UNSET else coder,
                   memo=memo,
                   guid=guid, created_at=created_at)
        with self._write() as c:
            _, ids = _passages.code_many(c, [row])
            return _passages.get_passage(c, ids[0])

    def code_many(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Code many passages in one transaction (dicts with the keys of `code`); all are checked before any is
        written. Returns how many passages were created or given a code they lacked."""
        with self._write() as c:
            return _passages.code_many(c, list(rows))[0]

    def passage(self, passage_id: int) -> Passage:
        with self._read() as c:
            return _passages.get_passage(c, passage_id)

    def uncode(self, passage_id: int, codes=None) -> Passage | None:
        """Take codes off a passage (None: all of them); one left without codes is deleted (None returned)."""
        with self._write() as c:
            return _passages.uncode(c, passage_id, codes)

    def set_passage_memo(self, passage_id: int, text: str) -> Passage:
        with self._write() as c:
            return _passages.set_passage_memo(c, passage_id, text)

    def passages(self, code=None, document=None, speaker=None, coder=None, *, with_children: bool = False
                 ) -> pd.DataFrame:
        """One row per (passage, code) with meeting, speaker as shown, time, coded words and their turn
        (qualia_core.coding.PASSAGE_COLUMNS). Each filter takes a value or a list."""
        with self._read() as c:
            return _retrieval.passages(c, code, document, speaker, coder, with_children=with_children)

    def overlapping(self, a, b) -> pd.DataFrame:
        """Passages of code `a` overlapping a passage of code `b` in the same turn."""
        with self._read() as c:
            return _retrieval.overlapping(c, a, b)

    def excluding(self, a, b) -> pd.DataFrame:
        """Passages of code `a` overlapping no passage of code `b`."""
        with self._read() as c:
            return _retrieval.excluding(c, a, b)

    def turn_texts(self, document_id: str) -> list[dict]:
        """Each turn: turn, speaker, start, end, text (stored: offsets count in it), shown (what pages show),
        segments (the offset map between them: qualia_core.speech_names.map_offset)."""
        with self._read() as c:
            return _retrieval.turn_texts(c, document_id)

    # -- memos --
    def add_memo(self, target_kind: str, target_id, text: str, author: str, *, guid: str | None = None,
                 created_at=None) -> Memo:
        with self._write() as c:
            return _memos.add_memo(c, target_kind, target_id, text, author, guid=guid, created_at=created_at)

    def update_memo(self, memo_id: int, text: str, author: str) -> Memo:
        with self._write() as c:
            return _memos.update_memo(c, memo_id, text, author)

    def delete_memo(self, memo_id: int) -> None:
        with self._write() as c:
            _memos.delete_memo(c, memo_id)

    def memo(self, memo_id: int) -> Memo:
        with self._read() as c:
            return _memos.get_memo(c, memo_id)

    def memos(self, target_kind: str | None = None, target_id=None) -> pd.DataFrame:
        with self._read() as c:
            return _memos.memos(c, target_kind, target_id)

    # -- analytics (pure functions over the passages table: matrices, agreement, quotes) --
    def matrix(self, by: str = "document", *, counts: bool = True, documents=None) -> pd.DataFrame:
        """A code × document / speaker / participant table of passages (counts, or 1/0 presence), or code ×
        code co-occurrence (`by="code"`: passages sharing a turn). Rows are every code, in codebook order."""
        from .matrices import matrix

        with self._read() as c:
            book = _codes.codebook(c)
            frame = _retrieval.passages(c, document=documents, texts=False, lean=by in ("document", "code"))
        return matrix(frame, by, counts=counts, codes=[code.path for code in book])

    def agreement(self, coder_a: str, coder_b: str, documents=None, *, by_document: bool = False) -> pd.DataFrame:
        """One row per code: percent agreement, Cohen's kappa and Krippendorff's alpha over every character of
        the compared documents (those both coders coded, by default), with the character counts."""
        from .agreement import agreement
        from .store import turn_length_lists

        docs = None if documents is None else _retrieval._listed(documents)
        with self._read() as c:
            frame = _retrieval.passages(c, coder=[coder_a, coder_b], document=docs, lean=True)
            lengths = turn_length_lists(c, docs if docs is not None else set(frame["document_id"]))
        names = dict(zip(frame["document_id"], frame["meeting"]))
        units = frame[["passage_id", "code", "document_id", "coder", "turn", "start", "end"]].astype(
            {"code": object, "document_id": object, "coder": object})  # plain objects: ~2x faster to group
        return agreement(units, coder_a, coder_b, lengths, docs, by_document=by_document, names=names)

    def disagreements(self, coder_a: str, coder_b: str, documents=None) -> pd.DataFrame:
        """The passages where the two coders differ (rows of `passages` with `coverage`: the share of the
        passage the other coder also coded with that code)."""
        from .agreement import disagreements

        docs = None if documents is None else _retrieval._listed(documents)
        return disagreements(self.passages(coder=[coder_a, coder_b], document=docs), coder_a, coder_b, docs)

    def export_quotes(self, path, fmt: str | None = None, code=None, document=None, speaker=None, coder=None, *,
                      header: Mapping[str, Any] | None = None):
        """Write the quotes of the passages matching the filters (as `passages`), grouped by code, as CSV, XLSX
        or a Word document (`fmt` defaults to the file's extension); never half a file. Returns the path."""
        from .quotes import export_quotes

        return export_quotes(self.passages(code, document, speaker, coder), path, fmt, header)

    # -- auto-coding --
    def autocode_preview(self, query: str, *, kind: str = "search", documents=None, **options) -> pd.DataFrame:
        """The passages `autocode` would write for every hit of `query` (nothing is written): document_id,
        meeting, turn, speaker, start_time, start, end (offsets in the stored text), text, turn_text (as shown).
        `kind` is "search" (the library search) or "kwic" (the keyword_in_context plugin; `options`:
        case_sensitive, whole_words)."""
        from .autocode import preview

        return preview(self.library, self._run, query, kind=kind, documents=documents, **options)

    def autocode(self, query: str, codes, coder: str, *, kind: str = "search", documents=None, memo: str = "",
                 **options) -> int:
        """Code every hit of `query` with `codes` (one transaction). Returns how many passages were created or
        given a code they lacked (spans this coder already coded with these codes are skipped)."""
        from .autocode import preview, rows

        frame = preview(self.library, self._run, query, kind=kind, documents=documents, **options)
        return self.code_many(rows(frame, codes, coder, memo)) if len(frame) else 0

    # -- REFI-QDA codebook --
    def export_qdc(self, path) -> "Path":
        """The codebook as a REFI-QDA .qdc (NVivo, ATLAS.ti, MAXQDA, QualCoder), written atomically."""
        from .exchange import export_qdc

        return export_qdc(self, path)

    def import_qdc(self, path, *, author: str | None = None) -> dict:
        """Add a .qdc's codes (one transaction; codes already there by GUID or name are kept): {added, existing}."""
        from .exchange import import_qdc

        return import_qdc(self, path, author=author)

    def __repr__(self) -> str:
        return f"Coding({self.library.database_url!r})"


__all__ = ["Coding", "default_coder"]
