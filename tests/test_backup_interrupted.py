"""A restore that fails or is interrupted leaves the current data exactly as it was."""

from __future__ import annotations

import importlib
import os

import pytest

from ops.backup import BackupError, create, restore, swap
from test_backup_support import damage, env, tree  # noqa: F401 - env is a fixture

restore_module = importlib.import_module("ops.backup.restore")


@pytest.fixture(params=["rename", "entries"])
def swap_mode(request, monkeypatch):
    if request.param == "entries":  # the data dir is a mount point: entries are swapped inside it
        monkeypatch.setattr(swap, "_can_rename", lambda target: not target.exists())
    return request.param


def _leftovers(data):
    beside = [p.name for p in data.parent.iterdir() if "restore" in p.name]
    inside = [p.name for p in data.iterdir() if p.name.startswith(".restore")] if data.is_dir() else []
    return beside + inside


@pytest.mark.parametrize("fault, raised", [(OSError(28, "No space left on device"), BackupError),
                                           (KeyboardInterrupt(), KeyboardInterrupt)], ids=["disk full", "Ctrl-C"])
def test_a_restore_that_fails_after_half_the_files_leaves_the_data_as_it_was(env, monkeypatch, swap_mode, fault,
                                                                             raised):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    damage(data)
    damaged = tree(data)
    real, written = restore_module._extract_member, []

    def half_then_fail(tar, member, root):
        if member.isfile():
            if len(written) == info.file_count // 2:
                raise fault
            written.append(member.name)
        real(tar, member, root)

    monkeypatch.setattr(restore_module, "_extract_member", half_then_fail)
    with pytest.raises(raised):
        restore(info.path, data, backups, plugins_dir=plugins, confirm=True)
    assert written and tree(data) == damaged
    assert _leftovers(data) == []


def test_a_failure_during_the_swap_puts_the_old_data_back(env, monkeypatch, swap_mode):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    damage(data)
    damaged = tree(data)
    real, placing = os.rename, []
    fail_at = 1 if swap_mode == "rename" else 2  # the new dir, or the second new entry (the first is in)

    def rename_then_fail(src, dst):
        if "restore-stage" in str(src):  # the old content has been moved away by now
            placing.append(dst)
            if len(placing) == fail_at:
                raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(swap.os, "rename", rename_then_fail)
    with pytest.raises(OSError, match="No space left"):
        restore(info.path, data, backups, plugins_dir=plugins, confirm=True)
    monkeypatch.setattr(swap.os, "rename", real)
    assert len(placing) == fail_at and tree(data) == damaged and _leftovers(data) == []


def test_a_restore_killed_between_the_two_renames_is_undone_on_the_next_run(env):
    """A power cut after the data dir was moved aside but before the new one was put in place:
    the next restore (or any later one) puts the data back before doing anything."""
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    damage(data)
    damaged = tree(data)
    stage = swap.staging_dir(data)
    (stage / "data").mkdir()
    (stage / "data" / "half.txt").write_text("partial")
    old = data.parent / f".{data.name}.{swap.OLD}20240101000000-abc"
    old.mkdir()
    os.rename(data, old / "content")
    assert not data.exists()
    notes = swap.recover(data)
    assert tree(data) == damaged and _leftovers(data) == [] and "put back" in notes[0]
    restore(info.path, data, backups, plugins_dir=plugins, confirm=True)  # and restoring works again
    assert not (data / "half.txt").exists()


def test_an_interrupted_create_leaves_no_archive_under_a_final_name(env, monkeypatch):
    data, backups, plugins, dotenv = env
    archive = importlib.import_module("ops.backup.archive")
    real, count = archive._add_file, []

    def interrupt(gz, entry):
        count.append(1)
        if len(count) == 3:
            raise KeyboardInterrupt
        return real(gz, entry)

    monkeypatch.setattr(archive, "_add_file", interrupt)
    with pytest.raises(KeyboardInterrupt):
        create(data, backups, plugins, dotenv)
    assert [p.name for p in backups.iterdir()] == [".qualia_backup.lock"]
