"""What a backup reads: the data dir, the plugins dir and .env, as archive member names.

Left out: files the app is writing at this instant under temporary names (`.NAME.xxx.tmp` from
atomic writes, the library's `.adding-*` / `.deleting-*` folders, a restore's staging folders),
`ops/last_backup.json` (the backup status itself, kept across restores), Python caches in plugins,
and anything that is not a regular file or folder (symlinks are never followed).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

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


def transient(name: str) -> bool:
    return name.startswith(_TRANSIENT_PREFIXES) or (name.startswith(".") and name.endswith(".tmp"))


def _walk(root: Path, prefix: str, skip: set[str]) -> Iterator[Entry]:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in entries:
        if transient(entry.name) or (skip and (entry.name in skip or entry.name.endswith(".pyc"))):
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
                yield Entry(name, Path(entry.path), False)
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


def current_files(root: Path, part: str) -> dict[str, tuple[int, str]]:
    """{member name: (size, sha256)} of what is on disk now, for a restore's report."""
    result = {}
    walker = _walk(root, part, _PLUGIN_SKIP if part == "plugins" else set()) if part != "env" else (
        [Entry(ENV_MEMBER, root, False)] if root.is_file() else [])
    for entry in walker:
        if entry.is_dir:
            continue
        try:
            data = entry.path.read_bytes()
        except OSError:
            continue
        result[entry.name] = (len(data), hashlib.sha256(data).hexdigest())
    return result


def mode_of(st: os.stat_result) -> int:
    return stat.S_IMODE(st.st_mode)
