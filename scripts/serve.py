"""Start the Qualia app: load what every first page needs, then hand over to `streamlit run streamlit_app.py`.

    .venv/bin/python scripts/serve.py [streamlit options…]      (scripts/run.sh runs this)

Streamlit imports pandas and pyarrow (for tables), Pillow (the page icon) and plotly only when the first
browser session runs the app, and the core discovers plugins and opens the study database then, so the first
researcher to open a page would wait for all of it. Doing it here, before the server listens, means that once
/_stcore/health answers the app is ready to draw its first page at once. No transcript is read.

It also keeps the long-lived server from holding memory it no longer uses (`keep_memory_returnable`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import inspect
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARM = ["pandas", "pyarrow", "PIL.Image", "plotly.graph_objects", "plotly.io", "wordcloud", "sqlalchemy",
        "qualia_core.engine", "qualia_core.batch", "qualia_core.library_views", "qualia_core.store.database",
        "qualia_core.store.models", "qualia_core.accounts", "ops.monitoring.breaker_registry",
        "ops.monitoring.sentry_config"]


M_MMAP_THRESHOLD = -3  # mallopt(3)
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, kept fixed
M_ARENA_MAX = -8  # mallopt(3)
ARENA_MAX = 2  # heaps shared by the server's threads (glibc's default: 8 per CPU)


def keep_memory_returnable() -> None:
    """Let memory freed after a page go back to the system, instead of staying in the server's RSS.

    - glibc raises its mmap threshold each time a large block is freed, so the next large blocks (a word
      cloud's numpy canvases, drawn on a script thread) come from that thread's heap, which is not given back:
      about 8 MB per server after one word cloud. Fixing the threshold (mallopt M_MMAP_THRESHOLD) keeps
      blocks over 128 KB in their own mappings, returned as soon as they are freed.
    - Streamlit runs each session's script on a thread of its own, and glibc gives threads heaps of their own
      (up to 8 per CPU), each keeping what it freed: two heaps, as MALLOC_ARENA_MAX=2 does for threaded web
      servers, hold less (about 2 MB after every page here); the GIL leaves little for more heaps to win.
    - pyarrow (Streamlit's tables) allocates from mimalloc by default, which keeps its pages; the system
      allocator gives them back (ARROW_DEFAULT_MEMORY_POOL, read when pyarrow first allocates).
    Each is left alone where it does not apply (not glibc) or when the operator set it."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return
    if mallopt is None:
        return
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:  # else glibc has read the operator's own value
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    if "MALLOC_ARENA_MAX" not in os.environ:
        mallopt(M_ARENA_MAX, ARENA_MAX)


def warm_up() -> None:
    for name in WARM:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional part is missing: the app says so on its page
            pass
    try:  # the app's core, with its plugins found and its study database open (no transcript is read)
        from pages.common import prebuild_core

        prebuild_core()
    except Exception as exc:  # noqa: BLE001 - a bad setting or database: the first page says what is wrong
        print(f"Qualia: the core is built on the first page instead ({type(exc).__name__})", file=sys.stderr)
    # Streamlit's first element of the process asks inspect.stack() whether it runs in a REPL; inspect then
    # resolves the file of every loaded module (0.13 s with the modules above). Asked once here, inspect keeps
    # those answers, and the first page pays only for the modules loaded after this point.
    inspect.stack()


def listen_address(argv: list[str]) -> str | None:
    """The address Streamlit will listen on: --server.address, then STREAMLIT_SERVER_ADDRESS, then
    .streamlit/config.toml (None: every interface, Streamlit's own default)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--server.address="):
            return arg.split("=", 1)[1] or None
        if arg == "--server.address" and i + 1 < len(argv):
            return argv[i + 1] or None
    if os.environ.get("STREAMLIT_SERVER_ADDRESS"):
        return os.environ["STREAMLIT_SERVER_ADDRESS"]
    from streamlit import config

    config.get_config_options(force_reparse=True)
    return config.get_option("server.address") or None


def loopback_unless_told(argv: list[str]) -> list[str]:
    """The Streamlit options with an address: 127.0.0.1 unless the command line, the environment or a config.toml
    Streamlit reads (the current folder's, or ~/.streamlit's) names one. Streamlit alone would listen on every
    interface."""
    if listen_address(argv) is None:
        return [*argv, "--server.address=127.0.0.1"]
    return argv


def door_problems(argv: list[str]) -> list[str]:
    """Why the app must not listen at all: sign-in on without an admin, or off beyond loopback (the first
    admin is created from QUALIA_ADMIN_PASSWORD here when no account exists). The page says the same."""
    from qualia_core import config
    from qualia_core.accounts import door_problems as problems
    from qualia_core.errors import QualiaError

    try:
        from pages.common import _PREBUILT, build_core

        core = _PREBUILT[0] if _PREBUILT else build_core()
        return problems(core.library.store, config.get("QUALIA_AUTH"), listen_address(argv),
                        config.get("QUALIA_ADMIN_USER"), config.get("QUALIA_ADMIN_PASSWORD"))
    except QualiaError as exc:  # a bad setting or database: the first page shows every problem
        print(f"Qualia: {exc}", file=sys.stderr)
        return []


def main() -> int:
    sys.path.insert(0, str(ROOT))
    keep_memory_returnable()
    warm_up()
    argv = loopback_unless_told(sys.argv[1:])
    if problems := door_problems(argv):
        print("Qualia will not start:\n" + "\n".join(f"- {p}" for p in problems), file=sys.stderr)
        return 2
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", "run", str(ROOT / "streamlit_app.py"), *argv]
    return streamlit_main()


if __name__ == "__main__":
    sys.exit(main())
