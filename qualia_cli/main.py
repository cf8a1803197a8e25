"""`qualia`: the entry point. Subcommands register their parsers here; errors the user can fix (QualiaError) end
with a one-line message and exit status 2, never a traceback.

The command acts on the study named by the settings (QUALIA_DATA_DIR, QUALIA_DATABASE_URL, .env). When sign-in
is on for the study (QUALIA_AUTH=on, or auto once an account exists) it checks who is asking as the app does:
QUALIA_USER (or a prompt) and QUALIA_PASSWORD (or a prompt), then the role each subcommand needs.
"""

from __future__ import annotations

import argparse
import sys

from qualia_core.errors import PermissionDeniedError, QualiaError

from . import users


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="qualia", description="Qualia from the command line.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    users.register(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except PermissionDeniedError as exc:
        print(f"qualia {args.command}: {exc}", file=sys.stderr)
        return 3
    except QualiaError as exc:
        print(f"qualia {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"qualia {args.command}: interrupted; nothing was changed", file=sys.stderr)
        return 130
