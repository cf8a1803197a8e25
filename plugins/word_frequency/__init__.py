"""Word frequency: which words the speakers use, overall, per speaker and in pairs.

Only the speech is counted (utterance texts): never speaker labels, timestamps or cue ids.

Rules (see also qualia_core.text):
- A word is a run of letters with inner apostrophes (don't, d'água); {markers}, digits and punctuation
  are not words. Without `case_sensitive`, words are lowercased.
- `total_tokens` counts every word of the speech; a word is then dropped when shorter than `min_length`,
  a stopword of the language (built-in list, when `exclude_stopwords`), in the user's `stopwords`
  (always, whatever the case), a filler of the language's filler list such as "uh", "yeah", "okay", "né"
  (when `exclude_fillers`), or a word that is a filler only in some uses such as "like", "well", "know",
  "tipo", "então" (when `exclude_context_fillers`): qualia_core/stopwords/fillers*.txt. `left_out` lists the
  fillers and the user's stopwords the speech holds, with how often each was said, most said first.
  `total_words` and `unique_words` count the words kept.
- The language is detected from the speech ("en", "pt"; "unknown" uses both stopword lists and
  does not lemmatize) unless `language` names it.
- With `lemmatize`, words count as their lemmas (simplemma, English or Portuguese: meetings -> meeting,
  reuniões -> reunião). A word that is itself the lemma of another word of the text keeps its form
  ("meeting" beside "meetings" stays "meeting", not the verb "meet"); a word whose lemma is a
  stopword is dropped ("sendo" -> "ser").
- Bigrams are two kept words that follow each other in one utterance: a dropped word (stopword, short
  word, filler), a marker, a number, sentence punctuation or the end of the utterance breaks a pair,
  so "the remote control" gives "remote control" and "remote , the control" gives none.
- Rankings are by descending count, ties in alphabetical (code point) order. `per_speaker` gives each
  labelled speaker's `total_words`, `unique_words` and top 20 words (in order of first appearance).

The stoplist is `qualia_core.text.stop_set`. numpy and the counting code (`.counting`) are imported on the
first run, so discovering the plugin stays light.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from itertools import count, repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from qualia_core.contract import BaseAnalyzerPlugin, PluginMetadata, PluginType
from qualia_core.document import Document
from qualia_core.text import (CONTEXT_FILLERS, LANGUAGE_MARKERS, LANGUAGES, PT_LETTERS_RE, detect_language, filler_set,
                              language_from_hits, speech_sample, stop_set)

if TYPE_CHECKING:
    from .counting import Forms, Tokens

logger = logging.getLogger(__name__)

SPEAKER_TOP = 20
_speaker_of = attrgetter("speaker")
_MARKER_BYTES = {lang: frozenset(w.encode("utf-8") for w in words) for lang, words in LANGUAGE_MARKERS.items()}


class WordFrequencyAnalyzer(BaseAnalyzerPlugin):
    """Counts the words of a transcript's speech, with stopwords, per-speaker counts and bigrams."""

    def meta(self) -> PluginMetadata:
        return _metadata()

    def _analyze_impl(self, document: Document, config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        import numpy as np  # numpy and the counting code load on the first run, not at discovery

        from .counting import Forms, Tokens, chunks_of, speech_of, top, words_of
        from .lemmas import lemmatizer

        lowercase = not config["case_sensitive"]
        want_bigrams = config["bigrams"]
        utterances = document.utterances
        per_speaker_on = config["per_speaker"] and bool(utterances)
        speech = speech_of(document) if per_speaker_on else document.speech
        tokens = Tokens(chunks_of(speech, lowercase, want_bigrams, turns=per_speaker_on),
                        positions=per_speaker_on or want_bigrams)
        language = config["language"]
        if language == "auto":
            spoken = (u.text for u in document.utterances)
            language = _language(tokens) if lowercase else detect_language(speech_sample(spoken))

        stop = stop_set(language, stopwords=config["exclude_stopwords"], fillers=config["exclude_fillers"],
                        context_fillers=config["exclude_context_fillers"], extra=_extra(config))
        lemma = lemmatizer(language) if config["lemmatize"] and language in LANGUAGES else None
        forms = Forms(tokens, config["min_length"], stop, lowercase, lemma)
        kept = forms.tally()
        top_words = _words(forms, *top(kept, config["max_words"], forms.keys))

        per_speaker = {}
        if per_speaker_on:
            speakers = [s for s in dict.fromkeys(map(_speaker_of, utterances)) if s]
            number = dict(zip(speakers, count()))
            turn_speaker = np.fromiter(map(number.get, map(_speaker_of, utterances), repeat(len(speakers))),
                                       np.intp, len(utterances))
            rows = forms.tally_rows(turn_speaker[tokens.turn_of()], len(speakers) + 1, SPEAKER_TOP)
            for speaker, (total, unique, best, counts) in zip(speakers, rows):
                per_speaker[speaker] = {"total_words": total, "unique_words": unique,
                                        "top_words": _words(forms, best, counts)}

        bigrams = []
        if want_bigrams:
            codes, pair_counts = forms.bigrams()
            chosen, counts = top(pair_counts, config["max_words"])
            firsts, seconds = np.divmod(codes[chosen], len(forms.keys))
            bigrams = [[f"{a} {b}", c] for a, b, c in zip(words_of(forms.keys, firsts.tolist()),
                                                           words_of(forms.keys, seconds.tolist()), counts)]

        total_words = int(kept.sum())
        logger.debug("word_frequency %s: %d tokens, %d kept, language %s",
                     document.id, tokens.total_tokens, total_words, language)
        return {
            "word_frequencies": dict(top_words),
            "total_words": total_words,
            "total_tokens": tokens.total_tokens,
            "unique_words": int(np.count_nonzero(kept)),
            "top_words": top_words,
            "language": language,
            "lemmatized": lemma is not None,
            "per_speaker": per_speaker,
            "bigrams": bigrams,
            "left_out": _left_out(tokens, language, config),
            "parameters_used": {**config, "stopwords": list(config["stopwords"]), "fillers": list(config["fillers"])},
        }


@lru_cache(maxsize=1)
def _metadata() -> PluginMetadata:
    """Built once: analyze() validates every call's config against it."""
    return PluginMetadata(
        id="word_frequency",
        type=PluginType.ANALYZER,
        name="Word frequency",
        description="Counts the words of the speech (not speaker labels or timestamps), overall and "
                    "per speaker, with English and Portuguese stopwords, lemmas and word pairs.",
        version="1.1.0",  # 1.1.0: the filler lists, context fillers, left_out
        labels={"total_tokens": "Tokens", "lemmatized": "Lemmatized", "word_frequencies": "All words",
            "top_words": "Top words", "bigrams": "Word pairs", "per_speaker.top_words": "Top words",
            "left_out": "Words left out (fillers and your stopwords)"},
        provides=["word_frequencies", "total_words", "total_tokens", "unique_words", "top_words",
                  "language", "per_speaker", "bigrams", "left_out"],
        parameters={
            "min_length": {"type": "integer", "default": 3, "min": 1, "max": 50,
                           "description": "Shortest word counted, in letters."},
            "max_words": {"type": "integer", "default": 100, "min": 1, "max": 10000,
                          "description": "How many top words (and bigrams) to report."},
            "exclude_stopwords": {"type": "boolean", "default": True,
                                  "description": "Leave out common words (the, and, que, não…) "
                                                 "of the transcript's language."},
            "case_sensitive": {"type": "boolean", "default": False,
                               "description": "Count 'Design' and 'design' apart."},
            "language": {"type": "choice", "default": "auto", "options": ["auto", *LANGUAGES],
                         "description": "Language of the stopwords and lemmas; auto detects it."},
            "stopwords": {"type": "list", "default": [],
                          "description": "More words to leave out (comma-separated), any case."},
            "exclude_fillers": {"type": "boolean", "default": True,
                                "description": "Leave out fillers of the language: uh, um, yeah, okay, "
                                               "alright; ahn, né, tá, beleza…"},
            "fillers": {"type": "list", "default": [],
                        "description": "More fillers to leave out with the others (comma-separated), any case."},
            "exclude_context_fillers": {"type": "boolean", "default": True,
                                        "description": "Also leave out words that are fillers in most of their "
                                                       "spoken uses: like, well, know, mean, right; tipo, "
                                                       "então, assim, sabe…"},
            "per_speaker": {"type": "boolean", "default": True,
                            "description": "Also count each speaker's words."},
            "bigrams": {"type": "boolean", "default": True,
                        "description": "Also count pairs of words said one after the other."},
            "lemmatize": {"type": "boolean", "default": False,
                          "description": "Count dictionary forms (meetings -> meeting, "
                                         "reuniões -> reunião) in English and Portuguese."},
        },
    )


LEFT_OUT_MAX = 100


def _extra(config: dict[str, Any]) -> list[str]:
    """The user's words to leave out: their stopwords, and their fillers when fillers are left out."""
    return [*config["stopwords"], *(config["fillers"] if config["exclude_fillers"] else ())]



def _left_out(tokens: Tokens, language: str, config: dict[str, Any]) -> list[list]:
    """[word, times said, why] of the fillers and user stopwords in the speech, most said first (at most
    LEFT_OUT_MAX): what the UI shows as left out. Built-in stopwords are not listed (they are hundreds)."""
    from .counting import decode

    why: dict[str, str] = {}
    for word in stop_set(language, stopwords=False, fillers=False, extra=config["stopwords"]):
        why[word] = "your stoplist"
    if config["exclude_context_fillers"]:
        why.update(dict.fromkeys(CONTEXT_FILLERS[language] if language in LANGUAGES else
                                 CONTEXT_FILLERS["en"] | CONTEXT_FILLERS["pt"], "context filler"))
    if config["exclude_fillers"]:
        why.update(dict.fromkeys(filler_set(language), "filler"))
        why.update(dict.fromkeys(stop_set(language, stopwords=False, fillers=False, extra=config["fillers"]), "filler"))
    found: dict[str, int] = {}
    for key, total in zip(tokens.keys, tokens.totals.tolist()):
        if total:
            word = decode(key).strip("'").lower()
            if word in why:
                found[word] = found.get(word, 0) + total
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))[:LEFT_OUT_MAX]
    return [[word, n, why[word]] for word, n in ranked]


def _words(forms: Forms, indices: list[int], counts: list[int]) -> list[list]:
    from .counting import words_of

    return [[w, c] for w, c in zip(words_of(forms.keys, indices), counts)]


def _language(tokens: Tokens) -> str:
    """The language of lowercase counts, by the rule of qualia_core.text.detect_language (whole speech)."""
    hits = {lang: tokens.occurrences(words) for lang, words in _MARKER_BYTES.items()}
    accented = sum(1 for word in tokens.odd_words.values() if PT_LETTERS_RE.search(word))
    return language_from_hits(hits, tokens.total_tokens, accented / max(1, len(tokens.keys)))
