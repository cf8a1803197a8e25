"""Archives that are damaged, tampered with or unsafe are refused, and nothing is touched."""

from __future__ import annotations

import gzip
import importlib
import json
import tarfile

import pytest

from ops.backup import ArchiveRejected, create, list_backups, restore, save_upload, validate_upload, verify
from ops.backup.verify import VerifyReport
from test_backup_support import craft_archive, env, repack, tree  # noqa: F401 - env is a fixture

GOOD = ("data/ok.txt", b"fine\n")
restore_module = importlib.import_module("ops.backup.restore")  # the package exports the function as `restore`


def test_one_changed_byte_inside_a_member_is_refused_by_verify_and_restore(env, tmp_path):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    target = "data/outputs/Réunion d'équipe/nuage de mots été.png"
    bad = repack(info.path, backups / "qualia_backup_20240101_000000.tar.gz", change=target)
    report = verify(bad)
    assert not report.ok
    assert report.problems == [f"member {target!r} does not match its sha256 in the manifest: its content changed"]
    before = tree(data)
    with pytest.raises(ArchiveRejected, match="nothing was changed"):
        restore(bad, data, backups, plugins_dir=plugins, confirm=True)
    assert tree(data) == before
    assert {i.name for i in list_backups(backups)} == {info.name, bad.name}  # no safety backup was taken


def test_the_same_archive_unchanged_verifies(env):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    report = verify(info.path)
    assert report.ok and report.problems == [] and report.files_checked == info.file_count


def _symlink(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    return info


def _special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


def unsafe_members(outside):
    """(label, members, expected words in the problem) with `outside` a folder the archive must
    never write into."""
    sentinel = str(outside / "sentinel.txt")
    return [
        ("dot-dot", [GOOD, ("data/../../outside/sentinel.txt", b"x")], "'..'"),
        ("leading dot-dot", [GOOD, ("../outside/sentinel.txt", b"x")], "'..'"),
        ("absolute", [GOOD, (sentinel, b"x")], "absolute path"),
        ("symlink out", [GOOD, _symlink("data/link", str(outside)), ("data/link/sentinel.txt", b"x")],
         "symbolic link"),
        ("hard link", [GOOD, _special("data/hard", tarfile.LNKTYPE, sentinel)], "hard link"),
        ("character device", [GOOD, _special("data/dev", tarfile.CHRTYPE)], "character device"),
        ("fifo", [GOOD, _special("data/fifo", tarfile.FIFOTYPE)], "FIFO"),
        ("outside the layout", [GOOD, ("etc/sentinel.txt", b"x")], "outside the backup layout"),
    ]


@pytest.mark.parametrize("case", range(8), ids=[c[0] for c in unsafe_members(__import__("pathlib").Path("/x"))])
@pytest.mark.parametrize("listed", [False, True], ids=["unlisted", "listed in manifest"])
def test_unsafe_members_are_refused_and_nothing_is_written_outside(env, tmp_path, case, listed):
    data, backups, plugins, _ = env
    outside = tmp_path / "outside"
    label, members, words = unsafe_members(outside)[case]
    files = [m for m in members if isinstance(m, tuple)]
    archive = craft_archive(tmp_path / "qualia_backup_20240101_000000.tar.gz", members,
                            listed=files if listed else [GOOD])
    report = verify(archive)
    assert not report.ok and any(words in p for p in report.problems), report.problems
    before = tree(data)
    with pytest.raises(ArchiveRejected):
        restore(archive, data, backups, plugins_dir=plugins, confirm=True)
    assert not outside.exists() and tree(data) == before
    assert not (tmp_path / "sentinel.txt").exists()


@pytest.mark.parametrize("case", [0, 1, 2, 3], ids=["dot-dot", "leading dot-dot", "absolute", "symlink out"])
def test_the_extraction_pass_refuses_unsafe_members_even_if_verify_were_fooled(env, tmp_path, monkeypatch, case):
    """Defence in depth: restore checks every member again, through tarfile, before writing it —
    so a parser difference or an archive swapped after verify cannot write outside."""
    data, backups, plugins, _ = env
    outside = tmp_path / "outside"
    label, members, words = unsafe_members(outside)[case]
    files = [m for m in members if isinstance(m, tuple)]
    archive = craft_archive(tmp_path / "evil.tar.gz", members, listed=files)
    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())
    # the manifest rules would refuse these names too: pretend both checks of the first pass passed
    monkeypatch.setattr(restore_module, "verify", lambda path: VerifyReport(name="evil", ok=True, manifest=manifest))
    before = tree(data)
    with pytest.raises(ArchiveRejected, match=words):  # our own rule, before tarfile's data filter
        restore(archive, data, backups, plugins_dir=plugins, confirm=True)
    assert not outside.exists() and tree(data) == before
    assert not any("restore-stage" in p.name for p in data.parent.iterdir())


@pytest.mark.parametrize("spoil, words", [
    (lambda b: b[: len(b) // 2], "truncated"),
    (lambda b: b + b"garbage after the end", "after the end"),
    (lambda b: b"", "empty"),
    (lambda b: b"PK\x03\x04 a zip file, not a tar.gz" * 10, "not a gzip file"),
    (lambda b: b[:40] + bytes([b[40] ^ 0xFF]) + b[41:], ""),
], ids=["truncated", "trailing garbage", "empty", "not gzip", "flipped compressed byte"])
def test_a_damaged_archive_file_fails_verify(env, tmp_path, spoil, words):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    bad = tmp_path / info.name
    bad.write_bytes(spoil(info.path.read_bytes()))
    report = verify(bad)
    assert not report.ok and words in " ".join(report.problems)


def test_a_member_missing_from_the_archive_is_a_problem(tmp_path):
    archive = craft_archive(tmp_path / "a.tar.gz", [GOOD], listed=[GOOD, ("data/gone.txt", b"lost")])
    assert verify(archive).problems == ["'data/gone.txt' is listed in the manifest but missing from the archive"]


def test_an_archive_without_a_manifest_first_is_not_a_qualia_backup(tmp_path):
    path = tmp_path / "plain.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(__file__, arcname="data/x.py")
    assert "not a Qualia backup" in verify(path).problems[0]


def test_an_uploaded_archive_gets_exactly_the_same_checks(env, tmp_path):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv, include_env=True)
    good = info.path.read_bytes()
    assert validate_upload(good).ok
    bad = repack(info.path, tmp_path / "bad.tar.gz", change="env/.env")
    assert validate_upload(bad.read_bytes()).problems == verify(bad).problems != []
    with pytest.raises(ArchiveRejected):
        save_upload(bad.read_bytes(), backups, "qualia_backup_20240101_000000.tar.gz")
    assert [i.name for i in list_backups(backups)] == [info.name]  # nothing written
    info.path.unlink()
    stored = save_upload(good, backups, "whatever I called it.tar.gz")
    assert stored.name.endswith("_uploaded.tar.gz") and stored.verified and stored.file_count == info.file_count


def test_the_verified_flag_lasts_only_while_the_archive_is_unchanged(env):
    data, backups, plugins, dotenv = env
    info = create(data, backups, plugins, dotenv)
    assert not list_backups(backups)[0].verified
    verify(info.path)
    assert list_backups(backups)[0].verified
    raw = info.path.read_bytes()
    info.path.write_bytes(raw[:-8] + gzip.compress(b"")[-8:])
    listed = list_backups(backups)[0]
    assert not listed.verified and listed.last_verify_ok is None
