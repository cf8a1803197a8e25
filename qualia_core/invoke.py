"""The one way a plugin is called: `invoke`, with upstream results in one shape for every plugin type.

The engine calls `invoke` for every run; a plugin's own `analyze()`, `process()` and `render()` (the
earlier Qualia's direct calls, handy in notebooks) validate their config and call it too.

Upstream results arrive as an `Upstream` mapping, whatever the plugin's type:
- by plugin id: `upstream["word_frequency"]` is that plugin's whole result (what analyzers and
  document plugins read as `context[...]`);
- by key: `upstream["top_words"]` is the `top_words` of the nearest requirement that has it (what
  visualizers read as `data[...]`; the plugin that ran last, i.e. a direct requirement, wins).
Iterating gives the plugin ids, then the keys of their results that no plugin id shadows.
Treat it as read-only: the same results may be handed to several plugins of one run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Mapping

from .contract import PluginMetadata, PluginType
from .document import Document


class Upstream(Mapping[str, Any]):
    """Results of the plugins a plugin requires, by plugin id (in execution order) and by key."""

    __slots__ = ("_results",)

    def __init__(self, results: Mapping[str, Any] | None = None):
        self._results: dict[str, Any] = dict(results or {})

    @classmethod
    def of(cls, value: Mapping[str, Any] | None) -> "Upstream":
        """`value` when it is an Upstream already, else an Upstream over it (a dict by plugin id, or the
        merged data a visualizer was given directly: either way `upstream[k]` finds `value[k]`)."""
        return value if isinstance(value, Upstream) else cls(value)

    @property
    def results(self) -> dict[str, Any]:
        """Plugin id -> its result, dependencies first."""
        return dict(self._results)

    def __getitem__(self, key: str) -> Any:
        try:
            return self._results[key]
        except KeyError:
            pass
        for result in reversed(self._results.values()):
            if isinstance(result, Mapping) and key in result:
                return result[key]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if key in self._results:
            return True
        return any(isinstance(r, Mapping) and key in r for r in self._results.values())

    def __iter__(self) -> Iterator[str]:
        seen = set(self._results)
        yield from self._results
        for result in reversed(self._results.values()):
            if isinstance(result, Mapping):
                for key in result:
                    if key not in seen:
                        seen.add(key)
                        yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"Upstream({list(self._results)})"


def invoke(plugin: Any, meta: PluginMetadata, document: Document | None, config: dict[str, Any],
           upstream: Upstream, output_path: Path | None = None) -> Any:
    """Call the plugin's implementation method with an already validated config; returns what it returns."""
    if meta.type is PluginType.VISUALIZER:
        if output_path is not None:
            output_path.parent.mkdir(parents=True, exist_ok=True)
        return plugin._render_impl(upstream, config, output_path)
    if meta.type is PluginType.DOCUMENT:
        return plugin._process_impl(document, config, upstream)
    return plugin._analyze_impl(document, config, upstream)


__all__ = ["Upstream", "invoke"]
