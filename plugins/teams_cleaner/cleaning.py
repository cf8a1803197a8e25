"""The cleaning pass: system lines out, markers out, speakers named, short turns dropped, turns merged.

Speed comes from doing text work once per transcript, not once per turn: all turns are joined with a
separator no pattern can cross, the marker pattern and whitespace collapse run once over the joined
text in C, words are counted for every turn in one bytes pass, and the per-turn loop does only cheap
look-ups. Order of the steps (each one documented where the plugin is):

1. system lines are removed (speaker "System"/"Sistema", or a whole turn that is a system phrase);
2. markers are removed and whitespace collapsed; a turn left with no word is always dropped;
3. turns with fewer than `min_words` words are dropped (before merging, on each original turn);
4. speakers are cleaned; consecutive kept turns of one named speaker are merged (turns without a
   speaker are never merged), so no two consecutive cleaned turns share a speaker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from typing import Sequence

from qualia_core.document import Utterance

from .patterns import (
    COLLAPSE_WS_RE, MARKER_RE, ODD_WS_RE, SEP, SYSTEM_LAST_WORDS, SYSTEM_MAX_LEN, SYSTEM_RE,
    UNICODE_PUNCT_RE, WORD_DELETE, WORD_TABLE,
)
from .speakers import build_speaker_map, is_system_speaker, renamed

_SEP_B = SEP.encode()
_NOT_A_SPEAKER = object()


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
    """Every turn's text with markers removed (if asked) and whitespace collapsed, its word count,
    and the number of markers found."""
    joined = SEP.join(texts)
    if joined.count(SEP) != max(len(texts) - 1, 0):  # a text holds the separator itself: make it a space
        joined = SEP.join(t.replace(SEP, " ") for t in texts)
    if remove_markers:
        joined, markers = MARKER_RE.subn("", joined)
    else:
        markers = sum(1 for _ in MARKER_RE.finditer(joined))
    if _has_odd_whitespace(joined):
        joined = COLLAPSE_WS_RE.sub(" ", joined)
    return list(map(str.strip, joined.split(SEP))), count_words(joined), markers


def count_words(joined: str) -> list[int]:
    """Words of each SEP-separated turn: whitespace-separated tokens holding a letter or digit."""
    data = joined.encode("utf-8", "surrogatepass")
    if not joined.isascii():
        data = UNICODE_PUNCT_RE.sub(b"", data)
    data = b" " + data.translate(WORD_TABLE, WORD_DELETE).replace(_SEP_B, _SEP_B + b" ")
    return list(map(bytes.count, data.split(_SEP_B), repeat(b" a")))


def word_count(text: str) -> int:
    """Words in one text, counted as the cleaner counts them."""
    return count_words(text.replace(SEP, " "))[0]


def clean(utterances: Sequence[Utterance], opts: CleanOptions) -> Cleaned:
    """Run the whole cleaning pass over a transcript's turns."""
    out = Cleaned()
    texts, words, out.markers_found = clean_texts([u.text for u in utterances], opts.remove_markers)
    smap = build_speaker_map((u.speaker for u in utterances), opts.normalize_speakers, opts.strip_guest_suffix)
    system_speakers = {raw for raw in smap if is_system_speaker(raw)} if opts.remove_system_lines else set()
    remove_system, merge, min_words = opts.remove_system_lines, opts.merge_consecutive, opts.min_words

    turns, speakers, out_words = out.utterances, out.speakers, out.words
    pieces: dict[int, list[str]] = {}
    n_system = n_empty = n_short = n_merged = 0
    last = _NOT_A_SPEAKER
    for u, text, wc in zip(utterances, texts, words):
        raw = u.speaker
        if remove_system and (raw in system_speakers or (wc and is_system_line(text))):
            n_system += 1
            continue
        if not wc:
            if not text or text != u.text.strip():  # nothing left, or only what markers left behind
                n_empty += 1
                continue
            if min_words > 0:
                n_short += 1
                continue
        elif wc < min_words:
            n_short += 1
            continue
        speaker = smap[raw]
        if merge and speaker == last and speaker is not None:
            k = len(turns) - 1
            turn = turns[k]
            parts = pieces.get(k)
            if parts is None:
                pieces[k] = [turn["text"], text]
            else:
                parts.append(text)
            out_words[k] += wc
            if u.end is not None:
                turn["end"] = u.end
            if turn["start"] is None:
                turn["start"] = u.start
            n_merged += 1
            continue
        turns.append({"speaker": speaker, "text": text, "start": u.start, "end": u.end})
        speakers.append(speaker)
        out_words.append(wc)
        last = speaker
    for k, parts in pieces.items():
        turns[k]["text"] = " ".join(parts)

    out.stats = {
        "input_turns": len(utterances),
        "output_turns": len(turns),
        "system_lines_removed": n_system,
        "markers_removed": out.markers_found if opts.remove_markers else 0,
        "empty_turns_dropped": n_empty,
        "short_turns_dropped": n_short,
        "turns_dropped": n_empty + n_short,
        "turns_merged": n_merged,
        "speakers_renamed": renamed(smap),
    }
    return out
