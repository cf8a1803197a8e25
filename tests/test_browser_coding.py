"""Coding in a real headless Chromium (issue 12's Done-when): select words in a turn with the mouse, code them,
see the passage under that code with meeting, speaker and time; auto-code a keyword-in-context query after its
preview; download the quotes as Word and XLSX and read the files back (python-docx, openpyxl)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_browser import LOCAL, _need_chromium, browser, choose, go, playwright_api, serving, settle  # noqa: F401,E501

VTT = Path(__file__).parent / "fixtures" / "formats" / "ES2012a_excerpt.vtt"
MEETING = VTT.stem

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_chromium()
    from qualia_core import QualiaCore

    data = tmp_path_factory.mktemp("data")
    core = QualiaCore(data_dir=data, entry_points=False)
    core.library.add(VTT.name, VTT.read_bytes())
    core.codes.add_code("Product", color="#2a9d8f")
    core.codes.add_code("Found by KWIC", color="#e76f51")
    with serving(data, tmp_path_factory, QUALIA_CORPUS_WORKERS="1") as url:
        yield url, core


@pytest.fixture
def page(browser, server):  # noqa: F811 - the imported fixture
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(LOCAL) else None)
    page.goto(server[0])
    page.get_by_role("heading", name="Library").wait_for()
    yield page
    assert outside == [], f"the app fetched from outside the machine: {outside}"
    context.close()


# The rectangle of characters [start, end) (UTF-16 units) of a turn's text as drawn, across its text nodes.
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
  const r = range.getClientRects();
  return {x0: r[0].left, y: (r[0].top + r[0].bottom) / 2, x1: r[r.length - 1].right};
}"""


def mouse_select(page, turn: int, text: str, words: str) -> None:
    """Press the mouse before the first character of `words` in the turn and release it after the last."""
    start = text.index(words)
    units = lambda i: len(text[:i].encode("utf-16-le")) // 2  # noqa: E731 - what the browser counts
    body = page.locator(f'.qts-text[data-turn="{turn}"]')
    body.scroll_into_view_if_needed()
    box = page.evaluate(_RECT, [turn, units(start), units(start + len(words))])
    page.mouse.move(box["x0"] + 1, box["y"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, box["y"], steps=5)
    page.mouse.move(box["x1"] - 1, box["y"], steps=5)
    page.mouse.up()


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    settle(page)


def pick_code(page, name: str) -> None:
    page.get_by_role("combobox", name="Code", exact=True).click()
    page.get_by_role("option", name=name, exact=True).click()
    settle(page)


def grid_has(page, text: str) -> None:
    try:
        page.wait_for_function(
            "(t) => [...document.querySelectorAll('[role=gridcell]')].some(c => c.textContent === t)", arg=text,
            timeout=10_000)
    except playwright_api.TimeoutError:
        cells = page.evaluate("() => [...document.querySelectorAll('[role=gridcell]')].map(c => c.textContent)")
        raise AssertionError(f"{text!r} not in the table: {cells}")


def test_select_code_retrieve_auto_code_and_export_quotes(page, server, tmp_path):
    core = server[1]
    doc_id = core.library.list()[0].id
    turn0 = core.codes.turn_texts(doc_id)[0]

    go(page, "Code")
    page.locator('.qts-text[data-turn="0"]').wait_for()
    settle(page)
    mouse_select(page, 0, turn0["shown"], "new remote control")
    page.get_by_text("Turn 1: new remote control", exact=True).wait_for()
    page.locator(".qts-pending").first.wait_for()  # the selection stays outlined
    choose(page, "Codes to apply", "Product")
    page.get_by_role("button", name="Code the selection").click()
    page.get_by_text("1 passage coded.").wait_for()
    page.locator('.qts-text[data-turn="0"] .qts-mark[title="Product"]').first.wait_for()  # marked in the turn
    coded = core.codes.passages(code="Product")
    assert list(coded["text"]) == ["new remote control"]
    start = turn0["text"].index("new remote control")
    assert (int(coded["start"][0]), int(coded["end"][0])) == (start, start + len("new remote control"))

    open_tab(page, "Retrieve")
    pick_code(page, "Product")
    grid_has(page, "new remote control")
    for cell in (MEETING, "Marketing", "0:02:35"):  # meeting, speaker, time
        grid_has(page, cell)

    open_tab(page, "Code a meeting")
    page.get_by_text("Auto-code a search or keyword-in-context query").click()
    page.get_by_role("textbox", name="Words to find").fill("remote control")
    page.keyboard.press("Enter")
    hits = len(core.codes.autocode_preview("remote control", kind="kwic", documents=[doc_id]))
    assert hits >= 2
    page.get_by_text(f"{hits} passages would be coded").wait_for()
    assert core.codes.passages(code="Found by KWIC").empty  # the preview wrote nothing
    choose(page, "Codes to apply to every hit", "Found by KWIC")
    page.get_by_role("button", name="Auto-code", exact=True).click()
    page.get_by_text(f"Auto-coded {hits} passages.").wait_for()
    auto = core.codes.passages(code="Found by KWIC")
    assert len(auto) == hits and set(auto["text"].str.lower()) == {"remote control"}

    open_tab(page, "Retrieve")
    pick_code(page, "Found by KWIC")
    page.get_by_text(f"{hits} passages", exact=True).wait_for()
    settle(page)
    files = {}
    for label, suffix in (("Download Word", "docx"), ("Download Excel (XLSX)", "xlsx")):
        with page.expect_download() as caught:
            page.get_by_role("button", name=label).click()
        files[suffix] = tmp_path / f"quotes.{suffix}"
        caught.value.save_as(files[suffix])

    from docx import Document

    word = [p.text for p in Document(files["docx"]).paragraphs]
    assert "Found by KWIC" in word  # the code's heading
    assert sum(1 for p in word if p.lower() == "“remote control”") == hits
    assert any(p.startswith(f"{MEETING} — Marketing — 0:02:35") for p in word)

    from openpyxl import load_workbook

    rows = list(load_workbook(files["xlsx"]).active.iter_rows(values_only=True))
    header = rows.index(("Code", "Meeting", "Speaker", "Time", "Quote", "Turn", "Coder", "Coded at", "Memo"))
    quotes = rows[header + 1:]
    assert len(quotes) == hits
    assert {(q[0], q[1], q[4].lower()) for q in quotes} == {("Found by KWIC", MEETING, "remote control")}
    assert ("Marketing", "0:02:35") in {(q[2], q[3]) for q in quotes}
