"""The one place the app runs a script in the browser: writing the session cookie after a sign-in or sign-out.

Streamlit reads cookies (`st.context.cookies`) but has no call to set one, so a two-line script does it. Nothing
from a transcript or a user ever reaches the script: only the cookie's name, a session token of URL-safe
characters (`secrets.token_urlsafe`, checked here) and a number. The cookie is SameSite=Strict, and Secure when
the page came over HTTPS; a script can't make it HttpOnly, which is why the app never renders HTML or Markdown
from transcripts (a stolen token also dies with its session: sign-out, a new password or role, or expiry).
"""

from __future__ import annotations

import re

import streamlit as st

_SAFE = re.compile(r"[A-Za-z0-9_-]*")


def write_session_cookie(name: str, token: str, hours: float) -> None:
    """Set the cookie `name` to `token` for `hours` (0 with an empty token: delete it)."""
    if not (_SAFE.fullmatch(name) and _SAFE.fullmatch(token)):
        raise ValueError("a cookie name or token with characters other than letters, digits, - and _")
    age = int(hours * 3600)
    st.html(f"<script>document.cookie = '{name}={token}; Path=/; Max-Age={age}; SameSite=Strict'"
            f" + (location.protocol === 'https:' ? '; Secure' : '');</script>", unsafe_allow_javascript=True)
