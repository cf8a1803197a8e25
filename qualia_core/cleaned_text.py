"""The cleaned version of a document: teams_cleaner's output saved beside the original, used by every analysis.

    use_cleaned_text(core, doc_id)     # run the cleaner on the original turns; analyses now see the cleaned text
    restore_original(core.library, doc_id)   # analyses see the original again (one click on the Library page)

The cleaned version keeps the document's turns: their numbers, speakers and times stay those of the original
(so a search hit, a KWIC line and the original transcript name the same turn), and each turn's text is the
cleaner's (markers such as {disfmarker} and [inaudible] out, whitespace collapsed). A turn the cleaner drops (a
system line such as "Recording started", or a turn with nothing but markers) becomes empty: it is in no count,
concordance or sentiment. The cleaner runs per turn (consecutive turns are not merged, speaker labels are not
changed: renaming is the Library's job); its other options are the caller's.

It is stored as `turns.clean_text`, with `documents.cleaned` naming the version (a digest of its texts). What
analyses see goes through the one path that known names in the speech take (speech_names.refresh_turns writes
`turns.shown_text`): the search index follows by its triggers, the document's revision is bumped so every
process reads it again, and its fingerprint, the result cache's key, changes with the text. The original turns
are never modified.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .document import Document, Utterance
from .errors import LibraryError
from .library_entries import LibraryEntry, check_id
from .speech_names import refresh_turns

CLEANER = "teams_cleaner"
#: Options forced when the cleaner's output becomes a version of the document: one cleaned turn per turn.
PER_TURN = {"merge_consecutive": False, "normalize_speakers": False, "strip_guest_suffix": False}


def original_document(library, doc_id: str) -> Document:
    """The document's turns as they are in the file (no cleaning, no names replaced, labels as written)."""
    from sqlalchemy import select

    from .store import models as t

    check_id(doc_id)
    with library.store.engine.connect() as c:
        rows = c.execute(select(t.turns.c.speaker, t.turns.c.text, t.turns.c.start, t.turns.c.end)
                         .where(t.turns.c.document_id == doc_id).order_by(t.turns.c.idx)).all()
    entry = library.entry(doc_id)  # LibraryError when there is no such document
    return Document(doc_id, "", [Utterance(*row) for row in rows], {"name": entry.name, "format": entry.format})


def cleaned_texts(turns: int, result: dict[str, Any]) -> list[str]:
    """Each original turn's text in a teams_cleaner `result` ('' for a turn it dropped)."""
    texts = [""] * turns
    for index, turn in zip(result["source_turns"], result["cleaned_utterances"]):
        texts[index] = turn["text"]
    return texts


def use_cleaned_text(core, doc_id: str, config: dict[str, Any] | None = None) -> LibraryEntry:
    """Run teams_cleaner (with `config`, per turn: PER_TURN) on the original turns of a library document and make
    its output the text every analysis, search and export of the document sees. Returns the updated entry."""
    original = original_document(core.library, doc_id)
    if not original.utterances:
        raise LibraryError(f"Document '{original.metadata['name']}' has no turns to clean.")
    result = core.execute_plugin(CLEANER, original, {**(config or {}), **PER_TURN})
    texts = cleaned_texts(len(original.utterances), result)
    digest = hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()
    originals = [u.text for u in original.utterances]
    # the library's one way to change a document (a transaction that bumps its revision), as speaker names use it
    return core.library._change(doc_id, lambda c, row: _store(c, doc_id, texts, originals, digest))


def restore_original(library, doc_id: str) -> LibraryEntry:
    """Analyses see the document's original text again (the cleaned version is forgotten)."""
    return library._change(doc_id, lambda c, row: _store(c, doc_id, None, None, None))


def _store(connection, doc_id: str, texts: list[str] | None, originals: list[str] | None, digest: str | None) -> None:
    """Write the cleaned texts (None: forget them) inside the library's change transaction, then bring what
    analyses see in step."""
    from sqlalchemy import and_, bindparam, update

    from .store import models as t

    connection.execute(update(t.turns).where(t.turns.c.document_id == doc_id).values(clean_text=None))
    if texts is not None:
        changed = [{"doc": doc_id, "i": i, "clean": text} for i, (text, was) in enumerate(zip(texts, originals))
                   if text != was]
        if changed:
            connection.execute(update(t.turns).where(and_(t.turns.c.document_id == bindparam("doc"),
                                                          t.turns.c.idx == bindparam("i")))
                               .values(clean_text=bindparam("clean")), changed)
    connection.execute(update(t.documents).where(t.documents.c.id == doc_id).values(cleaned=digest))
    refresh_turns(connection, doc_id)


__all__ = ["use_cleaned_text", "restore_original", "original_document", "cleaned_texts", "CLEANER", "PER_TURN"]
