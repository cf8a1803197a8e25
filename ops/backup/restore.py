"""restore: put an archive's data dir (optionally plugins and .env) back, or change nothing.

1. verify the whole archive (refused: see verify.py); 2. show the plan and ask (`confirm`);
3. take a safety backup of the current state; 4. extract into a staging folder beside the data dir
through tarfile, checking every member again before it is written (the archive may have changed
since step 1) with tarfile's `data` filter as a second line, and re-hashing what landed on disk;
5. swap the staging folder in (swap.py). Any failure before the swap leaves the current data
exactly as it was; the app sees the restored library at once (it re-reads changed files).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import shutil
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from qualia_core.atomic import atomic_write_bytes

from . import manifest as mf
from .archive import Progress, create_locked, resolve_sources, utcnow
from .info import read_manifest
from .settings import BackupError, archive_name, resolve_backup_dir
from .sources import LAST_BACKUP_MEMBER, current_files, part_of
from .status import job_lock, read_status_file, record_last_backup
from .swap import recover, staging_dir, swap_in
from .tarstream import REGULAR, TYPE_NAMES
from .verify import VerifyReport, member_problem, verify

log = logging.getLogger(__name__)

SAFETY_TAG = "before-restore"
HAS_DATA_FILTER = hasattr(tarfile, "data_filter")


class ArchiveRejected(BackupError):
    """The archive failed a check; nothing was changed."""

    def __init__(self, name: str, problems: list[str], report: VerifyReport | None = None):
        self.problems = list(problems)
        self.report = report
        shown = "; ".join(self.problems[:5]) + (f"; … ({len(self.problems)} problems)" if len(self.problems) > 5 else "")
        super().__init__(f"The archive {name} was refused and nothing was changed: {shown}")


@dataclass
class RestoreReport:
    """What a restore changes (applied=False: the plan) or changed. Paths are archive member names
    (data/…, plugins/…, env/.env); `documents` lists library document ids by change."""

    archive: str
    data_dir: Path
    applied: bool
    parts: list[str]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    unchanged: int = 0
    documents: dict[str, list[str]] = field(default_factory=dict)
    safety_backup: str | None = None  # name of the safety backup taken (or to be taken)
    archive_summary: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "data_dir": str(self.data_dir)}

    def describe(self) -> str:
        verb = "restored" if self.applied else "would restore"
        docs = ", ".join(f"{len(v)} {k}" for k, v in self.documents.items() if v) or "none changed"
        lines = [f"{self.archive}: {verb} {', '.join(self.parts)} into {self.data_dir}",
                 f"files: {len(self.added)} added, {len(self.removed)} removed, {len(self.modified)} modified, "
                 f"{self.unchanged} unchanged; library documents: {docs}"]
        if self.safety_backup:
            lines.append(f"safety backup of the previous state: {self.safety_backup}" if self.applied else
                         f"a safety backup of the current state is taken first ({self.safety_backup})")
        return "\n".join(lines + self.notes)


def restore(path: str | Path, data_dir: str | Path | None = None, backup_dir: str | Path | None = None, *,
            confirm: bool | Callable[[RestoreReport], bool] = False, plugins_dir: str | Path | None = None,
            env_file: str | Path | None = None, with_plugins: bool = False, with_env: bool = False,
            progress: Progress | None = None) -> RestoreReport:
    """Restore an archive into the data dir (and, when asked, the plugins dir and .env).

    confirm=False returns the plan without touching anything; True restores; a callable receives
    the plan and restores only if it returns True. Raises ArchiveRejected (nothing changed) or
    BackupError."""
    path = Path(path).resolve()
    data, plugins, env = resolve_sources(data_dir, plugins_dir, env_file)
    folder = resolve_backup_dir(backup_dir, data_dir=data, plugins_dir=plugins)
    parts = ["data"] + (["plugins"] if with_plugins else []) + (["env"] if with_env else [])
    targets = {"data": data, "plugins": plugins, "env": env}
    checked = verify(path)
    if not checked.ok:
        raise ArchiveRejected(path.name, checked.problems, checked)
    manifest = checked.manifest
    notes = [f"the archive has no {p} to restore; left as it is" for p in parts[1:] if not _holds(manifest, p)]
    if confirm is not True:
        before = {n: sha for p in parts for n, (_, sha) in current_files(targets[p], p).items()}
        safety = archive_name(utcnow(), (SAFETY_TAG,)) if data.is_dir() else None
        plan = _report(path.name, data, parts, manifest, before, applied=False, safety=safety, notes=notes)
        if not callable(confirm) or not confirm(plan):
            return plan
    with job_lock(folder, wait_seconds=0):
        for part in ("data", "plugins"):
            if part in parts:
                notes += recover(targets[part])
        _check_space(manifest, data, parts)
        safety_name, before = None, {}
        if data.is_dir():
            try:
                safety = create_locked(data, folder, plugins, env, tags=(SAFETY_TAG,))
            except BackupError as exc:
                raise BackupError(f"Nothing was restored: the safety backup of the current state failed. {exc}") from exc
            record_last_backup(data, True, archive=safety.name, message=f"safety backup before restoring {path.name}")
            safety_name = safety.name
            before = {f["path"]: f["sha256"] for f in read_manifest(safety.path)["files"]
                      if part_of(f["path"]) in parts}
        _apply(path, manifest, parts, targets, progress)
    report = _report(path.name, data, parts, manifest, before, applied=True, safety=safety_name, notes=notes)
    log.info("restore: %s restored (%d added, %d removed, %d modified)", path.name, len(report.added),
             len(report.removed), len(report.modified))
    return report


def _holds(manifest: dict[str, Any], part: str) -> bool:
    return any(part_of(f["path"]) == part for f in manifest["files"]) or any(part_of(d) == part for d in manifest["dirs"])


def _check_space(manifest: dict[str, Any], data: Path, parts: list[str]) -> None:
    needed = sum(f["size"] for f in manifest["files"] if part_of(f["path"]) in parts)
    probe = data if data.is_dir() else data.parent
    while not probe.exists():
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed * 1.1 + 16 * 2**20:
        raise BackupError(f"Not enough free space next to {data} to restore ({needed / 2**20:.0f} MB needed, "
                          f"{free / 2**20:.0f} MB free); nothing was changed.")


def _apply(path: Path, manifest: dict[str, Any], parts: list[str], targets: dict[str, Path],
           progress: Progress | None) -> None:
    dir_parts = [p for p in parts if p != "env" and (p == "data" or _holds(manifest, p))]
    roots: dict[str, Path] = {}
    try:
        for part in dir_parts:
            roots[part] = staging_dir(targets[part])
        env_bytes = _extract(path, manifest, parts, roots, progress)
        status = read_status_file(targets["data"])
        if status is not None:  # the backup status describes backups, not the data: keep it
            atomic_write_bytes(roots["data"] / LAST_BACKUP_MEMBER, status, durable=False)
        for part in dir_parts:
            staged = roots[part] / part
            staged.mkdir(exist_ok=True)
            swap_in(staged, targets[part])
        if env_bytes is not None:
            atomic_write_bytes(targets["env"], env_bytes)
    finally:
        for root in roots.values():
            shutil.rmtree(root, ignore_errors=True)


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, root: Path) -> None:
    """Write one checked member under root (tests replace this to inject faults)."""
    if HAS_DATA_FILTER:
        tar.extract(member, path=root, set_attrs=True, filter="data")
    else:  # pragma: no cover - Python before 3.10.12 / 3.11.4: our own checks are the only line
        tar.extract(member, path=root, set_attrs=True)


def _extract(path: Path, manifest: dict[str, Any], parts: list[str], roots: dict[str, Path],
             progress: Progress | None) -> bytes | None:
    """Second pass, through tarfile: every member is checked again before anything is written, and
    every written file is hashed again from disk. Returns the .env bytes when asked for."""
    files = {f["path"]: f for f in manifest["files"]}
    dirs = set(manifest["dirs"])
    total = sum(1 for n in files if part_of(n) in parts)
    done, seen, env_bytes = 0, set(), None
    if progress:
        progress(0, total)
    try:
        with open(path, "rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as gz, \
                tarfile.open(fileobj=gz, mode="r|", encoding="utf-8", errors="surrogateescape") as tar:
            first = True
            for member in tar:
                if first and member.name == mf.MANIFEST and member.type in REGULAR:
                    first = False
                    continue
                first = False
                regular = member.type in REGULAR and not member.issparse()
                kind = "a regular file" if regular else TYPE_NAMES.get(member.type, f"member type {member.type!r}")
                problem = member_problem(member.name, regular or member.isdir(), kind, member.isdir(),
                                         member.size, files, dirs, seen)
                if problem:
                    raise ArchiveRejected(path.name, [problem])
                seen.add(member.name)
                part = part_of(member.name)
                if part not in parts:
                    continue
                if part == "env":
                    env_bytes = tar.extractfile(member).read()
                    _same_hash(path.name, member.name, env_bytes, files)
                else:
                    _extract_member(tar, member, roots[part])
                    if regular:
                        _same_hash(path.name, member.name, (roots[part] / member.name).read_bytes(), files)
                if regular:
                    done += 1
                    if progress:
                        progress(done, total)
    except (tarfile.TarError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ArchiveRejected(path.name, [f"the archive could not be extracted: {exc}"]) from exc
    except OSError as exc:
        raise BackupError(f"Restore failed while extracting {path.name} ({exc}); nothing was changed.") from exc
    missing = sorted((set(files) | dirs) - seen)
    if missing:
        raise ArchiveRejected(path.name, [f"{n!r} is listed in the manifest but missing from the archive"
                                          for n in missing])
    return env_bytes


def _same_hash(archive: str, name: str, data: bytes, files: dict[str, dict]) -> None:
    if hashlib.sha256(data).hexdigest() != files[name]["sha256"]:
        raise ArchiveRejected(archive, [f"member {name!r} does not match its sha256 in the manifest"])


def _report(archive: str, data: Path, parts: list[str], manifest: dict[str, Any], before: dict[str, str], *,
            applied: bool, safety: str | None, notes: list[str]) -> RestoreReport:
    after = {f["path"]: f["sha256"] for f in manifest["files"] if part_of(f["path"]) in parts}
    before = {k: v for k, v in before.items() if k != LAST_BACKUP_MEMBER}
    report = RestoreReport(archive=archive, data_dir=data, applied=applied, parts=parts, safety_backup=safety,
                           archive_summary=mf.summary(manifest), notes=list(dict.fromkeys(notes)))
    report.added = sorted(set(after) - set(before))
    report.removed = sorted(set(before) - set(after))
    report.modified = sorted(n for n in set(after) & set(before) if after[n] != before[n])
    report.unchanged = len(set(after) & set(before)) - len(report.modified)

    def doc_ids(names) -> set[str]:
        return {n.split("/")[2] for n in names if n.startswith("data/library/") and n.count("/") >= 3}

    old_docs, new_docs = doc_ids(before), doc_ids(after)
    report.documents = {"added": sorted(new_docs - old_docs), "removed": sorted(old_docs - new_docs),
                        "modified": sorted(doc_ids(report.modified))}
    return report
