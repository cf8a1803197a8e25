"""Word (.docx) transcripts: the paragraphs of word/document.xml (docx_package.py checks the package first).

Two layouts:
- Teams export: a paragraph `Name   1:02` (the name, a tab or two or more spaces or a line break, then a time
  `s`, `m:ss` or `h:mm:ss`) followed by the speech paragraph(s), joined with a space into one utterance.
  Older Teams exports put `0:0:0.0 --> 0:0:5.1`, the name and the speech in one paragraph, separated by
  line breaks; both are read. Paragraphs before the first header (title "Transcript", meeting name, date)
  are skipped. A document is a Teams export when at least a quarter of its non-empty paragraphs are headers
  and the first header comes within its first six paragraphs.
- Anything else: each paragraph is one utterance without speaker, unless the paragraphs are `Speaker: text`,
  which are parsed as in .txt (line breaks inside a paragraph are continuation lines).
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

from ..document import Utterance
from ..errors import DocumentError
from .docx_package import read_document_xml
from .text import parse_lines
from .timecode import fill_ends, to_seconds

logger = logging.getLogger(__name__)

_TIME = r"\d{1,2}(?::\d{2}){0,2}(?:\.\d+)?"
_HEADER = re.compile(r"^[ \t]*(\S[^\n]{0,99}?)(?:[ \t]{2,}|\t|[ \t]*\n[ \t]*)(" + _TIME + r")[ \t]*(?:\n(.*))?$", re.S)
_OLD_TEAMS = re.compile(
    r"^[ \t]*(\d+:\d{1,2}:\d{1,2}(?:\.\d+)?)[ \t]*-->[ \t]*(\d+:\d{1,2}:\d{1,2}(?:\.\d+)?)[ \t]*\n"
    r"[ \t]*([^\n]{1,100})\n(.*)$",
    re.S,
)
_TEAMS_SHARE = 0.25  # of the non-empty paragraphs are headers...
_MAX_PREAMBLE = 5  # ...and the first header comes after at most 5 title/date paragraphs


class ParsedDocx(NamedTuple):
    content: str
    utterances: list[Utterance]
    flavour: str  # "teams" or "paragraphs"
    txt_flavour: str | None


def read_paragraphs(data: bytes, source: str, max_bytes: int) -> list[str]:
    """The text of each body paragraph (line breaks as "\\n"), or a DocumentError saying what is wrong. Only
    word/document.xml is read, and only once the package passed docx_package's checks (no zip bombs)."""
    xml = read_document_xml(data, source, max_bytes)
    from docx.oxml.parser import parse_xml  # python-docx's parser (no entity expansion); text formats skip it

    try:
        body = parse_xml(xml).find(_W + "body")
    except Exception as exc:  # lxml raises several kinds for broken XML
        raise DocumentError(
            source, f"the Word document cannot be read ({type(exc).__name__}): open it in Word and save it again"
        ) from None
    if body is None:
        raise DocumentError(source, "the Word document has no body: open it in Word and save it again")
    return [_paragraph_text(p) for p in body.iterchildren(_W + "p")]


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BREAK_TYPE = _W + "type"
_INLINE = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_T, _BR, _R = _W + "t", _W + "br", _W + "r"
_RUN_HOLDERS = (_W + "hyperlink", _W + "ins")


def _paragraph_text(paragraph) -> str:
    """python-docx's Paragraph.text (runs and hyperlinks; tab, line break, no-break hyphen), plus tracked
    insertions, walking the children in one pass (python-docx's two XPaths per paragraph are 4x slower, and one
    XPath per paragraph still costs ~10 µs: 5 s for the 490,000 paragraphs that 8 MB of XML can hold)."""
    parts = []
    for child in paragraph:
        tag = child.tag
        if tag == _R:
            runs = (child,)
        elif tag in _RUN_HOLDERS:
            runs = child.iterchildren(_R)
        else:
            continue
        for run in runs:
            for element in run:
                tag = element.tag
                if tag == _T:
                    parts.append(element.text or "")
                elif tag == _BR:
                    if element.get(_BREAK_TYPE, "textWrapping") == "textWrapping":
                        parts.append("\n")
                elif tag in _INLINE:
                    parts.append(_INLINE[tag])
    return "".join(parts)


def parse_docx(data: bytes, source: str, max_bytes: int) -> ParsedDocx:
    """Content and utterances of a .docx transcript (`max_bytes`: the most its package may unpack to)."""
    paragraphs = [p.replace("\r\n", "\n").replace("\r", "\n") for p in read_paragraphs(data, source, max_bytes)]
    content = "\n".join(paragraphs)
    filled = [p for p in paragraphs if p.strip()]
    heads = [_header(p) for p in filled]
    n_heads = sum(h is not None for h in heads)
    first = next((i for i, h in enumerate(heads) if h is not None), None)
    if first is not None and first <= _MAX_PREAMBLE and n_heads >= _TEAMS_SHARE * len(filled):
        return ParsedDocx(content, _teams(filled, heads), "teams", None)
    parsed = parse_lines("\n\n".join(filled))
    return ParsedDocx(content, parsed.utterances, "paragraphs", parsed.flavour)


def _header(paragraph: str) -> tuple[str, float, float | None, str] | None:
    """(name, start, end or None, speech in the same paragraph) when the paragraph opens a Teams turn."""
    match = _HEADER.match(paragraph)
    if match:
        name = " ".join(match.group(1).split())
        if any(c.isalpha() for c in name):
            return name, to_seconds(match.group(2)), None, (match.group(3) or "")
    match = _OLD_TEAMS.match(paragraph)
    if match:
        return " ".join(match.group(3).split()), to_seconds(match.group(1)), to_seconds(match.group(2)), match.group(4)
    return None


def _teams(paragraphs: list[str], heads: list) -> list[Utterance]:
    turns: list[list] = []  # [speaker, parts, start, end]
    for paragraph, head in zip(paragraphs, heads):
        if head is not None:
            name, start, end, speech = head
            turns.append([name, [speech] if speech.strip() else [], start, end])
        elif turns:
            turns[-1][1].append(paragraph)
        # paragraphs before the first header: title, meeting name, date — not speech
    turns = [t for t in turns if t[1]]
    ends = fill_ends([t[2] for t in turns], [t[3] for t in turns])
    return [Utterance(t[0], " ".join(" ".join(t[1]).split()), t[2], end) for t, end in zip(turns, ends)]
