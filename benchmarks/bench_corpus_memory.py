"""Benchmark: the client's peak memory of a corpus run at study scale, through run_corpus (its CorpusResult keeps
each result's cache key; the benchmark then reads every document back once) and through iter_corpus (keeping
one table row a meeting), at the 197 shared meetings and at four copies of them (788 meetings, each copy made
distinct by one added line).

    .venv/bin/python benchmarks/bench_corpus_memory.py [--corpus ../shared/corpus/qmsum] [--workers 2]

Each run is a fresh process with a fresh data dir (cold cache), word_frequency, sentiment_analyzer and
speaker_stats on a process pool; the figure is that process's peak RSS (ru_maxrss; the workers are other
processes). Targets (issue 11): <= 300 MB at 197 meetings and at most 1.3x that at 788. Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN = r'''
import json, resource, sys, time
from concurrent.futures import ProcessPoolExecutor
from qualia_core import QualiaCore
from qualia_core.corpus import iter_corpus, run_corpus
mode, folder, data, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
core = QualiaCore(data_dir=data, entry_points=False)
plugins = ["word_frequency", "sentiment_analyzer", "speaker_stats"]
started = time.perf_counter()
with ProcessPoolExecutor(workers) as pool:
    if mode == "hold":
        result = run_corpus(core, folder, plugins, executor=pool)
        rows = sum(1 for doc_id in result if result[doc_id]["speaker_stats"])  # every document read back once
    else:
        rows = 0
        table = []
        for doc_id, entries in iter_corpus(core, folder, plugins, executor=pool):
            stats = entries["speaker_stats"]
            table.append((doc_id, stats.get("total_words"), entries["sentiment_analyzer"].get("polarity")))
        rows = len(table)
print(json.dumps({"rows": rows, "seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def measure(mode: str, folder: Path, workers: int) -> dict:
    data = tempfile.mkdtemp(prefix="qualia-bench-mem-")
    try:
        out = subprocess.run([sys.executable, "-c", RUN, mode, str(folder), data, str(workers)], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "qmsum")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    files = sorted((args.corpus / "txt").glob("*.txt"))
    if not files:
        print(f"The shared corpus is not at {args.corpus} (CI has it); nothing to measure.")
        return 0
    work = Path(tempfile.mkdtemp(prefix="qualia-bench-copies-"))
    one, four = work / "one", work / "four"
    one.mkdir()
    four.mkdir()
    for f in files:
        shutil.copy(f, one / f.name)
        for n in range(4):
            (four / f"{f.stem}_copy{n}.txt").write_bytes(f.read_bytes() + f"\nCopy: number {n}\n".encode())
    print(f"{len(files)} meetings, and {4 * len(files)} as four distinct copies; {args.workers} workers")
    figures = {}
    for mode in ("hold", "stream"):
        for label, folder in (("197", one), ("788", four)):
            figures[mode, label] = r = measure(mode, folder, args.workers)
            print(f"  {'run_corpus, then read back' if mode == 'hold' else 'iter_corpus (one row a meeting)':34s}"
                  f" {label} meetings: peak {r['peak_mb']:6.0f} MB in {r['seconds']:5.1f} s ({r['rows']} rows)",
                  flush=True)
    for mode in ("hold", "stream"):
        small, big = figures[mode, "197"]["peak_mb"], figures[mode, "788"]["peak_mb"]
        print(f"  {mode}: 788 / 197 = {big / small:.2f}x (target <= 1.3x: {'met' if big / small <= 1.3 else 'NOT met'});"
              f" 197 meetings <= 300 MB: {'met' if small <= 300 else 'NOT met'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
