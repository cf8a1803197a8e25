"""Whole corpora: run plugins over many transcripts, in this process or on any concurrent.futures executor.

    result = core.run_corpus(["interviews/"], ["word_frequency", "speaker_stats"],
                             executor=ProcessPoolExecutor(2), progress=lambda done, total, doc_id: ...)
    for doc_id, entries in iter_corpus(core, ["interviews/"], [...], executor=pool):   # bounded memory
        ...

`run_corpus` returns a CorpusResult in source order that keeps each result's cache key and reads a document's
results when asked for; `iter_corpus` hands each document over as it is done and keeps nothing. Either way a
study of any size runs in bounded memory (the 197 shared meetings and four copies of them: 52 and 60 MB peak
in the client through run_corpus, 48 and 60 MB through iter_corpus).

- Sources: files, folders (every .txt .vtt .srt .docx below, by sorted relative path; names starting with
  "." or "~$" skipped) or Documents. A document's id is its file stem (a Document keeps its id); a stem
  several sources share becomes the file name ("ES2016d.txt", "ES2016d.vtt"), and an id still shared
  gets "~2", "~3"… in source order. The same file given twice is run once.
- Config: with a list of plugin ids, {plugin id: config}, which may also name plugins they require
  (execute_plugin's dependency_configs); with one plugin id given as a string, that plugin's config.
  Everything is validated before anything runs (ConfigError, PluginNotFoundError, DependencyError).
- Result: doc id -> plugin id -> what execute_plugin returns, in source and plugin order (a read-only
  Mapping, qualia_core.corpus_result.CorpusResult: each document is read from the cache on access). A failure
  is in its place as exactly {"error": message, "error_type": name} (an unreadable file gives it for
  every plugin) and never stops the other documents; `failures(result)` lists them.
- executor None runs here through the core itself (its breakers count failures). Otherwise each
  document not wholly cached becomes a small picklable CorpusTask (plugins dir, the file's path or the
  Document, plugin ids, configs); `run_task` parses the file on the worker with a QualiaCore kept per
  process and thread (memory cache only, no guard) and returns the fingerprint, plugin versions and
  results. Only the client reads and fills the result cache. Failed documents are tried again next run.
- Guard: a plugin that the core's guard refuses for now (ops' circuit breakers: its breaker is open), or
  that requires one, is not dispatched: its missing entries are PluginSwitchedOffError errors.
- Cache keys need the parsed document's fingerprint: `<data_dir>/corpus/fingerprints.json` maps
  (path, size, mtime_ns) to it, filled from what workers return, so a second run only stats files.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from . import resolver
from .atomic import atomic_write_json
from .cache import ResultCache, cache_key
from .contract import PluginType
from .document import Document
from .errors import ConfigError, PluginSwitchedOffError

log = logging.getLogger(__name__)

CORPUS_EXTENSIONS = (".txt", ".vtt", ".srt", ".docx")
Progress = Callable[[int, int, str], Any]
Source = Path | Document


def error_entry(exc: BaseException | str, error_type: str | None = None) -> dict[str, str]:
    """A failure in its place: {"error": message, "error_type": exception class name}."""
    return {"error": str(exc), "error_type": error_type or type(exc).__name__}


def is_error(entry: Any) -> bool:
    """True for a failure entry ({"error", "error_type"}) rather than a plugin result."""
    return isinstance(entry, dict) and set(entry) == {"error", "error_type"}


def failures(result: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str, str, str]]:
    """(document id, plugin id, error type, message) of every failed entry of a run_corpus result."""
    return [(doc, pid, e["error_type"], e["error"]) for doc, entries in result.items()
            for pid, e in entries.items() if is_error(e)]


def collect_sources(sources: Any) -> list[tuple[str, Source]]:
    """(document id, Path or Document) for files, folders and Documents, in order (see the module doc)."""
    if isinstance(sources, (str, os.PathLike, Document)):
        sources = [sources]
    items: list[tuple[str, str, Source]] = []  # (stem or id, name, source)
    seen: set[Path] = set()
    for source in sources:
        if isinstance(source, Document):
            items.append((source.id, source.id, source))
            continue
        path = Path(source)
        files = _folder_files(path) if path.is_dir() else [path]
        for f in files:  # a missing file is kept: it is reported in its place
            if f.resolve() not in seen:
                seen.add(f.resolve())
                items.append((f.stem, f.name, f))
    stems = Counter(stem for stem, _, _ in items)
    result, used = [], set()
    for stem, name, source in items:
        base = stem if stems[stem] == 1 else name
        doc_id, n = base, 1
        while doc_id in used:
            n += 1
            doc_id = f"{base}~{n}"
        used.add(doc_id)
        result.append((doc_id, source))
    return result


def _folder_files(folder: Path) -> list[Path]:
    found = [f for f in folder.rglob("*") if f.suffix.lower() in CORPUS_EXTENSIONS
             and not f.name.startswith((".", "~$")) and f.is_file()]
    return sorted(found, key=lambda f: f.relative_to(folder).as_posix())


@dataclass(frozen=True)
class CorpusTask:
    """What a worker receives for one document (small: a path, not the text, unless a Document was given)."""

    plugins_dir: str
    entry_points: bool
    max_bytes: int
    doc_id: str
    source: str | Document
    plugin_ids: tuple[str, ...]
    configs: dict[str, Any]
    stat: tuple[int, int] | None = None  # the file's (size, mtime_ns) when dispatched

    def __dask_tokenize__(self) -> tuple:
        """Dask's task key (a protocol hook; Dask is never imported here): cheap, and new when the file changes."""
        source = (self.source.id, self.source.fingerprint) if isinstance(self.source, Document) else self.source
        return (self.plugins_dir, self.entry_points, self.max_bytes, self.doc_id, source, self.stat,
                self.plugin_ids, json.dumps(self.configs, sort_keys=True, default=str))


@dataclass
class _Plan:
    ids: list[str]
    configs: dict[str, Any]
    orders: dict[str, list[str]]  # requested id -> its execution order
    order: list[str]  # every plugin involved, dependencies first
    needs: dict[str, list[str]]
    versions: dict[str, str]
    validated: dict[str, dict[str, Any]]

    def keys(self, fingerprint: str) -> dict[str, str]:
        """The cache keys execute_plugin uses for these plugins and configs on that fingerprint."""
        keys: dict[str, str] = {}
        for pid in self.order:
            keys[pid] = cache_key(fingerprint, pid, self.versions[pid], self.validated[pid],
                                  [keys[d] for d in self.needs[pid]])
        return keys


def _plan(core, plugin_ids: str | Iterable[str], config: Mapping[str, Any] | None) -> _Plan:
    ids = [plugin_ids] if isinstance(plugin_ids, str) else list(dict.fromkeys(plugin_ids))
    if not ids:
        raise ValueError("run_corpus needs at least one plugin id")
    if config is not None and not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, not {type(config).__name__}")
    configs = {ids[0]: dict(config or {})} if isinstance(plugin_ids, str) else dict(config or {})
    meta = core.plugin_metadata()
    for pid in (p for p in ids if core.get_plugin(p).metadata.type is PluginType.VISUALIZER):
        raise ConfigError(pid, [("plugin_ids", "a visualizer draws one document's results: run the analyzers "
                                 "on the corpus, then render per document with execute_plugin")])
    orders = {pid: resolver.execution_order(pid, meta) for pid in ids}
    order = list(dict.fromkeys(p for o in orders.values() for p in o))
    for pid, value in configs.items():
        core.get_plugin(pid)  # PluginNotFoundError for a typo
        if pid not in order:
            raise ConfigError(pid, [("config", f"'{pid}' is neither run nor required by {', '.join(ids)}")])
        if value is not None and not isinstance(value, Mapping):
            raise ConfigError(pid, [("config", f"a plugin's config must be a dict, not {type(value).__name__}")])
    validated = {pid: core.validate(pid, configs.get(pid)) for pid in order}
    return _Plan(ids, configs, orders, order, {pid: resolver.direct_requirements(pid, meta)[0] for pid in order},
                 {pid: meta[pid].version for pid in order}, validated)


def _refused(core, plan: _Plan) -> dict[str, dict[str, str]]:
    """Requested plugins that the core's guard refuses for now (theirs, or a plugin they require, is
    switched off): their entries, as the guard would have refused them."""
    guard = core.guard
    if guard is None:
        return {}
    off = {pid: guard.refused(pid, core.get_plugin(pid).instance) for pid in plan.order}
    entries = {}
    for pid in plan.ids:
        blocker = next((p for p in plan.orders[pid] if off[p] is not None), None)
        if blocker is not None:
            refusal = off[blocker]
            error = PluginSwitchedOffError(pid, refusal.reason, refusal.retry_in, refusal.trial_running,
                                           blocked_by=blocker)
            entries[pid] = error_entry(error)
    return entries


def _load_index(path: Path, version: str) -> dict[str, list]:
    """Resolved path -> [size, mtime_ns, fingerprint]; empty when missing, unreadable or of another version."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["files"] if data.get("qualia") == version and isinstance(data["files"], dict) else {}
    except (OSError, ValueError, KeyError, AttributeError):
        return {}


def _work(core, doc_id: str, source: str | Document, plugin_ids: Iterable[str],
          configs: dict[str, Any]) -> dict[str, Any]:
    """Load the document and run the plugins with `core`: {fingerprint, versions, results}."""
    plugin_ids = list(plugin_ids)
    try:
        document = source if isinstance(source, Document) else core.load_document(source, doc_id=doc_id)
    except Exception as exc:  # noqa: BLE001 - DocumentError, or anything else reading the file
        log.warning("document %s not read: %s", doc_id, type(exc).__name__)
        return {"fingerprint": None, "versions": {}, "results": {pid: error_entry(exc) for pid in plugin_ids}}
    results = {}
    for pid in plugin_ids:
        others = {p: c for p, c in configs.items() if p != pid}
        try:
            results[pid] = core.execute_plugin(pid, document, configs.get(pid), dependency_configs=others)
        except Exception as exc:  # noqa: BLE001 - reported in its place, never stops the rest
            log.warning("plugin %s failed on document %s: %s", pid, doc_id, type(exc).__name__)
            results[pid] = error_entry(exc)
    versions = {pid: m.version for pid, m in core.plugin_metadata().items()}
    return {"fingerprint": document.fingerprint, "versions": versions, "results": results}


_WORKER_CORES: dict[tuple, Any] = {}
_WORKER_LOCK = threading.Lock()


def run_task(task: CorpusTask) -> dict[str, Any]:
    """The worker side: one document, with this process's (and thread's) own QualiaCore."""
    key = (task.plugins_dir, task.entry_points, task.max_bytes, threading.get_ident())
    with _WORKER_LOCK:  # discovery imports plugin modules: one thread at a time
        core = _WORKER_CORES.get(key)
        if core is None:
            from .engine import QualiaCore
            core = QualiaCore(task.plugins_dir, Path(tempfile.gettempdir()) / "qualia-corpus-worker",
                              max_document_bytes=task.max_bytes, entry_points=task.entry_points, guard=False)
            core.cache = ResultCache(None)  # memory only, emptied after each task: dependencies run once
            core.discover_plugins()
            _WORKER_CORES[key] = core
    try:
        return _work(core, task.doc_id, task.source, task.plugin_ids, task.configs)
    finally:
        core.cache.invalidate()


def run_corpus(core, sources: Any, plugin_ids: str | Iterable[str], config: Mapping[str, Any] | None = None,
               executor: Executor | None = None, progress: Progress | None = None) -> dict[str, dict[str, dict]]:
    """Run plugins over a corpus; see the module docstring for sources, config, results and executors."""
    from .corpus_result import CorpusResult

    order = [doc_id for doc_id, _ in collect_sources(sources)]
    refs = {doc_id: entries for doc_id, entries, _ in
            _stream(core, sources, plugin_ids, config, executor, progress, None, load=False)}
    return CorpusResult(core.cache, {doc_id: refs[doc_id] for doc_id in order})


def iter_corpus(core, sources: Any, plugin_ids: str | Iterable[str], config: Mapping[str, Any] | None = None,
                executor: Executor | None = None, progress: Progress | None = None,
                in_flight: int | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """run_corpus as a stream: (document id, plugin id -> result) as each document is done, documents served
    from the cache first, the others in the order they finish. Nothing is held once yielded, so a caller that
    keeps only what it needs (a table row, a count) runs a corpus of any size in bounded memory. At most
    `in_flight` documents (default: 4 a worker) are handed to the executor at a time."""
    for doc_id, entries, _ in _stream(core, sources, plugin_ids, config, executor, progress, in_flight, load=True):
        yield doc_id, entries


def _stream(core, sources, plugin_ids, config, executor, progress, in_flight,
            load: bool) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(doc id, entries, refs): with `load`, entries hold every result; without, `refs` name each stored
    result by its cache key (StoredResult) and entries are empty, so nothing is kept."""
    from . import __version__
    from .corpus_result import StoredResult

    started = time.perf_counter()
    plan = _plan(core, plugin_ids, config)
    items = collect_sources(sources)
    refused = _refused(core, plan)
    index_path = core.data_dir / "corpus" / "fingerprints.json"
    index, fresh = _load_index(index_path, __version__), {}
    total, done, ran = len(items), 0, 0
    ready, pending = [], []  # (doc_id, keys) all stored; (doc_id, source, stat, missing plugin ids, keys)

    for doc_id, source in items:
        stat = None if isinstance(source, Document) or not source.is_file() else (
            (st := source.stat()).st_size, st.st_mtime_ns)
        known = index.get(str(source.resolve())) if stat else None
        fingerprint = source.fingerprint if isinstance(source, Document) else (
            known[2] if known and tuple(known[:2]) == stat else None)
        keys = plan.keys(fingerprint) if fingerprint else {}
        missing = [pid for pid in plan.ids if pid not in refused and not (keys and core.cache.has(pid, keys[pid]))]
        (pending.append((doc_id, source, stat, missing, keys)) if missing else ready.append((doc_id, source, keys)))

    def entries_of(doc_id: str, source: Source, keys: dict, computed: dict[str, Any]) -> dict[str, Any]:
        entries = {}
        for pid in plan.ids:
            if pid in computed:
                entries[pid] = computed[pid]
            elif pid in refused:
                entries[pid] = dict(refused[pid])
            elif not load and keys:
                entries[pid] = True  # stored: named by its key, not read
            else:
                entries[pid] = core.cache.get(pid, keys[pid]) if keys else None
                if entries[pid] is None:  # gone from the cache meanwhile: run it here
                    entries[pid] = _work(core, doc_id, source, [pid], plan.configs)["results"][pid]
        return entries

    def finish(doc_id: str, entries: dict[str, Any], keys: dict[str, str]) -> tuple[str, dict, dict]:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, doc_id)
        if load:
            return doc_id, entries, {}
        refs = {pid: (e if e is None or is_error(e) or pid not in keys else StoredResult(pid, keys[pid]))
                for pid, e in entries.items()}
        return doc_id, refs, refs

    def absorb(doc_id: str, source: Source, stat, outcome: dict[str, Any], in_process: bool) -> dict[str, Any]:
        fingerprint = outcome["fingerprint"]
        stale = [p for p in plan.order if fingerprint and outcome["versions"].get(p) != plan.versions[p]]
        if fingerprint and stat and not stale:
            fresh[str(source.resolve())] = [*stat, fingerprint]
        keys = plan.keys(fingerprint) if fingerprint else {}
        computed = {}
        for pid, result in outcome["results"].items():
            if stale and not is_error(result):
                result = error_entry(f"The worker has other versions of {', '.join(stale)} than this machine: "
                                     "install the same plugins on every worker.", "PluginVersionMismatch")
            elif not in_process and not is_error(result):
                core.cache.put(pid, keys[pid], result)
            computed[pid] = result
        if not fingerprint:  # unreadable: every plugin failed in its place
            return {pid: computed.get(pid) or dict(refused.get(pid) or error_entry("not run", "Skipped"))
                    for pid in plan.ids}, keys
        return entries_of(doc_id, source, keys, computed), keys

    try:
        for doc_id, source, keys in ready:
            yield finish(doc_id, entries_of(doc_id, source, keys, {}), keys)
        if executor is None:
            for doc_id, source, stat, missing, _ in pending:
                ran += 1
                yield finish(doc_id, *absorb(doc_id, source, stat, _work(core, doc_id, source, missing,
                                                                         plan.configs), True))
        else:
            for doc_id, source, stat, outcome in _dispatch(core, plan, pending, executor, in_flight):
                ran += 1
                yield finish(doc_id, *absorb(doc_id, source, stat, outcome, False))
    finally:
        if fresh:
            try:
                atomic_write_json(index_path, {"qualia": __version__, "files": {**index, **fresh}}, durable=False)
            except OSError as exc:  # the next run parses those files again; nothing is lost
                log.warning("could not write the fingerprint index: %s", exc)
        log.info("corpus run: %d documents, %d served from the cache, %d run (%s) in %.2fs", total,
                 total - len(pending), ran, type(executor).__name__ if executor else "in process",
                 time.perf_counter() - started)


def _dispatch(core, plan: _Plan, pending: list, executor: Executor,
              in_flight: int | None = None) -> Iterator[tuple[str, Source, Any, dict[str, Any]]]:
    """(doc id, source, stat, outcome) of each pending document as the executor finishes it, with at most
    `in_flight` documents handed over at a time (so Documents given as sources are not all pickled at once)."""
    limit = in_flight or 4 * max(1, getattr(executor, "_max_workers", 2) or 2)
    queue = iter(pending)
    futures: dict = {}
    seen: set = set()

    def submit_next() -> bool:
        for doc_id, source, stat, missing, _ in queue:
            task = CorpusTask(str(core.plugins_dir), bool(getattr(core, "_entry_points", True)),
                              core.max_document_bytes, doc_id,
                              source if isinstance(source, Document) else str(source), tuple(missing), plan.configs,
                              stat)
            futures[executor.submit(run_task, task)] = (doc_id, source, stat, missing)
            return True
        return False

    try:
        while len(futures) < limit and submit_next():
            pass
        while futures:
            future = next(as_completed(list(futures)))
            doc_id, source, stat, missing = futures.pop(future)
            submit_next()
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker, an unpicklable task…: this document only
                log.log(logging.DEBUG if type(exc) in seen else logging.WARNING,  # a broken pool: warn once
                        "document %s: the executor failed (%s)", doc_id, type(exc).__name__)
                seen.add(type(exc))
                outcome = {"fingerprint": None, "versions": {},
                           "results": {pid: error_entry(exc) for pid in missing}}
            yield doc_id, source, stat, outcome
    finally:
        for future in futures:  # stopped early (an interrupt, a raising progress callback)
            future.cancel()
