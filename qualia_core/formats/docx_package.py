"""The .docx package (a zip archive): checked against a transcript's proportions before anything is unpacked.

Only `word/document.xml` is unpacked and parsed (the text is all a transcript needs; styles, themes and images are
never read). Parsing it builds an XML tree of ~100 bytes per element: 8 MB of the smallest elements (`<a/>`) take
~256 MB. A zip bomb (a 334 KB .docx whose document.xml unpacks to 340 MB of empty paragraphs) once took 93 s and
4.5 GB; it is now refused from the archive's directory alone (the sizes each entry declares; zipfile never unpacks
more than an entry declares), in milliseconds, when:

- the archive lists more than MAX_ENTRIES entries (a .docx has 10 to 30; listing a million empty entries takes
  seconds and hundreds of MB);
- an entry over RATIO_FLOOR_BYTES unpacks to more than MAX_RATIO times its packed size (Word's XML packs 3 to 35
  to 1; deflate packs at most ~1030 to 1, which only long runs of the same bytes reach);
- word/document.xml unpacks to more than MAX_DOCUMENT_XML_BYTES (an hour of a Teams transcript is ~130 KB of it;
  Word's own markup is a few times more);
- the whole package unpacks to more than the largest transcript file Qualia reads (QUALIA_MAX_DOCUMENT_MB).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from ..errors import DocumentError

DOCUMENT_XML = "word/document.xml"
MAX_ENTRIES = 1000
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 2**20
MAX_DOCUMENT_XML_BYTES = 8 * 2**20

_EOCD = b"PK\x05\x06"  # end of central directory record: its entry count sits at offset 10
_EOCD_SIZE = 22
_MAX_COMMENT = 65535
_SAVE_AS = "re-save the transcript from Word, or save it as .txt"


def read_document_xml(data: bytes, source: str, max_bytes: int) -> bytes:
    """The bytes of word/document.xml, once the package passed every check above; else a DocumentError naming the
    file, the limit and the file's own figure."""
    entries = declared_entries(data)
    if entries is None or not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(
            source,
            "this is not a valid .docx file (it is not a zip archive, as every .docx is); it may be damaged, "
            "or an old .doc or another file renamed: open it in Word and save it as .docx",
        )
    if entries > MAX_ENTRIES:
        raise DocumentError(source, f"the .docx archive lists {entries:,} entries, more than a Word document has "
                            f"({MAX_ENTRIES:,} at most): it is damaged or not a Word document; {_SAVE_AS}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_sizes(infos, source, max_bytes)
            names = {info.filename for info in infos}
            if DOCUMENT_XML not in names:
                raise DocumentError(
                    source,
                    f"this zip archive has no {DOCUMENT_XML}, so it is not a Word document: "
                    "open the transcript in Word and save it as .docx",
                )
            return archive.read(DOCUMENT_XML)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise DocumentError(source, f"the .docx archive is damaged ({exc}): {_SAVE_AS}") from None


def declared_entries(data: bytes) -> int | None:
    """How many entries the archive's end record declares (None without one), read before zipfile lists them.
    A ZIP64 archive declares 0xFFFF here, which is over MAX_ENTRIES: Word never writes one."""
    at = data.rfind(_EOCD, max(0, len(data) - _EOCD_SIZE - _MAX_COMMENT))
    if at < 0 or len(data) < at + _EOCD_SIZE:
        return None
    return int.from_bytes(data[at + 10 : at + 12], "little")


def _check_sizes(infos: list[zipfile.ZipInfo], source: str, max_bytes: int) -> None:
    for info in infos:
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size / max(info.compress_size, 1)
            raise DocumentError(
                source,
                f"{info.filename} in the .docx unpacks to {_mb(info.file_size)} from {_mb(info.compress_size)}, "
                f"{ratio:,.0f} times its packed size; a Word transcript unpacks to at most {MAX_RATIO} times (Word's "
                f"text packs 3 to 35 to 1), so this file is a zip bomb or damaged: {_SAVE_AS}",
            )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_bytes:
        raise DocumentError(
            source,
            f"the .docx unpacks to {_mb(unpacked)}, over the {_mb(max_bytes)} limit for a transcript (the "
            "QUALIA_MAX_DOCUMENT_MB setting): remove images and embedded files, or save it as .txt",
        )
    document = next((info for info in infos if info.filename == DOCUMENT_XML), None)
    if document is not None and document.file_size > MAX_DOCUMENT_XML_BYTES:
        raise DocumentError(
            source,
            f"the .docx's text ({DOCUMENT_XML}) unpacks to {_mb(document.file_size)}, more than a transcript's "
            f"({_mb(MAX_DOCUMENT_XML_BYTES)} at most, many hours of speech): split the transcript into several "
            "documents, or save it as .txt",
        )


def _mb(n: int) -> str:
    return f"{n / 2**20:,.1f} MB" if n >= 2**20 else f"{n / 1024:,.1f} KB"
