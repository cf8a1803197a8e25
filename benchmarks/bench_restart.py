"""Restart cost: `bash scripts/run.sh` with nothing changed, from launch to a healthy server, next to bare Streamlit.

    .venv/bin/python benchmarks/bench_restart.py [--repeat N]

Times, in one run and alternating, (a) `bash scripts/run.sh --server.port P --server.headless true` and
(b) its peer `.venv/bin/python -m streamlit hello --server.port P2 --server.headless true`, each from
launch until `GET http://127.0.0.1:PORT/_stcore/health` answers 200; then stops the server it started.
One untimed warm-up of each comes first (it also lets run.sh install once if the requirement files
changed since the last install). Prints best and median of each and their ratio. Target from the
issue: run.sh restart with nothing changed ≤ 3 s to a healthy server.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
TARGET_SECONDS = 3.0
TIMEOUT_SECONDS = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def time_to_healthy(command: list[str], port: int, env: dict[str, str], log: Path) -> float:
    """Seconds from launching `command` until its health endpoint answers 200; the server is stopped after."""
    with open(log, "ab") as out:
        start = time.perf_counter()
        # Its own process group, so stopping it also stops anything it started (and nothing else).
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            while not healthy(port):
                if proc.poll() is not None:
                    raise RuntimeError(f"{command[0]} exited with {proc.returncode}; see {log}")
                if time.perf_counter() - start > TIMEOUT_SECONDS:
                    raise RuntimeError(f"{command[0]} not healthy after {TIMEOUT_SECONDS:.0f} s; see {log}")
                time.sleep(0.02)
            return time.perf_counter() - start
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(15)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not PYTHON.exists():
        print(f"no virtualenv at {PYTHON.parent.parent}: run `bash scripts/run.sh` once first", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="qualia-bench-restart-") as tmp:
        env = {**os.environ, "QUALIA_DATA_DIR": str(Path(tmp) / "data"),
               "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
        log = Path(tmp) / "servers.log"

        def ours() -> float:
            port = free_port()
            return time_to_healthy(["bash", "scripts/run.sh", "--server.port", str(port), "--server.headless", "true"],
                                   port, env, log)

        def peer() -> float:
            port = free_port()
            return time_to_healthy([str(PYTHON), "-m", "streamlit", "hello", "--server.port", str(port),
                                    "--server.headless", "true"], port, env, log)

        try:
            warm = ours(), peer()
            print(f"warm-up: run.sh {warm[0]:.2f} s, streamlit hello {warm[1]:.2f} s")
            times: dict[str, list[float]] = {"run.sh": [], "hello": []}
            for _ in range(args.repeat):  # alternate, so load from others hits both alike
                times["run.sh"].append(ours())
                times["hello"].append(peer())
        except RuntimeError as exc:
            print(f"failed: {exc}\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
            return 1

    best = {k: min(v) for k, v in times.items()}
    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"launch → /_stcore/health 200, {args.repeat} runs each (seconds)")
    print(f"  bash scripts/run.sh        best {best['run.sh']:5.2f}   median {median['run.sh']:5.2f}   "
          f"all {' '.join(f'{t:.2f}' for t in times['run.sh'])}")
    print(f"  python -m streamlit hello  best {best['hello']:5.2f}   median {median['hello']:5.2f}   "
          f"all {' '.join(f'{t:.2f}' for t in times['hello'])}")
    print(f"  ratio run.sh / hello       best {best['run.sh'] / best['hello']:4.2f}x   "
          f"median {median['run.sh'] / median['hello']:4.2f}x")
    ok = median["run.sh"] <= TARGET_SECONDS
    print(f"target: run.sh restart ≤ {TARGET_SECONDS:.0f} s (median) — {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
