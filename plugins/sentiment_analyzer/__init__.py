"""Sentiment of a transcript with TextBlob's lexicon: per sentence, per speaker and over time.

Only the speech is read (utterance texts, never speaker labels). Each utterance is cut into
sentences by a rule-based splitter that needs no downloaded data (see `sentences.py`); a sentence
never spans two utterances, and a piece with no letters outside {markers} (`{vocalsound} .`) is not
a sentence. Each sentence gets exactly `TextBlob(sentence).sentiment`.

Averages (document, speaker, timeline segment) are means over sentences, each sentence counting
once (`weight_by="sentence"`, the default) or by its number of words (`weight_by="words"`, so a
long statement outweighs a "Yeah ."). TextBlob's lexicon is English-only: other languages are still
scored, with a `warning` in the result saying the numbers are not meaningful and `scored` false (the app then
shows "not scored" instead of the numbers).

TextBlob (with NLTK and SciPy) is imported on the first run (`.scoring`), so discovering the plugin stays
light.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from qualia_core.contract import BaseAnalyzerPlugin, PluginMetadata, PluginType
from qualia_core.document import Document
from qualia_core.text import detect_language, strip_markers, tokenize

log = logging.getLogger(__name__)

_LETTER = re.compile(r"[^\W\d_]")
_LANGUAGE_NAMES = {"pt": "Portuguese"}


def language_warning(language: str, sentence_count: int) -> str | None:
    """The warning for a result in `language`, or None for English."""
    if sentence_count == 0:
        return "The document has no speech to analyse."
    if language == "en":
        return None
    if language in _LANGUAGE_NAMES:
        return (f"TextBlob's sentiment lexicon is English-only; results for {_LANGUAGE_NAMES[language]} "
                "text are not meaningful.")
    return ("Could not tell the language of this text; TextBlob's sentiment lexicon is English-only, "
            "so the results are meaningful only for English.")


class SentimentAnalyzer(BaseAnalyzerPlugin):
    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="sentiment_analyzer",
            type=PluginType.ANALYZER,
            name="Sentiment",
            description=("Polarity (negative -1 to positive +1) and subjectivity (0 to 1) of each sentence of "
                         "the speech with TextBlob's English lexicon, per speaker, over the course of the "
                         "meeting, with the most positive and negative sentences."),
            version="1.1.0",  # 1.1.0: `scored` says whether the lexicon can score this text
            labels={"index": {"label": "Sentence", "machine": True}, "utterance": {"label": "Turn", "machine": True},
                "first_sentence": {"machine": True}, "last_sentence": {"machine": True},
                "label": {"label": "Sentiment", "score": True, "format": "words"},
                "weight_by": {"label": "Averages count each", "format": "words"},
                "timeline_basis": {"label": "Timeline by", "format": "words"},
                "label_counts.positive": {"label": "Positive", "score": True},
                "label_counts.negative": {"label": "Negative", "score": True},
                "label_counts.neutral": {"label": "Neutral", "score": True},
                "label_counts": "Sentences", "sentence_count": "Sentences",
                "per_speaker.positive": {"label": "Positive", "score": True},
                "per_speaker.negative": {"label": "Negative", "score": True},
                "per_speaker.neutral": {"label": "Neutral", "score": True}},
            # Keys other plugins also return (language, per_speaker, label, warning) are left out, so that
            # a plugin requiring them is not resolved to this one by accident.
            provides=["sentiment", "polarity", "subjectivity", "sentence_count", "label_counts", "sentences",
                      "most_positive", "most_negative", "timeline_basis", "timeline"],
            parameters={
                "positive_threshold": {
                    "type": "float", "default": 0.1, "min": 0.0, "max": 1.0,
                    "description": "A sentence, speaker or segment is 'positive' when its polarity is above "
                                   "zero and at least this.",
                },
                "negative_threshold": {
                    "type": "float", "default": -0.1, "min": -1.0, "max": 0.0,
                    "description": "A sentence, speaker or segment is 'negative' when its polarity is below "
                                   "zero and at most this.",
                },
                "top_n": {
                    "type": "integer", "default": 5, "min": 0, "max": 100,
                    "description": "How many of the most positive and most negative sentences to list.",
                },
                "segments": {
                    "type": "integer", "default": 20, "min": 1, "max": 500,
                    "description": "Number of timeline segments: equal stretches of time when the transcript "
                                   "has timestamps, else equal runs of sentences.",
                },
                "weight_by": {
                    "type": "choice", "default": "sentence", "options": ["sentence", "words"],
                    "description": "How averages count sentences: each once ('sentence') or by their number "
                                   "of words ('words').",
                },
                "include_text": {
                    "type": "boolean", "default": True,
                    "description": "Put each sentence's text in the result. Turn off to share results "
                                   "without the transcript's words.",
                },
            },
        )

    def _analyze_impl(self, document: Document, config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        from .aggregate import extremes, label_counts, per_speaker, timeline, weighted_means
        from .scoring import label_for, score_sentences  # imports TextBlob
        from .sentences import split_sentences

        pos_t, neg_t = config["positive_threshold"], config["negative_threshold"]

        def labeller(polarity: float) -> str:
            return label_for(polarity, pos_t, neg_t)

        texts, owners = [], []
        for u_index, utterance in enumerate(document.utterances):
            for sentence in split_sentences(utterance.text):
                if _LETTER.search(strip_markers(sentence)):
                    texts.append(sentence)
                    owners.append(u_index)
        scores = score_sentences(texts)

        utterances = document.utterances
        records: list[dict[str, Any]] = []
        for index, (text, u_index, (polarity, subjectivity)) in enumerate(zip(texts, owners, scores)):
            utterance = utterances[u_index]
            record: dict[str, Any] = {
                "index": index, "utterance": u_index, "speaker": utterance.speaker, "start": utterance.start,
                "polarity": polarity, "subjectivity": subjectivity, "label": labeller(polarity),
            }
            if config["include_text"]:
                record["text"] = text
            records.append(record)

        if config["weight_by"] == "words":
            weights = [float(len(tokenize(text))) for text in texts]
        else:
            weights = [1.0] * len(texts)
        polarity, subjectivity = weighted_means(records, weights)
        most_positive, most_negative = extremes(records, config["top_n"])
        ends = [utterances[u].end for u in owners]
        basis, segments = timeline(records, weights, ends, config["segments"], labeller)
        language = detect_language(document.speech)
        log.debug("sentiment of document %s: %d sentences, language %s", document.id, len(records), language)
        return {
            "polarity": polarity,
            "subjectivity": subjectivity,
            "label": labeller(polarity),
            "language": language,
            "warning": language_warning(language, len(records)),
            "scored": language == "en" and bool(records),
            "weight_by": config["weight_by"],
            "thresholds": {"positive": pos_t, "negative": neg_t},
            "sentence_count": len(records),
            "label_counts": label_counts(records),
            "sentences": records,
            "per_speaker": per_speaker(records, weights, document.speakers, labeller),
            "most_positive": most_positive,
            "most_negative": most_negative,
            "timeline_basis": basis,
            "timeline": segments,
        }


def __getattr__(name: str) -> Any:
    """`split_sentences` stays importable from the package, loaded when first asked for."""
    if name == "split_sentences":
        from .sentences import split_sentences

        return split_sentences
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SentimentAnalyzer", "split_sentences", "language_warning"]
