"""Whole-library views, computed once per version of the library and shared by every session.

    views = core.library_views
    result = views.corpus(["speaker_stats", "word_frequency"], executor=pool, progress=...)
    counts = views.word_counts()                  # for keyness (qualia_core.corpus_views)
    rows = views.concordance("remote control")    # keyword in context across the meetings, attributed

A version is `DocumentLibrary.version()`: adding, deleting or restoring a document, or renaming its speakers,
makes a new one, and the views are computed again (from the result cache where the analyses are unchanged).
A corpus run with failures is not kept, so the next call tries the failed documents again. What is returned
is shared: read it, do not change it. Every row names its meeting: speakers of different meetings are never
merged (a "Project Manager" of twenty meetings is twenty speakers).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .corpus import failures, run_corpus
from .corpus_views import WordCounts, word_counts
from .search import documents_with
from .text import WORD_RE

KEEP = 8  # views of one library version kept (a corpus result per plugin set, concordances per query)


@dataclass(frozen=True)
class ConcordanceLine:
    document_id: str
    meeting: str
    speaker: str | None
    turn: int
    start: float | None
    left: str
    match: str
    right: str
    position: float  # where in its meeting, 0..1 (by time when timed, else by turn order)


class LibraryViews:
    def __init__(self, core):
        self.core = core
        self._lock = threading.Lock()
        self._memo: OrderedDict[tuple, Any] = OrderedDict()

    def _remember(self, key: tuple, value: Any) -> Any:
        with self._lock:
            self._memo[key] = value
            self._memo.move_to_end(key)
            while len(self._memo) > KEEP:
                self._memo.popitem(last=False)
        return value

    def _known(self, key: tuple) -> Any:
        with self._lock:
            return self._memo.get(key)

    def _study(self) -> str:
        """The study's stoplist as a key: the views are computed again when it changes."""
        return json.dumps(self.core.study_words().as_parameters(), sort_keys=True)

    def _corpus_key(self, entries, plugin_ids: Sequence[str], configs: Mapping[str, Any] | None) -> tuple:
        return ("corpus", self.core.library.version(entries), self._study(), tuple(plugin_ids),
                json.dumps(configs or {}, sort_keys=True, default=str))

    def known_corpus(self, plugin_ids: Sequence[str], configs: Mapping[str, Any] | None = None):
        """The corpus result of this library version when it was computed already, else None."""
        return self._known(self._corpus_key(self.core.library.list(), plugin_ids, configs))

    def corpus(self, plugin_ids: Sequence[str], configs: Mapping[str, Any] | None = None, executor=None,
               progress=None) -> dict[str, dict[str, Any]]:
        """run_corpus over every library document (speaker names applied): doc id -> plugin id -> result."""
        library = self.core.library
        entries = library.list()
        key = self._corpus_key(entries, plugin_ids, configs)
        if (known := self._known(key)) is not None:
            return known
        documents = library.get_many([e.id for e in entries])
        result = run_corpus(self.core, documents, list(plugin_ids), dict(configs or {}), executor=executor,
                            progress=progress)
        return result if failures(result) else self._remember(key, result)

    def word_counts(self) -> WordCounts:
        """Word counts of every library document per speaker (qualia_core.corpus_views), for keyness, with the
        study's stoplist."""
        library = self.core.library
        entries = library.list()
        study = self.core.study_words().as_parameters()
        key = ("counts", library.version(entries), json.dumps(study, sort_keys=True))
        if (known := self._known(key)) is not None:
            return known
        return self._remember(key, word_counts([library.get(e.id) for e in entries], **study))

    def concordance(self, query: str, *, window: int = 8, whole_words: bool = True, case_sensitive: bool = False,
                    max_lines: int = 2000) -> tuple[list[ConcordanceLine], int]:
        """Keyword in context across the library: (the first `max_lines` lines in library and turn order, every
        occurrence counted). When the query is whole words, only meetings whose turns hold all of them (the
        library search) are read; keyword_in_context then gives the exact matches, each document's result
        cached."""
        library = self.core.library
        entries = library.list()
        key = ("concordance", library.version(entries), query, window, whole_words, case_sensitive, max_lines)
        if (known := self._known(key)) is not None:
            return known
        words = query.split()
        if whole_words and words and all(WORD_RE.fullmatch(w) for w in words):  # the index can narrow it down
            candidates = documents_with(library, " ".join(words))
        else:  # digits, signs or parts of words: the index has no such tokens; every meeting is read
            candidates = {e.id for e in entries}
        lines: list[ConcordanceLine] = []
        total = 0
        config = {"query": query, "window": window, "whole_words": whole_words, "case_sensitive": case_sensitive,
                  "max_hits": max_lines}
        for entry in entries:
            if entry.id not in candidates:
                continue
            result = self.core.execute_plugin("keyword_in_context", library.get(entry.id), config)
            total += result["total_hits"]
            for hit in result["hits"]:
                if len(lines) < max_lines:
                    lines.append(ConcordanceLine(entry.id, entry.name, hit["speaker"], hit["utterance_index"],
                                                 hit["start"], hit["left"], hit["match"], hit["right"],
                                                 hit["position"]))
        return self._remember(key, (lines, total))


__all__ = ["LibraryViews", "ConcordanceLine"]
