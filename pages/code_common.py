"""What the Code page's parts share: the study's coding (core.codes), who codes, messages that survive a
rerun, and the codebook as choices. Every name here (codes, speakers, meetings, memos) is transcript-derived
text: it goes into select boxes' options, dataframes and st.text, or through markdown_text, never as Markdown."""

from __future__ import annotations

import getpass

import streamlit as st

from pages.access import allowed, check, viewer
from pages.common import get_core
from qualia_core.plain_text import markdown_text as md

#: the permission coding needs (researchers up); viewers read codes, passages, memos and matrices
CODE = "code"
CODER_KEY = "coder_name"  # kept across pages: a widget's own key is dropped when its page is not shown


def coding():
    return get_core().codes


def can_code() -> bool:
    return allowed(CODE)


def check_code(action: str) -> None:
    check(CODE, action)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "researcher"


def coder() -> str:
    """Who codes: the signed-in account; with sign-in off, the name given under "Coding as" (the OS user by
    default)."""
    who = viewer()
    if who is not None and who.signed_in:
        return who.name
    return (st.session_state.get(CODER_KEY) or "").strip() or _os_user()


def coder_field() -> None:
    """With sign-in off, the "Coding as" field (remembered for the session); with sign-in on, who is coding."""
    who = viewer()
    if who is not None and who.signed_in:
        st.caption("Coding as")
        st.text(who.name)
        return
    st.session_state.setdefault(CODER_KEY, _os_user())
    st.session_state["code_coder_field"] = st.session_state[CODER_KEY]
    st.text_input("Coding as", key="code_coder_field", max_chars=100,
                  help="Your name on the passages and memos you write (sign-in is off, so Qualia cannot tell).",
                  on_change=lambda: st.session_state.__setitem__(
                      CODER_KEY, st.session_state["code_coder_field"].strip() or _os_user()))


def say(level: str, text: str) -> None:
    """A message for the next run (after st.rerun), shown by `messages()`. `text` is shown as plain text."""
    st.session_state.setdefault("code_messages", []).append((level, text))


def messages() -> None:
    for level, text in st.session_state.pop("code_messages", []):
        getattr(st, level)(md(text))


def codebook():
    """The codes in tree order."""
    return coding().codebook()


def code_paths(codes) -> dict[int, str]:
    return {c.id: c.path for c in codes}


def indented(code) -> str:
    """A code's name indented by its depth in the tree (for tables and pickers)."""
    depth = code.path.count(" › ")
    return "\u2003" * depth + code.name


def entries_by_id() -> dict:
    return {e.id: e for e in get_core().library.list()}
