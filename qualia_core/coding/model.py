"""The coding model's records, as the rest of Qualia sees them (the store's rows are turned into these).

    Code     one code of the codebook; `path` is its place in the tree, "Parent › Child"
    Passage  words of one turn (character offsets in the turn's stored text) carrying one or more codes
    Memo     a note on the study (a journal), a document, a code or a passage

The DataFrame columns `Coding.passages` and `Coding.memos` return are fixed here too (PASSAGE_COLUMNS,
MEMO_COLUMNS): pages, the REST API, REFI-QDA exchange and the analytics rely on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SEPARATOR = " › "
TARGET_KINDS = ("study", "document", "code", "passage")

PASSAGE_COLUMNS = ["passage_id", "passage_guid", "code_id", "code", "document_id", "meeting", "turn", "speaker",
                   "participant", "start_time", "end_time", "start", "end", "text", "turn_text", "coder",
                   "coded_at", "memo"]
MEMO_COLUMNS = ["memo_id", "guid", "target_kind", "target_id", "target", "author", "created_at", "updated_at",
                "text"]


@dataclass(frozen=True)
class Code:
    id: int
    guid: str
    name: str
    parent_id: int | None
    color: str
    description: str
    path: str


@dataclass(frozen=True)
class Passage:
    id: int
    guid: str
    document_id: str
    turn: int
    start: int
    end: int
    coder: str
    created_at: datetime
    memo: str
    code_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Memo:
    id: int
    guid: str
    target_kind: str
    target_id: str | None
    author: str
    created_at: datetime
    text: str
    updated_at: datetime | None = None


__all__ = ["Code", "Passage", "Memo", "SEPARATOR", "TARGET_KINDS", "PASSAGE_COLUMNS", "MEMO_COLUMNS"]
