"""Names from transcripts are text in a real Chromium: speakers named like a Markdown image, a Markdown link and
bold text, a document named with an HTML link and a participant named like a link are shown literally on every
page that shows them (Library, Explore of one meeting and of the whole library, Analyze's results), the image's
address (a local HTTP server this test starts and watches) is never requested, and no link is made of them.

Uses the app server, browser and helpers of tests/test_browser.py.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from test_browser import SEEDED, browser, choose, go, playwright_api, serving, settle  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.browser

LINK = "[link](http://example.invalid/)"
BOLD = "**bold**"
DOCUMENT = '**doc** <a href="http://example.invalid/d">d</a>'
PERSON = "[person](http://example.invalid/p)"
TRANSCRIPT = """Ana Souza: Welcome everyone, today we look at the new remote control and its price.
Bo Lima: I love the remote control, it is a great and happy design.
Cy Rocha: I hate the buttons, they are terrible and the remote control is too big.
Ana Souza: Good, so the budget is the next question for the remote control.
Bo Lima: The budget is fine, we can make a wonderful product.
Cy Rocha: Maybe, but the case is awful and the remote control needs fewer buttons.
"""


class _Watched(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def image_server():
    """A local HTTP server that records every request (the Markdown image points at it)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Watched)
    httpd.hits = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def study(tmp_path_factory, image_server):
    """The app over a library of two meetings: one whose speakers, name and participant look like Markdown and
    HTML, and the seeded AMI excerpt."""
    from qualia_core import QualiaCore

    image = f"![x](http://127.0.0.1:{image_server.server_port}/p.png)"
    data = tmp_path_factory.mktemp("plain_text_data")
    library = QualiaCore(data_dir=data, entry_points=False).library
    earlier = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=1)  # the oldest: Library shows it
    entry, _ = library.add("interview.txt", TRANSCRIPT.encode(), added_at=earlier)
    library.set_speaker_names(entry.id, {"Ana Souza": image, "Bo Lima": LINK, "Cy Rocha": BOLD})
    library.set_participants(entry.id, {"Bo Lima": PERSON})
    library.rename(entry.id, DOCUMENT)
    library.add(SEEDED.name, SEEDED.read_bytes())
    codes = QualiaCore(data_dir=data, entry_points=False).codes  # a code, a passage and memos that look like Markdown
    codes.add_code(BOLD)
    codes.code(entry.id, 1, 2, 6, codes=[BOLD], coder="ana", memo=LINK)  # Bo Lima's "love"
    codes.add_memo("study", None, PERSON, "ana")
    with serving(data, tmp_path_factory) as url:
        yield url, entry.id, image


# Everything on the page a person can read: text, the values of inputs, the dataframes' accessible cells, and
# plotly's SVG text (ticks, legends, hover labels).
_TEXTS = """() => [document.body.innerText,
  ...[...document.querySelectorAll('input, textarea')].map(e => e.value),
  ...[...document.querySelectorAll('[role=gridcell], [role=columnheader]')].map(e => e.textContent),
  ...[...document.querySelectorAll('svg text')].map(e => e.textContent)]"""
# The dataframes draw on a canvas; their accessible cells, which carry the text, come a moment after.
# (a table in a closed expander keeps its box but draws no cells until the expander opens)
_GRIDS_DRAWN = """() => [...document.querySelectorAll('[data-testid=stDataFrame]')]
  .filter(d => d.getClientRects().length && !d.closest('details:not([open])'))
  .every(d => d.querySelector('[role=gridcell], [role=columnheader]'))"""
# What Markdown or HTML made of the names: links to their addresses, images, bold.
_MADE = """() => {
  const made = [];
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    if (href.includes('example.invalid') || href.includes('/p.png')) made.push('a ' + href);
  }
  for (const img of document.querySelectorAll('img'))
    if ((img.getAttribute('src') || '').includes('/p.png')) made.push('img ' + img.getAttribute('src'));
  for (const b of document.querySelectorAll('strong, b, em'))
    if (['bold', 'doc', 'link', 'person', 'x'].includes(b.textContent.trim())) made.push(b.tagName + ' ' + b.textContent);
  return made;
}"""


@pytest.fixture
def page(browser, study, image_server, tmp_path_factory):  # noqa: F811 - browser is test_browser's fixture
    url, _, image = study
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.requested = []
    page.on("request", lambda r: page.requested.append(r.url))
    page.goto(url)
    page.get_by_role("heading", name="Library").wait_for()
    yield page
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / "last_plain_text.png"), full_page=True)
    context.close()


def open_tab(page, name: str) -> None:
    """Open the Library's tab `name` (a rerun may have drawn the tabs again beside the old ones)."""
    settle(page)
    tabs = page.get_by_role("tab", name=name)
    for i in range(tabs.count()):
        if tabs.nth(i).is_visible() and tabs.nth(i).get_attribute("aria-selected") != "true":
            tabs.nth(i).click()
            settle(page)


def open_options(page, label: str) -> None:
    """Open a select box's list of options (and leave it open to be looked at)."""
    settle(page)
    for attempt in range(3):  # the box can re-render while the page settles: open it again
        page.get_by_role("combobox", name=label).click()
        try:
            page.get_by_role("option").first.wait_for(timeout=10_000)
            return
        except playwright_api.TimeoutError:
            page.keyboard.press("Escape")
    pytest.fail(f"the options of {label!r} did not open")


def look(page, where: str, names: list[str], problems: list[str]) -> None:
    """Note what on the page shows a name other than literally, or made Markdown or HTML of one."""
    settle(page, timeout=120_000)
    page.wait_for_function(_GRIDS_DRAWN, polling=100)
    texts = [t.replace("\u2060", "") for t in page.evaluate(_TEXTS)]  # (an invisible joiner breaks bare links)
    for name in names:
        if not any(name in t for t in texts):
            problems.append(f"{where}: {name!r} is not shown literally")
    problems += [f"{where}: {made}" for made in page.evaluate(_MADE)]


def test_names_from_transcripts_are_shown_as_text_on_every_page(page, study, image_server):
    url, doc_id, image = study
    speakers = [image, LINK, BOLD]
    problems: list[str] = []

    # Library: the document is the oldest, so it is the one selected
    page.get_by_text("Mark the turns holding").first.wait_for()
    look(page, "Library, transcript", [*speakers, DOCUMENT], problems)
    open_tab(page, "Speakers")
    page.get_by_text("Speaker 3: shown as").first.wait_for()
    look(page, "Library, speakers", [*speakers, PERSON], problems)
    page.get_by_text("Search the whole library").click()
    page.get_by_role("textbox", name="Words to find").fill("remote control")
    page.keyboard.press("Enter")
    page.get_by_text("turns found").first.wait_for()
    open_options(page, "Said by")
    look(page, "Library, search", [*speakers, DOCUMENT], problems)
    page.keyboard.press("Escape")
    open_tab(page, "Speakers")  # two speakers under one name: refused, naming it
    page.get_by_role("textbox", name="Speaker 2: shown as").fill(BOLD)
    page.get_by_role("button", name="Save speakers").click()
    page.get_by_text("Two speakers would both be called").first.wait_for()
    look(page, "Library, speakers refused", [BOLD], problems)
    open_tab(page, "Rename or delete")
    page.get_by_role("button", name="Delete…").click()
    open_tab(page, "Rename or delete")
    page.get_by_role("button", name="Cancel").wait_for()
    look(page, "Library, delete", [DOCUMENT], problems)
    page.get_by_role("button", name="Cancel").click()

    # Explore one meeting, each view from its address
    base = f"{url}/explore?doc={doc_id}"
    for tab, names in (("kwic&word=remote+control", speakers), ("words&word=remote+control", speakers),
                       ("sentiment", speakers), ("speakers", speakers)):
        page.goto(f"{base}&tab={tab}")
        page.get_by_role("heading", name="Explore").wait_for()
        if "kwic" in tab:
            page.get_by_text("Show the whole turn").first.wait_for()
        look(page, f"Explore {tab}", [*names, DOCUMENT], problems)

    # Explore the whole library
    for tab, names in (("kwic&word=remote+control", [*speakers, DOCUMENT]), ("words&word=remote+control", [DOCUMENT]),
                       ("sentiment", [DOCUMENT, *speakers]), ("speakers", [*speakers, DOCUMENT, PERSON]),
                       ("meetings", [DOCUMENT])):
        page.goto(f"{url}/explore?doc=all&tab={tab}")
        page.get_by_role("heading", name="Explore").wait_for()
        look(page, f"Explore the library, {tab}", names, problems)
    open_options(page, "and/or the speaker")
    look(page, "Explore the library, distinctive words of a speaker", speakers, problems)

    # Analyze: the document's results (the drill-down opens on the oldest document)
    page.goto(url)
    go(page, "Analyze")
    page.get_by_text("Whole library").click()
    choose(page, "Analyzers", "Speaker statistics")
    choose(page, "Analyzers", "Word frequency")  # (a visualizer's chart is Explore's, seen above)
    choose(page, "Analyzers", "Keyword in context")
    page.get_by_text("Keyword in context — parameters").click()
    page.get_by_role("textbox", name="Query").fill("remote control")
    page.keyboard.press("Enter")
    settle(page)
    page.get_by_role("button", name="Run").click()
    page.get_by_text("Open one document").first.wait_for(timeout=120_000)
    look(page, "Analyze results", [*speakers, DOCUMENT], problems)

    # Code: the meeting's turns, the codebook, a code's passages and the study's memos
    page.goto(f"{url}/code")
    page.get_by_role("heading", name="Code").first.wait_for()
    open_options(page, "Meeting")
    page.get_by_role("option", name=DOCUMENT, exact=True).click()
    settle(page)
    look(page, "Code a meeting", [DOCUMENT, BOLD], problems)
    open_tab(page, "Codebook")
    look(page, "Code, codebook", [BOLD], problems)
    open_tab(page, "Retrieve")
    page.locator("[role=gridcell]", has_text="example.invalid/d").first.wait_for(state="attached")  # table drawn
    look(page, "Code, retrieve", [BOLD, LINK, DOCUMENT], problems)
    open_tab(page, "Memos")
    page.get_by_text("Select a memo to edit or delete it").wait_for()  # the journal's table is drawn
    look(page, "Code, memos", [PERSON], problems)

    port = f":{image_server.server_port}/"
    problems += [f"the browser fetched the Markdown image: {hit}" for hit in image_server.hits]
    problems += [f"the browser asked for {u}" for u in page.requested if port in u or "example.invalid" in u]
    assert problems == [], "\n".join(problems)


def test_the_watched_server_sees_a_request(image_server):
    """The watch above can see: a request to the image's address is recorded."""
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"http://127.0.0.1:{image_server.server_port}/p.png?{quote('check')}", timeout=5)
    assert image_server.hits[-1].startswith("/p.png")
    image_server.hits.clear()
