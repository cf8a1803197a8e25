"""The main flows in a real headless Chromium, against the app served on a loopback port.

Needs Debian's chromium (/usr/bin/chromium) and Playwright for Python; scripts/test.sh installs both.
Outside CI the tests skip with a reason when they are missing.

Screenshots go to a temporary folder, so a test run leaves the tree as it was. The README's
screenshots in docs/screenshots/ are refreshed only on request: `bash scripts/screenshots.sh`
runs these tests with QUALIA_SCREENSHOTS_DIR=docs/screenshots. Each test's last view is saved in
the temporary folder too (last_<test>.png), for a look after a failure.

No fixed waits: every step waits for what it needs to see, and a screenshot waits until the app
has finished its script run (see `settle`).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
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


@contextmanager
def serving(data: Path, tmp_path_factory, **settings: str):
    """The app (as scripts/run.sh starts it) on a free loopback port over the data dir `data`, with `settings`
    added to its environment: its address."""
    _need_chromium()
    port = _free_port()
    env = {**os.environ, "QUALIA_DATA_DIR": str(data), "HEALTH_CHECK_INTERVAL": "2",
           "BACKUP_DIR": str(tmp_path_factory.mktemp("backups")), **settings}
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server mid-run.
    log = open(tmp_path_factory.mktemp("server") / "streamlit.log", "w+b")
    proc = subprocess.Popen(
        [sys.executable, "scripts/serve.py", "--server.port", str(port),  # what scripts/run.sh starts
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         # No file watcher: an edit to the tree mid-run would put "Source file changed" in the status widget.
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # poll until the server answers its health check
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.seek(0)
                pytest.fail(f"the app did not start: {log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.05)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_chromium()
    data = tmp_path_factory.mktemp("data")
    from qualia_core import QualiaCore  # a meeting with timestamps is already in the library
    QualiaCore(data_dir=data, entry_points=False).library.add(SEEDED.name, SEEDED.read_bytes())
    with serving(data, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: QUALIA_SCREENSHOTS_DIR when set (scripts/screenshots.sh), else a temporary folder."""
    wanted = os.environ.get("QUALIA_SCREENSHOTS_DIR", "").strip()
    if not wanted:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(wanted) if Path(wanted).is_absolute() else ROOT / wanted
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser, server, shots, tmp_path_factory, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.outside = []
    page.shots = shots
    page.on("request", lambda r: page.outside.append(r.url) if not r.url.startswith(LOCAL) else None)
    page.goto(server)
    page.get_by_role("heading", name="Library").wait_for()
    yield page
    last = tmp_path_factory.getbasetemp() / "browser_last"
    last.mkdir(exist_ok=True)
    page.screenshot(path=str(last / f"last_{request.node.name}.png"))  # never into the tree
    assert page.outside == [], f"the app fetched from outside the machine: {page.outside}"
    context.close()


# The app is settled when its script is not running (Streamlit's stApp carries the run state), no
# element is stale from the previous run, the status widget ("Running…") has gone, and images,
# fonts and plotly charts have drawn.
UNSETTLED = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const waiting = [];
  if (!app) return ['no stApp yet'];
  if (app.dataset.testScriptState !== 'notRunning') waiting.push('script ' + app.dataset.testScriptState);
  if (app.dataset.testConnectionState !== 'CONNECTED') waiting.push('connection ' + app.dataset.testConnectionState);
  for (const sel of ['[data-stale=true]', '[data-testid=stStatusWidget]', '[data-testid=stSkeleton]'])
    if (document.querySelector(sel)) waiting.push(sel);
  if (![...document.images].every(img => img.complete)) waiting.push('images loading');
  if (![...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg')))
    waiting.push('plotly drawing');
  if (document.fonts.status !== 'loaded') waiting.push('fonts loading');
  return waiting;
}"""


def settle(page, timeout: float = 30_000) -> None:
    """Wait until the app has finished its script run and drawn everything (no fixed pause)."""
    try:
        page.wait_for_function(f"() => ({UNSETTLED})().length === 0", polling=50, timeout=timeout)
    except playwright_api.TimeoutError:
        pytest.fail(f"the app did not settle within {timeout / 1000:.0f} s: still {page.evaluate(UNSETTLED)}")


def shot(page, name: str) -> None:
    settle(page)
    page.screenshot(path=str(page.shots / f"{name}.png"), full_page=True)


def go(page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for()


def choose(page, label: str, option: str) -> None:
    """Pick an option in a multiselect (unless it is already chosen)."""
    box = page.locator("[data-testid=stMultiSelect]").filter(has=page.get_by_role("combobox", name=label)).first
    box.wait_for()
    settle(page)
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
    page.get_by_text("1 added.").first.wait_for()
    page.wait_for_function(  # the library table draws on a canvas; its accessible cells carry the text
        "() => [...document.querySelectorAll('[role=gridcell]')].some(c => c.textContent === 'ES2012a_excerpt')")
    shot(page, "library")

    go(page, "Analyze")
    choose(page, "Documents", "ES2012a_excerpt")
    choose(page, "Analyzers", "Word frequency")
    choose(page, "Visualizers", "Frequency chart")
    page.get_by_role("button", name="Run").click()
    page.locator(".js-plotly-plot").first.wait_for()
    page.get_by_text("All words").first.wait_for()
    shot(page, "analyze")


def test_explore_shows_words_and_keyword_in_context(page):
    go(page, "Explore")
    page.get_by_text("Top words").first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    page.locator("[data-testid=stImage] img").first.wait_for()
    shot(page, "explore_words")
    page.get_by_text("Keyword in context", exact=True).click()  # a view: only it is computed
    page.get_by_role("textbox", name="Word or phrase").last.fill("remote control")
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"\d+ occurrences")).first.wait_for()
    page.get_by_text("Show the whole turn").first.wait_for()
    shot(page, "explore_kwic")


def test_explore_the_whole_library_as_a_corpus_in_worker_processes(page):
    go(page, "Explore")
    page.get_by_role("combobox", name="Document").first.click()
    page.get_by_role("option", name=re.compile("Whole library")).click()
    page.get_by_text("Meetings", exact=True).click()
    page.get_by_text("Distinctive words").first.wait_for(timeout=120_000)
    page.get_by_text("Drill into a meeting").first.wait_for()
    settle(page)
    assert "doc=all" in page.url and "tab=meetings" in page.url  # the view is in the address
    shot(page, "explore_corpus")


def test_a_bookmarked_explore_address_opens_that_view(page, server):
    page.goto(f"{server}/explore?doc=all&tab=kwic&word=remote+control")
    page.get_by_text(re.compile(r"\d+ occurrences? in \d+ meetings?")).first.wait_for()
    page.locator("[data-testid=stDataFrame]").first.wait_for()
    settle(page)


def test_the_health_page_updates_itself_within_two_intervals(page):
    go(page, "Health")
    banner = page.get_by_text(re.compile(r"checked \d\d:\d\d:\d\d UTC")).first
    banner.wait_for()
    first = banner.inner_text()
    page.wait_for_function(
        "(before) => !document.body.innerText.includes(before)", arg=re.search(r"checked [\d:]+", first).group(0),
        timeout=4_500)  # two intervals of HEALTH_CHECK_INTERVAL=2 s, plus a little
    shot(page, "health")


def test_backups_create_verify_and_list(page):
    go(page, "Backups")
    page.get_by_role("button", name="Create a backup now").click()
    created = page.get_by_text(re.compile(r"Created qualia_backup_\S+\.tar\.gz: \d+ files")).first
    created.wait_for()
    name, files = re.search(r"Created (qualia_backup_\S+\.tar\.gz): (\d+) files", created.inner_text()).groups()
    # What ops.backup.verify(...).describe() says of this archive once it has checked every file:
    verify_result = page.get_by_text(re.compile(rf"{re.escape(name)}: OK \({files} files, \d+ bytes checked; not encrypted\)"))
    settle(page)
    assert verify_result.count() == 0, "the verify result is on the page before Verify was clicked"
    assert _cells(page, "not yet") and not _cells(page, "yes")  # the list: not verified yet
    page.get_by_role("button", name="Verify").click()
    verify_result.first.wait_for()
    page.wait_for_function(_CELL, arg="yes")  # the list now says it was verified
    shot(page, "backups")


# The dataframe draws on a canvas; its accessible grid cells carry the text.
_CELL = "(text) => [...document.querySelectorAll('[role=gridcell]')].some(c => c.textContent === text)"


def _cells(page, text: str) -> bool:
    page.locator("[data-testid=stDataFrame] [role=gridcell]").first.wait_for(state="attached")
    return page.evaluate(_CELL, text)


def test_the_plugins_page_lists_what_was_found(page):
    go(page, "Plugins")
    page.locator("[data-testid=stDataFrame]").first.wait_for()
    page.wait_for_function(_CELL, arg="word_frequency")
    shot(page, "plugins")
