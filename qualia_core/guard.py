"""What a guard is: something that runs each plugin call under protection, and may refuse one for now.

The core defines the contract and never names an implementation. Whoever builds a core passes one in
(`QualiaCore(guard=...)`): the app, the health dashboard and notebooks pass the circuit breakers of
`ops/` (`ops.core_with_breakers()`); without a guard, plugins simply run.

    class Guard(Protocol):
        def call(self, plugin_id, plugin, run, info) -> result   # run() under protection
        def refused(self, plugin_id, plugin=None) -> PluginSwitchedOffError | None

`call` returns what `run()` returns or raises what it raises; when it refuses, it raises
PluginSwitchedOffError without calling `run`. `refused` answers "would a call be refused now?"
without running anything (the corpus runner asks it before dispatching work to other processes).
`info` describes the run without its text (RunInfo), for reporting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Protocol, TypeVar, runtime_checkable

from .errors import PluginSwitchedOffError

T = TypeVar("T")


@dataclass(frozen=True)
class RunInfo:
    """One plugin run, described without transcript text: safe to log or send to an error tracker."""

    plugin_id: str
    version: str
    config: dict[str, Any] = field(default_factory=dict)
    document_id: str | None = None
    document_chars: int | None = None
    document_utterances: int | None = None
    document_format: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class Guard(Protocol):
    def call(self, plugin_id: str, plugin: Any, run: Callable[[], T], info: RunInfo) -> T: ...

    def refused(self, plugin_id: str, plugin: Any = None) -> PluginSwitchedOffError | None: ...


def check_guard(guard: Any) -> Guard | None:
    """`guard` itself when it has `call` and `refused`; None for None. Raises TypeError otherwise."""
    if guard is None or guard is False:
        return None
    if not (callable(getattr(guard, "call", None)) and callable(getattr(guard, "refused", None))):
        raise TypeError(f"a guard needs call(plugin_id, plugin, run, info) and refused(plugin_id, plugin) "
                        f"methods; got {type(guard).__name__}")
    return guard


__all__ = ["Guard", "RunInfo", "check_guard", "PluginSwitchedOffError"]
