"""Collocates: the words said near a node word, ranked by log-Dice and MI (AntConc's and #LancsBox's collocates).

Only the speech is read (utterance texts; never speaker labels, timestamps or cue ids). Rules:

- Words are qualia_core.text words ({markers}, digits and punctuation are not words). The node and the
  collocates are matched without case and accents (qualia_core.text.fold_word): "reuniao" is "Reunião". The
  node is one word, with wildcards if you like (* any letters, ? one letter: "design*" is design, designs,
  designer; qualia_core.search_terms); a pattern of wildcards alone is refused. As in keyword_in_context,
  apostrophes separate words for the node: "design's" is an occurrence of design (so the two agree on how
  often a word is said); collocates are whole words as qualia_core.text gives them ("design's").
- The span is `left_span` words before and `right_span` words after each occurrence of the node, counted as
  said: stopwords and fillers take their place in the span but are never counted as collocates (nor are the
  user's `stopwords`). A word in the spans of two occurrences of the node counts once (on its side of the
  first), so f(n,c) never exceeds f(c) and log-Dice never exceeds 14.
- A span never crosses a turn: the next turn is another speaker's answer, and pairing words across it would
  make a collocation of a question and its reply. A span is shorter at the start or end of a turn.
- f(n), f(c), f(n,c), N and the scores are those of qualia_core.collocation (formulas there): N counts every
  word, f(c) every time the collocate is said. Collocates said near the node fewer than `min_frequency` times
  are left out; the first `max_collocates` by `sort_by` are listed, ties by frequency together, then A-Z.
- `pairs` and `frequencies` hold the counts behind the scores (keyed by the folded word), so a study can
  add its meetings up and score them as one text (qualia_core.library_views.collocates).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

from qualia_core.collocation import SCORES, rank
from qualia_core.contract import BaseAnalyzerPlugin, PluginMetadata, PluginType
from qualia_core.document import Document
from qualia_core.search_terms import pattern_problem, word_regex
from qualia_core.text import LANGUAGES, detect_language, fold_word, speech_sample, stop_set, tokenize

logger = logging.getLogger(__name__)

EMPTY_NODE_MESSAGE = "Type a word to see the words said near it."
_NODE_RE = re.compile(r"[^\W\d_'’]*(?:[*?][^\W\d_'’]*)*(?:['’][^\W\d_]+[*?]?)*")  # letters, wildcards, apostrophes


class CollocatesAnalyzer(BaseAnalyzerPlugin):
    """The words said near a node word, with how often and how strongly (log-Dice, MI)."""

    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="collocates",
            type=PluginType.ANALYZER,
            name="Collocates",
            description="The words said near a word (a window you choose on each side, inside each turn), with "
                        "how often they are said together and how strongly they go together (log-Dice, MI).",
            version="1.0.0",
            labels={"node_frequency": "Occurrences of the word", "total_tokens": "Words in the text",
                    "span": "Words looked at", "collocates.collocate": "Collocate",
                    "collocates.together": "Together", "collocates.left": "On the left",
                    "collocates.right": "On the right", "collocates.frequency": "Said in all",
                    "collocates.log_dice": {"label": "log-Dice", "format": "number"},
                    "collocates.mi": {"label": "MI", "format": "number"},
                    "pairs": {"label": "Counts together", "machine": True},
                    "frequencies": {"label": "Word counts", "machine": True}},
            provides=["node", "node_frequency", "total_tokens", "span", "language", "collocates", "pairs",
                      "frequencies", "message"],
            parameters={
                "node": {"type": "string", "default": "",
                         "description": "The word whose neighbours you want; * stands for any letters and ? "
                                        "for one (design*)."},
                "left_span": {"type": "integer", "default": 5, "min": 0, "max": 10,
                              "description": "Words looked at before the word (L)."},
                "right_span": {"type": "integer", "default": 5, "min": 0, "max": 10,
                               "description": "Words looked at after the word (R)."},
                "min_frequency": {"type": "integer", "default": 2, "min": 1, "max": 10000,
                                  "description": "Fewest times a word must be said near it to be listed."},
                "sort_by": {"type": "choice", "default": "log_dice", "options": list(SCORES),
                            "description": "Rank by log-Dice, MI or how often said together."},
                "max_collocates": {"type": "integer", "default": 50, "min": 1, "max": 5000,
                                   "description": "How many collocates to list."},
                "exclude_stopwords": {"type": "boolean", "default": True,
                                      "description": "Leave out common words (the, and, que, não…) of the "
                                                     "transcript's language."},
                "stopwords": {"type": "list", "default": [],
                              "description": "More words to leave out (comma-separated), any case."},
                "exclude_fillers": {"type": "boolean", "default": True,
                                    "description": "Leave out filler sounds (uh, um, hmm, ahn…)."},
                "language": {"type": "choice", "default": "auto", "options": ["auto", *LANGUAGES],
                             "description": "Language of the stopwords; auto detects it."},
            },
        )

    def check_config(self, config: dict[str, Any]):
        node = config["node"].strip()
        if node and (problem := pattern_problem(node)) is not None:
            yield "node", problem
        elif node and (len(node.split()) > 1 or not _NODE_RE.fullmatch(node)):
            yield "node", f"\u201c{node}\u201d is not one word: type a single word (letters, * and ? allowed)"
        if config["left_span"] + config["right_span"] == 0:
            yield "right_span", "look at one word at least: the left and right spans are both 0"

    def _analyze_impl(self, document: Document, config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        language = config["language"]
        if language == "auto":
            language = detect_language(speech_sample(u.text for u in document.utterances))
        stop = stop_set(language, stopwords=config["exclude_stopwords"], fillers=config["exclude_fillers"],
                        extra=config["stopwords"])
        node = config["node"].strip()
        left, right = config["left_span"], config["right_span"]
        counts = _count(document, word_regex(node) if node else None, left, right, stop)
        collocates = rank(counts, span=left + right, min_frequency=config["min_frequency"],
                          sort_by=config["sort_by"], limit=config["max_collocates"])
        if not node:
            message = EMPTY_NODE_MESSAGE
        elif not counts["node_frequency"]:
            message = f"\u201c{node}\u201d is not said here."
        elif not collocates:
            message = f"No word is said near \u201c{node}\u201d {config['min_frequency']} times or more."
        else:
            message = None
        logger.debug("collocates %s: node said %d times, %d collocates", document.id, counts["node_frequency"],
                     len(collocates))
        return {"node": config["node"], **counts, "span": left + right, "language": language,
                "collocates": collocates, "message": message, "parameters_used": {**config,
                                                                                "stopwords": list(config["stopwords"])}}


def _count(document: Document, node: re.Pattern | None, left: int, right: int, stop: frozenset[str]) -> dict:
    """f(n), N, f(c) of every word kept, and each kept word's [form, f(n,c), on the left, on the right]."""
    seen: dict[str, tuple[str, bool, bool]] = {}  # word as written -> (folded, kept, is the node)
    frequencies: Counter[str] = Counter()
    pairs: dict[str, list] = {}
    forms: dict[str, Counter[str]] = {}
    node_frequency = total = 0
    for utterance in document.utterances:
        words = tokenize(utterance.text)
        total += len(words)
        infos = []
        for word in words:
            info = seen.get(word)
            if info is None:
                folded = fold_word(word)
                info = seen[word] = (folded, word.lower() not in stop and folded not in stop,
                                     node is not None and _is_node(node, folded))
            infos.append(info)
            if info[1]:
                frequencies[info[0]] += 1
        near: dict[int, bool] = {}  # position of a kept word in a span -> on the left of its node
        for i, (_, _, is_node) in enumerate(infos):
            if not is_node:
                continue
            node_frequency += 1
            for j in range(max(0, i - left), min(len(infos), i + right + 1)):
                if j != i and j not in near and infos[j][1]:
                    near[j] = j < i
        for j, on_left in near.items():
            folded = infos[j][0]
            entry = pairs.setdefault(folded, [folded, 0, 0, 0])
            entry[1] += 1
            entry[2 if on_left else 3] += 1
            forms.setdefault(folded, Counter())[words[j].lower()] += 1
    for folded, counter in forms.items():  # the form said most often names the collocate
        pairs[folded][0] = min(counter, key=lambda f: (-counter[f], f))
    return {"node_frequency": node_frequency, "total_tokens": total, "pairs": pairs,
            "frequencies": dict(frequencies)}


def _is_node(node: re.Pattern, folded: str) -> bool:
    """The word, or a part of it between apostrophes, is the node: keyword_in_context's rule, so "design's" is
    an occurrence of design* in both ("team" finds "team's", "água" finds "d'água")."""
    if node.fullmatch(folded):
        return True
    return "'" in folded and any(node.fullmatch(part) for part in folded.split("'"))
