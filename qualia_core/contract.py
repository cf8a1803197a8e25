"""The plugin contract: what a plugin declares and the one method it implements.

A plugin is a class deriving from one of the three bases below. It describes itself in `meta()`
and implements one method. Caching, validation, dependency resolution, circuit breakers and UI
forms are the core's and the app's business, never the plugin's.

    class WordCount(BaseAnalyzerPlugin):
        def meta(self):
            return PluginMetadata(
                id="word_count", type=PluginType.ANALYZER, name="Word count",
                description="Counts words.", version="1.0.0", provides=["total"],
                parameters={"min_length": {"type": "integer", "default": 1, "min": 1}},
            )

        def _analyze_impl(self, document, config, context):
            return {"total": sum(len(u.text.split()) for u in document.utterances)}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar, Iterable, Mapping

from .document import Document
from .errors import ConfigError
from .labels import normalize_labels
from .params import Parameter, normalize_parameters, validate_config


class PluginType(Enum):
    ANALYZER = "analyzer"
    VISUALIZER = "visualizer"
    DOCUMENT = "document"


ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
VERSION_RE = re.compile(r"^\d+(\.\d+){0,3}([.-]?[A-Za-z0-9]+)*$")


@dataclass
class PluginMetadata:
    """What a plugin says about itself.

    `provides` names the keys of its result; `requires` names plugin ids or keys other plugins
    provide, resolved before it runs. `parameters` maps names to specs: a dict such as
    `{"type": "integer", "default": 3, "min": 1, "max": 50, "description": "…"}` or a `Parameter`.
    Types: integer, float, boolean, string, choice (with `options`), list (of strings).
    `labels` (optional) maps keys of the result to how the app shows them: a label, or
    `{"label", "unit", "format", "machine", "score", "basis"}` (see qualia_core/labels.py). A result may say
    `"scored": False` when the method cannot score this text: its `score` fields then read "not scored".
    """

    id: str
    type: PluginType
    name: str
    description: str
    version: str
    provides: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    can_use: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    author: str = ""
    labels: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.id, str) or not ID_RE.match(self.id):
            problems.append(f"id {self.id!r} must be lowercase letters, digits and underscores, starting with a letter")
        if isinstance(self.type, str):
            try:
                self.type = PluginType(self.type.lower())
            except ValueError:
                pass
        if not isinstance(self.type, PluginType):
            problems.append(f"type {self.type!r} must be one of {[t.value for t in PluginType]}")
        if not isinstance(self.name, str) or not self.name.strip():
            problems.append("name must be a non-empty string")
        if not isinstance(self.description, str):
            problems.append("description must be a string")
        if not isinstance(self.version, str) or not VERSION_RE.match(self.version):
            problems.append(f"version {self.version!r} must look like '1.0.0'")
        for attr in ("provides", "requires", "can_use"):
            value = getattr(self, attr)
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
                problems.append(f"{attr} must be a list of names")
            else:
                setattr(self, attr, list(value))
        try:
            self.parameters = normalize_parameters(self.parameters)
        except ValueError as exc:
            problems.append(str(exc))
        try:
            self.labels = normalize_labels(self.labels)
        except ValueError as exc:
            problems.append(str(exc))
        if problems:
            raise ValueError("; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type.value,
            "name": self.name,
            "description": self.description,
            "version": self.version,
            "provides": list(self.provides),
            "requires": list(self.requires),
            "can_use": list(self.can_use),
            "parameters": {name: p.to_dict() for name, p in self.parameters.items()},
            "author": self.author,
            "labels": {key: label.to_dict() for key, label in self.labels.items()},
        }


class _BasePlugin:
    """Shared by the three bases. Optional class attributes `max_failures` and `timeout_seconds`
    tune the circuit breaker the core wraps around this plugin."""

    plugin_type: ClassVar[PluginType]

    def meta(self) -> PluginMetadata:  # pragma: no cover - every plugin overrides it
        raise NotImplementedError(f"{type(self).__name__} must implement meta()")

    def check_config(self, config: dict[str, Any]) -> Iterable[tuple[str, str]]:
        """Optional hook: problems with *combinations* of parameters, as (parameter, message) pairs.

        `config` is already validated one parameter at a time (defaults filled in, values coerced). The core
        calls this for the plugin and every plugin it requires before anything runs, and raises one
        ConfigError listing every problem. Return nothing (or an empty list) when the combination is fine."""
        return ()

    def validate_config(self, config: dict[str, Any] | None) -> dict[str, Any]:
        """The config with defaults filled in and values coerced; raises ConfigError naming every bad
        parameter, and every bad combination `check_config` reports."""
        meta = metadata_of(self)
        validated = validate_config(meta.id, meta.parameters, config)
        problems = list(self.check_config(validated) or ())
        if problems:
            raise ConfigError(meta.id, problems)
        return validated


class BaseAnalyzerPlugin(_BasePlugin):
    """Creates new data from a document. Implement `_analyze_impl(document, config, context)`.

    `context` maps each required plugin id to its result."""

    plugin_type = PluginType.ANALYZER

    def analyze(self, document: Document, config: dict[str, Any] | None = None,
                context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run this plugin alone (notebooks): `context` holds its requirements' results by plugin id.
        Nothing is cached or guarded; `QualiaCore.execute_plugin` does both and runs requirements first."""
        return _direct(self, document, config, context, None)

    def _analyze_impl(self, document: Document, config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement _analyze_impl()")


class BaseVisualizerPlugin(_BasePlugin):
    """Draws results of other plugins. Implement `_render_impl(data, config, output_path)`.

    `data` holds the merged results of the required plugins. Return a plotly figure, PNG bytes,
    a path to a file written at or beside `output_path`, or a dict; the core turns it into JSON."""

    plugin_type = PluginType.VISUALIZER

    def render(self, data: Mapping[str, Any], config: dict[str, Any] | None = None,
               output_path: str | Path | None = None) -> Any:
        """Draw `data` (the merged results of the required plugins, or their results by plugin id)."""
        return _direct(self, None, config, data, Path(output_path) if output_path is not None else None)

    def _render_impl(self, data: dict[str, Any], config: dict[str, Any], output_path: Path | None) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement _render_impl()")


class BaseDocumentPlugin(_BasePlugin):
    """Processes a document (cleaning, restructuring). Implement `_process_impl(document, config, context)`."""

    plugin_type = PluginType.DOCUMENT

    def process(self, document: Document, config: dict[str, Any] | None = None,
                context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return _direct(self, document, config, context, None)

    def _process_impl(self, document: Document, config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement _process_impl()")


PLUGIN_BASES = (BaseAnalyzerPlugin, BaseVisualizerPlugin, BaseDocumentPlugin)
#: The method each type implements: what discovery checks a plugin class defines.
IMPLEMENTATION = {PluginType.ANALYZER: "_analyze_impl", PluginType.VISUALIZER: "_render_impl",
                  PluginType.DOCUMENT: "_process_impl"}


def _direct(plugin: Any, document: Document | None, config: dict[str, Any] | None,
            upstream: Mapping[str, Any] | None, output_path: Path | None) -> Any:
    """A direct call (analyze/process/render): the engine's own `invoke`, with the config validated."""
    from .invoke import Upstream, invoke

    return invoke(plugin, metadata_of(plugin), document, plugin.validate_config(config), Upstream.of(upstream),
                  output_path)
_METADATA_ATTR = "_qualia_metadata"


def metadata_of(plugin: Any) -> PluginMetadata:
    """The plugin's metadata, built once: `meta()` is called on first use (or at discovery) and kept."""
    meta = plugin.__dict__.get(_METADATA_ATTR) if hasattr(plugin, "__dict__") else None
    if meta is None:
        meta = plugin.meta()
        if isinstance(meta, PluginMetadata):
            try:
                setattr(plugin, _METADATA_ATTR, meta)
            except AttributeError:  # a plugin with __slots__: build it each time
                pass
    return meta

__all__ = [
    "PluginType", "PluginMetadata", "Parameter", "BaseAnalyzerPlugin", "BaseVisualizerPlugin",
    "BaseDocumentPlugin", "PLUGIN_BASES", "metadata_of",
]
