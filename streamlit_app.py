"""Qualia: the app's frame and router. Pages live in pages/; they only call qualia_core."""

import streamlit as st

from pages.common import report_error, start_up

# A local icon: a :material/…: page icon makes the browser fetch the favicon from fonts.gstatic.com.
st.set_page_config(page_title="Qualia", page_icon="assets/qualia_icon.png", layout="wide")

problems = start_up()
if problems:
    st.error("Qualia cannot start because of its configuration (environment variables or .env):\n\n"
             + "\n".join(f"- {p}" for p in problems))
    st.stop()

pages = {
    "Research": [
        st.Page("pages/library.py", title="Library", icon=":material/library_books:", default=True),
        st.Page("pages/analyze.py", title="Analyze", icon=":material/analytics:"),
        st.Page("pages/explore.py", title="Explore", icon=":material/travel_explore:"),
    ],
    "Operations": [
        st.Page("pages/health.py", title="Health", icon=":material/monitor_heart:"),
        st.Page("pages/backups.py", title="Backups", icon=":material/backup:"),
        st.Page("pages/plugins.py", title="Plugins", icon=":material/extension:"),
    ],
}
page = st.navigation(pages)
# One place names the page for error reports (Sentry's "page" tag): the router, not each page.
st.session_state["_page"] = page.url_path or "library"
try:
    page.run()
except Exception as exc:  # Streamlit shows the error itself; Sentry only hears of it if we say so
    report_error(exc)
    raise
