"""Word transcripts: Teams exports (`Name   m:ss` then speech), Word prose, `Speaker: text` paragraphs, broken files.

The .docx fixtures are made here with python-docx (a committed .docx would weigh ~40 KB of Word boilerplate).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from qualia_core.errors import DocumentError
from qualia_core.formats import load_path, parse_bytes

# Teams times of the turns of ES2012a_excerpt.txt (from the real export of that meeting).
EXCERPT_TIMES = ["2:35", "3:05", "3:07", "3:23", "3:28", "3:33", "3:35", "3:37"]


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    """A .docx whose body paragraphs have these texts ("\\n" → line break, "\\t" → tab, as Word writes them)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def pairs(doc):
    return [(u.speaker, u.text) for u in doc.utterances]


def excerpt_turns(fixtures_dir: Path) -> list[tuple[str, str]]:
    lines = (fixtures_dir / "formats" / "ES2012a_excerpt.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split(": ", 1)) for line in lines]


def test_teams_docx_excerpt_matches_the_txt_transcript(tmp_path, fixtures_dir):
    """The corpus layout: a "Transcript" title, then `Name   m:ss` and the speech paragraph per turn."""
    turns = excerpt_turns(fixtures_dir)
    paragraphs = ["Transcript"]
    for (name, speech), time in zip(turns, EXCERPT_TIMES):
        paragraphs += [f"{name}   {time}", speech]
    doc = load_path(make_docx(tmp_path / "ES2012a_excerpt.docx", paragraphs))
    assert pairs(doc) == turns
    assert doc.metadata["docx_flavour"] == "teams"
    assert [(u.start, u.end) for u in doc.utterances[:2]] == [(155.0, 185.0), (185.0, 187.0)]
    assert doc.utterances[-1].end is None
    assert doc.content == "\n".join(paragraphs)


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["Ann Lee\t0:03", "Hello there.", "Bob   1:02:03", "Hi."],
        ["Ann Lee\n0:03\nHello there.", "Bob\n1:02:03\nHi."],
        ["Ann Lee   0:03\nHello there.", "Bob   1:02:03", "Hi."],
        ["0:0:3.0 --> 0:0:5.1\nAnn Lee\nHello there.", "1:2:3.0 --> 1:2:4.0\nBob\nHi."],
    ],
    ids=["tab", "line-breaks", "break-after-header", "old-teams-arrows"],
)
def test_teams_header_layouts(tmp_path, paragraphs):
    doc = load_path(make_docx(tmp_path / "t.docx", paragraphs))
    assert pairs(doc) == [("Ann Lee", "Hello there."), ("Bob", "Hi.")]
    assert [u.start for u in doc.utterances] == [3.0, 3723.0]


def test_teams_turn_with_several_speech_paragraphs_is_one_utterance(tmp_path):
    paragraphs = ["Weekly sync", "Ann Lee   0:03", "First part.", "Second part.", "Bob   0:09", "Ok."]
    doc = load_path(make_docx(tmp_path / "t.docx", paragraphs))
    assert pairs(doc) == [("Ann Lee", "First part. Second part."), ("Bob", "Ok.")]


def test_word_prose_gives_one_utterance_per_paragraph(tmp_path):
    paragraphs = ["Field notes, 12 March", "", "The team met at 10:30 to plan.", "Nobody disagreed."]
    doc = load_path(make_docx(tmp_path / "notes.docx", paragraphs))
    assert pairs(doc) == [(None, p) for p in paragraphs if p]
    assert doc.metadata["txt_flavour"] == "prose"
    assert doc.content == "\n".join(paragraphs)


def test_word_speaker_paragraphs_are_parsed_like_txt(tmp_path):
    paragraphs = ["Interviewer: How did it start?", "Participant: Slowly.", "Then it grew.", "Interviewer: Thanks."]
    doc = load_path(make_docx(tmp_path / "interview.docx", paragraphs))
    assert pairs(doc) == [
        ("Interviewer", "How did it start?"),
        ("Participant", "Slowly."),
        ("Participant", "Then it grew."),
        ("Interviewer", "Thanks."),
    ]
    assert doc.metadata["docx_flavour"] == "paragraphs"
    assert doc.metadata["txt_flavour"] == "speaker_lines"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_broken_document_xml(tmp_path) -> bytes:
    good = make_docx(tmp_path / "good.docx", ["hello"]).read_bytes()
    source = zipfile.ZipFile(io.BytesIO(good))
    entries = {n: source.read(n) for n in source.namelist()}
    entries["word/document.xml"] = b"<w:document><unclosed>"
    return _zip(entries)


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda tmp: b"This is plain text saved with a .docx name", "not a zip archive"),
        (lambda tmp: _zip({"readme.txt": b"hi"}), "no word/document.xml"),
        (_with_broken_document_xml, "cannot be read"),
    ],
    ids=["not-zip", "no-document-xml", "broken-xml"],
)
def test_malformed_docx_errors_name_file_and_reason(tmp_path, make, reason):
    with pytest.raises(DocumentError) as err:
        parse_bytes(make(tmp_path), "minutes.docx")
    assert err.value.source == "minutes.docx"
    assert "minutes.docx" in str(err.value) and reason in str(err.value)


def test_docx_without_text_is_empty(tmp_path):
    data = make_docx(tmp_path / "blank.docx", ["", "   "]).read_bytes()
    with pytest.raises(DocumentError, match="blank.docx.*is empty"):
        parse_bytes(data, "blank.docx")


def test_tracked_insertions_are_part_of_the_text(tmp_path):
    """Text inside a tracked change <w:ins> counts (python-docx's Paragraph.text would drop it)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    paragraph = document.add_paragraph("Kept and ")
    inserted, run, text = OxmlElement("w:ins"), OxmlElement("w:r"), OxmlElement("w:t")
    inserted.set(qn("w:id"), "1")
    inserted.set(qn("w:author"), "Editor")
    text.text = "inserted."
    run.append(text)
    inserted.append(run)
    paragraph._p.append(inserted)
    document.save(str(tmp_path / "tracked.docx"))
    assert pairs(load_path(tmp_path / "tracked.docx")) == [(None, "Kept and inserted.")]


def test_docx_unpacking_to_too_much_is_refused(tmp_path):
    """A zip bomb guard: the unpacked size is checked before anything is unpacked (more in test_docx_limits.py)."""
    data = make_docx(tmp_path / "big.docx", ["hello"]).read_bytes()
    with pytest.raises(DocumentError, match="big.docx: the .docx unpacks to"):
        parse_bytes(data, "big.docx", max_bytes=len(data) + 1)
