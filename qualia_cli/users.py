"""`qualia users`: list, add, change and remove the study's accounts (the Users page does the same).

    qualia users list
    qualia users add NAME --role researcher          # asks for the password twice
    echo "$PASSWORD" | qualia users add NAME --role admin --password-stdin
    qualia users set-role NAME viewer
    qualia users set-password NAME [--password-stdin]
    qualia users remove NAME
"""

from __future__ import annotations

import argparse
import getpass
import sys

from qualia_core.access import ROLES
from qualia_core.errors import AccountError


def register(commands) -> None:
    users = commands.add_parser("users", help="manage the study's accounts and roles",
                                description="Manage the accounts that may sign in to this study.")
    sub = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    sub.add_parser("list", help="every account with its role").set_defaults(run=_list)
    add = sub.add_parser("add", help="a new account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="researcher")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(run=_add)
    role = sub.add_parser("set-role", help="change an account's role (signs it out)")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(run=_set_role)
    password = sub.add_parser("set-password", help="set a new password (signs the account out)")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    password.set_defaults(run=_set_password)
    remove = sub.add_parser("remove", help="remove an account (never the last admin)")
    remove.add_argument("name")
    remove.set_defaults(run=_remove)


def _accounts(action: str, bootstrap: bool = False):
    """The study's accounts, once the one running the command has signed in as an admin (when sign-in is on).
    `bootstrap`: adding an admin to a study without one needs no sign-in (nobody could give it)."""
    from qualia_core import QualiaCore
    from qualia_core.accounts import Accounts

    from .signin import signed_in

    accounts = Accounts(QualiaCore().library.store)
    if not (bootstrap and accounts.count("admin") == 0):
        signed_in(accounts, "admin", action)
    return accounts


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("The two passwords differ; nothing was changed.")
    return first


def _list(_args) -> int:
    people = _accounts("Listing accounts").list()
    if not people:
        print("No accounts yet: sign-in stays off on 127.0.0.1 until the first one is added.")
    for account in people:
        print(f"{account.name}\t{account.role}\tcreated {account.created_at:%Y-%m-%d %H:%M} UTC")
    return 0


def _add(args) -> int:
    accounts = _accounts("Adding an account", bootstrap=args.role == "admin")
    account = accounts.create(args.name, _password(args), args.role)
    print(f"Added {account.name} ({account.role}).")
    return 0


def _set_role(args) -> int:
    account = _accounts("Changing a role").set_role(args.name, args.role)
    print(f"{account.name} is now {account.role}; its sessions were signed out.")
    return 0


def _set_password(args) -> int:
    accounts = _accounts("Setting a password")
    accounts.get(args.name)  # an unknown name is said before a password is asked
    accounts.set_password(args.name, _password(args))
    print(f"New password set for {args.name}; its sessions were signed out.")
    return 0


def _remove(args) -> int:
    _accounts("Removing an account").remove(args.name)
    print(f"Removed {args.name}.")
    return 0
