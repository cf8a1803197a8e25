"""How a document is written into the library: one upload (`DocumentLibrary.add`) or many at once (`add_all`).

Both follow the same rules, written once here: the file name is checked; the bytes' sha256 finds a document
already there (the same bytes are never stored twice); the file is parsed by the core's loaders (its size limit,
QUALIA_MAX_DOCUMENT_MB, and DocumentError naming it) before anything is written; the original bytes are kept under
`files/<sha256><ext>` (atomically); the document's row, its turns and its speakers are inserted in one transaction,
and the database's triggers (SQLite) or expression index (PostgreSQL) put the turns in the full-text index.

`add_all` parses every file first (the first that cannot be read raises, naming it, and nothing is written), then
inserts all the new ones in a single transaction: a few statements for any number of documents instead of a
transaction and three statements each, and the new turns indexed for search in one statement (on SQLite, instead
of the trigger row by row: store.search.indexed_together). Should that transaction meet a
clash (another process adding the same bytes at the same moment, or an id already taken), it is rolled back and
the files are added one by one, where `add` settles each clash as it always does.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from .atomic import atomic_write_bytes
from .document import Document
from .library_entries import LibraryEntry, check_id, slugify
from .names import check_names
from .text import count_words, detect_language

log = logging.getLogger(__name__)

_CHUNK = 500  # ids per IN (...) query


@dataclass
class Upload:
    """One file to add: its name (with the extension that says its format), its bytes, and optionally the name to
    show, the document it was already parsed into (by the same loaders), and what a document moving in keeps."""

    name: str
    data: bytes
    display_name: str | None = None
    parsed: Document | None = None
    added_at: datetime | None = None
    speaker_map: dict[str, str] | None = None
    doc_id: str | None = None


@dataclass
class _Ready:
    upload: Upload
    digest: str
    doc_id: str
    doc: Document


def check(upload: Upload) -> str:
    """The upload's sha256, after its names are checked (NameError-like LibraryError naming the bad one)."""
    check_names([Path(upload.name).name, upload.display_name], "file name")
    return hashlib.sha256(upload.data).hexdigest()


def prepare(library, upload: Upload, digest: str) -> _Ready:
    """Parse the upload as the library stores it (DocumentError naming the file; nothing is written)."""
    doc_id = check_id(upload.doc_id) if upload.doc_id else f"{slugify(upload.name)}-{digest[:8]}"
    doc = upload.parsed if upload.parsed is not None else library._parse(upload.data, upload.name, doc_id)
    return _Ready(upload, digest, doc_id, doc)


def keep_file(library, ready: _Ready) -> None:
    """The original bytes, content-addressed (the same bytes make the same file: an existing one is kept)."""
    path = library.files / (ready.digest + Path(ready.upload.name).suffix.lower())
    if not path.exists():
        atomic_write_bytes(path, ready.upload.data)


def rows(ready: _Ready) -> tuple[dict, list[dict], list[dict]]:
    """The document's row, its turns and its speakers, as the store keeps them."""
    up, doc = ready.upload, ready.doc
    texts = [u.text for u in doc.utterances]
    document = dict(id=ready.doc_id, name=(up.display_name or Path(up.name).stem or up.name)[:200],
                    source=Path(up.name).name[:255], format=doc.metadata.get("format", "txt"),
                    encoding=doc.metadata.get("encoding"), language=detect_language("\n".join(texts[:400])),
                    size_bytes=len(up.data), sha256=ready.digest, turn_count=len(texts),
                    word_count=sum(map(count_words, texts)),
                    added_at=up.added_at or datetime.now(timezone.utc).replace(microsecond=0), revision=0)
    turns = [{"document_id": ready.doc_id, "idx": i, "speaker": u.speaker, "start": u.start, "end": u.end,
              "text": u.text} for i, u in enumerate(doc.utterances)]
    speakers = [{"document_id": ready.doc_id, "original": sp, "position": i,
                 "shown": (up.speaker_map or {}).get(sp) or None} for i, sp in enumerate(doc.speakers)]
    return document, turns, speakers


def insert(connection, ready: Sequence[_Ready], *, index_together: bool = False) -> None:
    """Insert the documents, their turns and speakers in the caller's transaction (an executemany each);
    `index_together`: the turns enter the full-text index in one statement at the end (store.search)."""
    from contextlib import nullcontext

    from sqlalchemy import insert as sql_insert

    from .store import models as t
    from .store.search import indexed_together

    documents, turns, speakers = [], [], []
    for r in ready:
        document, its_turns, its_speakers = rows(r)
        documents.append(document)
        turns.extend(its_turns)
        speakers.extend(its_speakers)
    if documents:  # first: the transaction is open before the index's trigger may be set aside
        connection.execute(sql_insert(t.documents), documents)
    with indexed_together(connection) if index_together and turns else nullcontext():
        for i in range(0, len(turns), 20_000):  # bounded statements: the driver holds one batch's parameters
            connection.execute(sql_insert(t.turns), turns[i:i + 20_000])
    if speakers:
        connection.execute(sql_insert(t.speakers), speakers)


def existing(library, digests: Iterable[str]) -> dict[str, str]:
    """sha256 -> id of the documents already in the library with those bytes."""
    from sqlalchemy import select

    from .store import models as t

    digests = list(dict.fromkeys(digests))
    found: dict[str, str] = {}
    with library.store.engine.connect() as c:
        for i in range(0, len(digests), _CHUNK):
            found.update(c.execute(select(t.documents.c.sha256, t.documents.c.id)
                                   .where(t.documents.c.sha256.in_(digests[i:i + _CHUNK]))).all())
    return found


def add_all(library, uploads: Sequence[Upload]) -> list[tuple[LibraryEntry, bool]]:
    """Add `uploads` in one transaction, all or nothing; (entry, added) for each, in order (added=False: the same
    bytes were already in the library, or earlier in `uploads`). The first file that cannot be read raises
    DocumentError naming it, before anything is written."""
    from sqlalchemy.exc import IntegrityError

    digests = [check(u) for u in uploads]
    there = existing(library, digests)
    first: dict[str, int] = {}  # sha256 -> index of the upload that adds it
    ready: list[_Ready] = []
    for i, (upload, digest) in enumerate(zip(uploads, digests)):
        if digest not in there and digest not in first:
            first[digest] = i
            ready.append(prepare(library, upload, digest))
    if ready:
        for r in ready:
            keep_file(library, r)
        try:
            with library.store.transaction() as c:
                insert(c, ready, index_together=True)
        except IntegrityError:  # a clash with a concurrent add or a taken id: settled file by file
            log.info("library: a batch of %d met a clash; adding its files one by one", len(ready))
            return _one_by_one(library, uploads)
        log.info("library: added %d documents in one transaction", len(ready))
    ids = {**there, **{r.digest: r.doc_id for r in ready}}
    entries = {e.id: e for e in library.list()}
    return [(entries[ids[d]], first.get(d) == i) for i, d in enumerate(digests)]


def _one_by_one(library, uploads: Sequence[Upload]) -> list[tuple[LibraryEntry, bool]]:
    """`add` for each upload, all or nothing: if one fails, the documents added before it are deleted again."""
    done: list[tuple[LibraryEntry, bool]] = []
    try:
        for u in uploads:
            done.append(library.add(u.name, u.data, added_at=u.added_at, speaker_map=u.speaker_map,
                                    display_name=u.display_name, doc_id=u.doc_id))
    except BaseException:
        for entry, added in done:
            if added:
                library.delete(entry.id)
        raise
    return done


__all__ = ["Upload", "add_all", "check", "prepare", "keep_file", "insert", "rows", "existing"]
