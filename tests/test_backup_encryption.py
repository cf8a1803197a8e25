"""Archives made with QUALIA_BACKUP_KEY: no plaintext, byte-identical restore with the key, and without it (or
with a wrong one) a clear error naming QUALIA_BACKUP_KEY and nothing changed."""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path

import pytest

from ops.backup import (BackupKeyError, create, list_backups, restore, save_upload, validate_upload, verify)
from ops.backup import crypto
from ops.backup.info import read_manifest
from qualia_core import config
from qualia_core.errors import SettingsError
from test_backup_cli import run
from test_backup_support import FIXTURES, TRANSCRIPTS, damage, env, sha, tree  # noqa: F401 - env

KEY = "a long passphrase for the study backups"
OTHER = "some other passphrase of 16+ characters"


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("QUALIA_BACKUP_KEY", KEY)
    return KEY


def raw_tree(root: Path) -> dict[str, bytes | None]:
    """Every path under root and its exact bytes, the database's WAL and the backup status included."""
    return {p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes() for p in sorted(root.rglob("*"))}


def sentences() -> list[bytes]:
    """Distinctive stretches of every transcript in the data dir: each line's speech of 24+ characters."""
    found = []
    for name in TRANSCRIPTS:
        for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
            speech = line.split(":", 1)[-1].strip()
            if len(speech) >= 24 and "-->" not in speech:
                found.append(speech[:40].encode("utf-8"))
    assert len(found) > 20
    return found


PLAINTEXT_MARKS = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00",  # a gzip member's header as zlib writes it
                   b"ustar", b"manifest.json", b"qualia-backup", b"data/qualia.db",  # tar and manifest
                   b"SQLite format 3", b"QUALIA_ADMIN_PASSWORD"]


def plaintext_in(blob: bytes) -> list[bytes]:
    return [m for m in PLAINTEXT_MARKS + sentences() if m in blob]


def test_an_encrypted_archive_holds_no_plaintext_of_any_transcript(env, monkeypatch):
    data, backups, plugins, dotenv = env
    (data / "cache" / "0 incompressible.bin").write_bytes(os.urandom(3 * 2**20))  # buffers flush mid-backup
    plain = create(data, backups, plugins, dotenv, include_env=True)
    assert not plain.encrypted and plaintext_in(plain.path.read_bytes())  # the marks would be found
    plain.path.unlink()
    monkeypatch.setenv("QUALIA_BACKUP_KEY", KEY)
    seen_during = []

    def look(done, total):  # while the body is written: nothing readable in the backup dir either
        for path in backups.rglob("*"):
            if path.is_file():
                seen_during.extend(plaintext_in(path.read_bytes()))

    info = create(data, backups, plugins, dotenv, include_env=True, progress=look)
    blob = info.path.read_bytes()
    assert info.encrypted and info.name.endswith(".tar.gz.enc") and blob.startswith(crypto.MAGIC)
    assert plaintext_in(blob) == [] and seen_during == []
    for start in (0, crypto.HEADER_LEN):  # not a gzip stream from the start nor after the header
        with pytest.raises(zlib.error):
            zlib.decompressobj(31).decompress(blob[start:])
    assert [p.name for p in backups.iterdir() if p.name.startswith(".qualia_backup_") and p.suffix == ".tmp"] == []


def test_restore_with_the_key_is_byte_identical(env, key):
    data, backups, plugins, dotenv = env
    before = tree(data)
    info = create(data, backups, plugins, dotenv)
    assert verify(info.path).ok
    damage(data)
    report = restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True)
    assert report.safety_backup.endswith("_before-restore.tar.gz.enc")  # the safety backup is encrypted too
    assert tree(data) == before  # every file, the database by its content…
    listed = {f["path"]: f["sha256"] for f in read_manifest(info.path)["files"] if f["path"].startswith("data/")}
    restored = {f"data/{name}": sha(body) for name, body in raw_tree(data).items()
                if body is not None and name != "ops/last_backup.json"}
    assert restored == listed  # …and every file, the database included, exactly the archived bytes
    assert verify(backups / report.safety_backup).ok


@pytest.mark.parametrize("wrong", [None, OTHER])
def test_without_the_key_or_with_a_wrong_one_a_clear_error_and_no_change(env, monkeypatch, wrong):
    data, backups, plugins, dotenv = env
    monkeypatch.setenv("QUALIA_BACKUP_KEY", KEY)
    info = create(data, backups, plugins, dotenv)
    damage(data)
    if wrong is None:
        monkeypatch.delenv("QUALIA_BACKUP_KEY")
    else:
        monkeypatch.setenv("QUALIA_BACKUP_KEY", wrong)
    data_before, backups_before = raw_tree(data), raw_tree(backups)
    for attempt in (lambda: verify(info.path),
                    lambda: restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv),
                    lambda: restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True),
                    lambda: validate_upload(info.path.read_bytes()),
                    lambda: save_upload(info.path.read_bytes(), backups, "copy.tar.gz.enc")):
        with pytest.raises(BackupKeyError, match="QUALIA_BACKUP_KEY") as caught:
            attempt()
        assert ("is encrypted: set QUALIA_BACKUP_KEY" if wrong is None else "is not the passphrase") in str(caught.value)
        assert KEY not in str(caught.value) and (wrong or KEY) not in str(caught.value)
    assert raw_tree(data) == data_before  # the data dir untouched
    assert raw_tree(backups) == backups_before  # no safety backup, no verify record, nothing half made
    [shown] = list_backups(backups)
    assert shown.encrypted and shown.file_count is None and "QUALIA_BACKUP_KEY" in shown.error


def test_the_command_line_names_the_key_and_exits_2(env, monkeypatch):
    data = env[0]
    monkeypatch.setenv("QUALIA_BACKUP_KEY", KEY)
    info = create(*env)
    damage(data)
    before = raw_tree(data)
    monkeypatch.delenv("QUALIA_BACKUP_KEY")
    verified = run(env, "verify", info.name)
    assert verified.returncode == 2 and "set QUALIA_BACKUP_KEY" in verified.stderr
    restored = run(env, "restore", info.name, "--yes", extra_env={"QUALIA_BACKUP_KEY": OTHER})
    assert restored.returncode == 2 and "QUALIA_BACKUP_KEY does not open" in restored.stderr
    assert raw_tree(data) == before
    listed = run(env, "list")
    assert re.search(r"encrypted .*not verified .*set QUALIA_BACKUP_KEY", listed.stdout)
    ok = run(env, "verify", info.name, extra_env={"QUALIA_BACKUP_KEY": KEY})
    assert ok.returncode == 0 and "OK" in ok.stdout and "; encrypted)" in ok.stdout


def test_an_unencrypted_archive_still_verifies_and_restores_with_a_key_set(env, monkeypatch):
    data, backups, plugins, dotenv = env
    before = tree(data)
    old = create(data, backups, plugins, dotenv)
    assert not old.encrypted and old.name.endswith(".tar.gz")
    monkeypatch.setenv("QUALIA_BACKUP_KEY", KEY)
    report = verify(old.path)
    assert report.ok and not report.encrypted and "not encrypted" in report.describe()
    damage(data)
    plan = restore(old.path, data, backups, plugins_dir=plugins, env_file=dotenv)
    assert any("not encrypted" in n for n in plan.notes)
    restore(old.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True)
    assert tree(data) == before
    shown = {i.name: i for i in list_backups(backups)}
    assert not shown[old.name].encrypted and shown[old.name].file_count == old.file_count
    assert [i.encrypted for n, i in shown.items() if "before-restore" in n] == [True]


def test_the_list_reads_an_encrypted_archives_manifest_with_the_key(env, key):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    [shown] = list_backups(backups)
    assert shown.encrypted and shown.error is None and shown.file_count == info.file_count > 0
    assert shown.plugins == ["my_plugin"] and shown.databases == ["data/qualia.db"]


def test_an_uploaded_encrypted_archive_is_checked_and_stored_under_an_encrypted_name(env, key, tmp_path):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    blob = info.path.read_bytes()
    info.path.unlink()
    assert validate_upload(blob).ok and validate_upload(blob).encrypted
    stored = save_upload(blob, backups, "qualia_backup_20240101_000000.tar.gz")  # a name that says "not encrypted"
    assert stored.name.endswith("_uploaded.tar.gz.enc") and stored.encrypted and stored.verified
    assert stored.path.read_bytes() == blob


def test_a_short_key_is_a_settings_error_naming_the_variable_without_its_value(env, monkeypatch):
    data, backups, plugins, dotenv = env
    monkeypatch.setenv("QUALIA_BACKUP_KEY", "too-short-15chr")
    for attempt in (lambda: config.get("QUALIA_BACKUP_KEY"), config.load_settings,
                    lambda: create(data, backups, plugins, dotenv)):
        with pytest.raises(SettingsError, match="QUALIA_BACKUP_KEY") as caught:
            attempt()
        assert "too-short-15chr" not in str(caught.value) and "at least 16 characters" in str(caught.value)
    assert not list(backups.glob("qualia_backup_*"))
    monkeypatch.setenv("QUALIA_BACKUP_KEY", "exactly-16-chars")
    assert config.get("QUALIA_BACKUP_KEY") == "exactly-16-chars"
    result = run(env, "create", extra_env={"QUALIA_BACKUP_KEY": "short"})
    assert result.returncode == 2 and "QUALIA_BACKUP_KEY" in result.stderr and "short'" not in result.stderr


def test_each_archive_has_its_own_salt_and_nonce_prefix(env, key):
    data, backups, plugins, dotenv = env
    heads = {create(data, backups, plugins, dotenv).path.read_bytes()[:crypto.HEADER_LEN] for _ in range(2)}
    salts = {h[len(crypto.MAGIC) + 14:len(crypto.MAGIC) + 30] for h in heads}
    assert len(heads) == 2 and len(salts) == 2 and all(len(s) == crypto.SALT_LEN for s in salts)


def test_backups_with_a_key_never_import_plugin_code(env, key, tmp_path):
    data, backups, plugins, dotenv = env
    marker = tmp_path / "plugin code ran"
    (plugins / "trap").mkdir()
    (plugins / "trap" / "__init__.py").write_text(f"open({str(marker)!r}, 'a').write('imported')\n")
    info = create(data, backups, plugins, dotenv)
    assert verify(info.path).ok
    restore(info.path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True, with_plugins=True)
    list_backups(backups)
    assert not marker.exists()


def test_the_key_is_read_at_each_backup_not_cached_across_changes(env, monkeypatch):
    data, backups, plugins, dotenv = env
    monkeypatch.setenv("QUALIA_BACKUP_KEY", KEY)
    first = create(data, backups, plugins, dotenv)
    monkeypatch.setenv("QUALIA_BACKUP_KEY", OTHER)
    second = create(data, backups, plugins, dotenv)
    assert verify(second.path).ok
    with pytest.raises(BackupKeyError):
        verify(first.path)  # the derived keys cached for listing are per passphrase
    monkeypatch.delenv("QUALIA_BACKUP_KEY")
    third = create(data, backups, plugins, dotenv)
    assert not third.encrypted and os.path.basename(third.path).endswith(".tar.gz")


def test_cleanup_deletes_old_encrypted_archives_with_their_verify_records(env, key):
    from datetime import datetime, timedelta, timezone

    from ops.backup import cleanup
    from ops.backup.settings import archive_of_sidecar, sidecar_path

    data, backups, plugins, dotenv = env
    infos = [create(data, backups, plugins, dotenv) for _ in range(3)]
    for info in infos:
        assert verify(info.path).ok and archive_of_sidecar(sidecar_path(info.path)) == info.path
    assert sidecar_path(infos[0].path).name.endswith(".enc.verified.json")
    later = datetime.now(timezone.utc) + timedelta(days=40)
    deleted = cleanup(backups, keep_days=30, keep_min=1, now=later)
    assert len(deleted) == 2 and all(n.endswith(".tar.gz.enc") for n in deleted)
    left = sorted(p.name for p in backups.iterdir() if p.name.startswith("qualia_backup_"))
    assert len(left) == 2 and {archive_of_sidecar(backups / n) for n in left if n.endswith(".json")} == {
        backups / n for n in left if n.endswith(".enc")}
