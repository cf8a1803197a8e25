"""python -m api [--host H] [--port P] [--workers N]: serve the REST API (see api/server.py)."""

from __future__ import annotations

import argparse
import sys

from .server import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description="Serve Qualia's REST API with uvicorn.")
    parser.add_argument("--host", help="address to bind (QUALIA_API_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (QUALIA_API_PORT, default 8000)")
    parser.add_argument("--workers", type=int, help="worker processes (QUALIA_API_WORKERS, default 1)")
    args = parser.parse_args(argv)
    return run(args.host, args.port, args.workers)


if __name__ == "__main__":
    sys.exit(main())
