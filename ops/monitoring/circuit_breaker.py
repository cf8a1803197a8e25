"""Per-plugin circuit breakers that plugin authors never see.

CLOSED --(max_failures consecutive failures)--> OPEN --(timeout_seconds)--> HALF_OPEN
HALF_OPEN admits exactly one trial call at a time: success closes, failure opens again.
A refused call raises the core's PluginSwitchedOffError, which the core, the corpus runner and the
pages understand without knowing this module.

The lock guards state only, never the plugin call, so concurrent sessions run plugins in parallel.
Time comes from an injectable monotonic clock (tests move it by hand). Listeners and the store may
fail: that is logged and never stops a transition nor replaces the caller's exception.

Stats are exact across threads, processes and shutdown (ops.monitoring.breaker_store): counters move under
the lock and a save hands the store what moved since the last one, which it adds to what it holds.
Transitions and failures are stored at once; a success's counters within SAVE_EVERY seconds by a timer
thread (never in the caller's path); whatever is left at a normal exit by an atexit hook. Listeners
(BreakerListener) hear every admitted call's outcome and duration and every transition: Sentry
reporting is one of them. Errors the
user caused (any QualiaError, e.g. invalid parameters) do not count as plugin failures.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import Any, Callable, Iterable

from qualia_core.errors import PluginSwitchedOffError, QualiaError

from .breaker_store import COUNTERS, BreakerStats, State, Store

log = logging.getLogger(__name__)

SAVE_EVERY = 1.0  # seconds a success's counters may wait before they are stored (by a timer thread)


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
        self.stats = stats or BreakerStats()
        self.stats.max_failures, self.stats.timeout_seconds = int(max_failures), float(timeout_seconds)
        # Counters added here and not stored yet (the store adds them to what it holds), one save at a time,
        # and the timer that stores a success's counters within SAVE_EVERY seconds.
        self._unsaved = dict.fromkeys(COUNTERS, 0)
        self._save_lock = threading.Lock()
        self._timer: threading.Timer | None = None
        if store is not None:
            _LIVE.add(self)  # stored at exit (atexit), whatever is still unsaved
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
            state = self.stats.state
        if changes:
            self._after(changes)
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

    def _after(self, changes: list) -> None:
        """Store now and notify, outside the lock; neither may break the caller. Transitions are stored
        durably (fsynced), failures and resets at once; a success alone waits for the timer (_later)."""
        self.flush(durable=bool(changes), force=True)
        for old, new in changes:
            self._tell("state_change", old, new)

    def _later(self) -> None:
        """Store this success's counters within SAVE_EVERY seconds, on a timer thread: never in the call's path,
        and one file write per second at most however many calls there are."""
        if self.store is None or self._timer is not None:
            return
        with self._lock:
            if self._timer is not None:
                return
            self._timer = timer = threading.Timer(SAVE_EVERY, self._on_timer)
            timer.daemon = True
        timer.start()

    def _on_timer(self) -> None:
        with self._lock:
            self._timer = None
        self.flush()

    def flush(self, *, durable: bool = False, force: bool = False) -> bool:
        """Store the state and the unsaved counters now (with `force`, even when no counter moved). False when
        the store failed: that is logged, and the counters are kept for the next save, so none is lost."""
        if self.store is None:
            return True
        with self._save_lock:  # saves of one breaker in order, so the counters read back are the newest
            with self._lock:
                deltas, self._unsaved = self._unsaved, dict.fromkeys(COUNTERS, 0)
                snapshot = self._copy()
            if not force and not any(deltas.values()):
                return True
            try:
                stored = self.store.save(self.name, snapshot, deltas, durable=durable)
            except Exception:
                log.exception("could not store circuit breaker stats for %s", self.name)
                with self._lock:
                    for counter, n in deltas.items():
                        self._unsaved[counter] += n
                return False
            with self._lock:  # the totals of every process, and what this one added since
                for counter in COUNTERS:
                    setattr(self.stats, counter, getattr(stored, counter) + self._unsaved[counter])
            return True

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
        if changes:
            self._after(changes)
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
                    self._unsaved["recovery_attempts"] += 1
                self.stats.total_calls += 1  # every counter moves in the stats shown and in the next save
                self._unsaved["total_calls"] += 1
        if changes:
            self._after(changes)
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
            self._later()  # the call itself was counted
            raise
        except BaseException as exc:
            with self._lock:
                if trial:
                    self._trial_running = False
                self.stats.total_failures += 1
                self._unsaved["total_failures"] += 1
                self.stats.consecutive_failures += 1
                self.stats.last_failure_time = self.wall()
                self.stats.last_failure_message = describe_failure(exc)
                if trial or self.stats.consecutive_failures >= self.stats.max_failures:
                    if self.stats.state is State.OPEN:  # opened meanwhile by another thread: restart the wait
                        self._opened_mono, self.stats.opened_at = self.clock(), self.wall()
                    else:
                        self._transition(State.OPEN, changes)
            if self.listeners:
                self._tell("failure", info, exc, time.perf_counter() - started)
            self._after(changes)
            raise
        with self._lock:
            if trial:
                self._trial_running = False
            self.stats.total_successes += 1
            self._unsaved["total_successes"] += 1
            self.stats.consecutive_failures = 0
            if self.stats.state is State.HALF_OPEN:
                self._transition(State.CLOSED, changes)
        if self.listeners:
            self._tell("success", info, time.perf_counter() - started)
        if changes:
            self._after(changes)
        else:
            self._later()
        return result

    def reset(self) -> None:
        """Close the breaker now (an operator's decision); totals are kept."""
        changes: list = []
        with self._lock:
            self._trial_running = False
            if self.stats.state is not State.CLOSED:
                self._transition(State.CLOSED, changes)
            self.stats.consecutive_failures = 0
        self._after(changes)

    def snapshot(self) -> dict[str, Any]:
        changes: list = []
        with self._lock:
            self._maybe_half_open(changes)
            d = self.stats.to_dict()
            d["plugin_id"] = self.name
            d["retry_in_seconds"] = round(max(0.0, self.retry_in()), 1) if self.stats.state is State.OPEN else 0.0
        if changes:
            self._after(changes)
        return d


_LIVE: "weakref.WeakSet[CircuitBreaker]" = weakref.WeakSet()


def _forget_in_child() -> None:
    """A forked child starts with nothing unsaved: what the parent counted is the parent's to store."""
    for breaker in list(_LIVE):
        for counter, n in breaker._unsaved.items():  # the parent's, in its stats shown: not the child's
            setattr(breaker.stats, counter, getattr(breaker.stats, counter) - n)
        breaker._unsaved = dict.fromkeys(COUNTERS, 0)
        breaker._timer = None  # the parent's timer thread is not in the child
        # a lock another thread held at the fork would stay held in the child for ever
        breaker._lock, breaker._save_lock = threading.Lock(), threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


@atexit.register
def flush_all() -> None:
    """Store every breaker's unsaved counters: a process that exits normally loses none."""
    for breaker in list(_LIVE):
        try:
            breaker.flush()
        except Exception:  # pragma: no cover - flush logs its own failures; this keeps the others going
            log.exception("could not store circuit breaker stats at exit")


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
