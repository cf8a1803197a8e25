""".env (QUALIA_ADMIN_PASSWORD, the Sentry DSN…) goes into an archive only when asked: API, command line, page."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ops.backup import create, cron, restore
from ops.backup.info import read_manifest
from qualia_core import QualiaCore
from test_backup_cli import run
from test_backup_support import env  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parents[1]
SECRET = b"QUALIA_ADMIN_PASSWORD=secret"


def members(path: Path) -> set[str]:
    return {f["path"] for f in read_manifest(path)["files"]}


def test_create_leaves_env_out_unless_asked(env):
    data, backups, plugins, dotenv = env
    assert SECRET in dotenv.read_bytes()
    plain = create(data, backups, plugins, dotenv)
    assert "env/.env" not in members(plain.path) and not plain.has_env
    assert SECRET not in plain.path.read_bytes()  # (compressed, but a short file is stored nearly verbatim)
    asked = create(data, backups, plugins, dotenv, include_env=True)
    assert "env/.env" in members(asked.path) and asked.has_env


def test_cron_leaves_env_out_unless_asked(env):
    data, backups, plugins, dotenv = env
    info, _ = cron(data, backups, plugins, dotenv)
    assert "env/.env" not in members(info.path)
    info, _ = cron(data, backups, plugins, dotenv, include_env=True)
    assert "env/.env" in members(info.path)


def test_the_command_line_archives_env_only_with_include_env(env):
    created = run(env, "create")
    assert created.returncode == 0, created.stderr
    [first] = sorted(env[1].glob("qualia_backup_*"))
    assert "env/.env" not in members(first)
    assert "not encrypted" in created.stdout and "with .env" not in created.stdout
    created = run(env, "create", "--include-env")
    assert created.returncode == 0 and "with .env" in created.stdout
    second = next(p for p in env[1].glob("qualia_backup_*") if p != first)
    assert "env/.env" in members(second)


def test_a_restores_safety_backup_holds_env_only_when_the_restore_replaces_it(env):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv, include_env=True)
    kept = restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True)
    assert "env/.env" not in members(backups / kept.safety_backup)
    replaced = restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True, with_env=True)
    assert "env/.env" in members(backups / replaced.safety_backup)  # so that restore can be undone


@pytest.fixture
def page(data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "backups"))
    dotenv = tmp_path / "page.env"
    dotenv.write_text("QUALIA_TEST_ONLY_MARKER=1\n")
    monkeypatch.setenv("QUALIA_ENV_FILE", str(dotenv))
    monkeypatch.delenv("QUALIA_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("QUALIA_BACKUP_KEY", raising=False)
    QualiaCore(data_dir=data_dir, entry_points=False).library.add("a.txt", b"Ana: hello there\nBo: hi\n")
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/backups.py")
    at.run()
    assert not at.exception
    yield at, tmp_path / "backups"
    st.cache_resource.clear()


def test_the_page_archives_env_only_when_the_box_is_ticked(page):
    at, backups = page
    assert at.checkbox(key="backups_include_env").value is False
    at.button(key="backups_create").click().run()
    [first] = backups.glob("qualia_backup_*.tar.gz")
    assert "env/.env" not in members(first)
    at.checkbox(key="backups_include_env").check().run()
    at.button(key="backups_create").click().run()
    second = next(p for p in backups.glob("qualia_backup_*.tar.gz") if p != first)
    assert "env/.env" in members(second)
    table = next(d.value for d in at.dataframe if "archive" in d.value.columns)
    assert sorted(table[".env"]) == ["no", "yes"] and set(table["encrypted"]) == {"no"}
