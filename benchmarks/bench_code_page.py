"""Benchmark: the Code page in headless Chromium (Debian's /usr/bin/chromium, Playwright), on a study of real
meetings with generated passages by two coders.

    .venv/bin/python benchmarks/bench_code_page.py [--meetings 20] [--passages 2000] [--repeat 3]

Each figure is the median of --repeat, from a click to the page settled (script run, nothing stale, charts
drawn), in a fresh browser context on the same warm server, next to its peer measured in the same run: the
Library page (issue 10's first page) opened the same way. Also the server's RSS after every Code tab. Reads
../shared/corpus/qmsum/txt (the fixture meeting alone when it is absent). Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_app_browser import CHROMIUM, CORPUS, FALLBACK, ROOT, rss_mb, settle, start, stop  # noqa: E402

TABS = {"Codebook": "New code", "Retrieve": "Download CSV", "Memos": "New memo", "Matrices": "Presence only",
        "Agreement": "Where they disagree"}  # what each tab draws last


def build_study(data: Path, meetings: int, passages: int) -> str:
    sys.path.insert(0, str(ROOT))
    from qualia_core import QualiaCore

    core = QualiaCore(data_dir=data, entry_points=False)
    files = sorted(CORPUS.glob("*.txt"))[:meetings] if CORPUS.is_dir() else [FALLBACK]
    report = core.library.add_many((f.name, f.read_bytes()) for f in files)
    ids = [e.id for _, e in report.added]
    rng = random.Random(12)
    codes = [core.codes.add_code(f"Theme {i:02d}", color=f"#{rng.randrange(0x1000000):06x}").id for i in range(12)]
    rows = []
    turns = {d: core.codes.turn_texts(d) for d in ids}
    while len(rows) < passages:
        d = rng.choice(ids)
        t = rng.choice(turns[d])
        n = len(t["text"])
        if n < 4:
            continue
        a = rng.randrange(0, n - 2)
        rows.append({"document_id": d, "turn": t["turn"], "start": a, "end": min(n, a + rng.randrange(2, 80)),
                     "codes": [rng.choice(codes)], "coder": rng.choice(["ana", "bruno"])})
    core.codes.code_many(rows)
    return core.library.list()[0].name


def timed_open(browser, url: str, title: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    settle(page, "Library")
    began = time.perf_counter()
    if title != "Library":
        page.get_by_role("link", name=title).click()
    else:
        page.reload()
    settle(page, title)
    if title == "Code":
        page.locator(".qts-text").first.wait_for()
    took = time.perf_counter() - began
    context.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=20)
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        began = time.perf_counter()
        build_study(data, args.meetings, args.passages)
        print(f"Study: {args.meetings} meetings, {args.passages} passages by two coders "
              f"(built in {time.perf_counter() - began:.1f} s)")
        env = {**os.environ, "QUALIA_DATA_DIR": str(data), "QUALIA_CORPUS_WORKERS": "1"}
        proc, url, _ = start("streamlit_app.py", env, Path(tmp) / "server.log")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                timed_open(browser, url, "Code")  # warm: the first visit imports the page's modules
                library = statistics.median(timed_open(browser, url, "Library") for _ in range(args.repeat))
                code = statistics.median(timed_open(browser, url, "Code") for _ in range(args.repeat))
                print(f"  Library page (reload -> settled)              {library:6.2f} s")
                print(f"  Code page (click -> turns drawn, settled)     {code:6.2f} s   ({code / library:.1f}x Library)")
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto(url)
                settle(page, "Library")
                page.get_by_role("link", name="Code").click()
                settle(page, "Code")
                for tab, drawn in TABS.items():
                    t0 = time.perf_counter()
                    page.get_by_role("tab", name=tab).click()
                    page.get_by_text(drawn).first.wait_for(timeout=120_000)
                    settle(page)
                    took = time.perf_counter() - t0
                    print(f"  {tab:10s} tab (click -> settled)              {took:6.2f} s   "
                          f"({took / library:.1f}x Library)")
                print(f"  server RSS after every Code tab               {rss_mb(proc):6.0f} MB")
                context.close()
                browser.close()
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
