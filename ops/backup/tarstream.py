"""The bytes of an archive: tar members in gzip, written and read in one pass.

Writing: each member is tarfile's own header (`TarInfo.tobuf`, POSIX pax format so any name
survives) followed by its data and padding, fed to zlib in gzip mode at level 6 (tar's default;
tarfile's 9 is slower for almost nothing). An archive is three gzip members back to back (the
manifest, the files, the end-of-archive blocks), which gzip, GNU tar and Python's gzip module read
as one stream.

Reading (verify): a forward-only inflater with a small tar header parser that hashes each member's
data straight from the decompressed buffer. Restore does not rely on it: its extraction pass goes
through tarfile and checks every member again (see restore.py).
"""

from __future__ import annotations

import tarfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Protocol

BLOCK = tarfile.BLOCKSIZE
RECORD = tarfile.RECORDSIZE
ZEROS = bytes(RECORD)
LEVEL = 6
READ_CHUNK = 1 << 16
MAX_OUT = 1 << 22  # decompressed bytes per step
REGULAR = (tarfile.REGTYPE, tarfile.AREGTYPE)
TYPE_NAMES = {
    tarfile.LNKTYPE: "a hard link", tarfile.SYMTYPE: "a symbolic link", tarfile.CHRTYPE: "a character device",
    tarfile.BLKTYPE: "a block device", tarfile.FIFOTYPE: "a FIFO", tarfile.CONTTYPE: "a contiguous file",
    tarfile.GNUTYPE_LONGNAME: "a GNU long-name header", tarfile.GNUTYPE_LONGLINK: "a GNU long-link header",
    tarfile.GNUTYPE_SPARSE: "a sparse file", tarfile.XGLTYPE: "a global pax header",
}


class ArchiveDamaged(Exception):
    """The gzip or tar structure is broken; the message says where."""


# ----------------------------------------------------------------------------- writing
class GzipMember:
    """One gzip member written to `out`; `offset` counts the uncompressed (tar) bytes."""

    def __init__(self, out: BinaryIO, level: int = LEVEL):
        self.out = out
        self._z = zlib.compressobj(level, zlib.DEFLATED, 31)
        self.offset = 0

    def write(self, data: bytes | memoryview) -> None:
        chunk = self._z.compress(data)
        if chunk:
            self.out.write(chunk)
        self.offset += len(data)

    def pad(self) -> None:
        """Zero-fill to the next tar block."""
        extra = -self.offset % BLOCK
        if extra:
            self.write(ZEROS[:extra])

    def close(self) -> None:
        self.out.write(self._z.flush())


def header(name: str, size: int, mtime: float, mode: int, is_dir: bool = False) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = 0 if is_dir else size
    info.mtime = int(mtime)
    info.mode = mode & 0o7777
    info.type = tarfile.DIRTYPE if is_dir else tarfile.REGTYPE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def end_blocks(offset: int) -> bytes:
    """Two zero blocks, then zeros up to a whole tar record, for an archive `offset` bytes long."""
    end = offset + 2 * BLOCK
    return bytes(2 * BLOCK + (-end % RECORD))


# ----------------------------------------------------------------------------- reading
class _Sink(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...


class _Discard:
    def update(self, data: bytes | memoryview, /) -> None:
        pass


class Inflater:
    """Reads the decompressed bytes of a (multi-member) gzip file, forward only.

    zlib checks each member's CRC-32 and length itself; a truncated or altered stream raises
    ArchiveDamaged."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self._z = zlib.decompressobj(31)
        self._buf = b""
        self._off = 0
        self.pos = 0
        self.done = False

    def _more(self) -> bool:
        try:
            while True:
                if self._z.eof:
                    rest = self._z.unused_data or self.raw.read(READ_CHUNK)
                    if not rest.strip(b"\0"):  # the end, or zero padding that some tools add
                        self._only_zeros_follow()
                        self.done = True
                        return False
                    self._z = zlib.decompressobj(31)
                    try:
                        out = self._z.decompress(rest, MAX_OUT)
                    except zlib.error:
                        raise ArchiveDamaged("unexpected data after the end of a compressed block "
                                             "(garbage appended, or a damaged gzip header)") from None
                else:
                    data = self._z.unconsumed_tail or self.raw.read(READ_CHUNK)
                    if not data:
                        raise ArchiveDamaged("the file is empty" if self.pos == 0 and not self._buf
                                             else "the compressed data ends early: the archive is truncated")
                    out = self._z.decompress(data, MAX_OUT)  # bounded: a crafted archive cannot blow up memory
                if out:
                    self._buf = self._buf[self._off:] + out if self._off < len(self._buf) else out
                    self._off = 0
                    return True
        except zlib.error as exc:
            where = "not a gzip file" if self.pos == 0 and not self._buf else "the compressed data is damaged"
            raise ArchiveDamaged(f"{where} ({exc})") from None

    def _only_zeros_follow(self) -> None:
        while data := self.raw.read(READ_CHUNK):
            if data.strip(b"\0"):
                raise ArchiveDamaged("unexpected data after the end of the compressed archive")

    def read(self, n: int) -> bytes:
        while len(self._buf) - self._off < n and self._more():
            pass
        data = self._buf[self._off:self._off + n]
        self._off += len(data)
        self.pos += len(data)
        return data

    def feed(self, n: int, sink: _Sink) -> None:
        """Pass exactly the next `n` bytes to sink.update (a hash), without copying them."""
        while n > 0:
            if self._off >= len(self._buf) and not self._more():
                raise ArchiveDamaged("the archive ends inside a member's data: it is truncated")
            take = min(n, len(self._buf) - self._off)
            sink.update(memoryview(self._buf)[self._off:self._off + take])
            self._off += take
            self.pos += take
            n -= take

    def skip(self, n: int) -> None:
        self.feed(n, _Discard())

    def rest_is_zeros(self) -> bool:
        """Read to the end of the stream (so every CRC is checked); True if only zeros remained."""
        clean = not self._buf[self._off:].strip(b"\0")
        self._buf, self._off = b"", 0
        while self._more():
            clean = clean and not self._buf.strip(b"\0")
            self.pos += len(self._buf)
            self._buf, self._off = b"", 0
        return clean


@dataclass
class Member:
    name: str
    type: bytes
    size: int
    mode: int
    mtime: int
    linkname: str = ""

    @property
    def is_file(self) -> bool:
        return self.type in REGULAR

    @property
    def is_dir(self) -> bool:
        return self.type == tarfile.DIRTYPE

    def kind(self) -> str:
        if self.is_file:
            return "a regular file"
        if self.is_dir:
            return "a folder"
        return TYPE_NAMES.get(self.type, f"an unsupported member type {self.type!r}")


def _text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _number(raw: bytes) -> int:
    if raw[:1] in (b"\x80", b"\xff"):  # base-256 (GNU) for large values
        value = int.from_bytes(raw[1:], "big")
        return value - (1 << (8 * len(raw) - 8)) if raw[0] == 0xFF else value
    text = raw.split(b"\0", 1)[0].strip(b" ")
    try:
        return int(text or b"0", 8)
    except ValueError:
        raise ArchiveDamaged(f"a tar header has an invalid number {text!r}") from None


def _parse_pax(data: bytes) -> dict[str, bytes]:
    records: dict[str, bytes] = {}
    pos = 0
    while pos < len(data) and data[pos:pos + 1] != b"\0":
        space = data.find(b" ", pos)
        try:
            length = int(data[pos:space])
        except ValueError:
            raise ArchiveDamaged("a pax header is malformed") from None
        record = data[space + 1:pos + length]
        if length <= 0 or not record.endswith(b"\n") or b"=" not in record:
            raise ArchiveDamaged("a pax header is malformed")
        key, _, value = record[:-1].partition(b"=")
        records[key.decode("utf-8", "surrogateescape")] = value
        pos += length
    return records


def parse_header(block: bytes) -> Member:
    stored = _number(block[148:156])
    unsigned = sum(block) - sum(block[148:156]) + 8 * 32
    if stored != unsigned and stored != unsigned - 256 * sum(1 for b in block if b > 127):  # signed variant
        raise ArchiveDamaged("a tar header's checksum is wrong: the archive is damaged")
    name = _text(block[0:100])
    if block[257:263] == b"ustar\0":  # POSIX ustar: a name prefix may hold the leading folders
        prefix = _text(block[345:500])
        if prefix:
            name = f"{prefix}/{name}"
    kind = block[156:157] or tarfile.AREGTYPE
    return Member(name=name, type=kind, size=_number(block[124:136]), mode=_number(block[100:108]),
                  mtime=_number(block[136:148]), linkname=_text(block[157:257]))


def iter_members(inf: Inflater) -> Iterator[Member]:
    """Members in order. The caller may consume some or all of a member's data from `inf`; the
    rest and the padding are skipped before the next header. Raises ArchiveDamaged; a missing
    end-of-archive marker is reported as damage too."""
    pax: dict[str, bytes] = {}
    while True:
        block = inf.read(BLOCK)
        if len(block) < BLOCK:
            raise ArchiveDamaged("the archive has no end-of-archive marker: it is truncated")
        if not block.strip(b"\0"):
            return
        member = parse_header(block)
        if member.type == tarfile.XHDTYPE:
            data = inf.read(member.size)
            inf.skip(-member.size % BLOCK)
            pax = _parse_pax(data)
            continue
        if "path" in pax:
            member.name = pax["path"].decode("utf-8", "surrogateescape")
        if "linkpath" in pax:
            member.linkname = pax["linkpath"].decode("utf-8", "surrogateescape")
        if "size" in pax:
            try:
                member.size = int(pax["size"])
            except ValueError:
                raise ArchiveDamaged("a pax header has an invalid size") from None
        pax = {}
        if member.size < 0:
            raise ArchiveDamaged(f"member {member.name!r} has a negative size")
        if member.is_dir:
            member.name = member.name.rstrip("/")
        end = inf.pos + member.size + (-member.size % BLOCK)
        yield member
        if inf.pos > end:
            raise ArchiveDamaged("a member was read past its end")
        inf.skip(end - inf.pos)
