"""Memos: the study's journal, and memos on a meeting, a code or a passage, each with author and time, shown as
plain text; write, edit and delete."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.code_common import can_code, check_code, code_paths, coder, coding, say
from qualia_core import QualiaError

KINDS = {"study": "The study (journal)", "document": "A meeting", "code": "A code", "passage": "A passage"}


def _target(kind: str, entries: dict, codes) -> str | int | None:
    if kind == "study":
        return None
    if kind == "document":
        return st.selectbox("Meeting", list(entries), format_func=lambda i: entries[i].name, key="code_memo_doc")
    if kind == "code":
        paths = code_paths(codes)
        return st.selectbox("Code", list(paths), format_func=paths.get, key="code_memo_code")  # its id
    passages = coding().passages().drop_duplicates("passage_id")
    labels = {str(int(r.passage_id)): f"{r.meeting} · {r.speaker or ''} · {r.text[:80]}"
              for r in passages.itertuples(index=False)}
    return st.selectbox("Passage", list(labels), format_func=labels.get, key="code_memo_passage")


def draw(entries: dict, codes) -> None:
    editable = can_code()
    kind = st.radio("Memos on", list(KINDS), format_func=KINDS.get, horizontal=True, key="code_memo_kind")
    target = _target(kind, entries, codes)
    if kind != "study" and target is None:
        st.info("Nothing to write a memo on yet.")
        return
    with st.form(f"code_memo_new_{kind}", clear_on_submit=True):
        text = st.text_area("New memo", height=100, max_chars=20000)
        if st.form_submit_button("Add memo", disabled=not editable) and editable and text.strip():
            check_code("Writing a memo")
            try:
                coding().add_memo(kind, target, text, coder())
                say("success", "Memo added.")
            except QualiaError as exc:
                say("error", str(exc))
            st.rerun()
    memos = coding().memos(target_kind=kind, target_id=target)
    if memos.empty:
        st.caption("No memos here yet.")
        return
    picked = st.dataframe(pd.DataFrame({"written by": memos["author"], "at": memos["created_at"].astype(str).str[:16],
                                        "changed": memos["updated_at"].astype(str).str[:16], "memo": memos["text"]}),
                          hide_index=True, key=f"code_memo_list_{kind}_{target}", on_select="rerun",
                          selection_mode="single-row", column_config={"memo": st.column_config.TextColumn(width="large")})
    if not picked or not picked.selection.rows:
        st.caption("Select a memo to edit or delete it.")
        return
    memo = memos.iloc[picked.selection.rows[0]]
    with st.form(f"code_memo_edit_{memo.memo_id}"):
        new_text = st.text_area("Memo", value=memo.text, height=120, max_chars=20000)
        c1, c2 = st.columns(2)
        if c1.form_submit_button("Save", disabled=not editable) and editable:
            check_code("Editing a memo")
            coding().update_memo(int(memo.memo_id), new_text, coder())
            say("success", "Memo saved.")
            st.rerun()
        if c2.form_submit_button("Delete", disabled=not editable) and editable:
            check_code("Deleting a memo")
            coding().delete_memo(int(memo.memo_id))
            say("success", "Memo deleted.")
            st.rerun()
