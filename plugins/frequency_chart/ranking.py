"""Reading the word_frequency result: the ranked (word, count) pairs a chart draws.

Everything here raises QualiaError with what the researcher can do, never the words themselves
(transcripts are private: messages name keys and positions only).
"""

from __future__ import annotations

from typing import Any

from qualia_core.errors import QualiaError

NO_RESULT = ("The data has no word_frequency result (no 'top_words' or 'word_frequencies'): "
             "run the word_frequency analyzer first; this chart requires it.")
NO_WORDS = ("The word_frequency result has no words to draw: the document has no words after filtering; "
            "lower min_length or turn off stopword exclusion in word_frequency.")
NO_BIGRAMS = ("The word_frequency result has no word pairs (bigrams) to draw: the document is too short or "
              "bigrams are turned off in word_frequency; set source to 'words' or turn bigrams on.")
NO_SPEAKERS = ("The word_frequency result has no per-speaker counts (the document has no speaker labels): "
               "set group_by to 'all'.")


def as_pairs(raw: Any, where: str) -> list[tuple[str, int | float]]:
    """(label, count) pairs with a positive count, most frequent first (ties keep the given order).

    `raw` is a dict label -> count or a list of [label, count] pairs (JSON turns tuples into lists).
    """
    if raw is None:
        return []
    items = list(raw.items()) if isinstance(raw, dict) else raw
    if not isinstance(items, (list, tuple)):
        raise QualiaError(f"The word_frequency result is malformed: '{where}' should be a list of "
                          f"[word, count] pairs, got {type(raw).__name__}. Re-run word_frequency.")
    pairs: list[tuple[str, int | float]] = []
    for position, item in enumerate(items):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise QualiaError(f"The word_frequency result is malformed: item {position} of '{where}' "
                              "is not a [word, count] pair. Re-run word_frequency.")
        label, count = item
        if not isinstance(label, str) or isinstance(count, bool) or not isinstance(count, (int, float)):
            raise QualiaError(f"The word_frequency result is malformed: item {position} of '{where}' "
                              "should be [text, number]. Re-run word_frequency.")
        if count > 0:
            pairs.append((label, count))
    pairs.sort(key=lambda pair: -pair[1])
    return pairs


def ranked_pairs(data: dict[str, Any], source: str) -> list[tuple[str, int | float]]:
    """The ranked words (source 'words') or word pairs (source 'bigrams'); raises when there are none."""
    if source == "bigrams":
        pairs = as_pairs(data.get("bigrams"), "bigrams")
        if not pairs:
            raise QualiaError(NO_BIGRAMS)
        return pairs
    if "top_words" not in data and "word_frequencies" not in data:
        raise QualiaError(NO_RESULT)
    pairs = as_pairs(data.get("top_words"), "top_words")
    if not pairs:
        pairs = as_pairs(data.get("word_frequencies"), "word_frequencies")
    if not pairs:
        raise QualiaError(NO_WORDS)
    return pairs


def speaker_pairs(data: dict[str, Any]) -> dict[str, list[tuple[str, int | float]]]:
    """Each speaker's ranked top words, speakers in the result's order; speakers without words are left out."""
    per_speaker = data.get("per_speaker")
    if not isinstance(per_speaker, dict):
        raise QualiaError(NO_SPEAKERS)
    result: dict[str, list[tuple[str, int | float]]] = {}
    for speaker, stats in per_speaker.items():
        if not isinstance(stats, dict):
            raise QualiaError("The word_frequency result is malformed: 'per_speaker' should map each "
                              "speaker to a dict with 'top_words'. Re-run word_frequency.")
        pairs = as_pairs(stats.get("top_words"), "per_speaker.top_words")
        if pairs:
            result[str(speaker)] = pairs
    if not result:
        raise QualiaError(NO_WORDS if per_speaker else NO_SPEAKERS)
    return result
