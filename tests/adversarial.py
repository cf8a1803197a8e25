"""Adversarial inputs built on the fly (tests and benchmarks/bench_adversarial.py share them): nothing large is
committed, and a zip bomb is written through zipfile's streaming writer, so building it holds ~1 MB at a time."""

from __future__ import annotations

import io
import zipfile

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
TAIL = b"</w:body></w:document>"


def docx_bytes(body_mb: int = 0, unit: bytes = b"<w:p/>", paragraphs: tuple[str, ...] = (),
               extra: dict[str, bytes] | None = None) -> bytes:
    """A valid .docx: its body holds `paragraphs`, then `body_mb` MB of `unit` (deflated at level 9 while
    written, so 340 MB of `<w:p/>` make a ~330 KB file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=body_mb > 0) as out:
            out.write(HEAD)
            for text in paragraphs:
                out.write(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode())
            chunk = unit * (2**20 // len(unit))
            for _ in range(body_mb):
                out.write(chunk)
            out.write(TAIL)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """The probe's zip bomb: a ~330 KB .docx whose document.xml is 340 MB of empty paragraphs."""
    return docx_bytes(body_mb=340)


def _fill(unit: str, mb: float, head: str = "") -> bytes:
    return (head + unit * int(mb * 2**20 // len(unit))).encode()


def _cues(mb: float, sep: str, head: str = "") -> bytes:
    cue = "{n}\n00:00:01" + sep + "000 --> 00:00:02" + sep + "000\nAna: x\n\n"
    count = int(mb * 2**20 // len(cue.format(n=1000000)))
    return (head + "".join(cue.format(n=i) for i in range(count))).encode()


def _under_the_text_limit(unit: bytes) -> bytes:
    from qualia_core.formats.docx_package import MAX_DOCUMENT_XML_BYTES

    count = (MAX_DOCUMENT_XML_BYTES - len(HEAD) - len(TAIL)) // len(unit)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr(zipfile.ZipInfo("word/document.xml"), HEAD + unit * count + TAIL, zipfile.ZIP_STORED)
    return buffer.getvalue()


VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
# name -> (extension, generator of about `mb` MB)
_ALL = {
    "docx_zip_bomb": (".docx", lambda mb: zip_bomb()),
    "docx_max_empty_paras": (".docx", lambda mb: _under_the_text_limit(b"<w:p/>")),
    "docx_max_tiny_elements": (".docx", lambda mb: _under_the_text_limit(b"<a/>")),
    "docx_max_tiny_runs": (".docx", lambda mb: _under_the_text_limit(b"<w:p><w:r/></w:p>")),
    "txt_one_long_line": (".txt", lambda mb: _fill("a", mb)),
    "txt_short_lines": (".txt", lambda mb: _fill("a\n", mb)),
    "txt_prose_lines": (".txt", lambda mb: _fill("some words of prose here\n", mb)),
    "txt_short_turns": (".txt", lambda mb: _fill("Ana: x\n", mb)),
    "txt_turns_80": (".txt", lambda mb: _fill("Ana Silva: " + "word " * 14 + "\n", mb)),
    "txt_colons": (".txt", lambda mb: _fill(":", mb)),
    "txt_label_no_colon": (".txt", lambda mb: _fill("Ana Silva " * 10 + "\n", mb)),
    "txt_open_brackets": (".txt", lambda mb: _fill("[", mb)),
    "txt_open_parens": (".txt", lambda mb: _fill("Ana (", mb)),
    "vtt_many_cues": (".vtt", lambda mb: _cues(mb, ".", "WEBVTT\n\n")),
    "vtt_one_cue_many_lines": (".vtt", lambda mb: _fill("x\n", mb, VTT)),
    "vtt_open_tags": (".vtt", lambda mb: _fill("<", mb, VTT)),
    "vtt_open_voices": (".vtt", lambda mb: _fill("<v ", mb, VTT)),
    "vtt_voices": (".vtt", lambda mb: _fill("<v A>x", mb, VTT)),
    "vtt_bad_timings": (".vtt", lambda mb: _fill("x-->\n", mb, "WEBVTT\n\n")),
    "vtt_notes": (".vtt", lambda mb: _fill("NOTE x\n", mb, "WEBVTT\n\n")),
    "srt_many_cues": (".srt", lambda mb: _cues(mb, ",")),
    "srt_open_ass_tags": (".srt", lambda mb: _fill("{\\", mb, "1\n00:00:01,000 --> 00:00:02,000\n")),
    "srt_open_tags": (".srt", lambda mb: _fill("<", mb, "1\n00:00:01,000 --> 00:00:02,000\n")),
}
INPUTS = {name: gen for name, (_, gen) in _ALL.items()}
EXTENSIONS = {name: ext for name, (ext, _) in _ALL.items()}
