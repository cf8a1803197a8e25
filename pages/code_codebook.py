"""The codebook: the tree of codes (indented names) with colour, description and passages; create, rename,
move, merge, delete (asking first), colour and describe; .qdc export and import when the core has them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.code_common import can_code, check_code, coder, coding, indented, say
from qualia_core import QualiaError

TOP = 0  # "no parent" in the parent pickers


def _table(codes, counts: dict[int, int]) -> None:
    if not codes:
        st.info("No codes yet. Create the first below.")
        return
    st.dataframe(pd.DataFrame([{"code": indented(c), "colour": c.color, "passages": counts.get(c.id, 0),
                                "description": c.description or ""} for c in codes]),
                 hide_index=True, key="code_codebook_table")


def _descendants(codes, code_id: int) -> set[int]:
    out, frontier = {code_id}, [code_id]
    while frontier:
        parent = frontier.pop()
        for c in codes:
            if c.parent_id == parent and c.id not in out:
                out.add(c.id)
                frontier.append(c.id)
    return out


def _do(action: str, change, success: str) -> None:
    check_code(action)
    try:
        change()
        say("success", success)
    except QualiaError as exc:
        say("error", str(exc))
    st.rerun()


def draw(codes) -> None:
    editable = can_code()
    per_meeting = coding().matrix(by="document")  # lean: passages of each code (a row per code) in each meeting
    by_path = per_meeting.sum(axis=1).to_dict() if per_meeting.shape[1] else {}
    _table(codes, {c.id: int(by_path.get(c.path, 0)) for c in codes})
    by_id = {c.id: c for c in codes}
    parents = {TOP: "(top level)", **{c.id: c.path for c in codes}}

    with st.form("code_new", clear_on_submit=True):
        st.markdown("**New code**")
        c1, c2, c3 = st.columns([3, 3, 1])
        name = c1.text_input("Name", max_chars=200, key="code_new_name")
        parent = c2.selectbox("Under", list(parents), format_func=parents.get, key="code_new_parent")
        color = c3.color_picker("Colour", "#f4a261", key="code_new_color")
        description = st.text_area("Description", height=68, max_chars=5000, key="code_new_description")
        if st.form_submit_button("Create code", disabled=not editable, key="code_new_create") and editable:
            _do("Creating a code", lambda: coding().add_code(name.strip(), parent or None, color, description,
                                                             created_by=coder()), "Code created.")

    _exchange(codes, editable)
    if not codes:
        return
    st.markdown("**Change a code**")
    code_id = st.selectbox("Code", list(by_id), format_func=lambda i: by_id[i].path, key="code_edit_id")
    code = by_id[code_id]
    with st.form(f"code_edit_{code_id}"):
        c1, c2 = st.columns([3, 1])
        new_name = c1.text_input("Name", value=code.name, max_chars=200, key=f"code_edit_name_{code_id}")
        new_color = c2.color_picker("Colour", code.color or "#999999", key=f"code_edit_color_{code_id}")
        new_description = st.text_area("Description", value=code.description or "", height=68, max_chars=5000,
                                       key=f"code_edit_description_{code_id}")
        movable = {k: v for k, v in parents.items() if k not in _descendants(codes, code_id)}
        new_parent = st.selectbox("Under", list(movable), format_func=movable.get,
                                  index=list(movable).index(code.parent_id or TOP), key=f"code_edit_parent_{code_id}")
        if st.form_submit_button("Save", disabled=not editable, key=f"code_edit_save_{code_id}") and editable:
            def change():
                if new_name.strip() != code.name:
                    coding().rename_code(code_id, new_name.strip())
                if (new_parent or None) != code.parent_id:
                    coding().move_code(code_id, new_parent or None)
                if new_color != code.color:
                    coding().set_code_color(code_id, new_color)
                if new_description != (code.description or ""):
                    coding().describe_code(code_id, new_description)
            _do("Changing a code", change, "Code saved.")

    others = {c.id: c.path for c in codes if c.id not in _descendants(codes, code_id)}
    c1, c2 = st.columns([3, 1])
    into = c1.selectbox("Merge it into", list(others), format_func=others.get, key=f"code_merge_into_{code_id}",
                        index=None, placeholder="another code")
    if c2.button("Merge", key="code_merge", disabled=not (editable and into is not None)):
        _do("Merging codes", lambda: coding().merge_codes(code_id, into),
            f"Merged {code.path} into {others.get(into)}: its passages are coded with it now.")

    if st.session_state.get("code_confirm_delete") == code_id:
        below = len(_descendants(codes, code_id)) - 1
        st.warning(f"Delete this code, {below} code{'s' if below != 1 else ''} under it and their codings? "
                   "This cannot be undone (except from a backup).")
        st.text(code.path)
        d1, d2 = st.columns(2)
        if d1.button("Yes, delete", type="primary", key="code_delete_yes", disabled=not editable):
            st.session_state.pop("code_confirm_delete", None)
            _do("Deleting a code", lambda: coding().delete_code(code_id), "Code deleted.")
        if d2.button("Cancel", key="code_delete_no"):
            st.session_state.pop("code_confirm_delete", None)
            st.rerun()
    elif st.button("Delete…", key="code_delete", disabled=not editable):
        st.session_state["code_confirm_delete"] = code_id
        st.rerun()


def _exchange(codes, editable: bool) -> None:
    """The codebook as REFI-QDA .qdc, out and in (when the core has the exchange)."""
    codes_api = coding()
    if not hasattr(codes_api, "export_qdc"):
        return
    import tempfile
    from pathlib import Path

    st.markdown("**Exchange the codebook (REFI-QDA .qdc: NVivo, ATLAS.ti, MAXQDA, QualCoder)**")
    def qdc() -> bytes:  # written when the button is clicked
        with tempfile.TemporaryDirectory() as tmp:
            return Path(codes_api.export_qdc(Path(tmp) / "codebook.qdc")).read_bytes()

    if codes:  # a .qdc holds at least one code
        st.download_button("Download the codebook (.qdc)", qdc, file_name="codebook.qdc", mime="application/xml",
                           key="code_qdc_download", on_click="ignore")
    upload = st.file_uploader("Import a codebook (.qdc)", type=["qdc"], key="code_qdc_upload",
                              disabled=not editable)
    if upload is not None and editable and st.button("Import it", key="code_qdc_import"):
        check_code("Importing a codebook")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "import.qdc"
            path.write_bytes(upload.getvalue())
            try:
                result = codes_api.import_qdc(path, author=coder())
                count = {k: len(v) if isinstance(v, (list, tuple, set)) else v for k, v in result.items()}
                say("success", f"Codebook imported: {count.get('added', 0)} codes added, "
                               f"{count.get('existing', 0)} already in the codebook.")
            except QualiaError as exc:
                say("error", str(exc))
        st.rerun()
