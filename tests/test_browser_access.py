"""Sign-in and roles in a real headless Chromium: before signing in no page shows a document's name, speaker or
text; a viewer reads but can't delete or reach backups; an admin deletes and restores; a reload keeps the
sign-in (the session cookie) and signing out ends it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_browser import LOCAL, _need_chromium, browser, serving, settle  # noqa: F401 - browser: a fixture

SEEDED = Path(__file__).parent / "fixtures" / "explore" / "ES2012a_opening_bracket.txt"
PASSWORD = "a long enough password"
SECRETS = ["ES2012a_opening_bracket", "Project Manager", "Real Reaction"]  # its name, a speaker, its text

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_chromium()
    from qualia_core import QualiaCore
    from qualia_core.accounts import Accounts

    data = tmp_path_factory.mktemp("data")
    core = QualiaCore(data_dir=data, entry_points=False)
    core.library.add(SEEDED.name, SEEDED.read_bytes())
    accounts = Accounts(core.library.store)
    for name, role in (("vera", "viewer"), ("ada", "admin")):
        accounts.create(name, PASSWORD, role)
    with serving(data, tmp_path_factory, QUALIA_AUTH="on", QUALIA_CORPUS_WORKERS="1",
                 QUALIA_ENV_FILE=str(data / "none.env")) as url:
        yield url


@pytest.fixture
def page(browser, server):  # noqa: F811 - the imported fixture
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(LOCAL) else None)
    page.url_base = server
    yield page
    assert outside == [], f"the app fetched from outside the machine: {outside}"
    context.close()


def shown(page) -> str:
    settle(page)
    return page.content()


def sign_in(page, name: str) -> None:
    page.goto(page.url_base)
    page.get_by_role("heading", name="Sign in to Qualia").wait_for()
    page.get_by_role("textbox", name="Account name").fill(name)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Library").wait_for()


@pytest.mark.parametrize("path", ["", "/library", "/explore?doc=all&tab=kwic&word=remote", "/backups", "/users"])
def test_without_signing_in_nothing_of_the_study_shows(page, path):
    page.goto(page.url_base + path)
    page.get_by_role("heading", name="Sign in to Qualia").wait_for()
    html = shown(page)
    assert not [s for s in SECRETS if s in html]
    assert page.get_by_role("button", name=re.compile("Create a backup|Delete")).count() == 0


def test_a_viewer_reads_cannot_delete_and_has_no_backups_page(page):
    sign_in(page, "vera")
    assert "ES2012a_opening_bracket" in shown(page)
    nav = page.locator("[data-testid=stSidebarNav]")
    assert nav.get_by_role("link", name="Library").count() == 1
    assert nav.get_by_role("link", name="Backups").count() == 0 and nav.get_by_role("link", name="Users").count() == 0
    page.get_by_role("tab", name="Rename or delete").click()
    assert page.get_by_role("button", name="Delete…").is_disabled()
    page.goto(page.url_base + "/backups")  # typed by hand: not a page of this role
    page.get_by_role("heading", name="Library").wait_for()
    assert page.get_by_role("button", name="Create a backup now").count() == 0


def test_a_reload_keeps_the_sign_in_and_signing_out_ends_it(page):
    sign_in(page, "vera")
    settle(page)
    page.reload()
    page.get_by_role("heading", name="Library").wait_for()  # the cookie brought the session back
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to Qualia").wait_for()
    settle(page)
    page.reload()
    page.get_by_role("heading", name="Sign in to Qualia").wait_for()
    assert not [s for s in SECRETS if s in shown(page)]


def test_an_admin_deletes_a_document_and_restores_it_from_a_backup(page):
    sign_in(page, "ada")
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Backups").click()
    page.get_by_role("button", name="Create a backup now").click()
    page.get_by_text(re.compile(r"Created qualia_backup_\S+\.tar\.gz")).first.wait_for()
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Library").click()
    page.get_by_role("tab", name="Rename or delete").click()
    page.get_by_role("button", name="Delete…").click()
    page.get_by_role("button", name="Yes, delete").click()
    page.get_by_text("No transcripts yet").wait_for()
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Backups").click()
    page.get_by_role("button", name="Restore…").click()
    page.get_by_role("button", name="Yes, restore").click()
    page.get_by_text(re.compile("^Restored")).first.wait_for()
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Library").click()
    page.get_by_role("heading", name="Library").wait_for()
    assert "ES2012a_opening_bracket" in shown(page)
