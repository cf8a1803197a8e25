"""QualiaCore: the orchestrator. It loads documents and runs plugins; it knows nothing about what they compute."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from . import config, formats, resolver
from .cache import ResultCache, cache_key
from .contract import PluginMetadata, PluginType
from .corpus import run_corpus
from .discovery import Discovery, LoadFailure, LoadedPlugin, discover
from .document import Document
from .errors import PluginExecutionError, PluginNotFoundError, QualiaError
from .library import DocumentLibrary
from .params import validate_config
from .results import analysis_result, to_json_text, visual_result

log = logging.getLogger(__name__)

REPO_PLUGINS = Path(__file__).resolve().parents[1] / "plugins"

# A guard wraps each plugin call: guard(plugin_id, plugin_instance, call, info) -> result, where info
# describes the run without its text (version, config, document id, size and format).
Guard = Callable[[str, Any, Callable[[], Any], dict], Any]


def _default_guard(data_dir: Path) -> Guard | None:
    """The circuit breakers from ops/ when that package is present; the core works without it."""
    try:
        from ops.monitoring.breaker_registry import guard_for_core
    except ImportError:
        return None
    return guard_for_core(data_dir)


class QualiaCore:
    """Load transcripts and run plugins over them.

    plugins_dir defaults to $QUALIA_PLUGINS_DIR or the repository's plugins/; data_dir (all mutable
    state: document library, cache, outputs) to $QUALIA_DATA_DIR or ./data.
    """

    def __init__(self, plugins_dir: str | Path | None = None, data_dir: str | Path | None = None, *,
                 max_document_bytes: int | None = None, entry_points: bool = True,
                 guard: Guard | None | bool = True):
        self.plugins_dir = Path(plugins_dir or config.get("QUALIA_PLUGINS_DIR") or REPO_PLUGINS).resolve()
        self.data_dir = Path(data_dir or config.get("QUALIA_DATA_DIR")).resolve()
        self.max_document_bytes = int(max_document_bytes
                                      or config.get("QUALIA_MAX_DOCUMENT_MB") * 1024 * 1024)
        self.cache = ResultCache(self.data_dir / "cache")
        self.outputs_dir = self.data_dir / "outputs"
        self._entry_points = entry_points
        self._discovery: Discovery | None = None
        self._discover_lock = threading.Lock()
        self.guard: Guard | None = _default_guard(self.data_dir) if guard is True else (guard or None)
        self.library = DocumentLibrary(self.data_dir / "library", self._parse_stored)

    # ----------------------------------------------------------------- plugins
    def discover_plugins(self) -> dict[str, PluginMetadata]:
        """(Re)load every plugin; returns id -> metadata. Failures are in `load_failures`."""
        with self._discover_lock:
            self._discovery = discover(self.plugins_dir, include_entry_points=self._entry_points)
        return self.plugin_metadata()

    @property
    def _plugins(self) -> dict[str, LoadedPlugin]:
        if self._discovery is None:
            self.discover_plugins()
        return self._discovery.plugins

    @property
    def load_failures(self) -> list[LoadFailure]:
        """Plugins that could not be loaded, each with its folder or entry point and the reason."""
        self._plugins  # noqa: B018 - discover on first use
        return list(self._discovery.failures)

    def plugin_metadata(self, plugin_type: PluginType | str | None = None) -> dict[str, PluginMetadata]:
        wanted = PluginType(plugin_type) if isinstance(plugin_type, str) else plugin_type
        return {pid: p.metadata for pid, p in sorted(self._plugins.items())
                if wanted is None or p.metadata.type is wanted}

    def get_plugin(self, plugin_id: str) -> LoadedPlugin:
        plugins = self._plugins
        if plugin_id not in plugins:
            raise PluginNotFoundError(plugin_id, list(plugins))
        return plugins[plugin_id]

    def dependency_problems(self) -> list[str]:
        return resolver.check_all(self.plugin_metadata())

    # --------------------------------------------------------------- documents
    def load_document(self, path: str | Path, doc_id: str | None = None) -> Document:
        """Read a transcript file (.txt, .vtt, .srt, .docx). Raises DocumentError naming the file and why."""
        return formats.load_path(path, doc_id=doc_id, max_bytes=self.max_document_bytes)

    def _parse_stored(self, data: bytes, name: str, doc_id: str) -> Document:
        return formats.parse_bytes(data, name, doc_id=doc_id, max_bytes=self.max_document_bytes)

    def add_document(self, doc_id: str, content: str) -> Document:
        """A document from text already in memory, parsed the same way as a .txt file."""
        return formats.parse_text(content, name=doc_id, doc_id=doc_id, fmt="txt")

    # --------------------------------------------------------------- execution
    def execute_plugin(self, plugin_id: str, document: Document, config: dict[str, Any] | None = None, *,
                       dependency_configs: dict[str, dict[str, Any]] | None = None,
                       use_cache: bool = True) -> dict[str, Any]:
        """Run a plugin (and the plugins it requires, first) on a document; returns a JSON-ready dict.

        `config` is validated against the plugin's declared parameters (ConfigError names each bad
        one); `dependency_configs` maps a required plugin's id to its own config. Results are cached
        by (document fingerprint, plugin id, plugin version, normalized config, upstream results).
        """
        self.get_plugin(plugin_id)  # an unknown id fails here, listing the available ones
        configs = dict(dependency_configs or {})
        configs[plugin_id] = config
        metadata = self.plugin_metadata()
        index = resolver.provider_index(metadata)
        order = resolver.execution_order(plugin_id, metadata)
        # Validate everything before running anything: a typo fails fast, naming every bad parameter.
        # (Against the metadata read at discovery: a plugin's own validate_config is never trusted here.)
        validated = {pid: validate_config(pid, metadata[pid].parameters, configs.get(pid)) for pid in order}
        keys: dict[str, str] = {}
        for pid in order:
            needed, _ = resolver.direct_requirements(pid, metadata, index)
            keys[pid] = cache_key(document.fingerprint, pid, metadata[pid].version, validated[pid],
                                  [keys[d] for d in needed])
        if use_cache and (cached := self.cache.get(plugin_id, keys[plugin_id])) is not None:
            return cached  # its requirements' results are not even read
        results: dict[str, dict[str, Any]] = {}
        for pid in order:
            cached = self.cache.get(pid, keys[pid]) if use_cache and pid != plugin_id else None
            if cached is not None:
                results[pid] = cached
                continue
            upstream = dict(results)  # everything it (transitively) requires, dependencies first
            text = to_json_text(self._run(self._plugins[pid], document, validated[pid], upstream, keys[pid]))
            self.cache.put(pid, keys[pid], text)
            results[pid] = json.loads(text)  # JSON-ready by construction, and a copy the plugin cannot touch
        log.debug("executed %s on document %s", plugin_id, document.id)
        return results[plugin_id]

    def _run(self, loaded: LoadedPlugin, document: Document, config: dict[str, Any],
             upstream: dict[str, dict[str, Any]], key: str) -> dict[str, Any]:
        meta, plugin = loaded.metadata, loaded.instance

        def call() -> dict[str, Any]:
            if meta.type is PluginType.VISUALIZER:
                data: dict[str, Any] = {}
                for result in upstream.values():  # in execution order: direct requirements win
                    data.update(result)
                out = self.outputs_dir / meta.id / key[:16]
                out.parent.mkdir(parents=True, exist_ok=True)
                return visual_result(plugin._render_impl(data, config, out))
            if meta.type is PluginType.DOCUMENT:
                return analysis_result(plugin._process_impl(document, config, dict(upstream)))
            return analysis_result(plugin._analyze_impl(document, config, dict(upstream)))

        info = {"version": meta.version, "config": config, "document_id": document.id,
                "document_chars": len(document.content),
                "document_utterances": len(document.utterances), "document_format": document.metadata.get("format")}
        started = time.perf_counter()
        try:
            result = self.guard(meta.id, plugin, call, info) if self.guard else call()
        except QualiaError:
            raise
        except Exception as exc:
            log.warning("plugin %s failed on document %s: %s", meta.id, document.id, type(exc).__name__,
                        extra={"plugin_id": meta.id, "plugin_version": meta.version, "document_id": document.id,
                               "duration": round(time.perf_counter() - started, 4)})
            raise PluginExecutionError(meta.id, exc) from exc
        duration = round(time.perf_counter() - started, 4)
        log.info("plugin %s ran on document %s in %.3fs", meta.id, document.id, duration,
                 extra={"plugin_id": meta.id, "plugin_version": meta.version, "document_id": document.id,
                        "duration": duration})
        return result

    def run_corpus(self, sources, plugin_ids, config=None, executor=None, progress=None) -> dict[str, dict[str, dict]]:
        """Run plugins over files, folders or Documents; doc id -> plugin id -> result (see qualia_core.corpus)."""
        return run_corpus(self, sources, plugin_ids, config, executor=executor, progress=progress)

    def clear_cache(self, plugin_id: str | None = None) -> None:
        self.cache.invalidate(plugin_id)

    def __repr__(self) -> str:
        n = len(self._discovery.plugins) if self._discovery else "?"
        return f"QualiaCore(plugins_dir={str(self.plugins_dir)!r}, data_dir={str(self.data_dir)!r}, plugins={n})"
