"""The Backups page: create, list, verify and restore with confirmation (who may: tests/test_access_pages.py)."""

from __future__ import annotations

import importlib

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from qualia_core import QualiaCore

ROOT = Path(__file__).resolve().parents[1]
VTT = Path(__file__).parent / "fixtures" / "formats" / "ES2012a_excerpt.vtt"


@pytest.fixture
def page(data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "backups"))
    QualiaCore(data_dir=data_dir, entry_points=False).library.add(VTT.name, VTT.read_bytes())
    st.cache_resource.clear()

    def make() -> AppTest:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()
        at.switch_page("pages/backups.py")
        at.run()
        assert not at.exception
        return at

    yield make
    st.cache_resource.clear()


def archives(at: AppTest):
    return next(d.value for d in at.dataframe if "archive" in d.value.columns)


def test_the_page_shows_the_daily_backup_line(page):
    at = page()
    assert any("crontab" in c.value for c in at.caption)
    assert at.get("code")[0].value.endswith("ops/scripts/backup.sh cron")


def test_create_now_adds_a_verified_archive_to_the_list(page):
    at = page()
    at.button(key="backups_create").click().run()
    assert any("Created" in s.value for s in at.success)
    table = archives(at)
    assert len(table) == 1 and table["files"][0] >= 2
    at.button(key="backups_verify").click().run()
    assert at.success and not at.error
    assert archives(at)["verified"][0] == "yes"


def test_restore_asks_for_confirmation_naming_the_safety_backup_then_brings_the_library_back(page, data_dir):
    at = page()
    at.button(key="backups_create").click().run()
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    [entry] = core.library.list()
    core.library.delete(entry.id)
    assert core.library.list() == []

    at.button(key="backups_restore").click().run()
    warning = next(w.value for w in at.warning if "Restore" in w.value)
    assert "files will be added" in warning and "library documents: 1 added" in warning
    assert "before-restore" in warning  # the safety backup taken first is named
    changes = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert changes.to_dict("records") == [{"document": entry.name, "id": entry.id, "change": "added"}]
    at.button(key="backups_restore_yes").click().run()
    assert any("Restored" in s.value for s in at.success)
    assert [e.id for e in core.library.list()] == [entry.id]
    assert len(archives(at)) == 2  # the archive and the safety backup


def test_a_backup_dir_inside_the_data_dir_is_shown_as_a_settings_error(page, data_dir, monkeypatch):
    monkeypatch.setenv("BACKUP_DIR", str(data_dir / "backups"))
    at = page()
    assert any("Invalid configuration: BACKUP_DIR" in e.value and "inside the data dir" in e.value for e in at.error)
    assert "backups_create" not in [b.key for b in at.button]  # the page stops there


def test_the_list_shows_how_many_plugin_folders_an_archive_holds(page):
    at = page()
    at.button(key="backups_create").click().run()
    assert archives(at)["plugins"][0] >= 10  # the repository's plugins/, described without importing them


def test_delete_asks_first(page):
    at = page()
    at.button(key="backups_create").click().run()
    at.button(key="backups_delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    at.button(key="backups_delete_yes").click().run()
    assert any("No backups yet" in i.value for i in at.info)


def test_an_uploaded_archive_that_fails_verification_is_refused(page):
    at = page()
    at.file_uploader(key="backups_upload").set_value(("qualia_backup_20260101_000000.tar.gz", b"not gzip",
                                                       "application/gzip")).run()
    assert any("was refused" in e.value for e in at.error)
    assert any("No backups yet" in i.value for i in at.info)


def test_with_a_backup_key_archives_are_encrypted_and_verify_without_it_says_so(page, monkeypatch):
    monkeypatch.setenv("QUALIA_BACKUP_KEY", "a long passphrase for the page test")
    at = page()
    assert any("encrypted with `QUALIA_BACKUP_KEY`" in c.value for c in at.caption)
    at.button(key="backups_create").click().run()
    table = archives(at)
    assert table["archive"][0].endswith(".tar.gz.enc") and table["encrypted"][0] == "yes"
    at.button(key="backups_verify").click().run()
    assert any("encrypted)" in s.value for s in at.success)
    monkeypatch.delenv("QUALIA_BACKUP_KEY")
    at.run()
    assert any("not encrypted" in i.value for i in at.info)
    at.button(key="backups_verify").click().run()  # verify needs the key: a message, not a crash
    assert not at.exception and any("set QUALIA_BACKUP_KEY" in e.value for e in at.error)
    at.button(key="backups_restore").click().run()  # so does the restore's plan
    assert not at.exception and any("set QUALIA_BACKUP_KEY" in e.value for e in at.error)


def test_the_restore_prompt_names_the_safety_backup_that_is_then_created(page, monkeypatch):
    """The backup's clock ticks 2 s between the prompt and the confirmation (as someone reads the prompt)."""
    import re
    from datetime import datetime, timedelta, timezone

    from ops.backup import archive as archive_module
    restore_module = importlib.import_module("ops.backup.restore")  # the package's `restore` is the function
    at = page()
    at.button(key="backups_create").click().run()
    readings = iter(datetime(2026, 3, 1, 20, 36, 45, tzinfo=timezone.utc) + timedelta(seconds=2 * n)
                    for n in range(1000))
    monkeypatch.setattr(archive_module, "utcnow", lambda: next(readings))
    monkeypatch.setattr(restore_module, "utcnow", lambda: next(readings))
    at.button(key="backups_restore").click().run()
    prompt = next(w.value for w in at.warning if "Restore" in w.value)
    [named] = re.findall(r"qualia_backup_\d{8}_\d{6}_before-restore\.tar\.gz", prompt)
    at.button(key="backups_restore_yes").click().run()
    result = next(s.value for s in at.success if "Restored" in s.value)
    assert re.findall(r"qualia_backup_\d{8}_\d{6}_before-restore\.tar\.gz", result) == [named]
    assert named in set(archives(at)["archive"])
