"""Several uvicorn workers share one study database: the rate limit holds across them, and the door refuses to
open beyond loopback without sign-in."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import httpx
import psutil

from tests.api_server import ROOT, free_port, serving


def test_with_four_workers_a_burst_of_100_requests_with_one_token_gets_at_most_60_answers(tmp_path):
    with serving(tmp_path, workers=4, RATE_LIMIT_PER_MINUTE="60") as api:
        if time.time() % 60 > 50:  # start the burst inside one minute: the limit is counted per minute
            time.sleep(61 - time.time() % 60)
        headers = {"Authorization": f"Bearer {api.tokens['viewer']}"}

        async def burst():
            async with httpx.AsyncClient(base_url=api.url, headers=headers, timeout=60,
                                         limits=httpx.Limits(max_connections=20)) as client:
                return await asyncio.gather(*(client.get("/plugins") for _ in range(100)))

        responses = asyncio.run(burst())
        answered = [r for r in responses if r.status_code == 200]
        refused = [r for r in responses if r.status_code == 429]
        assert len(answered) + len(refused) == 100, {r.status_code for r in responses}
        print(f"burst of 100 on 4 workers: {len(answered)} answered, {len(refused)} refused")
        assert 0 < len(answered) <= 60
        assert all(1 <= int(r.headers["retry-after"]) <= 60 for r in refused)
        assert "RATE_LIMIT_PER_MINUTE" in refused[0].json()["detail"]
        other = httpx.get(f"{api.url}/plugins", headers={"Authorization": f"Bearer {api.tokens['admin']}"})
        assert other.status_code == 200  # another token has its own count
        workers = [p for p in psutil.Process(api.pid).children() if "multiprocessing" in " ".join(p.cmdline())]
        assert len(workers) >= 4  # uvicorn's worker processes answered the burst together


def test_the_api_will_not_listen_beyond_loopback_without_sign_in(tmp_path):
    env = {**os.environ, "QUALIA_DATA_DIR": str(tmp_path / "data"), "QUALIA_AUTH": "off"}
    env.pop("QUALIA_ADMIN_PASSWORD", None)
    done = subprocess.run([sys.executable, "-m", "api", "--host", "0.0.0.0", "--port", str(free_port())], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "QUALIA_AUTH=off is refused" in done.stderr and "the API listens on 0.0.0.0" in done.stderr
    env["QUALIA_AUTH"] = "auto"
    done = subprocess.run([sys.executable, "-m", "api", "--host", "0.0.0.0", "--port", str(free_port())], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "no admin account exists" in done.stderr
