"""Encrypted archives: a layer around the archive file when QUALIA_BACKUP_KEY is set.

An encrypted archive is the very gzip'd tar an unencrypted one is, sealed chunk by chunk with
AES-256-GCM (`cryptography`) in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015,
as in Tink and age), so archives of any size are written and read in bounded memory:

    header   MAGIC(8) version(1) kdf(1) time_cost(4) memory_KiB(4) parallelism(4) salt(16)
             cipher(1) chunk_size(4) nonce_prefix(7) | HMAC-SHA256 of the preceding bytes (32)
    chunks   AES-256-GCM(plaintext chunk) || tag(16), chunk_size bytes of plaintext each but the
             last (0..chunk_size); nonce = nonce_prefix(7) || counter(4, big-endian) || last(1)

The passphrase is stretched with argon2id (`argon2-cffi`; RFC 9106's second recommended setting:
3 passes over 64 MiB, 4 lanes) and a fresh random salt per archive into 64 bytes: an encryption key
and a key for the header's HMAC. The header without its HMAC is the associated data of every chunk.
So a wrong key is told apart from damage (the header's HMAC fails before any chunk is read), and
altered, reordered, dropped or truncated chunks fail authentication (the counter and the last-chunk
flag are in the nonce); nothing is handed on before its chunk is authenticated. The KDF parameters
and chunk size read from a header are bounded, so a crafted header cannot make a reader spend
unbounded memory or time.

While an encrypted archive is written, the body (every file, before the manifest can be put in
front of it) waits in a temporary file sealed with a random key that never leaves the process
(`scratch_key`), so no plaintext of the study reaches the backup dir.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import struct
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from qualia_core import config

from .settings import BackupError
from .tarstream import ArchiveDamaged

MAGIC = b"\x89QBK\r\n\x1a\n"  # like PNG's: a text-mode or 7-bit copy damages it visibly
VERSION = 1
KDF_ARGON2ID = 1
CIPHER_AES256GCM = 1
TIME_COST, MEMORY_KIB, PARALLELISM = 3, 64 * 1024, 4
SALT_LEN, PREFIX_LEN, TAG_LEN, MAC_LEN = 16, 7, 16, 32
CHUNK = 1 << 20
_FIELDS = struct.Struct(">BBIII16sBI7s")
HEADER_LEN = len(MAGIC) + _FIELDS.size + MAC_LEN
# bounds for what a header may ask of a reader
MAX_TIME_COST, MAX_MEMORY_KIB, MAX_PARALLELISM = 16, 1 << 20, 16
MIN_CHUNK, MAX_CHUNK = 1 << 12, 1 << 24
MAX_CHUNKS = 1 << 32
KEY_VARIABLE = "QUALIA_BACKUP_KEY"


class BackupKeyError(BackupError):
    """An encrypted archive cannot be opened: QUALIA_BACKUP_KEY is missing or is not the archive's key.
    `short` says which, for a list of archives."""

    def __init__(self, message: str, short: str):
        super().__init__(message)
        self.short = short


class EncryptedArchiveDamaged(ArchiveDamaged):
    """An encrypted archive's header or a chunk is malformed, truncated or fails authentication."""


def passphrase() -> str | None:
    """QUALIA_BACKUP_KEY, or None when it is not set. Too short a key raises SettingsError naming it."""
    return config.get(KEY_VARIABLE) or None


# ----------------------------------------------------------------------------- keys
_cache: OrderedDict[tuple[bytes, bytes], tuple[bytes, bytes]] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 64


def _derive(secret: str, params: bytes, time_cost: int, memory_kib: int, parallelism: int,
            salt: bytes) -> tuple[bytes, bytes]:
    """(encryption key, header MAC key) for this passphrase and header; each archive's salt is derived
    once per process (listing archives reads their manifests)."""
    from argon2.low_level import Type, hash_secret_raw

    ident = (hashlib.sha256(secret.encode("utf-8")).digest(), params)
    with _cache_lock:
        if ident in _cache:
            _cache.move_to_end(ident)
            return _cache[ident]
    raw = hash_secret_raw(secret.encode("utf-8"), salt, time_cost, memory_kib, parallelism, 64, Type.ID)
    keys = (raw[:32], raw[32:])
    with _cache_lock:
        _cache[ident] = keys
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return keys


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _aead(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


# ----------------------------------------------------------------------------- writing
class _Sealer(io.RawIOBase):
    """Writes what it is given to `raw` as sealed chunks; `finish()` seals the last one. A sealer dropped
    without `finish()` leaves a stream any reader rejects as truncated."""

    def __init__(self, raw: BinaryIO, key: bytes, aad: bytes, prefix: bytes, chunk: int = CHUNK):
        self._raw, self._aead, self._aad, self._prefix, self._chunk = raw, _aead(key), aad, prefix, chunk
        self._buf = bytearray()
        self._counter = 0
        self._finished = False

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self._finished:
            raise ValueError("write to a finished encrypted stream")
        self._buf += data
        while len(self._buf) > self._chunk:  # more follows: never the last chunk
            self._seal(bytes(self._buf[:self._chunk]), last=False)
            del self._buf[:self._chunk]
        return len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        if self._counter >= MAX_CHUNKS:
            raise BackupError("The archive is too large to encrypt in one stream (over 2^32 chunks).")
        self._raw.write(self._aead.encrypt(_nonce(self._prefix, self._counter, last), plain, self._aad))
        self._counter += 1

    def finish(self) -> None:
        self._seal(bytes(self._buf), last=True)
        self._buf.clear()
        self._finished = True


def new_header(secret: str) -> tuple[bytes, bytes, bytes, bytes]:
    """(header with its HMAC, associated data, encryption key, nonce prefix) for a new archive."""
    salt, prefix = os.urandom(SALT_LEN), os.urandom(PREFIX_LEN)
    fields = MAGIC + _FIELDS.pack(VERSION, KDF_ARGON2ID, TIME_COST, MEMORY_KIB, PARALLELISM, salt,
                                  CIPHER_AES256GCM, CHUNK, prefix)
    enc_key, mac_key = _derive(secret, fields, TIME_COST, MEMORY_KIB, PARALLELISM, salt)
    return fields + hmac.new(mac_key, fields, hashlib.sha256).digest(), fields, enc_key, prefix


@contextmanager
def sealing(raw: BinaryIO, secret: str | None) -> Iterator[BinaryIO]:
    """Where an archive is written: `raw` itself without a key; with one, an encrypting stream whose
    header goes first and whose last chunk is sealed when the block ends without an error."""
    if not secret:
        yield raw
        return
    header, aad, key, prefix = new_header(secret)
    raw.write(header)
    sealer = _Sealer(raw, key, aad, prefix)
    yield sealer
    sealer.finish()


def scratch_key(enabled: bool) -> bytes | None:
    """A random key for one temporary file of one backup (None when archives are not encrypted)."""
    return os.urandom(32) if enabled else None


_SCRATCH_AAD = b"qualia backup scratch"
_SCRATCH_PREFIX = bytes(PREFIX_LEN)  # the key is fresh for every file: the counter alone keeps nonces unique


@contextmanager
def scratch_writing(raw: BinaryIO, key: bytes | None) -> Iterator[BinaryIO]:
    if key is None:
        yield raw
        return
    sealer = _Sealer(raw, key, _SCRATCH_AAD, _SCRATCH_PREFIX)
    yield sealer
    sealer.finish()


def scratch_reader(raw: BinaryIO, key: bytes | None) -> BinaryIO:
    return raw if key is None else _Opener(raw, key, _SCRATCH_AAD, _SCRATCH_PREFIX, CHUNK, "a temporary file")


# ----------------------------------------------------------------------------- reading
class _Opener(io.RawIOBase):
    """The plaintext of a sealed stream, forward only; each chunk is authenticated before any of it is
    returned. Raises EncryptedArchiveDamaged on a damaged, altered, reordered or truncated stream."""

    def __init__(self, raw: BinaryIO, key: bytes, aad: bytes, prefix: bytes, chunk: int, name: str):
        self._raw, self._aead, self._aad, self._prefix = raw, _aead(key), aad, prefix
        self._size = chunk + TAG_LEN
        self._name = name
        self._pending = self._read_exact(self._size)
        self._counter = 0
        self._buf, self._off = b"", 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _read_exact(self, n: int) -> bytes:
        data = self._raw.read(n)
        while data and len(data) < n:
            more = self._raw.read(n - len(data))
            if not more:
                break
            data += more
        return data

    def _next(self) -> bool:
        if self._done:
            return False
        data = self._pending
        following = self._read_exact(self._size) if len(data) == self._size else b""
        last = not following
        if len(data) < TAG_LEN:
            raise EncryptedArchiveDamaged(f"{self._name} ends early: the encrypted archive is truncated")
        if self._counter >= MAX_CHUNKS:
            raise EncryptedArchiveDamaged(f"{self._name} has too many chunks")
        from cryptography.exceptions import InvalidTag

        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._counter, last), data, self._aad)
        except InvalidTag:
            where = "its end is missing (truncated) or its last chunk" if last else f"chunk {self._counter}"
            raise EncryptedArchiveDamaged(
                f"{self._name} fails authentication: {where} was damaged or altered "
                "(an encrypted archive can only be read exactly as it was written)") from None
        self._counter += 1
        self._pending, self._done = following, last
        self._buf, self._off = plain, 0
        return True

    def readinto(self, b) -> int:
        while self._off >= len(self._buf):
            if not self._next():
                return 0
        n = min(len(b), len(self._buf) - self._off)
        b[:n] = self._buf[self._off:self._off + n]
        self._off += n
        return n


def _parse_header(head: bytes, name: str) -> tuple[bytes, tuple[int, int, int, bytes, int, bytes]]:
    if len(head) < HEADER_LEN:
        raise EncryptedArchiveDamaged(f"{name} ends inside its encryption header: it is truncated")
    fields = head[:len(MAGIC) + _FIELDS.size]
    version, kdf, time_cost, memory, lanes, salt, cipher, chunk, prefix = _FIELDS.unpack(fields[len(MAGIC):])
    if version != VERSION:
        raise EncryptedArchiveDamaged(f"{name} is encrypted with format version {version}, which this Qualia does "
                                      f"not read (it reads version {VERSION}); update Qualia to open it")
    if kdf != KDF_ARGON2ID or cipher != CIPHER_AES256GCM:
        raise EncryptedArchiveDamaged(f"{name} names an unknown key derivation or cipher ({kdf}, {cipher})")
    if not (1 <= time_cost <= MAX_TIME_COST and 8 * lanes <= memory <= MAX_MEMORY_KIB
            and 1 <= lanes <= MAX_PARALLELISM and MIN_CHUNK <= chunk <= MAX_CHUNK):
        raise EncryptedArchiveDamaged(f"{name} has out-of-range encryption parameters in its header (argon2id "
                                      f"t={time_cost}, m={memory} KiB, p={lanes}; chunk {chunk} bytes)")
    return fields, (time_cost, memory, lanes, salt, chunk, prefix)


def _open_sealed(raw: BinaryIO, head: bytes, name: str) -> BinaryIO:
    fields, (time_cost, memory, lanes, salt, chunk, prefix) = _parse_header(head, name)
    secret = passphrase()
    if not secret:
        raise BackupKeyError(f"{name} is encrypted: set {KEY_VARIABLE} to the passphrase it was made with to read, "
                             "verify or restore it. Nothing was changed.",
                             f"encrypted; set {KEY_VARIABLE} to read it")
    enc_key, mac_key = _derive(secret, fields, time_cost, memory, lanes, salt)
    if not hmac.compare_digest(hmac.new(mac_key, fields, hashlib.sha256).digest(), head[len(fields):HEADER_LEN]):
        raise BackupKeyError(f"{KEY_VARIABLE} does not open {name}: it is not the passphrase the archive was made "
                             f"with (or the archive's header was altered). Set {KEY_VARIABLE} to that passphrase. "
                             "Nothing was changed.", f"encrypted with another key than {KEY_VARIABLE}")
    return _Opener(raw, enc_key, fields, prefix, chunk, name)


class _Prefixed(io.RawIOBase):
    """`head` followed by the rest of `raw`: a stream whose first bytes were read to look at them."""

    def __init__(self, head: bytes, raw: BinaryIO):
        self._head, self._raw = head, raw

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._raw.read(len(b))
        b[:len(data)] = data
        return len(data)


def plain_stream(raw: BinaryIO, name: str) -> tuple[BinaryIO, bool]:
    """(the archive's plaintext, whether it is encrypted) for a stream positioned at its start. An encrypted
    one needs QUALIA_BACKUP_KEY (BackupKeyError when missing or wrong); an unencrypted one reads as it is,
    key or not."""
    head = raw.read(HEADER_LEN)
    if head[:len(MAGIC)] == MAGIC:
        return _open_sealed(raw, head, name), True
    if hasattr(raw, "seekable") and raw.seekable():
        raw.seek(-len(head), io.SEEK_CUR)
        return raw, False
    return _Prefixed(head, raw), False


@contextmanager
def open_plain(path: str | Path) -> Iterator[tuple[BinaryIO, bool]]:
    """The archive at `path` as (plaintext stream, encrypted), the file closed afterwards."""
    path = Path(path)
    with open(path, "rb") as raw:
        yield plain_stream(raw, path.name)


def is_encrypted(path: str | Path | BinaryIO) -> bool:
    """Whether the archive starts like an encrypted one (reads its first 8 bytes; no key needed)."""
    if isinstance(path, (str, Path)):
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    start = path.tell()
    try:
        return path.read(len(MAGIC)) == MAGIC
    finally:
        path.seek(start)
