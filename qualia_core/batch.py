"""Running several plugins over one or several documents, as the app's Analyze page and the later API and
command line ask for it: one function decides how (a corpus run on a worker pool, or one call at a time).

    outcome = run_many(core, documents, ["word_frequency", "frequency_chart"], configs, executor, progress)
    outcome.results[doc_id][plugin_id]      # the result, or {"error", "error_type"} in its place

- With several documents, analyzers and document plugins run as a corpus (qualia_core.corpus.run_corpus,
  on `executor` when given: each document in parallel, reported as it completes); visualizers draw one
  document's results, so they run per document afterwards (their analyzers come from the cache).
- With one document, every plugin runs in this process through execute_plugin.
- Every config is validated before anything runs (ConfigError, PluginNotFoundError, DependencyError).
- A failure is reported in its place and never stops the other runs; `outcome.failures` lists them.
- `progress(fraction, label)` is called as the work advances, with a label naming no transcript text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .contract import PluginType
from .corpus import error_entry, failures, run_corpus
from .document import Document
from .errors import QualiaError

log = logging.getLogger(__name__)

Progress = Callable[[float, str], Any]


@dataclass
class BatchOutcome:
    results: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def failures(self) -> list[tuple[str, str, str, str]]:
        """(document id, plugin id, error type, message) of every failed run."""
        return failures(self.results)


def run_many(core, documents: Sequence[Document], plugin_ids: Sequence[str],
             configs: Mapping[str, dict[str, Any] | None] | None = None, executor=None,
             progress: Progress | None = None, names: Mapping[str, str] | None = None) -> BatchOutcome:
    """Run `plugin_ids` on every document (see the module docstring). `names` maps document ids to the names
    shown in progress labels (the id by default)."""
    configs = {pid: dict(c or {}) for pid, c in (configs or {}).items()}
    plugin_ids = list(dict.fromkeys(plugin_ids))
    names = names or {}
    for pid in plugin_ids:  # everything is validated before anything runs
        for dep in core.requirements(pid):
            core.validate(dep, configs.get(dep))
    visualizers = [p for p in plugin_ids if core.get_plugin(p).metadata.type is PluginType.VISUALIZER]
    batched = [p for p in plugin_ids if p not in visualizers] if len(documents) > 1 else []
    singles = [(d, p) for d in documents for p in plugin_ids if p not in batched]
    total_steps = (len(documents) if batched else 0) + len(singles)
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done / max(1, total_steps), label)

    outcome = BatchOutcome({d.id: {} for d in documents})
    if batched:
        corpus = run_corpus(core, list(documents), batched, {p: c for p, c in configs.items()}, executor=executor,
                            progress=lambda n, total, doc_id: step(f"{n}/{total} documents · "
                                                                   f"{names.get(doc_id, doc_id)}"))
        for doc_id, entries in corpus.items():
            outcome.results[doc_id].update(entries)
    for document, pid in singles:
        others = {p: c for p, c in configs.items() if p != pid}
        try:
            outcome.results[document.id][pid] = core.execute_plugin(pid, document, configs.get(pid),
                                                                    dependency_configs=others)
        except QualiaError as exc:
            outcome.results[document.id][pid] = error_entry(exc)
        except Exception as exc:  # noqa: BLE001 - a bug in one run must not stop the others
            log.warning("plugin %s failed on document %s: %s", pid, document.id, type(exc).__name__)
            outcome.results[document.id][pid] = error_entry(exc)
        step(f"{names.get(document.id, document.id)} · {pid}")
    outcome.results = {d.id: {p: outcome.results[d.id][p] for p in plugin_ids} for d in documents}
    return outcome


__all__ = ["BatchOutcome", "run_many"]
