"""Where circuit breakers keep their stats: one JSON file per data dir, exact across threads and processes.

A breaker's stats are of two kinds:
- its *state* (closed/open/half open, consecutive failures, the last failure, when it opened, its limits):
  each process keeps its own and stores it whole, the last writer's view winning, as before;
- its *counters* (COUNTERS: calls, failures, successes, recovery attempts): a process stores only what it
  added since its last save, and the store adds that to what the file holds, under a lock on the file that
  every process of the data dir takes (filelock). Two processes making 50 calls each store 100.

The file is replaced atomically (qualia_core.atomic), so readers (the dashboard, `read_stats_file`) need no
lock and never see half a file. A missing or corrupt file means every breaker is closed.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Mapping, Protocol

from filelock import FileLock

from qualia_core.atomic import atomic_write_json

log = logging.getLogger(__name__)

STATS_FILE = Path("ops") / "circuit_breakers.json"  # relative to the data dir
LOCK_SUFFIX = ".lock"  # the lock file beside the stats file: circuit_breakers.json.lock
LOCK_TIMEOUT = 30.0  # seconds to wait for another process's save before giving up (the deltas are kept)
COUNTERS = ("total_calls", "total_failures", "total_successes", "recovery_attempts")


class State(str, Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat() if epoch is not None else None


@dataclass
class BreakerStats:
    state: State = State.CLOSED
    consecutive_failures: int = 0
    total_calls: int = 0
    total_failures: int = 0
    total_successes: int = 0
    last_failure_time: float | None = None  # epoch seconds
    last_failure_message: str | None = None
    opened_at: float | None = None  # epoch seconds
    recovery_attempts: int = 0
    max_failures: int = 5
    timeout_seconds: float = 300.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["state"] = self.state.value
        d["last_failure_at"] = _iso(self.last_failure_time)
        d["opened_at_iso"] = _iso(self.opened_at)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "BreakerStats":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["state"] = State(values.get("state", "closed"))
        return cls(**values)


def merge(stored: BreakerStats | None, stats: BreakerStats, deltas: Mapping[str, int]) -> BreakerStats:
    """What to store: `stats`' state, and the stored counters plus `deltas`. With nothing stored yet (a new
    breaker, a file deleted or unreadable) the breaker's own counters are the best there is."""
    merged = BreakerStats(**asdict(stats))
    if stored is not None:
        for name in COUNTERS:
            setattr(merged, name, getattr(stored, name) + deltas.get(name, 0))
    return merged


class Store(Protocol):
    def load(self) -> dict[str, BreakerStats]: ...

    def save(self, name: str, stats: BreakerStats, deltas: Mapping[str, int], *, durable: bool) -> BreakerStats:
        """Store `stats`' state and add `deltas` to the stored counters; return what is stored now. Raises
        when nothing was stored (the caller keeps its deltas for the next save)."""
        ...


class MemoryStore:
    def __init__(self) -> None:
        self.data: dict[str, BreakerStats] = {}
        self._lock = threading.Lock()

    def load(self) -> dict[str, BreakerStats]:
        with self._lock:
            return {name: BreakerStats(**asdict(s)) for name, s in self.data.items()}

    def save(self, name: str, stats: BreakerStats, deltas: Mapping[str, int], *, durable: bool) -> BreakerStats:
        with self._lock:
            self.data[name] = merge(self.data.get(name), stats, deltas)
            return BreakerStats(**asdict(self.data[name]))


class JsonFileStore:
    """All breakers of a data dir in one JSON file: read, merged and replaced under a file lock."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._new_locks()

    def _new_locks(self) -> None:
        """The locks of this process: one save at a time here, and the file lock every process takes (a
        forked child makes its own: filelock refuses a lock inherited across fork)."""
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._file_lock = FileLock(str(self.path) + LOCK_SUFFIX, timeout=LOCK_TIMEOUT, thread_local=False)

    def load(self) -> dict[str, BreakerStats]:
        return {name: BreakerStats.from_dict(d) for name, d in read_stats_file(self.path).items()}

    def save(self, name: str, stats: BreakerStats, deltas: Mapping[str, int], *, durable: bool) -> BreakerStats:
        if self._pid != os.getpid():
            self._new_locks()
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._file_lock:
                data = read_stats_file(self.path)
                stored = data.get(name)
                merged = merge(BreakerStats.from_dict(stored) if stored is not None else None, stats, deltas)
                data[name] = merged.to_dict()
                atomic_write_json(self.path, data, durable=durable)
            return merged


def read_stats_file(path: Path) -> dict[str, dict[str, Any]]:
    """The stored breaker stats; a missing or corrupt file means every breaker is closed."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        for name, entry in data.items():
            BreakerStats.from_dict(entry)  # validates
        return data
    except FileNotFoundError:
        return {}
    except (ValueError, TypeError, OSError) as exc:
        log.warning("circuit breaker stats %s unreadable (%s); treating every breaker as closed", path, exc)
        return {}
