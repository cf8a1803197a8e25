"""restore: put an archive's data dir (optionally plugins and .env) back, or change nothing.

1. verify the whole archive (refused: see verify.py); 2. show the plan and ask (`confirm`);
3. take a safety backup of the current state; 4. extract into a staging folder beside the data dir
through tarfile, checking every member again before it is written (the archive may have changed
since step 1) with tarfile's `data` filter as a second line, and re-hashing what landed on disk;
5. check that the staged data dir holds exactly what the archive lists, then swap it in (swap.py), under a
journal that lets the next start finish or undo a swap that was killed half-way (journal.py).
Any failure before the swap leaves the current data exactly as it was; a kill at any step leaves it as it
was or fully restored once the app, the dashboard or the backup command line starts again.

The study database comes back as the archive's snapshot, `data/qualia.db`, with no WAL or
shared-memory file beside it: those of the current database move out with the rest of the current
data dir and are deleted with it, never beside the restored file. The running app notices that its
database file was replaced and reopens it (SQLite itself never checkpoints into, or deletes the WAL
of, a database file that moved while open). The plan names the library documents that a restore
adds, removes or changes (name, file, speaker names), read with sqlite3 from the archive's snapshot
(verify copied it out) and from the current database. An archive of the earlier layout
(`data/library/<id>/…`) restores as it is, and the app moves it into the study database when it
next opens the library; its plan names those folders' ids. A study database on PostgreSQL is not in
the archive: restore it from its pg_dump; this restores the files.

An encrypted archive needs QUALIA_BACKUP_KEY: step 1 raises crypto.BackupKeyError when it is missing or
wrong, before anything is taken or changed; an unencrypted archive restores with or without a key (the
plan says it is not encrypted). The safety backup is encrypted like any new archive, and holds .env
only when the restore replaces it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tarfile
import zlib
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from qualia_core.atomic import atomic_write_bytes

from . import crypto
from . import database as db
from . import manifest as mf
from .archive import Progress, create_locked, resolve_sources, utcnow
from .info import read_manifest
from .settings import BackupError, archive_name, resolve_backup_dir
from .sources import DATABASE_DIGEST, LAST_BACKUP_MEMBER, current_files, part_of
from .status import job_lock, read_status_file, record_last_backup
from .swap import recover, staging, step, swap_in
from .tarstream import REGULAR, TYPE_NAMES, ArchiveDamaged
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
    (data/…, plugins/…, env/.env); `documents` lists library document ids by change ("added",
    "removed", "modified": another file, name or speaker names), and `document_names` their names."""

    archive: str
    data_dir: Path
    applied: bool
    parts: list[str]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    unchanged: int = 0
    documents: dict[str, list[str]] = field(default_factory=dict)
    document_names: dict[str, str] = field(default_factory=dict)
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
            progress: Progress | None = None, database_url: str | None = None,
            safety_at: datetime | None = None) -> RestoreReport:
    """Restore an archive into the data dir (and, when asked, the plugins dir and .env).

    confirm=False returns the plan without touching anything; True restores; a callable receives
    the plan and restores only if it returns True. `database_url` defaults to QUALIA_DATABASE_URL
    (PostgreSQL: the files are restored, the database comes back from its pg_dump). Raises
    ArchiveRejected (nothing changed) or BackupError. The safety backup is named by `safety_at` (default: now,
    when the plan is made), so the plan and the restore that follows it name the same archive."""
    path = Path(path).resolve()
    data, plugins, env = resolve_sources(data_dir, plugins_dir, env_file)
    folder = resolve_backup_dir(backup_dir, data_dir=data, plugins_dir=plugins)
    parts = ["data"] + (["plugins"] if with_plugins else []) + (["env"] if with_env else [])
    targets = {"data": data, "plugins": plugins, "env": env}
    checked = verify(path)
    if not checked.ok:
        raise ArchiveRejected(path.name, checked.problems, checked)
    manifest = checked.manifest
    url = db.configured_url() if database_url is None else database_url
    notes = [f"the archive has no {p} to restore; left as it is" for p in parts[1:] if not _holds(manifest, p)]
    notes += _database_notes(url)
    if not checked.encrypted and crypto.passphrase():
        notes.append("the archive is not encrypted (it was made without QUALIA_BACKUP_KEY); it restores as it is")
    restored_docs = _archive_documents(manifest, checked)
    safety_at = safety_at or utcnow()
    if confirm is not True:
        before = {n: sha for p in parts for n, (_, sha) in current_files(targets[p], p).items()}
        safety = archive_name(safety_at, (SAFETY_TAG,), crypto.passphrase() is not None) if data.is_dir() else None
        plan = _report(path.name, data, parts, manifest, before, applied=False, safety=safety, notes=notes,
                       documents=_compare(_current_documents(data, url, notes), restored_docs))
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
                safety = create_locked(data, folder, plugins, env if with_env else None, tags=(SAFETY_TAG,),
                                       database_url=url, named_at=safety_at)
            except BackupError as exc:
                raise BackupError(f"Nothing was restored: the safety backup of the current state failed. {exc}") from exc
            record_last_backup(data, True, archive=safety.name, message=f"safety backup before restoring {path.name}")
            step("safety backup taken")
            safety_name = safety.name
            previous = read_manifest(safety.path)
            before = {f["path"]: (DATABASE_DIGEST if f["path"] in mf.database_members(previous) else f["sha256"])
                      for f in previous["files"] if part_of(f["path"]) in parts}
        documents = _compare(_current_documents(data, url, notes), restored_docs)
        _apply(path, manifest, parts, targets, progress)
    report = _report(path.name, data, parts, manifest, before, applied=True, safety=safety_name, notes=notes,
                     documents=documents)
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
    with ExitStack() as stack:
        roots = {part: stack.enter_context(staging(targets[part])) for part in dir_parts}
        step("staging created")
        env_bytes = _extract(path, manifest, parts, roots, progress)
        status = read_status_file(targets["data"])
        if status is not None:  # the backup status describes backups, not the data: keep it
            atomic_write_bytes(roots["data"] / LAST_BACKUP_MEMBER, status, durable=False)
        for part in dir_parts:
            staged = roots[part] / part
            staged.mkdir(exist_ok=True)
            _check_staged(path.name, staged, part, manifest,
                          {LAST_BACKUP_MEMBER} if part == "data" and status is not None else set())
        step("extracted")
        for part in dir_parts:
            swap_in(roots[part] / part, targets[part])
        if env_bytes is not None:
            atomic_write_bytes(targets["env"], env_bytes)
            step("env written")


def _check_staged(archive: str, staged: Path, part: str, manifest: dict[str, Any], extra: set[str]) -> None:
    """The staged folder must hold exactly the archive's files of `part` (and `extra`), every listed folder,
    and nothing else: no file of the current data (a database's WAL or shared memory above all) and nothing
    missing. Raises BackupError before anything was swapped in."""
    files, dirs = set(), set()
    for folder, subdirs, names in os.walk(staged):
        rel = Path(folder).relative_to(staged.parent).as_posix()
        dirs.add(rel)
        files.update(f"{rel}/{n}" for n in names)
        dirs.update(f"{rel}/{d}" for d in subdirs)
    expected = {f["path"] for f in manifest["files"] if part_of(f["path"]) == part} | extra
    missing = sorted((expected - files) | {d for d in manifest["dirs"] if part_of(d) == part} - dirs)
    unexpected = sorted(files - expected)
    if missing or unexpected:
        shown = "; ".join(filter(None, [f"missing {', '.join(missing[:5])}" if missing else "",
                                        f"unexpected {', '.join(unexpected[:5])}" if unexpected else ""]))
        raise BackupError(f"Restore of {archive} stopped before anything was replaced: the staged {part} dir does not "
                          f"match the archive ({shown}); nothing was changed.")


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
        with crypto.open_plain(path) as (raw, _), gzip.GzipFile(fileobj=raw, mode="rb") as gz, \
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
    except (tarfile.TarError, EOFError, gzip.BadGzipFile, zlib.error, ArchiveDamaged) as exc:
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
            applied: bool, safety: str | None, notes: list[str],
            documents: tuple[dict[str, list[str]], dict[str, str]]) -> RestoreReport:
    after = {f["path"]: f["sha256"] for f in manifest["files"] if part_of(f["path"]) in parts}
    before = {k: v for k, v in before.items() if k != LAST_BACKUP_MEMBER}
    report = RestoreReport(archive=archive, data_dir=data, applied=applied, parts=parts, safety_backup=safety,
                           archive_summary=mf.summary(manifest), notes=list(dict.fromkeys(notes)))
    databases = mf.database_members(manifest) | {n for n, sha in before.items() if sha == DATABASE_DIGEST}
    report.added = sorted(set(after) - set(before))
    report.removed = sorted(set(before) - set(after))
    # a database file is always replaced by the archive's snapshot: what changes in it is in `documents`
    report.modified = sorted(n for n in set(after) & set(before) if after[n] != before[n] or n in databases)
    report.unchanged = len(set(after) & set(before)) - len(report.modified)
    report.documents, report.document_names = documents
    return report


# ----------------------------------------------------------------------------- library documents
Library = dict[str, dict[str, Any]]  # {document id: {"sha256", "name", "speakers"}} (None: not known)


def _database_notes(url: str) -> list[str]:
    if url.strip().startswith("postgresql"):
        return ["the study database is on PostgreSQL: this restores the data dir's files only; restore the "
                "database itself from its pg_dump (pg_restore)"]
    return []


def _legacy_from_manifest(manifest: dict[str, Any]) -> Library:
    """The documents of an archive of the earlier layout: data/library/<id>/original.<ext> (+ entry.json)."""
    docs: Library = {}
    for f in manifest["files"]:
        parts = f["path"].split("/")
        if len(parts) == 4 and parts[:2] == ["data", "library"]:
            entry = docs.setdefault(parts[2], {"sha256": None, "name": None, "speakers": None})
            if parts[3].startswith("original."):
                entry["sha256"] = f["sha256"]
    return docs


def _archive_documents(manifest: dict[str, Any], checked: VerifyReport) -> Library:
    """What the restored library holds: the archive's database snapshot, as verify read it; else the folders
    of the earlier layout (which the app moves in when it opens the library)."""
    docs = dict(_legacy_from_manifest(manifest))
    docs.update(checked.documents.get(db.MAIN_MEMBER) or {})
    return docs


def _legacy_on_disk(data: Path) -> Library:
    docs: Library = {}
    root = data / "library"
    if not root.is_dir():
        return docs
    for folder in sorted(root.iterdir()):
        try:
            entry = json.loads((folder / "entry.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(entry, dict):
            continue
        names = entry.get("speaker_map") or {}
        speakers = entry.get("speakers")
        docs[folder.name] = {
            "sha256": entry.get("sha256"), "name": entry.get("name"),
            "speakers": [names.get(sp) or sp for sp in speakers] if isinstance(speakers, list) else None}
    return docs


def _current_documents(data: Path, url: str, notes: list[str]) -> Library | None:
    """The library in the data dir now: its SQLite database read with sqlite3 (query_only, never created),
    and folders of the earlier layout not moved in yet. None when the database is on PostgreSQL."""
    if url.strip().startswith("postgresql"):
        return None
    docs = _legacy_on_disk(data)
    live = data / db.MAIN
    if live.is_file():
        try:
            docs.update(db.documents(live) or {})
        except sqlite3.Error as exc:
            notes.append(f"the current study database could not be read ({exc}); the documents it holds are not "
                         "compared")
    return docs


def _differs(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return any(old.get(k) is not None and new.get(k) is not None and old[k] != new[k]
               for k in ("sha256", "name", "speakers"))


def _compare(current: Library | None, restored: Library) -> tuple[dict[str, list[str]], dict[str, str]]:
    """({"added": ids, "removed": ids, "modified": ids}, {id: name}) from the current library to the restored one."""
    if current is None:
        return {"added": [], "removed": [], "modified": []}, {}
    changes = {"added": sorted(set(restored) - set(current)), "removed": sorted(set(current) - set(restored)),
               "modified": sorted(i for i in set(restored) & set(current) if _differs(current[i], restored[i]))}
    names = {}
    for i in (*changes["added"], *changes["modified"], *changes["removed"]):
        name = (restored.get(i) or {}).get("name") or (current.get(i) or {}).get("name")
        if name:
            names[i] = name
    return changes, names
