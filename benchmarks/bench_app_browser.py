"""Benchmark: the app as a researcher meets it, in headless Chromium (Debian's /usr/bin/chromium, Playwright).

    .venv/bin/python benchmarks/bench_app_browser.py [--meeting FILE] [--repeat 3]

For Qualia and, in the same run, a bare Streamlit app (the peer: one title and one small table):
- first page: from the server answering /_stcore/health to the first page settled in Chromium (the script has
  run, nothing stale, everything drawn), on a fresh server and a fresh data dir (the library holding the
  meeting, no cached result) each time (median of --repeat);
- memory: the server's RSS (with any worker processes) after visiting every page and analysing one 70 KB
  meeting on Analyze (word_frequency and frequency_chart), for Qualia; after its one page for the peer
  (median of --repeat as well).
Targets (issue 10): Library settled <= 2 s after the server is up; RSS <= 200 MB. Prints timings only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CORPUS = ROOT.parent / "shared" / "corpus" / "qmsum" / "txt"
FALLBACK = ROOT / "tests" / "fixtures" / "teams_cleaner" / "ami_ES2006d.txt"
PEER = '''import pandas as pd
import streamlit as st

st.title("Library")
st.dataframe(pd.DataFrame({"name": ["a", "b"], "turns": [1, 2]}), hide_index=True)
'''
UNSETTLED = """() => {
  const waiting = [];
  for (const sel of ['[data-stale=true]', '[data-testid=stStatusWidget]', '[data-testid=stSkeleton]'])
    if (document.querySelector(sel)) waiting.push(sel);
  if (![...document.images].every(img => img.complete)) waiting.push('images');
  if (![...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))) waiting.push('plotly');
  const app = document.querySelector('[data-testid=stApp]');
  if (app && app.getAttribute('data-test-script-state') !== 'notRunning') waiting.push('script running');
  return waiting.length === 0 && document.querySelector('h1') !== null;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(script: str, env: dict, log: Path) -> tuple[subprocess.Popen, str, float]:
    """Start `streamlit run script`; returns (process, url, the moment /_stcore/health first answered)."""
    port = free_port()
    launcher = [str(ROOT / "scripts" / "serve.py")] if script == "streamlit_app.py" else ["-m", "streamlit", "run", script]
    proc = subprocess.Popen([sys.executable, *launcher, "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return proc, url, time.perf_counter()
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text(errors='replace')[-1500:]}")
            time.sleep(0.02)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def rss_mb(proc: subprocess.Popen, workers: bool = True) -> float:
    """The server's RSS in MB, with its worker processes unless `workers` is False."""
    main = psutil.Process(proc.pid)
    processes = [main, *main.children(recursive=True)] if workers else [main]
    return sum(p.memory_info().rss for p in processes) / 2**20


def settle(page, heading: str | None = None) -> None:
    if heading:
        page.get_by_role("heading", name=heading).first.wait_for()
    page.wait_for_function(UNSETTLED, polling=20, timeout=120_000)


def first_page(browser, script: str, env: dict, log: Path, heading: str) -> tuple[float, subprocess.Popen, object]:
    proc, url, up = start(script, env, log)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    settle(page, heading)
    return time.perf_counter() - up, proc, page


def visit_everything(page, meeting: str, proc: subprocess.Popen, verbose: bool = False) -> None:
    """Every page, and one analysis of the meeting on Analyze (word_frequency + frequency_chart)."""
    def go(title: str) -> None:
        page.get_by_role("link", name=title).click()
        settle(page, title)
        if verbose:
            print(f"    after {title:10s} {rss_mb(proc):6.0f} MB")

    def choose(label: str, option: str) -> None:
        box = page.locator("[data-testid=stMultiSelect]").filter(has=page.get_by_role("combobox", name=label)).first
        box.wait_for()
        settle(page)
        if box.locator(f'[data-tag][aria-label="{option}"]').count():
            return  # already chosen (a library of one document preselects it)
        page.get_by_role("combobox", name=label).click()
        page.get_by_role("option", name=option, exact=True).first.click()
        page.keyboard.press("Escape")
        settle(page)

    go("Analyze")
    choose("Documents", meeting)
    choose("Analyzers", "Word frequency")
    choose("Visualizers", "Frequency chart")
    page.get_by_role("button", name="Run").click()
    page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
    settle(page)
    for title in ("Explore", "Code", "Health", "Backups", "Plugins", "Users", "Library"):
        go(title)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meeting", type=Path, default=None, help="a ~70 KB transcript (default: the shared "
                        "corpus's meeting closest to 70 KB)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="print the server's RSS after each page")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"needs Debian's chromium at {CHROMIUM}; nothing measured")
        return 0
    from playwright.sync_api import sync_playwright

    meeting = args.meeting or (min(CORPUS.glob("*.txt"), key=lambda f: abs(f.stat().st_size - 70_000))
                               if CORPUS.is_dir() else FALLBACK)
    work = Path(tempfile.mkdtemp(prefix="qualia-bench-app-"))
    (work / "peer.py").write_text(PEER)
    data = work / "data"
    env = {**os.environ, "QUALIA_DATA_DIR": str(data), "BACKUP_DIR": str(work / "backups"),
           "QUALIA_CORPUS_WORKERS": "1", "HEALTH_CHECK_INTERVAL": "30"}
    subprocess.run([sys.executable, "-c", "import sys; from qualia_core import QualiaCore; "
                    "QualiaCore(data_dir=sys.argv[1]).library.add(sys.argv[2], open(sys.argv[2], 'rb').read())",
                    str(data), str(meeting)], cwd=ROOT, check=True)
    name = meeting.stem

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        ours, peers, rss, peer_rss = [], [], [], []
        for i in range(args.repeat):
            # each server gets the seeded library and nothing else: no cached result, so the analysis runs
            fresh = work / f"data-{i}"
            shutil.copytree(data, fresh)
            env = {**env, "QUALIA_DATA_DIR": str(fresh)}
            seconds, proc, page = first_page(browser, "streamlit_app.py", env, work / "qualia.log", "Library")
            try:
                ours.append(seconds)
                if args.verbose:
                    print(f"    after Library    {rss_mb(proc):6.0f} MB")
                visit_everything(page, name, proc, args.verbose)
                time.sleep(1)  # let the server finish its bookkeeping after the last page
                rss.append(rss_mb(proc))
                page.context.close()
            finally:
                stop(proc)
            seconds, proc, page = first_page(browser, str(work / "peer.py"), env, work / "peer.log", "Library")
            peers.append(seconds)
            peer_rss.append(rss_mb(proc))
            page.context.close()
            stop(proc)
        browser.close()

    ours_s, peer_s = statistics.median(ours), statistics.median(peers)
    rss, peer_rss = statistics.median(rss), statistics.median(peer_rss)
    print(f"Meeting {meeting.name} ({meeting.stat().st_size / 1000:.0f} KB); median of {args.repeat} fresh servers")
    print(f"  Qualia: server up -> Library settled       {ours_s:6.2f} s   (target <= 2 s: "
          f"{'met' if ours_s <= 2 else 'NOT met'})")
    print(f"  peer (bare Streamlit page with a table)    {peer_s:6.2f} s")
    print(f"  ratio: Qualia's first page takes {ours_s / peer_s:.1f}x the bare page's time")
    print(f"  Qualia RSS after every page + one analysis  {rss:6.0f} MB   (target <= 200 MB: "
          f"{'met' if rss <= 200 else 'NOT met'})")
    print(f"  peer RSS after its page                     {peer_rss:6.0f} MB   (Qualia is {rss / peer_rss:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
