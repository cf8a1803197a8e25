"""Loopback unless told otherwise: the app as `scripts/run.sh` starts it listens on 127.0.0.1 only, and refuses to
start beyond it without an admin."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(pid: int) -> list[str]:
    """The addresses every process of the tree rooted at `pid` listens on (TCP)."""
    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    pids = {p.pid for p in procs}
    return sorted({c.laddr.ip for c in psutil.net_connections("tcp")
                   if c.status == psutil.CONN_LISTEN and c.pid in pids})


def test_run_sh_serves_on_loopback_only(tmp_path):
    port = _free_port()
    env = {**os.environ, "QUALIA_DATA_DIR": str(tmp_path / "data"), "BACKUP_DIR": str(tmp_path / "backups"),
           "QUALIA_ENV_FILE": str(tmp_path / "none.env")}
    env.pop("QUALIA_AUTH", None)
    log = open(tmp_path / "run.log", "w+b")
    proc = subprocess.Popen(["bash", "scripts/run.sh", "--server.port", str(port), "--server.headless", "true",
                             "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240  # run.sh may install first (its own stamp, once per requirements)
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"the app did not start: {log.read().decode(errors='replace')[-2000:]}")
                time.sleep(0.1)
        addresses = listening(proc.pid)
        assert addresses and all(ipaddress.ip_address(a).is_loopback for a in addresses), addresses
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_beyond_loopback_without_an_admin_the_server_never_listens(tmp_path):
    env = {**os.environ, "QUALIA_DATA_DIR": str(tmp_path / "data"), "QUALIA_ENV_FILE": str(tmp_path / "none.env")}
    for name in ("QUALIA_AUTH", "QUALIA_ADMIN_PASSWORD"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "scripts/serve.py", "--server.address", "0.0.0.0", "--server.port",
                          str(_free_port()), "--server.headless", "true"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2
    assert "Qualia will not start" in out.stderr and "no admin account exists" in out.stderr


def test_started_from_another_folder_it_still_listens_on_loopback(tmp_path, monkeypatch):
    """Streamlit reads .streamlit/config.toml from the folder it starts in; elsewhere it would listen on every
    interface. serve.py names 127.0.0.1 then, and keeps any address it was told."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import serve
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STREAMLIT_SERVER_ADDRESS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.streamlit/config.toml either
    assert serve.loopback_unless_told(["--server.port", "1"]) == ["--server.port", "1", "--server.address=127.0.0.1"]
    assert serve.loopback_unless_told(["--server.address", "0.0.0.0"]) == ["--server.address", "0.0.0.0"]
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", "10.0.0.5")
    assert serve.listen_address([]) == "10.0.0.5"
