"""What reaches Sentry, seen through a real sentry_sdk client whose transport keeps the envelopes in memory (nothing
leaves the process): log messages of plugins, pages and the core never (their level and logger name only), page
error logs scrubbed like exceptions, and performance data for slow plugin runs only."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

sentry_sdk = pytest.importorskip("sentry_sdk")

from sentry_sdk.transport import Transport  # noqa: E402

from ops.monitoring import sentry_config  # noqa: E402

SENTINEL = "zebracorn-marmalade-7731"


class Capture(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def items(self, kind: str) -> list[dict]:
        return [item.payload.json for e in self.envelopes for item in e.items if item.type == kind]

    def raw(self) -> str:
        return b"".join(e.serialize() for e in self.envelopes).decode("utf-8", "replace")


@pytest.fixture
def sent():
    transport = Capture()
    assert sentry_config.init_sentry(dsn="http://public@127.0.0.1:9/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # back to no client (init() without a DSN is still "active")


def test_breadcrumbs_keep_levels_and_logger_names_but_no_message_of_plugins_pages_or_the_core(sent):
    logging.getLogger("qualia_plugins.leaky").warning("the speaker said %s", SENTINEL)
    logging.getLogger("pages.library").warning(f"shown: {SENTINEL}")
    logging.getLogger("qualia_core.library").warning("library: added %s-1234abcd", SENTINEL)
    logging.getLogger("somelib").warning("parsing %s", SENTINEL)
    logging.getLogger("ops.backup.retention").warning("backup: deleted %s", "qualia_backup_20250101_000000.tar.gz")
    sentry_sdk.capture_exception(ValueError("boom"))
    sentry_sdk.flush()
    (event,) = sent.items("event")
    crumbs = {c["category"]: c for c in event["breadcrumbs"]["values"]}
    for logger in ("qualia_plugins.leaky", "pages.library", "qualia_core.library", "somelib"):
        assert "message" not in crumbs[logger], logger
    assert crumbs["qualia_plugins.leaky"]["level"] == "warning"
    assert crumbs["ops.backup.retention"]["message"] == "backup: deleted qualia_backup_20250101_000000.tar.gz"
    assert SENTINEL not in sent.raw()


@pytest.mark.parametrize("logger", ["pages.library", "streamlit.error_util", "qualia_plugins.leaky"])
def test_an_error_logged_by_a_page_is_scrubbed_like_an_exception(sent, logger):
    try:
        raise ValueError(f"cannot show {SENTINEL}")
    except ValueError:
        logging.getLogger(logger).exception("Uncaught app exception in %s", SENTINEL)
    logging.getLogger(logger).error(f"a formatted line quoting {SENTINEL}")
    sentry_sdk.flush()
    events = sent.items("event")
    assert len(events) == 2
    assert all(e["logger"] == logger and e["level"] == "error" for e in events)
    assert events[0]["exception"]["values"][0]["type"] == "ValueError"
    assert all(e["logentry"] == {"message": sentry_config.REDACTED} for e in events)
    assert SENTINEL not in sent.raw()


def test_only_plugin_runs_over_the_threshold_become_performance_data(sent):
    for path in ("/", "/_stcore/health", "/library"):  # what the server's integrations would start per request
        with sentry_sdk.start_transaction(op="http.server", name=f"GET {path}"):
            pass
    listener = sentry_config.SentryListener()
    info = SimpleNamespace(version="1.0", document_format="vtt", config={"term": SENTINEL}, document_chars=10,
                           document_utterances=2)
    listener.success(SimpleNamespace(name="quick"), info, sentry_config.SLOW_PLUGIN_SECONDS - 0.1)
    listener.success(SimpleNamespace(name="slow"), info, sentry_config.SLOW_PLUGIN_SECONDS + 1)
    sentry_sdk.flush()
    transactions = sent.items("transaction")
    assert [t["transaction"] for t in transactions] == ["plugin slow"]
    assert transactions[0]["contexts"]["trace"]["op"] == sentry_config.PLUGIN_OP
    assert SENTINEL not in sent.raw()


def test_a_transaction_sampled_by_someone_else_is_not_sent():
    assert sentry_config.scrub_transaction({"contexts": {"trace": {"op": "http.server"}}}) is None
    assert sentry_config.sample_traces({"transaction_context": {"op": "http.server"}}) == 0.0
