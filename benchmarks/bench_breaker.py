"""Benchmark: what the circuit breaker adds to a plugin call, and how exact its stored counts are.

    .venv/bin/python benchmarks/bench_breaker.py [--calls 20000] [--repeat 5]

- `execute_plugin` of a trivial plugin (returns {}), without the cache, through a core with the breakers of
  ops/ and through one without a guard: µs a call, and the ratio;
- `CircuitBreaker.call` of a no-op alone, with the data dir's JSON store;
- the calls the stats file holds after the run (should equal the calls made).
Prints timings and counts only, never text.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ops import core_with_breakers  # noqa: E402
from ops.monitoring.breaker_registry import read_snapshot  # noqa: E402
from qualia_core import Document, QualiaCore, Utterance  # noqa: E402
from qualia_core.cache import WRITER  # noqa: E402

TRIVIAL = '''
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

class Trivial(BaseAnalyzerPlugin):
    def meta(self):
        return PluginMetadata(id="trivial", type=PluginType.ANALYZER, name="Trivial", description="",
                              version="1")

    def _analyze_impl(self, document, config, context):
        return {}
'''


def per_call(fn, calls: int, repeat: int) -> float:
    """Best of `repeat` runs of `calls` calls: seconds a call."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - started) / calls)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="qualia-bench-breaker-"))
    (root / "plugins" / "trivial").mkdir(parents=True)
    (root / "plugins" / "trivial" / "__init__.py").write_text(TRIVIAL)
    guarded = core_with_breakers(plugins_dir=root / "plugins", data_dir=root / "data", entry_points=False)
    bare = QualiaCore(plugins_dir=root / "plugins", data_dir=root / "bare", entry_points=False)
    doc = Document("d", "d", [Utterance("A", "hello there")])
    for core in (guarded, bare):
        core.discover_plugins()
        core.execute_plugin("trivial", doc, use_cache=False)  # warm

    with_breaker = per_call(lambda: guarded.execute_plugin("trivial", doc, use_cache=False), args.calls, args.repeat)
    without = per_call(lambda: bare.execute_plugin("trivial", doc, use_cache=False), args.calls, args.repeat)
    breaker = guarded.guard.breaker("trivial")
    alone = per_call(lambda: breaker.call(lambda: None), args.calls, args.repeat)
    print(f"execute_plugin(trivial): with breakers {with_breaker * 1e6:6.1f} µs, without {without * 1e6:6.1f} µs "
          f"(ratio {with_breaker / without:.3f})")
    print(f"CircuitBreaker.call(no-op) alone: {alone * 1e6:6.2f} µs")
    made = 1 + args.calls * args.repeat * 2
    flush = getattr(breaker, "flush", None)
    if flush is not None:
        flush()
    else:  # before issue 13: a store every SAVE_EVERY seconds, on the next call
        time.sleep(1.1)
        breaker.call(lambda: None)
        made += 1
    print(f"calls made {made}, stored {read_snapshot(root / 'data')['trivial']['total_calls']}")
    WRITER.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
