"""Serving the API with uvicorn: `run(host, port, workers)` (also `python -m api` and `qualia serve`).

Defaults come from QUALIA_API_HOST (127.0.0.1), QUALIA_API_PORT (8000) and QUALIA_API_WORKERS (1). Like the app
(scripts/serve.py), it refuses to start where sign-in would be off beyond loopback, or on without an admin
(qualia_core.accounts.door_problems: QUALIA_ADMIN_PASSWORD creates the first admin). Several workers are
uvicorn's worker processes, each building its own app (`create_app` as a factory); they share the study
database, so jobs and the rate limit are the same whichever worker answers.
"""

from __future__ import annotations

import os
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
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers if workers > 1 else None,
                log_level=str(settings["LOG_LEVEL"]).lower(), access_log=False, proxy_headers=True)
    return 0
