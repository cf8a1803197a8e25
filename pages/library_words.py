"""The Library's word settings: the study's stoplist (set once, used by every analysis) and a document's cleaned
text (teams_cleaner's output as the text analyses see, the original one click away). Only the core is called:
qualia_core.study_words and qualia_core.cleaned_text hold the rules."""

from __future__ import annotations

import streamlit as st

from qualia_core import QualiaError
from qualia_core.cleaned_text import restore_original, use_cleaned_text
from qualia_core.plain_text import markdown_text as md
from qualia_core.text import CONTEXT_FILLERS, FILLER_LISTS, LANGUAGES


def study_words_section(core, can_edit: bool) -> None:
    """The study's stopwords and fillers: researchers change them, viewers read them."""
    panel = st.expander("Study words: stopwords and fillers for every analysis", expanded=False,
                        key="library_study_words", on_change="rerun")
    with panel:
        if not panel.open:  # drawn only when opened: the Library's first page stays light
            return
        words = core.study_words()
        st.caption("Set once for the whole study: every word count, chart, word cloud, distinctive-words table and "
                   "Explore view leaves these out. A plugin's own field (on Analyze) still overrides them for "
                   "that run. Changing them runs the analyses again.")
        for problem in words.problems:
            st.warning(md(problem))
        with st.form("study_words"):
            stopwords = st.text_area("More stopwords (comma-separated)", value=", ".join(words.stopwords),
                                     key="study_stopwords", disabled=not can_edit,
                                     placeholder="e.g. project, meeting, entrevista")
            fillers = st.text_area("More fillers (comma-separated)", value=", ".join(words.fillers),
                                   key="study_fillers", disabled=not can_edit, placeholder="e.g. dunno, sabe")
            c1, c2, c3 = st.columns(3)
            no_stop = c1.checkbox("Leave out common words", value=words.exclude_stopwords, key="study_no_stopwords",
                                  disabled=not can_edit, help="The built-in English and Portuguese stopwords.")
            no_fill = c2.checkbox("Leave out fillers", value=words.exclude_fillers, key="study_no_fillers",
                                  disabled=not can_edit, help="uh, um, yeah, okay, alright; ahn, né, tá, beleza…")
            no_context = c3.checkbox("Leave out context fillers", value=words.exclude_context_fillers,
                                     key="study_no_context_fillers", disabled=not can_edit,
                                     help="Words that are fillers in most spoken uses: like, well, know, mean, "
                                          "right; tipo, então, assim, sabe…")
            if st.form_submit_button("Save study words", disabled=not can_edit) and can_edit:
                try:
                    core.set_study_words({"stopwords": stopwords, "fillers": fillers, "exclude_stopwords": no_stop,
                                          "exclude_fillers": no_fill, "exclude_context_fillers": no_context})
                    st.session_state["library_messages"] = [("success", "Study words saved: analyses use them now.")]
                except QualiaError as exc:
                    st.session_state["library_messages"] = [("error", md(exc))]
                st.rerun()
        st.caption("The built-in filler lists (qualia_core/stopwords/fillers*.txt):")
        for lang in LANGUAGES:
            st.caption(md(f"{lang} fillers: {', '.join(sorted(FILLER_LISTS[lang]))}. "
                          f"{lang} context fillers: {', '.join(sorted(CONTEXT_FILLERS[lang]))}."))


def cleaned_text_controls(core, entry, can_edit: bool) -> None:
    """Which text analyses of the document see, and the buttons that switch it."""
    doc_id = entry.id
    c1, c2, c3 = st.columns([2, 1, 1])
    c1.caption("Analyses use the **cleaned text** (teams_cleaner: markers and system lines out; the original is "
               "kept)." if entry.cleaned else "Analyses use the **original text**.")
    if c2.button("Use the cleaned text for analyses", key=f"library_use_cleaned_{doc_id}", disabled=not can_edit,
                 help="Runs teams_cleaner on the original turns ({vocalsound}, [inaudible], (risos), 'Recording "
                      "started'… out; turns keep their numbers) and makes it the text every analysis, search and "
                      "export sees.") and can_edit:
        try:
            use_cleaned_text(core, doc_id)
            st.session_state["library_messages"] = [("success", "Analyses now use the cleaned text.")]
        except QualiaError as exc:
            st.session_state["library_messages"] = [("error", md(exc))]
        st.rerun()
    if c3.button("Restore the original", key=f"library_restore_original_{doc_id}",
                 disabled=not can_edit or not entry.cleaned) and can_edit:
        try:
            restore_original(core.library, doc_id)
            st.session_state["library_messages"] = [("success", "Analyses use the original text again.")]
        except QualiaError as exc:
            st.session_state["library_messages"] = [("error", md(exc))]
        st.rerun()
