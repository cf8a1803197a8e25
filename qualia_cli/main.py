"""`qualia`: the entry point. Subcommands register their parsers here; errors the user can fix (QualiaError) end
with a one-line message and exit status 2, never a traceback.

The command acts on the study named by the settings (QUALIA_DATA_DIR, QUALIA_DATABASE_URL, .env): whoever may
run it on the server may read that data dir anyway, so it asks for no sign-in; file permissions are its guard.
"""

from __future__ import annotations

import argparse
import sys

from qualia_core.errors import QualiaError

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
    except QualiaError as exc:
        print(f"qualia {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"qualia {args.command}: interrupted; nothing was changed", file=sys.stderr)
        return 130
