"""Benchmark: library-wide search on the 197 shared meetings, through `core.search` (the database's index)
next to the peer a notebook would write: a case- and accent-folding regex over every turn already in memory.

    .venv/bin/python benchmarks/bench_search.py [--corpus ../shared/corpus/qmsum] [--repeat 9]

Also times adding the 197 meetings to an empty library (parse, turns and the index). Target (issue 11):
<= 100 ms a query. Prints timings only, never text.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualia_core import QualiaCore  # noqa: E402
from qualia_core.search_terms import fold, parse  # noqa: E402

QUERIES = ["remote", "the", '"remote control"', "design*", "comunicacao", "budget meeting", "xylophone"]


def peer(docs, query: str) -> int:
    """Every turn whose folded text holds every term (whole words, prefix with *), as core.search counts."""
    patterns = []
    for term in parse(query):
        words = [re.escape(w) for w in term.words]
        tail = r"[^\W\d_]*" if term.prefix else ""
        patterns.append(re.compile(r"(?<![^\W\d_])" + r"[^\w]+".join(words) + tail + r"(?![^\W\d_])"))
    hits = 0
    for doc in docs:
        for u in doc.utterances:
            folded = fold(u.text)[0] if not u.text.isascii() else u.text.lower()
            if all(p.search(folded) for p in patterns):
                hits += 1
    return hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "qmsum")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    files = sorted((args.corpus / "txt").glob("*.txt"))
    if not files:
        print(f"The shared corpus is not at {args.corpus} (CI has it); nothing to measure.")
        return 0
    core = QualiaCore(data_dir=tempfile.mkdtemp(prefix="qualia-bench-search-"), entry_points=False)
    started = time.perf_counter()
    for f in files:
        core.library.add(f.name, f.read_bytes())
    added = time.perf_counter() - started
    entries = core.library.list()
    print(f"added {len(entries)} meetings ({sum(e.utterances for e in entries):,} turns) in {added:.1f} s "
          f"({added / len(entries) * 1000:.0f} ms a meeting)")
    docs = [core.library.get(e.id) for e in entries]
    worst = 0.0
    for query in QUERIES:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = core.search(query)
            times.append(time.perf_counter() - t)
        ours = statistics.median(times)
        t = time.perf_counter()
        peer_hits = peer(docs, query)
        theirs = time.perf_counter() - t
        worst = max(worst, ours)
        same = "same count" if peer_hits == result.total else f"peer counts {peer_hits}"
        print(f"  {query!r:20s} {result.total:6d} hits  core.search {ours * 1000:7.1f} ms   "
              f"regex over turns in memory {theirs * 1000:7.0f} ms  ({theirs / ours:5.0f}x)  {same}")
    print(f"slowest query {worst * 1000:.1f} ms (target <= 100 ms: {'met' if worst <= 0.1 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
