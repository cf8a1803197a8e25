"""A REFI-QDA project as plain dataclasses: what a `.qdpx` (or a `.qdc` codebook) holds that Qualia exchanges.

Users, a code tree, text sources with their plain text, PlainTextSelections (start and end count characters of
that text, end exclusive) each with its codings (a code and the user who applied it), and notes (memos) that
sources, codes, selections and the project point at with NoteRefs. GUIDs are kept as lower-case
`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (the schema also allows upper case and braces; the reader normalises).
Nothing here knows about the study store: `qualia_core.coding.exchange` maps a study to and from a Project.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterator

# Qualia's own namespace for the GUIDs it derives (users from names, codings from passage + code): the same input
# gives the same GUID in every export, so two exports of one study agree.
QUALIA_NAMESPACE = uuid.UUID("6f1c0a1e-5b0e-4d4b-9a57-2f4b1f0c9e11")


def derived_guid(*parts: str) -> str:
    """A GUID fixed by `parts` (uuid5 in Qualia's namespace)."""
    return str(uuid.uuid5(QUALIA_NAMESPACE, "\x1f".join(parts)))


def new_guid() -> str:
    return str(uuid.uuid4())


@dataclass
class User:
    guid: str
    name: str


@dataclass
class Code:
    guid: str
    name: str
    color: str | None = None  # "#rrggbb"
    description: str = ""
    codable: bool = True
    children: list["Code"] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class Coding:
    guid: str
    code_guid: str
    user_guid: str | None = None
    created_at: datetime | None = None


@dataclass
class Selection:
    guid: str
    start: int
    end: int
    user_guid: str | None = None
    created_at: datetime | None = None
    description: str = ""  # Qualia: the passage's memo
    name: str | None = None
    codings: list[Coding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class Source:
    guid: str
    name: str
    text: str
    user_guid: str | None = None
    created_at: datetime | None = None
    description: str = ""
    selections: list[Selection] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class Note:
    guid: str
    name: str
    text: str
    user_guid: str | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None


@dataclass
class Project:
    name: str
    origin: str = "Qualia"
    user_guid: str | None = None
    created_at: datetime | None = None
    description: str = ""
    users: list[User] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)  # the roots of the code tree
    sources: list[Source] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)  # notes on the project as a whole
    skipped: list[str] = field(default_factory=list)  # what the reader left out (a PDF or audio source), named

    def walk_codes(self) -> Iterator[tuple[Code, Code | None]]:
        """Every code of the tree with its parent (None for a root), parents before children."""
        return walk(self.codes)

    def user_names(self) -> dict[str, str]:
        """guid -> name of each user."""
        return {u.guid: u.name for u in self.users}


def walk(codes: list[Code], parent: Code | None = None) -> Iterator[tuple[Code, Code | None]]:
    for code in codes:
        yield code, parent
        yield from walk(code.children, code)


def normal_guid(value: str) -> str:
    """`{ABCD…}` or `ABCD…` -> `abcd…`: the form the model keeps."""
    return value.strip().strip("{}").lower()
