"""/docs (Swagger UI) and /redoc (ReDoc) in a real headless Chromium against `python -m api` on loopback: both
draw the API's routes with no request leaving 127.0.0.1 (their scripts, styles and fonts are served locally)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.api_server import serving

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium at /usr/bin/chromium (scripts/test.sh installs it)")
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    with serving(tmp_path_factory.mktemp("docs"), accounts=False) as served:
        yield served


@pytest.mark.parametrize("path, drawn", [("/docs", ".opblock-summary-path"), ("/redoc", "[data-section-id]")])
def test_the_api_docs_work_offline(api, path, drawn):
    outside, failed = [], []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page()
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith((api.url, "data:", "blob:", "about:")) else None)
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto(f"{api.url}{path}")
        page.locator(drawn).first.wait_for(timeout=30_000)
        text = page.locator("body").inner_text()
        browser.close()
    assert "/documents" in text and "/analyses" in text
    assert outside == [], f"{path} fetched from outside the machine: {outside}"
    assert failed == []
