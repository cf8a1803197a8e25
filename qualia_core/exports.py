"""Downloads that say what ran: every CSV and JSON of a result carries the plugin, the document and the parameters
used (in the form's words), so a file read months later still says where its numbers came from.

    csv_with_header(table, header)   # "# Plugin: Word frequency" lines, then the table (pandas: comment="#")
    json_with_header(result, header) # {"ran": header, "result": result}
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


__all__ = ["provenance", "csv_with_header", "json_with_header"]
