"""Corpus-level views as pandas DataFrames: per-document and per-speaker tables, and distinctive words.

    result = core.run_corpus(folder, ["speaker_stats", "word_frequency", "sentiment_analyzer"])
    documents_table(result)                   # one row per document
    speakers_table(result)                    # one row per (document, speaker)
    counts = word_counts(folder)              # the same sources give the same document ids
    keyness(counts, document="ES2012a")       # words ES2012a uses more (and less) than the rest
    keyness(counts, speaker="Project Manager")

Tables read the results of speaker_stats (turns, words, speakers, shares), word_frequency (top words)
and sentiment_analyzer (mean polarity, and the method that scored it); a plugin not run, or failed on a
document, leaves its columns empty (None) and the failure is in the document's `error` column. A document
its sentiment method cannot score (`scored` false: a language no method reads) has no mean, never a 0.

Keyness compares the words of a target (a document, a speaker across the corpus, or a speaker in one
document) with every other word of the corpus. Counts follow word_frequency's rules with its default
options: qualia_core.text words, lowercased, at least `min_length` letters, without the stopwords of
the document's language (detected as word_frequency does), its fillers and context fillers, and the user's
stopwords and fillers (the library's views use the study's stoplist: qualia_core.study_words); no
lemmas. The score is Dunning's log-likelihood G2 (Rayson & Garside 2000) for the 2x2 table
(a = target count, b = reference count, c = target words, d = reference words):
E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d), G2 = 2(a ln(a/E1) + b ln(b/E2)), with 0 ln 0 = 0;
p is its chi-square (1 df) tail. The effect size is Hardie's log ratio log2((a/c)/(b/d)), a zero
count taken as 0.5; `use` says "over" or "under" (the target uses the word more or less than the rest).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from . import formats
from .corpus import collect_sources, is_error
from .document import Document
from .labels import is_scored
from .text import language_of_words, stop_set, tokenize

NO_SPEAKER = "(no speaker)"  # as speaker_stats labels turns without a speaker
#: G2 for p < 0.05, 0.01, 0.001, 0.0001 (1 degree of freedom).
G2_CRITICAL = {0.05: 3.84, 0.01: 6.63, 0.001: 10.83, 0.0001: 15.13}
DOCUMENT_COLUMNS = ["document", "turns", "words", "speakers", "top_words", "mean_sentiment", "sentiment_method",
                    "error"]
SPEAKER_COLUMNS = ["document", "speaker", "talk_share", "share_basis", "word_share", "words", "turns", "top_words",
                   "mean_sentiment"]
KEYNESS_COLUMNS = ["word", "count", "reference_count", "per_10k", "reference_per_10k", "g2", "p_value", "log_ratio",
                   "use"]


def _ok(entries: Mapping[str, Any], plugin_id: str) -> dict[str, Any] | None:
    entry = entries.get(plugin_id)
    return entry if isinstance(entry, dict) and not is_error(entry) else None


def _scored(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    """A sentiment result only when its numbers mean something."""
    return entry if entry is not None and is_scored(entry) else None


def _top(pairs: Iterable, n: int) -> str:
    return ", ".join(word for word, _ in list(pairs)[:n])


def documents_table(result: Mapping[str, Mapping[str, Any]], top_n: int = 5) -> pd.DataFrame:
    """One row per document: turns, words (every word spoken), speakers, its `top_n` words, mean polarity
    (None when not scored) and the sentiment method."""
    rows = []
    for doc_id, entries in result.items():
        stats, words, mood = (_ok(entries, p) for p in ("speaker_stats", "word_frequency", "sentiment_analyzer"))
        errors = [f"{pid}: {e['error']}" for pid, e in entries.items() if is_error(e)]
        rows.append({
            "document": doc_id,
            "turns": stats["total_turns"] if stats else None,
            "words": stats["total_words"] if stats else None,
            "speakers": len(stats["speakers"]) if stats else None,
            "top_words": _top(words["top_words"], top_n) if words else None,
            "mean_sentiment": mood["polarity"] if _scored(mood) else None,
            "sentiment_method": mood.get("method") if mood else None,
            "error": "; ".join(errors) or None,
        })
    table = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    return table.astype({"turns": "Int64", "words": "Int64", "speakers": "Int64", "mean_sentiment": "float64"})


def speakers_table(result: Mapping[str, Mapping[str, Any]], top_n: int = 5) -> pd.DataFrame:
    """One row per speaker of each document, in each document's speaker_stats order.

    `talk_share` is the share of the document's talk time when it has timestamps, else its share of the
    words (`share_basis` says "time" or "words"); `word_share` is always the share of the words.
    `mean_sentiment` is the mean polarity of the speaker's sentences (None for a speaker without any).
    """
    rows = []
    for doc_id, entries in result.items():
        stats, words, mood = (_ok(entries, p) for p in ("speaker_stats", "word_frequency", "sentiment_analyzer"))
        per_words = words.get("per_speaker", {}) if words else {}
        mood_speakers = mood.get("per_speaker", {}) if mood else {}
        per_mood = mood_speakers if _scored(mood) else {}  # not scored: listed, without a mean read as neutral
        listed = stats["speakers"] if stats else [{"speaker": s} for s in dict.fromkeys([*per_words, *mood_speakers])]
        for s in listed:
            name, timed = s["speaker"], s.get("talk_share") is not None
            rows.append({
                "document": doc_id, "speaker": name,
                "talk_share": s["talk_share"] if timed else s.get("word_share"),
                "share_basis": ("time" if timed else "words") if stats else None,
                "word_share": s.get("word_share"), "words": s.get("words"), "turns": s.get("turns"),
                "top_words": _top(per_words[name]["top_words"], top_n) if name in per_words else None,
                "mean_sentiment": per_mood[name]["polarity"] if name in per_mood else None,
            })
    table = pd.DataFrame(rows, columns=SPEAKER_COLUMNS)
    return table.astype({"words": "Int64", "turns": "Int64", "talk_share": "float64", "word_share": "float64",
                         "mean_sentiment": "float64"})


@dataclass
class WordCounts:
    """Word counts of a corpus per (document id, speaker); unlabelled turns count under NO_SPEAKER."""

    counts: dict[tuple[str, str], Counter] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # document id -> why it was not read

    @property
    def documents(self) -> list[str]:
        return list(dict.fromkeys(doc for doc, _ in self.counts))

    @property
    def speakers(self) -> list[str]:
        return sorted({speaker for _, speaker in self.counts})

    def total(self, document: str | None = None, speaker: str | None = None) -> Counter:
        """The counts of the rows matching a document and/or a speaker (all rows when both are None)."""
        found: Counter = Counter()
        for (doc, who), counter in self.counts.items():
            if (document is None or doc == document) and (speaker is None or who == speaker):
                found.update(counter)
        return found


def count_document(document: Document, *, min_length: int = 3, exclude_stopwords: bool = True,
                   exclude_fillers: bool = True, exclude_context_fillers: bool = True, stopwords: Iterable[str] = (),
                   fillers: Iterable[str] = (), language: str = "auto") -> tuple[dict[str, Counter], str]:
    """({speaker: Counter of kept words}, language) of one document, by word_frequency's rules."""
    turns = [(u.speaker or NO_SPEAKER, tokenize(u.text.lower())) for u in document.utterances]
    if language == "auto":
        language = language_of_words(w for _, words in turns for w in words)
    stop = stop_set(language, stopwords=exclude_stopwords, fillers=exclude_fillers,
                    context_fillers=exclude_context_fillers,
                    extra=[*stopwords, *(fillers if exclude_fillers else ())])
    per_speaker: dict[str, Counter] = {}
    for speaker, words in turns:
        per_speaker.setdefault(speaker, Counter()).update(w for w in words if len(w) >= min_length and w not in stop)
    return per_speaker, language


def word_counts(sources: Any, *, max_document_bytes: int = formats.DEFAULT_MAX_BYTES, **rules: Any) -> WordCounts:
    """Counts of every document of `sources` (as run_corpus takes them, with the same ids). `rules` are
    count_document's (min_length, exclude_stopwords, exclude_fillers, exclude_context_fillers, stopwords,
    fillers, language): a study's stoplist is `core.study_words().as_parameters()`. A file
    that cannot be read is left out and named in `skipped`."""
    result = WordCounts()
    for doc_id, source in collect_sources(sources):
        if not isinstance(source, Document):
            try:
                source = formats.load_path(source, doc_id=doc_id, max_bytes=max_document_bytes)
            except Exception as exc:  # noqa: BLE001 - one bad file never stops the corpus
                result.skipped[doc_id] = str(exc)
                continue
        per_speaker, result.languages[doc_id] = count_document(source, **rules)
        for speaker, counter in per_speaker.items():
            result.counts[(doc_id, speaker)] = counter
    return result


def g2(a: float, b: float, c: float, d: float) -> float:
    """Dunning's log-likelihood of a word seen a times in c target words and b times in d reference words."""
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    return 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))


def keyness(counts: WordCounts, *, document: str | None = None, speaker: str | None = None,
            limit: int | None = 50, min_g2: float = G2_CRITICAL[0.05], direction: str = "both",
            min_count: int = 1) -> pd.DataFrame:
    """Distinctive words of a document, a speaker, or a speaker in one document, against the rest of the
    corpus: rows sorted by G2 (then word), at most `limit`, with G2 >= `min_g2`, seen at least `min_count`
    times in the whole corpus; `direction` "over", "under" or "both"."""
    if direction not in ("over", "under", "both"):
        raise ValueError(f"direction must be 'over', 'under' or 'both', not {direction!r}")
    if document is None and speaker is None:
        raise ValueError("name a document, a speaker, or both")
    if document is not None and document not in counts.documents:
        raise KeyError(f"no document {document!r} in the counts; documents: {', '.join(counts.documents)}")
    target, total = counts.total(document, speaker), counts.total()
    words = sorted(w for w, n in total.items() if n >= min_count)
    a = np.array([target[w] for w in words], dtype=float)
    b = np.array([total[w] for w in words], dtype=float) - a
    c, d = float(sum(target.values())), float(sum(total.values()) - sum(target.values()))
    if c == 0 or d == 0:
        who = " ".join(x for x in (speaker and f"speaker {speaker!r}", document and f"document {document!r}") if x)
        raise ValueError(f"{who} has no counted words" if c == 0 else
                         f"the rest of the corpus has no words to compare {who} with")
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = 2 * (np.where(a > 0, a * np.log(a / e1), 0.0) + np.where(b > 0, b * np.log(b / e2), 0.0))
        ratio = np.log2((np.maximum(a, 0.5) / c) / (np.maximum(b, 0.5) / d))
    use = np.where(a / c > b / d, "over", np.where(a / c < b / d, "under", "same"))
    table = pd.DataFrame({"word": words, "count": a.astype(int), "reference_count": b.astype(int),
                          "per_10k": a / c * 10_000, "reference_per_10k": b / d * 10_000,
                          "g2": scores, "log_ratio": ratio, "use": use})
    table = table[table["g2"] >= min_g2]
    if direction != "both":
        table = table[table["use"] == direction]
    table = table.sort_values(["g2", "word"], ascending=[False, True], kind="stable")
    table = table.head(limit) if limit is not None else table
    table["p_value"] = [math.erfc(math.sqrt(s / 2)) for s in table["g2"]]
    return table[KEYNESS_COLUMNS].reset_index(drop=True)
