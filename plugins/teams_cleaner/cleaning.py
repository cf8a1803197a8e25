"""The cleaning pass: system lines out, markers out, speakers named, short turns dropped, turns merged.

Speed comes from doing text work once per transcript, not once per turn: all turns are joined with a
separator no pattern can cross, the marker pattern and whitespace collapse run once over the joined
text in C, words are counted for every turn in one bytes pass (qualia_core.text.count_words_each, the rule
every count in Qualia follows), and the decisions per turn (system line,
empty, short, merged) are list operations that touch only the few turns they concern. Order of the steps
(each one documented where the plugin is):

1. system lines are removed (speaker "System"/"Sistema", or a whole turn that is a system phrase);
2. markers are removed and whitespace collapsed; a turn left with no word is always dropped;
3. turns with fewer than `min_words` words are dropped (before merging, on each original turn); a turn
   with no word but a digit ("5.", "10:30") is speech and counts as one word here;
4. speakers are cleaned; consecutive kept turns of one named speaker are merged (turns without a
   speaker are never merged), so no two consecutive cleaned turns share a speaker.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import compress, count, filterfalse, repeat
from operator import eq, gt, not_
from typing import Sequence

from qualia_core.document import Utterance
from qualia_core.text import count_words_each

from .patterns import (
    COLLAPSE_WS_RE, CURLY_MARKER_RE, DIGIT_RE, MARKER_RE, ODD_WS_RE, SEP, SYSTEM_LAST_WORDS, SYSTEM_MAX_LEN,
    SYSTEM_RE,
)
from .speakers import build_speaker_map, is_system_speaker, renamed



@dataclass
class CleanOptions:
    remove_system_lines: bool = True
    remove_markers: bool = True
    normalize_speakers: bool = True
    strip_guest_suffix: bool = True
    merge_consecutive: bool = True
    min_words: int = 1


@dataclass
class Cleaned:
    """The cleaned turns as {speaker, text, start, end} dicts, their speakers and word counts as
    parallel lists (index i is one turn), and what the cleaning did."""

    utterances: list[dict] = field(default_factory=list)
    speakers: list[str | None] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    markers_found: int = 0
    sources: list[int] = field(default_factory=list)  # the original index of each turn (the first of a merged run)


def is_system_line(text: str) -> bool:
    """True when a whole (stripped) turn is a system phrase: "Recording started", "X entrou na reunião"."""
    return (len(text) <= SYSTEM_MAX_LEN and text.rpartition(" ")[2].lower() in SYSTEM_LAST_WORDS
            and SYSTEM_RE.fullmatch(text) is not None)


def _has_odd_whitespace(joined: str) -> bool:
    """Whitespace to collapse: a double space, or a tab, newline, no-break space..."""
    if "  " in joined:
        return True
    if joined.isascii():  # single-character searches are memchr-fast; the regex is the general case
        return "\t" in joined or "\n" in joined or "\r" in joined or "\f" in joined or "\v" in joined
    return ODD_WS_RE.search(joined) is not None


def clean_texts(texts: Sequence[str], remove_markers: bool) -> tuple[list[str], list[int], int]:
    """Every turn's text with markers removed (if asked) and whitespace collapsed, its words (counted by
    qualia_core.text), and the number of markers found."""
    if not texts:
        return [], [], 0
    joined = SEP.join(texts)
    if joined.count(SEP) != max(len(texts) - 1, 0):  # a text holds the separator itself: make it a space
        joined = SEP.join(t.replace(SEP, " ") for t in texts)
    markers_re = MARKER_RE if "[" in joined or "(" in joined else CURLY_MARKER_RE
    if remove_markers:
        joined, markers = markers_re.subn("", joined)
    else:
        markers = sum(1 for _ in markers_re.finditer(joined))
    if _has_odd_whitespace(joined):
        joined = COLLAPSE_WS_RE.sub(" ", joined)
    cleaned = list(map(str.strip, joined.split(SEP)))
    return cleaned, count_words_each(cleaned), markers


def system_line_candidates(texts: Sequence[str]) -> list[int]:
    """Indices of the turns that pass is_system_line's cheap tests (length, last word): the few on which
    the full pattern has to run."""
    last_words, longest = SYSTEM_LAST_WORDS, SYSTEM_MAX_LEN
    return [i for i, text in enumerate(texts)
            if len(text) <= longest and text.rpartition(" ")[2].lower() in last_words]


def clean(utterances: Sequence[Utterance], opts: CleanOptions) -> Cleaned:
    """Run the whole cleaning pass over a transcript's turns."""
    out = Cleaned()
    raw_texts = [u.text for u in utterances]
    texts, words, out.markers_found = clean_texts(raw_texts, opts.remove_markers)
    raw_speakers = [u.speaker for u in utterances]
    smap = build_speaker_map(raw_speakers, opts.normalize_speakers, opts.strip_guest_suffix)
    min_words = opts.min_words
    # what decides whether a turn is speech: its words, and a number-only turn ("5.") counts as one word
    speech = words
    numeric = [i for i in compress(count(), map(not_, words)) if DIGIT_RE.search(texts[i])]
    if numeric:
        speech = list(words)
        for i in numeric:
            speech[i] = 1

    # 1. system lines: by speaker, or a whole turn (with a word) that is a system phrase
    system: set[int] = set()
    if opts.remove_system_lines:
        system_speakers = {raw for raw in smap if is_system_speaker(raw)}
        if system_speakers:
            system.update(compress(count(), map(system_speakers.__contains__, raw_speakers)))
        system.update(i for i in system_line_candidates(texts) if speech[i] and is_system_line(texts[i]))
    # 2-3. turns with fewer words than min_words (at least 1: a turn with no word is dropped unless
    # min_words is 0 and it is a punctuation-only turn that markers did not touch, such as "?")
    dropped = set(system)
    n_empty = n_short = 0
    for i in compress(count(), map(gt, repeat(max(min_words, 1)), speech)):
        if i in system:
            continue
        if speech[i] == 0:
            text = texts[i]
            if not text or text != raw_texts[i].strip():  # nothing left, or only what markers left behind
                n_empty += 1
            elif min_words > 0:
                n_short += 1
            else:
                continue
        else:
            n_short += 1
        dropped.add(i)

    # 4. speakers named; consecutive kept turns of one named speaker merged into the first of them
    speakers = list(map(smap.__getitem__, raw_speakers))
    order = list(filterfalse(dropped.__contains__, range(len(utterances)))) if dropped else None
    kept_speakers = [speakers[i] for i in order] if order is not None else speakers
    merged: list[int] = []  # positions among the kept turns that join the turn before them
    if opts.merge_consecutive and len(kept_speakers) > 1:
        merged = [j for j in compress(count(1), map(eq, kept_speakers[1:], kept_speakers))
                  if kept_speakers[j] is not None]
    runs: dict[int, list[int]] = {}  # original index of a run's first turn -> original indices of the rest
    if merged:
        if order is None:
            order = list(range(len(utterances)))
        head = previous = -2
        for j in merged:  # ascending
            if j - 1 != previous:
                head = order[j - 1]
                runs[head] = []
            runs[head].append(order[j])
            previous = j
        gone = set(merged)
        order = [i for j, i in enumerate(order) if j not in gone]
    if order is None:
        turns = [{"speaker": speaker, "text": text, "start": u.start, "end": u.end}
                 for speaker, text, u in zip(speakers, texts, utterances)]
        out_speakers, out_words = speakers, words
    else:
        out_speakers = list(map(speakers.__getitem__, order))
        out_words = list(map(words.__getitem__, order))
        turns = [{"speaker": speaker, "text": text, "start": u.start, "end": u.end} for speaker, text, u in
                 zip(out_speakers, map(texts.__getitem__, order), map(utterances.__getitem__, order))]
    if runs:
        for head, rest in runs.items():
            k = bisect_left(order, head)  # `order` is ascending
            turn = turns[k]
            turn["text"] = " ".join([texts[head], *map(texts.__getitem__, rest)])
            out_words[k] += sum(map(words.__getitem__, rest))
            for i in rest:  # start of the first turn that has one, end of the last that has one
                u = utterances[i]
                if u.end is not None:
                    turn["end"] = u.end
                if turn["start"] is None:
                    turn["start"] = u.start
    out.utterances, out.speakers, out.words = turns, out_speakers, out_words
    out.sources = list(range(len(utterances))) if order is None else order

    out.stats = {
        "input_turns": len(utterances),
        "output_turns": len(turns),
        "system_lines_removed": len(system),
        "markers_removed": out.markers_found if opts.remove_markers else 0,
        "empty_turns_dropped": n_empty,
        "short_turns_dropped": n_short,
        "turns_dropped": n_empty + n_short,
        "turns_merged": len(merged),
        "speakers_renamed": renamed(smap),
    }
    return out
