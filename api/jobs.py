"""Corpus analyses asked for through the API: checked at once, then run in a background thread of the worker
that accepted them, with their state in the study database (qualia_core.jobs) so any worker answers for them.

One job runs at a time per worker process (others wait in its queue, state "queued"); the job itself fans out
over the configured executor (qualia_core.executors: a process pool, or Dask when QUALIA_DASK_SCHEDULER is
set) through core.run_corpus. While a job runs, a heartbeat thread touches it every HEARTBEAT seconds; a worker
that dies stops the heartbeat and the job is failed STALE seconds later (qualia_core.jobs).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from qualia_core.errors import QualiaError
from qualia_core.executors import corpus_executor
from qualia_core.jobs import HEARTBEAT, Job, Jobs

from .problems import _report

log = logging.getLogger("api")


class JobRunner:
    def __init__(self, core, jobs: Jobs):
        self.core = core
        self.jobs = jobs
        self._queue = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qualia-job")

    def submit(self, owner: str, plugin_id: str, config: dict[str, Any], document_ids: list[str]) -> Job:
        """Check everything a run would refuse (the plugin, its parameters, the documents), then queue it."""
        document_ids = list(dict.fromkeys(document_ids))
        for doc_id in document_ids:
            self.core.library.entry(doc_id)  # LibraryError (404) naming a missing document
        self.core.run_corpus([], [plugin_id], {plugin_id: config})  # the corpus run's own checks, on no document
        request = {"plugin_id": plugin_id, "config": config, "document_ids": document_ids}
        job = self.jobs.create(owner, request, total=len(document_ids))
        self._queue.submit(self._run, job.id, plugin_id, config, document_ids)
        return job

    def _run(self, job_id: str, plugin_id: str, config: dict[str, Any], document_ids: list[str]) -> None:
        stop = threading.Event()

        def heartbeat() -> None:
            while not stop.wait(HEARTBEAT):
                try:
                    self.jobs.beat(job_id)
                except Exception as exc:  # noqa: BLE001 - a busy database: the next beat tries again
                    log.warning("api: job heartbeat failed (%s)", type(exc).__name__)

        beating = threading.Thread(target=heartbeat, name="qualia-job-heartbeat", daemon=True)
        try:
            self.jobs.start(job_id)
            beating.start()
            documents = self.core.library.get_many(document_ids)
            with corpus_executor() as executor:
                result = self.core.run_corpus(documents, [plugin_id], {plugin_id: config}, executor=executor,
                                              progress=lambda done, total, _doc: self.jobs.progress(job_id, done,
                                                                                                    total))
            self.jobs.finish(job_id, {doc_id: dict(entries) for doc_id, entries in result.items()})
        except QualiaError as exc:
            self.jobs.fail(job_id, str(exc))
        except Exception as exc:  # noqa: BLE001 - the job says so; the worker goes on
            reference = _report(exc)
            self.jobs.fail(job_id, f"Unexpected error (reference {reference}); the server log has the details. "
                                   f"Submit the job again; if it fails again, give the reference to the operator.")
        finally:
            stop.set()

    def shutdown(self) -> None:
        self._queue.shutdown(wait=False, cancel_futures=True)
