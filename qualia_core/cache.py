"""Result cache: JSON on disk under the data dir, with an in-memory layer of encoded results in front.

Keys come from the document's fingerprint (what analyses see), the plugin id and version, the
normalized config and the keys of the results it was computed from: a changed document, config,
plugin version or upstream result is a different entry. Entries are JSON (never pickle).

The hot path makes no JSON round trip: `put` encodes a fresh result once (orjson), keeps the bytes in
memory, leaves the bytes for a background writer, and gives the caller the result object itself; `get`
decodes the stored bytes, so every caller owns what it gets and may change it. Disk writes are atomic
(a temporary file renamed into place) and run on one writer thread per process, which looks for new
entries ten times a second: `flush()` waits for them, and they are flushed when the process exits normally. A write that fails (a full disk) is logged and
only costs a recomputation later.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import orjson

from .atomic import atomic_write_bytes
from .results import encode_result

log = logging.getLogger(__name__)

MEMORY_ENTRIES = 256
MEMORY_BYTES = 64 * 2**20


def cache_key(fingerprint: str, plugin_id: str, version: str, config: dict[str, Any],
              upstream: list[str] | None = None) -> str:
    payload = orjson.dumps([fingerprint, plugin_id, version, config, upstream or []], option=orjson.OPT_SORT_KEYS,
                           default=str)
    return hashlib.sha256(payload).hexdigest()


class ResultCache:
    def __init__(self, directory: Path | None, memory_entries: int = MEMORY_ENTRIES,
                 memory_bytes: int = MEMORY_BYTES):
        self.directory = Path(directory) if directory is not None else None
        self._root = str(self.directory) if directory is not None else None  # str paths: pathlib costs µs a call
        self.memory_entries = memory_entries
        self.memory_bytes = memory_bytes
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _path(self, plugin_id: str, key: str) -> str:
        return f"{self._root}{os.sep}{plugin_id}{os.sep}{key}.json"

    # -- memory layer --
    def _remember(self, key: str, data: bytes) -> None:
        with self._lock:
            old = self._memory.pop(key, None)
            if old is not None:
                self._memory_size -= len(old)
            self._memory[key] = data
            self._memory_size += len(data)
            while self._memory and (len(self._memory) > self.memory_entries or self._memory_size > self.memory_bytes):
                _, dropped = self._memory.popitem(last=False)
                self._memory_size -= len(dropped)

    def get(self, plugin_id: str, key: str) -> dict[str, Any] | None:
        """A fresh copy of the stored result, or None."""
        with self._lock:
            data = self._memory.get(key)
            if data is not None:
                self._memory.move_to_end(key)
        if data is None and self.directory is not None:
            data = WRITER.pending(self._path(plugin_id, key))  # put by another core, not on disk yet
        if data is not None:
            self.hits += 1
            return orjson.loads(data)
        result = self._read(plugin_id, key) if self.directory is not None else None
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
        return result

    def has(self, plugin_id: str, key: str) -> bool:
        """Whether a result is stored (in memory, waiting to be written, or on disk), without reading it."""
        with self._lock:
            if key in self._memory:
                return True
        if self.directory is None:
            return False
        path = self._path(plugin_id, key)
        return WRITER.pending(path) is not None or os.path.exists(path)

    def _read(self, plugin_id: str, key: str) -> dict[str, Any] | None:
        path = self._path(plugin_id, key)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cache entry %s of %s unreadable (%s); recomputing", key[:12], plugin_id, exc)
            return None
        try:
            result = orjson.loads(data)
        except orjson.JSONDecodeError:
            log.warning("cache entry %s of %s is corrupt; recomputing", key[:12], plugin_id)
            return None
        if not isinstance(result, dict):
            log.warning("cache entry %s of %s is not a result; recomputing", key[:12], plugin_id)
            return None
        self._remember(key, data)
        return result

    def put(self, plugin_id: str, key: str, result: dict[str, Any]) -> dict[str, Any]:
        """Store a fresh result; returns it as the caller should get it: the object itself when it is plain JSON
        data already, else a converted copy (numpy numbers, sets, dates… become JSON types)."""
        result, data = encode_result(result)
        self._remember(key, data)
        if self.directory is not None:
            WRITER.write(self._path(plugin_id, key), data)
        return result

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every result put so far (by any cache of this process) is on disk; False on timeout."""
        return WRITER.flush(timeout)

    def invalidate(self, plugin_id: str | None = None) -> None:
        """Forget every entry, or only those of one plugin."""
        with self._lock:
            self._memory.clear()
            self._memory_size = 0
        if self.directory is None:
            return
        target = self.directory / plugin_id if plugin_id else self.directory
        WRITER.discard(str(target))
        shutil.rmtree(target, ignore_errors=True)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            in_memory = len(self._memory)
        return {"hits": self.hits, "misses": self.misses, "in_memory": in_memory, "memory_bytes": self._memory_size,
                "pending_writes": WRITER.backlog(), "write_errors": WRITER.errors,
                "directory": str(self.directory) if self.directory else None}


class _Writer:
    """The process's one background writer of cache files. Entries waiting to be written are readable
    (`pending`), so every core of the process sees a result the moment it is put.

    A put only records the entry (no thread is woken: waking one per put cost ~50 µs of the caller's time);
    the writer looks for entries every POLL seconds, and `flush()` hurries it and waits."""

    POLL = 0.1

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written = threading.Condition(self._lock)  # notified after each batch
        self._hurry = threading.Event()
        self._pending: dict[str, bytes] = {}
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self.errors = 0

    def _running(self) -> bool:
        return self._thread is not None and self._pid == os.getpid() and self._thread.is_alive()

    def write(self, path: str, data: bytes) -> None:
        with self._lock:
            self._pending[path] = data
            if not self._running():  # the first put of this process (a forked child starts its own)
                self._pid = os.getpid()
                self._hurry = threading.Event()
                self._thread = threading.Thread(target=self._loop, name="qualia-cache-writer", daemon=True)
                self._thread.start()

    def pending(self, path: str) -> bytes | None:
        with self._lock:
            return self._pending.get(path)

    def backlog(self) -> int:
        with self._lock:
            return len(self._pending)

    def discard(self, folder: str) -> None:
        """Forget writes below `folder` not done yet (the cache is being emptied); one being written is undone."""
        prefix = folder.rstrip(os.sep) + os.sep
        with self._lock:
            for path in [p for p in self._pending if p.startswith(prefix)]:
                del self._pending[path]

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every entry put so far is written (or failed, logged); False if `timeout` passed first."""
        with self._lock:
            if not self._running():
                return True
            self._hurry.set()
            return self._written.wait_for(lambda: not self._pending, timeout)

    def _loop(self) -> None:
        hurry = self._hurry
        while True:
            hurry.wait(self.POLL)
            hurry.clear()
            with self._lock:
                batch = list(self._pending.items())
            for path, data in batch:
                try:
                    self._write(path, data)
                except Exception:  # noqa: BLE001 - the writer must outlive one bad entry
                    log.exception("cache writer failed on one entry")
            if batch:
                with self._lock:
                    self._written.notify_all()

    def _write(self, path: str, data: bytes) -> None:
        with self._lock:
            if self._pending.get(path) is not data:
                return  # discarded, or a newer result for the same file is waiting
        try:
            atomic_write_bytes(path, data, durable=False)
        except OSError as exc:  # a full disk must not fail the analysis: it is recomputed next time
            self.errors += 1
            log.warning("could not write cache entry for %s: %s", os.path.basename(os.path.dirname(path)), exc)
        with self._lock:
            if self._pending.get(path) is data:
                del self._pending[path]
            elif path not in self._pending:  # discarded while it was written: do not leave it behind
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass


WRITER = _Writer()


@atexit.register
def _flush_on_exit() -> None:
    """Nothing put in a cache is lost on a normal exit."""
    WRITER.flush(timeout=60)
