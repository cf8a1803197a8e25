"""Dependency resolution between plugins, as pure functions over their metadata.

A `requires` entry names either a plugin id or a key some plugin `provides`; both resolve to the
plugin that has to run first. Like spaCy's pipe analysis, problems are returned as a list rather
than discovered half-way through a run.
"""

from __future__ import annotations

from typing import Mapping

from .contract import PluginMetadata
from .errors import DependencyError


def provider_index(metadata: Mapping[str, PluginMetadata]) -> dict[str, str]:
    """Map every plugin id and provided key to the plugin id that satisfies it (ids win over keys)."""
    index: dict[str, str] = {}
    for pid in sorted(metadata):
        for key in metadata[pid].provides:
            index.setdefault(key, pid)
    index.update({pid: pid for pid in metadata})
    return index


def direct_requirements(plugin_id: str, metadata: Mapping[str, PluginMetadata],
                        index: Mapping[str, str] | None = None) -> tuple[list[str], list[str]]:
    """(plugin ids that `plugin_id` needs directly, requirement names nobody provides)."""
    index = provider_index(metadata) if index is None else index
    needed: list[str] = []
    missing: list[str] = []
    for req in metadata[plugin_id].requires:
        provider = index.get(req)
        if provider is None:
            missing.append(req)
        elif provider != plugin_id and provider not in needed:
            needed.append(provider)
    return needed, missing


def execution_order(plugin_id: str, metadata: Mapping[str, PluginMetadata]) -> list[str]:
    """Plugin ids to run, dependencies first, ending with `plugin_id`. Raises DependencyError."""
    index = provider_index(metadata)
    order: list[str] = []
    state: dict[str, str] = {}  # id -> "visiting" | "done"

    def visit(pid: str, path: list[str]) -> None:
        if state.get(pid) == "done":
            return
        if state.get(pid) == "visiting":
            cycle = " -> ".join(path[path.index(pid):] + [pid])
            raise DependencyError(f"Plugins require each other in a cycle: {cycle}. Remove one of these requirements.")
        state[pid] = "visiting"
        needed, missing = direct_requirements(pid, metadata, index)
        if missing:
            raise DependencyError(
                f"Plugin '{pid}' requires {', '.join(repr(m) for m in missing)}, which no loaded plugin provides. "
                "Add the plugin that provides it to the plugins folder, or check the plugin load report.")
        for dep in needed:
            visit(dep, path + [pid])
        state[pid] = "done"
        order.append(pid)

    visit(plugin_id, [])
    return order


def check_all(metadata: Mapping[str, PluginMetadata]) -> list[str]:
    """Every dependency problem among the loaded plugins, one message each (empty when all is well)."""
    problems = []
    providers: dict[str, list[str]] = {}
    for pid in sorted(metadata):
        for key in metadata[pid].provides:
            providers.setdefault(key, []).append(pid)
    for pid in sorted(metadata):
        for req in metadata[pid].requires:
            if req not in metadata and len(providers.get(req, [])) > 1:
                problems.append(f"Plugin '{pid}' requires '{req}', which several plugins provide "
                                f"({', '.join(providers[req])}); it gets '{providers[req][0]}'. "
                                "Require the plugin id instead.")
    for pid in sorted(metadata):
        try:
            execution_order(pid, metadata)
        except DependencyError as exc:
            problems.append(str(exc))
    return problems
