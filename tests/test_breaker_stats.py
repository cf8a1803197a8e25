"""Circuit breaker statistics are exact across threads, processes and a normal exit (issue 13, item 9).

The processes are real: each runs a script through `sys.executable` on a shared data dir and exits normally,
and what they stored is read back from the stats file, as the dashboard reads it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ops.monitoring.breaker_registry import BreakerRegistry, read_snapshot
from ops.monitoring.breaker_store import JsonFileStore, MemoryStore
from ops.monitoring.circuit_breaker import CircuitBreaker

ROOT = Path(__file__).resolve().parents[1]

# One process: waits for `go` (so that the processes overlap), then makes `calls` calls of plugin "p" in
# `threads` threads, each call failing when `pattern` says so, and exits normally right after the last one.
CHILD = r'''
import os, sys, threading, time
from pathlib import Path
from ops.monitoring.breaker_registry import BreakerRegistry

data, name, threads, calls, pattern, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6])
(Path(data) / f"ready-{name}").touch()
while not (Path(data) / "go").exists():
    time.sleep(0.005)
registry = BreakerRegistry(Path(data), max_failures=1_000_000)

def boom():
    raise RuntimeError("plugin bug")

def work():
    for i in range(calls):
        fails = pattern == "fail" or (pattern == "mixed" and i % 2)
        try:
            registry.call("p", None, boom if fails else (lambda: None))
        except RuntimeError:
            pass
        if pause:
            time.sleep(pause)

workers = [threading.Thread(target=work) for _ in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
'''


def run_processes(data_dir: Path, processes: int, *, threads: int = 1, calls: int = 50, pattern: str = "ok",
                  pause: float = 0.0) -> dict:
    """Start the processes, let them go together, wait for each to exit normally; the stored stats of "p"."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), str(i), str(threads), str(calls),
                                  pattern, str(pause)], cwd=ROOT, env=env, stderr=subprocess.PIPE)
                for i in range(processes)]
    try:
        deadline = time.monotonic() + 60
        while not all((data_dir / f"ready-{i}").exists() for i in range(processes)):
            assert time.monotonic() < deadline, "the child processes did not start"
            assert all(c.poll() is None for c in children), [c.stderr.read().decode() for c in children]
            time.sleep(0.01)
        (data_dir / "go").touch()
        for child in children:
            _, err = child.communicate(timeout=120)
            assert child.returncode == 0, err.decode()
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    return read_snapshot(data_dir)["p"]


def counts(stats: dict) -> tuple[int, int, int]:
    return stats["total_calls"], stats["total_failures"], stats["total_successes"]


def test_one_process_exiting_right_after_fifty_calls_leaves_none_unsaved(tmp_path):
    assert counts(run_processes(tmp_path / "data", 1, calls=50)) == (50, 0, 50)


def test_two_processes_of_fifty_calls_each_store_one_hundred(tmp_path):
    # the calls take about 1.5 s, so the timer stores some of them while the other process stores too
    assert counts(run_processes(tmp_path / "data", 2, calls=50, pattern="mixed", pause=0.03)) == (100, 50, 50)


def test_two_processes_of_fifty_failures_each_store_one_hundred_failures(tmp_path):
    stats = run_processes(tmp_path / "data", 2, calls=50, pattern="fail")
    assert counts(stats) == (100, 100, 0)
    assert stats["state"] == "closed"  # a million failures allowed: no breaker opened


def test_threads_of_two_processes_store_every_call(tmp_path):
    assert counts(run_processes(tmp_path / "data", 2, threads=8, calls=250, pattern="mixed")) == (4000, 2000, 2000)


def test_a_process_adds_to_the_totals_another_stored_before_it(tmp_path):
    data = tmp_path / "data"
    run_processes(data, 1, calls=30)
    for name in ("ready-0", "go"):
        (data / name).unlink()
    assert counts(run_processes(data, 1, calls=20, pattern="fail")) == (50, 20, 30)


def test_a_success_is_stored_by_the_timer_without_another_call(tmp_path):
    registry = BreakerRegistry(tmp_path, max_failures=5)
    for _ in range(3):
        registry.call("p", None, lambda: None)
    for _ in range(1000):  # the timer stores within SAVE_EVERY (1 s); wait up to 10 s
        if read_snapshot(tmp_path).get("p", {}).get("total_calls") == 3:
            break
        time.sleep(0.01)
    assert read_snapshot(tmp_path)["p"]["total_successes"] == 3


@pytest.mark.parametrize("make_store", [lambda p: MemoryStore(), lambda p: JsonFileStore(p / "stats.json")],
                         ids=["memory", "json file"])
def test_counters_a_store_failed_to_take_are_kept_for_the_next_save(tmp_path, make_store):
    inner = make_store(tmp_path)

    class Flaky:
        fail = True

        def load(self):
            return inner.load()

        def save(self, *args, **kwargs):
            if Flaky.fail:
                raise OSError("disk full")
            return inner.save(*args, **kwargs)

    breaker = CircuitBreaker("p", max_failures=100, store=Flaky())
    for _ in range(3):
        with pytest.raises(RuntimeError):
            breaker.call(lambda: (_ for _ in ()).throw(RuntimeError("x")))
    breaker.call(lambda: None)
    assert breaker.flush() is False
    Flaky.fail = False
    assert breaker.flush() is True
    stored = inner.load()["p"]
    assert (stored.total_calls, stored.total_failures, stored.total_successes) == (4, 3, 1)


def test_two_breakers_on_one_store_in_many_threads_lose_nothing(tmp_path):
    """Two registries of one data dir in one process (two cores): each keeps its own breaker, both add up."""
    registries = [BreakerRegistry(tmp_path, max_failures=1_000_000) for _ in range(2)]

    def work(registry):
        for _ in range(300):
            registry.call("p", None, lambda: None)

    threads = [threading.Thread(target=work, args=(r,)) for r in registries for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for registry in registries:
        registry.breaker("p").flush()
    assert read_snapshot(tmp_path)["p"]["total_calls"] == 2400


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_a_forked_child_stores_only_what_it_counted(tmp_path):
    registry = BreakerRegistry(tmp_path, max_failures=1_000_000)
    for _ in range(5):
        registry.call("p", None, lambda: None)  # unsaved for up to SAVE_EVERY when the fork happens
    pid = os.fork()
    if pid == 0:  # the child: two calls and a save, then out without running pytest's exit handlers
        code = 0
        try:
            for _ in range(2):
                registry.call("p", None, lambda: None)
            registry.breaker("p").flush()
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    registry.breaker("p").flush()
    assert read_snapshot(tmp_path)["p"]["total_calls"] == 7
