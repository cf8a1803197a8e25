"""Keyword in context: every place a word or phrase is said, with the words around it.

The concordance view of Voyant, NVivo and MAXQDA, over the speech only (utterance texts; never speaker
labels, timestamps or cue ids). Rules:

- The query is literal text, never a regular expression ("c++", "(laughs" are searched as typed), except for
  the wildcards * (any letters) and ? (one letter) when `wildcards` is on. Spacing and apostrophes are
  relaxed so a phrase is found however the transcript spaces it, case and accents are ignored unless asked
  for ("comunicacao" finds "comunicação"), and a phrase may be typed in double quotes (see `.query`).
- `sort` orders the listed hits as AntConc's KWIC sort does: by the 1st or 2nd word to the left or right of
  the hit, by the hit, or by position (qualia_core.concordance); with `max_hits`, the first in that order.
- Markers such as {vocalsound} are not speech: they never match, never show in the context or the match,
  and do not break a phrase ("remote {disfmarker} control" is a hit for "remote control").
- `left` and `right` hold up to `window` words on each side of the match, inside the same utterance (the
  app links each hit to its turn), with the punctuation among them as written and whitespace runs shown
  as one space. `match` is the matched text as written (case, apostrophes, punctuation), spaces collapsed.
- `total_hits` counts every match; `hits` lists the first `max_hits` in the order of `sort`, `truncated`
  says when some were left out. `per_speaker` and `dispersion` (in document order) cover every match.
- `position` is where a hit lies in the meeting, 0..1: by time when every utterance has a start time
  (interpolated inside the turn), else by utterance order. `dispersion` lists the positions of all hits.
- Turns without a speaker are counted under "(no speaker)" in `per_speaker`; their hits have speaker None.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from qualia_core.concordance import CONTEXT_WORDS, SORTS, sort_key, sort_lines
from qualia_core.contract import BaseAnalyzerPlugin, PluginMetadata, PluginType
from qualia_core.document import Document
from qualia_core.search_terms import has_wildcards, pattern_problem

if TYPE_CHECKING:
    from .concordance import Timeline

logger = logging.getLogger(__name__)

NO_SPEAKER = "(no speaker)"
EMPTY_QUERY_MESSAGE = "Type a word or phrase to see every place it is said."
_DIGITS = 5  # decimals of positions


class KeywordInContextAnalyzer(BaseAnalyzerPlugin):
    """Concordance (KWIC) of a word or phrase: each hit with its speaker, time, context and position."""

    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="keyword_in_context",
            type=PluginType.ANALYZER,
            name="Keyword in context",
            description="Every place a word or phrase is said, with the words before and after it, the "
                        "speaker and the time, how often each speaker says it and where in the meeting.",
            version="1.1.0",
            labels={"utterance_index": {"label": "Turn", "machine": True}, "position": {"label": "Position",
                "format": "percent"}, "total_hits": "Occurrences", "truncated": "List cut short",
                "dispersion.basis": {"label": "Positions by", "format": "words"},
                "dispersion.start": {"label": "Start", "format": "time", "basis": "dispersion.basis"},
                "dispersion.duration": {"label": "Length", "format": "duration", "basis": "dispersion.basis"},
                "per_speaker": "Occurrences per speaker"},
            provides=["query", "total_hits", "truncated", "hits", "per_speaker", "dispersion", "message"],
            parameters={
                "query": {"type": "string", "default": "",
                          "description": "The word or phrase to find, as you would write it; * stands for any "
                                         "letters and ? for one (design*, *ção)."},
                "window": {"type": "integer", "default": 8, "min": 1, "max": 50,
                           "description": "Words of context shown on each side of a hit."},
                "case_sensitive": {"type": "boolean", "default": False,
                                   "description": "Find 'Design' but not 'design'."},
                "whole_words": {"type": "boolean", "default": True,
                                "description": "Find 'meet' but not inside 'meeting'."},
                "max_hits": {"type": "integer", "default": 1000, "min": 1, "max": 100000,
                             "description": "Most hits listed with their context (all are counted)."},
                "accent_sensitive": {"type": "boolean", "default": False,
                                     "description": "Find 'comunicação' but not 'comunicacao'."},
                "wildcards": {"type": "boolean", "default": True,
                              "description": "* stands for any letters and ? for one letter (design*, "
                                             "*ção, organi?ation); off, they are searched as typed."},
                "sort": {"type": "choice", "default": "position", "options": list(SORTS),
                         "description": "Order of the hits: where they are said, the hit, or the 1st or 2nd "
                                        "word to the left or right of it (AntConc's KWIC sort)."},
            },
        )

    def check_config(self, config: dict[str, Any]):
        query = config["query"]
        if config["wildcards"] and has_wildcards(query):
            if (problem := pattern_problem(query)) is not None:
                yield "query", problem
            elif not config["whole_words"]:
                yield "whole_words", "wildcards (* and ?) find whole words: turn whole words on, or wildcards off"
        needed = CONTEXT_WORDS.get(config["sort"], 0)
        if config["window"] < needed:
            yield "window", f"sorting by the {SORTS[config['sort']]} needs at least {needed} words each side"

    def _analyze_impl(self, document: Document, config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        from .concordance import Speech, Timeline, hit_spans  # loaded on the first run, not at discovery
        from .query import compile_query

        timeline = Timeline(document)
        if not config["query"].strip(' \t\r\n"\u201c\u201d'):
            return _result(config, [], 0, {}, timeline, [], EMPTY_QUERY_MESSAGE)
        speech = Speech.of(document)
        query = compile_query(config["query"], case_sensitive=config["case_sensitive"],
                              whole_words=config["whole_words"], accent_sensitive=config["accent_sensitive"],
                              wildcards=config["wildcards"], ascii_text=speech.text.isascii())
        if query is None:
            return _result(config, [], 0, {}, timeline, [], EMPTY_QUERY_MESSAGE)
        spans = hit_spans(query, speech)
        utterances = document.utterances
        positions: list[float] = []
        per_speaker: dict[str, int] = {}
        hits: list[dict[str, Any]] = []
        max_hits, window = config["max_hits"], config["window"]
        listed = set(_listed(spans, speech, config["sort"], window, max_hits))
        for number, (index, start, end) in enumerate(spans):
            line_start, line_end = speech.bounds(index)
            position = round(timeline.position(index, (start - line_start) / max(1, line_end - line_start)), _DIGITS)
            positions.append(position)
            utterance = utterances[index]
            speaker = utterance.speaker or None
            label = speaker or NO_SPEAKER
            per_speaker[label] = per_speaker.get(label, 0) + 1
            if number in listed:
                left, right = speech.context(line_start, line_end, start, end, window)
                hits.append({
                    "utterance_index": index,
                    "speaker": speaker,
                    "start": utterance.start,
                    "end": utterance.end,
                    "left": left,
                    "match": " ".join(speech.text[start:end].split()),
                    "right": right,
                    "position": position,
                })
        hits = sort_lines(hits, config["sort"])
        message = None if spans else f"No match for \u201c{config['query'].strip()}\u201d."
        logger.debug("keyword_in_context %s: %d hits, %d listed", document.id, len(spans), len(hits))
        ranked = dict(sorted(per_speaker.items(), key=lambda item: (-item[1], item[0])))
        return _result(config, hits, len(spans), ranked, timeline, positions, message)


def _listed(spans: list[tuple[int, int, int]], speech, by: str, window: int, max_hits: int) -> list[int]:
    """Which hits (their numbers in document order) are listed: the first `max_hits` in the order of `by`."""
    if by == "position" or len(spans) <= max_hits:
        return list(range(min(len(spans), max_hits)))
    keys = []
    for index, start, end in spans:
        line_start, line_end = speech.bounds(index)
        left, right = speech.context(line_start, line_end, start, end, window)
        keys.append(sort_key(by, left, speech.text[start:end], right))
    return sorted(range(len(spans)), key=keys.__getitem__)[:max_hits]


def _result(config: dict[str, Any], hits: list[dict[str, Any]], total: int, per_speaker: dict[str, int],
            timeline: Timeline, positions: list[float], message: str | None) -> dict[str, Any]:
    return {
        "query": config["query"],
        "total_hits": total,
        "truncated": total > len(hits),
        "hits": hits,
        "per_speaker": per_speaker,
        "dispersion": {
            "basis": timeline.basis,
            "start": timeline.origin,
            "duration": timeline.duration if timeline.basis == "time" else timeline.count,
            "positions": positions,
        },
        "message": message,
        "parameters_used": dict(config),
    }
