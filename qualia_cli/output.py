"""How the command prints results: JSON and CSV that say what ran (qualia_core.exports, as the app's downloads), or
Rich tables in researchers' words (qualia_core.labels). Transcript text is never Rich markup (common.plain).

Written to a file (--out), a result appears whole or not at all (qualia_core.atomic).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Mapping

import typer
from rich.table import Table

from qualia_core.atomic import atomic_write_chunks, atomic_write_text

from .common import out, plain

VISUAL_KINDS = ("plotly", "image", "file")
_NOT_SHOWN = ("parameters_used", "warning", "warnings", "scored")


class Format(str, Enum):
    json = "json"
    table = "table"
    csv = "csv"


def emit(text: str, path: Path | None) -> None:
    """`text` to stdout, or to `path` written whole (a temporary file renamed)."""
    if path is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    else:
        atomic_write_text(path, text if text.endswith("\n") else text + "\n")


def emit_chunks(chunks: Iterable[str], path: Path | None) -> None:
    """Text made a piece at a time, to stdout as it comes, or to `path` written whole (qualia_core.atomic)."""
    if path is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
    else:
        atomic_write_chunks(path, chunks)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)


def pick_table(result: Mapping[str, Any], wanted: str | None):
    """(name, table) of a result for CSV: `wanted`, or the first; a usage error naming the choices otherwise."""
    from qualia_core.tables import result_tables

    if result.get("kind") in VISUAL_KINDS:
        raise typer.BadParameter(f"this result is a {result['kind']} (a chart or file), not a table: use --format "
                                 f"json.",
                                 param_hint="'--format'")
    tables = {k: t for k, t in result_tables(dict(result)).items() if k.split(".")[0] not in _NOT_SHOWN}
    if not tables:
        raise typer.BadParameter("this result has no table: use --format json or --format table.",
                                 param_hint="'--format'")
    if wanted is None:
        return next(iter(tables.items()))
    if wanted not in tables:
        raise typer.BadParameter(f"no table '{wanted}' in this result; it has: {', '.join(tables)}.",
                                 param_hint="'--table'")
    return wanted, tables[wanted]


def table_names(result: Mapping[str, Any]) -> list[str]:
    from qualia_core.tables import result_tables

    if result.get("kind") in VISUAL_KINDS:
        return []
    return [k for k in result_tables(dict(result)) if k.split(".")[0] not in _NOT_SHOWN]


def rich_table(frame, title: str = "", rows: int = 0) -> tuple[Table, int]:
    """A pandas table as a Rich table (every cell literal text); at most `rows` rows (0: all). Returns the table
    and how many rows were left out."""
    table = Table(title=plain(title) if title else None, title_justify="left", show_lines=False)
    for column in frame.columns:
        table.add_column(plain(column), overflow="fold")
    shown = frame if not rows else frame.head(rows)
    for record in shown.itertuples(index=False):
        table.add_row(*(plain("" if _missing(v) else v) for v in record))
    return table, len(frame) - len(shown)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def print_pairs(pairs: Iterable[tuple[str, Any]], title: str = "") -> None:
    table = Table(title=plain(title) if title else None, title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    any_row = False
    for key, value in pairs:
        table.add_row(plain(key), plain(value))
        any_row = True
    if any_row:
        out().print(table)


def print_result(result: Mapping[str, Any], labels: Mapping[str, Any], ran: Mapping[str, Any],
                 rows: int = 20) -> None:
    """A result as the Analyze page shows it: warnings, what ran, its plain values, then each table labelled."""
    from qualia_core.labels import display_summary, display_table, heading
    from qualia_core.tables import result_summary, result_tables

    console = out()
    console.print(plain(f"{ran['plugin']} on {ran['document']}"), style="bold")
    for warning in [result.get("warning"), *(result.get("warnings") or [])]:
        if isinstance(warning, str) and warning.strip():
            console.print(plain(f"Warning: {warning}"), style="yellow")
    parameters = ran.get("parameters") or {}
    console.print(plain("Ran with " + (" · ".join(f"{k}: {v}" for k, v in parameters.items()) or "no parameters")))
    if result.get("kind") in VISUAL_KINDS:
        where = f" written to {result['path']}" if result.get("kind") == "file" else ""
        console.print(plain(f"A {result['kind']} result{where}: --format json gives it whole."))
        return
    summary = {k: v for k, v in result_summary(dict(result)).items() if k.split(".")[0] not in _NOT_SHOWN}
    print_pairs(display_summary(summary, labels, result).items())
    for name, frame in result_tables(dict(result)).items():
        if name.split(".")[0] in _NOT_SHOWN:
            continue
        shown = display_table(frame, name, labels, result)
        if shown.columns.empty:
            continue
        table, left = rich_table(shown, f"{heading(name, labels)} ({len(shown)} rows)", rows)
        console.print(table)
        if left:
            console.print(plain(f"… {left} more rows (--rows 0 shows all)"), style="dim")


__all__ = ["Format", "emit", "emit_chunks", "to_json", "pick_table", "table_names", "rich_table", "print_pairs",
           "print_result"]
