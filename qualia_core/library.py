"""The document library: transcripts stored under the data dir, shared by the app and notebooks.

Each document is a folder `library/<id>/` holding the original file as uploaded and `entry.json`
(display name, format, counts, date added, speaker names). Writes are atomic: a document folder
is assembled under a temporary name and renamed into place; entry updates replace the file whole.
Speaker renames (pseudonyms) are applied whenever a document is read, so every analysis, chart
and export sees them; the original file is never modified.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from .atomic import atomic_write_json
from .document import Document, combine_documents
from .errors import LibraryError
from .text import count_words

log = logging.getLogger(__name__)

ENTRY = "entry.json"


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

    @property
    def shown_speakers(self) -> list[str]:
        return list(dict.fromkeys(self.speaker_map.get(s, s) for s in self.speakers))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def slugify(name: str) -> str:
    stem = unicodedata.normalize("NFKD", Path(name).stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "document"


def pseudonyms(speakers: list[str], prefix: str = "P") -> dict[str, str]:
    """P01, P02… in order of first appearance."""
    width = max(2, len(str(len(speakers))))
    return {s: f"{prefix}{i:0{width}d}" for i, s in enumerate(speakers, 1)}


class DocumentLibrary:
    def __init__(self, root: Path, parse: Callable[[bytes, str, str], Document]):
        """`parse(data, name, doc_id)` turns stored bytes into a Document (the core's format loaders)."""
        self.root = Path(root)
        self._parse = parse
        self._lock = threading.RLock()
        self._parsed: dict[str, tuple[tuple, Document]] = {}
        self._combined: tuple[tuple, Document] | None = None

    # -- reading --
    def _entry_path(self, doc_id: str) -> Path:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", doc_id or ""):
            raise LibraryError(f"'{doc_id}' is not a library document id")
        return self.root / doc_id / ENTRY

    def entry(self, doc_id: str) -> LibraryEntry:
        path = self._entry_path(doc_id)
        try:
            return LibraryEntry(**json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise LibraryError(f"No document '{doc_id}' in the library: it may have been deleted. "
                               "Reload the list to see what is there.") from None

    def list(self) -> list[LibraryEntry]:
        """Every document, oldest first. An unreadable entry is logged and skipped, never fatal."""
        entries = []
        if not self.root.is_dir():
            return entries
        for folder in self.root.iterdir():
            if folder.name.startswith(".") or not (folder / ENTRY).is_file():
                continue
            try:
                entries.append(self.entry(folder.name))
            except (ValueError, TypeError, LibraryError) as exc:
                log.warning("library entry %s unreadable: %s", folder.name, type(exc).__name__)
        return sorted(entries, key=lambda e: (e.added_at, e.id))

    def version(self, entries: list[LibraryEntry] | None = None) -> str:
        """A digest of what whole-library views depend on (each document's id, bytes and speaker names): it
        changes when a document is added, deleted, renamed as a file, restored, or its speakers renamed."""
        entries = self.list() if entries is None else entries
        state = [[e.id, e.sha256, sorted(e.speaker_map.items())] for e in entries]
        return hashlib.sha256(json.dumps(state, ensure_ascii=False).encode("utf-8")).hexdigest()

    def _original(self, doc_id: str, entry: LibraryEntry) -> Path:
        return self.root / doc_id / ("original" + Path(entry.source).suffix.lower())

    def get(self, doc_id: str) -> Document:
        """The document with its speaker names applied. Parsed once, re-read when the files change
        (a restore from backup is seen without a restart)."""
        entry_path = self._entry_path(doc_id)
        entry = self.entry(doc_id)
        original = self._original(doc_id, entry)
        try:
            stamps = tuple((s.st_ino, s.st_mtime_ns, s.st_size) for s in (entry_path.stat(), original.stat()))
        except FileNotFoundError:
            raise LibraryError(f"Document '{doc_id}' is incomplete in the library (its file is missing); "
                               "delete it and upload it again.") from None
        cached = self._parsed.get(doc_id)
        if cached and cached[0] == stamps:
            return cached[1]
        doc = self._parse(original.read_bytes(), entry.source, doc_id)
        doc.metadata.update(name=entry.name, added_at=entry.added_at)
        if entry.speaker_map:
            doc = doc.rename_speakers(entry.speaker_map)
        self._parsed[doc_id] = (stamps, doc)
        return doc

    def combined(self, doc_ids: list[str] | None = None) -> Document:
        """All documents (or the given ones) as one, for library-wide word, sentiment and speaker views."""
        ids = doc_ids if doc_ids is not None else [e.id for e in self.list()]
        docs = [self.get(i) for i in ids]
        key = tuple(map(id, docs))  # get() returns the same objects while the files are unchanged
        cached = self._combined
        if cached is None or cached[0] != key:
            cached = self._combined = (key, combine_documents(docs, doc_id=f"library-{len(ids)}"))
        return cached[1]

    # -- writing --
    def add(self, name: str, data: bytes) -> tuple[LibraryEntry, bool]:
        """Store an uploaded file. Returns (entry, added); the same bytes uploaded again return the
        existing entry with added=False. Raises DocumentError (naming the file) when it cannot be read."""
        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            for existing in self.list():
                if existing.sha256 == digest:
                    return existing, False
            doc_id = f"{slugify(name)}-{digest[:8]}"
            doc = self._parse(data, name, doc_id)  # raises DocumentError before anything is written
            entry = LibraryEntry(
                id=doc_id, name=Path(name).stem or name, source=Path(name).name, format=doc.metadata.get("format", "txt"),
                encoding=doc.metadata.get("encoding"), size_bytes=len(data), sha256=digest,
                speakers=doc.speakers, utterances=len(doc.utterances),
                words=sum(count_words(u.text) for u in doc.utterances),
                added_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            )
            self.root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".adding-", dir=self.root))
            try:
                (staging / ("original" + Path(name).suffix.lower())).write_bytes(data)
                atomic_write_json(staging / ENTRY, entry.to_dict())
                os.replace(staging, self.root / doc_id)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        log.info("library: added %s (%s, %d utterances)", doc_id, entry.format, entry.utterances)
        return entry, True

    def add_text(self, name: str, text: str) -> tuple[LibraryEntry, bool]:
        """Store pasted text as a .txt document."""
        filename = name if name.lower().endswith(".txt") else f"{name}.txt"
        return self.add(filename, text.encode("utf-8"))

    def _update(self, doc_id: str, **changes: Any) -> LibraryEntry:
        with self._lock:
            entry = self.entry(doc_id)
            for key, value in changes.items():
                setattr(entry, key, value)
            atomic_write_json(self._entry_path(doc_id), entry.to_dict())
            return entry

    def rename(self, doc_id: str, new_name: str) -> LibraryEntry:
        new_name = (new_name or "").strip()
        if not new_name:
            raise LibraryError("A document name cannot be empty.")
        return self._update(doc_id, name=new_name[:200])

    def set_speaker_names(self, doc_id: str, mapping: dict[str, str]) -> LibraryEntry:
        """Show speakers under other names (e.g. pseudonyms). Keys are the names in the original file;
        a name mapped to itself or to '' is restored. Two speakers may not share one new name."""
        entry = self.entry(doc_id)
        unknown = [s for s in mapping if s not in entry.speakers]
        if unknown:
            raise LibraryError(f"Document '{entry.name}' has no speaker(s) {', '.join(map(repr, unknown))}; "
                               f"its speakers are {', '.join(map(repr, entry.speakers))}.")
        merged = {**entry.speaker_map, **{k: v.strip() for k, v in mapping.items()}}
        merged = {k: v for k, v in merged.items() if v and v != k}
        shown = [merged.get(s, s) for s in entry.speakers]
        clashes = sorted({n for n in shown if shown.count(n) > 1})
        if clashes:
            raise LibraryError(f"Two speakers would both be called {', '.join(map(repr, clashes))}; "
                               "give each speaker a different name.")
        return self._update(doc_id, speaker_map=merged)

    def pseudonymise(self, doc_id: str, prefix: str = "P") -> LibraryEntry:
        entry = self.entry(doc_id)
        return self.set_speaker_names(doc_id, pseudonyms(entry.speakers, prefix))

    def delete(self, doc_id: str) -> None:
        path = self._entry_path(doc_id).parent
        with self._lock:
            if not path.is_dir():
                raise LibraryError(f"No document '{doc_id}' in the library.")
            trash = Path(tempfile.mkdtemp(prefix=f".deleting-{doc_id}-", dir=self.root))
            os.replace(path, trash)  # gone from the list at once; the files go after
            shutil.rmtree(trash, ignore_errors=True)
            self._parsed.pop(doc_id, None)
        log.info("library: deleted %s", doc_id)
