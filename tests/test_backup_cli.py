"""The command line's exit codes, the cron job, and what the Health checker shows of it."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ops.backup import create, cron, list_backups
from ops.backup.settings import REPO_ROOT
from ops.monitoring.health import HealthChecker
from qualia_core import QualiaCore
from test_backup_support import damage, env, repack, tree  # noqa: F401 - env is a fixture

CALM = {"cpu_percent": 12.0, "memory_percent": 40.0, "disk_percent": 30.0, "process_memory_mb": 150.0}


def run(env, *args, extra_env=None, script=False):
    data, backups, plugins, dotenv = env
    environ = {**os.environ, "QUALIA_DATA_DIR": str(data), "BACKUP_DIR": str(backups),
               "QUALIA_PLUGINS_DIR": str(plugins), **(extra_env or {})}
    environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environ.get('PATH', '')}"
    command = ["bash", str(REPO_ROOT / "ops" / "scripts" / "backup.sh")] if script else [
        sys.executable, "-m", "ops.backup"]
    return subprocess.run([*command, *args, "--env-file", str(dotenv)] if args else command, cwd=REPO_ROOT,
                          env=environ, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def health(data: Path) -> dict:
    core = QualiaCore(data_dir=data, plugins_dir=data.parent / "plugins", entry_points=False, guard=False)
    return HealthChecker(core, readings=lambda d: dict(CALM)).check()


def test_create_then_list_then_verify_succeed(env):
    created = run(env, "create")
    assert created.returncode == 0 and "Created" in created.stdout
    name = list_backups(env[1])[0].name
    listed = run(env, "list")
    assert listed.returncode == 0 and name in listed.stdout
    verified = run(env, "verify", name)
    assert verified.returncode == 0 and "OK" in verified.stdout


def test_verify_exits_non_zero_on_a_damaged_archive(env, tmp_path):
    info = create(*env)
    bad = repack(info.path, tmp_path / "bad.tar.gz", change="data/ops/circuit_breakers.json")
    result = run(env, "verify", str(bad))
    assert result.returncode == 1 and "does not match its sha256" in result.stdout


def test_an_unknown_archive_is_a_usage_error(env):
    result = run(env, "verify", "qualia_backup_19990101_000000.tar.gz")
    assert result.returncode == 2 and "No archive" in result.stderr


def test_restore_refuses_without_yes_when_nobody_can_confirm(env):
    info = create(*env)
    damage(env[0])
    damaged = tree(env[0])
    result = run(env, "restore", info.name)
    assert result.returncode == 3 and "--yes" in result.stderr
    assert tree(env[0]) == damaged


def test_restore_with_yes_restores_and_reports_what_changed(env):
    before = tree(env[0])
    info = create(*env)
    changed = damage(env[0])
    result = run(env, "restore", info.name, "--yes")
    assert result.returncode == 0, result.stderr
    assert tree(env[0]) == before
    assert "1 removed, 2 modified" in result.stdout and "safety backup" in result.stdout  # a file, the database
    assert "library documents: 1 added, 1 modified" in result.stdout
    assert f"document added    {changed['deleted']}" in result.stdout
    assert f"document modified {changed['renamed']}" in result.stdout


def test_restore_of_a_damaged_archive_exits_non_zero_and_changes_nothing(env, tmp_path):
    info = create(*env, include_env=True)
    bad = repack(info.path, tmp_path / "bad.tar.gz", change="env/.env")
    damage(env[0])
    damaged = tree(env[0])
    result = run(env, "restore", str(bad), "--yes")
    assert result.returncode == 1 and "nothing was changed" in result.stderr
    assert tree(env[0]) == damaged


def test_a_bad_setting_is_a_usage_error_naming_the_variable(env):
    result = run(env, "cleanup", extra_env={"BACKUP_KEEP_DAYS": "thirty"})
    assert result.returncode == 2 and "BACKUP_KEEP_DAYS='thirty' is not valid" in result.stderr


def test_a_backup_dir_inside_the_data_dir_is_a_settings_error(env):
    result = run(env, "create", extra_env={"BACKUP_DIR": str(env[0] / "backups")})
    assert result.returncode == 2 and "Invalid configuration: BACKUP_DIR" in result.stderr
    assert "inside the data dir" in result.stderr and not (env[0] / "backups").exists()


def test_list_shows_the_plugin_folders_of_each_archive(env):
    create(*env)
    listed = run(env, "list")
    assert listed.returncode == 0 and re.search(r" \d+ files +1 plugins +plain +not verified$", listed.stdout, re.M)


def test_cron_is_quiet_records_success_and_the_health_checker_shows_it(env):
    result = run(env, "cron")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    status = json.loads((env[0] / "ops" / "last_backup.json").read_text())
    assert status["result"] == "ok" and status["archive"] == list_backups(env[1])[0].name
    backups = health(env[0])["components"]["backups"]
    assert (backups["status"], backups["last_result"], backups["archive"]) == ("pass", "ok", status["archive"])
    assert backups["age_hours"] == pytest.approx(0, abs=0.1)


def test_cron_failure_exits_non_zero_and_the_health_checker_warns(env):
    data = env[0]
    result = run(env, "cron", extra_env={"BACKUP_DIR": str(data / "backups")})  # refused: inside the data dir
    assert result.returncode == 2 and "inside the data dir" in result.stderr  # 2: bad settings
    status = json.loads((data / "ops" / "last_backup.json").read_text())
    assert status["result"] == "failed" and "inside the data dir" in status["message"]
    report = health(data)
    assert report["components"]["backups"]["last_result"] == "failed"
    assert report["components"]["backups"]["status"] == "warn"
    assert any(a["component"] == "backups" and "failed" in a["message"] for a in report["alerts"])


def test_cron_records_a_failed_cleanup_naming_the_archive_it_made(env, monkeypatch):
    retention = importlib.import_module("ops.backup.retention")
    monkeypatch.setattr(retention, "cleanup", lambda folder: (_ for _ in ()).throw(OSError(13, "Permission denied")))
    with pytest.raises(retention.BackupError, match="Cleanup failed"):
        cron(*env)
    status = json.loads((env[0] / "ops" / "last_backup.json").read_text())
    assert status["result"] == "failed" and status["archive"] in status["message"]


def test_the_crontab_script_runs_the_same_command_line(env):
    create(*env)
    result = run(env, "list", script=True)
    assert result.returncode == 0 and list_backups(env[1])[0].name in result.stdout
    assert run(env, script=True).returncode == 0  # no verb: prints the usage


def test_cleanup_from_the_command_line_prints_what_it_deleted(env, monkeypatch):
    archive = importlib.import_module("ops.backup.archive")
    names = []
    for days in (90, 60, 1):
        monkeypatch.setattr(archive, "utcnow", lambda days=days: datetime.now(timezone.utc) - timedelta(days=days))
        names.append(create(*env).name)
    result = run(env, "cleanup", "--keep-days", "30", "--keep-min", "1")
    assert result.returncode == 0
    assert sorted(result.stdout.splitlines()) == sorted(f"Deleted {n}" for n in names[:2])
    assert [i.name for i in list_backups(env[1])] == [names[2]]


def test_cron_with_an_invalid_configuration_records_that_no_backup_was_made(env):
    result = run(env, "cron", extra_env={"ALERT_CPU_CRITICAL_PERCENT": "250"})
    assert result.returncode == 2 and "ALERT_CPU_CRITICAL_PERCENT='250'" in result.stderr
    status = json.loads((env[0] / "ops" / "last_backup.json").read_text())
    assert status["result"] == "failed" and "ALERT_CPU_CRITICAL_PERCENT" in status["message"]
    assert list_backups(env[1]) == []


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("answer, code", [("no", 3), ("yes", 0)])
def test_on_a_terminal_restore_asks_and_only_yes_restores(env, answer, code):
    import pty
    import select
    import time

    before = tree(env[0])
    info = create(*env)
    damage(env[0])
    damaged = tree(env[0])
    data, backups, plugins, dotenv = env
    environ = {**os.environ, "QUALIA_DATA_DIR": str(data), "BACKUP_DIR": str(backups), "QUALIA_PLUGINS_DIR": str(plugins)}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command line on a terminal
        os.chdir(REPO_ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "ops.backup", "restore", info.name], environ)
    output, deadline, answered = b"", time.monotonic() + 60, False
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.5)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        if not answered and b"Type 'yes'" in output:
            os.write(fd, answer.encode() + b"\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert answered and b"2 modified" in output and b"library documents: 1 added, 1 modified" in output
    assert os.waitstatus_to_exitcode(status) == code
    assert tree(data) == (before if answer == "yes" else damaged)
