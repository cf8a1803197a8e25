"""Showing a plugin result by its kind, with downloads. Text is shown as text, never as Markdown or HTML: names
and values from a result are escaped where a Markdown element shows them (qualia_core.plain_text), and every
figure's texts from documents are escaped for plotly."""

from __future__ import annotations

import json
from typing import Any

import plotly.io as pio
import streamlit as st

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


def _label(key: str) -> str:
    return markdown_text(key.replace("_", " "))


def _summary(summary: dict[str, Any]) -> None:
    numbers = {k: v for k, v in summary.items()
               if isinstance(v, (int, float)) and not isinstance(v, bool) and "." not in k}
    words = {k: v for k, v in summary.items() if k not in numbers and v is not None and len(str(v)) <= 80}
    long_texts = {k: v for k, v in summary.items() if isinstance(v, str) and len(v) > 80}
    if numbers:
        cols = st.columns(min(4, len(numbers)))
        for i, (k, v) in enumerate(list(numbers.items())[:8]):
            cols[i % len(cols)].metric(_label(k), f"{v:.3f}" if isinstance(v, float) else f"{v:,}")
    if words:
        st.caption(" · ".join(f"**{_label(k)}**: {markdown_text(v)}" for k, v in words.items()))
    for k, v in long_texts.items():
        with st.expander(_label(k)):
            st.text(v)


def render_result(plugin_id: str, doc_name: str, result: dict[str, Any], key: str) -> None:
    """A plotly chart, an image, a file, or an analyzer's tables, each with a download button."""
    base = file_name(f"{doc_name}_{plugin_id}")
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
    _summary({k: v for k, v in result_summary(result).items() if not k.startswith("parameters_used.")})
    tables = result_tables(result)
    for name, table in tables.items():
        heading = " › ".join(_label(part) for part in name.split("."))
        st.markdown(f"**{heading}** ({len(table)} rows)")
        st.dataframe(table, hide_index=True, height=min(400, 38 + 35 * len(table)), key=f"{key}_table_{name}")
        st.download_button("Download CSV", data=lambda t=table: t.to_csv(index=False), file_name=file_name(f"{base}_{name}") + ".csv",
                           mime="text/csv", key=f"{key}_csv_{name}", on_click="ignore", type="tertiary")
    st.download_button("Download the whole result (JSON)", data=lambda: json.dumps(result, ensure_ascii=False, indent=1),
                       file_name=f"{base}.json", mime="application/json", key=f"{key}_json", on_click="ignore")
