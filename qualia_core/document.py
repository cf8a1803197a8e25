"""The document model: a transcript as speaker turns, plus where it came from."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable


@dataclass(frozen=True, slots=True)
class Utterance:
    """One speaker turn. `start`/`end` are seconds from the start of the meeting, or None when unknown."""

    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "text": self.text, "start": self.start, "end": self.end}


@dataclass(eq=False)
class Document:
    """A transcript. `content` is the raw text; `utterances` the parsed speaker turns.

    Plain prose has utterances without speakers (one per paragraph). `metadata` holds at least
    `source` (file name), `format` and `encoding`.
    """

    id: str
    content: str
    utterances: list[Utterance] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        return list(dict.fromkeys(u.speaker for u in self.utterances if u.speaker))

    @cached_property
    def speech(self) -> str:
        """The spoken text only (no labels, timestamps or cue ids), one utterance per line."""
        return "\n".join(u.text for u in self.utterances)

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of what analyses see (speakers, texts, times): the cache key of this document."""
        joined = "\x1e".join([f"{u.speaker}\x1f{u.start}\x1f{u.end}\x1f{u.text}" for u in self.utterances])
        return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()

    def with_utterances(self, utterances: Iterable[Utterance], **metadata: Any) -> "Document":
        """A new document with other turns (cleaned, renamed speakers…) and the same raw content."""
        return Document(self.id, self.content, list(utterances), {**self.metadata, **metadata})

    def rename_speakers(self, mapping: dict[str, str]) -> "Document":
        """A copy where each speaker in `mapping` is shown under its new name (pseudonymisation)."""
        turns = [
            Utterance(mapping.get(u.speaker, u.speaker) if u.speaker else u.speaker, u.text, u.start, u.end)
            for u in self.utterances
        ]
        return self.with_utterances(turns, speaker_map=dict(mapping))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "metadata": dict(self.metadata),
            "speakers": self.speakers,
            "utterances": [u.to_dict() for u in self.utterances],
        }

    def __repr__(self) -> str:
        return (
            f"Document(id={self.id!r}, format={self.metadata.get('format')!r}, "
            f"utterances={len(self.utterances)}, speakers={len(self.speakers)})"
        )


def combine_documents(documents: list[Document], doc_id: str = "library") -> Document:
    """One document holding the turns of several, in order, for library-wide views.

    Times are dropped (each meeting starts at zero, so they would interleave); the turns keep their
    speakers, and `metadata["parts"]` lists (document id, first turn, turn count)."""
    turns: list[Utterance] = []
    parts = []
    for doc in documents:
        parts.append((doc.id, len(turns), len(doc.utterances)))
        turns.extend(Utterance(u.speaker, u.text) for u in doc.utterances)
    return Document(doc_id, "\n".join(d.content for d in documents), turns,
                    {"format": "combined", "source": f"{len(documents)} documents", "parts": parts})


class CombinedDocument(Document):
    """Several documents as one (as `combine_documents`), whose turns are read on first use: the library hands
    it out for whole-library views, whose cached results are found by the fingerprint alone."""

    def __init__(self, doc_id: str, fingerprint: str, load: Callable[[], list[Document]]):
        self.id, self.content, self._load, self._lock = doc_id, "", load, threading.Lock()
        self.metadata = {"format": "combined", "source": "the library"}
        self.__dict__["fingerprint"] = fingerprint  # the cached_property, known without the turns

    @property
    def utterances(self) -> list[Utterance]:
        with self._lock:
            if "_turns" not in self.__dict__:
                whole = combine_documents(self._load(), doc_id=self.id)
                self.metadata.update(whole.metadata)
                self.__dict__["_turns"] = whole.utterances
            return self.__dict__["_turns"]
