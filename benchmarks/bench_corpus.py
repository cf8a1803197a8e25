"""Benchmark: run_corpus over the shared meetings, in this process against a process pool, then cached.

    /work/venv/bin/python benchmarks/bench_corpus.py [corpus_txt_dir] [--workers 2] [--dask]

Plugins word_frequency, sentiment_analyzer and speaker_stats (default configs) over every .txt meeting:

1. sequential: executor=None, a fresh data dir (cold cache);
2. ProcessPoolExecutor(--workers), a fresh data dir; the pool's start-up is inside the time;
3. the cached second run: a new QualiaCore on the pool run's data dir (empty memory cache, as a new app
   session), no executor needed since nothing is dispatched;
4. the app's case: Documents (parsed here, then shipped whole to the pool), cold and then cached;
5. with --dask, a Dask LocalCluster of --workers processes, fresh data dir; the cluster's start-up and a
   warm-up run on a few meetings (worker imports) are outside the time.

Targets on a 2-core machine: the pool >= 1.5x faster than sequential, the cached run < 2 s. Prints the
load average (other processes skew the ratio), the cache size and peak memory: during each run, a thread
samples this process's RSS and each worker's USS (its own pages: forked workers share the parent's) every
0.25 s; ru_maxrss of this process and of its largest finished child are printed at the end. Every run's
results are checked equal to the sequential ones. Timings and counts only, never transcript text.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import threading
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from qualia_core import QualiaCore  # noqa: E402
from qualia_core.corpus import failures  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "qmsum" / "txt"
PLUGINS = ["word_frequency", "sentiment_analyzer", "speaker_stats"]


SCRATCH = tempfile.TemporaryDirectory(prefix="qualia-bench-corpus-")  # every data dir; removed at exit


def fresh_core(data_dir: Path | None = None) -> QualiaCore:
    core = QualiaCore(data_dir=data_dir or tempfile.mkdtemp(dir=SCRATCH.name), entry_points=False)
    core.discover_plugins()
    return core


class PeakMemory:
    """Peak RSS of this process and peak USS of its busiest descendant while the block runs, in MB."""

    def __enter__(self):
        self.me, self.worker, self._stop = psutil.Process(), 0.0, threading.Event()
        self.own = self.me.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.25):
            self.own = max(self.own, self.me.memory_info().rss)
            for child in self.me.children(recursive=True):
                try:
                    self.worker = max(self.worker, child.memory_full_info().uss)
                except psutil.Error:
                    pass

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def __str__(self):
        worker = f", largest worker {self.worker / 2**20:.0f} MB" if self.worker else ""
        return f"peak {self.own / 2**20:.0f} MB here{worker}"


def measure(label: str, run, reference=None, baseline: float | None = None, note: str = "", extra: float = 0.0):
    """Time `run()`, print one line (speed-up: baseline / (seconds + extra)), and return (seconds, result)."""
    with PeakMemory() as memory:
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
    check = "" if reference is None else ("; identical results" if result == reference else "; RESULTS DIFFER")
    ratio = f"; speed-up {baseline / (seconds + extra):.2f}x" if baseline else ""
    print(f"  {label:40s} {seconds:6.2f} s{ratio}{note}{check}; {memory}")
    return seconds, result


def tree_size(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--start-method", choices=["fork", "forkserver", "spawn"], default=None,
                        help="the pool's multiprocessing start method (default: Python's, fork on Linux)")
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster (needs dask[distributed])")
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.txt")) if args.corpus.is_dir() else []
    if not files:
        print(f"No .txt meetings at {args.corpus} (the shared QMSum corpus; CI has it): nothing to measure.")
        return 0
    size = sum(f.stat().st_size for f in files) / 1e6
    context = multiprocessing.get_context(args.start_method)
    print(f"{len(files)} meetings, {size:.1f} MB; plugins {', '.join(PLUGINS)}; {os.cpu_count()} CPUs; "
          f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; pool start method "
          f"{context.get_start_method()}")
    fresh_core().run_corpus(files[:1], PLUGINS)  # warm-up (imports, lexicons) before the pool forks

    t_seq, sequential = measure("sequential (executor=None)", lambda: fresh_core().run_corpus(files, PLUGINS))
    pooled_core = fresh_core()

    def pooled(core, sources):
        with ProcessPoolExecutor(args.workers, mp_context=context) as pool:
            return core.run_corpus(sources, PLUGINS, executor=pool)

    measure(f"ProcessPoolExecutor({args.workers})", lambda: pooled(pooled_core, files), sequential, t_seq,
            " (target >= 1.5x)")
    measure("cached second run (new core)", lambda: fresh_core(pooled_core.data_dir).run_corpus(files, PLUGINS),
            sequential, note=" (target < 2 s)")

    # The app's case: library Documents, parsed in this process and shipped whole to the workers.
    t_parse, documents = measure("parse the 197 meetings here", lambda: [pooled_core.load_document(f) for f in files])
    docs_core = fresh_core()
    measure("pool, Documents as sources", lambda: pooled(docs_core, documents), sequential, t_seq,
            " (counting the parsing here)", extra=t_parse)
    measure("cached, Documents as sources", lambda: fresh_core(docs_core.data_dir).run_corpus(documents, PLUGINS),
            sequential)
    del documents

    if args.dask:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            executor = client.get_executor()
            fresh_core().run_corpus(files[:args.workers * 2], PLUGINS, executor=executor)  # worker imports
            measure(f"Dask LocalCluster({args.workers} processes), warmed", lambda: fresh_core().run_corpus(
                files, PLUGINS, executor=executor), sequential, t_seq)

    print(f"  failed entries: {len(failures(sequential))}; cache on disk "
          f"{tree_size(pooled_core.data_dir / 'cache'):.1f} MB; fingerprint index "
          f"{tree_size(pooled_core.data_dir / 'corpus') * 1000:.0f} KB")
    print(f"  ru_maxrss: this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, largest "
          f"finished child {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB (a forked "
          "worker counts the parent's pages it shares)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
