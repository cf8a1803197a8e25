"""Explore: words, keyword in context, sentiment and speakers of one meeting or of the whole library.

The view lives in the URL, so it can be bookmarked and shared: `?doc=<document id>` or `?doc=all`,
`&tab=words|kwic|collocates|sentiment|speakers|meetings`, `&word=…` (the word or phrase looked up). Only the view on
screen is computed: the others cost nothing until they are opened.
"""

import streamlit as st

from pages import explore_document, explore_library
from pages.access import require
from pages.common import ALL_DOCUMENTS, empty_library_hint, library_entries, newly_added

require("read", "Exploring the library")

st.title("Explore")
st.caption("Look around one meeting or the whole library. Everything is computed once and then served from the "
           "cache; the address in your browser keeps what you are looking at.")

entries = library_entries()
if not entries:
    empty_library_hint()
    st.stop()
names = {e.id: e.name for e in entries}
names[ALL_DOCUMENTS] = f"Whole library ({len(entries)} document{'s' if len(entries) != 1 else ''})"
VIEWS = {"words": "Words", "kwic": "Keyword in context", "collocates": "Collocates", "sentiment": "Sentiment",
         "speakers": "Speakers"}
LIBRARY_VIEWS = {**VIEWS, "meetings": "Meetings"}

# The word is typed in whichever view is open; keep it when that view's box is not on screen.
if "explore_word" in st.session_state:
    st.session_state["explore_word"] = st.session_state["explore_word"]

# ---------------------------------------------------------------- state from the URL (once per session)
if "explore_scope" not in st.session_state:
    wanted = st.query_params.get("doc")
    st.session_state["explore_scope"] = ALL_DOCUMENTS if wanted == "all" else (
        wanted if wanted in names else entries[-1].id)
if "explore_view" not in st.session_state:
    st.session_state["explore_view"] = st.query_params.get("tab") if st.query_params.get("tab") in LIBRARY_VIEWS \
        else "words"
if "explore_word" not in st.session_state:
    st.session_state["explore_word"] = st.query_params.get("word", "")
if (added := newly_added("explore")) in names:  # a document just added in the Library is the one explored
    st.session_state["explore_scope"] = added
if st.session_state["explore_scope"] not in names:  # deleted meanwhile
    st.session_state["explore_scope"] = entries[-1].id

# "Whole library" first, then the newest documents: typing finds any of them, however many there are
scope = st.selectbox("Document", [ALL_DOCUMENTS, *[e.id for e in reversed(entries)]], format_func=names.get,
                     key="explore_scope", placeholder="Type a document's name")
views = LIBRARY_VIEWS if scope == ALL_DOCUMENTS else VIEWS
if st.session_state.get("explore_view") not in views:
    st.session_state["explore_view"] = "words"
view = st.segmented_control("View", list(views), format_func=views.get, key="explore_view",
                            selection_mode="single") or "words"

# ---------------------------------------------------------------- state into the URL
st.query_params.update({"doc": "all" if scope == ALL_DOCUMENTS else scope, "tab": view})
if st.session_state.get("explore_word", "").strip():
    st.query_params["word"] = st.session_state["explore_word"].strip()
elif "word" in st.query_params:
    del st.query_params["word"]

if scope == ALL_DOCUMENTS:
    explore_library.show(view, entries, names)
else:
    explore_document.show(view, scope, names[scope])
