"""Quotes for a report: every passage of the chosen codes with where it was said — meeting, speaker as shown,
time — grouped by code, as CSV (pandas reads it with comment="#"), XLSX (one sheet) or a Word document (a
heading per code, each quote followed by its source line).

Everything here is text from transcripts: it is written as text (cells and runs), never as markup. Characters
XML cannot hold (control characters a transcript may carry) are dropped from the XLSX and Word files, which
would otherwise refuse the whole file.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from ..atomic import atomic_write_bytes
from ..errors import CodingError
from ..labels import clock

FORMATS = ("csv", "xlsx", "docx")
COLUMNS = ["Code", "Meeting", "Speaker", "Time", "Quote", "Turn", "Coder", "Coded at", "Memo"]
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _NOT_XML.sub("", str(value))


def _when(value: Any) -> str:
    if isinstance(value, (datetime, pd.Timestamp)) and not pd.isna(value):
        return value.strftime("%Y-%m-%d %H:%M")
    return _text(value)


def quote_table(passages: pd.DataFrame) -> pd.DataFrame:
    """The quotes in report order (code, meeting, time in the meeting), in the report's column names."""
    rows = passages.sort_values(["code", "meeting", "document_id", "turn", "start"], kind="stable")
    return pd.DataFrame({
        "Code": rows["code"].map(_text),
        "Meeting": rows["meeting"].map(_text),
        "Speaker": rows["speaker"].map(_text),
        "Time": [clock(t) if pd.notna(t) else "" for t in rows["start_time"]],
        "Quote": rows["text"].map(_text),
        "Turn": rows["turn"].astype(int) + 1,  # turns are numbered from 1 on the pages
        "Coder": rows["coder"].map(_text),
        "Coded at": rows["coded_at"].map(_when),
        "Memo": rows["memo"].map(_text),
    }, columns=COLUMNS).reset_index(drop=True)


def _header_lines(header: Mapping[str, Any]) -> list[str]:
    return [f"{label}: {' '.join(_text(value).split())}" for label, value in header.items()]


def quotes_csv(table: pd.DataFrame, header: Mapping[str, Any]) -> bytes:
    lines = "".join(f"# {line}\n" for line in _header_lines(header))
    return (lines + table.to_csv(index=False)).encode("utf-8")


def quotes_xlsx(table: pd.DataFrame, header: Mapping[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Quotes"
    for line in _header_lines(header):
        sheet.append([line])
    sheet.append([])
    sheet.append(list(table.columns))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False):
        # strings stay strings: a quote starting with "=" is text, never a formula
        sheet.append([value if isinstance(value, int) else _text(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for letter, width in zip("ABCDEFGHI", (24, 24, 18, 9, 70, 6, 12, 17, 30)):
        sheet.column_dimensions[letter].width = width
    for cell in sheet["E"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def quotes_docx(table: pd.DataFrame, header: Mapping[str, Any]) -> bytes:
    from docx import Document as WordDocument

    word = WordDocument()
    word.add_heading("Quotes", level=0)
    for line in _header_lines(header):
        word.add_paragraph(line)
    for code, rows in table.groupby("Code", sort=False):
        word.add_heading(code or "(no code)", level=1)
        word.add_paragraph(f"{len(rows)} passage{'s' if len(rows) != 1 else ''}")
        for row in rows.itertuples(index=False):
            word.add_paragraph(f"“{row.Quote}”", style="Quote")
            source = " — ".join(part for part in (row.Meeting, row.Speaker, row.Time) if part)
            word.add_paragraph(f"{source} (coded by {row.Coder})" if row.Coder else source)
            if row.Memo:
                word.add_paragraph(f"Memo: {row.Memo}")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def quotes_bytes(passages: pd.DataFrame, fmt: str = "csv", header: Mapping[str, Any] | None = None) -> bytes:
    """The quotes of `passages` as a file's bytes in `fmt` (csv, xlsx or docx). `header` says what was
    retrieved (e.g. {"Study": …, "Codes": …, "Exported": …}); it heads the file."""
    if fmt not in FORMATS:
        raise CodingError(f"Quotes can be exported as {', '.join(FORMATS)}, not {fmt!r}.")
    table = quote_table(passages)
    header = dict(header or {})
    header.setdefault("Passages", len(passages["passage_id"].unique()) if len(passages) else 0)
    return {"csv": quotes_csv, "xlsx": quotes_xlsx, "docx": quotes_docx}[fmt](table, header)


def export_quotes(passages: pd.DataFrame, path: str | Path, fmt: str | None = None,
                  header: Mapping[str, Any] | None = None) -> Path:
    """Write the quotes to `path` at once (never half a file); `fmt` defaults to the file's extension."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    atomic_write_bytes(path, quotes_bytes(passages, fmt, header))
    return path


__all__ = ["FORMATS", "COLUMNS", "quote_table", "quotes_bytes", "export_quotes"]
