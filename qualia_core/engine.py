"""QualiaCore: the orchestrator. It loads documents and runs plugins; it knows nothing about what they compute.

It never names `ops/`: circuit breakers (or any other guard, see `qualia_core.guard`) are passed in by
whoever builds the core. Without one, plugins simply run.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import config, formats, resolver, study_words
from .cache import ResultCache, cache_key
from .contract import PluginMetadata, PluginType
from .corpus import run_corpus
from .discovery import Discovery, LoadFailure, LoadedPlugin, discover
from .document import Document
from .errors import ConfigError, PluginExecutionError, PluginNotFoundError, QualiaError
from .guard import Guard, RunInfo, check_guard
from .invoke import Upstream, invoke
from .library import DocumentLibrary
from .names import check_path
from .params import validate_config
from .results import analysis_result, visual_result

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class _Plan:
    """What running one plugin involves, worked out once per discovery: its execution order
    (dependencies first) and each plugin's direct requirements."""

    order: tuple[str, ...]
    needs: dict[str, tuple[str, ...]]


class QualiaCore:
    """Load transcripts and run plugins over them.

    plugins_dir defaults to $QUALIA_PLUGINS_DIR or the repository's plugins/; data_dir (all mutable
    state: document library, cache, outputs) to $QUALIA_DATA_DIR or ./data. `guard` runs every plugin
    call under protection (see qualia_core.guard; `ops.core_with_breakers()` passes the circuit breakers).
    """

    def __init__(self, plugins_dir: str | Path | None = None, data_dir: str | Path | None = None, *,
                 max_document_bytes: int | None = None, entry_points: bool = True, guard: Guard | None = None):
        self.plugins_dir = check_path(plugins_dir, "plugins dir").resolve() if plugins_dir else config.plugins_dir()
        self.data_dir = check_path(data_dir or config.get("QUALIA_DATA_DIR"), "data dir").resolve()
        self.max_document_bytes = int(max_document_bytes or config.get("QUALIA_MAX_DOCUMENT_MB") * 1024 * 1024)
        self.cache = ResultCache(self.data_dir / "cache")
        self.outputs_dir = self.data_dir / "outputs"
        self._entry_points = entry_points
        self._discovery: Discovery | None = None
        self._metadata: dict[str, PluginMetadata] = {}
        self._plans: dict[str, _Plan] = {}
        self._discover_lock = threading.Lock()
        self.guard = guard
        self.library = DocumentLibrary(self.data_dir, self._parse_stored, config.get("QUALIA_DATABASE_URL") or None)
        self._library_views = None
        self._codes = None
        self._study_words = study_words.Reader()

    @property
    def guard(self) -> Guard | None:
        return self._guard

    @guard.setter
    def guard(self, value: Guard | None) -> None:
        self._guard = check_guard(value)

    # ----------------------------------------------------------------- plugins
    def discover_plugins(self) -> dict[str, PluginMetadata]:
        """(Re)load every plugin; returns id -> metadata. Failures are in `load_failures`."""
        with self._discover_lock:
            found = discover(self.plugins_dir, include_entry_points=self._entry_points)
            self._metadata = {pid: found.plugins[pid].metadata for pid in sorted(found.plugins)}
            self._plans = {}
            self._discovery = found
        return dict(self._metadata)

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
        """id -> metadata of the loaded plugins (read once, at discovery), optionally of one type."""
        self._plugins  # noqa: B018 - discover on first use
        wanted = PluginType(plugin_type) if isinstance(plugin_type, str) else plugin_type
        return {pid: m for pid, m in self._metadata.items() if wanted is None or m.type is wanted}

    def get_plugin(self, plugin_id: str) -> LoadedPlugin:
        plugins = self._plugins
        if plugin_id not in plugins:
            raise PluginNotFoundError(plugin_id, list(plugins))
        return plugins[plugin_id]

    def dependency_problems(self) -> list[str]:
        return resolver.check_all(self.plugin_metadata())

    def _plan(self, plugin_id: str) -> _Plan:
        plan = self._plans.get(plugin_id)
        if plan is None:
            self.get_plugin(plugin_id)  # an unknown id fails here, listing the available ones
            metadata = self._metadata
            index = resolver.provider_index(metadata)
            order = resolver.execution_order(plugin_id, metadata)
            plan = _Plan(tuple(order), {pid: tuple(resolver.direct_requirements(pid, metadata, index)[0])
                                        for pid in order})
            self._plans[plugin_id] = plan
        return plan

    def validate(self, plugin_id: str, config: dict[str, Any] | None) -> dict[str, Any]:
        """The plugin's full config (the study's stoplist filled in where the caller left a declared parameter
        unset, qualia_core.study_words; then defaults; values coerced), checked against the metadata read at
        discovery and the plugin's `check_config` hook; raises ConfigError naming every problem."""
        loaded = self.get_plugin(plugin_id)
        declared = loaded.metadata.parameters
        if any(name in declared and name not in (config or {}) for name in study_words.PARAMETERS):
            config = study_words.fill(declared, config, self.study_words())
        validated = validate_config(plugin_id, declared, config)
        problems = list(loaded.instance.check_config(validated) or ())
        if problems:
            raise ConfigError(plugin_id, problems)
        return validated

    def study_words(self) -> study_words.StudyWords:
        """The study's stoplist (qualia_core.study_words): the defaults while the study has no database."""
        return self._study_words(self.library)

    def set_study_words(self, values: dict[str, Any]) -> study_words.StudyWords:
        """Save the study's stoplist from a mapping of study_words.PARAMETERS (StudySettingsError names a bad one).
        Analyses it changes run again: the values are part of their cache keys."""
        return study_words.save(self.library.store, study_words.from_mapping(values))

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
        """Run a plugin (and the plugins it requires, first) on a document; returns a JSON-ready dict that the
        caller may change freely (the cache keeps its own copy).

        `config` is validated against the plugin's declared parameters (ConfigError names each bad
        one); `dependency_configs` maps a required plugin's id to its own config. Every config, and every
        combination a plugin's `check_config` rejects, is checked before anything runs. Results are cached
        by (document fingerprint, plugin id, plugin version, normalized config, upstream results).
        """
        plan = self._plan(plugin_id)
        configs = dependency_configs or {}
        validated = {pid: self.validate(pid, config if pid == plugin_id else configs.get(pid)) for pid in plan.order}
        metadata = self._metadata
        keys: dict[str, str] = {}
        for pid in plan.order:
            keys[pid] = cache_key(document.fingerprint, pid, metadata[pid].version, validated[pid],
                                  [keys[d] for d in plan.needs[pid]])
        if use_cache and (cached := self.cache.get(plugin_id, keys[plugin_id])) is not None:
            return cached  # its requirements' results are not even read
        results: dict[str, dict[str, Any]] = {}
        for pid in plan.order:
            cached = self.cache.get(pid, keys[pid]) if use_cache and pid != plugin_id else None
            if cached is None:
                result = self._run(self._plugins[pid], document, validated[pid], Upstream(results), keys[pid])
                cached = self.cache.put(pid, keys[pid], result)  # what the caller gets: JSON-ready
            results[pid] = cached
        return results[plugin_id]

    def _run(self, loaded: LoadedPlugin, document: Document, config: dict[str, Any], upstream: Upstream,
             key: str) -> dict[str, Any]:
        meta, plugin = loaded.metadata, loaded.instance
        output = self.outputs_dir / meta.id / key[:16] if meta.type is PluginType.VISUALIZER else None

        def call() -> dict[str, Any]:
            produced = invoke(plugin, meta, document, config, upstream, output)
            return visual_result(produced) if output is not None else analysis_result(produced)

        started = time.perf_counter()
        try:
            if self._guard is None:
                result = call()
            else:
                info = RunInfo(meta.id, meta.version, config, document.id, len(document.content or document.speech),
                               len(document.utterances), document.metadata.get("format"))
                result = self._guard.call(meta.id, plugin, call, info)
        except QualiaError:
            raise
        except Exception as exc:
            log.warning("plugin %s failed on document %s: %s", meta.id, document.id, type(exc).__name__,
                        extra={"plugin_id": meta.id, "plugin_version": meta.version, "document_id": document.id,
                               "duration": round(time.perf_counter() - started, 4)})
            raise PluginExecutionError(meta.id, exc) from exc
        if log.isEnabledFor(logging.INFO):
            duration = round(time.perf_counter() - started, 4)
            log.info("plugin %s ran on document %s in %.3fs", meta.id, document.id, duration,
                     extra={"plugin_id": meta.id, "plugin_version": meta.version, "document_id": document.id,
                            "duration": duration})
        return result

    def run_corpus(self, sources, plugin_ids, config=None, executor=None, progress=None) -> dict[str, dict[str, dict]]:
        """Run plugins over files, folders or Documents; doc id -> plugin id -> result (see qualia_core.corpus)."""
        return run_corpus(self, sources, plugin_ids, config, executor=executor, progress=progress)

    def run_many(self, documents, plugin_ids, configs=None, executor=None, progress=None, names=None):
        """Several plugins over one or several documents, the right way for each (see qualia_core.batch)."""
        from .batch import run_many

        return run_many(self, documents, plugin_ids, configs, executor=executor, progress=progress, names=names)

    @property
    def library_views(self):
        """Whole-library views computed once per library version (see qualia_core.library_views)."""
        with self._discover_lock:
            if self._library_views is None:
                from .library_views import LibraryViews

                self._library_views = LibraryViews(self)
            return self._library_views

    @property
    def codes(self):
        """The coding model of the study (codebook, passages, memos): a qualia_core.coding.Coding over the same
        store as `library`."""
        with self._discover_lock:
            if self._codes is None:
                from .coding.api import Coding

                self._codes = Coding(self.library, self)
            return self._codes

    def export_qdpx(self, path: str | Path, documents=None) -> Path:
        """The study (or the `documents` given by id) as a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA or QualCoder,
        validated against REFI's schema and written atomically (see qualia_core.coding.exchange)."""
        from .coding.exchange import export_qdpx

        return export_qdpx(self.codes, path, documents)

    def import_qdpx(self, path: str | Path, *, coder: str | None = None):
        """Read a REFI-QDA project (.qdpx) into the study, all or nothing; returns an ImportSummary (`.summary()`).
        A malformed or hostile archive raises ExchangeError naming what is wrong, and changes nothing."""
        from .coding.exchange import import_qdpx

        return import_qdpx(self.codes, path, coder=coder, max_bytes=self.max_document_bytes)

    def search(self, query: str, documents=None, speakers=None, limit: int = 100):
        """Every turn of the library holding what `query` asks for (see qualia_core.search)."""
        from .search import search

        return search(self.library, query, documents=documents, speakers=speakers, limit=limit)

    def requirements(self, plugin_id: str) -> list[str]:
        """The plugins that run for `plugin_id`, dependencies first, ending with it (DependencyError if impossible)."""
        return list(self._plan(plugin_id).order)

    def clear_cache(self, plugin_id: str | None = None) -> None:
        self.cache.invalidate(plugin_id)

    def __repr__(self) -> str:
        n = len(self._discovery.plugins) if self._discovery else "?"
        return f"QualiaCore(plugins_dir={str(self.plugins_dir)!r}, data_dir={str(self.data_dir)!r}, plugins={n})"
