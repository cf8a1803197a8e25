"""Matrices of coding, as Taguette, QualCoder and NVivo show them: codes down the side, and across the top

    by="document"     the meetings: passages of each code in each meeting
    by="speaker"      the speakers as shown (a rename or pseudonym); with several meetings each column is
                      "Meeting › Speaker", since speaker labels are per meeting
    by="participant"  the study's participants, where speakers are mapped to them (unmapped passages are left out)
    by="code"         code co-occurrence: turns holding passages of both codes (a passage coded with both codes,
                      or two passages that overlap or share the turn); the diagonal is the turns coded with each

Cells count passages (a passage counts once per code however long it is), or turns for co-occurrence; with
`counts=False` they are 1 where the count is above 0 (presence). Pure functions over the passages table
(`Coding.passages()`: one row per passage and code).
"""

from __future__ import annotations

import pandas as pd

from ..errors import CodingError

BY = ("document", "speaker", "participant", "code")
SEPARATOR = " › "


def _columns(passages: pd.DataFrame, by: str) -> pd.Series:
    if by == "document":  # meetings by name; two meetings of the same name are told apart by their ids
        names = passages["meeting"].astype(str)
        clash = passages.groupby(names)["document_id"].transform("nunique") > 1
        return names.where(~clash, names + " (" + passages["document_id"].astype(str).str[:8] + ")")
    if by == "participant":
        return passages["participant"]
    several = passages["document_id"].nunique() > 1
    speaker = passages["speaker"].fillna("").astype(str)
    return passages["meeting"].astype(str) + SEPARATOR + speaker if several else speaker


def _co_occurrence(passages: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    turns = passages[["document_id", "turn", "code"]].drop_duplicates()
    pairs = turns.merge(turns, on=["document_id", "turn"], suffixes=("", "_with"))
    table = pd.crosstab(pairs["code"], pairs["code_with"])
    return table.reindex(index=codes, columns=codes, fill_value=0)


def matrix(passages: pd.DataFrame, by: str = "document", *, counts: bool = True,
           codes: list[str] | None = None) -> pd.DataFrame:
    """A code × `by` table of counts (or presence). `codes` lists the rows in codebook order (every code, coded
    or not); by default the codes that occur in `passages`, sorted."""
    if by not in BY:
        raise CodingError(f"matrix(by=…) accepts {', '.join(repr(b) for b in BY)}, got {by!r}.")
    rows = list(codes) if codes is not None else sorted(set(passages["code"]))
    if by == "code":
        table = _co_occurrence(passages, rows)
    else:
        columns = _columns(passages, by)
        keep = columns.notna()
        distinct = passages.loc[keep, ["passage_id", "code"]].assign(column=columns[keep]).drop_duplicates()
        table = pd.crosstab(distinct["code"], distinct["column"])
        table = table.reindex(index=rows, fill_value=0)
        table = table.reindex(columns=sorted(table.columns, key=str))
    table = table.fillna(0).astype(int)
    table.index.name, table.columns.name = "code", by
    return (table > 0).astype(int) if not counts else table


__all__ = ["BY", "matrix"]
