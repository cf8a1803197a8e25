"""Backups of the live study database (issue 11, item 9): a consistent snapshot while the app writes, verify's
integrity check of the archived database, a restore that names the documents it changes, archives of the
earlier layout, and a study database on PostgreSQL."""

from __future__ import annotations

import gc
import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ops.backup import ArchiveRejected, BackupError, create, restore, verify
from ops.backup import database as db
from ops.backup.cli import _show_plan
from ops.backup.info import read_manifest
from ops.backup.settings import REPO_ROOT
from qualia_core import QualiaCore
from test_backup_support import (LIVE_DATABASE_FILES, damage, env, fill_data_dir, integrity,  # noqa: F401 - env
                                 member_bytes, replace_member, tree)

restore_module = importlib.import_module("ops.backup.restore")

LEGACY = Path(__file__).resolve().parent / "fixtures" / "legacy_library" / "round1_data_dir"
WRITES = 200
BACKUP_EVERY = 25  # writes between two backups taken while the writer runs

# Another process writing to the study: 160 documents added and 40 of them renamed, one commit each, each
# reported on stdout once committed.
WRITER = r"""
import json, sys
from qualia_core import QualiaCore

library = QualiaCore(data_dir=sys.argv[1], entry_points=False, guard=False).library
added = []
for i in range(int(sys.argv[2])):
    if i % 5 == 4:
        doc = added[i // 5]
        library.rename(doc, f"renamed {i}")
        print(json.dumps(["rename", doc, f"renamed {i}"]), flush=True)
    else:
        text = f"Ana: meeting {i} opens\nBruno: point {i} is noted\nAna: meeting {i} closes\n"
        entry, _ = library.add(f"meeting {i:03d}.txt", text.encode())
        added.append(entry.id)
        print(json.dumps(["add", entry.id, entry.name]), flush=True)
"""


def library_of(data: Path):
    return QualiaCore(data_dir=data, entry_points=False, guard=False).library


def no_live_files(data: Path) -> bool:
    return not [n for n in LIVE_DATABASE_FILES if (data / n).exists()]


def test_a_backup_taken_during_200_concurrent_writes_restores_every_committed_document(tmp_path, monkeypatch):
    """Issue 11's done-when: backups taken while another process adds and renames documents (200 commits)
    verify, restore to a database that passes PRAGMA integrity_check, and hold every document (and rename)
    committed before their snapshot began, each whole (turns and original file)."""
    data, backups, plugins, env_file = tmp_path / "data", tmp_path / "backups", tmp_path / "no-plugins", tmp_path / "no.env"
    app = library_of(data)
    app.list()  # the study database exists, migrated, before the writer starts
    events: list[list[str]] = []
    lock = threading.Lock()
    writer_started = time.perf_counter()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data), str(WRITES)], cwd=REPO_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def read() -> None:
        for line in writer.stdout:
            with lock:
                events.append(json.loads(line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    real, began = db.snapshot, []  # (writes reported committed, writer still running) as each snapshot began

    def snapshot(source, dest):
        with lock:
            began.append((list(events), writer.poll() is None))
        started = time.perf_counter()
        info = real(source, dest)
        timings.append(time.perf_counter() - started)
        return info

    timings: list[float] = []
    monkeypatch.setattr(db, "snapshot", snapshot)
    archives = []
    deadline = time.monotonic() + 180
    while writer.poll() is None and time.monotonic() < deadline:
        with lock:
            done = len(events)
        if done >= BACKUP_EVERY * (len(archives) + 1):
            archives.append(create(data, backups, plugins, env_file, database_url=""))
        else:
            time.sleep(0.005)
    writer.wait(timeout=60)
    writer_seconds = time.perf_counter() - writer_started
    reader.join(timeout=10)
    assert writer.returncode == 0, writer.stderr.read()
    assert len(events) == WRITES and len(began) == len(archives)
    during = [i for i, (seen, running) in enumerate(began) if running and 0 < len(seen) < WRITES]
    assert during, f"no backup overlapped the writes: {[len(s) for s, _ in began]}"
    every_id = {e[1] for e in events if e[0] == "add"}
    print(f"\n{WRITES} writes by another process in {writer_seconds:.1f} s (start-up included); "
          f"{len(archives)} backups taken meanwhile, {len(during)} while it wrote")

    for i in during:
        seen = began[i][0]
        assert verify(archives[i].path).ok
        restored = tmp_path / f"restored-{i}" / "data"
        restore(archives[i].path, restored, backups, plugins_dir=plugins, confirm=True, database_url="")
        assert no_live_files(restored) and integrity(restored / "qualia.db") == ["ok"]
        library = library_of(restored)
        entries = {e.id: e for e in library.list()}
        committed = {e[1] for e in seen if e[0] == "add"}
        assert committed <= set(entries) <= every_id  # every committed document, and nothing made up
        for _, doc, name in (e for e in seen if e[0] == "rename"):
            assert entries[doc].name == name
        for doc in entries:
            assert len(library.get(doc).utterances) == 3 and library.original(doc).is_file()
        print(f"backup {i}: {len(seen)} writes committed when its snapshot began, {len(entries)} documents "
              f"restored, snapshot {timings[i] * 1000:.1f} ms")

    # and restored over the live study the app has open: the app sees exactly the snapshot
    first = during[0]
    restore(archives[first].path, data, backups, plugins_dir=plugins, confirm=True, database_url="")
    assert integrity(data / "qualia.db") == ["ok"]
    assert {e.id for e in app.list()} == {e.id for e in library_of(tmp_path / f"restored-{first}" / "data").list()}


def _spoil_pages(snap: bytes) -> bytes:
    """Damage the cell pointers of the documents table's page: SQLite still opens the file and reads its schema, and
    only PRAGMA integrity_check tells (damage to every page would also break pages integrity_check reads)."""
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "snap.db"
        copy.write_bytes(snap)
        with sqlite3.connect(copy) as c:
            root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
    spoiled = bytearray(snap)
    start = (root - 1) * 4096  # page numbers start at 1
    spoiled[start + 8:start + 40] = b"\xff" * 32
    return bytes(spoiled)


@pytest.mark.parametrize("spoil, words", [
    # damaged cell pointers: integrity_check lists them, or (about one run in three, as the page's rows fall)
    # stops on them with "malformed"; either way the archive is refused, naming the member
    (_spoil_pages, ("fails PRAGMA integrity_check: On tree page", "is not a sound SQLite database: database disk "
                    "image is malformed")),
    (lambda b: b[: len(b) // 2], ("is not a sound SQLite database: database disk image is malformed",)),
    (lambda b: b"SQLite format 3\x00" + bytes(len(b) - 16), ("file is not a database",)),
], ids=["damaged pages", "truncated", "damaged header"])
def test_verify_fails_on_an_archive_whose_database_is_damaged_and_restore_refuses_it(env, tmp_path, spoil, words):
    """The damaged file is listed with its own sha256, so only opening it can tell."""
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    bad = replace_member(info.path, backups / "qualia_backup_20240101_000000.tar.gz", "data/qualia.db",
                         spoil(member_bytes(info.path, "data/qualia.db")))
    report = verify(bad)
    assert not report.ok and len(report.problems) == 1, report.problems
    assert report.problems[0].startswith("member 'data/qualia.db' ")
    assert any(said in report.problems[0] for said in words), report.problems[0]
    assert verify(info.path).ok
    before = tree(data)
    with pytest.raises(ArchiveRejected, match="data/qualia.db"):
        restore(bad, data, backups, plugins_dir=plugins, confirm=True)
    assert tree(data) == before
    assert not [p for p in backups.iterdir() if "verify" in p.name]  # the checked copy is gone


def test_the_plan_names_each_document_added_removed_renamed_or_with_renamed_speakers(env, capsys):
    data, backups, plugins, dotenv = env
    library = library_of(data)
    entries = library.list()
    info = create(data, backups, plugins, dotenv)
    gone, renamed, respoken, same = entries
    library.delete(gone.id)
    new, _ = library.add_text("Notes after the backup", "Ana: added later\nBruno: indeed\n")
    library.rename(renamed.id, "A name given later")
    library.set_speaker_names(respoken.id, {respoken.speakers[0]: "Someone else"})

    plan = restore(info.path, data, backups, plugins_dir=plugins)
    assert plan.documents == {"added": [gone.id], "removed": [new.id],
                              "modified": sorted([renamed.id, respoken.id])}
    assert plan.document_names == {gone.id: gone.name, new.id: new.name, renamed.id: renamed.name,
                                   respoken.id: respoken.name}
    assert "library documents: 1 added, 1 removed, 2 modified" in plan.describe()
    _show_plan(plan)
    shown = capsys.readouterr().out
    assert f"document added    {gone.id}  ({gone.name})" in shown
    assert f"document removed  {new.id}  ({new.name})" in shown
    assert f"document modified {renamed.id}  ({renamed.name})" in shown

    done = restore(info.path, data, backups, plugins_dir=plugins, confirm=True)
    assert (done.documents, done.document_names) == (plan.documents, plan.document_names)
    assert [(e.id, e.name, e.speaker_map) for e in library.list()] == [(e.id, e.name, e.speaker_map) for e in entries]
    assert same.id not in {i for ids in plan.documents.values() for i in ids}


def test_an_archive_of_the_earlier_layout_restores_and_its_documents_move_in(tmp_path):
    """An archive made before the study database (data/library/<id>/entry.json + original) restores over a
    current study; the running app moves its documents in, with names and speaker renames."""
    old, backups, plugins = tmp_path / "old" / "data", tmp_path / "backups", tmp_path / "no-plugins"
    shutil.copytree(LEGACY, old)
    info = create(old, backups, plugins, tmp_path / "no.env", database_url="")
    manifest = read_manifest(info.path)
    assert manifest["databases"] == [] and not any("qualia.db" in f["path"] for f in manifest["files"])
    legacy = {f.name: json.loads((f / "entry.json").read_text()) for f in (LEGACY / "library").iterdir()}

    data = tmp_path / "data"
    core = fill_data_dir(data)  # the current study, in the database
    current = sorted(e.id for e in core.library.list())
    plan = restore(info.path, data, backups, plugins_dir=plugins, database_url="")
    assert plan.documents == {"added": sorted(legacy), "removed": current, "modified": []}
    restore(info.path, data, backups, plugins_dir=plugins, confirm=True, database_url="")
    assert not (data / "qualia.db").exists() and (data / "library").is_dir()

    entries = {e.id: e for e in core.library.list()}  # the running app: its database file went away
    assert sorted(entries) == sorted(legacy)
    for doc, entry in legacy.items():
        assert (entries[doc].name, entries[doc].sha256, entries[doc].speaker_map) == (
            entry["name"], entry["sha256"], entry["speaker_map"])
    assert (data / "library.imported").is_dir() and integrity(data / "qualia.db") == ["ok"]
    assert sorted(e.id for e in library_of(data).list()) == sorted(legacy)  # and a new process sees the same


def test_connections_to_the_replaced_database_never_touch_the_restored_one(env):
    """A process that still holds the previous database (and its WAL) open, writes to it and closes it after
    the restore changes nothing in the restored data dir (SQLite sees the file moved)."""
    data, backups, plugins, dotenv = env
    app = library_of(data)
    ids = [e.id for e in app.list()]
    info = create(data, backups, plugins, dotenv)
    other = sqlite3.connect(data / "qualia.db", isolation_level=None)  # another process, in WAL mode
    other.execute("PRAGMA journal_mode=WAL")
    app.delete(ids[0])
    other.execute("UPDATE documents SET name = 'changed by another process' WHERE id = ?", (ids[1],))
    assert (data / "qualia.db-wal").stat().st_size > 0  # commits not yet checkpointed into qualia.db

    restore(info.path, data, backups, plugins_dir=plugins, confirm=True)
    assert no_live_files(data)  # the previous database's WAL and shared memory went with it
    added, _ = app.add_text("After the restore", "Ana: written into the restored database\n")
    other.execute("UPDATE documents SET name = 'lost with the old file' WHERE id = ?", (ids[2],))
    other.close()  # the last connection to the old file: no checkpoint into, or WAL deletion of, the new one
    assert integrity(data / "qualia.db") == ["ok"]
    fresh = {e.id: e.name for e in library_of(data).list()}
    assert set(fresh) == {*ids, added.id} and "changed" not in " ".join(fresh.values())
    assert "lost" not in " ".join(fresh.values())


def test_a_damaged_live_database_is_archived_as_found_and_a_good_archive_restores_over_it(env):
    data, backups, plugins, dotenv = env
    good = create(data, backups, plugins, dotenv)
    gc.collect()  # no connection of the fixture's core is left
    (data / "qualia.db").write_bytes(b"SQLite format 3\x00" + os.urandom(3 * 4096))
    for name in LIVE_DATABASE_FILES:
        (data / name).unlink(missing_ok=True)

    found = create(data, backups, plugins, dotenv)  # the backup still saves every file
    [note] = found.notes
    assert "data/qualia.db is not a readable SQLite database" in note and "archived as found" in note
    assert read_manifest(found.path)["databases"][0]["method"] == db.RAW
    report = verify(found.path)
    assert not report.ok and report.problems[0].startswith("member 'data/qualia.db' ")

    plan = restore(good.path, data, backups, plugins_dir=plugins)
    assert any("current study database could not be read" in n for n in plan.notes)
    done = restore(good.path, data, backups, plugins_dir=plugins, confirm=True)  # the safety backup keeps it as found
    assert member_bytes(backups / done.safety_backup, "data/qualia.db") == member_bytes(found.path, "data/qualia.db")
    assert integrity(data / "qualia.db") == ["ok"] and len(library_of(data).list()) == 4


def test_on_postgresql_the_archive_holds_the_files_and_says_to_back_the_database_up_with_pg_dump(tmp_path):
    data, backups, plugins, env_file = tmp_path / "data", tmp_path / "backups", tmp_path / "no-plugins", tmp_path / "no.env"
    (data / "files").mkdir(parents=True)
    (data / "files" / f"{'a' * 64}.txt").write_text("Ana: hello\n")
    url = "postgresql+psycopg://qualia:s3cret@db.example:5432/qualia"
    info = create(data, backups, plugins, env_file, database_url=url)
    [note] = info.notes
    assert "pg_dump" in note and "postgresql://qualia@db.example:5432/qualia" in note and "s3cret" not in note
    manifest = read_manifest(info.path)
    assert manifest["notes"] == [note] and manifest["databases"] == []
    plan = restore(info.path, data, backups, plugins_dir=plugins, database_url=url)
    assert any("pg_dump" in n for n in plan.notes) and plan.documents == {"added": [], "removed": [], "modified": []}

    environ = {**os.environ, "QUALIA_DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "ops.backup", "create", "--data-dir", str(data), "--backup-dir",
                           str(backups), "--plugins-dir", str(plugins), "--env-file", str(env_file)], cwd=REPO_ROOT,
                          env=environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Created" in done.stdout and "Note: The study database is on PostgreSQL" in done.stdout
    assert "pg_dump" in done.stdout and "s3cret" not in done.stdout + done.stderr


def test_a_staged_data_dir_that_differs_from_the_archive_is_never_swapped_in(env, monkeypatch):
    """A WAL beside the restored database (or anything the archive does not list) stops the restore before the
    swap: nothing is changed."""
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    damage(data)
    damaged = tree(data)
    real = restore_module._extract_member

    def with_a_stale_wal(tar, member, root):
        real(tar, member, root)
        if member.name == "data/qualia.db":
            (root / "data" / "qualia.db-wal").write_bytes(b"a WAL of another database")

    monkeypatch.setattr(restore_module, "_extract_member", with_a_stale_wal)
    with pytest.raises(BackupError, match="unexpected data/qualia.db-wal"):
        restore(info.path, data, backups, plugins_dir=plugins, confirm=True)
    assert tree(data) == damaged
    assert not [p.name for p in data.parent.iterdir() if "restore" in p.name]
