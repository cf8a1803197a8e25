"""Analyze: run plugins on documents, with forms generated from each plugin's parameters. Over several documents
each plugin gets one view across them (a row per document) and a drill-down to one document, never a section
per document."""

import pandas as pd
import streamlit as st

from pages.access import require
from pages.common import empty_library_hint, get_core, library_entries, newly_added, run_many, run_plugin
from pages.forms import parameter_form
from pages.results import _NOT_SUMMARY, ran_with, render_result, show_ran
from qualia_core import PluginType
from qualia_core.corpus import is_error
from qualia_core.plain_text import markdown_text
from qualia_core.labels import display_summary, uniform
from qualia_core.tables import result_summary


def summary_row(name: str, result: dict, labels=None) -> dict:
    """One document's row of a plugin's view: its plain values (counts, labels, scores) in words, or its error."""
    if is_error(result):
        return {"Document": name, "Error": result["error"]}
    values = {k: v for k, v in result_summary(result).items() if k.split(".")[0] not in _NOT_SUMMARY}
    return {"Document": name, **display_summary(values, labels, result)}

require("analyze", "Running analyses")
core = get_core()

st.title("Analyze")
st.caption("Choose documents and plugins, set their parameters, and run. Results are cached: running the same "
           "analysis again, or coming back to this page, recomputes nothing.")

entries = library_entries()
if not entries:
    empty_library_hint()
    st.stop()
by_id = {e.id: e for e in entries}

cols = st.columns([5, 1], vertical_alignment="bottom")
# A switch, not a button that fills the box: a button's programmatic value could be lost when the next choice
# is made before its rerun reached the browser.
whole = cols[1].toggle("Whole library", key="analyze_all", help="Every document of the library")
if "analyze_docs" not in st.session_state and len(entries) == 1:
    st.session_state["analyze_docs"] = [entries[-1].id]
if (added := newly_added("analyze")) in by_id and not st.session_state.get("analyze_docs"):
    st.session_state["analyze_docs"] = [added]  # the document just added in the Library, unless some are chosen
picked = cols[0].multiselect("Documents", list(by_id), format_func=lambda i: by_id[i].name, key="analyze_docs",
                             disabled=whole,
                             placeholder=f"All {len(entries)} documents" if whole else "Choose one or more documents")
doc_ids = list(by_id) if whole else picked

GROUPS = [(PluginType.DOCUMENT, "Document processors", "Clean and restructure a transcript."),
          (PluginType.ANALYZER, "Analyzers", "Compute numbers and tables from the speech."),
          (PluginType.VISUALIZER, "Visualizers", "Draw charts from analyzer results (they run their analyzer first).")]
chosen: list[str] = []
cols = st.columns(3)
for col, (ptype, title, help_text) in zip(cols, GROUPS):
    plugins = core.plugin_metadata(ptype)
    with col:
        chosen += st.multiselect(title, list(plugins), format_func=lambda p, m=plugins: m[p].name,
                                 help=help_text, key=f"analyze_plugins_{ptype.value}")

configs, problems = {}, []
study = core.study_words().as_parameters() if chosen else {}
for pid in chosen:
    meta = core.plugin_metadata()[pid]
    with st.expander(f"{meta.name} — parameters", expanded=False):
        st.caption(meta.description)
        # the core's checks, before anything runs; the study's stoplist fills its fields (a change here overrides it)
        form = parameter_form(meta, "analyze_param", core.validate, study)
    configs[pid] = form.config
    problems += [f"{meta.name} › {label}" for label, _ in form.problems]

# Run is off while a field is invalid; a click that reached the server before the field's value did is refused.
blocked = ("Run is off until these parameters are fixed (each says why under its field): " + "; ".join(problems)
           if problems else "")
clicked = st.button("Run", type="primary", disabled=not (doc_ids and chosen) or bool(problems), key="analyze_run",
                    help=blocked or None)
if blocked:
    st.error(markdown_text(blocked), icon=":material/block:")
if clicked and not blocked:
    progress = st.progress(0.0, text="Starting…")
    outcome = run_many(doc_ids, chosen, configs, progress=lambda share, label: progress.progress(share, text=markdown_text(label)))
    if outcome is not None:  # results are in the cache; the page keeps one summary row per document and plugin
        runs = len(doc_ids) * len(chosen)
        progress.progress(1.0, text=f"Done: {runs} run{'s' if runs != 1 else ''}.")
        st.session_state["analyze_last"] = {
            "doc_ids": list(doc_ids), "plugins": list(chosen), "configs": dict(configs),
            "rows": {pid: [summary_row(by_id[d].name, outcome.results[d][pid], core.plugin_metadata()[pid].labels)
                           for d in doc_ids] for pid in chosen},
            # a failure is shown from here: running the plugin again to show it would fail twice per click
            "errors": {pid: {d: outcome.results[d][pid]["error"] for d in doc_ids if is_error(outcome.results[d][pid])}
                       for pid in chosen}}

last = st.session_state.get("analyze_last")
if last:
    shown_ids = [d for d in last["doc_ids"] if d in by_id]
    for pid in last["plugins"]:
        if pid not in core.plugin_metadata() or not shown_ids:
            continue
        st.subheader(core.plugin_metadata()[pid].name)
        if len(last["doc_ids"]) > 1:  # one view across the documents, then one document on demand
            rows = uniform(pd.DataFrame(last["rows"][pid]))
            failed = rows["Error"].notna().sum() if "Error" in rows else 0
            show_ran(ran_with(pid, last["configs"].get(pid)))
            st.caption(f"{len(rows)} documents" + (f", {failed} failed (see the error column)" if failed else ""))
            st.dataframe(rows, hide_index=True, key=f"analyze_table_{pid}")
            doc_id = st.selectbox("Open one document", shown_ids, format_func=lambda i: by_id[i].name,
                                  key=f"analyze_drill_{pid}")
        else:
            doc_id = shown_ids[0]
        error = last.get("errors", {}).get(pid, {}).get(doc_id)
        result = None
        if error is None:
            result, error = run_plugin(pid, doc_id, last["configs"].get(pid))  # served from the cache
        if error:
            st.error(markdown_text(error), icon=":material/error:")
        else:
            render_result(pid, by_id[doc_id].name, result, key=f"analyze_result_{pid}", config=last["configs"].get(pid))
