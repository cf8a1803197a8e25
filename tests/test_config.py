"""Configuration from the environment and .env, and structured logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from qualia_core import QualiaCore, config
from qualia_core.config import VARIABLES, load_settings
from qualia_core.errors import SettingsError
from qualia_core.logs import JsonFormatter, configure_logging

ROOT = Path(__file__).resolve().parents[1]

INVALID = {
    "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "0",
    "LOG_LEVEL": "LOUD",
    "LOG_FORMAT": "xml",
    "SENTRY_DSN": "not-a-dsn",
    "SENTRY_DEBUG": "maybe",
    "HEALTH_DASHBOARD_HOST": "a host with spaces",
    "HEALTH_DASHBOARD_PORT": "70000",
    "HEALTH_CHECK_INTERVAL": "0.5",
    "HEALTH_DASHBOARD_MAX_STREAMS": "0",
    "DEFAULT_MAX_FAILURES": "0",
    "DEFAULT_TIMEOUT_SECONDS": "-1",
    "BACKUP_KEEP_DAYS": "-3",
    "BACKUP_KEEP_MIN": "zero",
    "ALERT_CPU_CRITICAL_PERCENT": "150",
    "ALERT_MEMORY_WARNING_PERCENT": "x",
    "ALERT_MEMORY_CRITICAL_PERCENT": "-1",
    "ALERT_DISK_CRITICAL_PERCENT": "101",
    "ALERT_BACKUP_MAX_AGE_HOURS": "0",
    "QUALIA_API_PORT": "0",
    "QUALIA_API_WORKERS": "0",
    "CORS_ALLOWED_ORIGINS": "lab.example.org",
    "RATE_LIMIT_PER_MINUTE": "-1",
    "QUALIA_DASK_SCHEDULER": "localhost:8786",
}


def test_defaults_are_valid():
    settings = load_settings({})
    assert settings["LOG_FORMAT"] == "text" and settings["DEFAULT_MAX_FAILURES"] == 5
    assert settings["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] == 50


@pytest.mark.parametrize("name, value", sorted(INVALID.items()))
def test_each_invalid_variable_is_named_with_its_value_and_what_it_accepts(name, value):
    with pytest.raises(SettingsError) as err:
        load_settings({name: value})
    [problem] = err.value.problems
    assert problem.startswith(f"{name}={value!r} is not valid: it accepts ")
    assert problem.endswith(config.BY_NAME[name].accepts)


def test_every_bad_variable_is_reported_at_once():
    with pytest.raises(SettingsError) as err:
        load_settings({"LOG_LEVEL": "LOUD", "HEALTH_DASHBOARD_PORT": "x"})
    assert len(err.value.problems) == 2


def test_env_file_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("LOG_FORMAT=json\nDEFAULT_MAX_FAILURES=7\n")
    monkeypatch.setenv("DEFAULT_MAX_FAILURES", "2")
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    config.load_env_file(env)
    try:
        assert config.get("LOG_FORMAT") == "json"
        assert config.get("DEFAULT_MAX_FAILURES") == 2
    finally:
        monkeypatch.delenv("LOG_FORMAT", raising=False)


def test_env_example_documents_every_variable_with_its_default():
    text = (ROOT / ".env.example").read_text()
    assert text == config.env_example()
    for v in VARIABLES:
        assert f"\n{v.name}={v.default}\n" in text


def test_every_variable_is_in_the_readme_configuration_table():
    readme = (ROOT / "README.md").read_text()
    for v in VARIABLES:
        assert f"| `{v.name}` |" in readme


def test_json_logs_carry_plugin_id_document_id_and_duration_and_no_transcript_text(tmp_path, capsys):
    sentinel = "ultraviolet-pancake-9941"
    configure_logging("INFO", "json")
    try:
        core = QualiaCore(data_dir=tmp_path, entry_points=False)
        doc = core.add_document("interview-7", f"Ana: my secret is {sentinel}\nBo: noted, thanks")
        core.execute_plugin("word_frequency", doc)
    finally:
        configure_logging("WARNING", "text")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    runs = [entry for entry in lines if entry.get("plugin_id") == "word_frequency"]
    assert runs and runs[0]["document_id"] == "interview-7" and runs[0]["duration"] >= 0
    assert {"time", "level", "logger", "message"} <= set(runs[0])
    assert all(sentinel not in json.dumps(entry) for entry in lines)


def test_the_json_formatter_names_the_error_type_without_the_traceback_text():
    try:
        raise ValueError("quoted transcript words")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert entry["error_type"] == "ValueError" and "quoted" not in json.dumps(entry)


def test_the_app_stops_with_the_configuration_problems(monkeypatch, data_dir):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LOG_FORMAT", "xml")
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.run()
        assert any("LOG_FORMAT='xml' is not valid" in e.value for e in at.error)
    finally:
        st.cache_resource.clear()
