"""The admin password that guards Restore, Delete and Upload on the Backups page.

QUALIA_ADMIN_PASSWORD (read through qualia_core.config: the environment, then an optional .env);
empty means no password is asked. The comparison takes the same time however much of the typed
text is right (hmac.compare_digest), so the password cannot be guessed by timing.
"""

from __future__ import annotations

import hmac

from qualia_core import config


def _password() -> str:
    return config.get("QUALIA_ADMIN_PASSWORD") or ""


def password_required() -> bool:
    """True when QUALIA_ADMIN_PASSWORD is set, so restore, delete and upload must ask for it."""
    return bool(_password())


def check_password(typed: str) -> bool:
    """True when no password is required, or `typed` is exactly the admin password."""
    password = _password()
    if not password:
        return True
    return hmac.compare_digest((typed or "").encode("utf-8"), password.encode("utf-8"))
