"""create -> damage -> restore gives back the original, and the archive says what it holds."""

from __future__ import annotations

import importlib

import json
import re
import tarfile
from pathlib import Path

import pytest

from ops.backup import archive, create, list_backups, restore, swap, verify
from ops.backup.info import read_manifest
from qualia_core import QualiaCore, __version__
from test_backup_support import (LIVE_DATABASE_FILES, damage, env, fill_data_dir, integrity,  # noqa: F401 - env
                                 member_bytes, sha, tree)


@pytest.fixture(params=["rename", "entries"])
def swap_mode(request, monkeypatch):
    """Both ways of swapping: renaming the data dir (normal) and swapping its entries (a mount point)."""
    if request.param == "entries":
        monkeypatch.setattr(swap, "_can_rename", lambda target: not target.exists())
    return request.param


def test_restore_after_damage_gives_back_the_original_tree_byte_for_byte(env, swap_mode):
    data, backups, plugins, dotenv = env
    before = tree(data)
    info = create(data, backups, plugins, dotenv)
    damage(data)
    assert tree(data) != before
    restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True)
    assert not [n for n in LIVE_DATABASE_FILES if (data / n).exists()]  # nothing of the previous database
    assert tree(data) == before
    assert "outputs/Réunion d'équipe/São Paulo – notas.txt" in before  # accents and spaces were covered
    assert "outputs/empty folder" in before and before["outputs/empty folder"] is None
    assert integrity(data / "qualia.db") == ["ok"]
    assert not [p.name for p in data.parent.iterdir() if "restore" in p.name]  # no staging left beside it
    assert not [p.name for p in data.iterdir() if p.name.startswith(".restore")]


def test_the_running_app_sees_the_restored_library_without_a_restart(tmp_path):
    data, backups = tmp_path / "data", tmp_path / "backups"
    core = fill_data_dir(data)
    docs = {e.id: core.library.get(e.id).content for e in core.library.list()}
    info = create(data, backups, tmp_path / "no-plugins", tmp_path / "no.env")
    damage(data)
    assert {e.id for e in core.library.list()} != set(docs)
    restore(info.path, data, backups, plugins_dir=tmp_path / "no-plugins", confirm=True)
    assert {e.id for e in core.library.list()} == set(docs)
    assert {i: core.library.get(i).content for i in docs} == docs


def test_the_plan_changes_nothing_and_names_every_change(env):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    core = QualiaCore(data_dir=data, entry_points=False, guard=False)
    entries = {e.id: e for e in core.library.list()}
    changed = damage(data)
    damaged = tree(data)
    plan = restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv)
    assert not plan.applied and tree(data) == damaged
    deleted = entries[changed["deleted"]]
    assert set(plan.added) == {"data/outputs/Réunion d'équipe/São Paulo – notas.txt",
                               f"data/files/{deleted.sha256}{Path(deleted.source).suffix.lower()}"}
    assert plan.removed == ["data/outputs/stray new file.txt"]
    tampered = core.library.original(changed["tampered"]).relative_to(data.parent).as_posix()
    assert plan.modified == sorted(["data/qualia.db", tampered])  # the database file is always replaced
    assert plan.documents == {"added": [changed["deleted"]], "removed": [], "modified": [changed["renamed"]]}
    assert plan.document_names == {changed["deleted"]: deleted.name,
                                   changed["renamed"]: entries[changed["renamed"]].name}
    assert re.fullmatch(r"qualia_backup_\d{8}_\d{6}_before-restore\.tar\.gz", plan.safety_backup)
    done = restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True)
    assert (done.added, done.removed, done.modified, done.documents, done.document_names) == (
        plan.added, plan.removed, plan.modified, plan.documents, plan.document_names)


def test_a_confirm_callback_that_says_no_changes_nothing(env):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    damage(data)
    damaged = tree(data)
    seen = []
    report = restore(info.path, data, backups, plugins_dir=plugins, confirm=lambda plan: seen.append(plan) or False)
    assert len(seen) == 1 and not report.applied and tree(data) == damaged
    assert [i.name for i in list_backups(backups)] == [info.name]  # no safety backup either


def test_a_safety_backup_of_the_current_state_is_taken_first(env):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    damage(data)
    damaged = tree(data)
    report = restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True)
    safety = backups / report.safety_backup
    assert safety.is_file() and verify(safety).ok
    restore(safety, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True)
    assert tree(data) == damaged


def test_the_manifest_records_origin_plugins_and_every_file(env):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv, include_env=True)
    manifest = read_manifest(info.path)
    assert manifest["format_version"] == 1 and manifest["app_version"] == __version__
    assert manifest["host"] and manifest["created_at"].startswith(str(info.created_at.year))
    if (archive.mf.REPO_ROOT / ".git").exists():
        assert re.fullmatch(r"[0-9a-f]{40}", manifest["git"]["commit"])
    plugin_code = (plugins / "my_plugin" / "__init__.py").read_bytes()  # a broken plugin: it raises on import
    assert manifest["plugins"]["folders"] == [{
        "name": "my_plugin", "files": 1, "bytes": len(plugin_code),
        "sha256": sha(b"__init__.py\0" + sha(plugin_code).encode() + b"\n")}]
    assert info.plugins == ["my_plugin"]
    files = {f["path"]: f for f in manifest["files"]}
    on_disk = {f"data/{k}": v for k, v in tree(data).items() if v is not None and k != "qualia.db"}
    # the study database is a snapshot (its own bytes, no WAL, no lock file), with the same content
    snapshot = member_bytes(info.path, "data/qualia.db")
    assert files.pop("data/qualia.db")["sha256"] == sha(snapshot) and snapshot[18:20] == b"\x01\x01"  # not WAL
    assert manifest["databases"] == [{"path": "data/qualia.db", "method": "sqlite3 online backup",
                                      "sqlite_version": manifest["databases"][0]["sqlite_version"],
                                      "documents": 4, "schema_revision": manifest["databases"][0]["schema_revision"]}]
    assert manifest["notes"] == [] and info.databases == ["data/qualia.db"]
    on_disk.update({f"plugins/{k}": v for k, v in tree(plugins).items() if v is not None and "__pycache__" not in k})
    on_disk["env/.env"] = dotenv.read_bytes()
    assert set(files) == set(on_disk)
    assert all(files[n]["size"] == len(b) and files[n]["sha256"] == sha(b) for n, b in on_disk.items())
    with tarfile.open(info.path) as tar:
        assert tar.getnames()[0] == "manifest.json"  # first: listing reads it without the rest


def test_each_file_is_archived_as_it_was_read_even_while_the_app_writes(env):
    """Copy-on-read: a file that changes during the backup is archived with the bytes that were
    hashed, so the archive still verifies."""
    data, backups, plugins, dotenv = env
    late = data / "outputs" / "zz written during backup.json"
    late.write_text("{}")

    def app_writes(done, total):
        if done == 1:
            late.write_text(json.dumps({"rows": list(range(5000))}))

    info = create(data, backups, plugins, dotenv, progress=app_writes)
    assert verify(info.path).ok
    listed = {f["path"]: f["size"] for f in read_manifest(info.path)["files"]}
    assert listed[f"data/outputs/{late.name}"] == late.stat().st_size


@pytest.mark.parametrize("flags, replaced", [({}, set()), ({"with_plugins": True, "with_env": True}, {"plugins", "env"})])
def test_plugins_and_env_are_restored_only_when_asked(env, flags, replaced):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv, include_env=True)
    (plugins / "my_plugin" / "__init__.py").write_text("# edited\n")
    dotenv.write_text("EDITED=1\n")
    restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True, **flags)
    assert ((plugins / "my_plugin" / "__init__.py").read_text() != "# edited\n") == ("plugins" in replaced)
    assert (dotenv.read_text() != "EDITED=1\n") == ("env" in replaced)


def test_restore_into_a_missing_data_dir_recreates_it(env):
    """Disaster recovery on a new machine: nothing to save first, everything is added."""
    data, backups, plugins, dotenv = env
    before = tree(data)
    info = create(data, backups, plugins, dotenv)
    fresh = data.parent / "new-machine" / "data"
    report = restore(info.path, fresh, backups, plugins_dir=plugins, confirm=True)
    assert tree(fresh) == before and report.safety_backup is None and not report.removed


def test_the_backup_status_is_kept_across_a_restore(env):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    report = restore(info.path, data, backups, plugins_dir=plugins, confirm=True)
    status = json.loads((data / "ops" / "last_backup.json").read_text())
    assert status["result"] == "ok" and status["archive"] == report.safety_backup


def test_archives_get_final_names_only_when_complete_and_never_overwrite(env):
    data, backups, plugins, dotenv = env
    first = create(data, backups, plugins, dotenv)
    second = create(data, backups, plugins, dotenv)
    assert re.fullmatch(r"qualia_backup_\d{8}_\d{6}(_2)?\.tar\.gz", first.name)
    assert first.name != second.name and first.path.is_file() and second.path.is_file()
    assert sorted(p.name for p in backups.iterdir() if not p.name.startswith(".qualia_backup.lock")) == \
        sorted([first.name, second.name])
    assert first.path.stat().st_mode & 0o077 == 0  # private research data: owner only


def test_a_backup_that_fails_halfway_leaves_no_archive_and_records_the_failure(env, monkeypatch):
    data, backups, plugins, dotenv = env
    real, calls = archive._add_file, []

    def failing(gz, entry):
        calls.append(entry.name)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return real(gz, entry)

    monkeypatch.setattr(archive, "_add_file", failing)
    with pytest.raises(archive.BackupError, match="No space left"):
        create(data, backups, plugins, dotenv)
    assert [p.name for p in backups.iterdir()] == [".qualia_backup.lock"]
    status = json.loads((data / "ops" / "last_backup.json").read_text())
    assert status["result"] == "failed" and "No space left" in status["message"]


def test_a_core_on_the_restored_dir_loads_every_document(env):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    damage(data)
    restore(info.path, data, backups, plugins_dir=plugins, confirm=True)
    core = QualiaCore(data_dir=data, entry_points=False, guard=False)
    assert all(core.library.get(e.id).utterances for e in core.library.list())


@pytest.fixture
def ticking_clock(monkeypatch):
    """Each reading of the backup's clock is 2 s after the previous one, as when someone reads the plan first."""
    from datetime import datetime, timedelta, timezone

    restore_module = importlib.import_module("ops.backup.restore")  # the package's `restore` is the function
    readings = iter(datetime(2026, 3, 1, 20, 36, 45, tzinfo=timezone.utc) + timedelta(seconds=2 * n)
                    for n in range(1000))
    monkeypatch.setattr(archive, "utcnow", lambda: next(readings))
    monkeypatch.setattr(restore_module, "utcnow", lambda: next(readings))


def test_the_plan_names_the_safety_backup_the_restore_then_takes(env, ticking_clock):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    damage(data)
    shown = []
    report = restore(info.path, data, backups, plugins_dir=plugins, confirm=lambda plan: shown.append(plan) or True)
    assert report.safety_backup == shown[0].safety_backup  # the CLI's prompt, then its result
    assert (backups / shown[0].safety_backup).is_file()


def test_a_plan_made_earlier_names_the_safety_backup_taken_at_confirmation(env, ticking_clock):
    from datetime import datetime, timezone
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    asked_at = datetime(2026, 3, 1, 20, 30, 0, tzinfo=timezone.utc)
    plan = restore(info.path, data, backups, plugins_dir=plugins, safety_at=asked_at)
    done = restore(info.path, data, backups, plugins_dir=plugins, confirm=True, safety_at=asked_at)
    assert done.safety_backup == plan.safety_backup and (backups / plan.safety_backup).is_file()
