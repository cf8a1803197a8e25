"""Benchmark: what a new user waits for before anything runs. In fresh processes, each measured several times:

    .venv/bin/python benchmarks/bench_startup.py [--repeat 7]

- qualia:  `from qualia_core import QualiaCore; QualiaCore().discover_plugins()` (the ten shipped plugins)
- eager peer: the same after importing the libraries the plugins use (numpy, plotly, wordcloud, textblob,
  simplemma), i.e. what discovery cost when it imported every plugin's libraries (the earlier design)
- python: a bare interpreter (`python -c pass`), the floor
- first run: discovery, then the first `execute_plugin("word_frequency")` on a 70 KB meeting, which loads
  numpy on demand (and gives the same result as in a process that imported everything up front)

Prints median wall seconds and peak RSS (MB) of each, and the ratios. Targets (issue 10): qualia <= 0.3 s and
<= 100 MB. Prints timings only, never text.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "ami_ES2012a_opening.txt"

DISCOVER = "from qualia_core import QualiaCore; QualiaCore(data_dir={data!r}).discover_plugins()"
EAGER = ("import numpy, plotly.graph_objects, wordcloud, textblob, simplemma; "
         "from qualia_core import QualiaCore; QualiaCore(data_dir={data!r}).discover_plugins()")
FIRST_RUN = ("import json; from qualia_core import QualiaCore; c = QualiaCore(data_dir={data!r}); c.discover_plugins(); "
             "d = c.load_document({doc!r}); print(json.dumps(c.execute_plugin('word_frequency', d, use_cache=False)"
             "['top_words'][:5]))")


def run(code: str) -> tuple[float, str]:
    """(wall seconds, stdout) of `python -c code` in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def peak_rss(code: str) -> float:
    """Peak RSS (MB) of `python -c code`, read by a parent that runs nothing else (ru_maxrss of children)."""
    probe = ("import resource, subprocess, sys; subprocess.run([sys.executable, '-c', sys.argv[1]], check=True, "
             "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, code], cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def measure(code: str, repeat: int) -> tuple[float, float, str]:
    """(median wall seconds, peak RSS in MB, stdout of the last run)."""
    walls, out = [], ""
    for _ in range(repeat):
        wall, out = run(code)
        walls.append(wall)
    return statistics.median(walls), peak_rss(code), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--document", type=Path, default=SAMPLE, help="the meeting of the first-run line")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="qualia-bench-start-")
    run(DISCOVER.format(data=data))  # compile .pyc files once, as an installed copy has them

    bare = measure("pass", args.repeat)
    ours = measure(DISCOVER.format(data=data), args.repeat)
    eager = measure(EAGER.format(data=data), args.repeat)
    first = measure(FIRST_RUN.format(data=data, doc=str(args.document)), args.repeat)
    eager_first = measure("import numpy, plotly.graph_objects, wordcloud, textblob, simplemma; "
                          + FIRST_RUN.format(data=data, doc=str(args.document)), 1)
    same = json.loads(first[2]) == json.loads(eager_first[2])

    print(f"Fresh processes, median of {args.repeat} (peak RSS of one process):")
    rows = [("python -c pass (the floor)", bare), ("qualia: import + discover_plugins()", ours),
            ("eager peer: plugin libraries imported, then discover", eager),
            ("qualia: discover + first word_frequency run", first)]
    for label, (wall, peak, _) in rows:
        print(f"  {label:52s} {wall:6.3f} s  {peak:6.1f} MB")
    print(f"  ratio: the eager peer takes {eager[0] / ours[0]:.1f}x qualia's time and {eager[1] / ours[1]:.1f}x its memory")
    print(f"  qualia above a bare interpreter: {ours[0] - bare[0]:.3f} s, {ours[1] - bare[1]:.1f} MB")
    print(f"  targets: <= 0.3 s -> {'met' if ours[0] <= 0.3 else 'NOT met'}; <= 100 MB -> "
          f"{'met' if ours[1] <= 100 else 'NOT met'}")
    print(f"  first run after a light discovery gives the same top words as with everything imported: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
