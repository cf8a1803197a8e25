"""manifest.json: what an archive holds, and the rules every member name must follow.

The manifest is the archive's first member. It records the format version, when and where the
backup was made (host, app version, git commit and branch when the app runs from a checkout), each
plugin folder (name, file count, bytes and a digest of its files), and every file with its size and
sha256 and every folder. Member names are `data/…` (the data dir), `plugins/…` (the plugins dir)
and `env/.env`. `databases` lists each SQLite database archived as a snapshot (its member, how it
was taken, the SQLite version, its document count and schema revision) or as found when it could not
be read; `notes` are sentences for the operator (a study database on PostgreSQL is not in the archive:
back it up with pg_dump). Both are absent from archives made before the study database.

Nothing in the plugins dir is imported or run to describe it: a backup (and a restore's safety
backup) must never execute plugin code, which may be exactly what a restore just put there. The
plugin folders are described from the file list alone, so `summary()` reads them from any
archive, including those written when the manifest recorded which plugins loaded.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import socket
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from .settings import REPO_ROOT

MANIFEST = "manifest.json"
FORMAT = "qualia-backup"
FORMAT_VERSION = 1
PARTS = ("data", "plugins", "env")
ENV_MEMBER = "env/.env"
MAX_MANIFEST_BYTES = 64 * 2**20
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"[A-Za-z]:")


class ManifestError(Exception):
    """The manifest is missing, unreadable or inconsistent; the message says how."""


def name_problem(name: str) -> str | None:
    """Why a member name is unsafe or outside the backup layout, or None when it is fine."""
    if not name:
        return "has an empty name"
    if _CONTROL.search(name):
        return "has control characters in its name"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "is an absolute path"
    if "\\" in name:
        return "has a backslash in its name"
    parts = name.split("/")
    if ".." in parts:
        return "has '..' in its path: it would be written outside the target folder"
    if any(p in ("", ".") for p in parts):
        return "is not a normalised path"
    if name != MANIFEST and (parts[0] not in PARTS or (parts[0] == "env" and name not in ("env", ENV_MEMBER))):
        return "is outside the backup layout (data/, plugins/, env/.env)"
    return None


def git_info(root: Path = REPO_ROOT, timeout: float = 2.0) -> dict[str, str]:
    """{"commit": …, "branch": …} of the checkout the app runs from; empty when there is none."""
    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        out = done.stdout.strip()
        return out if done.returncode == 0 and out else None

    info: dict[str, str] = {}
    commit = run("rev-parse", "HEAD")
    if commit:
        info["commit"] = commit
        branch = run("rev-parse", "--abbrev-ref", "HEAD")
        if branch and branch != "HEAD":
            info["branch"] = branch
    return info


def plugin_folders(files: list[dict[str, Any]], dirs: list[str] = ()) -> list[dict[str, Any]]:
    """Each folder directly under plugins/: its name, file count, bytes, and a sha256 over its
    files' relative paths and sha256s (the same plugin code gives the same digest in any archive).
    Read from the manifest's lists only: nothing is imported or executed."""
    groups: dict[str, list[dict[str, Any]]] = {
        d.split("/")[1]: [] for d in dirs if d.count("/") == 1 and d.startswith("plugins/")}
    for entry in files:
        parts = entry["path"].split("/", 2)
        if parts[0] == "plugins" and len(parts) == 3:
            groups.setdefault(parts[1], []).append(entry)
    folders = []
    for name, entries in sorted(groups.items()):
        digest = hashlib.sha256()
        for entry in sorted(entries, key=lambda e: e["path"]):
            digest.update(f"{entry['path'].split('/', 2)[2]}\0{entry['sha256']}\n".encode("utf-8", "surrogateescape"))
        folders.append({"name": name, "files": len(entries), "bytes": sum(e["size"] for e in entries),
                        "sha256": digest.hexdigest()})
    return folders


def describe_sources(created_at: datetime, data_dir: Path, plugins_dir: Path | None,
                     env_file: Path | None) -> dict[str, Any]:
    """Everything in the manifest except the file lists and what is derived from them."""
    from qualia_core import __version__

    head: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(), "host": socket.gethostname(),
        "app_version": __version__, "python": platform.python_version(),
        "sources": {"data": str(data_dir), "plugins": str(plugins_dir) if plugins_dir else None,
                    "env": str(env_file) if env_file else None},
    }
    git = git_info()
    if git:
        head["git"] = git
    return head


def encode(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=True, indent=1).encode("ascii")


def decode(data: bytes) -> dict[str, Any]:
    """Parse and check a manifest; raises ManifestError naming the first problem."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ManifestError(f"manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ManifestError("manifest.json is not a Qualia backup manifest")
    version = manifest.get("format_version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ManifestError(f"manifest format version {version!r} is not supported "
                            f"(this Qualia reads versions 1 to {FORMAT_VERSION}); update Qualia to restore it")
    files, dirs = manifest.get("files"), manifest.get("dirs")
    if not isinstance(files, list) or not isinstance(dirs, list):
        raise ManifestError("manifest.json has no file or folder list")
    seen: set[str] = set()
    for entry in files:
        if not (isinstance(entry, dict) and isinstance(entry.get("path"), str)
                and isinstance(entry.get("size"), int) and not isinstance(entry.get("size"), bool)
                and entry["size"] >= 0 and isinstance(entry.get("sha256"), str)
                and _SHA256.fullmatch(entry["sha256"])):
            raise ManifestError(f"manifest.json has a malformed file entry: {str(entry)[:120]}")
        _check_listed(entry["path"], seen)
    for path in dirs:
        if not isinstance(path, str):
            raise ManifestError(f"manifest.json has a malformed folder entry: {str(path)[:120]}")
        _check_listed(path, seen)
    if not isinstance(manifest.get("created_at"), str):
        raise ManifestError("manifest.json has no creation date")
    databases = manifest.get("databases", [])
    if not isinstance(databases, list) or not all(
            isinstance(d, dict) and isinstance(d.get("path"), str) and d["path"] in seen for d in databases):
        raise ManifestError("manifest.json has a malformed database list")
    notes = manifest.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise ManifestError("manifest.json has malformed notes")
    return manifest


def database_members(manifest: dict[str, Any]) -> set[str]:
    """The archived SQLite databases: every one the manifest lists, and the store's data/qualia.db always
    (whatever an archive claims, the study database is checked)."""
    from .database import MAIN_MEMBER

    members = {d["path"] for d in manifest.get("databases") or []}
    if any(f["path"] == MAIN_MEMBER for f in manifest.get("files") or []):
        members.add(MAIN_MEMBER)
    return members


def _check_listed(path: str, seen: set[str]) -> None:
    problem = name_problem(path)
    if problem or path == MANIFEST:
        raise ManifestError(f"manifest.json lists {path!r}, which {problem or 'is reserved'}")
    if path in seen:
        raise ManifestError(f"manifest.json lists {path!r} twice")
    seen.add(path)


def summary(manifest: dict[str, Any]) -> dict[str, Any]:
    """The small part of a manifest shown in lists and reports (no file list)."""
    files = manifest.get("files") or []
    return {
        "created_at": manifest.get("created_at"), "host": manifest.get("host"),
        "app_version": manifest.get("app_version"), "git": manifest.get("git"),
        "files": len(files), "bytes": sum(f.get("size", 0) for f in files),
        "plugins": [p["name"] for p in plugin_folders(files, manifest.get("dirs") or [])],
        "has_env": any(f.get("path") == ENV_MEMBER for f in files),
        "databases": [d.get("path") for d in manifest.get("databases") or [] if isinstance(d, dict)],
        "notes": [n for n in manifest.get("notes") or [] if isinstance(n, str)],
    }
