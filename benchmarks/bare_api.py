"""The peer of benchmarks/load_api.py: a bare FastAPI route served by uvicorn with the same workers, so the figures
of GET /health say what Qualia's API adds (auth, the rate limit's row, the health checker) over the framework.

    python benchmarks/bare_api.py --port P --workers N

Its workers share a listener marked as TCP (api.server.tcp_listener), as Qualia's do: with uvicorn's own
(`uvicorn --workers N`, Kludex/uvicorn#3149) every keep-alive request after the first waits ~40 ms, and the
comparison would measure that instead."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping() -> dict:
    return {"ok": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from api.server import tcp_listener

    served = uvicorn.Config("benchmarks.bare_api:app", host="127.0.0.1", port=args.port, workers=args.workers,
                            log_level="warning", access_log=False)
    try:
        Multiprocess(served, sockets=[tcp_listener(served.bind_socket())]).run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
