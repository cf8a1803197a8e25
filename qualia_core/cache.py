"""Result cache: JSON on disk under the data dir, with a small in-memory layer in front.

Keys come from the document's fingerprint (what analyses see), the plugin id and version, the
normalized config and the keys of the results it was computed from: a changed document, config,
plugin version or upstream result is a different entry. Entries are JSON (never pickle), written
atomically, and every `get` returns a fresh copy that callers may mutate.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from .atomic import atomic_write_text

log = logging.getLogger(__name__)


def cache_key(fingerprint: str, plugin_id: str, version: str, config: dict[str, Any],
              upstream: list[str] | None = None) -> str:
    payload = json.dumps([fingerprint, plugin_id, version, config, upstream or []],
                         sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResultCache:
    def __init__(self, directory: Path | None, memory_entries: int = 256):
        self.directory = Path(directory) if directory is not None else None
        self.memory_entries = memory_entries
        self._memory: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _path(self, plugin_id: str, key: str) -> Path:
        return self.directory / plugin_id / f"{key}.json"

    def _remember(self, key: str, text: str) -> None:
        with self._lock:
            self._memory[key] = text
            self._memory.move_to_end(key)
            while len(self._memory) > self.memory_entries:
                self._memory.popitem(last=False)

    def get(self, plugin_id: str, key: str) -> dict[str, Any] | None:
        with self._lock:
            text = self._memory.get(key)
            if text is not None:
                self._memory.move_to_end(key)
        if text is None and self.directory is not None:
            path = self._path(plugin_id, key)
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                text = None
            except OSError as exc:
                log.warning("cache entry %s unreadable (%s); recomputing", path.name, exc)
                text = None
            if text is not None:
                try:
                    json.loads(text)
                except ValueError:
                    log.warning("cache entry %s is corrupt; recomputing", path.name)
                    text = None
                else:
                    self._remember(key, text)
        if text is None:
            self.misses += 1
            return None
        self.hits += 1
        return json.loads(text)

    def put(self, plugin_id: str, key: str, result: dict[str, Any] | str) -> None:
        """Store a result (or its JSON text, when the caller already has it)."""
        text = result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)
        self._remember(key, text)
        if self.directory is not None:
            try:
                atomic_write_text(self._path(plugin_id, key), text, durable=False)
            except OSError as exc:  # a full disk must not fail the analysis
                log.warning("could not write cache entry for %s: %s", plugin_id, exc)

    def invalidate(self, plugin_id: str | None = None) -> None:
        """Forget every entry, or only those of one plugin."""
        with self._lock:
            self._memory.clear()
        if self.directory is None:
            return
        target = self.directory / plugin_id if plugin_id else self.directory
        shutil.rmtree(target, ignore_errors=True)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            in_memory = len(self._memory)
        return {"hits": self.hits, "misses": self.misses, "in_memory": in_memory,
                "directory": str(self.directory) if self.directory else None}
