"""Coder agreement, as NVivo's coding comparison computes it: for each code, every character of the compared
documents is a unit that each coder either coded with that code or did not, uncoded text included.

    percent agreement  (characters both coded + characters neither coded) / all characters × 100
    Cohen's kappa      (Po − Pe) / (1 − Pe), Pe = pA(coded)·pB(coded) + pA(uncoded)·pB(uncoded)
    Krippendorff's α   nominal, two coders, over the same character units (the `krippendorff` package)

Units are the characters of each turn's stored text, the text passage offsets count in; the breaks between
turns are not units. Overlapping passages of one coder count each character once.

When both coders agree on every character and one value only occurs (nobody coded, or everything coded), kappa
is 1 (NVivo's convention) and alpha, which is undefined without variation, is NaN.

Pure functions over the passages table (`Coding.passages()`: one row per passage and code), so the page, the
notebook API and the tests share one computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import CodingError

COLUMNS = ["code", "agreement", "kappa", "alpha", "characters", "both", "neither", "only_a", "only_b"]


@dataclass(frozen=True)
class Counts:
    """Characters of one code (in one document, or summed over several) by what each coder did with them."""

    both: int = 0
    only_a: int = 0
    only_b: int = 0
    neither: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.both + other.both, self.only_a + other.only_a, self.only_b + other.only_b,
                      self.neither + other.neither)

    @property
    def total(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    def percent(self) -> float:
        return 100.0 * (self.both + self.neither) / self.total if self.total else float("nan")

    def kappa(self) -> float:
        n = self.total
        if not n:
            return float("nan")
        observed = (self.both + self.neither) / n
        a_yes, b_yes = (self.both + self.only_a) / n, (self.both + self.only_b) / n
        expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
        if expected >= 1.0:  # one value only, and both coders agree on every character
            return 1.0
        return (observed - expected) / (1 - expected)

    def alpha(self) -> float:
        """Krippendorff's alpha by the `krippendorff` package, over these characters as units. Characters both
        coders put in the same category are pooled into one unit per category: a unit where both gave value v
        k times adds 2k to the coincidence of (v, v), exactly as k separate units do, so the result equals the
        package's alpha over every character; the characters they disagree on stay one unit each."""
        if not self.total:
            return float("nan")
        if (self.both + self.only_a + self.only_b == 0) or (self.neither + self.only_a + self.only_b == 0):
            return float("nan")  # one value only: alpha is undefined
        import krippendorff

        mixed = self.only_a + self.only_b
        counts = np.empty((2 + mixed, 2), dtype=np.float64)
        counts[0] = (2 * self.neither, 0)
        counts[1] = (0, 2 * self.both)
        counts[2:] = 1
        return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans covering the same characters."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def _covered(spans: Sequence[tuple[int, int]]) -> int:
    return sum(e - s for s, e in spans)


def _intersection(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            total += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _spans(rows: pd.DataFrame, offsets: np.ndarray) -> list[tuple[int, int]]:
    """One coder's passages of one code in one document as spans of the document's characters."""
    base = offsets[rows["turn"].to_numpy(dtype=np.int64)]
    starts = base + rows["start"].to_numpy(dtype=np.int64)
    ends = base + rows["end"].to_numpy(dtype=np.int64)
    return _merged(zip(starts.tolist(), ends.tolist()))


def compare(passages: pd.DataFrame, coder_a: str, coder_b: str, turn_lengths: Mapping[str, Sequence[int]],
            documents: Iterable[str] | None = None) -> dict[tuple[str, str], Counts]:
    """Characters per (code, document) by agreement: the units behind every figure of `agreement`.

    `turn_lengths` gives, for each document, the length of each turn's stored text by turn index. By default the
    documents compared are those both coders have coded (the same documents, coded independently)."""
    if coder_a == coder_b:
        raise CodingError(f"Coder agreement needs two different coders; both are {coder_a!r}.")
    mine = passages[passages["coder"].isin([coder_a, coder_b])]
    if documents is None:
        by_coder = mine.groupby("coder")["document_id"].agg(set)
        docs = set(by_coder.get(coder_a, set())) & set(by_coder.get(coder_b, set()))
    else:
        docs = set(documents)
    unknown = sorted(d for d in docs if d not in turn_lengths)
    if unknown:
        raise CodingError(f"Coder agreement: no document with id {unknown[0]!r} in the study.")
    mine = mine[mine["document_id"].isin(docs)]
    codes = sorted(set(mine["code"]))
    counts: dict[tuple[str, str], Counts] = {}
    grouped = {key: rows for key, rows in mine.groupby(["code", "document_id", "coder"], sort=False)}
    for doc in sorted(docs):
        lengths = np.asarray(turn_lengths[doc], dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(lengths)))[:-1] if len(lengths) else np.zeros(0, dtype=np.int64)
        total = int(lengths.sum())
        for code in codes:
            a_rows, b_rows = grouped.get((code, doc, coder_a)), grouped.get((code, doc, coder_b))
            a = _spans(a_rows, offsets) if a_rows is not None else []
            b = _spans(b_rows, offsets) if b_rows is not None else []
            both = _intersection(a, b)
            only_a, only_b = _covered(a) - both, _covered(b) - both
            counts[(code, doc)] = Counts(both, only_a, only_b, total - both - only_a - only_b)
    return counts


def _row(code: str, c: Counts) -> dict:
    return {"code": code, "agreement": c.percent(), "kappa": c.kappa(), "alpha": c.alpha(),
            "characters": c.total, "both": c.both, "neither": c.neither, "only_a": c.only_a, "only_b": c.only_b}


def agreement(passages: pd.DataFrame, coder_a: str, coder_b: str, turn_lengths: Mapping[str, Sequence[int]],
              documents: Iterable[str] | None = None, *, by_document: bool = False,
              names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per code (over all compared documents' characters), or per code and document with
    `by_document=True` (then with `document_id` and `meeting` columns; `names` maps ids to meeting names)."""
    counts = compare(passages, coder_a, coder_b, turn_lengths, documents)
    if by_document:
        rows = [{**_row(code, c), "document_id": doc, "meeting": (names or {}).get(doc, doc)}
                for (code, doc), c in counts.items()]
        columns = ["code", "document_id", "meeting"] + COLUMNS[1:]
        return pd.DataFrame(rows, columns=columns).sort_values(["code", "meeting"], ignore_index=True)
    totals: dict[str, Counts] = {}
    for (code, _doc), c in counts.items():
        totals[code] = totals.get(code, Counts()) + c
    return pd.DataFrame([_row(code, c) for code, c in sorted(totals.items())], columns=COLUMNS)


def disagreements(passages: pd.DataFrame, coder_a: str, coder_b: str, documents: Iterable[str] | None = None
                  ) -> pd.DataFrame:
    """The passages one coder coded with a code where the other did not code all of it with that code: the rows
    of `passages` (both coders) with `coverage`, the share of its characters the other coder also coded."""
    mine = passages[passages["coder"].isin([coder_a, coder_b])]
    if documents is not None:
        mine = mine[mine["document_id"].isin(set(documents))]
    other = {coder_a: coder_b, coder_b: coder_a}
    spans = {key: _merged(zip(rows["start"], rows["end"]))
             for key, rows in mine.groupby(["coder", "code", "document_id", "turn"], sort=False)}
    coverage = []
    for row in mine.itertuples(index=False):
        theirs = spans.get((other[row.coder], row.code, row.document_id, row.turn), [])
        length = row.end - row.start
        coverage.append(_intersection([(row.start, row.end)], theirs) / length if length else 1.0)
    out = mine.assign(coverage=coverage)
    out = out[out["coverage"] < 1.0]
    return out.sort_values(["code", "document_id", "turn", "start", "coder"], ignore_index=True)


__all__ = ["Counts", "compare", "agreement", "disagreements", "COLUMNS"]
