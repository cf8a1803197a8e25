"""Per-plugin circuit breakers that plugin authors never see.

CLOSED --(max_failures consecutive failures)--> OPEN --(timeout_seconds)--> HALF_OPEN
HALF_OPEN admits exactly one trial call at a time: success closes, failure opens again.
A refused call raises the core's PluginSwitchedOffError, which the core, the corpus runner and the
pages understand without knowing this module.

The lock guards state only, never the plugin call, so concurrent sessions run plugins in parallel.
Time comes from an injectable monotonic clock (tests move it by hand). Listeners and the store may
fail: that is logged and never stops a transition nor replaces the caller's exception. Listeners
(BreakerListener) hear every admitted call's outcome and duration and every transition: Sentry
reporting is one of them. Errors the
user caused (any QualiaError, e.g. invalid parameters) do not count as plugin failures.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

from qualia_core.atomic import atomic_write_json
from qualia_core.errors import PluginSwitchedOffError, QualiaError

log = logging.getLogger(__name__)

STATS_FILE = Path("ops") / "circuit_breakers.json"
SAVE_EVERY = 1.0  # seconds between stores of counters that moved without a transition or failure


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


class Store(Protocol):
    def load(self) -> dict[str, BreakerStats]: ...
    def save(self, name: str, stats: BreakerStats, *, durable: bool) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self.data: dict[str, BreakerStats] = {}

    def load(self) -> dict[str, BreakerStats]:
        return dict(self.data)

    def save(self, name: str, stats: BreakerStats, *, durable: bool) -> None:
        self.data[name] = BreakerStats(**asdict(stats))


class JsonFileStore:
    """All breakers of a data dir in one JSON file, written atomically; other processes read it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, Any]] = {}

    def load(self) -> dict[str, BreakerStats]:
        with self._lock:
            self._data = read_stats_file(self.path)
            return {name: BreakerStats.from_dict(d) for name, d in self._data.items()}

    def save(self, name: str, stats: BreakerStats, *, durable: bool) -> None:
        with self._lock:
            self._data[name] = stats.to_dict()
            atomic_write_json(self.path, self._data, durable=durable)


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


class BreakerListener:
    """Hears what a breaker does (pybreaker's CircuitBreakerListener, with durations). Override what you need.

    `info` is what the caller passed with the call (for the core: a qualia_core.guard.RunInfo, which
    holds no transcript text). Calls refused while open, and calls ending in a QualiaError (the user's
    mistake, e.g. a bad parameter), are neither successes nor failures."""

    def before_call(self, breaker: "CircuitBreaker", info: Any) -> None: ...

    def success(self, breaker: "CircuitBreaker", info: Any, seconds: float) -> None: ...

    def failure(self, breaker: "CircuitBreaker", info: Any, error: BaseException, seconds: float) -> None: ...

    def state_change(self, breaker: "CircuitBreaker", old: State, new: State) -> None: ...


class CircuitBreaker:
    def __init__(self, name: str, *, max_failures: int = 5, timeout_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time,
                 store: Store | None = None, listeners: Iterable[BreakerListener] = (),
                 stats: BreakerStats | None = None):
        self.name = name
        self.clock, self.wall = clock, wall
        self.store = store
        self.listeners = list(listeners)
        self._lock = threading.Lock()
        self._trial_running = False
        self._saved_at = float("-inf")
        self.stats = stats or BreakerStats()
        self.stats.max_failures, self.stats.timeout_seconds = int(max_failures), float(timeout_seconds)
        # The monotonic moment the breaker opened, rebuilt from the stored wall time after a restart.
        self._opened_mono: float | None = None
        if self.stats.state is not State.CLOSED and self.stats.opened_at is not None:
            self._opened_mono = self.clock() - max(0.0, self.wall() - self.stats.opened_at)
        elif self.stats.state is not State.CLOSED:
            self._opened_mono = self.clock()
        if self.stats.state is State.HALF_OPEN:  # a trial interrupted by a restart: wait again
            self.stats.state = State.OPEN

    @property
    def state(self) -> State:
        changes: list = []
        with self._lock:
            self._maybe_half_open(changes)
            state, snapshot = self.stats.state, self._copy()
        if changes:
            self._after(changes, snapshot)
        return state

    def retry_in(self) -> float:
        if self._opened_mono is None:
            return 0.0
        return self.stats.timeout_seconds - (self.clock() - self._opened_mono)

    # -- transitions (called with the lock held; `changes` is handed to _after once it is released) --
    def _maybe_half_open(self, changes: list) -> None:
        if self.stats.state is State.OPEN and self.retry_in() <= 0:
            self._transition(State.HALF_OPEN, changes)

    def _transition(self, new: State, changes: list) -> None:
        old = self.stats.state
        self.stats.state = new
        if new is State.OPEN:
            self._opened_mono = self.clock()
            self.stats.opened_at = self.wall()
        elif new is State.CLOSED:
            self._opened_mono = None
            self.stats.opened_at = None
            self.stats.consecutive_failures = 0
        log.log(logging.WARNING if new is State.OPEN else logging.INFO,
                "circuit breaker %s: %s -> %s", self.name, old.value, new.value)
        changes.append((old, new))

    def _after(self, changes: list, snapshot: BreakerStats | None, *, urgent: bool = False) -> None:
        """Persist and notify outside the lock; neither may break the caller.

        Transitions and failures are stored at once; a success only moves counters, stored at most
        once per SAVE_EVERY seconds (a file rewrite per call was the earlier Qualia's cost)."""
        now = self.clock()
        due = changes or urgent or now - self._saved_at >= SAVE_EVERY
        if self.store is not None and snapshot is not None and due:
            self._saved_at = now
            try:
                self.store.save(self.name, snapshot, durable=bool(changes))
            except Exception:
                log.exception("could not store circuit breaker stats for %s", self.name)
        for old, new in changes:
            self._tell("state_change", old, new)

    def _tell(self, event: str, *args: Any) -> None:
        """Call `event` on every listener; a listener's bug is logged, never raised."""
        for listener in self.listeners:
            try:
                getattr(listener, event)(self, *args)
            except Exception:
                log.exception("circuit breaker listener failed on %s (%s)", self.name, event)

    def _copy(self) -> BreakerStats:
        """A copy of the stats (every field is a number, a string, None or a State, so shallow is whole)."""
        snapshot = BreakerStats.__new__(BreakerStats)
        snapshot.__dict__.update(self.stats.__dict__)
        return snapshot

    # -- the guarded call --
    def _refusal(self) -> PluginSwitchedOffError | None:
        """The error a call would get now (lock held), or None when it would be admitted."""
        state = self.stats.state
        if state is State.OPEN or (state is State.HALF_OPEN and self._trial_running):
            return PluginSwitchedOffError(self.name, self.stats.last_failure_message, self.retry_in(),
                                          trial_running=state is State.HALF_OPEN)
        return None

    def refusal(self) -> PluginSwitchedOffError | None:
        """Would a call be refused now? The error it would get, or None. Runs nothing."""
        changes: list = []
        with self._lock:
            self._maybe_half_open(changes)
            error = self._refusal()
            snapshot = self._copy()
        if changes:
            self._after(changes, snapshot)
        return error

    def call(self, fn: Callable[[], Any], info: Any = None) -> Any:
        changes: list = []
        with self._lock:
            self._maybe_half_open(changes)
            error = self._refusal()
            if error is None:
                trial = self.stats.state is State.HALF_OPEN
                if trial:
                    self._trial_running = True
                    self.stats.recovery_attempts += 1
                self.stats.total_calls += 1
            snapshot = self._copy() if changes else None
        if changes:
            self._after(changes, snapshot)
        if error is not None:
            raise error
        changes = []
        if self.listeners:
            self._tell("before_call", info)
        started = time.perf_counter()
        try:
            result = fn()
        except QualiaError:
            with self._lock:  # the user's mistake, not the plugin's: neither a failure nor a success
                if trial:
                    self._trial_running = False
            raise
        except BaseException as exc:
            with self._lock:
                if trial:
                    self._trial_running = False
                self.stats.total_failures += 1
                self.stats.consecutive_failures += 1
                self.stats.last_failure_time = self.wall()
                self.stats.last_failure_message = describe_failure(exc)
                if trial or self.stats.consecutive_failures >= self.stats.max_failures:
                    if self.stats.state is State.OPEN:  # opened meanwhile by another thread: restart the wait
                        self._opened_mono, self.stats.opened_at = self.clock(), self.wall()
                    else:
                        self._transition(State.OPEN, changes)
                snapshot = self._copy()
            if self.listeners:
                self._tell("failure", info, exc, time.perf_counter() - started)
            self._after(changes, snapshot, urgent=True)
            raise
        with self._lock:
            if trial:
                self._trial_running = False
            self.stats.total_successes += 1
            self.stats.consecutive_failures = 0
            if self.stats.state is State.HALF_OPEN:
                self._transition(State.CLOSED, changes)
            # a success alone is stored at most once per SAVE_EVERY seconds: copy the stats only then
            due = changes or self.clock() - self._saved_at >= SAVE_EVERY
            snapshot = self._copy() if due else None
        if self.listeners:
            self._tell("success", info, time.perf_counter() - started)
        if due:
            self._after(changes, snapshot)
        return result

    def reset(self) -> None:
        """Close the breaker now (an operator's decision); totals are kept."""
        changes: list = []
        with self._lock:
            self._trial_running = False
            if self.stats.state is not State.CLOSED:
                self._transition(State.CLOSED, changes)
            self.stats.consecutive_failures = 0
            snapshot = self._copy()
        self._after(changes, snapshot, urgent=True)

    def snapshot(self) -> dict[str, Any]:
        changes: list = []
        with self._lock:
            self._maybe_half_open(changes)
            d = self.stats.to_dict()
            d["plugin_id"] = self.name
            d["retry_in_seconds"] = round(max(0.0, self.retry_in()), 1) if self.stats.state is State.OPEN else 0.0
            snapshot = self._copy()
        if changes:
            self._after(changes, snapshot)
        return d


def describe_failure(exc: BaseException) -> str:
    """The exception type and where in the plugin it happened. The message is left out: it may quote
    transcript text, and these stats are shown on the Health page and served by the dashboard."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" at {Path(last.filename).parent.name}/{Path(last.filename).name}:{last.lineno}"
    return f"{type(exc).__name__}{where}"
