"""The document library: a study's transcripts in the study database, shared by the app and notebooks.

Each document's metadata, turns and speakers are rows of the store (qualia_core.store); the original file is
kept as uploaded, content-addressed under the data dir (`files/<sha256><ext>`). A document is parsed once,
when it is added: reading it builds the turns from the database. Speaker renames (pseudonyms) are applied
whenever a document is read, so every analysis, chart and export sees them (and, with the document's option,
inside the speech: qualia_core.speech_names); the original file and turns are never modified. The store opens
on first use (SQLAlchemy stays out of `import qualia_core`); a library of the earlier layout
(`library/<id>/entry.json`) is moved in then, and a restored database file is seen without a restart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from .library_entries import AddReport, LibraryEntry, analysis_state, check_id as _check_id, entry_of, iso, pseudonyms
from .document import CombinedDocument, Document, Utterance
from .errors import LibraryError, QualiaError
from .names import check_name, check_names
from .speech_names import refresh_turns, set_names_in_speech

log = logging.getLogger(__name__)

FILES = "files"


class DocumentLibrary:
    def __init__(self, data_dir: Path, parse: Callable[[bytes, str, str], Document], database_url: str | None = None):
        """`parse(data, name, doc_id)` turns uploaded bytes into a Document (the core's format loaders);
        `database_url` defaults to the SQLite file in the data dir."""
        from .store import default_url  # the package is light; SQLAlchemy loads when the store opens

        self.data_dir = Path(data_dir)
        self.files = self.data_dir / FILES
        self.database_url = database_url or default_url(self.data_dir)
        self._parse = parse
        self._lock = threading.RLock()
        self._store = None
        self._stamp: tuple | None = None
        self._docs: dict[str, tuple[tuple, Document]] = {}
        self._combined: tuple[tuple, Document] | None = None

    # -- the store --
    def _file_stamp(self) -> tuple | None:
        """Which SQLite file the store has open (None for PostgreSQL): a restore replaces it."""
        if not self.database_url.startswith("sqlite:///"):
            return None
        try:
            st = os.stat(self.database_url[len("sqlite:///"):])
        except FileNotFoundError:
            return ("missing",)
        return (st.st_dev, st.st_ino)

    @property
    def store(self):
        """The study database, opened (and migrated, and the earlier library moved in) on first use."""
        with self._lock:
            stamp = self._file_stamp()
            if self._store is not None and stamp == ("missing",):
                stamp = self._wait_for_restore()
            if self._store is not None and stamp != self._stamp:
                log.info("library: the database file was replaced (a restore?); reopening it")
                self._store.close()
                self._store = None
                self._docs.clear()
            if self._store is None:
                from .store import Store
                from .store.legacy import import_legacy_library

                self._store = Store.open(self.database_url)
                self._stamp = self._file_stamp()
                import_legacy_library(self, self.data_dir / "library")
            return self._store

    def _wait_for_restore(self, seconds: float = 5.0) -> tuple | None:
        """The database file vanished under an open store: a restore is swapping the data dir (two renames).
        Wait for it to come back rather than create an empty study in the gap."""
        import time

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(0.02)
            stamp = self._file_stamp()
            if stamp != ("missing",):
                return stamp
        if not self.data_dir.exists():
            raise LibraryError(f"The data folder {self.data_dir} is missing (a restore that did not finish?). "
                               "Run `ops/scripts/backup.sh recover` to finish or undo it, or check the folder.")
        return ("missing",)  # the folder is there without a database: a new one is made

    # -- reading --
    def list(self) -> list[LibraryEntry]:
        """Every document, oldest first."""
        from sqlalchemy import select

        from .store import models as t

        with self.store.engine.connect() as c:  # one read transaction: a snapshot of the study
            rows = c.execute(select(t.documents).order_by(t.documents.c.added_at, t.documents.c.id)).all()
            speakers: dict[str, list] = {}
            for sp in c.execute(select(t.speakers).order_by(t.speakers.c.document_id, t.speakers.c.position)):
                speakers.setdefault(sp.document_id, []).append(sp)
            people = dict(c.execute(select(t.participants.c.id, t.participants.c.name)).all())
        return [entry_of(row, speakers.get(row.id, []), people) for row in rows]

    def entry(self, doc_id: str) -> LibraryEntry:
        from sqlalchemy import select

        from .store import models as t

        _check_id(doc_id)
        with self.store.engine.connect() as c:
            row = c.execute(select(t.documents).where(t.documents.c.id == doc_id)).first()
            if row is None:
                raise LibraryError(f"No document '{doc_id}' in the library: it may have been deleted. "
                                   "Reload the list to see what is there.")
            speakers = c.execute(select(t.speakers).where(t.speakers.c.document_id == doc_id)
                                 .order_by(t.speakers.c.position)).all()
            ids = {sp.participant_id for sp in speakers if sp.participant_id is not None}
            people = dict(c.execute(select(t.participants.c.id, t.participants.c.name)
                                    .where(t.participants.c.id.in_(ids))).all()) if ids else {}
        return entry_of(row, speakers, people)

    def version(self, entries: list[LibraryEntry] | None = None) -> str:
        """A digest of what whole-library views depend on (each document's id, bytes, speaker names and their
        option in the speech): it changes when a document is added, deleted, restored, or its speakers renamed."""
        entries = self.list() if entries is None else entries
        state = [analysis_state(e) for e in entries]
        return hashlib.sha256(json.dumps(state, ensure_ascii=False).encode("utf-8")).hexdigest()

    def get(self, doc_id: str) -> Document:
        """The document with its speaker names applied, built from its turns in the store (kept in memory
        until the document changes: a rename, speaker names, or another database after a restore)."""
        return self.get_many([doc_id])[0]

    def get_many(self, doc_ids: list[str]) -> list[Document]:
        """Several documents at once (as `get`): the ones not in memory are read in one query."""
        from sqlalchemy import func, select

        from .store import models as t

        for doc_id in doc_ids:
            _check_id(doc_id)
        store = self.store
        with store.engine.connect() as connection:
            rows = {r.id: r for r in connection.execute(select(t.documents).where(t.documents.c.id.in_(doc_ids)))}
            missing = [d for d in doc_ids if d not in rows]
            if missing:
                raise LibraryError(f"No document '{missing[0]}' in the library: it may have been deleted. "
                                   "Reload the list to see what is there.")
            keys = {d: (self._stamp, r.sha256, r.revision, r.name) for d, r in rows.items()}
            stale = [d for d in dict.fromkeys(doc_ids) if (self._docs.get(d) or (None,))[0] != keys[d]]
            if stale:
                names: dict[str, dict[str, str]] = {}
                for d, original, shown in connection.execute(
                        select(t.speakers.c.document_id, t.speakers.c.original, t.speakers.c.shown)
                        .where(t.speakers.c.document_id.in_(stale), t.speakers.c.shown.is_not(None))):
                    names.setdefault(d, {})[original] = shown
                turns: dict[str, list[Utterance]] = {d: [] for d in stale}
                for d, sp, start, end, text_ in connection.execute(  # the text analyses see (speech_names)
                        select(t.turns.c.document_id, t.turns.c.speaker, t.turns.c.start, t.turns.c.end,
                               func.coalesce(t.turns.c.shown_text, t.turns.c.text))
                        .where(t.turns.c.document_id.in_(stale)).order_by(t.turns.c.document_id, t.turns.c.idx)):
                    shown = names.get(d)
                    turns[d].append(Utterance(shown.get(sp, sp) if shown and sp else sp, text_, start, end))
                for d in stale:
                    r = rows[d]
                    metadata = {"source": r.source, "format": r.format, "encoding": r.encoding, "name": r.name,
                                "added_at": iso(r.added_at), "language": r.language,
                                "names_in_speech": bool(r.names_in_speech), "cleaned": r.cleaned is not None}
                    if names.get(d):
                        metadata["speaker_map"] = dict(names[d])
                    self._docs[d] = (keys[d], Document(d, "", turns[d], metadata))
        return [self._docs[d][1] for d in doc_ids]

    def original(self, doc_id: str) -> Path:
        """The file as it was uploaded."""
        entry = self.entry(doc_id)
        return self.files / (entry.sha256 + Path(entry.source).suffix.lower())

    def combined(self, doc_ids: list[str] | None = None) -> Document:
        """All documents (or the given ones) as one, for library-wide word views. Its turns are read only when
        an analysis runs on it: a result already in the cache is found by its fingerprint, which comes from
        the documents' files and speaker names (no turn is read to compute it)."""
        entries = self.list()
        by_id = {e.id: e for e in entries}
        ids = doc_ids if doc_ids is not None else [e.id for e in entries]
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise LibraryError(f"No document '{unknown[0]}' in the library: it may have been deleted.")
        state = [analysis_state(by_id[i]) for i in ids]
        fingerprint = hashlib.sha256(("combined\x1e" + json.dumps(state, ensure_ascii=False)).encode()).hexdigest()
        cached = self._combined
        if cached is None or cached[0] != fingerprint:
            doc = CombinedDocument(f"library-{len(ids)}", fingerprint, lambda: self.get_many(ids))
            cached = self._combined = (fingerprint, doc)
        return cached[1]

    # -- writing --
    def add(self, name: str, data: bytes, *, added_at: datetime | None = None, speaker_map: dict[str, str] | None = None,
            display_name: str | None = None, doc_id: str | None = None) -> tuple[LibraryEntry, bool]:
        """Store an uploaded file. Returns (entry, added); the same bytes uploaded again (by anyone, at the same
        moment too) return the existing entry with added=False. Raises DocumentError (naming the file) when it
        cannot be read, before anything is written. The keyword arguments keep what a document had when it
        moves in from elsewhere (the earlier library layout)."""
        from sqlalchemy.exc import IntegrityError

        from . import library_write as write

        upload = write.Upload(name, data, display_name, added_at=added_at, speaker_map=speaker_map, doc_id=doc_id)
        digest = write.check(upload)
        existing = write.existing(self, [digest]).get(digest)
        if existing is not None:
            return self.entry(existing), False
        ready = write.prepare(self, upload, digest)  # raises DocumentError before anything is written
        write.keep_file(self, ready)
        try:
            with self.store.transaction() as c:
                write.insert(c, [ready])
        except IntegrityError:
            existing = write.existing(self, [digest]).get(digest)
            if existing is None:
                raise LibraryError(f"Could not store {Path(name).name}: another document has the id {ready.doc_id}. "
                                   "Rename the file and upload it again.") from None
            return self.entry(existing), False
        log.info("library: added %s (%s, %d utterances)", ready.doc_id, ready.doc.metadata.get("format", "txt"),
                 len(ready.doc.utterances))
        return self.entry(ready.doc_id), True

    def add_all(self, uploads) -> list[tuple[LibraryEntry, bool]]:
        """Add many files (library_write.Upload) in one transaction, by the rules of `add`; (entry, added) each."""
        from .library_write import add_all

        return add_all(self, uploads)

    def add_many(self, files: Iterable[tuple[str, bytes]],
                 progress: Callable[[int, str], Any] | None = None) -> "AddReport":
        """Store several uploads: each is added, found already there, or refused with the reason naming it
        (one bad file never stops the others). `progress(done, name)` is called after each."""
        report = AddReport()
        for done, (name, data) in enumerate(files, 1):
            try:
                entry, added = self.add(name, data)
            except QualiaError as exc:
                report.refused.append((name, str(exc)))
            else:
                (report.added if added else report.existing).append((name, entry))
            if progress is not None:
                progress(done, name)
        return report

    def add_text(self, name: str, text: str) -> tuple[LibraryEntry, bool]:
        """Store pasted text as a .txt document."""
        filename = name if name.lower().endswith(".txt") else f"{name}.txt"
        return self.add(filename, text.encode("utf-8"))

    def _change(self, doc_id: str, change: Callable[[Any, Any], None]) -> LibraryEntry:
        """Run `change(connection, document row)` in one transaction and bump the document's revision, so every
        process sees the change."""
        from sqlalchemy import select, update

        from .store import models as t

        _check_id(doc_id)
        where = t.documents.c.id == doc_id
        with self._lock, self.store.transaction() as c:
            row = c.execute(select(t.documents).where(where).with_for_update()).first()
            if row is None:
                raise LibraryError(f"No document '{doc_id}' in the library.")
            change(c, row)
            c.execute(update(t.documents).where(where).values(revision=t.documents.c.revision + 1))
        return self.entry(doc_id)

    def rename(self, doc_id: str, new_name: str) -> LibraryEntry:
        new_name = check_name(new_name or "", "document name").strip()
        if not new_name:
            raise LibraryError("A document name cannot be empty.")
        from sqlalchemy import update

        from .store import models as t

        return self._change(doc_id, lambda c, row: c.execute(
            update(t.documents).where(t.documents.c.id == doc_id).values(name=new_name[:200])))

    def set_speaker_names(self, doc_id: str, mapping: dict[str, str]) -> LibraryEntry:
        """Show speakers under other names (e.g. pseudonyms). Keys are the names in the original file;
        a name mapped to itself or to '' is restored. Two speakers may not share one new name."""
        from sqlalchemy import select, update

        from .store import models as t

        check_names(mapping.values(), "speaker name")

        def change(c, row) -> None:
            speakers = c.execute(select(t.speakers).where(t.speakers.c.document_id == doc_id)
                                 .order_by(t.speakers.c.position)).all()
            by_name = {sp.original: sp for sp in speakers}
            unknown = [name for name in mapping if name not in by_name]
            if unknown:
                raise LibraryError(f"Document '{row.name}' has no speaker(s) {', '.join(map(repr, unknown))}; "
                                   f"its speakers are {', '.join(repr(sp.original) for sp in speakers)}.")
            merged = {sp.original: sp.shown for sp in speakers if sp.shown}
            merged.update({k: v.strip() for k, v in mapping.items()})
            merged = {k: v for k, v in merged.items() if v and v != k}
            shown = [merged.get(sp.original, sp.original) for sp in speakers]
            clashes = sorted({n for n in shown if shown.count(n) > 1})
            if clashes:
                raise LibraryError(f"Two speakers would both be called {', '.join(map(repr, clashes))}; "
                                   "give each speaker a different name.")
            for sp in speakers:
                if merged.get(sp.original) != sp.shown:
                    c.execute(update(t.speakers).where(t.speakers.c.document_id == doc_id,
                                                       t.speakers.c.original == sp.original)
                              .values(shown=merged.get(sp.original)))
            refresh_turns(c, doc_id)  # the names inside the speech follow, when that option is on

        return self._change(doc_id, change)

    def set_names_in_speech(self, doc_id: str, on: bool) -> LibraryEntry:
        """Replace the renamed speakers' names inside the speech too (qualia_core.speech_names), or no longer:
        the original turns are kept either way."""
        return self._change(doc_id, lambda c, row: set_names_in_speech(c, doc_id, on))

    def set_participants(self, doc_id: str, mapping: dict[str, str | None]) -> LibraryEntry:
        """Say who each speaker of a document is in the study (the same person across interviews): speaker (as
        in the file) -> participant name; '' or None unmaps. Participants are created as they are named, and
        one that no speaker is mapped to any more is removed."""
        from sqlalchemy import delete, insert, select, update

        from .store import models as t

        people, speakers = t.participants, t.speakers
        check_names(mapping.values(), "participant name")

        def change(c, row) -> None:
            known = set(c.execute(select(speakers.c.original).where(speakers.c.document_id == doc_id)).scalars())
            unknown = [name for name in mapping if name not in known]
            if unknown:
                raise LibraryError(f"Document '{row.name}' has no speaker(s) {', '.join(map(repr, unknown))}.")
            for original, person in mapping.items():
                person = (person or "").strip()[:200]
                person_id = None
                if person:
                    person_id = c.execute(select(people.c.id).where(people.c.name == person)).scalar()
                    if person_id is None:
                        person_id = c.execute(insert(people).values(name=person)).inserted_primary_key[0]
                c.execute(update(speakers).where(speakers.c.document_id == doc_id, speakers.c.original == original)
                          .values(participant_id=person_id))
            used = select(speakers.c.participant_id).where(speakers.c.participant_id.is_not(None))
            c.execute(delete(people).where(people.c.id.not_in(used)))

        return self._change(doc_id, change)

    def pseudonymise(self, doc_id: str, prefix: str = "P") -> LibraryEntry:
        entry = self.entry(doc_id)
        return self.set_speaker_names(doc_id, pseudonyms(entry.speakers, prefix))

    def delete(self, doc_id: str) -> None:
        from sqlalchemy import delete, select

        from .coding.store import forget_document
        from .store import models as t

        _check_id(doc_id)
        where = t.documents.c.id == doc_id
        with self._lock, self.store.transaction() as c:
            row = c.execute(select(t.documents.c.sha256, t.documents.c.source).where(where)).first()
            if row is None:
                raise LibraryError(f"No document '{doc_id}' in the library.")
            path = self.files / (row.sha256 + Path(row.source).suffix.lower())
            forget_document(c, doc_id)  # memos on it and its passages; the passages go by cascade
            c.execute(delete(t.documents).where(where))  # its turns and speakers go with it (ON DELETE CASCADE)
        path.unlink(missing_ok=True)  # its bytes are no other document's: sha256 is unique
        self._docs.pop(doc_id, None)
        log.info("library: deleted %s", doc_id)
