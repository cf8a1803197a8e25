"""Code a document: its turns with speaker (as shown) and time; select words in a turn (or whole turns as rows)
and apply codes, with an optional memo; uncode; auto-code every hit of a search or keyword-in-context query
after a preview."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.code_common import can_code, check_code, code_paths, coder, coding, say
from pages.common import clock
from pages.text_selection import Mark, TurnView, clear_selection, turn_selector
from qualia_core import QualiaError
from qualia_core.plain_text import markdown_text as md
from qualia_core.speech_names import map_offset

PAGE = 20  # turns per page: the selector draws each as text


def _codes_picker(codes, key: str) -> list[int]:
    paths = code_paths(codes)
    return st.multiselect("Codes to apply", list(paths), format_func=paths.get, key=key,
                          placeholder="choose one or more codes" if paths else "create a code in Codebook first")


def _apply(doc_id: str, pieces: list[tuple[int, int | None, int | None]], codes: list[int], memo: str) -> None:
    check_code("Coding")
    rows = [{"document_id": doc_id, "turn": turn, "start": start, "end": end, "codes": codes, "coder": coder(),
             "memo": memo} for turn, start, end in pieces]
    made = coding().code_many(rows)
    say("success", f"{made} passage{'s' if made != 1 else ''} coded.")


def _marks(passages: pd.DataFrame, colors: dict[int, str], turns: list[dict]) -> dict[int, list[Mark]]:
    """The passages as marks on the text shown (their offsets count in the stored text)."""
    marks: dict[int, list[Mark]] = {}
    for row in passages.itertuples(index=False):
        turn = turns[int(row.turn)]
        start = map_offset(int(row.start), turn["segments"])
        end = map_offset(int(row.end), turn["segments"], end=True)
        marks.setdefault(int(row.turn), []).append(
            Mark(start, end, colors.get(int(row.code_id), "#999999"), str(row.code)))
    return marks


def _stored(turn: dict, start: int, end: int) -> tuple[int, int]:
    """A span of the text shown as offsets of the stored text (what passages count in)."""
    return (map_offset(start, turn["segments"], to_shown=False),
            map_offset(end, turn["segments"], end=True, to_shown=False))


def draw(entries: dict, codes) -> None:
    if not entries:
        st.info("The library is empty: add a transcript on the Library page first.")
        return
    ids = list(entries)
    if st.session_state.get("code_doc") not in entries:
        st.session_state["code_doc"] = ids[-1]
    doc_id = st.selectbox("Meeting", ids, format_func=lambda i: entries[i].name, key="code_doc")
    turns = coding().turn_texts(doc_id)  # speakers and text as shown (renames, pseudonyms, names in the speech)
    passages = coding().passages(document=doc_id)
    colors = {c.id: c.color for c in codes}
    marks = _marks(passages, colors, turns)
    editable = can_code()

    pages = max(1, -(-len(turns) // PAGE))
    page = st.number_input(f"Page (of {pages})", 1, pages, 1, key=f"code_page_{doc_id}")
    rows = range((page - 1) * PAGE, min(page * PAGE, len(turns)))
    views = [TurnView(i, turns[i]["speaker"] or "", clock(turns[i]["start"]), turns[i]["shown"], marks.get(i, []))
             for i in rows]

    left, right = st.columns([3, 2])
    with left:
        st.caption("Select words in a turn with the mouse, then apply codes on the right. A selection over several "
                   "turns codes the words of each.")
        selection = turn_selector(views, key=f"code_sel_{doc_id}", empty="This meeting has no turns.")
    with right:
        chosen = _codes_picker(codes, "code_apply_codes")
        memo = st.text_input("Memo (optional)", key="code_apply_memo", max_chars=5000)
        if selection is None:
            st.caption("No words selected.")
        else:
            st.caption("Selected")
            for s in selection.segments:
                st.text(f"Turn {s.turn + 1}: {turns[s.turn]['shown'][s.start:s.end]}")
        c1, c2 = st.columns(2)
        if c1.button("Code the selection", type="primary", key="code_apply",
                     disabled=not (editable and selection and chosen)):
            try:
                _apply(doc_id, [(s.turn, *_stored(turns[s.turn], s.start, s.end)) for s in selection.segments],
                       chosen, memo)
                clear_selection(f"code_sel_{doc_id}")
            except QualiaError as exc:
                say("error", str(exc))
            st.rerun()
        if c2.button("Clear the selection", key="code_clear", disabled=selection is None):
            clear_selection(f"code_sel_{doc_id}")
            st.rerun()

        st.caption("Or code whole turns: tick their rows.")
        table = pd.DataFrame([{"turn": v.turn + 1, "time": v.time, "speaker": v.speaker, "text": v.text,
                               "codes": ", ".join(dict.fromkeys(m.label for m in v.marks))} for v in views])
        picked = st.dataframe(table, hide_index=True, key=f"code_rows_{doc_id}_{page}", on_select="rerun",
                              selection_mode="multi-row", height=240,
                              column_config={"text": st.column_config.TextColumn(width="medium")})
        picked_turns = [views[i].turn for i in picked.selection.rows] if picked else []
        if st.button(f"Code {len(picked_turns)} whole turn{'s' if len(picked_turns) != 1 else ''}",
                     key="code_apply_turns", disabled=not (editable and picked_turns and chosen)):
            try:
                _apply(doc_id, [(t, None, None) for t in picked_turns], chosen, memo)
            except QualiaError as exc:
                say("error", str(exc))
            st.rerun()

    _passages(doc_id, passages, editable)
    _autocode(doc_id, codes, editable)


def _passages(doc_id: str, passages: pd.DataFrame, editable: bool) -> None:
    st.subheader("Passages in this meeting")
    if passages.empty:
        st.caption("None yet.")
        return
    shown = pd.DataFrame({"code": passages["code"], "speaker": passages["speaker"].fillna(""),
                          "time": [clock(t) if pd.notna(t) else "" for t in passages["start_time"]],
                          "turn": passages["turn"] + 1, "text": passages["text"], "coder": passages["coder"],
                          "memo": passages["memo"].fillna("")})
    picked = st.dataframe(shown, hide_index=True, key=f"code_passages_{doc_id}", on_select="rerun",
                          selection_mode="multi-row",
                          column_config={"text": st.column_config.TextColumn(width="large")})
    rows = passages.iloc[picked.selection.rows] if picked else passages.iloc[[]]
    c1, c2 = st.columns([1, 2])
    if c1.button(f"Uncode {len(rows)} selected", key="code_uncode", disabled=not (editable and len(rows))):
        check_code("Uncoding")
        for row in rows.itertuples(index=False):
            coding().uncode(int(row.passage_id), codes=[int(row.code_id)])
        say("success", f"{len(rows)} coding{'s' if len(rows) != 1 else ''} removed.")
        st.rerun()
    if len(rows) == 1:
        row = rows.iloc[0]
        with c2.form(f"code_passage_memo_{row.passage_id}"):
            text = st.text_area("Memo on this passage", value=row.memo or "", max_chars=20000)
            if st.form_submit_button("Save memo", disabled=not editable) and editable:
                check_code("Writing a memo")
                coding().set_passage_memo(int(row.passage_id), text)
                say("success", "Memo saved.")
                st.rerun()


def _autocode(doc_id: str, codes, editable: bool) -> None:
    with st.expander("Auto-code a search or keyword-in-context query", expanded=bool(
            st.session_state.get("code_auto_query"))):
        kinds = {"kwic": "Keyword in context (each occurrence)", "search": "Library search (each turn)"}
        c1, c2, c3 = st.columns([3, 2, 2])
        query = c1.text_input("Words to find", key="code_auto_query", placeholder='e.g. "remote control" design*')
        kind = c2.radio("Code", list(kinds), format_func=kinds.get, key="code_auto_kind")
        scope = c3.radio("In", ["this meeting", "the whole library"], key="code_auto_scope")
        documents = [doc_id] if scope == "this meeting" else None
        if not query.strip():
            return
        try:
            preview = coding().autocode_preview(query, kind=kind, documents=documents)
        except QualiaError as exc:
            st.error(md(exc), icon=":material/error:")
            return
        st.caption(f"{len(preview)} passage{'s' if len(preview) != 1 else ''} would be coded")
        st.dataframe(pd.DataFrame({
            "meeting": preview["meeting"], "speaker": preview["speaker"].fillna(""),
            "time": [clock(t) if pd.notna(t) else "" for t in preview["start_time"]], "turn": preview["turn"] + 1,
            "words": preview["text"], "in the turn": preview["turn_text"]}), hide_index=True, key="code_auto_preview",
            column_config={"in the turn": st.column_config.TextColumn(width="large")})
        paths = code_paths(codes)
        chosen = st.multiselect("Codes to apply to every hit", list(paths), format_func=paths.get,
                                key="code_auto_codes")
        if st.button("Auto-code", type="primary", key="code_auto_apply",
                     disabled=not (editable and chosen and len(preview))):
            check_code("Auto-coding")
            try:
                made = coding().autocode(query, chosen, coder(), kind=kind, documents=documents)
                say("success", f"Auto-coded {made} passage{'s' if made != 1 else ''}.")
            except QualiaError as exc:
                say("error", str(exc))
            st.rerun()
