"""`qualia`: the entry point (Typer, with Rich help). Every command is a thin layer over qualia_core and ops; each
group lives in its own module. Errors end with one line and an exit status, never a traceback (qualia_cli.common).

The command acts on the study named by the settings (QUALIA_DATA_DIR, QUALIA_DATABASE_URL, .env). When sign-in
is on for the study (QUALIA_AUTH=on, or auto once an account exists) it checks who is asking as the app does:
QUALIA_USER (or a prompt) and QUALIA_PASSWORD (or a prompt), then the role each command needs
(qualia_core.access): viewer to list, search and analyze, researcher to add documents (watch), admin for
create-plugin, serve, backup, users and token.
"""

from __future__ import annotations

import typer

from . import analysis, library, operations, plugins, tokens, users

app = typer.Typer(name="qualia", help="Qualia from the command line: plugins, analyses, the library, the API, "
                  "backups and accounts.", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False, rich_markup_mode="markdown",
                  context_settings={"help_option_names": ["-h", "--help"]})

plugins.register(app)
analysis.register(app)
library.register(app)
operations.register(app)
app.add_typer(users.app)
app.add_typer(tokens.app)


def main(argv: list[str] | None = None) -> int:
    """Run `qualia` with `argv` (default sys.argv[1:]); returns the exit status."""
    try:
        app(args=argv, prog_name="qualia", standalone_mode=True)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return 0
