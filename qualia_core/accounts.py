"""Accounts of a study, kept in the study database: names, roles, argon2 password hashes, sessions, throttling.

    accounts = Accounts(core.library.store)
    accounts.create("ana", "a long passphrase", "researcher")
    account = accounts.sign_in("ana", "a long passphrase")     # SignInError when wrong or throttled
    token = accounts.open_session(account)                      # goes into the browser's cookie, nowhere else
    accounts.session_account(token)                             # the Account, or None once expired or revoked

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile: 64 MiB, 3 passes), so a
stolen database costs an attacker that much per guess. After MAX_FAILURES wrong passwords in a row an account is
locked for LOCK_SECONDS, doubling with every further failure up to LOCK_MAX_SECONDS; the lock lives in the
database, so every app process and the command line see it. An unknown name costs the same hash as a known one
and gets the same message. Sessions are random 256-bit tokens; the database keeps only their sha256, and a new
password, a new role or a removed account ends that account's sessions.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .access import ROLES
from .errors import AccountError, SignInError

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 hashes any length; this bounds the cost of a pasted novel
MAX_NAME = 64
MAX_FAILURES = 5
LOCK_SECONDS = 30
LOCK_MAX_SECONDS = 15 * 60
SESSION_HOURS = 12
#: argon2 computations at once in this process: each takes 64 MiB, so a burst of sign-ins can't exhaust memory
HASHING = threading.BoundedSemaphore(2)


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    created_at: datetime


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes for timezone-aware columns: they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    """The account name, trimmed; AccountError when it is empty, too long or holds control characters."""
    name = (name or "").strip()
    if not name:
        raise AccountError("An account needs a name.")
    if len(name) > MAX_NAME:
        raise AccountError(f"Account names are at most {MAX_NAME} characters (this one has {len(name)}).")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise AccountError("An account name cannot hold control characters (such as NUL, tabs or newlines).")
    return name


def check_password(password: str, *, setting: str | None = None) -> str:
    where = f"{setting}: " if setting else ""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"{where}a password needs at least {MIN_PASSWORD} characters "
                           f"(a few words of a sentence are easy to remember).")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"{where}a password may have at most {MAX_PASSWORD} characters.")
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    return role


class _Bounded:
    """A PasswordHasher whose hash and verify wait for one of the HASHING slots. argon2 loads on the first
    password checked: an app without sign-in never loads it."""

    def __init__(self, hasher=None):
        self._given = hasher

    @property
    def _hasher(self):
        if self._given is None:
            from argon2 import PasswordHasher

            self._given = PasswordHasher()
        return self._given

    def hash(self, password: str) -> str:
        with HASHING:
            return self._hasher.hash(password)

    def verify(self, digest: str, password: str) -> bool:
        with HASHING:
            return self._hasher.verify(digest, password)

    def check_needs_rehash(self, digest: str) -> bool:
        return self._hasher.check_needs_rehash(digest)


class Accounts:
    """The accounts of one study database (a qualia_core.store.Store)."""

    def __init__(self, store, hasher=None):
        self.store = store
        self.hasher = _Bounded(hasher)
        self._dummy_hash = None

    # -- reading --

    def list(self) -> list[Account]:
        from sqlalchemy import select

        from .store.models import users

        with self.store.engine.connect() as c:
            rows = c.execute(select(users.c.id, users.c.name, users.c.role, users.c.created_at)
                             .order_by(users.c.name)).all()
        return [Account(r.id, r.name, r.role, _aware(r.created_at)) for r in rows]

    def count(self, role: str | None = None) -> int:
        from sqlalchemy import func, select

        from .store.models import users

        query = select(func.count()).select_from(users)
        if role:
            query = query.where(users.c.role == role)
        with self.store.engine.connect() as c:
            return c.execute(query).scalar_one()

    def get(self, name: str) -> Account:
        for account in self.list():
            if account.name == name:
                return account
        raise AccountError(f"No account named {name!r}.")

    # -- changing --

    def create(self, name: str, password: str, role: str) -> Account:
        from sqlalchemy import insert, select
        from sqlalchemy.exc import IntegrityError

        from .store.models import users

        name, role = check_name(name), check_role(role)
        digest = self.hasher.hash(check_password(password))
        try:
            with self.store.transaction() as c:
                if c.execute(select(users.c.id).where(users.c.name == name)).first():
                    raise AccountError(f"An account named {name!r} exists already.")
                c.execute(insert(users), {"name": name, "password_hash": digest, "role": role,
                                          "created_at": _now(), "failed_signins": 0})
        except IntegrityError:  # another process created it between our check and our insert
            raise AccountError(f"An account named {name!r} exists already.") from None
        return self.get(name)

    def set_role(self, name: str, role: str) -> Account:
        account = self.get(name)
        check_role(role)
        if account.role == "admin" and role != "admin":
            self._keep_an_admin(name)
        self._update(name, role=role)
        self._end_sessions(account.id)
        return self.get(name)

    def set_password(self, name: str, password: str) -> None:
        account = self.get(name)
        self._update(name, password_hash=self.hasher.hash(check_password(password)), failed_signins=0,
                     locked_until=None)
        self._end_sessions(account.id)

    def remove(self, name: str) -> None:
        from sqlalchemy import delete

        from .store.models import sessions, users

        account = self.get(name)
        if account.role == "admin":
            self._keep_an_admin(name)
        with self.store.transaction() as c:
            c.execute(delete(sessions).where(sessions.c.user_id == account.id))
            c.execute(delete(users).where(users.c.id == account.id))

    def ensure_first_admin(self, name: str, password: str) -> Account | None:
        """At start: when no account exists and a password is configured, create the first admin with it.
        Returns the new account (None when accounts exist or no password is set)."""
        if not password or self.count():
            return None
        check_password(password, setting="QUALIA_ADMIN_PASSWORD")
        try:
            return self.create(name or "admin", password, "admin")
        except AccountError:
            if self.count():  # another process starting together created it first
                return None
            raise

    # -- signing in --

    def sign_in(self, name: str, password: str, now: datetime | None = None) -> Account:
        """The account when `password` is right. SignInError otherwise, with the same message whether the name
        exists or not, and with `retry_after` while the account is locked after repeated failures."""
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
        from sqlalchemy import select

        from .store.models import users

        now = now or _now()
        wrong = SignInError("That name and password do not match an account.")
        with self.store.engine.connect() as c:
            row = c.execute(select(users).where(users.c.name == (name or "").strip())).first()
        if row is None or len(password or "") > MAX_PASSWORD:
            self._verify_dummy(password or "")  # the same cost as a real check: names can't be probed by timing
            raise wrong
        locked_until = _aware(row.locked_until)
        if locked_until and locked_until > now:
            wait = int((locked_until - now).total_seconds()) + 1
            raise SignInError(f"Too many wrong passwords for this account: try again in {wait} s.", retry_after=wait)
        try:
            self.hasher.verify(row.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            self._record_failure(row, now)
            raise wrong from None
        self._update(row.name, failed_signins=0, locked_until=None)
        if self.hasher.check_needs_rehash(row.password_hash):
            self._update(row.name, password_hash=self.hasher.hash(password))
        return Account(row.id, row.name, row.role, _aware(row.created_at))

    def open_session(self, account: Account, hours: float = SESSION_HOURS, now: datetime | None = None) -> str:
        """A new session for `account`: the token for the cookie (the database keeps only its hash)."""
        from sqlalchemy import delete, insert

        from .store.models import sessions

        now = now or _now()
        token = secrets.token_urlsafe(32)
        with self.store.transaction() as c:
            c.execute(delete(sessions).where(sessions.c.expires_at < now))  # expired ones go as new ones come
            c.execute(insert(sessions), {"token_hash": _token_hash(token), "user_id": account.id,
                                         "created_at": now, "expires_at": now + timedelta(hours=hours)})
        return token

    def session_account(self, token: str | None, now: datetime | None = None) -> Account | None:
        """The account a session token belongs to, or None (unknown, expired, revoked or malformed)."""
        from sqlalchemy import select

        from .store.models import sessions, users

        if not isinstance(token, str) or not token or len(token) > 200:
            return None
        now = now or _now()
        with self.store.engine.connect() as c:
            row = c.execute(select(users.c.id, users.c.name, users.c.role, users.c.created_at,
                                   sessions.c.expires_at)
                            .join(sessions, sessions.c.user_id == users.c.id)
                            .where(sessions.c.token_hash == _token_hash(token))).first()
        if row is None or _aware(row.expires_at) <= now:
            return None
        return Account(row.id, row.name, row.role, _aware(row.created_at))

    def close_session(self, token: str | None) -> None:
        from sqlalchemy import delete

        from .store.models import sessions

        if token:
            with self.store.transaction() as c:
                c.execute(delete(sessions).where(sessions.c.token_hash == _token_hash(token)))

    # -- helpers --

    def _update(self, name: str, **values) -> None:
        from sqlalchemy import update

        from .store.models import users

        with self.store.transaction() as c:
            c.execute(update(users).where(users.c.name == name).values(**values))

    def _end_sessions(self, user_id: int) -> None:
        from sqlalchemy import delete

        from .store.models import sessions

        with self.store.transaction() as c:
            c.execute(delete(sessions).where(sessions.c.user_id == user_id))

    def _keep_an_admin(self, name: str) -> None:
        if self.count("admin") <= 1:
            raise AccountError(f"{name!r} is the last admin: make another account admin first, "
                               f"or nobody could manage accounts and backups.")

    def _record_failure(self, row, now: datetime) -> None:
        from sqlalchemy import update

        from .store.models import users

        failures = row.failed_signins + 1
        values = {"failed_signins": users.c.failed_signins + 1}
        if failures >= MAX_FAILURES:
            seconds = min(LOCK_SECONDS * 2 ** (failures - MAX_FAILURES), LOCK_MAX_SECONDS)
            values["locked_until"] = now + timedelta(seconds=seconds)
        with self.store.transaction() as c:
            c.execute(update(users).where(users.c.id == row.id).values(**values))

    def _verify_dummy(self, password: str) -> None:
        from argon2.exceptions import VerificationError

        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        try:
            self.hasher.verify(self._dummy_hash, password[:MAX_PASSWORD])
        except VerificationError:
            pass


def door_problems(store, mode: str, address: str | None, admin_user: str, admin_password: str,
                  what: str = "the app") -> list[str]:
    """At a door's start: create the first admin from the settings when no account exists, then say why the door
    must not serve (sign-in on without an admin, or off beyond loopback). Empty when it may."""
    from .access import start_problems

    accounts = Accounts(store)
    try:
        accounts.ensure_first_admin(admin_user, admin_password)
    except AccountError as exc:
        return [str(exc)]
    return start_problems(mode, address, accounts.count() > 0, accounts.count("admin") > 0, what=what)
