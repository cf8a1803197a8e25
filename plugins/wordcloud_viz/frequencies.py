"""Reading the word_frequency result: the word -> count mapping a word cloud is drawn from.

Errors say what the researcher can do and never quote the words (transcripts are private).
"""

from __future__ import annotations

from typing import Any

from qualia_core.errors import QualiaError

NO_RESULT = ("The data has no word_frequency result (no 'word_frequencies' or 'top_words'): "
             "run the word_frequency analyzer first; the word cloud requires it.")
NO_WORDS = ("The word_frequency result has no words to draw: the document has no words after filtering; "
            "lower min_length or turn off stopword exclusion in word_frequency.")
NO_BIGRAMS = ("The word_frequency result has no word pairs (bigrams) to draw: the document is too short or "
              "bigrams are turned off in word_frequency; set source to 'words' or turn bigrams on.")


def _positive_counts(raw: Any, where: str) -> dict[str, float]:
    """label -> count for the positive counts of a dict or a list of [label, count] pairs, in the given order."""
    if raw is None:
        return {}
    items = list(raw.items()) if isinstance(raw, dict) else raw
    if not isinstance(items, (list, tuple)):
        raise QualiaError(f"The word_frequency result is malformed: '{where}' should be a list of "
                          f"[word, count] pairs, got {type(raw).__name__}. Re-run word_frequency.")
    counts: dict[str, float] = {}
    for position, item in enumerate(items):
        if (not isinstance(item, (list, tuple)) or len(item) != 2 or not isinstance(item[0], str)
                or isinstance(item[1], bool) or not isinstance(item[1], (int, float))):
            raise QualiaError(f"The word_frequency result is malformed: item {position} of '{where}' "
                              "is not a [word, count] pair. Re-run word_frequency.")
        label, count = item
        if count > 0 and label.strip():
            counts[label] = counts.get(label, 0) + count
    return counts


def top_frequencies(data: dict[str, Any], source: str, limit: int) -> dict[str, float]:
    """The `limit` most frequent words (source 'words') or word pairs ('bigrams'); raises when there are none."""
    if source == "bigrams":
        counts = _positive_counts(data.get("bigrams"), "bigrams")
        empty = NO_BIGRAMS
    else:
        if "word_frequencies" not in data and "top_words" not in data:
            raise QualiaError(NO_RESULT)
        counts = (_positive_counts(data.get("word_frequencies"), "word_frequencies")
                  or _positive_counts(data.get("top_words"), "top_words"))
        empty = NO_WORDS
    if not counts:
        raise QualiaError(empty)
    ranked = sorted(counts.items(), key=lambda pair: -pair[1])[:limit]
    return dict(ranked)
