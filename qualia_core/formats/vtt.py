"""WebVTT, as Microsoft Teams and other tools export it.

- Blocks: the WEBVTT header, NOTE / STYLE / REGION blocks are skipped; in a cue every line before the timing
  line is its identifier (so Teams' `<guid>/12-0` ids, which break parsers expecting one numeric line, are
  fine); settings after the timing (`align:start`) are ignored.
- Speaker: `<v Name>`, `<v.class Name>`, with or without `</v>`. A cue without a voice tag keeps the previous
  cue's speaker (None at the start). A cue holding several voices gives one utterance per voice.
- Text: lines joined with a space, other tags (<b>, <i>, <c.x>, <00:00:01.000>) removed, entities decoded.
- Merging: Teams numbers a turn `<guid>/N` and the cues it splits that turn into `-0`, `-1`, ...; consecutive
  cues with the same `<guid>/N` and the same speaker are one turn and are merged (text joined with a space,
  start of the first, end of the last). Other consecutive same-speaker cues stay separate utterances: they
  are separate turns (the QMSum vtt files map one cue to one line of the txt transcript).
- A text block without a timing line after a cue (a blank line inside a cue's text) continues that cue.
"""

from __future__ import annotations

import logging
import re

from ..document import Utterance
from ..errors import DocumentError
from .cues import blocks, clean

logger = logging.getLogger(__name__)

_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?(?:[ \t]+([^<>\n]*))?>")  # no "<" inside: linear on "<v <v <v …"
_TEAMS_ID = re.compile(r"^(.+/\d+)-\d+$")
_SKIPPED = ("NOTE", "STYLE", "REGION")


def parse_vtt(text: str, source: str) -> list[Utterance]:
    """Utterances of a WebVTT document (text with "\\n" line ends)."""
    turns: list[list] = []  # [speaker, [text parts], start, end, turn_id]: parts joined once, at the end
    speaker: str | None = None
    cues = 0
    for n, block in enumerate(blocks(text, source)):
        if block.start is None:
            head = block.first_line
            if (n == 0 and head.startswith("WEBVTT")) or _is_skipped(head):
                continue
            if turns:  # stray text after a cue: a blank line inside the cue text
                extra = clean("\n".join(block.payload))
                if extra:
                    turns[-1][1].append(extra)
            continue
        cues += 1
        turn_id = _turn_id(block.ids)
        for voice, words in _voices("\n".join(block.payload), speaker):
            speaker = voice
            if not words:
                continue
            last = turns[-1] if turns else None
            if last is not None and turn_id is not None and last[4] == turn_id and last[0] == voice:
                last[1].append(words)
                last[3] = block.end
            else:
                turns.append([voice, [words], block.start, block.end, turn_id])
    if cues == 0:
        raise DocumentError(
            source,
            "no WebVTT cues found (expected 'hh:mm:ss.mmm --> hh:mm:ss.mmm' timing lines); "
            "if this is a plain transcript, save it as .txt",
        )
    logger.debug("%s: %d cues, %d utterances", source, cues, len(turns))
    utterances = [Utterance(t[0], " ".join(t[1]), t[2], t[3]) for t in turns]
    return [u for u in utterances if u.text]


def _is_skipped(head: str) -> bool:
    for word in _SKIPPED:
        if head.startswith(word) and (len(head) == len(word) or head[len(word)] in " \t"):
            return True
    return False


def _turn_id(ids: list[str]) -> str | None:
    if not ids:
        return None
    match = _TEAMS_ID.match(ids[-1].strip())
    return match.group(1) if match else None


def _voices(payload: str, previous: str | None) -> list[tuple[str | None, str]]:
    """(speaker, cleaned text) per voice span of one cue, adjacent spans of one speaker merged."""
    if "<v" not in payload:
        return [(previous, clean(payload))]
    parts = _VOICE.split(payload)
    spans: list[tuple[str | None, list[str]]] = []  # words joined once per span (not once per voice tag)
    if parts[0].strip():
        spans.append((previous, [clean(parts[0])]))
    for i in range(1, len(parts), 2):
        name = clean(parts[i] or "") or None
        words = clean(parts[i + 1])
        if spans and spans[-1][0] == name:
            spans[-1][1].append(words)
        else:
            spans.append((name, [words]))
    return [(name, " ".join(w for w in words if w)) for name, words in spans]
