"""Matrices (code × meeting, speaker or participant, and co-occurrence; counts or presence) as heatmaps, tables
and CSV; coder agreement (percent, kappa, alpha) and the passages where two coders disagree."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.common import clock
from pages.code_common import coding
from qualia_core import QualiaError
from qualia_core.plain_text import file_name, markdown_text as md, plain_figure

BY = {"document": "Code × meeting", "speaker": "Code × speaker", "participant": "Code × participant",
      "code": "Co-occurrence (code × code)"}


def _heatmap(table: pd.DataFrame) -> None:
    import plotly.graph_objects as go

    figure = go.Figure(go.Heatmap(z=table.values, x=[str(c) for c in table.columns],
                                  y=[str(i) for i in table.index], colorscale="Blues", texttemplate="%{z}",
                                  hovertemplate="%{y} · %{x}: %{z}<extra></extra>"))
    figure.update_layout(height=max(260, 40 + 28 * len(table)), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         yaxis={"autorange": "reversed"})
    st.plotly_chart(plain_figure(figure.to_dict()), key="code_matrix_chart")


def matrices(entries: dict) -> None:
    c1, c2, c3 = st.columns([2, 1, 3])
    by = c1.selectbox("Matrix", list(BY), format_func=BY.get, key="code_matrix_by")
    presence = c2.toggle("Presence only", key="code_matrix_presence", help="1 where a code occurs, instead of counts")
    docs = c3.multiselect("Meetings", list(entries), format_func=lambda i: entries[i].name, key="code_matrix_docs",
                          placeholder="all meetings")
    try:
        table = coding().matrix(by=by, counts=not presence, documents=docs or None)
    except QualiaError as exc:
        st.error(md(exc), icon=":material/error:")
        return
    if table.empty or table.shape[1] == 0:
        st.info("Nothing coded yet in these meetings.")
        return
    _heatmap(table)
    st.dataframe(table, key="code_matrix_table")
    st.download_button("Download CSV", table.to_csv().encode("utf-8"), file_name=file_name(f"matrix_{by}.csv"),
                       mime="text/csv", key="code_matrix_csv", on_click="ignore")


def agreement(entries: dict) -> None:
    passages = coding().passages()
    coders = sorted(set(passages["coder"].dropna())) if len(passages) else []
    if len(coders) < 2:
        st.info("Agreement compares two coders who coded the same meetings: so far "
                f"{len(coders)} coder{'s have' if len(coders) != 1 else ' has'} coded in this study.")
        return
    c1, c2, c3 = st.columns([2, 2, 3])
    a = c1.selectbox("Coder A", coders, key="code_agree_a")
    b = c2.selectbox("Coder B", [c for c in coders if c != a], key="code_agree_b")
    coded_by_both = sorted(set(passages.loc[passages["coder"] == a, "document_id"])
                           & set(passages.loc[passages["coder"] == b, "document_id"]))
    docs = c3.multiselect("Meetings", [d for d in coded_by_both if d in entries], format_func=lambda i: entries[i].name,
                          key="code_agree_docs", placeholder="every meeting both coded")
    per_meeting = st.toggle("Per meeting", key="code_agree_per_meeting", help="a row per code and meeting")
    try:
        table = coding().agreement(a, b, documents=docs or coded_by_both, by_document=per_meeting)
        if per_meeting:
            table = table.drop(columns="document_id")
        differ = coding().disagreements(a, b, documents=docs or coded_by_both)
    except QualiaError as exc:
        st.error(md(exc), icon=":material/error:")
        return
    st.caption("Over every character of the meetings both coded, coded or not (as NVivo's coding comparison): "
               "percent agreement, Cohen's kappa and Krippendorff's alpha per code.")
    st.dataframe(table, hide_index=True, key="code_agree_table",
                 column_config={"agreement": st.column_config.NumberColumn("agreement (%)", format="%.1f"),
                                "kappa": st.column_config.NumberColumn(format="%.3f"),
                                "alpha": st.column_config.NumberColumn(format="%.3f")})
    st.download_button("Download CSV", table.to_csv(index=False).encode("utf-8"),
                       file_name=file_name(f"agreement_{a}_{b}.csv"), mime="text/csv", key="code_agree_csv",
                       on_click="ignore")
    st.subheader("Where they disagree")
    if differ.empty:
        st.caption("Nowhere: every passage of one is coded alike by the other.")
        return
    st.dataframe(pd.DataFrame({
        "code": differ["code"], "coder": differ["coder"], "meeting": differ["meeting"],
        "speaker": differ["speaker"].fillna(""),
        "time": [clock(t) if pd.notna(t) else "" for t in differ["start_time"]], "text": differ["text"],
        "also coded by the other": [f"{c:.0%}" for c in differ["coverage"]]}),
        hide_index=True, key="code_agree_differ", column_config={"text": st.column_config.TextColumn(width="large")})
