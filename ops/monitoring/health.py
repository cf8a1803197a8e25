"""One health checker for the Health page and the dashboard.

The report keeps the earlier Qualia's shape (overall_status healthy/degraded/critical, components,
alerts, timestamp) and adds `status` from the IETF health-check draft (pass/warn/fail) so standard
uptime tools read it. A check is cheap: psutil's non-blocking readings, one small JSON read, and a few stats
of the data dir (missing, or half-swapped by a restore that was interrupted: critical, with what to do).
A CPU, memory or disk reading raises an alert only when it has stayed over its limit in every check for
`sustained_seconds` (ALERT_SUSTAINED_SECONDS): one busy moment, such as an analysis just run, is not an alert.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import psutil

from ops.backup.journal import problem as data_dir_problem
from ops.backup.status import read_last_backup
from qualia_core import config

from .breaker_registry import read_snapshot

STATUS_OF = {"healthy": "pass", "degraded": "warn", "critical": "fail"}


@dataclass(frozen=True)
class Thresholds:
    cpu_critical: float = 90.0
    memory_warning: float = 80.0
    memory_critical: float = 90.0
    disk_critical: float = 90.0
    backup_max_age_hours: float = 48.0
    sustained_seconds: float = 60.0

    @classmethod
    def from_env(cls) -> "Thresholds":
        """From ALERT_* settings (validated by qualia_core.config)."""
        return cls(
            cpu_critical=config.get("ALERT_CPU_CRITICAL_PERCENT"),
            memory_warning=config.get("ALERT_MEMORY_WARNING_PERCENT"),
            memory_critical=config.get("ALERT_MEMORY_CRITICAL_PERCENT"),
            disk_critical=config.get("ALERT_DISK_CRITICAL_PERCENT"),
            backup_max_age_hours=config.get("ALERT_BACKUP_MAX_AGE_HOURS"),
            sustained_seconds=config.get("ALERT_SUSTAINED_SECONDS"),
        )


def system_readings(data_dir: Path) -> dict[str, float]:
    """cpu/memory/disk percent and this process's memory, without blocking (cpu is since the last call)."""
    disk_path = data_dir if data_dir.exists() else Path(data_dir.anchor or "/")
    return {
        "cpu_percent": psutil.cpu_percent(interval=None),
        "memory_percent": psutil.virtual_memory().percent,
        "disk_percent": psutil.disk_usage(str(disk_path)).percent,
        "process_memory_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
    }


class HealthChecker:
    def __init__(self, core: Any, *, thresholds: Thresholds | None = None, history_size: int = 120,
                 readings: Callable[[Path], dict[str, float]] = system_readings,
                 now: Callable[[], float] = time.time):
        self.core = core
        self.data_dir = Path(core.data_dir)
        self.thresholds = thresholds or Thresholds.from_env()
        self.readings = readings
        self.now = now
        self.history: deque[dict[str, Any]] = deque(maxlen=history_size)
        self._lock = threading.Lock()
        self._over_since: dict[str, float] = {}  # limit -> time of the first check of its unbroken run over it
        psutil.cpu_percent(interval=None)  # prime the non-blocking cpu reading

    # -- components --
    def _plugins(self, breakers: dict[str, dict[str, Any]]) -> dict[str, Any]:
        plugins = {}
        for pid, meta in self.core.plugin_metadata().items():
            state = breakers.get(pid, {}).get("state", "closed")
            status = {"closed": "ok", "open": "disabled", "half_open": "recovering"}[state]
            plugins[pid] = {"status": status, "type": meta.type.value, "version": meta.version}
        for failure in self.core.load_failures:
            plugins[failure.name] = {"status": "failed_to_load", "reason": failure.reason, "origin": failure.origin}
        working = sum(1 for p in plugins.values() if p["status"] == "ok")
        return {"working": working, "total": len(plugins), "summary": f"{working}/{len(plugins)} working",
                "plugins": plugins}

    def _breakers(self, breakers: dict[str, dict[str, Any]]) -> dict[str, Any]:
        now = self.now()
        details = {}
        for pid, b in breakers.items():
            d = dict(b)
            if d["state"] == "open" and d.get("opened_at"):
                d["retry_in_seconds"] = round(max(0.0, d["opened_at"] + d["timeout_seconds"] - now), 1)
            details[pid] = d
        healthy = sorted(p for p, d in details.items() if d["state"] == "closed")
        disabled = sorted(p for p, d in details.items() if d["state"] != "closed")
        return {"healthy": healthy, "disabled": disabled, "details": details}

    def _backups(self) -> dict[str, Any]:
        last = read_last_backup(self.data_dir)
        if not last:
            return {"last_backup_at": None, "age_hours": None, "last_result": None, "message": "no backup recorded yet"}
        age = None
        if last.get("finished_at_epoch"):
            age = round((self.now() - float(last["finished_at_epoch"])) / 3600, 1)
        return {"last_backup_at": last.get("finished_at"), "age_hours": age, "last_result": last.get("result"),
                "archive": last.get("archive"), "message": last.get("message")}

    def _data(self) -> dict[str, Any]:
        """The data dir must be there and whole: missing or half-swapped by a restore is critical."""
        return {"path": str(self.data_dir), "message": data_dir_problem(self.data_dir)}

    def _over_for(self, limit: str, over: bool, now: float) -> float | None:
        """Seconds a reading has been over `limit` in every check since it went over (None: not over now)."""
        with self._lock:
            if not over:
                self._over_since.pop(limit, None)
                return None
            return now - self._over_since.setdefault(limit, now)

    def _system_alerts(self, system: dict[str, float], now: float) -> tuple[list[tuple[str, str]], dict[str, float]]:
        """(level, message) of each reading sustained over its limit, and how long each reading over a limit has
        been so (those not yet sustained raise nothing)."""
        t = self.thresholds
        memory = system["memory_percent"]
        limits = [("cpu_critical", "critical", "CPU", system["cpu_percent"], t.cpu_critical, True),
                  ("memory_critical", "critical", "memory", memory, t.memory_critical, True),
                  ("disk_critical", "critical", "disk", system["disk_percent"], t.disk_critical, True),
                  ("memory_warning", "warning", "memory", memory, t.memory_warning, memory <= t.memory_critical)]
        alerts, pending = [], {}
        for name, level, label, value, limit, applies in limits:
            seconds = self._over_for(name, value > limit, now)
            if seconds is None:
                continue
            pending[name] = round(seconds, 1)
            if seconds >= t.sustained_seconds and applies:
                lasted = f" for {seconds:.0f} s" if t.sustained_seconds else ""
                alerts.append((level, f"{label} at {value:.0f}%{lasted} (over {limit:.0f}%)"))
        return alerts, pending

    # -- the check --
    def check(self) -> dict[str, Any]:
        t = self.thresholds
        data = self._data()
        breakers = read_snapshot(self.data_dir)
        plugins = self._plugins(breakers)
        circuit = self._breakers(breakers)
        system = self.readings(self.data_dir)
        backups = self._backups()
        alerts: list[dict[str, str]] = []

        def alert(level: str, component: str, message: str) -> None:
            alerts.append({"level": level, "component": component, "message": message})

        if data["message"]:
            alert("critical", "data", data["message"])
        failing = [p for p, d in plugins["plugins"].items() if d["status"] != "ok"]
        if plugins["total"] and len(failing) > plugins["total"] / 2:
            alert("critical", "plugins", f"{len(failing)} of {plugins['total']} plugins are failing: {', '.join(failing)}")
        elif len(failing) == 1 and not circuit["disabled"]:
            alert("warning", "plugins", f"plugin {failing[0]} is failing ({plugins['plugins'][failing[0]]['status']})")
        for pid in circuit["disabled"]:
            d = circuit["details"][pid]
            alert("critical", "circuit_breakers",
                  f"circuit breaker of {pid} is {d['state'].replace('_', '-')} after {d['consecutive_failures']} "
                  f"consecutive failures (last: {d.get('last_failure_message')})")
        system_alerts, over_limit = self._system_alerts(system, self.now())
        for level, message in system_alerts:
            alert(level, "system", message)
        if backups["last_result"] == "failed":
            alert("warning", "backups", f"the last backup failed: {backups.get('message') or 'see the backup log'}")
        elif backups["age_hours"] is not None and backups["age_hours"] > t.backup_max_age_hours:
            alert("warning", "backups", f"the last backup is {backups['age_hours']:.0f} hours old "
                                        f"(over {t.backup_max_age_hours:.0f})")

        levels = {a["level"] for a in alerts}
        overall = "critical" if "critical" in levels else "degraded" if levels else "healthy"

        def status_of(component: str) -> str:
            mine = {a["level"] for a in alerts if a["component"] == component}
            return "fail" if "critical" in mine else "warn" if mine else "pass"

        from qualia_core import __version__
        timestamp = datetime.fromtimestamp(self.now(), timezone.utc).isoformat()
        report = {
            "status": STATUS_OF[overall],
            "overall_status": overall,
            "timestamp": timestamp,
            "components": {
                "qualia_core": {"status": "pass", "version": __version__, "plugin_count": len(self.core.plugin_metadata())},
                "data": {"status": status_of("data"), **data},
                "plugins": {"status": status_of("plugins"), **plugins},
                "circuit_breakers": {"status": status_of("circuit_breakers"), **circuit},
                "system": {"status": status_of("system"), **system, "over_limit_seconds": over_limit,
                           "sustained_seconds": t.sustained_seconds},
                "backups": {"status": status_of("backups"), **backups},
            },
            "alerts": alerts,
        }
        with self._lock:
            self.history.append({"timestamp": timestamp, "overall_status": overall, **system})
        return report

    def history_samples(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.history)
