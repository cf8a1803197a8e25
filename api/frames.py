"""The core's tables (pandas DataFrames) and records (dataclasses) as JSON: NaN and NaT become null, timestamps
ISO 8601 text, numpy numbers plain ones. Serialisation only: what the rows hold is the core's."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime
from typing import Any


def value(item: Any) -> Any:
    """One cell as JSON: None for NaN/NaT/NA, ISO text for a moment, a plain int/float/str otherwise."""
    import pandas as pd

    if item is None or item is pd.NA or isinstance(item, type(pd.NaT)):
        return None
    if isinstance(item, (list, tuple)):
        return [value(i) for i in item]
    if hasattr(item, "item") and not isinstance(item, (str, bytes)):  # numpy scalars
        item = item.item()
    if isinstance(item, float):
        return None if math.isnan(item) or math.isinf(item) else item
    if isinstance(item, (datetime, date)):
        return item.isoformat()
    return item


def records(frame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """The rows of `frame` (only `columns`, in that order, when given) as JSON objects."""
    names = list(columns) if columns is not None else [str(c) for c in frame.columns]
    return [{name: value(cell) for name, cell in zip(names, row)}
            for row in frame[names].itertuples(index=False, name=None)]


def table(frame) -> dict[str, Any]:
    """A matrix: its row labels, its column labels and its cells (a list per row)."""
    return {"rows": [str(r) for r in frame.index], "columns": [str(c) for c in frame.columns],
            "cells": [[value(cell) for cell in row] for row in frame.itertuples(index=False, name=None)]}


def record(item) -> dict[str, Any]:
    """A core record (Code, Passage, Memo) as a JSON object."""
    return {f.name: value(getattr(item, f.name)) for f in dataclasses.fields(item)}
