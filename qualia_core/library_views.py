"""Whole-library views, computed once per version of the library and shared by every session.

    views = core.library_views
    result = views.corpus(["speaker_stats", "word_frequency"], executor=pool, progress=...)
    counts = views.word_counts()                  # for keyness (qualia_core.corpus_views)

A version is `DocumentLibrary.version()`: adding, deleting or restoring a document, or renaming its speakers,
makes a new one, and the views are computed again (from the result cache where the analyses are unchanged).
A corpus run with failures is not kept, so the next call tries the failed documents again. What is returned
is shared: read it, do not change it.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Mapping, Sequence

from .corpus import failures, run_corpus
from .corpus_views import WordCounts, word_counts


class LibraryViews:
    def __init__(self, core):
        self.core = core
        self._lock = threading.Lock()
        self._corpus: tuple[tuple, dict] | None = None
        self._counts: tuple[str, WordCounts] | None = None

    def corpus(self, plugin_ids: Sequence[str], configs: Mapping[str, Any] | None = None, executor=None,
               progress=None) -> dict[str, dict[str, Any]]:
        """run_corpus over every library document (speaker names applied): doc id -> plugin id -> result."""
        library = self.core.library
        entries = library.list()
        key = (library.version(entries), tuple(plugin_ids), json.dumps(configs or {}, sort_keys=True, default=str))
        with self._lock:
            if self._corpus is not None and self._corpus[0] == key:
                return self._corpus[1]
        documents = [library.get(e.id) for e in entries]
        result = run_corpus(self.core, documents, list(plugin_ids), dict(configs or {}), executor=executor,
                            progress=progress)
        if not failures(result):
            with self._lock:
                self._corpus = (key, result)
        return result

    def word_counts(self) -> WordCounts:
        """Word counts of every library document per speaker (qualia_core.corpus_views), for keyness."""
        library = self.core.library
        entries = library.list()
        version = library.version(entries)
        with self._lock:
            if self._counts is not None and self._counts[0] == version:
                return self._counts[1]
        counts = word_counts([library.get(e.id) for e in entries])
        with self._lock:
            self._counts = (version, counts)
        return counts


__all__ = ["LibraryViews"]
