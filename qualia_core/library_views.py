"""Whole-library views, computed once per version of the library and shared by every session.

    views = core.library_views
    result = views.corpus(["speaker_stats", "word_frequency"], executor=pool, progress=...)
    counts = views.word_counts()                  # for keyness (qualia_core.corpus_views)
    rows = views.concordance("remote control")    # keyword in context across the meetings, attributed
    study = views.collocates({"node": "design*"})  # collocates of the study: the meetings' counts as one text

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

from .collocation import merge, rank
from .concordance import sort_lines
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
                    accent_sensitive: bool = False, wildcards: bool = True, sort: str = "position",
                    max_lines: int = 2000) -> tuple[list[ConcordanceLine], int]:
        """Keyword in context across the library: (the first `max_lines` lines in the order of `sort`, which is
        library and turn order by default, every occurrence counted). When the query is whole words (and
        prefixes, design*), only meetings whose turns hold all of them (the library search) are read;
        keyword_in_context then gives the exact matches, each document's result cached. Each meeting lists its
        first `max_lines` in the order of `sort`, so the merged list is the library's first `max_lines`."""
        library = self.core.library
        entries = library.list()
        key = ("concordance", library.version(entries), query, window, whole_words, case_sensitive, accent_sensitive,
               wildcards, sort, max_lines)
        if (known := self._known(key)) is not None:
            return known
        words = query.strip().strip('"\u201c\u201d').split()
        if whole_words and words and all(WORD_RE.fullmatch(w[:-1] if wildcards and w.endswith("*") else w)
                                         for w in words):  # the index can narrow it down
            candidates = documents_with(library, " ".join(words))
        else:  # digits, signs, parts of words or inner wildcards: not in the index; every meeting is read
            candidates = {e.id for e in entries}
        lines: list[ConcordanceLine] = []
        total = 0
        config = {"query": query, "window": window, "whole_words": whole_words, "case_sensitive": case_sensitive,
                  "accent_sensitive": accent_sensitive, "wildcards": wildcards, "sort": sort, "max_hits": max_lines}
        for entry in entries:
            if entry.id not in candidates:
                continue
            result = self.core.execute_plugin("keyword_in_context", library.get(entry.id), config)
            total += result["total_hits"]
            for hit in result["hits"]:
                if len(lines) < max_lines or sort != "position":
                    lines.append(ConcordanceLine(entry.id, entry.name, hit["speaker"], hit["utterance_index"],
                                                 hit["start"], hit["left"], hit["match"], hit["right"],
                                                 hit["position"]))
            if sort != "position" and len(lines) > max_lines:  # keeps memory at two meetings' lines
                lines = sort_lines(lines, sort)[:max_lines]
        if sort != "position":
            lines = sort_lines(lines, sort)[:max_lines]
        return self._remember(key, (lines, total))

    def collocates(self, config: Mapping[str, Any], progress=None) -> dict[str, Any]:
        """The collocates plugin over every meeting, its counts added up and scored as one text (the study):
        {node_frequency, total_tokens, span, collocates (ranked rows, as the plugin's), meetings: [(document id,
        meeting, occurrences of the node)] for the meetings that say it, parameters_used}. Each meeting's
        counts are cached with the plugin's results; one meeting's counts are in memory at a time. `progress(done,
        total)` is called after each meeting."""
        library = self.core.library
        entries = library.list()
        # the study stoplist fills the plugin's stopword parameters: part of the key, as for the counts
        key = ("collocates", library.version(entries), self._study(),
               json.dumps(dict(config), sort_keys=True, default=str))
        if (known := self._known(key)) is not None:
            return known
        meetings: list[tuple[str, str, int]] = []
        used: dict[str, Any] = {}

        def results():
            for done, entry in enumerate(entries, 1):
                result = self.core.execute_plugin("collocates", library.get(entry.id), dict(config))
                if progress is not None:
                    progress(done, len(entries))
                used.update(result["parameters_used"])
                if result["node_frequency"]:
                    meetings.append((entry.id, entry.name, result["node_frequency"]))
                yield result

        counts = merge(results())
        if not used:  # an empty library: the plugin's defaults, checked
            used = self.core.validate("collocates", dict(config))
        span = used["left_span"] + used["right_span"]
        rows = rank(counts, span=span, min_frequency=used["min_frequency"], sort_by=used["sort_by"],
                    limit=used["max_collocates"])
        return self._remember(key, {"node_frequency": counts["node_frequency"], "total_tokens": counts["total_tokens"],
                                    "span": span, "collocates": rows, "meetings": meetings, "parameters_used": used})


__all__ = ["LibraryViews", "ConcordanceLine"]
