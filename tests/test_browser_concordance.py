"""The concordance in a real headless Chromium: a click on a line of the table opens its whole turn, and the CSV and
XLSX downloads (built when clicked) hold the lines on screen and what ran."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from test_browser import LOCAL, _need_chromium, browser, serving, settle  # noqa: F401 - browser: a fixture

SEEDED = Path(__file__).parent / "fixtures" / "explore" / "ES2012a_opening_bracket.txt"  # "remote control" 4 times
ROW_HEIGHT = 35  # px: Streamlit's dataframe rows, header included

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_chromium()
    from qualia_core import QualiaCore
    data = tmp_path_factory.mktemp("data")
    QualiaCore(data_dir=data, entry_points=False).library.add(SEEDED.name, SEEDED.read_bytes())
    with serving(data, tmp_path_factory, QUALIA_CORPUS_WORKERS="1") as url:
        yield url


@pytest.fixture
def page(browser, server):  # noqa: F811 - the imported fixture
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(LOCAL) else None)
    page.goto(f"{server}/explore?doc=all&tab=kwic&word=remote+control")
    page.get_by_text("4 occurrences in 1 meeting").first.wait_for()
    settle(page)
    yield page
    assert outside == [], f"the app fetched from outside the machine: {outside}"
    context.close()


def test_a_click_on_a_line_opens_its_whole_turn(page):
    pick = page.get_by_role("spinbutton", name="Show the whole turn of occurrence #")
    assert pick.input_value() == "1"
    grid = page.locator("[data-testid=stDataFrame]").last
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + ROW_HEIGHT * 3 + ROW_HEIGHT / 2)  # the third line's row marker
    page.wait_for_function("() => document.querySelector('input[aria-label^=\"Show the whole turn\"]').value === '3'")
    settle(page)
    assert pick.input_value() == "3"
    assert page.get_by_text("turn 11 · Industrial Designer · 0:03:37").count() == 1  # the third one's turn


@pytest.mark.parametrize("button", ["CSV", "XLSX"])
def test_the_downloads_hold_the_lines_and_what_ran(page, button):
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").filter(has_text=button).first.click()
    data = Path(download.value.path()).read_bytes()
    if button == "CSV":
        assert data.decode("utf-8").startswith("# Plugin: Keyword in context\n# Document: Whole library\n")
        lines = pd.read_csv(io.BytesIO(data), comment="#")
    else:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
        assert list(sheets) == ["Concordance", "What ran"]
        assert dict(sheets["What ran"].values.tolist())["Word or phrase"] == "remote control"
        lines = sheets["Concordance"]
    assert list(lines["match"]) == ["remote control"] * 4
    assert set(lines["meeting"]) == {SEEDED.stem}
