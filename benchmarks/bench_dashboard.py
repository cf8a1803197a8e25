"""Benchmark: the health dashboard's threads and memory with many idle connections (Linux: reads /proc).

    .venv/bin/python benchmarks/bench_dashboard.py [--connections 400]

Starts `ops/monitoring/health_dashboard.py` on a free loopback port with an empty data dir, opens
`--connections` connections that send nothing, answers one GET /health (so every idle connection has been
accepted), and prints the server's thread count and RSS before, while they are open, and 7 s later (after
the 5 s idle timeout), with the time /health took while they were open.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(pid: int) -> str:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return f"threads {int(fields['Threads']):4d}, RSS {int(fields['VmRSS'].split()[0]) / 1024:6.1f} MB"


def health(port: int) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/health")
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=400)
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "QUALIA_DATA_DIR": tempfile.mkdtemp(prefix="qualia-bench-dashboard-"), "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, str(ROOT / "ops" / "monitoring" / "health_dashboard.py"),
                               "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env)
    idle: list[socket.socket] = []
    try:
        for _ in range(600):
            try:
                health(port)
                break
            except OSError:
                time.sleep(0.05)
        print(f"started:                  {status(server.pid)}")
        idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(args.connections)]
        code, seconds = health(port)
        print(f"{args.connections} idle connections: {status(server.pid)}  (GET /health {code} in {seconds * 1000:.0f} ms)")
        time.sleep(7)
        closed = 0
        for sock in idle:
            sock.setblocking(False)
            try:
                closed += sock.recv(1) == b""
            except BlockingIOError:
                pass
        print(f"7 s later:                {status(server.pid)}  ({closed} of them closed by the server)")
    finally:
        for sock in idle:
            sock.close()
        server.terminate()
        server.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
