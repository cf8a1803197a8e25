"""API tokens: secrets a script or another service sends instead of a name and password (the REST API's Bearer
token). A token belongs to an account and acts with that account's role *as it is now*:

    tokens = Tokens(core.library.store)
    token, secret = tokens.create("ana", label="R scripts")   # the secret is shown once; only its sha256 is kept
    tokens.account_for(secret)                                # the Account (current role), or None
    tokens.revoke(token.id)                                   # or tokens.revoke_all("ana")

A secret is 256 random bits, prefixed `qla_` so it is recognisable in a leaked file (and by secret scanners).
The database keeps only its sha256: the secret has full entropy, so a plain hash suffices (a slow password hash
would make every API request pay for argon2). The rules, decided here once:

- a changed role applies at once: `account_for` reads the account's current role with every request (a
  password change leaves tokens alone: they are separate credentials; revoke them when a person leaves);
- removing an account deletes its tokens (the table's foreign key cascades);
- a revoked token stays listed (with when it was revoked) and never works again.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .accounts import Account, Accounts, _aware
from .errors import AccountError

PREFIX = "qla_"
MAX_LABEL = 100
MAX_SECRET = 200  # longer strings are never a token: refused before hashing
#: last_used_at is written at most this often per token, so a busy script doesn't turn every read into a write
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiToken:
    id: int
    user_name: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_label(label: str | None) -> str:
    label = (label or "").strip()
    if len(label) > MAX_LABEL:
        raise AccountError(f"A token's label is at most {MAX_LABEL} characters (this one has {len(label)}).")
    if any(unicodedata.category(ch).startswith("C") for ch in label):
        raise AccountError("A token's label cannot hold control characters (such as tabs or newlines).")
    return label


class Tokens:
    """The API tokens of one study database (a qualia_core.store.Store)."""

    def __init__(self, store):
        self.store = store

    def _select(self):
        from sqlalchemy import select

        from .store.models import api_tokens, users

        return (select(api_tokens.c.id, users.c.name, api_tokens.c.label, api_tokens.c.created_at,
                       api_tokens.c.last_used_at, api_tokens.c.revoked_at)
                .join(users, users.c.id == api_tokens.c.user_id))

    @staticmethod
    def _token(row) -> ApiToken:
        return ApiToken(row.id, row.name, row.label, _aware(row.created_at), _aware(row.last_used_at),
                        _aware(row.revoked_at))

    def create(self, user_name: str, label: str = "") -> tuple[ApiToken, str]:
        """A new token for the account `user_name`: (its record, the secret). The secret is not kept anywhere:
        show it once. AccountError for an unknown account or a bad label."""
        from sqlalchemy import insert

        from .store.models import api_tokens

        account = Accounts(self.store).get(user_name)
        label = check_label(label)
        secret = PREFIX + secrets.token_urlsafe(32)
        with self.store.transaction() as c:
            new_id = c.execute(insert(api_tokens).values(
                user_id=account.id, label=label, token_hash=token_hash(secret), created_at=_now())
            ).inserted_primary_key[0]
        return self.get(new_id), secret

    def get(self, token_id: int) -> ApiToken:
        from .store.models import api_tokens

        with self.store.engine.connect() as c:
            row = c.execute(self._select().where(api_tokens.c.id == token_id)).first()
        if row is None:
            raise AccountError(f"No API token with id {token_id}: `qualia token list` shows them.")
        return self._token(row)

    def list(self, user_name: str | None = None) -> list[ApiToken]:
        """Every token (revoked ones too), newest first; only `user_name`'s when given."""
        from .store.models import api_tokens, users

        query = self._select().order_by(api_tokens.c.created_at.desc(), api_tokens.c.id.desc())
        if user_name is not None:
            Accounts(self.store).get(user_name)  # an unknown name is an error, not an empty list
            query = query.where(users.c.name == user_name)
        with self.store.engine.connect() as c:
            return [self._token(r) for r in c.execute(query)]

    def revoke(self, token_id: int) -> ApiToken:
        """Revoke one token (it never works again); revoking it twice keeps the first time."""
        from sqlalchemy import update

        from .store.models import api_tokens

        self.get(token_id)
        with self.store.transaction() as c:
            c.execute(update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                      .values(revoked_at=_now()))
        return self.get(token_id)

    def revoke_all(self, user_name: str) -> int:
        """Revoke every active token of `user_name`; returns how many were revoked."""
        from sqlalchemy import update

        from .store.models import api_tokens

        account = Accounts(self.store).get(user_name)
        with self.store.transaction() as c:
            return c.execute(update(api_tokens).where(api_tokens.c.user_id == account.id,
                                                      api_tokens.c.revoked_at.is_(None))
                             .values(revoked_at=_now())).rowcount

    def account_for(self, secret: str | None, now: datetime | None = None) -> Account | None:
        """The account (with its current role) an active token belongs to; None for anything else."""
        from sqlalchemy import select, update

        from .store.models import api_tokens, users

        if not isinstance(secret, str) or not secret.startswith(PREFIX) or len(secret) > MAX_SECRET:
            return None
        now = now or _now()
        with self.store.engine.connect() as c:
            row = c.execute(select(api_tokens.c.id, api_tokens.c.last_used_at, users.c.id.label("user_id"),
                                   users.c.name, users.c.role, users.c.created_at)
                            .join(users, users.c.id == api_tokens.c.user_id)
                            .where(api_tokens.c.token_hash == token_hash(secret),
                                   api_tokens.c.revoked_at.is_(None))).first()
        if row is None:
            return None
        last = _aware(row.last_used_at)
        if last is None or now - last >= TOUCH_EVERY:
            with self.store.transaction() as c:
                c.execute(update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=now))
        return Account(row.user_id, row.name, row.role, _aware(row.created_at))


__all__ = ["ApiToken", "Tokens", "PREFIX", "token_hash", "check_label"]
