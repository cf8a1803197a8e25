"""Sentence sentiment with TextBlob's pattern lexicon, and the labels derived from it.

`TextBlob(s).sentiment` builds a blob, then `PatternAnalyzer.analyze` creates a namedtuple class
and calls the pattern `Sentiment` lexicon on the raw string. Calling that same lexicon object once
per distinct sentence gives identical numbers at a fraction of the cost; meetings repeat short
sentences ("Yeah .", "Okay .") so a per-document memo saves most of the remaining work. None of it
needs NLTK data.

The lexicon lives in `textblob.en` (pure Python and an XML file), but `import textblob.en` first runs the
package's `__init__`, which imports TextBlob's NLTK-based classes: nltk and scipy, 2-3 s and ~200 MB that
scoring never uses. `pattern_sentiment()` therefore imports `textblob.en` under a bare `textblob` package
(found, not executed) and takes its `sentiment` object, the very one `TextBlob(...).sentiment` calls; the
bare package is taken out of sys.modules at once, so `import textblob` elsewhere works as usual.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from functools import cache
from typing import Any, Callable, Iterable

_LOAD_LOCK = threading.Lock()


@cache
def pattern_sentiment() -> Callable[[str], Any]:
    """TextBlob's English sentiment lexicon (`textblob.en.sentiment`), without importing nltk."""
    if "textblob" in sys.modules:  # TextBlob is imported already (a notebook, a benchmark): use it
        return importlib.import_module("textblob.en").sentiment
    with _LOAD_LOCK:
        spec = importlib.util.find_spec("textblob")
        if spec is None:
            raise ImportError("the sentiment analyzer needs the textblob package (pip install textblob)")
        sys.modules["textblob"] = importlib.util.module_from_spec(spec)  # its __init__ is not run
        try:
            return importlib.import_module("textblob.en").sentiment
        finally:
            for name in [n for n in sys.modules if n == "textblob" or n.startswith("textblob.")]:
                del sys.modules[name]

POSITIVE, NEGATIVE, NEUTRAL = "positive", "negative", "neutral"
LABELS = (POSITIVE, NEGATIVE, NEUTRAL)


def score_sentences(sentences: Iterable[str]) -> list[tuple[float, float]]:
    """(polarity, subjectivity) of each sentence, equal to `TextBlob(sentence).sentiment`."""
    memo: dict[str, tuple[float, float]] = {}
    scores = []
    _pattern_sentiment = pattern_sentiment()
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
