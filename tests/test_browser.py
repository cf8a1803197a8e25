"""The main flows in a real headless Chromium, against the app served on a loopback port.

Needs Debian's chromium (/usr/bin/chromium) and Playwright for Python; scripts/test.sh installs both.
Outside CI the tests skip with a reason when they are missing. The screenshots in docs/screenshots/
(shown in the README) are taken here.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "docs" / "screenshots"
VTT = Path(__file__).parent / "fixtures" / "formats" / "ES2012a_excerpt.vtt"
SEEDED = Path(__file__).parent / "fixtures" / "explore" / "ES2012a_opening_bracket.txt"
LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = pytest.mark.browser


def _need_chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium at /usr/bin/chromium (scripts/test.sh installs it)")
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_chromium()
    port = _free_port()
    data = tmp_path_factory.mktemp("data")
    from qualia_core import QualiaCore  # a meeting with timestamps is already in the library
    QualiaCore(data_dir=data, entry_points=False).library.add(SEEDED.name, SEEDED.read_bytes())
    env = {**os.environ, "QUALIA_DATA_DIR": str(data), "HEALTH_CHECK_INTERVAL": "2",
           "BACKUP_DIR": str(tmp_path_factory.mktemp("backups"))}
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server mid-run.
    log = open(tmp_path_factory.mktemp("server") / "streamlit.log", "w+b")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.seek(0)
                pytest.fail(f"the app did not start: {log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.outside = []
    page.on("request", lambda r: page.outside.append(r.url) if not r.url.startswith(LOCAL) else None)
    page.goto(server)
    page.get_by_role("heading", name="Library").wait_for()
    yield page
    if getattr(page, "failed_shot", None) is None:
        page.screenshot(path=str(SHOTS.parent / "last_browser_test.png"))
    assert page.outside == [], f"the app fetched from outside the machine: {page.outside}"
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def go(page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for()


def choose(page, label: str, option: str) -> None:
    """Pick an option in a multiselect (unless it is already chosen)."""
    box = page.locator("[data-testid=stMultiSelect]").filter(has=page.get_by_role("combobox", name=label)).first
    box.wait_for()
    page.wait_for_load_state("networkidle")
    if box.locator(f'[data-tag][aria-label="{option}"]').count():
        return
    for attempt in range(3):  # the list can re-render while the page settles: open it again
        page.get_by_role("combobox", name=label).click()
        try:
            page.get_by_role("option", name=option, exact=True).first.click(timeout=10_000)
            break
        except playwright_api.TimeoutError:
            page.keyboard.press("Escape")
    box.locator(f'[data-tag][aria-label="{option}"]').wait_for()
    page.keyboard.press("Escape")


def test_upload_analyze_and_see_the_chart(page):
    page.locator("input[type=file]").first.set_input_files(str(VTT))
    page.get_by_text("Added").first.wait_for()
    page.get_by_text("ES2012a_excerpt").first.wait_for()
    shot(page, "library")

    go(page, "Analyze")
    choose(page, "Documents", "ES2012a_excerpt")
    choose(page, "Analyzers", "Word frequency")
    choose(page, "Visualizers", "Frequency chart")
    page.get_by_role("button", name="Run").click()
    page.locator(".js-plotly-plot").first.wait_for()
    page.get_by_text("word frequencies").first.wait_for()
    shot(page, "analyze")


def test_explore_shows_words_and_keyword_in_context(page):
    go(page, "Explore")
    page.get_by_text("Top words").first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    page.locator("[data-testid=stImage] img").first.wait_for()
    shot(page, "explore_words")
    page.get_by_role("tab", name="Keyword in context").click()
    page.get_by_role("textbox", name="Word or phrase").last.fill("remote control")
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"\d+ occurrences")).first.wait_for()
    page.get_by_text("Show the whole turn").first.wait_for()
    shot(page, "explore_kwic")


def test_explore_the_whole_library_as_a_corpus_in_worker_processes(page):
    go(page, "Explore")
    page.get_by_role("combobox", name="Document").first.click()
    page.get_by_role("option", name=re.compile("Whole library")).click()
    page.get_by_text("Distinctive words").first.wait_for(timeout=120_000)
    page.get_by_text("Drill into a meeting").first.wait_for()
    shot(page, "explore_corpus")


def test_the_health_page_updates_itself_within_two_intervals(page):
    go(page, "Health")
    banner = page.get_by_text(re.compile(r"checked \d\d:\d\d:\d\d UTC")).first
    banner.wait_for()
    first = banner.inner_text()
    page.wait_for_function(
        "(before) => !document.body.innerText.includes(before)", arg=re.search(r"checked [\d:]+", first).group(0),
        timeout=4_500)  # two intervals of HEALTH_CHECK_INTERVAL=2 s, plus a little
    shot(page, "health")


def test_backups_create_and_list(page):
    go(page, "Backups")
    page.get_by_role("button", name="Create a backup now").click()
    page.get_by_text("Created").first.wait_for()
    page.get_by_role("button", name="Verify").click()
    page.get_by_text(re.compile("verified|ok", re.I)).first.wait_for()
    shot(page, "backups")


def test_the_plugins_page_lists_what_was_found(page):
    go(page, "Plugins")
    page.locator("[data-testid=stDataFrame]").first.wait_for()
    page.wait_for_function(  # the grid draws on a canvas; its accessible cells carry the text
        "() => [...document.querySelectorAll('[role=gridcell]')].some(c => c.textContent === 'word_frequency')")
    shot(page, "plugins")
