"""`qualia users`: an operator manages accounts from a terminal, with messages instead of tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from qualia_core import QualiaCore
from qualia_core.accounts import Accounts

ROOT = Path(__file__).resolve().parents[1]


ROOT_ADMIN = {"QUALIA_USER": "root", "QUALIA_PASSWORD": "a long admin passphrase"}


def qualia(data_dir: Path, *args: str, stdin: str = "", who: dict | None = ROOT_ADMIN) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUALIA_DATA_DIR": str(data_dir), "QUALIA_ENV_FILE": str(data_dir / "no.env"), **(who or {})}
    for name in ("QUALIA_AUTH", "QUALIA_ADMIN_PASSWORD") + (() if who else ("QUALIA_USER", "QUALIA_PASSWORD")):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "qualia_cli", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_add_list_change_and_remove_accounts(data_dir):
    added = qualia(data_dir, "users", "add", "root", "--role", "admin", "--password-stdin",
                   stdin="a long admin passphrase\n")
    assert added.returncode == 0 and "Added root (admin)" in added.stdout
    assert qualia(data_dir, "users", "add", "ana", "--password-stdin", stdin="ana's long password\n").returncode == 0
    listing = qualia(data_dir, "users", "list").stdout.splitlines()
    assert [line.split("\t")[:2] for line in listing] == [["ana", "researcher"], ["root", "admin"]]
    assert qualia(data_dir, "users", "set-role", "ana", "viewer").returncode == 0
    changed = qualia(data_dir, "users", "set-password", "ana", "--password-stdin", stdin="another long one\n")
    assert changed.returncode == 0
    accounts = Accounts(QualiaCore(data_dir=data_dir, entry_points=False).library.store)
    assert accounts.sign_in("ana", "another long one").role == "viewer"
    assert qualia(data_dir, "users", "remove", "ana").returncode == 0
    assert [a.name for a in accounts.list()] == ["root"]


def test_mistakes_get_one_line_and_status_2(data_dir):
    short = qualia(data_dir, "users", "add", "ana", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and short.stderr.strip() == (
        "qualia users: a password needs at least 10 characters (a few words of a sentence are easy to remember).")
    qualia(data_dir, "users", "add", "root", "--role", "admin", "--password-stdin", stdin="a long admin passphrase\n")
    last = qualia(data_dir, "users", "remove", "root")
    assert last.returncode == 2 and "last admin" in last.stderr and "Traceback" not in last.stderr
    unknown = qualia(data_dir, "users", "set-password", "nobody", "--password-stdin", stdin="whatever long\n")
    assert unknown.returncode == 2 and "No account named 'nobody'" in unknown.stderr
    empty = qualia(data_dir, "users", "list")
    assert empty.returncode == 0 and empty.stdout.startswith("root\tadmin")


def test_once_accounts_exist_the_command_asks_who_is_asking(data_dir):
    assert qualia(data_dir, "users", "add", "root", "--role", "admin", "--password-stdin", who=None,
                  stdin="a long admin passphrase\n").returncode == 0  # the first admin: nobody to ask
    anonymous = qualia(data_dir, "users", "list", who=None)
    assert anonymous.returncode == 2 and "set QUALIA_USER and QUALIA_PASSWORD" in anonymous.stderr
    assert "root" not in anonymous.stdout
    wrong = qualia(data_dir, "users", "list", who={"QUALIA_USER": "root", "QUALIA_PASSWORD": "not it at all"})
    assert wrong.returncode == 2 and "do not match" in wrong.stderr
    qualia(data_dir, "users", "add", "vera", "--role", "viewer", "--password-stdin", stdin="vera's long password\n")
    viewer = {"QUALIA_USER": "vera", "QUALIA_PASSWORD": "vera's long password"}
    refused = qualia(data_dir, "users", "remove", "root", who=viewer)
    assert refused.returncode == 3 and "needs the admin role; the viewer role may not" in refused.stderr
    assert qualia(data_dir, "users", "add", "eve", "--role", "admin", "--password-stdin", who=viewer,
                  stdin="eve's long password\n").returncode == 3  # no bootstrap once an admin exists
