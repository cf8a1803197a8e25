"""Who the API lets in, in-process (FastAPI's TestClient): the local researcher only where the app has no
sign-in, tokens following their account's current role, CORS only when configured, and no traceback ever."""

from __future__ import annotations

import logging

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api.app import create_app
from qualia_core import QualiaCore
from qualia_core.accounts import Accounts
from qualia_core.tokens import Tokens

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"
NOTE = ("note.txt", b"Ana: the budget meeting is on friday\nBruno: friday works for me\n")


@pytest.fixture
def core(data_dir, monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")
    monkeypatch.setenv("QUALIA_CORPUS_WORKERS", "1")
    return QualiaCore()


def client(core, address="127.0.0.1") -> TestClient:
    return TestClient(create_app(core, address=address), raise_server_exceptions=False)


def test_without_accounts_on_loopback_requests_act_as_the_local_researcher(core):
    api = client(core)
    added = api.post("/documents", files={"file": NOTE})
    assert added.status_code == 201, added.text
    assert api.get("/documents").json()[0]["id"] == added.json()["id"]


def test_beyond_loopback_or_once_an_account_exists_a_token_is_needed(core):
    assert client(core, address="0.0.0.0").get("/documents").status_code == 401
    Accounts(core.library.store, hasher=FAST).create("root", PASSWORD, "admin")
    refused = client(core).get("/documents")
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/problem+json"


def test_off_means_no_token_on_loopback_even_with_accounts(core, monkeypatch):
    Accounts(core.library.store, hasher=FAST).create("root", PASSWORD, "admin")
    monkeypatch.setenv("QUALIA_AUTH", "off")
    assert client(core).get("/documents").status_code == 200


def test_a_token_follows_its_accounts_role_and_stops_when_revoked(core):
    accounts, tokens = Accounts(core.library.store, hasher=FAST), Tokens(core.library.store)
    accounts.create("root", PASSWORD, "admin")
    accounts.create("ana", PASSWORD, "researcher")
    token, secret = tokens.create("ana")
    api = client(core)
    api.headers["Authorization"] = f"Bearer {secret}"
    assert api.post("/documents", files={"file": NOTE}).status_code == 201
    accounts.set_role("ana", "viewer")
    refused = api.post("/documents", files={"file": ("other.txt", b"Ana: something else\n")})
    assert refused.status_code == 403 and refused.json()["needed_role"] == "researcher"
    assert api.get("/documents").status_code == 200
    tokens.revoke(token.id)
    assert api.get("/documents").status_code == 401


def test_cors_is_off_by_default_and_follows_the_setting(core, monkeypatch):
    preflight = {"Origin": "https://lab.example.org", "Access-Control-Request-Method": "GET"}
    assert "access-control-allow-origin" not in client(core).options("/documents", headers=preflight).headers
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://lab.example.org")
    allowed = client(core).options("/documents", headers=preflight)
    assert allowed.headers["access-control-allow-origin"] == "https://lab.example.org"
    other = client(core).options("/documents", headers={**preflight, "Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_an_unexpected_error_is_a_problem_with_a_reference_and_its_text_is_not_logged(core, caplog):
    app = create_app(core, address="127.0.0.1")

    @app.get("/boom")
    def boom():
        raise RuntimeError("Ana said the budget is secret")

    with caplog.at_level(logging.ERROR):
        response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500 and response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["reference"] in body["detail"] and "Traceback" not in response.text
    assert "budget" not in response.text and "budget" not in caplog.text
    assert body["reference"] in caplog.text and "RuntimeError" in caplog.text
