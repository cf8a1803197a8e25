"""Qualia: the app's frame and router. Pages live in pages/; they only call qualia_core (and ops).

Who is asking decides what is routed: while sign-in is on (qualia_core.access) and nobody is signed in, the
only page is Sign in; a signed-in account sees the pages its role may use, and each page checks again."""

import streamlit as st

from pages.common import report_error, start_up

# A local icon: a :material/…: page icon makes the browser fetch the favicon from fonts.gstatic.com.
st.set_page_config(page_title="Qualia", page_icon="assets/qualia_icon.png", layout="wide")

problems = start_up()


def route() -> None:
    """Who is asking, then the pages their role may use."""
    from pages.access import allows, door_problems, forget, viewer, write_cookie

    st.session_state["_page"] = "start"  # until a page is chosen: errors opening the study are the start's
    if problems or (problems_at_the_door := door_problems()):
        st.error("Qualia cannot start because of its configuration (environment variables or .env):\n\n"
                 + "\n".join(f"- {p}" for p in problems or problems_at_the_door))
        st.stop()
    write_cookie()
    who = viewer()
    if who is None:
        st.session_state["_page"] = "signin"
        st.navigation([st.Page("pages/signin.py", title="Sign in", icon=":material/login:", default=True)]).run()
        return
    pages = {
        "Research": [
            st.Page("pages/library.py", title="Library", icon=":material/library_books:", default=True),
            st.Page("pages/analyze.py", title="Analyze", icon=":material/analytics:"),
            st.Page("pages/explore.py", title="Explore", icon=":material/travel_explore:"),
            st.Page("pages/code.py", title="Code", icon=":material/sell:"),
        ],
    }
    if allows(who.role, "admin"):
        pages["Operations"] = [
            st.Page("pages/health.py", title="Health", icon=":material/monitor_heart:"),
            st.Page("pages/backups.py", title="Backups", icon=":material/backup:"),
            st.Page("pages/plugins.py", title="Plugins", icon=":material/extension:"),
            st.Page("pages/users.py", title="Users", icon=":material/group:"),
        ]
    page = st.navigation(pages)
    if who.signed_in:
        with st.sidebar:
            st.caption("Signed in as")
            st.text(f"{who.name} ({who.role})")  # plain text: never Markdown
            if st.button("Sign out", key="signout", icon=":material/logout:"):
                forget()
                st.rerun()
    # One place names the page for error reports (Sentry's "page" tag): the router, not each page.
    st.session_state["_page"] = page.url_path or "library"
    page.run()


try:
    route()
except Exception as exc:  # Streamlit shows the error itself; Sentry only hears of it if we say so
    report_error(exc)
    raise
