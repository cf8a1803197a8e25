"""The result cache: JSON files written in the background, never lost on a normal exit, never half written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qualia_core.cache import WRITER, ResultCache

ROOT = Path(__file__).resolve().parents[1]
KEY = "a" * 64


def test_a_result_put_is_readable_at_once_by_another_cache_on_the_same_folder(tmp_path):
    first, second = ResultCache(tmp_path), ResultCache(tmp_path)
    first.put("p", KEY, {"n": 1})
    assert second.get("p", KEY) == {"n": 1}  # pending or written: either way it is there


def test_entries_are_plain_json_files_once_flushed(tmp_path):
    cache = ResultCache(tmp_path)
    cache.put("p", KEY, {"word": "reunião", "n": [1, 2]})
    assert cache.flush(10)
    path = tmp_path / "p" / f"{KEY}.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {"word": "reunião", "n": [1, 2]}
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_a_process_that_exits_right_after_a_put_leaves_the_entry_on_disk(tmp_path):
    code = textwrap.dedent(f'''
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from qualia_core.cache import ResultCache
        cache = ResultCache(__import__("pathlib").Path({str(tmp_path)!r}))
        for i in range(200):
            cache.put("p", f"{{i:064d}}", {{"i": i, "text": "x" * 5000}})
    ''')
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    entries = sorted((tmp_path / "p").glob("*.json"))
    assert len(entries) == 200
    assert json.loads(entries[-1].read_text())["i"] == 199


def test_emptying_the_cache_also_drops_writes_still_queued(tmp_path):
    cache = ResultCache(tmp_path)
    for i in range(50):
        cache.put("p", f"{i:064d}", {"i": i})
    cache.invalidate()
    assert cache.flush(10)
    assert not any(tmp_path.rglob("*.json"))
    assert cache.get("p", f"{3:064d}") is None


def test_a_write_that_fails_loses_no_result_in_this_process(tmp_path, caplog):
    if os.geteuid() == 0:
        folder = tmp_path / "not-a-folder"
        folder.write_text("a file where the cache folder should be")
    else:  # pragma: no cover - CI runs as root
        folder = tmp_path / "readonly"
        folder.mkdir(mode=0o500)
    cache = ResultCache(folder)
    cache.put("p", KEY, {"n": 1})
    assert cache.flush(10)
    assert cache.get("p", KEY) == {"n": 1}  # from memory
    assert "could not write cache entry" in caplog.text


def test_memory_holds_at_most_its_byte_budget(tmp_path):
    cache = ResultCache(None, memory_entries=1000, memory_bytes=10_000)
    for i in range(20):
        cache.put("p", f"{i:064d}", {"text": "x" * 1000})
    assert cache.stats()["memory_bytes"] <= 10_000
    assert cache.get("p", f"{19:064d}") is not None and cache.get("p", f"{0:064d}") is None


def test_a_corrupt_file_is_recomputed_not_returned(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / f"{KEY}.json").write_text("[1, 2")
    assert ResultCache(tmp_path).get("p", KEY) is None


@pytest.fixture(autouse=True)
def _no_writes_left_behind():
    yield
    assert WRITER.flush(10)
