"""Speaker statistics: who speaks, how much, how long and when.

Rules:
- A turn is one utterance. Its words are qualia_core.text.tokenize's words of the utterance text
  ({markers}, digits and punctuation are not words); a turn of only markers counts as a turn of 0 words.
- Turns without a speaker (prose paragraphs) count under "(no speaker)" when `include_unlabelled`, and are
  left out otherwise. Speakers named in `exclude_speakers` (any case, e.g. "System") are left out. Totals
  and shares cover the speakers kept, so each share column sums to 1 (or is 0 when the total is 0).
- Times exist when every utterance has a start time (`has_timestamps`). A turn then lasts from its start
  to its end; a turn without an end lasts until the next utterance starts (0 for the last one). Without
  times, talk time and its share are None and `duration_seconds` is None.
- `first_appearance` and `last_appearance` are the start times (seconds) of a speaker's first and last
  turns when times exist, else their utterance indexes (`appearance_basis` says which).
- `speakers` is sorted by words, then turns (both descending), then first appearance.
"""

from __future__ import annotations

import logging
from typing import Any

from qualia_core.contract import BaseAnalyzerPlugin, PluginMetadata, PluginType
from qualia_core.document import Document, Utterance
from qualia_core.text import count_words

logger = logging.getLogger(__name__)

NO_SPEAKER = "(no speaker)"


class SpeakerStatsAnalyzer(BaseAnalyzerPlugin):
    """Turns, words, talk time and first/last appearance of each speaker."""

    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="speaker_stats",
            type=PluginType.ANALYZER,
            name="Speaker statistics",
            description="How many turns and words each speaker has, their share of the words and of the "
                        "talk time, their longest turn, and when they first and last speak.",
            version="1.0.0",
            labels={"duration_seconds": "Duration", "mean_words_per_turn": {"label": "Mean words per turn",
                "format": "number"}, "longest_turn_words": "Longest turn (words)", "talk_seconds": "Talk time",
                "word_share": "Share of words", "talk_share": "Share of talk time",
                "first_appearance": {"label": "First appearance", "format": "time", "basis": "appearance_basis"},
                "last_appearance": {"label": "Last appearance", "format": "time", "basis": "appearance_basis"},
                "appearance_basis": {"label": "Appearances by", "format": "words"}},
            provides=["speakers", "total_turns", "total_words", "has_timestamps", "duration_seconds",
                      "appearance_basis", "excluded_turns"],
            parameters={
                "exclude_speakers": {"type": "list", "default": [],
                                     "description": "Speakers to leave out (comma-separated, any case), "
                                                    "e.g. System."},
                "include_unlabelled": {"type": "boolean", "default": True,
                                       "description": "Count turns without a speaker under "
                                                      f"'{NO_SPEAKER}'."},
            },
        )

    def _analyze_impl(self, document: Document, config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        utterances = document.utterances
        excluded = {name.strip().casefold() for name in config["exclude_speakers"]}
        include_unlabelled = config["include_unlabelled"]
        ends = _turn_ends(utterances)
        timed = ends is not None

        tallies: dict[str, dict[str, Any]] = {}
        skipped = 0
        for index, utterance in enumerate(utterances):
            label = utterance.speaker or NO_SPEAKER
            if (not utterance.speaker and not include_unlabelled) or label.strip().casefold() in excluded:
                skipped += 1
                continue
            words = count_words(utterance.text)
            tally = tallies.get(label)
            if tally is None:
                tallies[label] = tally = {"speaker": label, "turns": 0, "words": 0, "talk": 0.0, "longest": 0,
                                          "first": index, "last": index}
            tally["turns"] += 1
            tally["words"] += words
            tally["last"] = index
            if words > tally["longest"]:
                tally["longest"] = words
            if timed:
                tally["talk"] += max(0.0, ends[index] - utterance.start)

        total_words = sum(t["words"] for t in tallies.values())
        total_talk = sum(t["talk"] for t in tallies.values())
        speakers = [_row(t, utterances, timed, total_words, total_talk) for t in
                    sorted(tallies.values(), key=lambda t: (-t["words"], -t["turns"], t["first"]))]
        duration = None
        if timed and utterances:
            duration = round(max(ends) - min(u.start for u in utterances), 3)
        logger.debug("speaker_stats %s: %d speakers, %d turns kept, %d left out",
                     document.id, len(speakers), sum(t["turns"] for t in tallies.values()), skipped)
        return {
            "speakers": speakers,
            "total_turns": sum(t["turns"] for t in tallies.values()),
            "total_words": total_words,
            "has_timestamps": timed,
            "duration_seconds": duration,
            "appearance_basis": "time" if timed else "order",
            "excluded_turns": skipped,
            "parameters_used": {**config, "exclude_speakers": list(config["exclude_speakers"])},
        }


def _turn_ends(utterances: list[Utterance]) -> list[float] | None:
    """When every utterance has a start: each turn's end (its own, else the next start, else its start)."""
    if not utterances or any(u.start is None for u in utterances):
        return None
    ends = []
    last = len(utterances) - 1
    for i, u in enumerate(utterances):
        end = u.end if u.end is not None else (utterances[i + 1].start if i < last else u.start)
        ends.append(float(end))
    return ends


def _row(tally: dict[str, Any], utterances: list[Utterance], timed: bool, total_words: int,
         total_talk: float) -> dict[str, Any]:
    turns, words = tally["turns"], tally["words"]
    first, last = tally["first"], tally["last"]
    return {
        "speaker": tally["speaker"],
        "turns": turns,
        "words": words,
        "word_share": words / total_words if total_words else 0.0,
        "talk_seconds": round(tally["talk"], 3) if timed else None,
        "talk_share": (tally["talk"] / total_talk if total_talk else 0.0) if timed else None,
        "mean_words_per_turn": round(words / turns, 2),
        "longest_turn_words": tally["longest"],
        "first_appearance": utterances[first].start if timed else first,
        "last_appearance": utterances[last].start if timed else last,
    }
