"""Downloads that say what ran: every CSV and JSON of a result carries the plugin, the document and the parameters
used (in the form's words), so a file read months later still says where its numbers came from.

    csv_with_header(table, header)   # "# Plugin: Word frequency" lines, then the table (pandas: comment="#")
    json_with_header(result, header) # {"ran": header, "result": result}
    xlsx_with_header({"Lines": table}, header)  # bytes: a sheet per table, then a "What ran" sheet

An XLSX cell holds text as text: a value starting with "=" is never a formula, and characters a spreadsheet
cannot hold (control characters) are left out. openpyxl is imported when a workbook is written, not before.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Mapping

from .plain_text import JOINER

if TYPE_CHECKING:  # a table is passed in; JSON needs no pandas, so a command printing JSON does not load it
    import pandas as pd


def _line(text: Any) -> str:
    return " ".join(str(text).replace(JOINER, "").split())  # one line each, whatever a name holds


def provenance(plugin: str, document: str, parameters: Mapping[str, str]) -> dict[str, Any]:
    """What ran: the plugin's name, the document's name and each parameter's label and value."""
    return {"plugin": plugin, "document": document, "parameters": dict(parameters)}


def csv_with_header(table: pd.DataFrame, header: Mapping[str, Any]) -> str:
    """`table` as CSV after comment lines naming the plugin, the document and each parameter."""
    lines = [f"# Plugin: {_line(header['plugin'])}", f"# Document: {_line(header['document'])}"]
    lines += [f"# {_line(label)}: {_line(value)}" for label, value in header["parameters"].items()]
    return "\n".join(lines) + "\n" + table.to_csv(index=False)


def json_with_header(result: Mapping[str, Any], header: Mapping[str, Any]) -> str:
    """The whole result, under `result`, beside `ran`: what ran."""
    return json.dumps({"ran": dict(header), "result": result}, ensure_ascii=False, indent=1)


WHAT_RAN_SHEET = "What ran"


def xlsx_with_header(tables: Mapping[str, pd.DataFrame], header: Mapping[str, Any]) -> bytes:
    """An Excel workbook: one sheet per table (named by its key, cut to Excel's 31 characters), then a sheet
    "What ran" of two columns (what, value): the plugin, the document and each parameter."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: Any) -> Any:
        if value is None or (isinstance(value, float) and value != value):
            return None
        if hasattr(value, "item"):  # a numpy number
            value = value.item()
        if isinstance(value, str):
            return ILLEGAL_CHARACTERS_RE.sub("", value)
        return value if isinstance(value, (int, float, bool)) else str(value)

    book = Workbook()
    book.remove(book.active)
    ran = [("Plugin", _line(header["plugin"])), ("Document", _line(header["document"]))]
    ran += [(_line(label), _line(value)) for label, value in header["parameters"].items()]
    for name, rows in [*((n, [list(t.columns), *t.itertuples(index=False, name=None)]) for n, t in tables.items()),
                       (WHAT_RAN_SHEET, [("what", "value"), *ran])]:
        sheet = book.create_sheet(str(name)[:31])
        for row in rows:
            sheet.append([cell(v) for v in row])
        for column in sheet.iter_cols():
            for c in column:
                if c.data_type == "f":  # text starting with "=" is text here, never a formula
                    c.data_type = "s"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["provenance", "csv_with_header", "json_with_header", "xlsx_with_header", "WHAT_RAN_SHEET"]
