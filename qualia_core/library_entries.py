"""What the library says about a document (LibraryEntry), what became of an upload (AddReport), and the small
naming rules they follow (ids from file names, pseudonyms)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import LibraryError


@dataclass
class LibraryEntry:
    id: str
    name: str
    source: str
    format: str
    encoding: str | None
    size_bytes: int
    sha256: str
    speakers: list[str]
    utterances: int
    words: int
    added_at: str
    speaker_map: dict[str, str] = field(default_factory=dict)
    language: str | None = None
    participants: dict[str, str] = field(default_factory=dict)  # original speaker -> the study participant
    names_in_speech: bool = False  # the renamed speakers' names are replaced inside the speech too
    cleaned: str | None = None  # the sha256 of the cleaned version analyses use (qualia_core.cleaned_text); None: original

    @property
    def shown_speakers(self) -> list[str]:
        return list(dict.fromkeys(self.speaker_map.get(s, s) for s in self.speakers))

    @property
    def names_version(self) -> str:
        """A short digest of the names the document's speakers have now (shown names, participants, names in
        the speech or not): it changes whenever they do, so a form that shows them knows when it is out of date."""
        state = [sorted(self.speaker_map.items()), sorted(self.participants.items()), self.names_in_speech]
        return hashlib.sha256(json.dumps(state, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AddReport:
    """What became of each file of an upload: (file name, entry) added or already there; (file name, why) refused."""

    added: list[tuple[str, LibraryEntry]] = field(default_factory=list)
    existing: list[tuple[str, LibraryEntry]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.added)} added"]
        if self.existing:
            parts.append(f"{len(self.existing)} already in the library")
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        return ", ".join(parts) + "."


def slugify(name: str) -> str:
    stem = unicodedata.normalize("NFKD", Path(name).stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "document"


def pseudonyms(speakers: list[str], prefix: str = "P") -> dict[str, str]:
    """P01, P02… in order of first appearance."""
    width = max(2, len(str(len(speakers))))
    return {s: f"{prefix}{i:0{width}d}" for i, s in enumerate(speakers, 1)}


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite gives naive datetimes back; they were stored in UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat(timespec="seconds")


def entry_of(row, speakers, people: dict[int, str] | None = None) -> LibraryEntry:
    people = people or {}
    return LibraryEntry(id=row.id, name=row.name, source=row.source, format=row.format, encoding=row.encoding,
                        size_bytes=row.size_bytes, sha256=row.sha256, speakers=[sp.original for sp in speakers],
                        utterances=row.turn_count, words=row.word_count, added_at=iso(row.added_at),
                        speaker_map={sp.original: sp.shown for sp in speakers if sp.shown}, language=row.language,
                        participants={sp.original: people[sp.participant_id] for sp in speakers
                                      if sp.participant_id in people}, names_in_speech=bool(row.names_in_speech),
                        cleaned=row.cleaned)


def analysis_state(entry: LibraryEntry) -> list:
    """What analyses of a document depend on, for digests of the library (its file, speaker names, whether the
    names are replaced in the speech, and which cleaned version it uses)."""
    return [entry.id, entry.sha256, sorted(entry.speaker_map.items()), entry.names_in_speech, entry.cleaned]


ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")


def check_id(doc_id: str) -> str:
    """`doc_id` when it has the shape of a library document id (LibraryError otherwise)."""
    if not ID_RE.fullmatch(doc_id or ""):
        raise LibraryError(f"'{doc_id}' is not a library document id")
    return doc_id
