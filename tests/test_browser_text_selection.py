"""The turn selector (pages/text_selection.py) in a real Chromium: a mouse selection is reported as exact
character offsets of the turn's text, however the text is split by marks, whatever its accents and emoji, and
wherever the selection starts or ends; transcript text and code names stay text, never HTML.

A tiny app (tests/fixtures/apps/turn_selector_app.py) mounts the component and prints what it reported."""

from __future__ import annotations

import json
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
APP = Path(__file__).parent / "fixtures" / "apps" / "turn_selector_app.py"
CHROMIUM = Path("/usr/bin/chromium")

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = pytest.mark.browser

sys.path.insert(0, str(APP.parent))
from turn_selector_app import TURNS  # noqa: E402  (the texts the app shows)


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
    log = open(tmp_path_factory.mktemp("server") / "streamlit.log", "w+b")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
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
            time.sleep(0.05)
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
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server)
    page.locator(".qts-text").nth(len(TURNS) - 1).wait_for()
    yield page
    context.close()


# The rectangle of characters [start, end) (UTF-16 units) of a turn's text, found across its text nodes.
_RECT = """([turn, start, end]) => {
  const body = document.querySelector(`.qts-text[data-turn="${turn}"]`);
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node;
  while ((node = walker.nextNode())) {
    const len = node.data.length;
    if (start >= seen && start < seen + len) range.setStart(node, start - seen);
    if (end > seen && end <= seen + len) range.setEnd(node, end - seen);
    seen += len;
  }
  const rects = range.getClientRects();
  const first = rects[0], last = rects[rects.length - 1];
  return {x0: first.left, y0: (first.top + first.bottom) / 2, x1: last.right, y1: (last.top + last.bottom) / 2};
}"""


def _units(text: str, index: int) -> int:
    """A code point index of `text` as a UTF-16 offset (what the browser counts)."""
    return len(text[:index].encode("utf-16-le")) // 2


def drag(page, x0, y0, x1, y1) -> None:
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
    page.mouse.move(x1, y1, steps=4)
    page.mouse.up()


def select_words(page, turn: int, words: str, end_turn: int | None = None, end_words: str | None = None) -> None:
    """Drag the mouse from the first character of `words` in `turn` to the last of `end_words` (or `words`)."""
    text = TURNS[turn].text
    start = text.index(words)
    a = page.evaluate(_RECT, [turn, _units(text, start), _units(text, start + len(words))])
    end_turn = turn if end_turn is None else end_turn
    end_text = TURNS[end_turn].text
    last = end_words or words
    end = end_text.index(last) + len(last)
    b = page.evaluate(_RECT, [end_turn, _units(end_text, end - len(last)), _units(end_text, end)])
    drag(page, a["x0"] + 1, a["y0"], b["x1"] - 1, b["y1"])


def reported(page, before: str | None = None) -> list[dict]:
    """The segments the app printed (waiting for a new report when `before` was the last one)."""
    line = page.get_by_text(re.compile(r"^selection: ")).first
    line.wait_for()
    if before is not None:
        page.wait_for_function(
            "(b) => [...document.querySelectorAll('[data-testid=stText]')].some("
            "e => e.textContent.startsWith('selection: ') && e.textContent !== b)", arg=before)
    return json.loads(line.inner_text().removeprefix("selection: "))


def last_report(page) -> str | None:
    line = page.get_by_text(re.compile(r"^selection: "))
    return line.first.inner_text() if line.count() else None


def expect(turn: int, words: str) -> dict:
    start = TURNS[turn].text.index(words)
    return {"turn": turn, "start": start, "end": start + len(words), "text": words}


def test_a_word_with_accents_is_reported_in_characters_of_the_turn(page):
    select_words(page, 0, "comunicação")
    assert reported(page) == [expect(0, "comunicação")]
    page.locator(".qts-pending").first.wait_for()  # the selection stays outlined after the rerun
    assert page.locator(".qts-pending").first.inner_text() == "comunicação"


def test_offsets_after_an_emoji_count_characters_not_utf16_units(page):
    select_words(page, 0, "importante")
    got = reported(page)
    assert got == [expect(0, "importante")]
    assert got[0]["start"] == TURNS[0].text.index("importante")  # 🎉 is one character before it


def test_a_selection_across_a_mark_boundary_counts_the_text_split_by_the_marks(page):
    assert page.locator('.qts-text[data-turn="1"] .qts-mark').count() >= 2  # "remote control" is split by marks
    select_words(page, 1, "the remote")
    assert reported(page) == [expect(1, "the remote")]
    select_words(page, 1, "control to be")
    assert reported(page, before=last_report(page)) == [expect(1, "control to be")]


def test_a_selection_over_two_turns_gives_one_segment_in_each(page):
    before = last_report(page)
    select_words(page, 1, "simple.", end_turn=2, end_words="Cafe\u0301")
    assert reported(page, before) == [expect(1, "simple."), expect(2, "Cafe\u0301")]  # the accent is a character


def test_a_selection_starting_outside_the_turns_starts_at_the_turns_first_character(page):
    title = page.get_by_role("heading", name="Turns to select").bounding_box()
    text = TURNS[0].text
    b = page.evaluate(_RECT, [0, _units(text, text.index("comunicação")), _units(text, text.index(" é"))])
    drag(page, title["x"] + 2, title["y"] + title["height"] / 2, b["x1"] - 1, b["y1"])
    assert reported(page) == [expect(0, "Olá, comunicação")]


def test_transcript_text_and_code_names_stay_text(page):
    assert page.locator(".qts-root img, .qts-root b, .qts-root i").count() == 0
    body = page.locator('.qts-text[data-turn="1"]')
    assert body.inner_text() == TURNS[1].text
    assert page.locator('.qts-turn[data-turn="0"] .qts-head').inner_text() == "0:00:01  Ana <b>Silva</b>"
    overlap = body.locator(".qts-mark", has_text="control").first
    assert overlap.get_attribute("title") == "Remote, Control"  # both codes on those words, named as text
    assert page.locator('.qts-text[data-turn="0"] .qts-mark').first.get_attribute("title") == "Greeting <i>x</i>"


def test_clear_forgets_the_selection(page):
    select_words(page, 2, "family")
    assert reported(page) == [expect(2, "family")]
    page.get_by_role("button", name="Clear").click()
    page.get_by_text(re.compile(r"^selection: ")).first.wait_for(state="detached")
    assert page.locator(".qts-pending").count() == 0
