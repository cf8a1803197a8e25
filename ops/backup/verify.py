"""verify: gzip and tar integrity, the layout rules, and every sha256 against the manifest.

One streaming pass: members are hashed straight from the decompressed data. A member is a problem
when its name is unsafe (absolute, `..`, outside data/ plugins/ env/.env), when it is anything but
a regular file or a folder (symlink, hard link, device, FIFO…), when the manifest does not list it
or lists another size, when it appears twice, or when its bytes do not hash to the manifest's
sha256; a manifest entry with no member is a problem too. An archived SQLite database (the study's
`data/qualia.db`, and any other the manifest lists) is also written to a private temporary file as
it is hashed, and must open and pass `PRAGMA integrity_check`; its documents are read then, for a
restore's plan. Uploaded archives go through exactly the same checks (`validate_upload`) before
anything is written. An encrypted archive is read through crypto.py (QUALIA_BACKUP_KEY; BackupKeyError,
with no verify record written, when the key is missing or wrong), and its database is checked in the
system's temporary dir rather than beside the archive; an unencrypted one verifies with or without a key.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from . import crypto
from . import database as db
from . import manifest as mf
from .info import read_manifest_from, write_sidecar
from .settings import TEMP_PREFIX, is_archive_name
from .tarstream import ArchiveDamaged, Inflater, Member

log = logging.getLogger(__name__)

MAX_PROBLEMS = 50


@dataclass
class VerifyReport:
    """ok is True only when nothing at all is wrong. `problems` are sentences naming the member."""

    name: str
    ok: bool = False
    problems: list[str] = field(default_factory=list)
    files_checked: int = 0
    bytes_checked: int = 0
    summary: dict[str, Any] | None = None  # manifest summary: created_at, host, app_version, files…
    encrypted: bool = False  # the archive is sealed with QUALIA_BACKUP_KEY
    manifest: dict[str, Any] | None = field(default=None, repr=False)
    # the documents of each sound archived study database: {member: {id: {sha256, name, speakers}}}
    documents: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("manifest", "documents")}

    def describe(self) -> str:
        if self.ok:
            return (f"{self.name}: OK ({self.files_checked} files, {self.bytes_checked} bytes checked; "
                    f"{'encrypted' if self.encrypted else 'not encrypted'})")
        shown = "\n  ".join(self.problems[:10])
        more = f"\n  … and {len(self.problems) - 10} more" if len(self.problems) > 10 else ""
        return f"{self.name}: FAILED\n  {shown}{more}"


class _Problems(list):
    def add(self, text: str) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(text)
        elif len(self) == MAX_PROBLEMS:
            self.append("… more problems not listed")


def member_problem(name: str, kind_ok: bool, kind: str, is_dir: bool, size: int,
                   files: dict[str, dict], dirs: set[str], seen: set[str]) -> str | None:
    """The rule a member breaks, or None. Shared by verify and the restore's extraction pass."""
    problem = mf.name_problem(name)
    if problem:
        return f"member {name!r} {problem}"
    if not kind_ok:
        return f"member {name!r} is {kind}: only regular files and folders are accepted"
    if name in seen:
        return f"member {name!r} appears twice in the archive"
    listed = name in dirs if is_dir else name in files
    if not listed:
        return f"member {name!r} is not listed in the manifest"
    if not is_dir and files[name]["size"] != size:
        return f"member {name!r} has {size} bytes but the manifest says {files[name]['size']}"
    return None


class _Tee:
    """A hash that also writes what it is fed to a file."""

    def __init__(self, sha, out: BinaryIO):
        self.sha, self.out = sha, out

    def update(self, data) -> None:
        self.sha.update(data)
        self.out.write(data)


def verify_stream(raw: BinaryIO, name: str, scratch: str | Path | None = None) -> VerifyReport:
    """`scratch`: where archived databases are copied to be checked (default: the system's temporary dir)."""
    report = VerifyReport(name=name)
    problems = _Problems()
    try:
        inf = Inflater(raw)
        manifest, members = read_manifest_from(inf)
        report.manifest, report.summary = manifest, mf.summary(manifest)
        files = {f["path"]: f for f in manifest["files"]}
        dirs = set(manifest["dirs"])
        databases = mf.database_members(manifest)
        seen: set[str] = set()
        for member in members:
            _check(inf, member, files, dirs, seen, problems, report, databases, scratch)
        for missing in sorted((set(files) | dirs) - seen):
            problems.add(f"{missing!r} is listed in the manifest but missing from the archive")
        if not inf.rest_is_zeros():
            problems.add("the archive has data after its end-of-archive marker")
    except (ArchiveDamaged, mf.ManifestError) as exc:
        problems.add(str(exc))
    except OSError as exc:
        problems.add(f"the archive could not be read: {exc}")
    report.problems = list(problems)
    report.ok = not problems
    return report


def _check(inf: Inflater, member: Member, files: dict[str, dict], dirs: set[str], seen: set[str],
           problems: _Problems, report: VerifyReport, databases: set[str] = frozenset(),
           scratch: str | Path | None = None) -> None:
    problem = member_problem(member.name, member.is_file or member.is_dir, member.kind(), member.is_dir,
                             member.size, files, dirs, seen)
    if problem:
        problems.add(problem)
        return
    seen.add(member.name)
    if member.is_dir:
        return
    sha = hashlib.sha256()
    if member.name in databases:
        _check_database(inf, member, files, problems, report, scratch)
        return
    inf.feed(member.size, sha)
    if sha.hexdigest() != files[member.name]["sha256"]:
        problems.add(f"member {member.name!r} does not match its sha256 in the manifest: its content changed")
    report.files_checked += 1
    report.bytes_checked += member.size


def _scratch_file(scratch: str | Path | None) -> tuple[int, str]:
    if scratch is not None:
        try:
            return tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".verify.tmp", dir=scratch)  # cleanup knows it
        except OSError:  # a read-only folder: the system's temporary dir will do
            pass
    return tempfile.mkstemp(prefix="qualia_verify_", suffix=".db")


def _check_database(inf: Inflater, member: Member, files: dict[str, dict], problems: _Problems,
                    report: VerifyReport, scratch: str | Path | None) -> None:
    """Hash a database member while copying it to a private file, then open it with SQLite: it must pass
    PRAGMA integrity_check. Its documents are kept for a restore's plan."""
    sha = hashlib.sha256()
    fd, tmp = _scratch_file(scratch)
    try:
        with open(fd, "wb") as out:
            inf.feed(member.size, _Tee(sha, out))
        report.files_checked += 1
        report.bytes_checked += member.size
        if sha.hexdigest() != files[member.name]["sha256"]:
            problems.add(f"member {member.name!r} does not match its sha256 in the manifest: its content changed")
            return
        found = db.check(Path(tmp), member.name)
        for problem in found:
            problems.add(problem)
        if not found:
            try:
                docs = db.documents(Path(tmp))
            except sqlite3.Error as exc:
                problems.add(f"member {member.name!r} is a database whose documents cannot be read ({exc})")
                return
            if docs is not None:
                report.documents[member.name] = docs
    finally:
        for leftover in (tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"):
            try:
                os.unlink(leftover)
            except FileNotFoundError:
                pass


def verify(path: str | Path) -> VerifyReport:
    """Check an archive completely. The outcome is remembered beside it (NAME.verified.json, for
    this size and modification time) so the backup list can show it without reading the archive.
    Raises crypto.BackupKeyError when the archive is encrypted and QUALIA_BACKUP_KEY is missing or wrong."""
    path = Path(path)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        return VerifyReport(name=path.name, problems=[f"cannot open {path}: {exc.strerror or exc}"])
    with fh:
        st = os.fstat(fh.fileno())
        try:
            stream, encrypted = crypto.plain_stream(fh, path.name)
        except crypto.EncryptedArchiveDamaged as exc:
            stream, encrypted = None, True
            report = VerifyReport(name=path.name, problems=[str(exc)], encrypted=True)
        if stream is not None:
            report = verify_stream(stream, path.name, scratch=None if encrypted else path.parent)
            report.encrypted = encrypted
    if is_archive_name(path.name):
        write_sidecar(path, (st.st_size, st.st_mtime_ns), report.ok, report.problems, report.summary,
                      datetime.now(timezone.utc).isoformat(timespec="seconds"))
    log.info("backup: verified %s: %s (%d problems)", path.name, "ok" if report.ok else "FAILED",
             len(report.problems))
    return report


def validate_upload(data: bytes | bytearray | memoryview | str | Path | BinaryIO,
                    name: str = "uploaded archive") -> VerifyReport:
    """The same checks as verify() for an archive uploaded from the page (bytes, a path or a file
    object such as Streamlit's UploadedFile), before anything is written anywhere."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return _validate(io.BytesIO(bytes(data)), name)
    if isinstance(data, (str, Path)):
        with open(data, "rb") as fh:
            return _validate(fh, Path(data).name)
    if hasattr(data, "seek"):
        data.seek(0)
    return _validate(data, getattr(data, "name", None) or name)


def _validate(raw: BinaryIO, name: str) -> VerifyReport:
    try:
        stream, encrypted = crypto.plain_stream(raw, name)
    except crypto.EncryptedArchiveDamaged as exc:
        return VerifyReport(name=name, problems=[str(exc)], encrypted=True)
    report = verify_stream(stream, name)
    report.encrypted = encrypted
    return report
