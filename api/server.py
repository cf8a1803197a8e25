"""Serving the API with uvicorn: `run(host, port, workers)` (also `python -m api` and `qualia serve`).

Defaults come from QUALIA_API_HOST (127.0.0.1), QUALIA_API_PORT (8000) and QUALIA_API_WORKERS (1). Like the app
(scripts/serve.py), it refuses to start where sign-in would be off beyond loopback, or on without an admin
(qualia_core.accounts.door_problems: QUALIA_ADMIN_PASSWORD creates the first admin). Several workers are
uvicorn's worker processes, each building its own app (`create_app` as a factory); they share the study
database, so jobs and the rate limit are the same whichever worker answers.
"""

from __future__ import annotations

import os
import socket
import sys

from qualia_core import config
from qualia_core.errors import SettingsError


def check(host: str) -> list[str]:
    """Why the API must not start on `host` with the current settings (empty when it may)."""
    from qualia_core import QualiaCore
    from qualia_core.accounts import door_problems

    settings = config.load_settings()
    core = QualiaCore()
    return door_problems(core.library.store, settings["QUALIA_AUTH"], host, settings["QUALIA_ADMIN_USER"],
                         settings["QUALIA_ADMIN_PASSWORD"], what="the API")


def run(host: str | None = None, port: int | None = None, workers: int | None = None) -> int:
    """Start uvicorn and serve until stopped; returns an exit code (1 when refused, with the reasons on stderr)."""
    import uvicorn

    from qualia_core.logs import configure_from_settings

    try:
        settings = config.load_settings()
        host = host or settings["QUALIA_API_HOST"]
        port = int(port or settings["QUALIA_API_PORT"])
        workers = int(workers or settings["QUALIA_API_WORKERS"])
        problems = check(host)
    except SettingsError as exc:
        problems = exc.problems
    if problems:
        for problem in problems:
            print(f"Qualia API not started: {problem}", file=sys.stderr)
        return 1
    configure_from_settings(settings)
    try:
        from ops.monitoring.sentry_config import init_sentry
    except ImportError:
        pass
    else:
        init_sentry()
    os.environ["QUALIA_API_HOST"] = host  # every worker process decides sign-in for this address
    options = dict(factory=True, host=host, port=port, log_level=str(settings["LOG_LEVEL"]).lower(),
                   access_log=False, proxy_headers=True)
    if workers <= 1:
        uvicorn.run("api.app:create_app", **options)
        return 0
    from uvicorn.supervisors import Multiprocess

    served = uvicorn.Config("api.app:create_app", workers=workers, **options)
    try:
        Multiprocess(served, sockets=[tcp_listener(served.bind_socket())]).run()
    except KeyboardInterrupt:
        pass
    return 0


def tcp_listener(sock: socket.socket) -> socket.socket:
    """The workers' shared listening socket, marked as TCP. uvicorn binds it with `proto` 0 (Kludex/uvicorn#3149);
    accepted connections inherit that, and asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets that
    say IPPROTO_TCP, so with several workers every keep-alive request after the first waited ~40 ms for the
    client's delayed ACK. The same file descriptor, re-wrapped with its protocol named."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
