"""`qualia users`: list, add, change and remove the study's accounts (the Users page does the same).

    qualia users list
    qualia users add NAME --role researcher          # asks for the password twice
    echo "$PASSWORD" | qualia users add NAME --role admin --password-stdin
    qualia users set-role NAME viewer
    qualia users set-password NAME [--password-stdin]
    qualia users remove NAME
"""

from __future__ import annotations

import getpass
import sys
from enum import Enum

import typer

from qualia_core.access import ROLES
from qualia_core.errors import AccountError

from .common import handled

Role = Enum("Role", {role: role for role in ROLES}, type=str)

app = typer.Typer(name="users", help="Manage the accounts that may sign in to this study (admins only).",
                  no_args_is_help=True)

PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="read the password from standard input")


def _accounts(action: str, bootstrap: bool = False):
    """The study's accounts, once the one running the command has signed in as an admin (when sign-in is on).
    `bootstrap`: adding an admin to a study without one needs no sign-in (nobody could give it)."""
    from qualia_core.accounts import Accounts

    from .common import make_core
    from .signin import signed_in

    accounts = Accounts(make_core().library.store)
    if not (bootstrap and accounts.count("admin") == 0):
        signed_in(accounts, "admin", action)
    return accounts


def _password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("The two passwords differ; nothing was changed.")
    return first


@app.command("list", help="Every account with its role.")
@handled("users")
def list_accounts() -> None:
    people = _accounts("Listing accounts").list()
    if not people:
        print("No accounts yet: sign-in stays off on 127.0.0.1 until the first one is added.")
    for account in people:
        print(f"{account.name}\t{account.role}\tcreated {account.created_at:%Y-%m-%d %H:%M} UTC")


@app.command(help="Add an account (asks for its password twice).")
@handled("users")
def add(name: str = typer.Argument(..., help="the account's name"),
        role: Role = typer.Option("researcher", "--role", help="what it may do"),
        password_stdin: bool = PASSWORD_STDIN) -> None:
    role = Role(role).value
    accounts = _accounts("Adding an account", bootstrap=role == "admin")
    account = accounts.create(name, _password(name, password_stdin), role)
    print(f"Added {account.name} ({account.role}).")


@app.command("set-role", help="Change an account's role (signs it out).")
@handled("users")
def set_role(name: str, role: Role) -> None:
    account = _accounts("Changing a role").set_role(name, Role(role).value)
    print(f"{account.name} is now {account.role}; its sessions were signed out.")


@app.command("set-password", help="Set a new password (signs the account out).")
@handled("users")
def set_password(name: str, password_stdin: bool = PASSWORD_STDIN) -> None:
    accounts = _accounts("Setting a password")
    accounts.get(name)  # an unknown name is said before a password is asked
    accounts.set_password(name, _password(name, password_stdin))
    print(f"New password set for {name}; its sessions were signed out.")


@app.command(help="Remove an account (never the last admin).")
@handled("users")
def remove(name: str) -> None:
    _accounts("Removing an account").remove(name)
    print(f"Removed {name}.")
