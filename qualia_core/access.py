"""Who may do what, and when Qualia asks who is there. One home for these rules; every door applies them.

Roles, from least to most trusted:

    viewer      reads the library, explores, searches and runs analyses (which change nothing in the study)
    researcher  also adds, renames, deletes and pseudonymises documents, names speakers and participants, codes
    admin       also manages accounts, backups (create, download, upload, verify, restore, delete) and plugins

Sign-in (QUALIA_AUTH):

    auto (default)  off only for one researcher on this machine: the app listens on a loopback address
                    (127.0.0.1, ::1, localhost) and no account exists yet; on otherwise
    on              always on
    off             never on; refused (Qualia will not start) when the app listens beyond loopback

When sign-in is on, Qualia refuses to start without an admin account: create one with `qualia users add NAME
--role admin`, or set QUALIA_ADMIN_PASSWORD (and optionally QUALIA_ADMIN_USER) so the first admin is created
at start.
"""

from __future__ import annotations

import ipaddress

ROLES = ("viewer", "researcher", "admin")

#: permission -> the least role that has it
PERMISSIONS = {
    "read": "viewer",  # see documents, their text, speakers, results
    "analyze": "viewer",  # run plugins and corpus views (results are derived, the study is unchanged)
    "edit": "researcher",  # change the study: documents, names, pseudonyms, coding
    "code": "researcher",  # change the coding: codebook, passages, memos, auto-coding, REFI-QDA import
    "admin": "admin",  # accounts, backups and restore, plugins' circuit breakers
}

#: the account a door acts as when sign-in is off (one researcher on a laptop)
LOCAL_ROLE = "admin"


def allows(role: str | None, permission: str) -> bool:
    """True when `role` has `permission` (None, nobody signed in, has none)."""
    needed = PERMISSIONS[permission]
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def needed_role(permission: str) -> str:
    return PERMISSIONS[permission]


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine can reach. None or empty means every interface (not loopback)."""
    if not address:
        return False
    host = address.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def sign_in_required(mode: str, address: str | None, accounts_exist: bool) -> bool:
    """Whether the door at `address` asks who is there, for QUALIA_AUTH=`mode` (auto, on, off)."""
    if mode == "on":
        return True
    if mode == "off":
        return False
    return accounts_exist or not is_loopback(address)


def start_problems(mode: str, address: str | None, accounts_exist: bool, admin_exists: bool,
                   what: str = "the app") -> list[str]:
    """Why a door must not start with these settings (empty when it may)."""
    where = address or "every network interface"
    if mode == "off" and not is_loopback(address):
        return [f"QUALIA_AUTH=off is refused: {what} listens on {where}, beyond this machine, where anyone who "
                f"reaches the port would read every transcript. Listen on 127.0.0.1 (the default), or turn "
                f"sign-in on (QUALIA_AUTH=auto or on) and create an admin."]
    if sign_in_required(mode, address, accounts_exist) and not admin_exists:
        return [f"Sign-in is on ({what} listens on {where}, QUALIA_AUTH={mode}) but no admin account exists: "
                f"set QUALIA_ADMIN_PASSWORD (the first admin, named by QUALIA_ADMIN_USER, is created at start) "
                f"or run `qualia users add NAME --role admin`."]
    return []
