"""Showing a plugin result by its kind, with downloads. Text is shown as text, never as Markdown or HTML: names
and values from a result are escaped where a Markdown element shows them (qualia_core.plain_text), and every
figure's texts from documents are escaped for plotly."""

from __future__ import annotations

import json
from typing import Any

import plotly.io as pio
import streamlit as st

from pages.common import get_core
from qualia_core import QualiaError
from qualia_core.exports import csv_with_header, json_with_header, provenance
from qualia_core.labels import display_summary, display_table, field, heading, parameters_shown
from qualia_core.plain_text import file_name, markdown_text, plain_figure
from qualia_core.results import decode_image
from qualia_core.tables import result_summary, result_tables


def figure_from(result: dict[str, Any]):
    """The plotly figure of a result, its texts from documents escaped (they are text, not HTML)."""
    return pio.from_json(json.dumps(plain_figure(result["figure"])))


def show_figure(result: dict[str, Any], key: str) -> None:
    st.plotly_chart(figure_from(result), key=key, config={"displaylogo": False})


def show_plotly(fig, key: str) -> None:
    """A figure the page built itself (from names of meetings and speakers), shown like a plugin's."""
    show_figure({"figure": json.loads(fig.to_json())}, key)


def ran_with(plugin_id: str, config: dict[str, Any] | None) -> dict[str, str]:
    """The parameters a result was computed with, in the form's words (defaults filled in as the core did)."""
    core = get_core()
    meta = core.plugin_metadata().get(plugin_id)
    if meta is None:
        return {}
    try:
        validated = core.validate(plugin_id, config or {})
    except QualiaError:
        validated = dict(config or {})
    return parameters_shown(meta.parameters, validated)


def show_ran(parameters: dict[str, str]) -> None:
    """What ran, above a result: every parameter's label and value (values may be typed text: escaped)."""
    if parameters:
        st.caption("Ran with " + " · ".join(f"{markdown_text(k)}: **{markdown_text(v)}**"
                                           for k, v in parameters.items()))
    else:
        st.caption("Ran with no parameters.")


def result_warnings(result: dict[str, Any]) -> list[str]:
    """What a result says about itself that changes how it reads (a method that cannot score this language, too
    little text): its `warning` and `warnings`."""
    found = [result.get("warning")] + list(result.get("warnings") or [])
    return [w for w in found if isinstance(w, str) and w.strip()]


def show_warnings(result: dict[str, Any]) -> None:
    for warning in result_warnings(result):
        st.warning(markdown_text(warning), icon=":material/warning:")


_NOT_SUMMARY = ("parameters_used", "warning", "warnings", "scored")


def _summary(summary: dict[str, Any], labels, result: dict[str, Any], show_machine: bool) -> None:
    metrics, words, long_texts = [], [], []
    for path, value in summary.items():
        if path.split(".")[0] in _NOT_SUMMARY or (field(path, labels).machine and not show_machine):
            continue
        item = (heading(path, labels), *display_summary({path: value}, labels, result,
                                                        show_machine=True).values())
        if isinstance(value, (int, float)) and not isinstance(value, bool) and "." not in path:
            metrics.append(item)
        elif isinstance(item[1], str) and len(item[1]) > 80:
            long_texts.append(item)
        elif item[1] != "":
            words.append(item)
    if metrics:
        cols = st.columns(min(4, len(metrics)))
        for i, (label, value) in enumerate(metrics[:8]):
            cols[i % len(cols)].metric(markdown_text(label), f"{value:,}" if isinstance(value, (int, float)) else str(value))
    if words:
        st.caption(" · ".join(f"**{markdown_text(k)}**: {markdown_text(v)}" for k, v in words))
    for label, value in long_texts:
        with st.expander(markdown_text(label)):
            st.text(value)


def _has_machine_fields(result: dict[str, Any], labels) -> bool:
    tables = result_tables(result)
    return (any(field(k, labels).machine for k in result_summary(result))
            or any(field(f"{name}.{c}", labels).machine for name, t in tables.items() for c in t.columns))


def render_result(plugin_id: str, doc_name: str, result: dict[str, Any], key: str,
                  config: dict[str, Any] | None = None) -> None:
    """What ran and any warning, then a plotly chart, an image, a file, or an analyzer's tables (labelled, times as
    h:mm:ss, ratios as percentages, machine fields on request), each with a download that says what ran."""
    meta = get_core().plugin_metadata().get(plugin_id)
    labels = meta.labels if meta else {}
    parameters = ran_with(plugin_id, config)
    header = provenance(meta.name if meta else plugin_id, doc_name, parameters)
    base = file_name(f"{doc_name}_{plugin_id}")
    show_warnings(result)
    show_ran(parameters)
    kind = result.get("kind")
    if kind == "plotly":
        show_figure(result, key=f"{key}_chart")
        st.download_button("Download HTML", data=lambda: figure_from(result).to_html(include_plotlyjs=True),
                           file_name=f"{base}.html", mime="text/html", key=f"{key}_html", on_click="ignore")
        return
    if kind == "image":
        data = decode_image(result)
        st.image(data)
        st.download_button("Download PNG", data=data, file_name=f"{base}.png", mime=result.get("mime", "image/png"),
                           key=f"{key}_png", on_click="ignore")
        return
    if kind == "file":
        st.caption(f"Written to {markdown_text(result['path'])}")
        return
    show_machine = False
    if _has_machine_fields(result, labels):
        show_machine = st.toggle("Show machine fields", key=f"{key}_machine",
                                 help="Turn indices and other values meant for programs, not for reading.")
    _summary(result_summary(result), labels, result, show_machine)
    for name, table in result_tables(result).items():
        if name.split(".")[0] in _NOT_SUMMARY:
            continue
        shown = display_table(table, name, labels, result, show_machine=show_machine)
        if shown.columns.empty:
            continue
        st.markdown(f"**{markdown_text(heading(name, labels))}** ({len(shown)} rows)")
        st.dataframe(shown, hide_index=True, height=min(400, 38 + 35 * len(shown)), key=f"{key}_table_{name}")
        st.download_button("Download CSV", data=lambda t=shown: csv_with_header(t, header),
                           file_name=file_name(f"{base}_{name}") + ".csv", mime="text/csv", key=f"{key}_csv_{name}",
                           on_click="ignore", type="tertiary")
    st.download_button("Download the whole result (JSON)", data=lambda: json_with_header(result, header),
                       file_name=f"{base}.json", mime="application/json", key=f"{key}_json", on_click="ignore")
