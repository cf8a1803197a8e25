"""What the backup list shows about one archive, read cheaply.

The manifest is the archive's first gzip member, so reading it decompresses a few kilobytes, not
the archive. Whether the archive was verified comes from NAME.verified.json beside it, which
counts only while the archive's size and modification time are the ones that were verified.
An encrypted archive's manifest is read with QUALIA_BACKUP_KEY (its key is derived once per process);
without the key the list still shows that it is encrypted, its name's date and its size.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from qualia_core.atomic import atomic_write_json

from . import crypto
from . import manifest as mf
from .settings import sidecar_path, time_from_name
from .tarstream import ArchiveDamaged, Inflater, Member, iter_members

log = logging.getLogger(__name__)


@dataclass
class BackupInfo:
    """One archive in the backup dir. `verified` is True when a verify ran on exactly this file and
    passed; `last_verify_ok` is None when it was never verified (or changed since)."""

    name: str
    path: Path
    created_at: datetime | None
    size: int
    file_count: int | None
    total_bytes: int | None = None
    verified: bool = False
    last_verify_ok: bool | None = None
    verified_at: str | None = None
    app_version: str | None = None
    host: str | None = None
    git: dict[str, str] | None = None
    has_env: bool = False
    encrypted: bool = False  # sealed with QUALIA_BACKUP_KEY (crypto.py)
    plugins: list[str] = field(default_factory=list)  # plugin folder names (never imported to list them)
    databases: list[str] = field(default_factory=list)  # database snapshots it holds (data/qualia.db)
    notes: list[str] = field(default_factory=list)  # for the operator, e.g. "back PostgreSQL up with pg_dump"
    error: str | None = None  # why the manifest could not be read
    problems: list[str] = field(default_factory=list)  # of the last failed verify

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["path"] = str(self.path)
        d["created_at"] = self.created_at.isoformat() if self.created_at else None
        return d


def read_manifest_from(inf: Inflater) -> tuple[dict[str, Any], Iterator[Member]]:
    """Read the first member, which must be manifest.json; returns it (checked) and the iterator
    positioned on the next member. Raises ManifestError or ArchiveDamaged."""
    members = iter_members(inf)
    first = next(members, None)
    if first is None:
        raise mf.ManifestError("the archive is empty")
    if first.name != mf.MANIFEST or not first.is_file:
        raise mf.ManifestError("the archive does not start with manifest.json: it is not a Qualia backup")
    if first.size > mf.MAX_MANIFEST_BYTES:
        raise mf.ManifestError("manifest.json is implausibly large")
    data = inf.read(first.size)
    if len(data) < first.size:
        raise ArchiveDamaged("the archive ends inside manifest.json: it is truncated")
    return mf.decode(data), members


def read_manifest(path: Path | BinaryIO) -> dict[str, Any]:
    """The manifest of an archive, encrypted or not (BackupKeyError when QUALIA_BACKUP_KEY cannot open it)."""
    if isinstance(path, (str, Path)):
        with crypto.open_plain(path) as (fh, _):
            return read_manifest_from(Inflater(fh))[0]
    return read_manifest_from(Inflater(crypto.plain_stream(path, "the archive")[0]))[0]


def parse_time(text: str | None) -> datetime | None:
    try:
        value = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return value.astimezone() if value else None


def write_sidecar(archive: Path, stamp: tuple[int, int], ok: bool, problems: list[str],
                  summary: dict[str, Any] | None, verified_at: str) -> None:
    data = {"archive": archive.name, "size": stamp[0], "mtime_ns": stamp[1], "ok": ok,
            "verified_at": verified_at, "problems": problems[:20], "summary": summary}
    try:
        atomic_write_json(sidecar_path(archive), data, durable=False)
    except OSError as exc:
        log.warning("backup: could not record the verify result of %s: %s", archive.name, exc)


def read_sidecar(archive: Path, stamp: tuple[int, int]) -> dict[str, Any] | None:
    """The last verify's outcome, if it was about this very file (same size and mtime)."""
    try:
        data = json.loads(sidecar_path(archive).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or (data.get("size"), data.get("mtime_ns")) != stamp:
        return None
    return data


def describe(path: Path) -> BackupInfo:
    st = path.stat()
    stamp = (st.st_size, st.st_mtime_ns)
    info = BackupInfo(name=path.name, path=path, created_at=None, size=st.st_size, file_count=None,
                      encrypted=crypto.is_encrypted(path))
    checked = read_sidecar(path, stamp)
    summary = (checked or {}).get("summary")
    if not summary or "plugins" not in summary or "notes" not in summary:  # none, or recorded by an older Qualia
        try:
            summary = mf.summary(read_manifest(path))
        except crypto.BackupKeyError as exc:
            info.error = exc.short
        except (mf.ManifestError, ArchiveDamaged, OSError) as exc:
            info.error = str(exc)
    if summary:
        info.created_at = parse_time(summary.get("created_at"))
        info.file_count, info.total_bytes = summary.get("files"), summary.get("bytes")
        info.app_version, info.host, info.git = summary.get("app_version"), summary.get("host"), summary.get("git")
        info.has_env = bool(summary.get("has_env"))
        info.plugins = [p for p in summary.get("plugins") or [] if isinstance(p, str)]
        info.databases = [d for d in summary.get("databases") or [] if isinstance(d, str)]
        info.notes = [n for n in summary.get("notes") or [] if isinstance(n, str)]
    if info.created_at is None:
        info.created_at = time_from_name(path.name) or datetime.fromtimestamp(st.st_mtime).astimezone()
    if checked:
        info.last_verify_ok = bool(checked.get("ok"))
        info.verified = info.last_verify_ok
        info.verified_at = checked.get("verified_at")
        info.problems = list(checked.get("problems") or [])
    return info
