"""Reading files and bytes: encodings, line ends, metadata, ids, and the errors a user can cause."""

from __future__ import annotations

import codecs

import pytest

from qualia_core.errors import DocumentError
from qualia_core.formats import load_path, parse_bytes, parse_text

TRANSCRIPT = "Chloé: Ça va? It’s fine.\nRené: Très bien, merci.\n"
EXPECTED = [("Chloé", "Ça va? It’s fine."), ("René", "Très bien, merci.")]


def pairs(doc):
    return [(u.speaker, u.text) for u in doc.utterances]


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TRANSCRIPT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TRANSCRIPT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TRANSCRIPT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TRANSCRIPT.encode("utf-16-be"), "utf-16"),
        (TRANSCRIPT.encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252"],
)
def test_encodings_decode_to_the_same_turns(data, encoding):
    doc = parse_bytes(data, "interview.txt")
    assert pairs(doc) == EXPECTED
    assert doc.metadata["encoding"] == encoding
    assert not doc.content.startswith("\ufeff")


def test_bytes_undefined_in_cp1252_fall_back_to_latin1():
    """Bytes that are neither UTF-8 nor cp1252 (0x81) still decode, as latin-1."""
    doc = parse_bytes("Ann: caf\u00e9 \x81".encode("latin-1"), "odd.txt")
    assert doc.metadata["encoding"] == "latin-1"
    assert doc.utterances[0].text == "caf\u00e9 \x81"


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_windows_and_old_mac_line_ends(newline):
    data = TRANSCRIPT.replace("\n", newline).encode("utf-8")
    doc = parse_bytes(data, "interview.txt")
    assert pairs(doc) == EXPECTED
    assert "\r" not in doc.content


def test_utf16_teams_vtt_with_crlf():
    """Teams exports: UTF-16 with BOM and CRLF."""
    text = "WEBVTT\r\n\r\nab12/0-0\r\n00:00:01.000 --> 00:00:02.000\r\n<v Chloé>Ça va?</v>\r\n"
    doc = parse_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "meeting.vtt")
    assert pairs(doc) == [("Chloé", "Ça va?")]
    assert doc.metadata["encoding"] == "utf-16"


@pytest.mark.parametrize(
    "name, data, fmt",
    [
        ("a.txt", b"Ann: hi\n", "txt"),
        ("a.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>hi\n", "vtt"),
        ("a.srt", b"1\n00:00:01,000 --> 00:00:02,000\nAnn: hi\n", "srt"),
        ("A.TXT", b"Ann: hi\n", "txt"),
    ],
)
def test_metadata_holds_source_format_encoding_and_size(name, data, fmt):
    doc = parse_bytes(data, name)
    assert doc.metadata["source"] == name
    assert doc.metadata["format"] == fmt
    assert doc.metadata["encoding"] == "utf-8"
    assert doc.metadata["size_bytes"] == len(data)


def test_load_path_defaults_doc_id_to_the_file_stem(tmp_path):
    path = tmp_path / "focus group 2.txt"
    path.write_bytes(b"Ann: hi\n")
    assert load_path(path).id == "focus group 2"
    assert load_path(path, doc_id="fg2").id == "fg2"


def test_parse_text_defaults():
    doc = parse_text("Ann: hi\nBob: yo")
    assert doc.id == "pasted text"
    assert doc.metadata["source"] == "pasted text"
    assert doc.metadata["encoding"] is None
    assert doc.content == "Ann: hi\nBob: yo"


def test_parse_text_forced_format_overrides_detection():
    doc = parse_text("1\n00:00:01,000 --> 00:00:02,000\nAnn: hi\n", fmt="txt")
    assert doc.metadata["format"] == "txt"


def test_parse_text_rejects_an_unknown_forced_format():
    with pytest.raises(ValueError, match="fmt"):
        parse_text("Ann: hi", fmt="pdf")


def test_txt_holding_webvtt_is_read_as_webvtt():
    doc = parse_bytes(b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>hi\n", "export.txt")
    assert doc.metadata["format"] == "vtt"


# ---- errors: each names the file and the reason ----


def _error(data: bytes, name: str, **kwargs) -> DocumentError:
    with pytest.raises(DocumentError) as err:
        parse_bytes(data, name, **kwargs)
    assert err.value.source == name
    assert name in str(err.value)
    return err.value


@pytest.mark.parametrize(
    "data",
    [b"", b"  \n\t\r\n ", codecs.BOM_UTF8 + b" \n", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")],
    ids=["zero-bytes", "whitespace", "bom-utf8-whitespace", "bom-utf16-whitespace"],
)
def test_empty_files_are_refused(data):
    assert "is empty" in str(_error(data, "blank.txt"))


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
        (b"PK\x03\x04" + b"\x00" * 30, ".docx extension"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
    ],
    ids=["nul-bytes", "control-chars", "zip-named-txt", "pdf-named-txt"],
)
def test_binary_files_are_refused(data, reason):
    assert reason in str(_error(data, "recording.txt"))


def test_utf16_bom_with_broken_body_is_undecodable():
    data = codecs.BOM_UTF16_LE + "Ann: hi".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    assert "not valid UTF-16" in str(_error(data, "teams.vtt"))


def test_too_big_says_size_limit_and_what_to_do():
    message = str(_error(b"Ann: hi\n" * 400, "long.txt", max_bytes=1024))
    assert "3.1 KB" in message and "3,200 bytes" in message
    assert "1.0 KB limit" in message
    assert "raise the limit (the QUALIA_MAX_DOCUMENT_MB setting" in message


def test_load_path_checks_the_size_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"x" * 3 * 1024 * 1024)
    with pytest.raises(DocumentError, match=r"huge.txt: the file is 3.0 MB .* over the 2.0 MB limit"):
        load_path(path, max_bytes=2 * 1024 * 1024)


@pytest.mark.parametrize(
    "name, reason",
    [
        ("slides.pptx", "unknown file type '.pptx'"),
        ("audio.mp3", "Qualia reads .txt, .vtt, .srt and .docx"),
        ("old.doc", "save it as .docx"),
        ("paper.pdf", "PDF is not supported"),
    ],
)
def test_unsupported_extensions_are_refused(name, reason):
    assert reason in str(_error(b"Ann: hi", name))


def test_missing_file_says_so(tmp_path):
    with pytest.raises(DocumentError, match="absent.txt: the file does not exist"):
        load_path(tmp_path / "absent.txt")


def test_folder_is_not_a_file(tmp_path):
    folder = tmp_path / "transcripts.txt"
    folder.mkdir()
    with pytest.raises(DocumentError, match="folder"):
        load_path(folder)
