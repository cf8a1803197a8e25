"""Where corpus runs go: one rule for every door (the app's pages, the REST API's jobs, the command line).

    with corpus_executor() as executor:          # None: run in this process
        core.run_corpus(documents, ["word_frequency"], executor=executor)

- QUALIA_DASK_SCHEDULER set: the Dask cluster at that address (`distributed.Client(...).get_executor()`, a
  concurrent.futures executor; the core never imports Dask otherwise).
- Otherwise a process pool of QUALIA_CORPUS_WORKERS processes (0: one per CPU; 1: none, run here). Its workers
  come from a forkserver (not a fork of a threaded server) and exit when the run ends, so a long-lived server
  does not keep their memory between runs.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from . import config
from .errors import SettingsError


@contextmanager
def corpus_executor(workers: int | None = None, dask_scheduler: str | None = None) -> Iterator:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    address = config.get("QUALIA_DASK_SCHEDULER") if dask_scheduler is None else dask_scheduler
    if address:
        try:
            from distributed import Client
        except ImportError:
            raise SettingsError([f"QUALIA_DASK_SCHEDULER={address!r} needs Dask's `distributed` package: "
                                 f"pip install 'dask[distributed]', or leave the setting empty"]) from None
        client = Client(address, set_as_default=False, timeout=30)
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    workers = (config.get("QUALIA_CORPUS_WORKERS") if workers is None else workers) or os.cpu_count() or 1
    if workers <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["corpus_executor"]
