"""Who runs a `qualia` command, when sign-in is on for the study (the same rule and accounts as the app's)."""

from __future__ import annotations

import getpass
import sys

from qualia_core import config
from qualia_core.access import allows, needed_role, sign_in_required
from qualia_core.errors import PermissionDeniedError


def signed_in(accounts, permission: str, action: str):
    """The account running the command when sign-in is on (None when it is off: one researcher on this
    machine). Raises SignInError for a wrong name or password, PermissionDeniedError for a role that may not."""
    if not sign_in_required(config.get("QUALIA_AUTH"), "127.0.0.1", accounts.count() > 0):
        return None
    name = config.get("QUALIA_USER") or _ask("Account name: ", secret=False)
    password = config.get("QUALIA_PASSWORD") or _ask(f"Password for {name}: ", secret=True)
    account = accounts.sign_in(name, password)
    if not allows(account.role, permission):
        raise PermissionDeniedError(action, account.role, needed_role(permission))
    return account


def _ask(prompt: str, secret: bool) -> str:
    if not sys.stdin.isatty():
        from qualia_core.errors import SignInError

        raise SignInError("Sign-in is on for this study: set QUALIA_USER and QUALIA_PASSWORD, or run the command "
                          "in a terminal to be asked.")
    return getpass.getpass(prompt) if secret else input(prompt)
