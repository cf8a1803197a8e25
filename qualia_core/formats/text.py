"""Plain-text transcripts: prose, `Speaker: text`, `[hh:mm:ss] Speaker: text`, `Speaker (hh:mm:ss): text`.

One regex splits every line into (bracket time, label, paren time, speech) in a single pass over the text;
the label rule (labels.py) then decides once per distinct label whether it names a speaker.

Lines: a line with a speaker label (or a `[time]`) starts an utterance; an unlabelled line continues the
current utterance (joined with one space); a blank line ends it, and unlabelled text after a blank line is a
new utterance of the last speaker (None before any label, so prose gives one utterance per paragraph).
A label line with no speech (`Alice:` alone) takes the following lines as its speech. A `[time]` line
without a speaker label is an utterance without speaker. `start` comes from the line's time; `end` is the
next utterance's start (None for the last).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..document import Utterance
from .labels import speaker_labels
from .timecode import CLOCK, fill_ends, to_seconds

FLAVOURS = ("speaker_lines", "bracket", "speaker_paren_time", "prose")

# Greedy label then backtracking is ~4x faster than a lazy label on real transcripts; the lookahead spares
# lines without a colon 100 steps of backtracking (prose: 5x faster).
_LINE = re.compile(
    r"^[ \t]*"
    r"(?:\[(" + CLOCK + r")\][ \t]*)?"  # 1: [hh:mm:ss] / [mm:ss]
    r"("  # 2: the line after any bracket time
    r"(?:(?=[^:\n]{1,100}:)"  # a colon within reach (fails fast on lines without one)
    r"([^\s:\[\]][^:\n]{0,99})"  # 3: label, up to the first colon
    r"(?:[ \t]*\((" + CLOCK + r")\))?"  # 4: Speaker (hh:mm:ss):
    r"[ \t]*:(?:[ \t]+|$))?"
    r"([^\n]*))",  # 5: speech
    re.MULTILINE,
)


class ParsedText(NamedTuple):
    utterances: list[Utterance]
    flavour: str


def parse_lines(text: str) -> ParsedText:
    """Parse normalised text ("\\n" line ends) into utterances and name its flavour."""
    rows = _LINE.findall(text)
    speakers = speaker_labels([row[2] for row in rows if row[2]])
    while rows and not any(rows[-1]):
        rows.pop()  # trailing blank lines
    fast = _every_line_a_turn(rows, speakers)
    if fast is not None:
        return fast
    names: list[str | None] = []
    texts: list[str] = []
    starts: list[float | None] = []
    last_speaker: str | None = None
    open_turn = False  # the last utterance may take continuation lines
    timed_bracket = timed_paren = False
    get = speakers.get
    tail: list[str] = []  # continuation lines of the last utterance, joined once (a += per line is quadratic)
    for bracket, rest, label, paren, speech in rows:
        if label and (speaker := get(label)) is not None:
            if tail:
                _join_tail(texts, tail)
            start = None
            if bracket:
                start, timed_bracket = to_seconds(bracket), True
            elif paren:
                start, timed_paren = to_seconds(paren), True
            names.append(speaker)
            texts.append(speech.strip())
            starts.append(start)
            last_speaker = speaker
            open_turn = True
            continue
        line = rest.strip()
        if bracket:
            if tail:
                _join_tail(texts, tail)
            timed_bracket = True
            names.append(None)
            texts.append(line)
            starts.append(to_seconds(bracket))
            open_turn = True
        elif not line:
            open_turn = False
        elif texts and (open_turn or not (texts[-1] or tail)):
            tail.append(line)
            open_turn = True
        else:
            if tail:
                _join_tail(texts, tail)
            names.append(last_speaker)
            texts.append(line)
            starts.append(None)
            open_turn = True
    if tail:
        _join_tail(texts, tail)
    if "" in texts:  # label lines that never got speech
        keep = [i for i, t in enumerate(texts) if t]
        names, texts, starts = [names[i] for i in keep], [texts[i] for i in keep], [starts[i] for i in keep]
    if timed_bracket or timed_paren:
        utterances = list(map(Utterance, names, texts, starts, fill_ends(starts, [None] * len(starts))))
    else:
        utterances = list(map(Utterance, names, texts))
    if timed_bracket:
        flavour = "bracket"
    elif timed_paren:
        flavour = "speaker_paren_time"
    elif speakers and any(name is not None for name in names):
        flavour = "speaker_lines"
    else:
        flavour = "prose"
    return ParsedText(utterances, flavour)


def _join_tail(texts: list[str], tail: list[str]) -> None:
    """The last utterance with its continuation lines, joined with one space; `tail` is emptied."""
    texts[-1] = " ".join([texts[-1], *tail] if texts[-1] else tail)
    tail.clear()


def _every_line_a_turn(rows: list[tuple[str, ...]], speakers: dict[str, str]) -> ParsedText | None:
    """The common case done with list comprehensions: every line `Speaker: text`, no times, no blank lines.

    Gives the same result as the general loop, about twice as fast; None when the case does not apply.
    """
    if not speakers or not rows:
        return None
    get = speakers.get
    names = [get(row[2]) for row in rows]
    if None in names or any([row[0] or row[3] for row in rows]):
        return None
    texts = [row[4].strip() for row in rows]
    if "" in texts:
        return None
    return ParsedText(list(map(Utterance, names, texts)), "speaker_lines")
