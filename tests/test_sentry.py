"""Sentry reporting against a local stand-in server: events arrive tagged, transcript text never does."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

sentry_sdk = pytest.importorskip("sentry_sdk")

from ops import core_with_breakers  # noqa: E402
from ops.monitoring import sentry_config  # noqa: E402
from qualia_core import PluginExecutionError  # noqa: E402

SENTINEL = "zebracorn-marmalade-7731"

FAILING = f'''
import logging
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

log = logging.getLogger("somelib")

class Leaky(BaseAnalyzerPlugin):
    def meta(self):
        return PluginMetadata(id="leaky", type=PluginType.ANALYZER, name="Leaky", description="fails",
                              version="1.2.3", parameters={{"term": {{"type": "string", "default": "",
                              "description": "a search term"}}}})

    def _analyze_impl(self, document, config, context):
        speech = document.speech
        log.warning("third-party library logging the text: %s", speech)
        raise ValueError("could not parse: " + speech)
'''


class Collector(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli
            body = brotli.decompress(body)
        type(self).bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_host():
    Collector.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, Collector.bodies
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # back to an inactive client
    server.shutdown()
    server.server_close()


def test_nothing_is_configured_without_a_dsn(monkeypatch):
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    assert sentry_config.init_sentry() is False
    assert "SENTRY_DSN" in sentry_config.test_sentry()


def test_a_plugin_failure_arrives_with_its_tags_and_without_the_transcript(sentry_host, tmp_path, monkeypatch):
    server, bodies = sentry_host
    monkeypatch.setenv("SENTRY_DSN", f"http://public@127.0.0.1:{server.server_address[1]}/1")
    assert sentry_config.init_sentry(environment="test")
    (tmp_path / "plugins" / "leaky").mkdir(parents=True)
    (tmp_path / "plugins" / "leaky" / "__init__.py").write_text(FAILING)
    # Sentry hears plugin runs as a listener on the circuit breakers the core is built with
    core = core_with_breakers(plugins_dir=tmp_path / "plugins", data_dir=tmp_path / "data", entry_points=False)
    doc = core.add_document("interview", f"Ana: my secret is {SENTINEL}\nBo: I will keep it")
    with pytest.raises(PluginExecutionError):
        core.execute_plugin("leaky", doc, {"term": SENTINEL})
    sentry_sdk.flush(timeout=10)
    sent = b"".join(bodies).decode("utf-8", "replace")
    assert '"plugin_id":"leaky"' in sent.replace(" ", "")
    assert '"plugin_version":"1.2.3"' in sent.replace(" ", "")
    assert "ValueError" in sent
    assert SENTINEL not in sent


def test_test_sentry_says_where_the_event_went(sentry_host, monkeypatch):
    server, bodies = sentry_host
    port = server.server_address[1]
    assert sentry_config.init_sentry(dsn=f"http://public@127.0.0.1:{port}/1")
    message = sentry_config.test_sentry()
    assert f"127.0.0.1:{port}" in message
    assert any(b"Qualia Sentry test event" in b for b in bodies)


def test_scrubbing_strips_frame_variables_context_lines_and_messages():
    event = {
        "exception": {"values": [{"type": "ValueError", "value": f"bad {SENTINEL}", "stacktrace": {"frames": [
            {"filename": "x.py", "lineno": 3, "vars": {"text": SENTINEL}, "context_line": SENTINEL,
             "pre_context": [SENTINEL], "post_context": [SENTINEL]}]}}]},
        "extra": {"doc": SENTINEL},
        "breadcrumbs": {"values": [{"category": "somelib", "message": SENTINEL, "data": {"x": SENTINEL}},
                                   {"category": "qualia_core.engine", "message": f"loaded {SENTINEL}.txt"},
                                   {"category": "ops.backup.retention", "message": "backup: deleted x.tar.gz"}]},
    }
    scrubbed = json.dumps(sentry_config.scrub_event(event, {}))
    assert SENTINEL not in scrubbed
    assert "ValueError" in scrubbed and "x.py" in scrubbed and "backup: deleted x.tar.gz" in scrubbed
    assert "qualia_core.engine" in scrubbed


def test_an_error_raised_in_a_page_is_reported(monkeypatch, data_dir):
    """Streamlit catches page exceptions itself, so the app reports them explicitly."""
    from pathlib import Path

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from qualia_core.library import DocumentLibrary

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    reported = []
    monkeypatch.setattr(sentry_config, "capture_page_error", lambda exc, page: reported.append((type(exc), page)))

    def broken_list(self):
        raise OSError("disk went away")

    monkeypatch.setattr(DocumentLibrary, "list", broken_list)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=60)
        at.run()
    finally:
        st.cache_resource.clear()
    assert at.exception
    assert reported == [(OSError, "start")]  # the router opens the study (accounts) before any page
