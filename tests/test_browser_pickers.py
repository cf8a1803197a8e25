"""With 200 documents, the document pickers find "Whole library" and any document by typing, and Explore's
lists "Whole library" first, where it is seen without scrolling (headless Chromium)."""

from __future__ import annotations

import re

import pytest

from test_browser import browser, playwright_api, serving, settle  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.browser

COUNT = 200


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    from qualia_core import QualiaCore
    library = QualiaCore(data_dir=data, entry_points=False).library
    report = library.add_many((f"Meeting {n:03d}.txt", f"Ana: budget number {n} today.\nBo: agreed, {n}.".encode())
                              for n in range(COUNT))
    assert len(report.added) == COUNT
    with serving(data, tmp_path_factory) as url:
        yield url


@pytest.fixture
def page(browser, many):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def type_into(page, label: str, text: str) -> None:
    settle(page)
    page.get_by_role("combobox", name=label).first.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.wait_for()
    page.keyboard.press("Enter")


def test_explore_finds_the_whole_library_and_any_document_by_typing(page, many):
    page.goto(f"{many}/explore?doc=meeting-000")  # not an id: the newest document is shown
    page.get_by_role("heading", name="Explore").wait_for()
    settle(page)
    page.get_by_role("combobox", name="Document").first.click()  # opened, no scrolling: it is the first option
    page.get_by_role("option").first.wait_for()
    assert page.get_by_role("option").first.inner_text().startswith(f"Whole library ({COUNT} documents)")
    page.keyboard.press("Escape")
    type_into(page, "Document", "Whole library")
    page.wait_for_url(re.compile(r"doc=all"))
    page.get_by_text("Meetings", exact=True).first.wait_for()  # the whole library's own view
    type_into(page, "Document", "Meeting 123")
    page.wait_for_url(re.compile(r"doc=meeting-123-"))


def test_analyze_finds_any_document_by_typing(page, many):
    page.goto(f"{many}/analyze")
    page.get_by_role("heading", name="Analyze").wait_for()
    type_into(page, "Documents", "Meeting 187")
    page.locator('[data-tag][aria-label="Meeting 187"]').wait_for()
    page.keyboard.press("Escape")
