"""Bytes → text: BOM-aware decoding, binary detection, line-end normalisation.

Order: a BOM decides (UTF-8, UTF-16 LE/BE as Teams exports, UTF-32); otherwise NUL bytes mean binary;
otherwise strict UTF-8, then cp1252 (Windows Word/Notepad), then latin-1 (cp1252's five undefined bytes).
"""

from __future__ import annotations

import codecs
import re

from ..errors import DocumentError

_BOMS = (
    # UTF-32 first: its LE BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that text files do not hold (tab, LF, VT, FF and CR excluded).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SNIFF_CHARS = 65536
_MAX_CONTROL_RATIO = 0.01

_MAGIC_HINTS = (
    (b"PK\x03\x04", "it is a zip archive (a Word .docx file is one: give it the .docx extension)"),
    (b"%PDF", "it is a PDF: export the transcript as .txt, .vtt, .srt or .docx"),
    (b"\xd0\xcf\x11\xe0", "it is an old Word/Office file: save it as .docx"),
    (b"{\\rtf", "it is an RTF document: save it as .docx or .txt"),
)


def detect_binary_hint(data: bytes) -> str | None:
    """A reason naming the kind of binary file when the magic bytes tell it, else None."""
    for magic, hint in _MAGIC_HINTS:
        if data.startswith(magic):
            return hint
    return None


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode transcript bytes; return (text with "\\n" line ends and no BOM, encoding name).

    Raises DocumentError for binary data or a BOM-declared encoding the bytes do not follow.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    source,
                    f"it starts with a {encoding.upper()} byte-order mark but byte {exc.start} is not valid "
                    f"{encoding.upper()}: the file is damaged or mislabelled; re-export or re-save it as UTF-8",
                ) from None
            name = "utf-8-sig" if encoding == "utf-8-sig" else encoding
            return _finish(text.lstrip("\ufeff"), source), name
    hint = detect_binary_hint(data)
    if hint is not None:
        raise DocumentError(source, f"this is not a text file: {hint}")
    if b"\x00" in data:
        raise DocumentError(
            source,
            "it looks like a binary file, not text (it contains NUL bytes); if it is UTF-16 text, "
            "re-save it with a byte-order mark or as UTF-8",
        )
    try:
        return _finish(data.decode("utf-8"), source), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _finish(data.decode("cp1252"), source), "cp1252"
    except UnicodeDecodeError:
        return _finish(data.decode("latin-1"), source), "latin-1"


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR → LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _finish(text: str, source: str) -> str:
    text = normalise_newlines(text)
    sample = text[:_SNIFF_CHARS]
    if sample and len(_CONTROL.findall(sample)) > _MAX_CONTROL_RATIO * len(sample):
        raise DocumentError(
            source, "it looks like a binary file, not text (it is full of control characters); choose the "
            "transcript file itself (.txt, .vtt, .srt or .docx)"
        )
    return text
