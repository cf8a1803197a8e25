"""Sentiment of a transcript, per sentence, per speaker and over time, in English and Portuguese.

Only the speech is read (utterance texts, never speaker labels). Each utterance is cut into
sentences by a rule-based splitter that needs no downloaded data (see `sentences.py`); a sentence
never spans two utterances, and a piece with no letters outside {markers} (`{vocalsound} .`) is not
a sentence.

The method follows the language (`methods.py`): the document's, or a turn's own where an interview
switches language. English sentences get exactly `TextBlob(sentence).sentiment`; Portuguese ones LeIA's
lexicon with Qualia's rules for negation, intensifiers, contrast and inflected forms (`portuguese.py`).
Every sentence names its `language` and `method`; the result names the document's `language`, `method`
and `lexicon`, and `methods` lists every method used with its sentence count. A text in a language no
method reads is still run through TextBlob but marked `scored` false (the app then shows "not scored"
instead of the numbers) with a `warning`; such sentences never count in the averages of a document
that has scored ones.

Averages (document, speaker, timeline segment) are means over scored sentences, each sentence counting
once (`weight_by="sentence"`, the default) or by its number of words (`weight_by="words"`, so a
long statement outweighs a "Yeah .").

TextBlob (with NLTK and SciPy) and the Portuguese lexicon are loaded on the first run, so discovering the
plugin stays light.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from qualia_core.contract import BaseAnalyzerPlugin, PluginMetadata, PluginType
from qualia_core.document import Document
from qualia_core.text import strip_markers, tokenize

log = logging.getLogger(__name__)

_LETTER = re.compile(r"[^\W\d_]")


def language_warning(scored_count: int, sentence_count: int) -> str | None:
    """The warning for a result with `scored_count` of its `sentence_count` sentences scored, or None."""
    if sentence_count == 0:
        return "The document has no speech to analyse."
    if scored_count == 0:
        return ("Could not tell the language of this text; Qualia scores English (TextBlob) and Portuguese "
                "(LeIA lexicon), so these numbers are not meaningful.")
    return None


class SentimentAnalyzer(BaseAnalyzerPlugin):
    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="sentiment_analyzer",
            type=PluginType.ANALYZER,
            name="Sentiment",
            description=("Polarity (negative -1 to positive +1) and subjectivity (0 to 1) of each sentence of "
                         "the speech, per speaker, over the course of the meeting, with the most positive and "
                         "negative sentences. English is scored with TextBlob's lexicon, Portuguese with LeIA's "
                         "lexicon and Qualia's negation rules, chosen per turn by the detected language."),
            version="1.2.0",  # 1.2.0: Portuguese scored by LeIA + rules; every sentence names language and method
            labels={"index": {"label": "Sentence", "machine": True}, "utterance": {"label": "Turn", "machine": True},
                "first_sentence": {"machine": True}, "last_sentence": {"machine": True},
                "label": {"label": "Sentiment", "score": True, "format": "words"},
                "weight_by": {"label": "Averages count each", "format": "words"},
                "timeline_basis": {"label": "Timeline by", "format": "words"},
                "label_counts.positive": {"label": "Positive", "score": True},
                "label_counts.negative": {"label": "Negative", "score": True},
                "label_counts.neutral": {"label": "Neutral", "score": True},
                "label_counts": "Sentences", "sentence_count": "Sentences",
                "scored_sentences": "Sentences scored", "method": {"label": "Method", "format": "text"},
                "lexicon": {"label": "Lexicon", "format": "text"}, "language": {"label": "Language", "format": "text"},
                "methods": "Methods used", "methods.sentences": "Sentences",
                "methods.scored": {"label": "Scored", "machine": True}, "sentences.scored": {"machine": True},
                "per_speaker.positive": {"label": "Positive", "score": True},
                "per_speaker.negative": {"label": "Negative", "score": True},
                "per_speaker.neutral": {"label": "Neutral", "score": True}},
            # Keys other plugins also return (language, per_speaker, label, warning) are left out, so that
            # a plugin requiring them is not resolved to this one by accident.
            provides=["sentiment", "polarity", "subjectivity", "sentence_count", "label_counts", "sentences",
                      "most_positive", "most_negative", "timeline_basis", "timeline", "lexicon", "methods",
                      "scored_sentences"],
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
        from .methods import METHODS, document_language, method_for, turn_languages
        from .scoring import label_for
        from .sentences import split_sentences

        pos_t, neg_t = config["positive_threshold"], config["negative_threshold"]

        def labeller(polarity: float) -> str:
            return label_for(polarity, pos_t, neg_t)

        utterances = document.utterances
        language = document_language(document.speech)
        turn_language = turn_languages([u.text for u in utterances], language)
        texts, owners = [], []
        for u_index, utterance in enumerate(utterances):
            for sentence in split_sentences(utterance.text):
                if _LETTER.search(strip_markers(sentence)):
                    texts.append(sentence)
                    owners.append(u_index)
        languages = [turn_language[u] for u in owners]
        scores: list[tuple[float, float]] = [(0.0, 0.0)] * len(texts)
        for lang in dict.fromkeys(languages):  # one call per method, in order of first use
            mine = [i for i, sentence_lang in enumerate(languages) if sentence_lang == lang]
            for i, score in zip(mine, method_for(lang).score([texts[i] for i in mine])):
                scores[i] = score

        records: list[dict[str, Any]] = []
        for index, (text, u_index, lang, (polarity, subjectivity)) in enumerate(zip(texts, owners, languages, scores)):
            utterance = utterances[u_index]
            record: dict[str, Any] = {
                "index": index, "utterance": u_index, "speaker": utterance.speaker, "start": utterance.start,
                "polarity": polarity, "subjectivity": subjectivity, "label": labeller(polarity),
                "language": lang, "method": method_for(lang).name, "scored": lang in METHODS,
            }
            if config["include_text"]:
                record["text"] = text
            records.append(record)

        if config["weight_by"] == "words":
            weights = [float(len(tokenize(text))) for text in texts]
        else:
            weights = [1.0] * len(texts)
        scored = [i for i, r in enumerate(records) if r["scored"]]
        counted = scored or range(len(records))  # nothing scored: the old convention, numbers marked not scored
        kept, kept_weights = [records[i] for i in counted], [weights[i] for i in counted]
        polarity, subjectivity = weighted_means(kept, kept_weights)
        most_positive, most_negative = extremes(kept, config["top_n"])
        ends = [utterances[records[i]["utterance"]].end for i in counted]
        basis, segments = timeline(kept, kept_weights, ends, config["segments"], labeller)
        main = method_for(language)
        log.debug("sentiment of document %s: %d sentences, language %s", document.id, len(records), language)
        return {
            "polarity": polarity,
            "subjectivity": subjectivity,
            "label": labeller(polarity),
            "language": language,
            "method": main.name,
            "lexicon": main.lexicon,
            "methods": _methods_used(records),
            "warning": language_warning(len(scored), len(records)),
            "scored": bool(scored),
            "weight_by": config["weight_by"],
            "thresholds": {"positive": pos_t, "negative": neg_t},
            "sentence_count": len(records),
            "scored_sentences": len(scored),
            "label_counts": label_counts(kept),
            "sentences": records,
            "per_speaker": per_speaker(kept, kept_weights, document.speakers, labeller),
            "most_positive": most_positive,
            "most_negative": most_negative,
            "timeline_basis": basis,
            "timeline": segments,
        }


def _methods_used(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (language, method) that scored sentences of the document, most sentences first."""
    from .methods import method_for

    counts: dict[str, int] = {}
    for record in records:
        counts[record["language"]] = counts.get(record["language"], 0) + 1
    rows = [{"language": lang, "method": method_for(lang).name, "lexicon": method_for(lang).lexicon,
             "sentences": n, "scored": any(r["scored"] for r in records if r["language"] == lang)}
            for lang, n in counts.items()]
    return sorted(rows, key=lambda row: -row["sentences"])


def __getattr__(name: str) -> Any:
    """`split_sentences` stays importable from the package, loaded when first asked for."""
    if name == "split_sentences":
        from .sentences import split_sentences

        return split_sentences
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SentimentAnalyzer", "split_sentences", "language_warning"]
