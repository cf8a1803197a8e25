"""Any plugin result as pandas tables, for the app's result views, CSV downloads and notebooks.

The core knows no plugin, so the shapes are generic: a list of records becomes a table, a list of
[term, count] pairs a two-column table, a dict of records (per speaker…) a table with one row per
key, a dict of numbers a two-column table. Plain values are gathered into a summary.
"""

from __future__ import annotations

from numbers import Number
from typing import Any

import pandas as pd


def _is_scalar(v: Any) -> bool:
    return v is None or isinstance(v, (str, bool, Number))


def _cell(v: Any) -> Any:
    """Nested values flattened for one table cell."""
    if _is_scalar(v):
        return v
    if isinstance(v, list) and all(isinstance(x, list) and len(x) == 2 for x in v):
        return ", ".join(f"{a} ({b})" for a, b in v)
    if isinstance(v, list) and all(_is_scalar(x) for x in v):
        return ", ".join(str(x) for x in v)
    if isinstance(v, dict) and all(_is_scalar(x) for x in v.values()):
        return ", ".join(f"{k}: {x}" for k, x in v.items())
    return str(v)


def _table(key: str, value: Any) -> pd.DataFrame | None:
    if isinstance(value, list) and value:
        if all(isinstance(x, dict) for x in value):
            return pd.DataFrame([{k: _cell(v) for k, v in row.items()} for row in value])
        if all(isinstance(x, (list, tuple)) and len(x) == 2 and isinstance(x[1], Number) for x in value):
            return pd.DataFrame(value, columns=["term", "count"])
    if isinstance(value, dict) and value:
        values = list(value.values())
        if all(isinstance(x, dict) for x in values):
            label = key.rsplit(".", 1)[-1]
            label = label[4:] if label.startswith("per_") else "key"
            rows = [{label: k, **{c: _cell(v) for c, v in row.items()}} for k, row in value.items()]
            return pd.DataFrame(rows)
        if all(isinstance(x, Number) and not isinstance(x, bool) for x in values) and len(values) > 3:
            return pd.DataFrame(list(value.items()), columns=["term", "count"])
    return None


def result_tables(result: dict[str, Any], _prefix: str = "") -> dict[str, pd.DataFrame]:
    """The tables in a result by key (nested ones as `outer.inner`), in the result's order."""
    tables: dict[str, pd.DataFrame] = {}
    for key, value in result.items():
        name = f"{_prefix}{key}"
        table = _table(name, value)
        if table is not None:
            tables[name] = table
        elif isinstance(value, dict):
            tables.update(result_tables(value, f"{name}."))
    return tables


def result_summary(result: dict[str, Any], _prefix: str = "") -> dict[str, Any]:
    """The plain values of a result (counts, labels, scores), nested ones as `outer.inner`."""
    summary: dict[str, Any] = {}
    for key, value in result.items():
        name = f"{_prefix}{key}"
        if _is_scalar(value):
            summary[name] = value
        elif isinstance(value, dict) and _table(name, value) is None:
            summary.update(result_summary(value, f"{name}."))
    return summary
