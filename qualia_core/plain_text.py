"""Text from transcripts is text: speaker, document and participant names (and later code names and memos) are
shown as they are written, never interpreted as Markdown or HTML. One home for the escapes that make sure:

    markdown_text("**Ana** [x](http://…)")   # for any Markdown sink (Streamlit's captions, messages, labels)
    plotly_text("<a href=…>Ana</a>")          # for plotly's text, which understands a few HTML tags
    plain_figure(figure_dict)                 # every data-derived text of a plotly figure escaped
    file_name("Interview 3 / Ana")            # a download's file name: letters, digits, - _ . only

Where an element shows plain text itself (st.text, st.code, dataframes, select boxes' options, text inputs'
values), nothing needs escaping: prefer those. Text written by the app or a plugin (titles with `<br>`,
`<sup>`) is not touched by plain_figure; only the values that come from documents are (axis categories, trace
names, hover texts, custom data, treemap labels).
"""

from __future__ import annotations

import re
from typing import Any

# CommonMark lets any ASCII punctuation be backslash-escaped: escaping all of it leaves no emphasis, link,
# image, HTML, table, heading, list, LaTeX ($) or Streamlit directive (:red[…]) to be made. Some Markdown is
# found in the text after escapes are resolved, though: GFM's bare links (http://…, www.…, a@b.c) and emoji
# shortcodes (:smile:, :material/…:). An invisible WORD JOINER (U+2060) after every ':' and '@' and inside
# "www." breaks those patterns and changes nothing on screen. Line breaks would start new blocks: spaces.
_MARKDOWN_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_FOUND_AFTER_ESCAPES = re.compile(r"([:@])|(?<=www)(?=\.)", re.IGNORECASE)
JOINER = "\u2060"


def markdown_text(text: Any) -> str:
    """`text` escaped so that Markdown shows it literally (see above)."""
    joined = _FOUND_AFTER_ESCAPES.sub(lambda m: (m.group(1) or "") + JOINER, _BREAKS.sub(" ", str(text)))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", joined)


def plotly_text(text: str) -> str:
    """`text` escaped for plotly, whose labels understand <a>, <b>, <br>… and HTML entities (which it decodes,
    so the text is shown as it was)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# The attributes of a trace whose values come from the data (a document's speakers, words, meetings, sentences).
_TRACE_TEXT = ("x", "y", "z", "text", "hovertext", "customdata", "labels", "ids", "parents", "name",
               "legendgrouptitle", "header", "cells")
_AXIS_TEXT = ("categoryarray", "ticktext")


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return plotly_text(value)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_escaped(v) for v in value)
    if isinstance(value, dict):  # a table's header/cells, a legend group title: their "values" / "text"
        return {k: _escaped(v) if k in ("values", "text") else v for k, v in value.items()}
    return value  # numbers, None, plotly's typed arrays of numbers ({"dtype", "bdata"} are dicts: see above)


def plain_figure(figure: dict[str, Any]) -> dict[str, Any]:
    """A copy of a plotly figure (as a dict: `fig.to_dict()` or a visualizer's `result["figure"]`) whose texts
    that come from documents are escaped (see the module docstring)."""
    data = [{k: _escaped(v) if k in _TRACE_TEXT else v for k, v in trace.items()}
            for trace in figure.get("data") or []]
    layout = dict(figure.get("layout") or {})
    for key, axis in list(layout.items()):
        if re.fullmatch(r"[xyz]axis\d*", key) and isinstance(axis, dict):
            layout[key] = {k: _escaped(v) if k in _AXIS_TEXT else v for k, v in axis.items()}
    return {**figure, "data": data, "layout": layout}


_UNSAFE_IN_FILE_NAMES = re.compile(r"[^\w.-]+")


def file_name(text: str, limit: int = 120) -> str:
    """A file name made of `text`: runs of anything but letters, digits, '-', '_' and '.' become '_'."""
    name = _UNSAFE_IN_FILE_NAMES.sub("_", text).strip("._") or "qualia"
    return name[:limit]


__all__ = ["markdown_text", "plotly_text", "plain_figure", "file_name"]
