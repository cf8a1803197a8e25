"""Library: bring transcripts in, look at them, name them and their speakers."""

import hashlib

import pandas as pd
import streamlit as st

from pages.access import allowed, require
from pages.common import clock, get_core, library_entries, mark_added, newly_added
from pages.library_words import cleaned_text_controls, study_words_section
from qualia_core import QualiaError
from qualia_core.speech_names import replacements
from qualia_core.plain_text import markdown_text as md  # names and messages quoting them are text, not Markdown

require("read", "The library")
can_edit = allowed("edit")  # viewers read; each change below is offered, and done, only for researchers up
core = get_core()
library = core.library

st.title("Library")
st.caption("Your transcripts, stored on this machine under the data folder. Every analysis starts here.")
if not can_edit:
    st.info("You can read and analyse this library; changing it needs the researcher role.", icon=":material/visibility:")

# ---------------------------------------------------------------- upload
limit = st.get_option("server.maxUploadSize")
upload_key = f"library_upload_{st.session_state.get('library_upload_round', 0)}"
files = st.file_uploader(
    "Add transcripts", type=["txt", "vtt", "srt", "docx"], accept_multiple_files=True, key=upload_key,
    help="Teams .vtt or .docx exports, .srt subtitles, or text with `Speaker: text` lines.", disabled=not can_edit)
per_file = min(limit, core.max_document_bytes // 2**20)
st.caption(f"Up to {per_file} MB per transcript (the `QUALIA_MAX_DOCUMENT_MB` setting; uploads are also capped by "
           f"`STREAMLIT_SERVER_MAX_UPLOAD_SIZE`, now {limit} MB).")
if files and can_edit:
    bar = st.progress(0.0, text="Reading the files…")
    report = library.add_many(((f.name, f.getvalue()) for f in files),
                              progress=lambda done, name: bar.progress(done / len(files), text=f"{done}/{len(files)}"))
    st.session_state["library_report"] = report
    if last := (report.added or report.existing)[-1:]:
        mark_added(last[0][1].id)  # the document just added is the one shown below
    st.session_state["library_upload_round"] = st.session_state.get("library_upload_round", 0) + 1
    st.rerun()

if report := st.session_state.pop("library_report", None):  # one summary for any number of files
    (st.success if not report.refused else st.warning)(report.summary())
    if report.refused:
        st.dataframe(pd.DataFrame(report.refused, columns=["file", "why it was refused"]), hide_index=True,
                     key="library_refused")
    if report.existing:
        with st.expander(f"Already in the library ({len(report.existing)})"):
            st.dataframe(pd.DataFrame([(name, e.name) for name, e in report.existing],
                                      columns=["file", "in the library as"]), hide_index=True, key="library_existing")

with st.expander("…or paste text"):
    with st.form("library_paste", clear_on_submit=True):
        pasted_name = st.text_input("Name", placeholder="Interview 3")
        pasted = st.text_area("Transcript", height=160, placeholder="Interviewer: How did it start?\nP01: Well…")
        if st.form_submit_button("Add to library", disabled=not can_edit) and can_edit:
            try:
                entry, added = library.add_text(pasted_name.strip() or "pasted text", pasted)
                mark_added(entry.id)
                st.session_state["library_messages"] = [("success", f"Added **{md(entry.name)}**.")]
            except QualiaError as exc:
                st.session_state["library_messages"] = [("error", md(exc))]
            st.rerun()

study_words_section(core, can_edit)  # the study's stoplist: researchers change it, viewers read it

for level, text in st.session_state.pop("library_messages", []):
    getattr(st, level)(text)

# ---------------------------------------------------------------- list
entries = library_entries()
names_of = {e.id: e.name for e in entries}
if not entries:
    st.info("No transcripts yet. Upload one above to begin; it stays here for every session and after restarts.",
            icon=":material/upload_file:")
    st.stop()

with st.expander("Search the whole library", expanded=bool(st.session_state.get("library_search"))):
    st.caption('Case and accents never matter. "Quotes" find a phrase, * a word\'s start (design* finds designers).')
    c1, c2, c3 = st.columns([3, 2, 2])
    query = c1.text_input("Words to find", key="library_search", placeholder='e.g. "remote control" budget*')
    in_docs = c2.multiselect("In the documents", [e.id for e in entries], format_func=lambda i: names_of[i],
                             key="library_search_docs", placeholder="all documents")
    in_speakers = c3.multiselect("Said by", sorted({s for e in entries for s in e.shown_speakers}),
                                 key="library_search_speakers", placeholder="anyone")
    if query.strip():
        result = core.search(query, documents=in_docs or None, speakers=in_speakers or None, limit=500)
        st.caption(f"{result.total} turn{'s' if result.total != 1 else ''} found"
                   + (f"; the first {len(result.hits)} are listed" if result.truncated else ""))
        if result.hits:
            st.dataframe(pd.DataFrame([{"document": h.document_name, "speaker": h.speaker or "", "time": clock(h.start),
                                        "turn": h.turn, "found": ", ".join(dict.fromkeys(h.matches)), "text": h.text}
                                       for h in result.hits]),
                         hide_index=True, key="library_search_hits",
                         column_config={"text": st.column_config.TextColumn(width="large")})

st.subheader(f"{len(entries)} document{'s' if len(entries) != 1 else ''}")
st.dataframe(pd.DataFrame([{
    "name": e.name, "format": e.format, "speakers": ", ".join(e.shown_speakers), "utterances": e.utterances,
    "words": e.words, "added": e.added_at.replace("T", " ")[:16], "file": e.source} for e in entries]),
    hide_index=True, key="library_table")

by_id = {e.id: e for e in entries}
if (added := newly_added("library")) in by_id:
    st.session_state["library_selected"] = added
doc_id = st.selectbox("Document", list(by_id), format_func=lambda i: by_id[i].name, key="library_selected")
entry = by_id[doc_id]

# Keyed: the tab open stays open when an action on it reruns the page (Save, Pseudonymise, Delete…). With
# on_change="rerun" only the open tab runs (`.open`): the first page draws the transcript alone, not the speaker
# forms and toggles (whose widget code the browser would otherwise load first: ~0.1 s of the first page).
transcript, names, manage = st.tabs(["Transcript", "Speakers", "Rename or delete"], key="library_tab",
                                    on_change="rerun")
PAGE = 50

with transcript:
    cleaned_text_controls(core, entry, can_edit)  # analyse the cleaned text, or the original
    doc = library.get(doc_id)
    st.text(f"{entry.source} · {entry.format} · {entry.encoding} · {entry.size_bytes:,} bytes · "
               f"{entry.utterances} turns · {entry.words:,} words")
    c1, c2 = st.columns([3, 1])
    mark = c1.text_input("Mark the turns holding", key=f"library_mark_{doc_id}", placeholder="a word, a \"phrase\", design*")
    marked = {}
    if mark.strip():
        found = core.search(mark, documents=[doc_id], limit=len(doc.utterances) or 1)
        marked = {h.turn: ", ".join(dict.fromkeys(h.matches)) for h in found.hits}
        st.caption(f"{len(marked)} turn{'s' if len(marked) != 1 else ''} marked")
    pages = max(1, -(-len(doc.utterances) // PAGE))
    first_hit_page = min(marked) // PAGE + 1 if marked else 1
    page = c2.number_input(f"Page (of {pages})", 1, pages, first_hit_page, key=f"library_page_{doc_id}_{mark}")
    rows = range((page - 1) * PAGE, min(page * PAGE, len(doc.utterances)))
    table = pd.DataFrame([{"#": i, "time": clock(doc.utterances[i].start), "speaker": doc.utterances[i].speaker or "",
                           "found": marked.get(i, ""), "text": doc.utterances[i].text} for i in rows])
    if not marked:
        table = table.drop(columns="found")
    shown = table.style.apply(lambda row: ["background-color: #fff3b0" if row["#"] in marked else ""] * len(row),
                              axis=1) if marked else table
    st.dataframe(shown, hide_index=True, key=f"library_transcript_{doc_id}",
                 column_config={"text": st.column_config.TextColumn(width="large")})

with names:
    if names.open:  # only the open tab runs (st.tabs with on_change="rerun")
        st.caption("Rename or pseudonymise speakers. Every analysis, chart and export of this document uses the new "
                   "names; the original file is kept unchanged.")
        # The form's widgets are keyed by the names stored now: when they change (Pseudonymise here, or another
        # session), the form is drawn afresh with them. Saving sends only what was edited in the form on screen,
        # and a form drawn before the names changed saves nothing: it never brings back a name no longer shown.
        version = entry.names_version
        drawn_key = f"library_speakers_drawn_{doc_id}"
        with st.form(f"library_speakers_{doc_id}"):
            new_names, people = {}, {}
            for i, s in enumerate(entry.speakers):
                left, right = st.columns(2)
                new_names[s] = left.text_input(f"Speaker {i + 1}: shown as", value=entry.speaker_map.get(s, s),
                                               key=f"library_speaker_{doc_id}_{version}_{i}")
                people[s] = right.text_input(f"Speaker {i + 1}: participant of the study",
                                             key=f"library_person_{doc_id}_{version}_{i}",
                                             value=entry.participants.get(s, ""), placeholder="the same person elsewhere",
                                             help="Give the same participant name to this person's speakers in other "
                                                  "interviews: whole-library views then count them as one person.")
            if st.form_submit_button("Save speakers", disabled=not can_edit) and can_edit:
                renamed = {s: v for s, v in new_names.items() if v.strip() != entry.speaker_map.get(s, s)}
                mapped = {s: v for s, v in people.items() if v.strip() != entry.participants.get(s, "")}
                if st.session_state.get(drawn_key) != version:
                    st.session_state["library_messages"] = [("warning", "The speaker names were changed since this "
                                                             "form was shown (in another window?), so nothing was "
                                                             "saved. The form now shows the names stored.")]
                elif not (renamed or mapped):
                    st.session_state["library_messages"] = [("info", "Nothing to save: no name was changed.")]
                else:
                    try:
                        if renamed:
                            library.set_speaker_names(doc_id, renamed)
                        if mapped:
                            library.set_participants(doc_id, mapped)
                        st.session_state["library_messages"] = [("success", "Speakers saved.")]
                    except QualiaError as exc:
                        st.session_state["library_messages"] = [("error", md(exc))]
                st.session_state.pop(drawn_key, None)
                st.rerun()
        st.session_state[drawn_key] = version
        cols = st.columns(2)
        if cols[0].button("Pseudonymise as P01, P02…", key="library_pseudonymise",
                          disabled=not entry.speakers or not can_edit) and can_edit:
            library.pseudonymise(doc_id)
            st.rerun()
        if cols[1].button("Restore original names", key="library_restore_names",
                          disabled=not entry.speaker_map or not can_edit) and can_edit:
            library.set_speaker_names(doc_id, {s: "" for s in entry.speaker_map})
            st.rerun()
        in_speech_key = f"library_names_in_speech_{doc_id}_{version}"  # drawn afresh when the names change
        st.toggle("Replace these names inside the speech too", value=entry.names_in_speech, key=in_speech_key,
                  disabled=not can_edit or (not entry.speaker_map and not entry.names_in_speech),
                  on_change=lambda: can_edit and library.set_names_in_speech(doc_id, st.session_state[in_speech_key]))
        st.caption("Each renamed speaker's name as written in the file, the whole name and each of its names alone "
                   "(Ana Souza, Ana, Souza), is replaced by the new name as whole words in any case, in everything "
                   "analyses, search, Explore and exports see; the original text is kept, so this can be turned off. "
                   "**Other names in the speech are not found automatically** (people who are not speakers, places, "
                   "nicknames, misspellings, names written without their accents): read the transcript before you "
                   "share anything.")
        if replaced := replacements(entry.speaker_map):
            st.dataframe(pd.DataFrame(list(replaced.items()), columns=["in the speech", "becomes"]), hide_index=True,
                         key=f"library_names_replaced_{doc_id}")

with manage:
    if manage.open:
        with st.form(f"library_rename_{doc_id}"):
            # keyed by the name stored now, like the Speakers form: a rename elsewhere draws it afresh
            name_version = hashlib.sha256(entry.name.encode("utf-8")).hexdigest()[:12]
            new_name = st.text_input("Name", value=entry.name, key=f"library_name_{doc_id}_{name_version}")
            if st.form_submit_button("Rename", disabled=not can_edit) and can_edit and new_name != entry.name:
                try:
                    library.rename(doc_id, new_name)
                except QualiaError as exc:
                    st.session_state["library_messages"] = [("error", md(exc))]
                st.rerun()
        if can_edit and st.session_state.get("library_confirm_delete") == doc_id:
            st.warning(f"Delete **{md(entry.name)}** from the library? Its analyses go with it. This cannot be undone "
                       "(except from a backup).")
            cols = st.columns(2)
            if cols[0].button("Yes, delete", type="primary", key="library_delete_yes"):
                library.delete(doc_id)
                st.session_state.pop("library_confirm_delete", None)
                st.session_state["library_messages"] = [("success", f"Deleted {md(entry.name)}.")]
                st.rerun()
            if cols[1].button("Cancel", key="library_delete_no"):
                st.session_state.pop("library_confirm_delete", None)
                st.rerun()
        elif st.button("Delete…", key="library_delete", disabled=not can_edit) and can_edit:
            st.session_state["library_confirm_delete"] = doc_id
            st.rerun()
