"""Shared helpers for the backup tests (no tests here): a realistic data dir, a tree snapshot for
byte-for-byte comparison (the study database by its content), and archive crafting for the refusal
tests."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest

from ops.backup.manifest import FORMAT, FORMAT_VERSION
from qualia_core import QualiaCore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TRANSCRIPTS = ["ami_ES2012a_opening.txt", "formats/ES2012a_excerpt.vtt", "formats/parliament_excerpt.txt",
               "formats/interview_edge_cases.txt"]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(range(256))


def fill_data_dir(data: Path) -> QualiaCore:
    """A data dir like the app's: library documents added through the library, cached results,
    outputs (names with accents and spaces), breaker stats and an empty folder."""
    core = QualiaCore(data_dir=data, entry_points=False, guard=False)
    for name in TRANSCRIPTS:
        core.library.add(Path(name).name, (FIXTURES / name).read_bytes())
    first = core.library.list()[0]
    core.library.pseudonymise(first.id)
    cache = data / "cache" / "word_frequency"
    cache.mkdir(parents=True)
    (cache / f"{'a' * 64}.json").write_text(json.dumps({"top_words": [{"word": "remote", "count": 7}]}))
    outputs = data / "outputs" / "Réunion d'équipe"
    outputs.mkdir(parents=True)
    (outputs / "nuage de mots été.png").write_bytes(PNG)
    (outputs / "São Paulo – notas.txt").write_text("Participação: ção ü ß 東京\n", encoding="utf-8")
    (data / "ops").mkdir(exist_ok=True)
    (data / "ops" / "circuit_breakers.json").write_text('{"word_frequency": {"state": "closed"}}')
    (data / "outputs" / "empty folder").mkdir()
    return core


LIVE_DATABASE_FILES = ("qualia.db-wal", "qualia.db-shm", "qualia.db.migrate.lock")


def dump(database: Path) -> bytes:
    """The content of an SQLite database (schema and rows, as SQL), read without writing: equal for a live
    database and a snapshot of it, whatever their WAL state and header bytes."""
    con = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None)
    try:
        con.execute("PRAGMA query_only=1")
        return "\n".join(con.iterdump()).encode("utf-8")
    finally:
        con.close()


def integrity(database: Path) -> list[str]:
    con = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True)
    try:
        return [r[0] for r in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under root -> its bytes (None for a folder), the backup status file left out; the study
    database by its content (`dump`), and the files SQLite keeps beside a live database left out."""
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel == "ops/last_backup.json" or rel in LIVE_DATABASE_FILES:
            continue
        out[rel] = None if path.is_dir() else dump(path) if rel == "qualia.db" else path.read_bytes()
    return out


def damage(data: Path) -> dict[str, str]:
    """Through the library: tamper with one document's original file, delete a second document and rename a
    third; delete and add output files. Returns {"tampered"|"deleted"|"renamed": document id}."""
    library = QualiaCore(data_dir=data, entry_points=False, guard=False).library
    docs = library.list()
    original = library.original(docs[0].id)
    original.write_bytes(original.read_bytes()[:50] + b" tampered")
    library.delete(docs[1].id)
    library.rename(docs[2].id, "Renamed after the backup")
    (data / "outputs" / "Réunion d'équipe" / "São Paulo – notas.txt").unlink()
    (data / "outputs" / "stray new file.txt").write_text("new")
    return {"tampered": docs[0].id, "deleted": docs[1].id, "renamed": docs[2].id}


@pytest.fixture
def env(tmp_path):
    """(data dir filled like the app's, backup dir, plugins dir, .env path) for one test."""
    data, backups, plugins = tmp_path / "data", tmp_path / "backups", tmp_path / "plugins"
    fill_data_dir(data)
    (plugins / "my_plugin").mkdir(parents=True)
    (plugins / "my_plugin" / "__init__.py").write_text("raise ImportError('a broken user plugin')\n")
    dotenv = tmp_path / ".env"
    dotenv.write_text("SENTRY_DSN=\nQUALIA_ADMIN_PASSWORD=secret\n")
    return data, backups, plugins, dotenv


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def craft_archive(path: Path, members: list[tarfile.TarInfo | tuple[str, bytes]], *,
                  listed: list[tuple[str, bytes]] | None = None, dirs: list[str] | None = None) -> Path:
    """A tar.gz with a valid-looking manifest first, then `members` as given (TarInfo for links,
    devices…, (name, bytes) for files). `listed` is what the manifest lists (default: the files)."""
    files = [m for m in members if isinstance(m, tuple)] if listed is None else listed
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "created_at": "2024-01-01T02:15:00+00:00",
                "files": [{"path": n, "size": len(b), "sha256": sha(b)} for n, b in files],
                "dirs": dirs if dirs is not None else ["data"]}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, "manifest.json", json.dumps(manifest).encode())
        if dirs is None:
            info = tarfile.TarInfo("data")
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        for member in members:
            if isinstance(member, tuple):
                _add(tar, *member)
            else:
                tar.addfile(member)
    path.write_bytes(gzip.compress(buf.getvalue()))
    return path


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def replace_member(src: Path, dst: Path, name: str, data: bytes) -> Path:
    """Copy an archive with member `name` replaced by `data` and the manifest updated to match (size and
    sha256): only a check of the content itself can tell."""
    buf = io.BytesIO()
    with tarfile.open(src) as old, tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as new:
        for member in old:
            content = old.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(content)
                for entry in manifest["files"]:
                    if entry["path"] == name:
                        entry.update(size=len(data), sha256=sha(data))
                content = json.dumps(manifest).encode()
            elif member.name == name:
                content = data
            if content is not None:
                member.size = len(content)
            new.addfile(member, io.BytesIO(content) if content is not None else None)
    dst.write_bytes(gzip.compress(buf.getvalue()))
    return dst


def member_bytes(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        return tar.extractfile(name).read()


def repack(src: Path, dst: Path, change: str) -> Path:
    """Copy an archive member by member, with one byte flipped inside member `change` and the old
    manifest kept (what a bit flip or a tampering would leave)."""
    buf = io.BytesIO()
    with tarfile.open(src) as old, tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as new:
        for member in old:
            data = old.extractfile(member).read() if member.isfile() else None
            if member.name == change:
                data = bytes([data[0] ^ 0x01]) + data[1:]
            new.addfile(member, io.BytesIO(data) if data is not None else None)
    dst.write_bytes(gzip.compress(buf.getvalue()))
    return dst
