"""An encrypted archive can only be read exactly as it was written: altered, reordered, dropped, truncated or
appended chunks, and crafted headers, are refused before any of their plaintext is used."""

from __future__ import annotations

import importlib
import io
import os
import random
import struct

import pytest

from ops.backup import ArchiveRejected, BackupKeyError, create, restore, verify
from ops.backup import crypto
from test_backup_support import env, tree  # noqa: F401 - env

restore_module = importlib.import_module("ops.backup.restore")
KEY = "a long passphrase for the study backups"
STEP = crypto.CHUNK + crypto.TAG_LEN


@pytest.fixture
def sealed(env, monkeypatch, tmp_path):
    """(env, an encrypted archive of at least three chunks, its bytes)."""
    monkeypatch.setenv("QUALIA_BACKUP_KEY", KEY)
    data, backups, plugins, dotenv = env
    (data / "outputs" / "recording.bin").write_bytes(random.Random(7).randbytes(2 * crypto.CHUNK + 4096))
    info = create(data, backups, plugins, dotenv)
    blob = info.path.read_bytes()
    assert (len(blob) - crypto.HEADER_LEN) // STEP >= 2
    return env, info.path, blob


def chunks(blob: bytes) -> tuple[bytes, list[bytes]]:
    body = blob[crypto.HEADER_LEN:]
    return blob[:crypto.HEADER_LEN], [body[i:i + STEP] for i in range(0, len(body), STEP)]


def variants(blob: bytes) -> dict[str, bytes]:
    head, parts = chunks(blob)
    flipped = bytearray(blob)
    flipped[crypto.HEADER_LEN + STEP + 100] ^= 0x01
    return {
        "a flipped bit in chunk 1": bytes(flipped),
        "chunks 0 and 1 swapped": head + parts[1] + parts[0] + b"".join(parts[2:]),
        "the last chunk dropped": head + b"".join(parts[:-1]),
        "cut inside the last chunk": blob[:-7],
        "a chunk repeated": head + parts[0] + b"".join(parts),
        "bytes appended": blob + b"\0" * 32,
        "a tag cut off the last chunk": blob[:-crypto.TAG_LEN],
    }


@pytest.mark.parametrize("how", list(variants(b"\0" * (crypto.HEADER_LEN + 3 * STEP))))
def test_verify_refuses_every_alteration(sealed, tmp_path, how):
    _, path, blob = sealed
    bad = tmp_path / "bad.tar.gz.enc"
    bad.write_bytes(variants(blob)[how])
    report = verify(bad)
    assert not report.ok and report.encrypted
    assert any("fails authentication" in p or "truncated" in p for p in report.problems), report.problems


def test_restores_extraction_pass_authenticates_each_chunk_too(sealed, monkeypatch, tmp_path):
    """Even if the archive changes between the full verify and the extraction, nothing is swapped in."""
    (data, backups, plugins, dotenv), path, blob = sealed
    good = verify(path)
    before = tree(data)
    monkeypatch.setattr(restore_module, "verify", lambda p: good)
    for how, altered in variants(blob).items():
        path.write_bytes(altered)
        with pytest.raises(ArchiveRejected, match="fails authentication|truncated"):
            restore(path, data, backups, plugins_dir=plugins, env_file=dotenv, confirm=True)
        assert tree(data) == before, how
    assert not [p for p in data.parent.iterdir() if "restore" in p.name]  # no staging left


def test_a_header_altered_is_refused_like_a_wrong_key(sealed, tmp_path):
    _, path, blob = sealed
    bad = tmp_path / "bad.tar.gz.enc"
    altered = bytearray(blob)
    altered[crypto.HEADER_LEN - crypto.MAC_LEN - 1] ^= 0x01  # the nonce prefix
    bad.write_bytes(bytes(altered))
    with pytest.raises(BackupKeyError, match="header was altered"):
        verify(bad)


@pytest.mark.parametrize("field, value", [("memory", 1 << 31), ("time", 10**6), ("lanes", 1000), ("chunk", 1 << 30),
                                          ("version", 9)])
def test_a_crafted_header_costs_nothing_before_it_is_refused(sealed, tmp_path, monkeypatch, field, value):
    """Out-of-range KDF parameters or chunk size are refused before any key is derived or memory reserved."""
    _, path, blob = sealed
    version, kdf, time_cost, memory, lanes, salt, cipher, chunk, prefix = crypto._FIELDS.unpack(
        blob[len(crypto.MAGIC):len(crypto.MAGIC) + crypto._FIELDS.size])
    fields = dict(version=version, time=time_cost, memory=memory, lanes=lanes, chunk=chunk) | {field: value}
    head = crypto.MAGIC + crypto._FIELDS.pack(fields["version"], kdf, fields["time"], fields["memory"], fields["lanes"],
                                              salt, cipher, fields["chunk"], prefix)
    bad = tmp_path / "bad.tar.gz.enc"
    bad.write_bytes(head + blob[len(head):])
    monkeypatch.setattr(crypto, "_derive", lambda *a: pytest.fail("a key was derived for a crafted header"))
    report = verify(bad)
    assert not report.ok and ("out-of-range" in report.problems[0] or "format version 9" in report.problems[0])


def test_a_file_cut_inside_the_header_is_damaged_not_a_key_problem(sealed, tmp_path):
    _, path, blob = sealed
    bad = tmp_path / "bad.tar.gz.enc"
    bad.write_bytes(blob[:crypto.HEADER_LEN - 5])
    report = verify(bad)
    assert not report.ok and "truncated" in report.problems[0]


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 3 * 4096, 3 * 4096 + 5])
def test_the_stream_round_trips_at_every_chunk_boundary(size):
    key, prefix, aad = os.urandom(32), os.urandom(crypto.PREFIX_LEN), b"header"
    plain = random.Random(size).randbytes(size)
    out = io.BytesIO()
    sealer = crypto._Sealer(out, key, aad, prefix, chunk=4096)
    for i in range(0, size, 1000):  # written in pieces that straddle chunks
        sealer.write(plain[i:i + 1000])
    sealer.finish()
    sealed_bytes = out.getvalue()
    assert len(sealed_bytes) == size + crypto.TAG_LEN * max(1, -(-size // 4096))  # a tag per chunk, one at least
    opener = crypto._Opener(io.BytesIO(sealed_bytes), key, aad, prefix, 4096, "test")
    assert opener.read() == plain
    with pytest.raises(crypto.EncryptedArchiveDamaged):  # another associated data (a header) does not open it
        crypto._Opener(io.BytesIO(sealed_bytes), key, b"other", prefix, 4096, "test").read()


def test_an_unfinished_stream_reads_as_truncated():
    """A writer killed before finish() leaves a stream no reader accepts as complete."""
    key, prefix = os.urandom(32), os.urandom(crypto.PREFIX_LEN)
    out = io.BytesIO()
    sealer = crypto._Sealer(out, key, b"", prefix, chunk=4096)
    sealer.write(b"x" * 10000)  # two full chunks sealed, never finished
    assert len(out.getvalue()) == 2 * (4096 + crypto.TAG_LEN)
    with pytest.raises(crypto.EncryptedArchiveDamaged, match="truncated"):
        crypto._Opener(io.BytesIO(out.getvalue()), key, b"", prefix, 4096, "test").read()


def test_the_header_layout_is_what_the_module_documents():
    header, aad, _, prefix = crypto.new_header(KEY)
    assert len(header) == crypto.HEADER_LEN == 8 + 42 + 32 and header.startswith(aad) and aad.startswith(crypto.MAGIC)
    version, kdf, t, m, p, salt, cipher, chunk, stored_prefix = struct.unpack(">BBIII16sBI7s", aad[8:])
    assert (version, kdf, t, m, p, cipher, chunk) == (1, 1, 3, 65536, 4, 1, 1 << 20) and stored_prefix == prefix
