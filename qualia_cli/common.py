"""What every `qualia` command shares: how a command ends on an error, the core it acts on, and who is asking.

Errors end a command with one line on stderr, `qualia COMMAND: message`, and an exit status, never a traceback:

    2    a problem the user can fix (QualiaError: a bad parameter, an unreadable file, a wrong password…)
    3    the signed-in account's role may not do this (PermissionDeniedError)
    130  interrupted (Ctrl-C)
    1    anything unexpected (a short message naming the exception's type; please report it)

Text from transcripts printed through Rich is always a `rich.text.Text` (never markup): `plain(...)`.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import typer
from rich.console import Console
from rich.text import Text

from qualia_core.errors import PermissionDeniedError, QualiaError

OK, FAILED, USAGE, DENIED, INTERRUPTED = 0, 1, 2, 3, 130


def out() -> Console:
    """Standard output (tables). Made per call, so a test runner's captured stdout is the one written to."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def err() -> Console:
    """Standard error (progress bars, notes)."""
    return Console(file=sys.stderr, highlight=False)


def plain(value: Any) -> Text:
    """A value as literal text for Rich: `[bold]` in a speaker's name stays `[bold]`."""
    return Text("" if value is None else str(value))


def say(command: str, message: str) -> None:
    """One line on stderr, `qualia COMMAND: message`."""
    print(f"qualia {command}: {' '.join(str(message).split())}", file=sys.stderr, flush=True)


def handled(command: str) -> Callable:
    """Decorate a command: its errors end it with one line and an exit status (see the module doc)."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                code = function(*args, **kwargs)
            except (typer.Exit, typer.Abort, typer.TyperException):
                raise  # usage errors: Typer says them with the command's help
            except PermissionDeniedError as exc:
                say(command, str(exc))
                raise typer.Exit(DENIED) from None
            except QualiaError as exc:
                say(command, str(exc))
                raise typer.Exit(USAGE) from None
            except KeyboardInterrupt:
                say(command, "interrupted; nothing was left half done")
                raise typer.Exit(INTERRUPTED) from None
            except Exception as exc:  # noqa: BLE001 - a short message, never a traceback
                say(command, f"unexpected error ({type(exc).__name__}): {exc}. Please report it with the command "
                             f"you ran.")
                raise typer.Exit(FAILED) from None
            if code:
                raise typer.Exit(code)
            return None

        return run

    return decorate


def make_core(data_dir=None):
    """The core of the study named by the settings (QUALIA_DATA_DIR…) or in `data_dir`, with the circuit breakers
    of ops/ when it is installed (the core itself never needs them); a restore killed half-way is finished or rolled
    back first."""
    try:
        from ops import core_with_breakers
    except ImportError:  # ops/ is optional
        from qualia_core import QualiaCore

        return QualiaCore(data_dir=data_dir)
    return core_with_breakers(data_dir=data_dir)


def ask_who(core, permission: str, action: str):
    """The account running the command when sign-in is on (None when it is off), once it may do `permission`;
    raises SignInError or PermissionDeniedError otherwise (qualia_core.access holds the rules)."""
    from qualia_core.accounts import Accounts

    from .signin import signed_in

    return signed_in(Accounts(core.library.store), permission, action)


def signed_in_core(permission: str, action: str):
    """The core, once whoever runs the command may do `permission`."""
    core = make_core()
    ask_who(core, permission, action)
    return core


__all__ = ["OK", "FAILED", "USAGE", "DENIED", "INTERRUPTED", "out", "err", "plain", "say", "handled", "make_core",
           "ask_who", "signed_in_core"]
