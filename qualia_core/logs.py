"""Logging set-up: readable text by default, or one JSON object per line (LOG_FORMAT=json).

Qualia's own log calls carry ids, counts and durations, never transcript text; structured fields are
passed as `extra={"plugin_id": …, "document_id": …, "duration": …}` and become JSON keys.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

FIELDS = ("plugin_id", "plugin_version", "document_id", "duration")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["error_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """One handler on the root logger (stderr), replacing any this function set before."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_qualia", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler._qualia = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


def configure_from_settings(settings: dict) -> None:
    configure_logging(settings["LOG_LEVEL"], settings["LOG_FORMAT"])
