"""A .docx is refused before it is unpacked when its package is out of proportion to a transcript (a zip bomb),
with a message naming the file, the limit and the file's own figure; a real transcript's package is read."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from adversarial import docx_bytes, zip_bomb
from qualia_core.errors import DocumentError
from qualia_core.formats import docx_package, parse_bytes


def test_a_docx_within_the_limits_is_read():
    doc = parse_bytes(docx_bytes(paragraphs=("Ana: hello there", "Bo: and hello to you")), "ok.docx")
    assert [(u.speaker, u.text) for u in doc.utterances] == [("Ana", "hello there"), ("Bo", "and hello to you")]


def test_the_probes_zip_bomb_is_refused_without_unpacking_it():
    """The probe's 334 KB .docx of 340 MB of empty paragraphs once took 93 s and 4.5 GB: refused from its directory, so
    the refusal allocates almost nothing (measured with tracemalloc, not with a clock)."""
    bomb = zip_bomb()
    assert len(bomb) < 600 * 1024  # a few hundred KB, as the probe's 334 KB file
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError) as refused:
            parse_bytes(bomb, "bomb.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert message.startswith("Cannot read bomb.docx: word/document.xml in the .docx unpacks to 340.0 MB")
    assert f"at most {docx_package.MAX_RATIO} times" in message and "zip bomb" in message
    assert peak < 5 * 2**20, f"the refusal allocated {peak / 2**20:.0f} MB"


def test_an_entry_packed_tighter_than_word_ever_does_is_refused():
    data = docx_bytes(paragraphs=("Ana: hi",), extra={"word/media/blank.bin": bytes(3 * 2**20)})
    with pytest.raises(DocumentError, match=r"word/media/blank.bin in the .docx unpacks to 3.0 MB from .* KB, "
                                            r"[\d,]+ times its packed size; .* at most 100 times"):
        parse_bytes(data, "padded.docx")


def test_small_parts_may_pack_tightly():
    """Ratios only count for entries over RATIO_FLOOR_BYTES: a small part of zeros harms nothing."""
    data = docx_bytes(paragraphs=("Ana: hi",), extra={"word/media/zeros.bin": bytes(500_000)})
    assert parse_bytes(data, "small.docx").utterances[0].text == "hi"


def test_text_beyond_what_a_transcript_holds_is_refused(monkeypatch):
    monkeypatch.setattr(docx_package, "MAX_DOCUMENT_XML_BYTES", 4096)
    data = docx_bytes(paragraphs=tuple(f"Ana: turn {i}" for i in range(200)))
    with pytest.raises(DocumentError, match=r"long.docx: the .docx's text \(word/document.xml\) unpacks to .* KB, "
                                            r"more than a transcript's \(4.0 KB at most"):
        parse_bytes(data, "long.docx")


def test_a_package_unpacking_beyond_the_document_size_limit_is_refused():
    """The whole package may unpack to no more than a transcript file may weigh (QUALIA_MAX_DOCUMENT_MB)."""
    data = docx_bytes(paragraphs=("Ana: hi",), extra={"word/media/photo.bin": bytes(range(256)) * 2000})
    with pytest.raises(DocumentError, match=r"big.docx: the .docx unpacks to 50\d.\d KB, over the 100.0 KB limit "
                                            r"for a transcript \(the QUALIA_MAX_DOCUMENT_MB setting\)"):
        parse_bytes(data, "big.docx", max_bytes=100 * 1024)


def test_an_archive_listing_too_many_entries_is_refused_before_zipfile_lists_them(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(docx_package.MAX_ENTRIES + 1):
            archive.writestr(f"e{i}", b"")
    listed = []
    monkeypatch.setattr(zipfile.ZipFile, "infolist", lambda self: listed.append(1) or [])
    with pytest.raises(DocumentError, match=r"many.docx: the .docx archive lists 1,001 entries, .* \(1,000 at most\)"):
        parse_bytes(buffer.getvalue(), "many.docx")
    assert not listed


def test_a_damaged_entry_gives_a_clear_message():
    data = bytearray(docx_bytes(paragraphs=("Ana: " + "words " * 200,)))
    at = data.find(b"word/document.xml") + len("word/document.xml") + 40  # inside its deflated bytes
    data[at : at + 8] = b"\xff" * 8
    with pytest.raises(DocumentError, match=r"damaged.docx: the .docx archive is damaged \("):
        parse_bytes(bytes(data), "damaged.docx")
