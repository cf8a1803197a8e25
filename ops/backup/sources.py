"""What a backup reads: the data dir, the plugins dir and .env, as archive member names.

Left out: files the app is writing at this instant under temporary names (`.NAME.xxx.tmp` from
atomic writes, the library's `.adding-*` / `.deleting-*` folders, a restore's staging folders),
`ops/last_backup.json` (the backup status itself, kept across restores), the `-wal`, `-shm` and
`-journal` files of SQLite databases and the store's `*.migrate.lock` (a database is archived as a
snapshot, see database.py), Python caches in plugins, and anything that is not a regular file or
folder (symlinks are never followed). SQLite databases in the data dir (`qualia.db`, and any other
`.db`/`.sqlite` file that starts like one) are marked, so that the archive holds a snapshot of each.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .database import MAIN_MEMBER, is_database_name, is_sqlite_file, left_out
from .manifest import ENV_MEMBER, name_problem
from .status import LAST_BACKUP_FILE

log = logging.getLogger(__name__)

LAST_BACKUP_MEMBER = f"data/{LAST_BACKUP_FILE.as_posix()}"
_TRANSIENT_PREFIXES = (".adding-", ".deleting-", ".restore-")
_PLUGIN_SKIP = {"__pycache__", ".pytest_cache", ".git", ".mypy_cache", ".ruff_cache"}


@dataclass(frozen=True)
class Entry:
    name: str  # archive member name
    path: Path
    is_dir: bool
    database: bool = False  # an SQLite database: archived as a snapshot, never by copying the live file


def transient(name: str) -> bool:
    return name.startswith(_TRANSIENT_PREFIXES) or (name.startswith(".") and name.endswith(".tmp"))


def is_database(name: str, path: Path) -> bool:
    """A data dir file to snapshot: the store's qualia.db whatever it holds (a damaged one is archived as
    found and fails verify), any other .db/.sqlite file only when it starts like an SQLite database."""
    return name == MAIN_MEMBER or (name.startswith("data/") and is_database_name(name) and is_sqlite_file(path))


def _walk(root: Path, prefix: str, skip: set[str]) -> Iterator[Entry]:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except FileNotFoundError:
        return
    data = prefix == "data" or prefix.startswith("data/")
    for entry in entries:
        if transient(entry.name) or (skip and (entry.name in skip or entry.name.endswith(".pyc"))):
            continue
        if data and left_out(entry.name):
            continue
        name = f"{prefix}/{entry.name}"
        problem = name_problem(name)
        if problem:
            log.warning("backup: skipped %r, which %s", name, problem)
            continue
        if entry.is_dir(follow_symlinks=False):
            yield Entry(name, Path(entry.path), True)
            yield from _walk(Path(entry.path), name, skip)
        elif entry.is_file(follow_symlinks=False):
            if name != LAST_BACKUP_MEMBER:
                yield Entry(name, Path(entry.path), False, data and is_database(name, Path(entry.path)))
        else:
            log.warning("backup: skipped %s (not a regular file or folder)", name)


def collect(data_dir: Path, plugins_dir: Path | None, env_file: Path | None) -> list[Entry]:
    """Every folder and file to archive, in archive order."""
    entries = [Entry("data", data_dir, True), *_walk(data_dir, "data", set())]
    if plugins_dir is not None and plugins_dir.is_dir():
        entries += [Entry("plugins", plugins_dir, True), *_walk(plugins_dir, "plugins", _PLUGIN_SKIP)]
    if env_file is not None and env_file.is_file():
        entries.append(Entry(ENV_MEMBER, env_file, False))
    return entries


def part_of(name: str) -> str:
    return name.split("/", 1)[0]


DATABASE_DIGEST = "database"  # a live database is not hashed for a plan: its file is always replaced


def current_files(root: Path, part: str) -> dict[str, tuple[int, str]]:
    """{member name: (size, sha256)} of what is on disk now, for a restore's report (a database:
    (size, DATABASE_DIGEST))."""
    result = {}
    walker = _walk(root, part, _PLUGIN_SKIP if part == "plugins" else set()) if part != "env" else (
        [Entry(ENV_MEMBER, root, False)] if root.is_file() else [])
    for entry in walker:
        if entry.is_dir:
            continue
        if entry.database:
            try:
                result[entry.name] = (entry.path.stat().st_size, DATABASE_DIGEST)
            except OSError:
                pass
            continue
        try:
            data = entry.path.read_bytes()
        except OSError:
            continue
        result[entry.name] = (len(data), hashlib.sha256(data).hexdigest())
    return result


def mode_of(st: os.stat_result) -> int:
    return stat.S_IMODE(st.st_mode)
