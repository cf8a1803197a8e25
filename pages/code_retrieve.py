"""Retrieve: every passage of a code, or of a combination (A and B overlapping, A not B), with meeting, speaker
as shown, time and the surrounding turn; downloads as CSV, XLSX and Word (the quote files the core writes)."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from pages.code_common import code_paths, coding
from pages.common import clock
from qualia_core import QualiaError
from qualia_core.coding.quotes import quotes_bytes
from qualia_core.plain_text import file_name, markdown_text as md

MODES = {"one": "Passages of a code", "and": "A overlapping B", "not": "A not B"}
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def draw(codes, entries: dict) -> None:
    if not codes:
        st.info("No codes yet: create them under Codebook, then code some passages.")
        return
    paths = code_paths(codes)
    c1, c2, c3 = st.columns([2, 3, 3])
    mode = c1.radio("Retrieve", list(MODES), format_func=MODES.get, key="code_retrieve_mode")
    a = c2.selectbox("Code" if mode == "one" else "Code A", list(paths), format_func=paths.get,
                     key="code_retrieve_a")
    b = c3.selectbox("Code B", list(paths), format_func=paths.get, key="code_retrieve_b") if mode != "one" else None
    if mode == "one":
        f1, f2, f3 = st.columns(3)
        docs = f1.multiselect("In the meetings", list(entries), format_func=lambda i: entries[i].name,
                              key="code_retrieve_docs", placeholder="all meetings")
        speakers = f2.multiselect("Said by", sorted({s for e in entries.values() for s in e.shown_speakers}),
                                  key="code_retrieve_speakers", placeholder="anyone")
        coders = f3.text_input("Coded by", key="code_retrieve_coder", placeholder="any coder")
    try:
        if mode == "one":
            found = coding().passages(code=a, document=docs or None, speaker=speakers or None,
                                      coder=coders.strip() or None)
            what = paths[a]
        elif mode == "and":
            found, what = coding().overlapping(a, b), f"{paths[a]} overlapping {paths[b]}"
        else:
            found, what = coding().excluding(a, b), f"{paths[a]} not {paths[b]}"
    except QualiaError as exc:
        st.error(md(exc), icon=":material/error:")
        return
    n = found["passage_id"].nunique() if len(found) else 0
    st.caption(f"{n} passage{'s' if n != 1 else ''}")
    st.text(what)
    if not len(found):
        return
    st.dataframe(pd.DataFrame({
        "code": found["code"], "meeting": found["meeting"], "speaker": found["speaker"].fillna(""),
        "time": [clock(t) if pd.notna(t) else "" for t in found["start_time"]], "text": found["text"],
        "turn": found["turn_text"], "coder": found["coder"], "memo": found["memo"].fillna("")}),
        hide_index=True, key="code_retrieve_table",
        column_config={"text": st.column_config.TextColumn(width="medium"),
                       "turn": st.column_config.TextColumn("surrounding turn", width="large")})
    header = {"Retrieved": what, "Exported": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    stem = file_name(f"quotes_{what}")
    cols = st.columns(3)
    for col, (fmt, label) in zip(cols, [("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("docx", "Word")]):
        # written when clicked (a callable): the page does not build three files on every run
        col.download_button(f"Download {label}", lambda fmt=fmt: quotes_bytes(found, fmt, header),
                            file_name=f"{stem}.{fmt}", mime=MIME[fmt], key=f"code_retrieve_{fmt}", on_click="ignore")
