"""How long one health check takes (target: under 50 ms), against the blocking style it avoids.

    .venv/bin/python benchmarks/bench_health.py

Ours: HealthChecker.check() on the shipped plugins and a data dir with breaker stats and a backup
record (psutil's non-blocking readings). Peer, in the same process: the same readings taken the
common way, psutil.cpu_percent(interval=0.1), which blocks the request for the sampling window.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    import psutil

    from ops.monitoring.breaker_registry import BreakerRegistry
    from ops.monitoring.health import HealthChecker
    from qualia_core import QualiaCore

    core = QualiaCore(data_dir=tempfile.mkdtemp(prefix="qualia-bench-health-"), entry_points=False)
    core.discover_plugins()
    registry = BreakerRegistry(core.data_dir, max_failures=1)
    for pid in list(core.plugin_metadata())[:3]:
        registry.call(pid, None, lambda: None)
    checker = HealthChecker(core)
    checker.check()

    samples = []
    for _ in range(50):
        started = time.perf_counter()
        checker.check()
        samples.append((time.perf_counter() - started) * 1000)
    ours = statistics.median(samples)

    peer_samples = []
    for _ in range(5):
        started = time.perf_counter()
        psutil.cpu_percent(interval=0.1)
        psutil.virtual_memory(), psutil.disk_usage(str(core.data_dir)), psutil.Process().memory_info()
        peer_samples.append((time.perf_counter() - started) * 1000)
    peer = statistics.median(peer_samples)
    print(f"HealthChecker.check(): median {ours:.2f} ms, max {max(samples):.2f} ms over 50 checks "
          f"({'OK' if max(samples) < 50 else 'OVER'} the 50 ms target)")
    print(f"peer, readings with cpu_percent(interval=0.1): median {peer:.1f} ms  ({peer / ours:.0f}x ours)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
