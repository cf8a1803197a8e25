"""Optional Sentry reporting that never sends transcript text.

`init_sentry()` reads SENTRY_DSN, SENTRY_ENVIRONMENT and SENTRY_DEBUG; without a DSN it does nothing.
sentry-sdk by default sends every frame's local variables and source lines, and turns log lines
into breadcrumbs, so a plugin error would carry the transcript. Here local variables and source
context are off, and `scrub_event`/`scrub_breadcrumb` strip frame variables, context lines,
exception messages (they may quote the text), request bodies and breadcrumb data before sending.

Log messages: only those of ops/ (SAFE_MESSAGE_LOGGERS: breakers, backups, the dashboard; they name plugins,
archives and paths, never a document or its text) are sent. Every other logger's message, Qualia's core included
(it names documents by their file names, which often hold a participant's name), plugins, pages, Streamlit and
third-party libraries, reaches Sentry as its level and logger name only: breadcrumbs lose the message, and an
error logged (an event) gets the same redaction as an exception's message.

Performance data: only plugin runs slower than SLOW_PLUGIN_SECONDS, as transactions of op PLUGIN_OP; the
transactions the SDK's integrations would start (one per HTTP request of the Streamlit server) are never sampled.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

from .circuit_breaker import BreakerListener

log = logging.getLogger(__name__)

SLOW_PLUGIN_SECONDS = 5.0
PLUGIN_OP = "qualia.plugin"
REDACTED = "[redacted: may quote transcript text]"
SAFE_MESSAGE_LOGGERS = ("ops",)

# sentry-sdk is imported only when a DSN is set (init_sentry): without one it never loads into the app.
sentry_sdk: Any = None


def _load_sdk() -> Any:
    global sentry_sdk
    if sentry_sdk is None:
        try:
            import sentry_sdk as sdk
        except ImportError:  # pragma: no cover - sentry-sdk is in requirements.txt; reporting is optional
            return None
        sentry_sdk = sdk
    return sentry_sdk


def is_enabled() -> bool:
    """Whether Sentry is set up in this process (by init_sentry, or by the host application)."""
    if sentry_sdk is None and "sentry_sdk" not in sys.modules:
        return False
    sdk = _load_sdk()
    return sdk is not None and sdk.get_client().is_active()


def _scrub_frames(container: dict[str, Any]) -> None:
    for frame in (container.get("stacktrace") or {}).get("frames", []) or []:
        for key in ("vars", "context_line", "pre_context", "post_context"):
            frame.pop(key, None)


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Remove everything that may hold transcript text; keep types, places, tags and numbers."""
    for exc in (event.get("exception") or {}).get("values", []) or []:
        if exc.get("value"):
            exc["value"] = REDACTED
        _scrub_frames(exc)
    for thread in (event.get("threads") or {}).get("values", []) or []:
        _scrub_frames(thread)
    logentry = event.get("logentry")
    safe = message_is_safe(event.get("logger"))
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        if not safe:
            logentry["message"] = REDACTED
            logentry.pop("formatted", None)
    if event.get("message") and event.get("logger") and not safe:
        event["message"] = REDACTED
    event.pop("extra", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string"):
            request.pop(key, None)
    crumbs = event.get("breadcrumbs")
    if isinstance(crumbs, dict):
        crumbs["values"] = [c for c in (scrub_breadcrumb(c) for c in crumbs.get("values", [])) if c]
    return event


def message_is_safe(logger: Any) -> bool:
    """Whether a logger's messages may be sent: ops/ only (see the module docstring)."""
    name = str(logger or "")
    return any(name == safe or name.startswith(safe + ".") for safe in SAFE_MESSAGE_LOGGERS)


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Breadcrumbs keep their type, category (the logger's name), level and time; a message only from ops/;
    data never."""
    crumb = dict(crumb)
    crumb.pop("data", None)
    if not message_is_safe(crumb.get("category")):
        crumb.pop("message", None)
    return crumb


def sample_traces(sampling_context: dict[str, Any]) -> float:
    """Sentry's traces_sampler: the plugin-run transactions SentryListener starts, nothing else."""
    return 1.0 if (sampling_context.get("transaction_context") or {}).get("op") == PLUGIN_OP else 0.0


def scrub_transaction(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Only plugin runs are sent as performance data (should a host application sample others), scrubbed."""
    if ((event.get("contexts") or {}).get("trace") or {}).get("op") != PLUGIN_OP:
        return None
    return scrub_event(event, hint)


def init_sentry(dsn: str | None = None, environment: str | None = None, debug: bool | None = None,
                **options: Any) -> bool:
    """Configure sentry-sdk from the arguments or the environment. Returns whether it is on."""
    from qualia_core import __version__, config

    dsn = dsn if dsn is not None else config.get("SENTRY_DSN")
    if not dsn or _load_sdk() is None:
        return False
    environment = environment or config.get("SENTRY_ENVIRONMENT")
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        debug=config.get("SENTRY_DEBUG") if debug is None else debug,
        release=f"qualia@{__version__}",
        # send_default_pii stays unset: its default (off) is what we want, and newer SDKs deprecate it.
        include_local_variables=False,
        include_source_context=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_transaction,
        before_breadcrumb=scrub_breadcrumb,
        traces_sampler=sample_traces,  # plugin runs over SLOW_PLUGIN_SECONDS only, not every HTTP request
        **options,
    )
    log.info("Sentry reporting on (environment %s)", environment)
    return True


def _safe_parameters(config: dict[str, Any]) -> dict[str, Any]:
    """Numbers, booleans and choices as they are; free text and word lists only by length."""
    safe = {}
    for key, value in (config or {}).items():
        if isinstance(value, (bool, int, float)) or value is None:
            safe[key] = value
        elif isinstance(value, (list, tuple)):
            safe[key] = f"<{len(value)} items>"
        else:
            safe[key] = f"<text, {len(str(value))} chars>"
    return safe


def _tag_scope(scope: Any, plugin_id: str, info: Any) -> None:
    scope.set_tag("plugin_id", plugin_id)
    scope.set_tag("plugin_version", getattr(info, "version", None))
    scope.set_tag("document_format", getattr(info, "document_format", None))
    scope.set_context("plugin_run", {
        "parameters": _safe_parameters(getattr(info, "config", None) or {}),
        "document_chars": getattr(info, "document_chars", None),
        "document_utterances": getattr(info, "document_utterances", None),
    })


class SentryListener(BreakerListener):
    """Sentry hears plugin runs from the circuit breakers: a failure is captured with the plugin's tags (never
    the text: see scrub_event), a run slower than SLOW_PLUGIN_SECONDS becomes a performance transaction.
    Quiet while Sentry is off."""

    def success(self, breaker: Any, info: Any, seconds: float) -> None:
        if seconds > SLOW_PLUGIN_SECONDS and is_enabled():
            self._transaction(breaker.name, info, seconds)

    def failure(self, breaker: Any, info: Any, error: BaseException, seconds: float) -> None:
        if not is_enabled():
            return
        with sentry_sdk.new_scope() as scope:
            _tag_scope(scope, breaker.name, info)
            sentry_sdk.capture_exception(error)
        if seconds > SLOW_PLUGIN_SECONDS:
            self._transaction(breaker.name, info, seconds)

    @staticmethod
    def _transaction(plugin_id: str, info: Any, seconds: float) -> None:
        ended = datetime.now(timezone.utc)
        with sentry_sdk.new_scope() as scope:
            _tag_scope(scope, plugin_id, info)
            tx = sentry_sdk.start_transaction(op=PLUGIN_OP, name=f"plugin {plugin_id}",
                                              start_timestamp=ended - timedelta(seconds=seconds))
            tx.finish(end_timestamp=ended)


def capture_page_error(exc: BaseException, page: str) -> None:
    """Streamlit catches page exceptions itself; pages call this so they reach Sentry too."""
    if not is_enabled():
        return
    with sentry_sdk.new_scope() as scope:
        scope.set_tag("page", page)
        sentry_sdk.capture_exception(exc)


def test_sentry() -> str:
    """Send a test event; returns where it went (or why nothing was sent)."""
    if not is_enabled():
        return "Sentry is off: set SENTRY_DSN to report errors."
    event_id = sentry_sdk.capture_message("Qualia Sentry test event", level="info")
    sentry_sdk.flush(timeout=5)
    dsn = sentry_sdk.get_client().dsn or ""
    host = dsn.split("@")[-1].split("/")[0]
    return f"Test event {event_id} sent to {host}."
