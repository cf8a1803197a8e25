"""`qualia` as a user runs it: the installed console script (or `python -m qualia_cli`) in a fresh process, on a
study of its own (QUALIA_DATA_DIR in a temporary folder). No traceback ever reaches stderr."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MEETING = FIXTURES / "ami_ES2012a_opening.txt"
SCRIPT = Path(sys.executable).parent / "qualia"


@pytest.fixture
def qualia(tmp_path):
    env = {**os.environ, "QUALIA_DATA_DIR": str(tmp_path / "data"), "QUALIA_ENV_FILE": str(tmp_path / "no.env")}
    for name in ("QUALIA_AUTH", "QUALIA_ADMIN_PASSWORD", "QUALIA_USER", "QUALIA_PASSWORD", "QUALIA_PLUGINS_DIR",
                 "QUALIA_CORPUS_WORKERS"):
        env.pop(name, None)
    command = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "qualia_cli"]

    def run(*args: str, extra: dict | None = None, stdin: str = "") -> subprocess.CompletedProcess:
        done = subprocess.run([*command, *args], capture_output=True, text=True, cwd=tmp_path,
                              env={**env, **(extra or {})}, timeout=300, input=stdin)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    return run


def test_list_analyze_corpus_and_search_in_a_fresh_process(qualia, tmp_path):
    listed = qualia("list", "--format", "json")
    assert listed.returncode == 0
    ids = {p["id"] for p in json.loads(listed.stdout)["plugins"]}
    assert {"word_frequency", "speaker_stats", "frequency_chart"} <= ids

    as_json = qualia("analyze", str(MEETING), "-p", "word_frequency", "-P", "max_words=3")
    assert as_json.returncode == 0, as_json.stderr
    payload = json.loads(as_json.stdout)
    assert payload["ran"]["parameters"]["Max words"] == "3" and len(payload["result"]["top_words"]) == 3
    as_csv = qualia("analyze", str(MEETING), "-p", "word_frequency", "-P", "max_words=3", "-f", "csv",
                    "--table", "top_words")
    table = pd.read_csv(io.StringIO(as_csv.stdout), comment="#")
    assert [list(r) for r in table.itertuples(index=False)] == payload["result"]["top_words"]
    assert "# Max words: 3" in as_csv.stdout

    folder = tmp_path / "meetings"
    folder.mkdir()
    for name in ("ES2012a.txt", "Bed017.vtt", "broken.docx"):
        shutil.copy(FIXTURES / "corpus" / name, folder / name)
    out = tmp_path / "corpus.json"
    corpus = qualia("corpus", str(folder), "-p", "speaker_stats", "--workers", "2", "--out", str(out))
    assert corpus.returncode == 1  # one document failed: the others' results are written
    results = json.loads(out.read_text())["results"]
    assert results["ES2012a"]["speaker_stats"]["speakers"] and results["Bed017"]["speaker_stats"]["speakers"]
    assert "broken (speaker_stats): Cannot read broken.docx" in corpus.stderr

    assert qualia("watch", str(folder), "--once").returncode == 0
    found = json.loads(qualia("search", "remote", "--format", "json").stdout)
    assert found["total"] >= 1 and {h["document_name"] for h in found["hits"]} == {"ES2012a"}


def test_errors_are_one_line_with_the_reason(qualia, tmp_path):
    unknown = qualia("analyze", str(MEETING), "-p", "nope")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("qualia analyze: No plugin 'nope'. Available: ")
    assert "word_frequency" in unknown.stderr
    bad = qualia("analyze", str(MEETING), "-p", "word_frequency", "-P", "min_length=-4")
    assert bad.returncode == 2 and "'min_length': accepts" in bad.stderr and "-4" in bad.stderr
    missing = qualia("analyze", str(tmp_path / "gone.txt"), "-p", "word_frequency")
    assert missing.returncode == 2 and "gone.txt" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    usage = qualia("analyze", str(MEETING))  # no -p: Typer's usage error names the option
    assert usage.returncode == 2 and "--plugin" in usage.stderr


def test_a_created_plugin_is_discovered_and_its_generated_test_passes(qualia, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for name, kind in (("turn_counter", "analyzer"), ("word_bars", "visualizer")):
        assert qualia("create-plugin", name, "--type", kind, "--dir", str(plugins)).returncode == 0
    listed = qualia("list", "--format", "json", extra={"QUALIA_PLUGINS_DIR": str(plugins)})
    assert {p["id"]: p["type"] for p in json.loads(listed.stdout)["plugins"]} == {
        "turn_counter": "analyzer", "word_bars": "visualizer"}
    ran = qualia("analyze", str(MEETING), "-p", "turn_counter", "-P", "min_words=5",
                 extra={"QUALIA_PLUGINS_DIR": str(plugins)})
    assert json.loads(ran.stdout)["result"]["turns"]["Project Manager"] >= 1
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(plugins)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=300,
                           env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout


def test_a_token_made_by_qualia_token_opens_the_api_that_qualia_serve_starts(qualia, tmp_path):
    import httpx

    from tests.api_server import free_port

    admin = {"QUALIA_USER": "root", "QUALIA_PASSWORD": "a long admin passphrase"}
    added = qualia("users", "add", "root", "--role", "admin", "--password-stdin", stdin="a long admin passphrase\n")
    assert added.returncode == 0, added.stderr
    made = qualia("token", "create", "root", "--label", "tests", extra=admin)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip().splitlines()[-1]
    assert qualia("serve", extra={"QUALIA_USER": "root", "QUALIA_PASSWORD": "wrong password!"}).returncode == 2
    port = free_port()
    env = {**os.environ, "QUALIA_DATA_DIR": str(tmp_path / "data"), "QUALIA_ENV_FILE": str(tmp_path / "no.env"),
           "LOG_LEVEL": "WARNING", **admin}
    env.pop("QUALIA_AUTH", None)
    command = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "qualia_cli"]
    with open(tmp_path / "serve.log", "w+b") as log:
        server = subprocess.Popen([*command, "serve", "--port", str(port)], cwd=tmp_path, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            url, answered = f"http://127.0.0.1:{port}", None
            for _ in range(600):  # a bound on the wait, not a timed assertion
                try:
                    answered = httpx.get(f"{url}/health", timeout=5)
                    break
                except httpx.HTTPError:
                    if server.poll() is not None:
                        break
                    time.sleep(0.1)
            log.seek(0)
            assert answered is not None, log.read().decode(errors="replace")[-2000:]
            assert httpx.get(f"{url}/plugins", timeout=30).status_code == 401
            plugins = httpx.get(f"{url}/plugins", headers={"Authorization": f"Bearer {secret}"}, timeout=30)
            assert plugins.status_code == 200 and "word_frequency" in plugins.text
        finally:
            server.terminate()
            server.wait(timeout=60)
