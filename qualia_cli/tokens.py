"""`qualia token`: API tokens (qualia_core.tokens). A token acts for its account, with the account's role at the
time of each request; the secret is shown once, on the last line of `create`, and stored only as its sha256.
Admins only when sign-in is on.

    qualia token create ana --label "R scripts"     # the secret is the last line
    qualia token list [ana]
    qualia token revoke 12                          # or: --user ana (every token of ana)
"""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from .common import handled, out, plain, signed_in_core

app = typer.Typer(name="token", help="Create, list and revoke API tokens (admins only). A token acts with its "
                  "account's role.", no_args_is_help=True)


def _tokens(action: str):
    from qualia_core.tokens import Tokens

    return Tokens(signed_in_core("admin", action).library.store)


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


@app.command("create")
@handled("token")
def create(user: str = typer.Argument(..., help="the account the token acts for"),
           label: str = typer.Option("", "--label", help="what the token is for (shown in lists)")) -> None:
    """A new token for USER; its secret is printed once, on the last line."""
    token, secret = _tokens("Creating an API token").create(user, label=label)
    print(f"Token {token.id} for {user}" + (f" ({label})" if label else "") + ": keep the secret below, it is shown "
          "only now.")
    print(secret)


@app.command("list")
@handled("token")
def list_tokens(user: Optional[str] = typer.Argument(None, help="only this account's tokens")) -> None:
    """Every token (or USER's): id, account, label, created, last used, revoked."""
    tokens = _tokens("Listing API tokens").list(user)
    if not tokens:
        print("No API tokens" + (f" for {user}." if user else "."))
        return
    table = Table("id", "account", "label", "created", "last used", "revoked")
    for t in tokens:
        table.add_row(plain(t.id), plain(t.user_name), plain(t.label),
                      plain(_when(t.created_at)), plain(_when(t.last_used_at)), plain(_when(t.revoked_at)))
    out().print(table)


@app.command("revoke")
@handled("token")
def revoke(token_id: Optional[int] = typer.Argument(None, metavar="ID", help="the token's id (`qualia token list`)"),
           user: Optional[str] = typer.Option(None, "--user", help="revoke every token of this account")) -> None:
    """Revoke one token by ID, or every token of an account with --user."""
    if (token_id is None) == (user is None):
        raise typer.BadParameter("give a token ID or --user NAME (one of them).", param_hint="ID")
    tokens = _tokens("Revoking API tokens")
    if user is not None:
        print(f"Revoked {tokens.revoke_all(user)} tokens of {user}.")
    else:
        tokens.revoke(token_id)
        print(f"Revoked token {token_id}.")
