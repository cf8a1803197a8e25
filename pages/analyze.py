"""Analyze: run plugins on documents, with forms generated from each plugin's parameters."""

import streamlit as st

from pages.common import empty_library_hint, get_core, library_entries, run_many, run_plugin
from pages.forms import parameter_form
from pages.results import render_result
from qualia_core import PluginType

core = get_core()

st.title("Analyze")
st.caption("Choose documents and plugins, set their parameters, and run. Results are cached: running the same "
           "analysis again, or coming back to this page, recomputes nothing.")

entries = library_entries()
if not entries:
    empty_library_hint()
    st.stop()
by_id = {e.id: e for e in entries}

def select_all() -> None:
    st.session_state["analyze_docs"] = list(by_id)


cols = st.columns([5, 1])
doc_ids = cols[0].multiselect("Documents", list(by_id), format_func=lambda i: by_id[i].name, key="analyze_docs",
                              default=[entries[-1].id] if len(entries) == 1 else None,
                              placeholder="Choose one or more documents")
cols[1].button("Whole library", on_click=select_all, key="analyze_all", help="Select every document")

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

configs = {}
for pid in chosen:
    meta = core.plugin_metadata()[pid]
    with st.expander(f"{meta.name} — parameters", expanded=False):
        st.caption(meta.description)
        configs[pid] = parameter_form(meta, "analyze_param")

if st.button("Run", type="primary", disabled=not (doc_ids and chosen), key="analyze_run"):
    progress = st.progress(0.0, text="Starting…")
    outcome = run_many(doc_ids, chosen, configs, progress=lambda share, label: progress.progress(share, text=label))
    if outcome is not None:  # fills the cache; each result (or its error) is shown below
        runs = len(doc_ids) * len(chosen)
        progress.progress(1.0, text=f"Done: {runs} run{'s' if runs != 1 else ''}.")
        st.session_state["analyze_runs"] = [(d, p, configs[p]) for d in doc_ids for p in chosen]

for doc_id, pid, config in st.session_state.get("analyze_runs", []):
    if doc_id not in by_id or pid not in core.plugin_metadata():
        continue
    name = by_id[doc_id].name
    st.subheader(f"{core.plugin_metadata()[pid].name} · {name}")
    result, error = run_plugin(pid, doc_id, config)  # served from the cache
    if error:
        st.error(error, icon=":material/error:")
    else:
        render_result(pid, name, result, key=f"analyze_result_{doc_id}_{pid}")
