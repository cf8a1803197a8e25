"""The REST API served for real: `python -m api` in a subprocess on a free loopback port, over a temporary data
dir, with sign-in on and one token per role made in the study database beforehand (the tests' client is httpx).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Api:
    url: str
    data: Path
    tokens: dict[str, str]  # role -> secret of an account with that role
    log: Path

    def client(self, role: str | None = None, **kwargs) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kwargs)


def make_accounts(data: Path) -> dict[str, str]:
    """An admin, a researcher and a viewer in the study of `data`, and a token for each."""
    from argon2 import PasswordHasher

    from qualia_core.accounts import Accounts
    from qualia_core.store import Store, default_url
    from qualia_core.tokens import Tokens

    store = Store.open(default_url(data))
    accounts = Accounts(store, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    secrets = {}
    for name, role in (("root", "admin"), ("ana", "researcher"), ("vera", "viewer")):
        accounts.create(name, PASSWORD, role)
        secrets[role] = Tokens(store).create(name, "tests")[1]
    store.close()
    return secrets


@contextmanager
def serving(tmp: Path, workers: int = 1, accounts: bool = True, **settings: str):
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    tokens = make_accounts(data) if accounts else {}
    port = free_port()
    env = {**os.environ, "QUALIA_DATA_DIR": str(data), "BACKUP_DIR": str(tmp / "backups"),
           "RATE_LIMIT_PER_MINUTE": "0", "QUALIA_CORPUS_WORKERS": "1", "LOG_LEVEL": "WARNING", **settings}
    for name in ("QUALIA_AUTH", "QUALIA_ADMIN_PASSWORD", "QUALIA_DASK_SCHEDULER", "CORS_ALLOWED_ORIGINS"):
        if name not in settings:
            env.pop(name, None)
    log_path = tmp / "api.log"
    log = open(log_path, "w+b")  # a pipe nobody reads would fill up and block the server
    proc = subprocess.Popen([sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code in (200, 503):
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.seek(0)
            pytest.fail(f"the API did not start: {log.read().decode(errors='replace')[-3000:]}")
        time.sleep(0.1)
    try:
        yield Api(url, data, tokens, log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def wait_for_job(client: httpx.Client, location: str, seconds: float = 120) -> dict:
    """Poll a job until it ends (a bound on a loop, not a timed assertion)."""
    deadline = time.monotonic() + seconds
    while True:
        job = client.get(location).json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)
