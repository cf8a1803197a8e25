"""Library: bring transcripts in, look at them, name them and their speakers."""

import pandas as pd
import streamlit as st

from pages.common import get_core, library_entries
from qualia_core import QualiaError

core = get_core()
library = core.library

st.title("Library")
st.caption("Your transcripts, stored on this machine under the data folder. Every analysis starts here.")

# ---------------------------------------------------------------- upload
limit = st.get_option("server.maxUploadSize")
upload_key = f"library_upload_{st.session_state.get('library_upload_round', 0)}"
files = st.file_uploader(
    "Add transcripts", type=["txt", "vtt", "srt", "docx"], accept_multiple_files=True, key=upload_key,
    help="Teams .vtt or .docx exports, .srt subtitles, or text with `Speaker: text` lines.")
st.caption(f"Up to {limit} MB per file (set `server.maxUploadSize` in .streamlit/config.toml to change it).")
if files:
    messages = []
    for f in files:
        try:
            entry, added = library.add(f.name, f.getvalue())
        except QualiaError as exc:
            messages.append(("error", str(exc)))
        else:
            messages.append(("success", f"Added **{entry.name}**: {entry.utterances} turns, "
                                        f"{len(entry.speakers)} speakers.") if added
                            else ("info", f"**{f.name}** is already in the library as **{entry.name}**."))
    st.session_state["library_messages"] = messages
    st.session_state["library_upload_round"] = st.session_state.get("library_upload_round", 0) + 1
    st.rerun()

with st.expander("…or paste text"):
    with st.form("library_paste", clear_on_submit=True):
        pasted_name = st.text_input("Name", placeholder="Interview 3")
        pasted = st.text_area("Transcript", height=160, placeholder="Interviewer: How did it start?\nP01: Well…")
        if st.form_submit_button("Add to library"):
            try:
                entry, added = library.add_text(pasted_name.strip() or "pasted text", pasted)
                st.session_state["library_messages"] = [("success", f"Added **{entry.name}**.")]
            except QualiaError as exc:
                st.session_state["library_messages"] = [("error", str(exc))]
            st.rerun()

for level, text in st.session_state.pop("library_messages", []):
    getattr(st, level)(text)

# ---------------------------------------------------------------- list
entries = library_entries()
if not entries:
    st.info("No transcripts yet. Upload one above to begin; it stays here for every session and after restarts.",
            icon=":material/upload_file:")
    st.stop()

st.subheader(f"{len(entries)} document{'s' if len(entries) != 1 else ''}")
st.dataframe(pd.DataFrame([{
    "name": e.name, "format": e.format, "speakers": ", ".join(e.shown_speakers), "utterances": e.utterances,
    "words": e.words, "added": e.added_at.replace("T", " ")[:16], "file": e.source} for e in entries]),
    hide_index=True, key="library_table")

by_id = {e.id: e for e in entries}
doc_id = st.selectbox("Document", list(by_id), format_func=lambda i: by_id[i].name, key="library_selected")
entry = by_id[doc_id]

preview, names, manage = st.tabs(["Preview", "Speakers", "Rename or delete"])

with preview:
    doc = library.get(doc_id)
    turns = pd.DataFrame([{"#": i, "time": None if u.start is None else f"{int(u.start // 3600):02d}:"
                           f"{int(u.start % 3600 // 60):02d}:{int(u.start % 60):02d}",
                           "speaker": u.speaker or "", "text": u.text} for i, u in enumerate(doc.utterances)])
    st.caption(f"{entry.source} · {entry.format} · {entry.encoding} · {entry.size_bytes:,} bytes")
    st.dataframe(turns, hide_index=True, key="library_preview",
                 column_config={"text": st.column_config.TextColumn(width="large")})

with names:
    st.caption("Rename or pseudonymise speakers. Every analysis, chart and export of this document uses the new "
               "names; the original file is kept unchanged.")
    with st.form(f"library_speakers_{doc_id}"):
        new_names = {s: st.text_input(s, value=entry.speaker_map.get(s, s), key=f"library_speaker_{doc_id}_{i}")
                     for i, s in enumerate(entry.speakers)}
        if st.form_submit_button("Save speaker names"):
            try:
                library.set_speaker_names(doc_id, new_names)
                st.session_state["library_messages"] = [("success", "Speaker names saved.")]
            except QualiaError as exc:
                st.session_state["library_messages"] = [("error", str(exc))]
            st.rerun()
    cols = st.columns(2)
    if cols[0].button("Pseudonymise as P01, P02…", key="library_pseudonymise", disabled=not entry.speakers):
        library.pseudonymise(doc_id)
        st.rerun()
    if cols[1].button("Restore original names", key="library_restore_names", disabled=not entry.speaker_map):
        library.set_speaker_names(doc_id, {s: "" for s in entry.speaker_map})
        st.rerun()

with manage:
    with st.form(f"library_rename_{doc_id}"):
        new_name = st.text_input("Name", value=entry.name, key=f"library_name_{doc_id}")
        if st.form_submit_button("Rename"):
            try:
                library.rename(doc_id, new_name)
            except QualiaError as exc:
                st.session_state["library_messages"] = [("error", str(exc))]
            st.rerun()
    if st.session_state.get("library_confirm_delete") == doc_id:
        st.warning(f"Delete **{entry.name}** from the library? Its analyses go with it. This cannot be undone "
                   "(except from a backup).")
        cols = st.columns(2)
        if cols[0].button("Yes, delete", type="primary", key="library_delete_yes"):
            library.delete(doc_id)
            st.session_state.pop("library_confirm_delete", None)
            st.session_state["library_messages"] = [("success", f"Deleted {entry.name}.")]
            st.rerun()
        if cols[1].button("Cancel", key="library_delete_no"):
            st.session_state.pop("library_confirm_delete", None)
            st.rerun()
    elif st.button("Delete…", key="library_delete"):
        st.session_state["library_confirm_delete"] = doc_id
        st.rerun()
