"""Benchmark: the app at study scale in headless Chromium: the 197 shared meetings in the library.

    .venv/bin/python benchmarks/bench_study_app.py [--corpus ../shared/corpus/qmsum]

Times, each from the user's action to the page settled (the script has run, nothing stale, charts drawn):
- Explore `?doc=all`, first visit on a fresh server with no cached result (truly cold), then after a server
  restart (the result cache on disk, as after a restart in real use);
- moving the "How many words" slider there;
- Analyze: the whole library with word_frequency, Run, to its one view across the documents;
and the server's RSS with its worker processes at the end. Next to it, in the same run, the peer: the same
Explore address on a library of one meeting. Targets (issue 11): Explore ?doc=all <= 2 s after a restart,
slider <= 0.5 s, Analyze <= 10 s cold, RSS <= 400 MB. Prints timings only, never text.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_app_browser import CHROMIUM, rss_mb, settle, start, stop  # noqa: E402


def fill(data: Path, files: list[Path]) -> float:
    code = ("import sys; from pathlib import Path; from qualia_core import QualiaCore; "
            "lib = QualiaCore(data_dir=sys.argv[1]).library; "
            "lib.add_many((Path(f).name, Path(f).read_bytes()) for f in sys.argv[2:])")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(data), *map(str, files)], cwd=ROOT, check=True)
    return time.perf_counter() - started


def changed(read, before, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while read() == before:
        if time.monotonic() > deadline:
            raise RuntimeError("the slider did not move")
        time.sleep(0.005)


def timed(action, page, wait_for=None) -> float:
    started = time.perf_counter()
    action()
    if wait_for:
        wait_for()
    settle(page)
    return time.perf_counter() - started


def visit_explore(browser, env, work, label: str) -> tuple[float, subprocess.Popen, object]:
    """A fresh server; the browser has Streamlit's own files cached (it opened the Plugins page first, as a
    returning researcher's browser has them), then Explore ?doc=all is opened and timed."""
    proc, url, _ = start("streamlit_app.py", env, work / f"{label}.log")
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(300_000)
    page.goto(f"{url}/plugins")
    settle(page, "Plugins")
    seconds = timed(lambda: page.goto(f"{url}/explore?doc=all"), page,
                    lambda: page.get_by_text("Top words of the library").first.wait_for())
    return seconds, proc, page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "qmsum")
    args = parser.parse_args()
    files = sorted((args.corpus / "txt").glob("*.txt"))
    if not files or not Path(CHROMIUM).exists():
        print("needs the shared corpus and Debian's chromium; nothing measured")
        return 0
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="qualia-bench-study-"))
    study, single = work / "study", work / "single"
    print(f"adding {len(files)} meetings: {fill(study, files):.1f} s; one meeting: {fill(single, files[:1]):.1f} s")
    env = {**os.environ, "BACKUP_DIR": str(work / "backups"), "HEALTH_CHECK_INTERVAL": "30"}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        peer_s, proc, page = visit_explore(browser, {**env, "QUALIA_DATA_DIR": str(single)}, work, "peer")
        stop(proc)
        env = {**env, "QUALIA_DATA_DIR": str(study)}
        cold_s, proc, page = visit_explore(browser, env, work, "cold")
        print(f"Explore ?doc=all, first visit, nothing cached     {cold_s:6.2f} s", flush=True)
        slider = page.get_by_role("slider").first
        before = slider.get_attribute("aria-valuetext")
        slider_s = timed(lambda: slider.press("ArrowRight"), page,
                         lambda: changed(lambda: slider.get_attribute("aria-valuetext"), before))
        page.goto(page.url.split("/explore")[0] + "/analyze")
        page.get_by_role("heading", name="Analyze").first.wait_for()
        settle(page)
        page.get_by_text("Whole library", exact=True).click()
        settle(page)
        box = page.locator("[data-testid=stMultiSelect]").filter(has=page.get_by_role("combobox", name="Analyzers"))
        for _ in range(5):  # the list can re-render while the page settles: open it again
            page.get_by_role("combobox", name="Analyzers").click()
            try:
                page.get_by_role("option", name="Word frequency", exact=True).first.click(timeout=5_000)
            except Exception:  # noqa: BLE001 - playwright's timeout: try again
                page.keyboard.press("Escape")
                continue
            break
        page.keyboard.press("Escape")
        box.first.locator('[data-tag][aria-label="Word frequency"]').wait_for()
        page.get_by_text("Word frequency — parameters").first.wait_for()  # the server has run with the choice
        settle(page)
        run = page.get_by_role("button", name="Run")
        if run.is_disabled():
            page.screenshot(path=str(work / "analyze.png"), full_page=True)
            raise RuntimeError(f"Run is disabled: the choices did not stick (see {work / 'analyze.png'})")
        analyze_s = timed(lambda: run.click(), page,
                          lambda: page.get_by_text(f"{len(files)} documents").first.wait_for())
        time.sleep(1)
        rss, server_rss = rss_mb(proc), rss_mb(proc, workers=False)
        stop(proc)
        restarts = []
        for i in range(3):  # the server restarted three times: the median
            seconds, proc, page = visit_explore(browser, env, work, f"restart{i}")
            restarts.append(seconds)
            warm_rss = rss_mb(proc)
            page.context.close()
            stop(proc)
        warm_s = sorted(restarts)[1]
        browser.close()
    print(f"Explore ?doc=all after a restart (cache on disk)  {warm_s:6.2f} s   median of "
          f"{', '.join(f'{r:.2f}' for r in restarts)} (target <= 2 s: "
          f"{'met' if warm_s <= 2 else 'NOT met'}; a library of one meeting: {peer_s:.2f} s, {warm_s / peer_s:.1f}x)")
    print(f"move the word slider                              {slider_s:6.2f} s   (target <= 0.5 s: "
          f"{'met' if slider_s <= 0.5 else 'NOT met'})")
    print(f"Analyze word_frequency over the 197, cold         {analyze_s:6.2f} s   (target <= 10 s: "
          f"{'met' if analyze_s <= 10 else 'NOT met'})")
    print(f"server RSS with workers after these               {rss:6.0f} MB  (target <= 400 MB: "
          f"{'met' if rss <= 400 else 'NOT met'}; the server alone {server_rss:.0f} MB); after the restart's first "
          f"page {warm_rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
