"""Retention, listing, deleting, and the settings read from the environment."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta, timezone

import pytest

from ops.backup import BackupError, backup_settings, cleanup, create, delete, list_backups
from ops.backup.settings import REPO_ROOT
from qualia_core.errors import SettingsError
from test_backup_support import env  # noqa: F401 - a fixture

archive = importlib.import_module("ops.backup.archive")
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


def make_archives(env, monkeypatch, ages_days):
    """One archive per age (days before NOW), oldest first; returns their names by age."""
    data, backups, plugins, dotenv = env
    names = {}
    for age in sorted(ages_days, reverse=True):
        monkeypatch.setattr(archive, "utcnow", lambda age=age: NOW - timedelta(days=age))
        names[age] = create(data, backups, plugins, dotenv).name
    return names


def test_cleanup_keeps_the_newest_three_however_old(env, monkeypatch):
    names = make_archives(env, monkeypatch, [400, 300, 200, 100, 90])
    deleted = cleanup(env[1], keep_days=30, keep_min=3, now=NOW)
    assert sorted(deleted) == sorted([names[400], names[300]])
    assert [i.name for i in list_backups(env[1])] == [names[90], names[100], names[200]]


def test_cleanup_deletes_archives_older_than_keep_days_beyond_the_minimum(env, monkeypatch):
    names = make_archives(env, monkeypatch, [1, 2, 40, 50, 60])
    deleted = cleanup(env[1], keep_days=30, keep_min=1, now=NOW)
    assert sorted(deleted) == sorted([names[40], names[50], names[60]])
    assert {i.name for i in list_backups(env[1])} == {names[1], names[2]}


def test_cleanup_reads_its_defaults_from_the_environment(env, monkeypatch):
    names = make_archives(env, monkeypatch, [10, 20, 30, 40])
    monkeypatch.setenv("BACKUP_KEEP_DAYS", "15")
    monkeypatch.setenv("BACKUP_KEEP_MIN", "1")
    assert sorted(cleanup(env[1], now=NOW)) == sorted([names[20], names[30], names[40]])


def test_cleanup_removes_verify_records_with_their_archives_and_nothing_else(env, monkeypatch):
    from ops.backup import verify

    names = make_archives(env, monkeypatch, [100, 90, 80, 70])
    for name in names.values():
        verify(env[1] / name)
    (env[1] / "notes.txt").write_text("operator's notes")
    cleanup(env[1], keep_days=30, keep_min=3, now=NOW)
    left = sorted(p.name for p in env[1].iterdir() if not p.name.startswith("."))
    kept = sorted([names[90], names[80], names[70]])
    assert left == sorted(["notes.txt", *kept, *(n.replace(".tar.gz", ".verified.json") for n in kept)])


def test_the_list_is_newest_first_with_size_and_file_count(env, monkeypatch):
    names = make_archives(env, monkeypatch, [3, 2, 1])
    listed = list_backups(env[1])
    assert [i.name for i in listed] == [names[1], names[2], names[3]]
    assert all(i.size > 0 and i.file_count == listed[0].file_count > 0 and not i.verified for i in listed)
    assert listed[0].created_at == NOW - timedelta(days=1)


@pytest.mark.parametrize("name, value", [("BACKUP_KEEP_DAYS", "abc"), ("BACKUP_KEEP_DAYS", "-1"),
                                         ("BACKUP_KEEP_DAYS", "1.5"), ("BACKUP_KEEP_MIN", "0"),
                                         ("BACKUP_KEEP_MIN", "three")])
def test_a_bad_retention_setting_names_the_variable_the_value_and_what_it_accepts(env, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        cleanup(env[1])
    minimum = "of days of at least 0" if name == "BACKUP_KEEP_DAYS" else "of at least 1"
    assert err.value.problems == [f"{name}={value!r} is not valid: it accepts a whole number {minimum}"]


def test_zero_keep_days_keeps_only_the_minimum(env, monkeypatch):
    names = make_archives(env, monkeypatch, [3, 2, 1])
    monkeypatch.setenv("BACKUP_KEEP_DAYS", "0")
    assert sorted(cleanup(env[1], keep_min=1, now=NOW)) == sorted([names[3], names[2]])


@pytest.mark.parametrize("keep_days, keep_min", [(-1, 3), (30, 0), (30, True), (1.5, 3)])
def test_bad_explicit_retention_values_are_refused(env, keep_days, keep_min):
    with pytest.raises(ValueError, match="it accepts a whole number of at least [01]"):
        cleanup(env[1], keep_days=keep_days, keep_min=keep_min)


@pytest.mark.parametrize("where", ["data", "data/backups", "plugins/backups"])
@pytest.mark.parametrize("how", ["argument", "BACKUP_DIR"])
def test_a_backup_dir_inside_what_is_archived_is_refused(env, monkeypatch, where, how):
    data, backups, plugins, dotenv = env
    inside = data.parent / where
    if how == "BACKUP_DIR":
        monkeypatch.setenv("BACKUP_DIR", str(inside))
    with pytest.raises(SettingsError, match="is inside the (data|plugins) dir"):
        create(data, inside if how == "argument" else None, plugins, dotenv)
    assert not list(data.parent.rglob("qualia_backup_*.tar.gz"))


def test_the_default_backup_dir_is_backups_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BACKUP_DIR", raising=False)
    settings = backup_settings(tmp_path / "elsewhere" / "data")
    assert settings.backup_dir == tmp_path / "backups"
    assert (settings.keep_days, settings.keep_min) == (30, 3)


def test_the_crontab_line_runs_the_script_daily_from_the_repository(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "backups"))
    line = backup_settings(tmp_path / "data", REPO_ROOT / "plugins").crontab_line
    assert line.startswith(f"15 2 * * * cd {REPO_ROOT} && ")
    assert line.endswith("ops/scripts/backup.sh cron")
    assert f"QUALIA_DATA_DIR={tmp_path / 'data'}" in line and f"BACKUP_DIR={tmp_path / 'backups'}" in line


@pytest.mark.parametrize("target", ["notes.txt", "../qualia_backup_20240101_000000.tar.gz"])
def test_delete_touches_only_archives_in_the_backup_dir(env, target):
    backups = env[1]
    backups.mkdir()
    (backups / "notes.txt").write_text("keep me")
    (backups.parent / "qualia_backup_20240101_000000.tar.gz").write_bytes(b"not in the backup dir")
    with pytest.raises(BackupError, match="nothing was deleted"):
        delete(backups / target, backups)
    assert (backups / "notes.txt").exists() and (backups.parent / "qualia_backup_20240101_000000.tar.gz").exists()
