"""The health checker: the report's shape, its alert thresholds, and the dashboard over loopback."""

from __future__ import annotations

import http.client
import json
import threading

import pytest

from ops.backup import journal
from ops.monitoring.breaker_registry import BreakerRegistry
from ops.monitoring.health import HealthChecker, Thresholds
from ops.monitoring.health_dashboard import make_server
from qualia_core import QualiaCore

CALM = {"cpu_percent": 12.0, "memory_percent": 40.0, "disk_percent": 30.0, "process_memory_mb": 150.0}

BROKEN = "raise ImportError('needs a package that is not installed')\n"


def fake(**overrides):
    return lambda data_dir: {**CALM, **overrides}


@pytest.fixture
def core(tmp_path) -> QualiaCore:
    (tmp_path / "data").mkdir()  # as the app leaves it once it has opened its study database
    core = QualiaCore(data_dir=tmp_path / "data", entry_points=False)
    core.discover_plugins()
    return core


def open_breaker(core: QualiaCore, plugin_id: str) -> None:
    registry = BreakerRegistry(core.data_dir, max_failures=1)
    with pytest.raises(RuntimeError):
        registry.call(plugin_id, None, lambda: (_ for _ in ()).throw(RuntimeError("x")))


def test_a_calm_system_is_healthy_with_every_component(core):
    report = HealthChecker(core, readings=fake()).check()
    assert (report["status"], report["overall_status"]) == ("pass", "healthy")
    assert set(report["components"]) == {"qualia_core", "data", "plugins", "circuit_breakers", "system", "backups"}
    assert report["components"]["data"] == {"status": "pass", "path": str(core.data_dir), "message": None}
    assert report["components"]["qualia_core"]["plugin_count"] == len(core.plugin_metadata())
    plugins = report["components"]["plugins"]
    assert plugins["summary"] == f"{plugins['total']}/{plugins['total']} working"
    assert report["components"]["system"]["process_memory_mb"] == 150.0
    assert report["alerts"] == [] and report["timestamp"]


@pytest.mark.parametrize("reading, level", [
    ({"cpu_percent": 95.0}, "critical"),
    ({"disk_percent": 91.0}, "critical"),
    ({"memory_percent": 92.0}, "critical"),
    ({"memory_percent": 85.0}, "warning"),
    ({"memory_percent": 79.0}, None),
])
def test_resource_thresholds(core, reading, level, monkeypatch):
    monkeypatch.setenv("ALERT_SUSTAINED_SECONDS", "0")  # one reading is enough (the window: below)
    report = HealthChecker(core, readings=fake(**reading)).check()
    assert [a["level"] for a in report["alerts"]] == ([level] if level else [])
    assert report["overall_status"] == {"critical": "critical", "warning": "degraded", None: "healthy"}[level]


def test_thresholds_come_from_the_environment(core, monkeypatch):
    monkeypatch.setenv("ALERT_MEMORY_WARNING_PERCENT", "50")
    monkeypatch.setenv("ALERT_SUSTAINED_SECONDS", "0")
    report = HealthChecker(core, readings=fake(memory_percent=60.0)).check()
    assert report["overall_status"] == "degraded"


class Clock:
    def __init__(self, at: float = 1_000_000.0):
        self.at = at

    def __call__(self) -> float:
        return self.at


def checks_over(checker: HealthChecker, clock: Clock, cpu_by_second: list[float]) -> list[str]:
    """The overall status of one check a second, with the CPU reading given for each."""
    statuses = []
    for cpu in cpu_by_second:
        checker.readings = fake(cpu_percent=cpu)
        statuses.append(checker.check()["overall_status"])
        clock.at += 1
    return statuses


def test_a_two_second_cpu_spike_is_not_critical_and_one_that_lasts_past_the_window_is(core, monkeypatch):
    monkeypatch.setenv("ALERT_SUSTAINED_SECONDS", "10")
    clock = Clock()
    checker = HealthChecker(core, readings=fake(), now=clock)
    spike = [12.0, 100.0, 100.0, 100.0, 12.0]  # over the limit at 1, 2 and 3 s: two seconds
    assert checks_over(checker, clock, spike) == ["healthy"] * 5
    assert checks_over(checker, clock, spike) == ["healthy"] * 5  # a second spike starts the count again
    statuses = checks_over(checker, clock, [100.0] * 12)  # over from 0 s: 10 s later it is critical
    assert statuses == ["healthy"] * 10 + ["critical"] * 2
    report = checker.check()
    assert report["alerts"] == [{"level": "critical", "component": "system",
                                 "message": "CPU at 100% for 12 s (over 90%)"}]
    assert report["components"]["system"]["over_limit_seconds"] == {"cpu_critical": 12.0}
    assert checks_over(checker, clock, [12.0]) == ["healthy"]  # calm again: healthy at once


def test_memory_over_its_warning_for_the_window_is_a_warning(core, monkeypatch):
    monkeypatch.setenv("ALERT_SUSTAINED_SECONDS", "5")
    clock = Clock()
    checker = HealthChecker(core, readings=fake(memory_percent=85.0), now=clock)
    seen = []
    for _ in range(7):
        seen.append(checker.check()["overall_status"])
        clock.at += 1
    assert seen == ["healthy"] * 5 + ["degraded"] * 2


def test_an_invalid_window_is_named(core, monkeypatch):
    monkeypatch.setenv("ALERT_SUSTAINED_SECONDS", "-1")
    from qualia_core.errors import SettingsError

    with pytest.raises(SettingsError, match="ALERT_SUSTAINED_SECONDS='-1'.*at least 0"):
        Thresholds.from_env()


def test_an_invalid_threshold_is_named(core, monkeypatch):
    monkeypatch.setenv("ALERT_DISK_CRITICAL_PERCENT", "120")
    from qualia_core.errors import SettingsError

    with pytest.raises(SettingsError, match="ALERT_DISK_CRITICAL_PERCENT='120'.*0 to 100"):
        Thresholds.from_env()


def test_an_open_breaker_is_critical_and_disables_its_plugin(core):
    open_breaker(core, "word_frequency")
    report = HealthChecker(core, readings=fake()).check()
    assert report["status"] == "fail"
    breakers = report["components"]["circuit_breakers"]
    assert breakers["disabled"] == ["word_frequency"]
    assert breakers["details"]["word_frequency"]["retry_in_seconds"] > 0
    assert report["components"]["plugins"]["plugins"]["word_frequency"]["status"] == "disabled"
    assert any(a["level"] == "critical" and "word_frequency" in a["message"] for a in report["alerts"])


def test_one_plugin_that_failed_to_load_is_a_warning(tmp_path):
    plugins = tmp_path / "plugins"
    for name in ("a", "b", "c"):
        (plugins / name).mkdir(parents=True)
        source = (f"from qualia_core import BaseAnalyzerPlugin, PluginMetadata\n"
                  f"class P(BaseAnalyzerPlugin):\n"
                  f"    def meta(self):\n"
                  f"        return PluginMetadata(id='{name}', type='analyzer', name='{name}', description='', version='1')\n"
                  f"    def _analyze_impl(self, document, config, context):\n"
                  f"        return {{}}\n")
        (plugins / name / "__init__.py").write_text(source)
    (plugins / "d").mkdir()
    (plugins / "d" / "__init__.py").write_text(BROKEN)
    (tmp_path / "data").mkdir()
    core = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "data", entry_points=False)
    report = HealthChecker(core, readings=fake()).check()
    assert report["overall_status"] == "degraded"
    assert report["components"]["plugins"]["summary"] == "3/4 working"
    assert report["components"]["plugins"]["plugins"]["d"]["status"] == "failed_to_load"
    (plugins / "b" / "__init__.py").write_text(BROKEN)
    (plugins / "c" / "__init__.py").write_text(BROKEN)
    core.discover_plugins()
    assert HealthChecker(core, readings=fake()).check()["overall_status"] == "critical"


@pytest.mark.parametrize("last, level", [
    ({"result": "ok", "finished_at_epoch": 1_000_000 - 3600}, None),
    ({"result": "ok", "finished_at_epoch": 1_000_000 - 3 * 86400}, "warning"),
    ({"result": "failed", "finished_at_epoch": 1_000_000 - 60, "message": "disk full"}, "warning"),
])
def test_backup_age_and_result(core, last, level):
    (core.data_dir / "ops").mkdir(parents=True, exist_ok=True)
    (core.data_dir / "ops" / "last_backup.json").write_text(json.dumps(last))
    report = HealthChecker(core, readings=fake(), now=lambda: 1_000_000.0).check()
    assert [a["level"] for a in report["alerts"]] == ([level] if level else [])


def test_a_short_history_of_samples_is_kept(core):
    checker = HealthChecker(core, readings=fake(), history_size=3)
    for _ in range(5):
        checker.check()
    samples = checker.history_samples()
    assert len(samples) == 3 and samples[-1]["cpu_percent"] == 12.0



def test_regression_a_missing_data_dir_is_critical_and_says_what_to_do(core):
    """The defect: after a restore was killed between its two renames the data dir was gone and /health said
    healthy."""
    core.data_dir.rmdir()
    report = HealthChecker(core, readings=fake()).check()
    assert report["overall_status"] == "critical" and report["components"]["data"]["status"] == "fail"
    [alert] = report["alerts"]
    assert alert["level"] == "critical" and alert["component"] == "data"
    assert f"the data dir {core.data_dir} is missing" in alert["message"]
    assert "ops/scripts/backup.sh restore FILE" in alert["message"]


def test_the_previous_data_left_by_an_interrupted_restore_is_named(core):
    """A data dir moved aside by a restore of an earlier version (no journal), then a kill."""
    old = core.data_dir.parent / f".data.{journal.OLD}20240101000000-x"
    old.mkdir()
    core.data_dir.rename(old / "content")
    message = HealthChecker(core, readings=fake()).check()["alerts"][0]["message"]
    assert str(old / "content") in message and "ops/scripts/backup.sh recover" in message


@pytest.mark.parametrize("place", ["beside", "inside"])
def test_a_half_swapped_data_dir_is_critical_and_says_how_to_recover(core, place):
    """A journal left by a killed restore (beside the data dir, or inside it when the data dir is a mount point);
    while a restore holds the swap lock, the same journal means it is being swapped right now."""
    path = (core.data_dir.parent / f".data.{journal.JOURNAL}" if place == "beside"
            else core.data_dir / f".{journal.JOURNAL}")
    path.write_text("{}")
    report = HealthChecker(core, readings=fake()).check()
    assert report["overall_status"] == "critical" and report["components"]["data"]["status"] == "fail"
    assert report["alerts"][0]["message"] == (f"{core.data_dir} is half-swapped: a restore was interrupted (journal "
                                              f"{path}); run `ops/scripts/backup.sh recover` (or restart the app) to "
                                              "finish or roll it back")
    with journal.swap_lock(core.data_dir):
        message = HealthChecker(core, readings=fake()).check()["alerts"][0]["message"]
    assert message == f"{core.data_dir} is being swapped by a restore right now (journal {path})"


@pytest.fixture
def dashboard(core):
    server = make_server(core, "127.0.0.1", 0, interval=0.4)
    server.checker.readings = fake()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def get(server, path):
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    conn.request("GET", path)
    return conn.getresponse()


def test_the_dashboard_serves_health_json_with_200_when_healthy(dashboard):
    response = get(dashboard, "/health")
    assert response.status == 200
    assert response.getheader("Content-Type") == "application/health+json"
    assert json.loads(response.read())["status"] == "pass"


def test_the_dashboard_answers_503_when_the_data_dir_is_missing(dashboard, core):
    core.data_dir.rmdir()
    response = get(dashboard, "/health")
    assert response.status == 503
    assert json.loads(response.read())["components"]["data"]["status"] == "fail"


def test_the_dashboard_answers_503_when_critical(dashboard, core):
    open_breaker(core, "sentiment_analyzer")
    response = get(dashboard, "/health")
    assert response.status == 503
    assert json.loads(response.read())["overall_status"] == "critical"


def test_the_stream_sends_retry_events_and_keepalives(dashboard):
    response = get(dashboard, "/health/stream")
    assert response.getheader("Content-Type") == "text/event-stream"
    lines, events = [], 0
    while events < 2:
        line = response.fp.readline().decode()
        lines.append(line)
        if line.startswith("data: "):
            assert json.loads(line[6:])["overall_status"] == "healthy"
            events += 1
    response.close()
    assert lines[0].startswith("retry: 400")
    assert ": keep-alive\n" in lines


def test_the_page_draws_the_stream_without_external_resources(dashboard):
    body = get(dashboard, "/").read().decode()
    assert 'new EventSource("/health/stream")' in body
    assert "http://" not in body and "https://" not in body
    assert "innerHTML" not in body
