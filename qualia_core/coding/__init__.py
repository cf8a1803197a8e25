"""Coding: a codebook (a tree of codes), coded passages of turns, and memos, kept in the study database.

    codes = core.codes                                   # a Coding over the core's study store
    theme = codes.add_code("Trust", color="#4e79a7")
    codes.add_code("Doubt", parent="Trust")
    codes.code("es2002a-1a2b3c4d", turn=12, start=5, end=31, codes=["Trust"], coder="ana")
    codes.passages(code="Trust")                         # a DataFrame, one row per (passage, code)
    codes.autocode('"remote control"', codes=["Design"], coder="ana", kind="kwic")

Modules: model (records, column lists), store (shared checks and helpers), codes (the codebook), passages
(writing), retrieval (reading), memos, autocode, api (the `Coding` object). Importing this package is light:
pandas and SQLAlchemy load when a Coding is used.
"""

from __future__ import annotations

from typing import Any

from .model import MEMO_COLUMNS, PASSAGE_COLUMNS, Code, Memo, Passage


def __getattr__(name: str) -> Any:
    if name == "Coding":
        from .api import Coding

        return Coding
    raise AttributeError(f"module 'qualia_core.coding' has no attribute {name!r}")


__all__ = ["Coding", "Code", "Passage", "Memo", "PASSAGE_COLUMNS", "MEMO_COLUMNS"]
