"""Who is asking, for every page and action of the app (the rules are qualia_core.access's; this is the door).

When sign-in is on, the session's account comes from a session token: kept in `st.session_state` for the
session, and in the browser's `qualia_session` cookie so a reload keeps you signed in (the database keeps only
the token's hash, so a stolen database opens no session). When it is off (one researcher on loopback), every
session acts as the local admin.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from qualia_core.access import LOCAL_ROLE, allows, needed_role, sign_in_required  # noqa: F401 - allows: for the router
from qualia_core.errors import PermissionDeniedError

from .common import get_core, setting

COOKIE = "qualia_session"
TOKEN = "_session_token"


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str
    signed_in: bool


def accounts():
    from qualia_core.accounts import Accounts

    return Accounts(get_core().library.store)


def listen_address() -> str | None:
    return st.get_option("server.address") or None


def sign_in_on() -> bool:
    return sign_in_required(setting("QUALIA_AUTH"), listen_address(), accounts().count() > 0)


def door_problems() -> list[str]:
    """Why the app must not serve anything (creating the first admin from the settings when none exists)."""
    from qualia_core.accounts import door_problems as problems

    return problems(get_core().library.store, setting("QUALIA_AUTH"), listen_address(), setting("QUALIA_ADMIN_USER"),
                    setting("QUALIA_ADMIN_PASSWORD"))


def viewer() -> Viewer | None:
    """The account of this session (None: sign-in is on and nobody valid is signed in)."""
    if not sign_in_on():
        return Viewer("local", LOCAL_ROLE, signed_in=False)
    token = st.session_state.get(TOKEN) or st.context.cookies.get(COOKIE)
    account = accounts().session_account(token)
    if account is None:
        st.session_state.pop(TOKEN, None)
        return None
    st.session_state[TOKEN] = token
    return Viewer(account.name, account.role, signed_in=True)


def allowed(permission: str) -> bool:
    who = viewer()
    return allows(who.role if who else None, permission)


def require(permission: str, action: str = "This page") -> Viewer:
    """The viewer, when their role has `permission`; otherwise the page says why and stops."""
    who = viewer()
    if who is None or not allows(who.role, permission):
        st.error(str(PermissionDeniedError(action, who.role if who else None, needed_role(permission))),
                 icon=":material/lock:")
        st.stop()
    return who


def check(permission: str, action: str) -> None:
    """For actions (button callbacks): raise PermissionDeniedError unless the viewer may."""
    who = viewer()
    if who is None or not allows(who.role, permission):
        raise PermissionDeniedError(action, who.role if who else None, needed_role(permission))


def remember(token: str) -> None:
    """After a sign-in: keep the token for this session and, on the next run, in the browser's cookie."""
    st.session_state[TOKEN] = token
    st.session_state["_cookie_pending"] = ("set", token)


def forget() -> None:
    """Sign out: end the session in the database and clear the cookie."""
    accounts().close_session(st.session_state.pop(TOKEN, None) or st.context.cookies.get(COOKIE))
    st.session_state["_cookie_pending"] = ("clear", "")


def write_cookie() -> None:
    """Apply a pending cookie change in the browser (after a sign-in or a sign-out)."""
    pending = st.session_state.pop("_cookie_pending", None)
    if pending is not None:
        from .cookie import write_session_cookie

        action, token = pending
        hours = float(setting("QUALIA_SESSION_HOURS")) if action == "set" else 0
        write_session_cookie(COOKIE, token, hours)
