"""The `.qdpx` archive: a zip of `project.qde` and `Sources/<guid>.txt`, written atomically and read defensively.

    write_qdpx(project, path)     validates project.qde against Project.xsd, then writes the zip atomically
    read_qdpx(path) -> Project    refuses a malformed or hostile archive with ExchangeError naming what is wrong

Reading never extracts anything to disk and reads only the members the project names. Before a byte is
decompressed it refuses: too many members, a member name that is absolute or climbs out (`../`, `C:`, `\\`),
a duplicated name, and sizes out of proportion (a zip bomb: more than `Limits.total_bytes` in all, or a member
over 1 MiB unpacking to more than `Limits.ratio` times its packed size). Then project.qde must be safe XML
(safe_xml.py), follow the schema, and make sense: every text UTF-8, every selection inside its text, every
code, user and note it refers to defined, no GUID used twice.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..atomic import atomic_write_bytes
from ..errors import ExchangeError
from .model import Project, walk
from .project_xml import INTERNAL, project_element, read_project
from .safe_xml import check_schema, parse

PROJECT_FILE = "project.qde"
SOURCES = "Sources"
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    """What a .qdpx may hold before it is refused, unread."""

    members: int = 50_000
    total_bytes: int = 1024 * 1024 * 1024  # unpacked, all members read
    ratio: int = 200  # unpacked / packed, for members over 1 MiB (text packs 3-10x, generated XML ~30x)
    member_bytes: int = 256 * 1024 * 1024  # project.qde: ~500 bytes a selection
    source_bytes: int = 50 * 1024 * 1024  # one source's text (the import passes the library's document limit)


# ------------------------------------------------------------------ writing
def project_bytes(project: Project, *, validate: bool = True) -> bytes:
    """project.qde of `project`, checked against Project.xsd first (an invalid export is never written)."""
    from lxml import etree

    root = project_element(project)
    if validate:
        check_schema(root, f"the export of '{project.name}'")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def write_qdpx(project: Project, path: str | Path) -> Path:
    """Write `project` as a .qdpx at `path` (atomically: a reader sees the old file or the whole new one)."""
    path = Path(path)
    qde = project_bytes(project)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(PROJECT_FILE, qde)
        for src in project.sources:
            zf.writestr(f"{SOURCES}/{src.guid}.txt", src.text.encode("utf-8"))
    atomic_write_bytes(path, buffer.getvalue())
    return path


# ------------------------------------------------------------------ reading
def member_problem(name: str) -> str | None:
    """Why a member name is refused (None when it is fine)."""
    if "\0" in name:
        return "holds a NUL character"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "is an absolute path"
    if "\\" in name:
        return "uses backslashes (a Windows path that could climb out)"
    if ".." in PurePosixPath(name).parts:
        return "climbs out of the archive ('..')"
    return None


class _Archive:
    def __init__(self, zf: zipfile.ZipFile, source: str, limits: Limits):
        self.zf, self.source, self.limits = zf, source, limits
        self.read_bytes = 0
        infos = zf.infolist()
        if len(infos) > limits.members:
            raise ExchangeError(source, f"it holds {len(infos):,} files, more than the {limits.members:,} a "
                                        "project may have (a zip bomb?)")
        self.members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            if (problem := member_problem(info.filename)) is not None:
                raise ExchangeError(source, f"the member '{info.filename}' {problem}; refused")
            if info.filename in self.members:
                raise ExchangeError(source, f"the member '{info.filename}' appears twice")
            if info.file_size > limits.member_bytes or (
                    info.file_size > 1024 * 1024 and info.file_size > limits.ratio * max(info.compress_size, 1)):
                raise ExchangeError(source, f"the member '{info.filename}' unpacks to {info.file_size:,} bytes "
                                            f"from {info.compress_size:,} (a zip bomb?); refused")
            declared += info.file_size
            self.members[info.filename] = info
        self._lowered = {}
        for name, info in self.members.items():
            self._lowered.setdefault(name.lower(), info)
        if declared > limits.total_bytes:
            raise ExchangeError(source, f"it unpacks to {declared:,} bytes, more than {limits.total_bytes:,} "
                                        "(a zip bomb?); refused")

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The member named `name`, or differing only in case (archives made on Windows)."""
        return self.members.get(name) or self._lowered.get(name.lower())

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """Its bytes, counted as they come (never more than it declares, nor than the limit in all)."""
        chunks, size = [], 0
        try:
            with self.zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    size += len(chunk)
                    self.read_bytes += len(chunk)
                    if size > info.file_size or self.read_bytes > self.limits.total_bytes:
                        raise ExchangeError(self.source, f"the member '{info.filename}' unpacks to more than it "
                                                         "declares (a zip bomb?); refused")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
                ValueError) as exc:
            raise ExchangeError(self.source, f"the member '{info.filename}' cannot be unpacked ({exc})") from None
        return b"".join(chunks)

    def text(self, path: str, where: str) -> str:
        if not path.startswith(INTERNAL):
            raise ExchangeError(where, f"its text is outside the archive ({path!r}); export the project with its "
                                       "sources embedded (internal://)")
        name = path[len(INTERNAL):]
        if (problem := member_problem(name)) is not None:
            raise ExchangeError(where, f"its text path {path!r} {problem}; refused")
        info = self.find(f"{SOURCES}/{name}") or self.find(name)
        if info is None:
            raise ExchangeError(where, f"its text {SOURCES}/{name} is missing from the archive")
        if info.file_size > self.limits.source_bytes:
            raise ExchangeError(where, f"its text is {info.file_size / 1e6:.1f} MB, more than a document may be "
                                       f"({self.limits.source_bytes / 1e6:.0f} MB, QUALIA_MAX_DOCUMENT_MB)")
        data = self.read(info)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ExchangeError(where, f"its text {info.filename} is not UTF-8 (byte {exc.start:,} is "
                                       f"0x{data[exc.start]:02x}); save it as UTF-8") from None
        return text[1:] if text.startswith("\ufeff") else text


def read_qdpx(path: str | Path, *, limits: Limits = Limits()) -> Project:
    """The project in the .qdpx at `path`, checked whole; ExchangeError names the first thing wrong."""
    path = Path(path)
    source = path.name or str(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ExchangeError(source, f"there is no file {path}") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExchangeError(source, f"it is not a .qdpx archive (a zip file): {exc}") from None
    with zf:
        archive = _Archive(zf, source, limits)
        info = archive.find(PROJECT_FILE)
        if info is None:
            qde = [n for n in archive.members if n.lower().endswith(".qde") and "/" not in n]
            if len(qde) != 1:
                raise ExchangeError(source, f"it has no {PROJECT_FILE}")
            info = archive.members[qde[0]]
        where = f"{source} ({info.filename})"
        root = parse(archive.read(info), where)
        check_schema(root, where)
        project = read_project(root, where, archive.text)
    check_project(project, source)
    return project


def check_project(project: Project, source: str) -> None:
    """ExchangeError for anything that refers to nothing or lies outside its text, or a GUID used twice."""
    seen: dict[str, str] = {}

    def once(guid: str, what: str) -> None:
        if guid in seen:
            raise ExchangeError(source, f"the GUID {guid} names both {seen[guid]} and {what}")
        seen[guid] = what

    users = {u.guid for u in project.users}
    for user in project.users:
        once(user.guid, f"user '{user.name}'")
    codes = set()
    for code, _ in walk(project.codes):
        once(code.guid, f"code '{code.name}'")
        codes.add(code.guid)
    notes = {n.guid for n in project.notes}
    for note in project.notes:
        once(note.guid, f"note '{note.name}'")

    def known_user(guid: str | None, where: str) -> None:
        if guid is not None and guid not in users:
            raise ExchangeError(source, f"{where} names the user {guid}, who is not among the project's Users")

    def known_notes(refs: list[str], where: str) -> None:
        for ref in refs:
            if ref not in notes:
                raise ExchangeError(source, f"{where} refers to the note {ref}, which is not among the Notes")

    known_user(project.user_guid, "the project")
    known_notes(project.note_refs, "the project")
    for code, _ in walk(project.codes):
        known_notes(code.note_refs, f"code '{code.name}'")
    for note in project.notes:
        known_user(note.user_guid, f"note '{note.name}'")
    for src in project.sources:
        once(src.guid, f"source '{src.name}'")
        where = f"source '{src.name}'"
        known_user(src.user_guid, where)
        known_notes(src.note_refs, where)
        length = len(src.text)
        for sel in src.selections:
            once(sel.guid, f"a selection of '{src.name}'")
            sel_where = f"selection {sel.guid} of '{src.name}'"
            if not 0 <= sel.start <= sel.end <= length:
                raise ExchangeError(source, f"{sel_where} runs from {sel.start:,} to {sel.end:,}, outside the "
                                            f"text ({length:,} characters)")
            known_user(sel.user_guid, sel_where)
            known_notes(sel.note_refs, sel_where)
            for coding in sel.codings:
                if coding.code_guid not in codes:
                    raise ExchangeError(source, f"{sel_where} is coded with {coding.code_guid}, which is not in "
                                                "the codebook")
                known_user(coding.user_guid, sel_where)
