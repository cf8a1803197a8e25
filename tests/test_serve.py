"""scripts/serve.py keeps the app server's memory returnable: blocks a page freed go back to the system instead
of staying in the server's RSS for as long as it runs. Each case runs in a fresh interpreter, as the server
does (the settings apply to the whole process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# On a script thread, as Streamlit runs pages: one large block freed (glibc would then raise its mmap
# threshold), then 64 blocks of 1 MB, like a word cloud's canvases, made and freed. Prints the MB still held.
AFTER_A_PAGE = """
import sys, threading
import numpy as np, psutil
sys.path.insert(0, "scripts")
if sys.argv[1] == "serve":
    import serve
    serve.keep_memory_returnable()

def page():
    big = np.ones(8 * 2**20 // 8)
    del big
    blocks = [np.ones(2**20 // 8) for _ in range(64)]
    del blocks

before = psutil.Process().memory_info().rss
thread = threading.Thread(target=page)
thread.start()
thread.join()
print((psutil.Process().memory_info().rss - before) / 2**20)
"""


def held_after_a_page(how: str) -> float:
    done = subprocess.run([sys.executable, "-c", AFTER_A_PAGE, how], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    return float(done.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tuning is glibc's mallopt")
def test_memory_a_page_freed_goes_back_to_the_system():
    assert held_after_a_page("serve") < 16  # the 64 MB the page made and freed are not kept


def test_tables_allocate_from_the_system_allocator_unless_the_operator_chose(monkeypatch):
    code = ("import sys; sys.path.insert(0, 'scripts'); import serve; serve.keep_memory_returnable(); "
            "import pyarrow as pa; print(pa.default_memory_pool().backend_name)")
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    chosen = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert chosen.stdout.strip() == "system"
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    kept = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert kept.stdout.strip() in ("jemalloc", "mimalloc")  # the operator's choice (or pyarrow's fallback) stands


# Eight threads allocate at once (as eight sessions' scripts do), then glibc describes its heaps (malloc_info).
HEAPS_AFTER_THREADS = """
import ctypes, ctypes.util, os, sys, tempfile, threading
sys.path.insert(0, "scripts")
if sys.argv[1] == "serve":
    import serve
    serve.keep_memory_returnable()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
start = threading.Barrier(8)

def session():
    start.wait()
    blocks = [bytearray(16 * 1024) for _ in range(256)]
    start.wait()
    del blocks

threads = [threading.Thread(target=session) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
path = tempfile.mktemp()
f = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, f)
libc.fclose(f)
print(open(path).read().count("<heap nr="))
os.unlink(path)
"""


def heaps_after_threads(how: str, env: dict | None = None) -> int:
    done = subprocess.run([sys.executable, "-c", HEAPS_AFTER_THREADS, how], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True, env=env)
    return int(done.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tuning is glibc's mallopt")
def test_the_servers_threads_share_two_heaps_unless_the_operator_chose(monkeypatch):
    import os

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert heaps_after_threads("plain") > 2  # glibc's default: a heap per thread, up to 8 per CPU
    assert heaps_after_threads("serve") <= 2
    assert heaps_after_threads("serve", {**os.environ, "MALLOC_ARENA_MAX": "4"}) > 2  # the operator's value
