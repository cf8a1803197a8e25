"""SubRip (.srt): numbered cues, `hh:mm:ss,mmm --> hh:mm:ss,mmm`, one or more text lines.

A cue line starting with `Speaker: ` (same label rule as .txt, counted over the whole file; an optional
leading "- " dialogue dash is allowed) starts an utterance of that speaker; other lines continue the
current utterance of the cue. A cue whose first line has no label has no speaker (SRT has no speaker
convention, so nothing is carried over from the previous cue). <i>, <b>, <font> and {\\an8} tags are removed.
"""

from __future__ import annotations

import logging
import re

from ..document import Utterance
from ..errors import DocumentError
from .cues import Block, blocks, clean
from .labels import speaker_labels

logger = logging.getLogger(__name__)

_LABEL = re.compile(r"^[ \t]*(?:-[ \t]*)?(?:<[^>\n]*>)*([^\s:<\[\]][^:\n<]{0,99}?)[ \t]*:(?:[ \t]+|$)(.*)$", re.S)


def parse_srt(text: str, source: str) -> list[Utterance]:
    """Utterances of an SRT document (text with "\\n" line ends)."""
    cues: list[Block] = []
    for block in blocks(text, source):
        if block.start is not None:
            cues.append(block)
        elif cues and not (len(block.payload) == 1 and block.first_line.isdigit()):
            # text after a blank line inside a cue: keep it with that cue
            cues[-1].payload.extend(block.payload)  # in place: a new list per block would be quadratic
    if not cues:
        raise DocumentError(
            source,
            "no SRT cues found (expected a number, then 'hh:mm:ss,mmm --> hh:mm:ss,mmm', then the text); "
            "if this is a plain transcript, save it as .txt",
        )
    candidates = []
    for cue in cues:
        for line in cue.payload:
            match = _LABEL.match(line)
            if match:
                candidates.append(match.group(1))
    speakers = speaker_labels(candidates)

    utterances: list[Utterance] = []
    for cue in cues:
        turns: list[list] = []  # [speaker, lines]
        for line in cue.payload:
            match = _LABEL.match(line) if speakers else None
            speaker = speakers.get(match.group(1)) if match else None
            if speaker is not None:
                turns.append([speaker, [match.group(2)]])
            elif turns:
                turns[-1][1].append(line)
            else:
                turns.append([None, [line]])
        for speaker, lines in turns:
            words = clean("\n".join(lines))
            if words:
                utterances.append(Utterance(speaker, words, cue.start, cue.end))
    logger.debug("%s: %d cues, %d utterances", source, len(cues), len(utterances))
    return utterances
