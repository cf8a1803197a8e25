"""What run_corpus returns: every document's results by plugin, read from the result cache when asked for.

A CorpusResult holds each result's cache key (and failures in their place), not the results themselves, so a
run over a whole study keeps no more than a few bytes a result in memory; `result[doc_id]` reads that
document's results (a fresh copy each time, as the cache gives). It is a read-only Mapping: iterate it,
compare it with a dict, pass it to the corpus views. A result that left the cache since the run (it was
emptied) reads as a failure in its place saying to run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping


@dataclass(frozen=True)
class StoredResult:
    plugin_id: str
    key: str


class CorpusResult(Mapping[str, dict[str, Any]]):
    def __init__(self, cache, refs: dict[str, dict[str, Any]]):
        self._cache = cache
        self._refs = refs

    def __getitem__(self, doc_id: str) -> dict[str, Any]:
        entries = {}
        for pid, ref in self._refs[doc_id].items():
            if isinstance(ref, StoredResult):
                found = self._cache.get(ref.plugin_id, ref.key)
                entries[pid] = found if found is not None else {
                    "error": f"The result of {pid} is no longer in the cache (it was emptied): run the corpus again.",
                    "error_type": "ResultGone"}
            else:
                entries[pid] = ref
        return entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._refs)

    def __len__(self) -> int:
        return len(self._refs)

    def __repr__(self) -> str:
        return f"CorpusResult({len(self._refs)} documents)"


__all__ = ["CorpusResult", "StoredResult"]
