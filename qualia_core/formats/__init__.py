"""Transcript loaders: a file, uploaded bytes or pasted text → Document.

    load_path(path)           a file on disk
    parse_bytes(data, name)   an upload already in memory; `name` gives the extension and the source name
    parse_text(text)          text already decoded (pasted)

Formats: .txt (prose, `Speaker: text`, `[hh:mm:ss] Speaker: text`, `Speaker (hh:mm:ss): text`), .vtt
(WebVTT, Teams voice tags), .srt, .docx (Teams export or Word prose). The extension chooses the parser;
the content can overrule it for text files (a .txt starting with WEBVTT is read as WebVTT).
Every problem a user can cause raises DocumentError naming the file and what to do.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..document import Document
from ..errors import DocumentError
from ..names import path_problem
from .docx import parse_docx
from .encoding import decode, normalise_newlines
from .srt import parse_srt
from .text import FLAVOURS, parse_lines
from .vtt import parse_vtt

__all__ = ["load_path", "parse_bytes", "parse_text", "detect_format", "DEFAULT_MAX_BYTES", "MAX_LINES", "EXTENSIONS",
           "FLAVOURS"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Lines (and WebVTT voice tags) of one text transcript (.txt .vtt .srt): each costs a few hundred bytes of Python objects as a turn, so
# this bounds the memory of any file within the size limit (~300 MB at most); a meeting has ~1,000 lines an hour.
MAX_LINES = 1_000_000
# Extension → format; "txt" means "text: detect from the content".
EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "txt", "": "txt", ".vtt": "vtt", ".srt": "srt", ".docx": "docx"}
_REFUSED = {
    ".doc": "the old Word .doc format is not supported: open it in Word and save it as .docx",
    ".pdf": "PDF is not supported: export the transcript as .txt, .vtt, .srt or .docx",
    ".rtf": "RTF is not supported: save the transcript as .docx or .txt",
}
_NON_SPACE = re.compile(r"\S")
_STAMP = r"\d+(?::\d{1,2}){1,2}[.,]\d+"
# A timing line: two stamps and nothing after them but cue settings (align:start).
_TIMING_LINE = _STAMP + r"[ \t]*-->[ \t]*" + _STAMP + r"(?:[ \t]+\S+:\S+)*[ \t]*$"
_SRT_START = re.compile(r"\A\s*\d+[ \t]*\n[ \t]*" + _TIMING_LINE, re.M)
_TIMING_START = re.compile(r"\A\s*(?:[^\n]*\n)?[ \t]*" + _TIMING_LINE, re.M)


def load_path(path: str | Path, *, doc_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read, decode and parse a transcript file. `doc_id` defaults to the file name without extension."""
    if problem := path_problem(path):
        raise DocumentError(repr(str(path)), problem)
    path = Path(path)
    source = path.name or str(path)
    _check_extension(path.suffix.lower(), source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocumentError(source, f"the file does not exist ({path}): check the path and the file name") from None
    except OSError as exc:
        raise DocumentError(source, f"the file cannot be opened ({exc.strerror}): check the path") from None
    if path.is_dir():
        raise DocumentError(source, "this is a folder, not a file: choose a transcript file inside it")
    _check_size(size, max_bytes, source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(source, f"the file cannot be read ({exc.strerror}): check its permissions") from None
    return parse_bytes(data, source, doc_id=doc_id if doc_id is not None else path.stem, max_bytes=max_bytes)


def parse_bytes(data: bytes, name: str, *, doc_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Decode and parse an uploaded transcript; `name` (a file name) gives the extension and the source."""
    source = Path(name).name or name
    ext = Path(name).suffix.lower()
    kind = _check_extension(ext, source)
    _check_size(len(data), max_bytes, source)
    if not data.strip():
        raise _empty(source)
    doc_id = doc_id if doc_id is not None else Path(name).stem or source
    metadata: dict = {"source": source, "size_bytes": len(data)}
    if kind == "docx":
        parsed = parse_docx(data, source, max_bytes)
        if not parsed.utterances and not _NON_SPACE.search(parsed.content):
            raise _empty(source, "the Word document has no text")
        metadata.update(format="docx", encoding="utf-8", docx_flavour=parsed.flavour)
        if parsed.txt_flavour:
            metadata["txt_flavour"] = parsed.txt_flavour
        return _done(Document(doc_id, parsed.content, parsed.utterances, metadata))
    text, encoding = decode(data, source)
    if not _NON_SPACE.search(text):
        raise _empty(source)
    fmt = detect_format(text) if kind == "txt" else _sniff(kind, text)
    metadata["encoding"] = encoding
    return _done(_parse(text, fmt, source, doc_id, metadata))


def parse_text(text: str, name: str = "pasted text", *, doc_id: str | None = None, fmt: str | None = None) -> Document:
    """Parse text already decoded. `fmt` None detects it: WEBVTT header → vtt, SRT cues → srt, else txt."""
    if fmt is not None and fmt not in ("txt", "vtt", "srt"):
        raise ValueError(f"fmt must be 'txt', 'vtt', 'srt' or None, not {fmt!r}")
    source = name
    text = normalise_newlines(text).lstrip("\ufeff")
    if not _NON_SPACE.search(text):
        raise _empty(source)
    suffix = Path(name).suffix
    doc_id = doc_id if doc_id is not None else (Path(name).stem if suffix.lower() in EXTENSIONS else name)
    metadata = {"source": source, "encoding": None, "size_bytes": len(text.encode("utf-8", "surrogatepass"))}
    return _done(_parse(text, fmt or detect_format(text), source, doc_id, metadata))


def detect_format(text: str) -> str:
    """'vtt' for a WEBVTT header, 'srt' for text starting with a numbered SRT cue, else 'txt'."""
    head = text[:4096].lstrip("\ufeff \t\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if _SRT_START.match(head):
        return "srt"
    if _TIMING_START.match(head):  # cues without the header or numbers
        return "vtt" if "<v" in head else "srt"
    return "txt"


def _sniff(kind: str, text: str) -> str:
    """The extension's format, unless the content clearly is the other cue format."""
    detected = detect_format(text)
    return detected if detected in ("vtt", "srt") else kind


def _parse(text: str, fmt: str, source: str, doc_id: str, metadata: dict) -> Document:
    lines = text.count("\n") + 1
    voices = text.count("<v") if fmt == "vtt" else 0  # each may start a turn, as a line does
    if lines + voices > MAX_LINES:
        what = f"{lines:,} lines and {voices:,} voice tags" if voices else f"{lines:,} lines"
        raise DocumentError(
            source,
            f"the transcript has {what}, more than one document may hold ({MAX_LINES:,} together, hundreds of "
            "hours of speech): split it into several files",
        )
    metadata["format"] = fmt
    if fmt == "vtt":
        utterances = parse_vtt(text, source)
    elif fmt == "srt":
        utterances = parse_srt(text, source)
    else:
        parsed = parse_lines(text)
        utterances = parsed.utterances
        metadata["txt_flavour"] = parsed.flavour
    return Document(doc_id, text, utterances, metadata)


def _done(document: Document) -> Document:
    logger.debug(
        "loaded %s: format=%s encoding=%s utterances=%d",
        document.metadata.get("source"),
        document.metadata.get("format"),
        document.metadata.get("encoding"),
        len(document.utterances),
    )
    return document


def _check_extension(ext: str, source: str) -> str:
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    if ext in _REFUSED:
        raise DocumentError(source, _REFUSED[ext])
    raise DocumentError(
        source,
        f"unknown file type '{ext}': Qualia reads .txt, .vtt, .srt and .docx transcripts; "
        "save or export the transcript in one of these formats (or rename it if it is one)",
    )


def _check_size(size: int, max_bytes: int, source: str) -> None:
    if size > max_bytes:
        raise DocumentError(
            source,
            f"the file is {_mb(size)} ({size:,} bytes), over the {_mb(max_bytes)} limit: split the transcript "
            "into smaller files, or raise the limit (the QUALIA_MAX_DOCUMENT_MB setting, in MB)",
        )


def _empty(source: str, detail: str = "the file has no text") -> DocumentError:
    return DocumentError(source, f"the transcript is empty ({detail}): choose the file that holds the transcript")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"
