"""Sentence sentiment with TextBlob's pattern lexicon, and the labels derived from it.

`TextBlob(s).sentiment` builds a blob, then `PatternAnalyzer.analyze` creates a namedtuple class
and calls the pattern `Sentiment` lexicon on the raw string. Calling that same lexicon object once
per distinct sentence gives identical numbers at a fraction of the cost; meetings repeat short
sentences ("Yeah .", "Okay .") so a per-document memo saves most of the remaining work. None of it
needs NLTK data.
"""

from __future__ import annotations

from typing import Iterable

from textblob.en import sentiment as _pattern_sentiment  # the lexicon PatternAnalyzer.analyze calls

POSITIVE, NEGATIVE, NEUTRAL = "positive", "negative", "neutral"
LABELS = (POSITIVE, NEGATIVE, NEUTRAL)


def score_sentences(sentences: Iterable[str]) -> list[tuple[float, float]]:
    """(polarity, subjectivity) of each sentence, equal to `TextBlob(sentence).sentiment`."""
    memo: dict[str, tuple[float, float]] = {}
    scores = []
    for sentence in sentences:
        score = memo.get(sentence)
        if score is None:
            polarity, subjectivity = _pattern_sentiment(sentence)
            score = memo[sentence] = (float(polarity), float(subjectivity))
        scores.append(score)
    return scores


def label_for(polarity: float, positive_threshold: float, negative_threshold: float) -> str:
    """'positive' when polarity > 0 and >= positive_threshold; 'negative' when < 0 and <= negative_threshold."""
    if polarity > 0 and polarity >= positive_threshold:
        return POSITIVE
    if polarity < 0 and polarity <= negative_threshold:
        return NEGATIVE
    return NEUTRAL
