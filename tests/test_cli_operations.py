"""`qualia backup`, `serve` and `token`: the operators' commands, through the ops and API code they call."""

from __future__ import annotations

import importlib.util
import sys
import types

from qualia_core import QualiaCore
from qualia_core.accounts import Accounts
from qualia_core.tokens import Tokens
from tests.cli_runner import MEETING, add_accounts, one_line, qualia  # noqa: F401 - a fixture


def test_backup_commands_are_the_ops_ones(qualia, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "backups"))
    QualiaCore(data_dir=data_dir, entry_points=False).library.add(MEETING.name, MEETING.read_bytes())
    made = qualia("backup", "create")
    if importlib.util.find_spec("ops") is None:  # a checkout without ops/ (tests/test_without_ops.py runs one)
        assert made.exit_code == 2 and "backups need the ops package" in made.stderr
        assert not (tmp_path / "backups").exists()
        return
    assert made.exit_code == 0, made.stderr
    archive = next((tmp_path / "backups").glob("qualia_backup_*.tar.gz"))
    assert archive.name in qualia("backup", "list").stdout
    checked = qualia("backup", "verify", archive.name)
    assert checked.exit_code == 0 and "OK" in checked.stdout.upper()
    refused = qualia("backup", "restore", archive.name)  # no terminal and no --yes: nobody can confirm
    assert refused.exit_code == 3
    assert qualia("backup", "verify", "nothing.tar.gz").exit_code == 2


def test_serve_calls_the_api_server_with_the_options(qualia, monkeypatch):
    calls = []
    server = types.ModuleType("api.server")
    server.run = lambda host=None, port=None, workers=None: calls.append((host, port, workers))
    monkeypatch.setitem(sys.modules, "api", types.ModuleType("api"))
    monkeypatch.setitem(sys.modules, "api.server", server)
    assert qualia("serve", "--port", "8123", "--workers", "4").exit_code == 0
    assert calls == [(None, 8123, 4)]
    monkeypatch.setitem(sys.modules, "api.server", None)  # not installed: a clear message, status 2
    missing = qualia("serve")
    assert missing.exit_code == 2 and "REST API is not installed" in one_line(missing)


def test_serve_refuses_what_the_api_refuses(qualia, monkeypatch):
    monkeypatch.setenv("QUALIA_AUTH", "off")
    refused = qualia("serve", "--host", "0.0.0.0", "--port", "8765")  # the real api.server: nothing is started
    assert refused.exit_code == 1 and "QUALIA_AUTH=off is refused" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_token_create_list_and_revoke(qualia, data_dir, monkeypatch):
    add_accounts(data_dir)
    monkeypatch.setenv("QUALIA_USER", "root")
    monkeypatch.setenv("QUALIA_PASSWORD", "a long admin passphrase")
    store = QualiaCore(data_dir=data_dir, entry_points=False).library.store
    tokens = Tokens(store)
    made = qualia("token", "create", "vera", "--label", "R scripts")
    assert made.exit_code == 0, made.stderr
    secret = made.stdout.splitlines()[-1]
    assert secret.startswith("qla_") and tokens.account_for(secret).name == "vera"
    second = qualia("token", "create", "vera").stdout.splitlines()[-1]
    listed = qualia("token", "list", "vera")
    assert listed.exit_code == 0 and "R scripts" in listed.stdout and "vera" in listed.stdout
    first_id = next(t.id for t in tokens.list("vera") if t.label == "R scripts")
    assert qualia("token", "revoke", str(first_id)).exit_code == 0
    assert tokens.account_for(secret) is None and tokens.account_for(second).name == "vera"
    everything = qualia("token", "revoke", "--user", "vera")
    assert everything.exit_code == 0 and "Revoked 1 tokens of vera" in everything.stdout
    assert tokens.account_for(second) is None
    unknown = qualia("token", "create", "nobody")
    assert unknown.exit_code == 2 and "nobody" in one_line(unknown)
    neither = qualia("token", "revoke")
    assert neither.exit_code == 2 and "--user" in neither.stderr
    Accounts(store).set_role("vera", "admin")  # an admin now: tokens need one whoever asks
    monkeypatch.setenv("QUALIA_USER", "vera")
    monkeypatch.setenv("QUALIA_PASSWORD", "vera's long password")
    assert qualia("token", "list").exit_code == 0
