"""One circuit breaker per plugin, shared by every session of a process and stored in the data dir.

A BreakerRegistry is the guard the places that build a core pass in (qualia_core.guard.Guard):
`call` runs a plugin call through the plugin's breaker, `refused` says whether it is switched off now.
Its listeners hear every breaker; Sentry reporting is one (ops.monitoring.sentry_config.SentryListener),
quiet while Sentry is off.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from qualia_core import config
from qualia_core.errors import PluginSwitchedOffError

from .breaker_store import STATS_FILE, BreakerStats, JsonFileStore, read_stats_file
from .circuit_breaker import BreakerListener, CircuitBreaker


class BreakerRegistry:
    def __init__(self, data_dir: Path, *, max_failures: int | None = None, timeout_seconds: float | None = None,
                 clock: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time,
                 listeners: Iterable[BreakerListener] = ()):
        self.path = Path(data_dir) / STATS_FILE
        self.max_failures = int(max_failures if max_failures is not None else config.get("DEFAULT_MAX_FAILURES"))
        self.timeout_seconds = float(timeout_seconds if timeout_seconds is not None
                                     else config.get("DEFAULT_TIMEOUT_SECONDS"))
        self.clock, self.wall = clock, wall
        self.store = JsonFileStore(self.path)
        self._stored = self.store.load()
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()
        self.listeners: list[BreakerListener] = list(listeners)

    def breaker(self, plugin_id: str, plugin: Any = None) -> CircuitBreaker:
        """The breaker of a plugin; a plugin class may set `max_failures` and `timeout_seconds`."""
        with self._lock:
            breaker = self._breakers.get(plugin_id)
            if breaker is None:
                breaker = CircuitBreaker(
                    plugin_id,
                    max_failures=getattr(plugin, "max_failures", None) or self.max_failures,
                    timeout_seconds=getattr(plugin, "timeout_seconds", None) or self.timeout_seconds,
                    clock=self.clock, wall=self.wall, store=self.store,
                    stats=self._stored.get(plugin_id),
                )
                breaker.listeners = self.listeners  # shared: add_listener reaches every breaker
                self._breakers[plugin_id] = breaker
            return breaker

    def call(self, plugin_id: str, plugin: Any, run: Callable[[], Any], info: Any = None) -> Any:
        """Run one plugin call through its breaker (qualia_core.guard.Guard.call)."""
        return self.breaker(plugin_id, plugin).call(run, info)

    def refused(self, plugin_id: str, plugin: Any = None) -> PluginSwitchedOffError | None:
        """The error a call of this plugin would get now, or None (qualia_core.guard.Guard.refused)."""
        return self.breaker(plugin_id, plugin).refusal()

    def add_listener(self, listener: BreakerListener) -> None:
        """Hear every breaker of this registry, existing and future (they share the list)."""
        with self._lock:
            if listener not in self.listeners:
                self.listeners.append(listener)

    def reset(self, plugin_id: str) -> None:
        self.breaker(plugin_id).reset()

    def snapshot(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            names = set(self._breakers) | set(self._stored)
        return {name: self.breaker(name).snapshot() for name in sorted(names)}


def read_snapshot(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Breaker stats as another process (the dashboard) sees them, without creating breakers."""
    return {name: BreakerStats.from_dict(d).to_dict() for name, d in read_stats_file(Path(data_dir) / STATS_FILE).items()}


_registries: dict[Path, BreakerRegistry] = {}
_registries_lock = threading.Lock()


def registry_for(data_dir: Path) -> BreakerRegistry:
    """The registry of a data dir in this process (all cores on one data dir share breakers), with Sentry
    reporting as a listener (it reports only while Sentry is on)."""
    key = Path(data_dir).resolve()
    with _registries_lock:
        if key not in _registries:
            from .sentry_config import SentryListener

            _registries[key] = BreakerRegistry(key, listeners=[SentryListener()])
        return _registries[key]
