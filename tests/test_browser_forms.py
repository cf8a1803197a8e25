"""Analyze's forms in a real headless Chromium: an out-of-range value is refused with the core's message under its
field and Run does not run it, even when Run is clicked straight after typing; a valid value then runs, and the
result's download carries the parameters the form showed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_browser import LOCAL, _need_chromium, browser, choose, go, serving, settle  # noqa: F401 - browser: a fixture

SEEDED = Path(__file__).parent / "fixtures" / "explore" / "ES2012a_opening_bracket.txt"
REFUSED = "Min length accepts a whole number from 1 to 50, got '0' (too small)"  # qualia_core.params' words

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
    page.goto(server)
    page.get_by_role("heading", name="Library").wait_for()
    yield page
    assert outside == [], f"the app fetched from outside the machine: {outside}"
    context.close()


def test_an_out_of_range_value_is_refused_and_a_valid_one_runs_as_shown(page):
    go(page, "Analyze")
    choose(page, "Documents", SEEDED.stem)
    choose(page, "Analyzers", "Word frequency")
    page.get_by_text("Word frequency — parameters").click()
    field = page.get_by_label("Min length", exact=True)
    run = page.get_by_role("button", name="Run")

    field.fill("0")
    run.click()  # straight after typing: the value and the click reach the server together
    page.get_by_text(REFUSED).first.wait_for()
    settle(page)
    assert field.input_value() == "0"  # the field still shows what was typed: nothing replaced it
    assert run.is_disabled()
    assert page.get_by_text(re.compile(r"Run is off until these parameters are fixed.*Min length")).count() == 1
    assert page.get_by_text("Download the whole result (JSON)").count() == 0, "it ran anyway"

    field.fill("4")
    field.press("Enter")
    page.get_by_text(REFUSED).first.wait_for(state="detached")
    settle(page)
    assert not run.is_disabled()
    run.click()
    download = page.get_by_role("button", name="Download the whole result (JSON)")
    download.wait_for()
    settle(page)
    with page.expect_download() as caught:
        download.click()
    payload = json.loads(Path(caught.value.path()).read_text(encoding="utf-8"))  # {"ran": …, "result": …}
    assert payload["result"]["parameters_used"]["min_length"] == 4 == int(field.input_value())
    assert str(payload["ran"]["parameters"]["Min length"]) == field.input_value()  # what ran, in the form's words
    ran = page.get_by_text(re.compile(r"^Ran with")).first.inner_text()
    assert "Min length: 4" in ran  # shown with the result too
