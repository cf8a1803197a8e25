"""Collocation scores: how strongly a word keeps company with a node word, for one meeting or the whole study.

The counts come from the collocates plugin (plugins/collocates), per meeting; a study adds its meetings' counts
up before scoring (`merge`), so a study's scores are those of one text holding all its meetings.

    f(n)    how often the node is said (each matching word is one occurrence)
    f(c)    how often the collocate is said in the whole text (meeting or study)
    f(n,c)  how often the collocate is said within the span around an occurrence of the node
    N       how many words the text holds (every word, stopwords and fillers too)
    span    L + R, the words looked at on each side of the node

    log-Dice = 14 + log2(2·f(n,c) / (f(n) + f(c)))          Rychlý (2008), as #LancsBox and Sketch Engine
    MI       = log2(f(n,c)·N / (f(n)·f(c)·span))            mutual information with the expected frequency
                                                            f(n)·f(c)·span/N of a collocate spread at random
                                                            over the span (Oakes 1998; WordSmith's z-score
                                                            uses the same expectation)

log-Dice (at most 14, for two words only ever said together) does not grow with the size of the text, so
meetings and studies compare; MI favours rare pairs and depends on the span. #LancsBox's MI leaves the span out
of the expectation (its MI is ours plus log2(span)); we keep the span so a wider window does not inflate MI.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

SCORES = {"log_dice": "log-Dice", "mi": "MI", "together": "Frequency together"}


def log_dice(f_nc: int, f_n: int, f_c: int) -> float:
    return 14 + math.log2(2 * f_nc / (f_n + f_c))


def mutual_information(f_nc: int, f_n: int, f_c: int, total: int, span: int) -> float:
    return math.log2(f_nc * total / (f_n * f_c * span))


def merge(results: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The counts of several texts (collocates results) as one: node and word frequencies, pairs and sizes added."""
    merged: dict[str, Any] = {"node_frequency": 0, "total_tokens": 0, "pairs": {}, "frequencies": {}}
    forms: dict[str, dict[str, int]] = {}
    for result in results:
        merged["node_frequency"] += result["node_frequency"]
        merged["total_tokens"] += result["total_tokens"]
        for key, count in result["frequencies"].items():
            merged["frequencies"][key] = merged["frequencies"].get(key, 0) + count
        for key, (form, together, left, right) in result["pairs"].items():
            known = merged["pairs"].setdefault(key, [form, 0, 0, 0])
            known[1] += together
            known[2] += left
            known[3] += right
            seen = forms.setdefault(key, {})
            seen[form] = seen.get(form, 0) + together
    for key, seen in forms.items():  # the form said most often names the collocate
        merged["pairs"][key][0] = min(seen, key=lambda f: (-seen[f], f))
    return merged


def rank(counts: Mapping[str, Any], *, span: int, min_frequency: int, sort_by: str, limit: int) -> list[dict]:
    """The collocates said at least `min_frequency` times near the node, best first by `sort_by` (a key of
    SCORES; ties by frequency together, then alphabetically), at most `limit`."""
    f_n, total, frequencies = counts["node_frequency"], counts["total_tokens"], counts["frequencies"]
    rows = []
    for key, (form, together, left, right) in counts["pairs"].items():
        if together < min_frequency:
            continue
        f_c = frequencies[key]
        rows.append({"collocate": form, "together": together, "left": left, "right": right, "frequency": f_c,
                     "log_dice": round(log_dice(together, f_n, f_c), 3),
                     "mi": round(mutual_information(together, f_n, f_c, total, span), 3)})
    rows.sort(key=lambda r: (-r[sort_by], -r["together"], r["collocate"]))
    return rows[:limit]


__all__ = ["SCORES", "log_dice", "mutual_information", "merge", "rank"]
