"""API tokens (qualia_core.tokens): hashed, shown once, acting with the account's current role, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from qualia_core.accounts import Accounts
from qualia_core.errors import AccountError
from qualia_core.store import Store
from qualia_core.store.models import api_tokens
from qualia_core.tokens import PREFIX, TOUCH_EVERY, Tokens, token_hash

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"


@pytest.fixture
def store(database_url):
    store = Store.open(database_url)
    accounts = Accounts(store, hasher=FAST)
    accounts.create("root", PASSWORD, "admin")
    accounts.create("ana", PASSWORD, "researcher")
    yield store
    store.close()


def test_a_new_token_acts_as_its_account_and_only_its_hash_is_kept(store):
    tokens = Tokens(store)
    token, secret = tokens.create("ana", label="R scripts")
    assert secret.startswith(PREFIX) and len(secret) > 40
    assert (token.user_name, token.label, token.active) == ("ana", "R scripts", True)
    account = tokens.account_for(secret)
    assert (account.name, account.role) == ("ana", "researcher")
    with store.engine.connect() as c:
        stored = c.execute(select(api_tokens.c.token_hash)).scalar_one()
    assert stored == token_hash(secret) and secret not in stored
    assert tokens.get(token.id).last_used_at is not None  # the first use is recorded


def test_unknown_malformed_and_revoked_secrets_act_as_nobody(store):
    tokens = Tokens(store)
    token, secret = tokens.create("ana")
    other, other_secret = tokens.create("ana", "second")
    for wrong in (None, "", "qla_made-up", secret + "x", secret[len(PREFIX):], PREFIX + "x" * 500, 42):
        assert tokens.account_for(wrong) is None
    revoked = tokens.revoke(token.id)
    assert revoked.revoked_at is not None and not revoked.active
    assert tokens.account_for(secret) is None
    assert tokens.account_for(other_secret).name == "ana"  # the other token still works
    assert tokens.revoke(token.id).revoked_at == revoked.revoked_at  # revoking twice keeps the first time


def test_a_role_change_applies_at_once_and_removing_the_account_deletes_its_tokens(store):
    tokens, accounts = Tokens(store), Accounts(store, hasher=FAST)
    _, secret = tokens.create("ana")
    accounts.set_role("ana", "viewer")
    assert tokens.account_for(secret).role == "viewer"
    accounts.set_password("ana", "another long password")
    assert tokens.account_for(secret).name == "ana"  # tokens are separate credentials
    accounts.remove("ana")
    assert tokens.account_for(secret) is None
    assert tokens.list() == []


def test_list_revoke_all_and_bad_input_name_what_is_wrong(store):
    tokens = Tokens(store)
    first, _ = tokens.create("ana", "one")
    second, _ = tokens.create("ana", "two")
    root, root_secret = tokens.create("root")
    assert [t.id for t in tokens.list("ana")] == [second.id, first.id]  # newest first
    assert {t.user_name for t in tokens.list()} == {"ana", "root"}
    assert tokens.revoke_all("ana") == 2
    assert tokens.revoke_all("ana") == 0
    assert all(not t.active for t in tokens.list("ana")) and tokens.account_for(root_secret).name == "root"
    with pytest.raises(AccountError, match="No account named 'nobody'"):
        tokens.create("nobody")
    with pytest.raises(AccountError, match="No account named 'nobody'"):
        tokens.list("nobody")
    with pytest.raises(AccountError, match="No API token with id 999"):
        tokens.revoke(999)
    with pytest.raises(AccountError, match="label is at most 100"):
        tokens.create("ana", "x" * 101)
    with pytest.raises(AccountError, match="control characters"):
        tokens.create("ana", "a\nb")


def test_last_use_is_written_at_most_once_a_minute(store):
    tokens = Tokens(store)
    token, secret = tokens.create("ana")
    tokens.account_for(secret)
    first = tokens.get(token.id).last_used_at
    tokens.account_for(secret, now=first + TOUCH_EVERY / 2)
    assert tokens.get(token.id).last_used_at == first
    later = first + TOUCH_EVERY + timedelta(seconds=1)
    tokens.account_for(secret, now=later)
    assert tokens.get(token.id).last_used_at == later
