"""Accounts in the study store: roles, argon2 hashes, throttled sign-in, sessions that end when they should."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from qualia_core.access import allows, is_loopback, sign_in_required, start_problems
from qualia_core.accounts import LOCK_SECONDS, MAX_FAILURES, Accounts
from qualia_core.errors import AccountError, SignInError
from qualia_core.store import Store
from qualia_core.store.models import users

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # the real parameters are tested once below
PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(database_url):
    return Accounts(Store.open(database_url), hasher=FAST)


def test_a_created_account_signs_in_with_its_password_only(accounts):
    accounts.create("ana", PASSWORD, "researcher")
    assert accounts.sign_in("ana", PASSWORD).role == "researcher"
    with pytest.raises(SignInError, match="do not match"):
        accounts.sign_in("ana", PASSWORD + "!")
    with pytest.raises(SignInError, match="do not match"):  # an unknown name gets the same answer
        accounts.sign_in("nobody", PASSWORD)


def test_the_database_keeps_an_argon2id_hash_not_the_password(database_url):
    accounts = Accounts(Store.open(database_url))  # argon2-cffi's defaults: 64 MiB, 3 passes
    accounts.create("ana", PASSWORD, "viewer")
    with accounts.store.engine.connect() as c:
        stored = c.execute(users.select()).one().password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3") and PASSWORD not in stored


def test_repeated_failures_lock_the_account_for_a_while_in_every_process(accounts, database_url):
    accounts.create("ana", PASSWORD, "viewer")
    now = datetime.now(timezone.utc)
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInError):
            accounts.sign_in("ana", "wrong password", now=now)
    other_process = Accounts(Store.open(database_url), hasher=FAST)
    with pytest.raises(SignInError, match="try again in") as refused:
        other_process.sign_in("ana", PASSWORD, now=now)  # even the right password waits
    assert 0 < refused.value.retry_after <= LOCK_SECONDS + 1
    later = now + timedelta(seconds=LOCK_SECONDS + 1)
    assert other_process.sign_in("ana", PASSWORD, now=later).name == "ana"
    accounts.sign_in("ana", PASSWORD, now=later)  # a success resets the count: one more failure doesn't lock
    with pytest.raises(SignInError, match="do not match"):
        accounts.sign_in("ana", "wrong password", now=later)


def test_sessions_end_on_sign_out_expiry_new_password_new_role_and_removal(accounts):
    ana = accounts.create("ana", PASSWORD, "researcher")
    accounts.create("root", PASSWORD, "admin")
    token = accounts.open_session(ana)
    assert accounts.session_account(token).name == "ana"
    accounts.close_session(token)
    assert accounts.session_account(token) is None
    token = accounts.open_session(ana, hours=1)
    assert accounts.session_account(token, now=datetime.now(timezone.utc) + timedelta(hours=2)) is None
    for change in (lambda: accounts.set_password("ana", "another long password"),
                   lambda: accounts.set_role("ana", "viewer"), lambda: accounts.remove("ana")):
        token = accounts.open_session(accounts.get("ana"))
        change()
        assert accounts.session_account(token) is None
    assert accounts.session_account("made-up-token") is None and accounts.session_account(None) is None


def test_the_last_admin_can_be_neither_demoted_nor_removed(accounts):
    accounts.create("root", PASSWORD, "admin")
    with pytest.raises(AccountError, match="last admin"):
        accounts.set_role("root", "researcher")
    with pytest.raises(AccountError, match="last admin"):
        accounts.remove("root")
    accounts.create("second", PASSWORD, "admin")
    accounts.remove("root")
    assert [a.name for a in accounts.list()] == ["second"]


@pytest.mark.parametrize("name, password, role, message", [
    ("", PASSWORD, "viewer", "needs a name"),
    ("ana\x00", PASSWORD, "viewer", "control characters"),
    ("ana\nroot", PASSWORD, "viewer", "control characters"),
    ("a" * 65, PASSWORD, "viewer", "at most 64"),
    ("ana", "short", "viewer", "at least 10"),
    ("ana", PASSWORD, "owner", "Unknown role 'owner'"),
])
def test_bad_accounts_are_refused_with_what_is_wrong(accounts, name, password, role, message):
    with pytest.raises(AccountError, match=message):
        accounts.create(name, password, role)
    assert accounts.count() == 0


def test_a_name_is_taken_once(accounts):
    accounts.create("ana", PASSWORD, "viewer")
    with pytest.raises(AccountError, match="exists already"):
        accounts.create(" ana ", PASSWORD, "admin")


def test_the_first_admin_comes_from_the_configured_password_only_when_no_account_exists(accounts):
    assert accounts.ensure_first_admin("admin", "") is None and accounts.count() == 0
    with pytest.raises(AccountError, match="QUALIA_ADMIN_PASSWORD: a password needs at least 10"):
        accounts.ensure_first_admin("admin", "short")
    assert accounts.ensure_first_admin("boss", PASSWORD).role == "admin"
    assert accounts.ensure_first_admin("other", PASSWORD) is None
    assert [(a.name, a.role) for a in accounts.list()] == [("boss", "admin")]


def test_roles_grant_what_the_issue_names():
    assert allows("viewer", "read") and allows("viewer", "analyze")
    assert not allows("viewer", "edit") and not allows("viewer", "admin")
    assert allows("researcher", "edit") and not allows("researcher", "admin")
    assert all(allows("admin", p) for p in ("read", "analyze", "edit", "admin"))
    assert not allows(None, "read") and not allows("owner", "read")


@pytest.mark.parametrize("address, loopback", [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True),
                                               ("[::1]", True), ("localhost", True), ("0.0.0.0", False),
                                               ("", False), (None, False), ("192.168.1.5", False),
                                               ("example.org", False)])
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


def test_sign_in_is_off_only_on_loopback_without_accounts_unless_told():
    assert not sign_in_required("auto", "127.0.0.1", accounts_exist=False)
    assert sign_in_required("auto", "127.0.0.1", accounts_exist=True)
    assert sign_in_required("auto", "0.0.0.0", accounts_exist=False)
    assert sign_in_required("auto", None, accounts_exist=False)  # Streamlit's default: every interface
    assert sign_in_required("on", "127.0.0.1", accounts_exist=False)
    assert not sign_in_required("off", "127.0.0.1", accounts_exist=True)


def test_the_app_refuses_to_start_open_to_the_network_or_signed_in_without_an_admin():
    assert start_problems("auto", "127.0.0.1", False, False) == []
    assert "no admin account exists" in start_problems("auto", "0.0.0.0", False, False)[0]
    assert "no admin account exists" in start_problems("on", "127.0.0.1", True, False)[0]
    assert "QUALIA_AUTH=off is refused" in start_problems("off", "0.0.0.0", True, True)[0]
    assert start_problems("auto", "0.0.0.0", True, True) == []


def test_at_most_two_passwords_are_hashed_at_once_so_a_burst_of_sign_ins_cannot_exhaust_memory(accounts):
    import threading
    import time

    accounts.create("ana", PASSWORD, "viewer")
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    class Watching(type(FAST)):
        def verify(self, digest, password):
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
            time.sleep(0.05)
            with lock:
                state["now"] -= 1
            return super().verify(digest, password)

    watched = Accounts(accounts.store, hasher=Watching(time_cost=1, memory_cost=1024, parallelism=1))
    threads = [threading.Thread(target=watched.sign_in, args=("ana", PASSWORD)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert state["most"] == 2
