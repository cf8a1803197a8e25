"""`qualia serve` (the REST API, api.server.run) and `qualia backup …` (the backup commands of ops/backup, the same
as `python -m ops.backup`). Both need an admin when sign-in is on.

    qualia serve --host 127.0.0.1 --port 8000 --workers 4
    qualia backup create [--include-env]
    qualia backup list | verify FILE | restore FILE [--yes] | cleanup | delete FILE | settings | recover
"""

from __future__ import annotations

from typing import Optional

import typer

from .common import handled, make_core, ask_who, say

backup = typer.Typer(name="backup", no_args_is_help=True,
                     help="Back up and restore the study (admins only): the data dir, plugins and, when asked, .env. "
                          "The same commands as `python -m ops.backup`; exit 1 failed, 2 bad usage or settings, 3 not "
                          "confirmed.")


@handled("serve")
def serve(
    host: Optional[str] = typer.Option(None, "--host",
                                       help="address to listen on (default QUALIA_API_HOST, 127.0.0.1)"),
    port: Optional[int] = typer.Option(None, "--port", min=1, max=65535, help="default QUALIA_API_PORT, 8000"),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, max=64, help="uvicorn worker processes "
                                          "(default QUALIA_API_WORKERS, 1)"),
) -> int:
    """Serve the REST API (FastAPI under uvicorn) until Ctrl-C."""
    ask_who(make_core(), "admin", "Serving the API")
    try:
        from api.server import run
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("api", "fastapi", "uvicorn"):
            raise
        say("serve", f"the REST API is not installed here (no module '{exc.name}'): install Qualia with its API "
                     f"(pip install -e . from a checkout that has the api/ folder).")
        raise typer.Exit(2) from None
    return run(host=host, port=port, workers=workers)


def _ops_backup(argv: list[str], data_dir: str | None = None) -> int:
    """Run `python -m ops.backup ARGV` in this process, once an admin of the study in `data_dir` (default the
    settings') is asking; returns its exit status."""
    core = make_core(data_dir)
    ask_who(core, "admin", "Managing backups")
    core.library.store.close()  # the backup opens the database itself (a restore swaps it)
    try:
        from ops.backup.cli import main
    except ImportError as exc:
        if not (exc.name or "").startswith("ops"):
            raise
        say("backup", "backups need the ops package, which is not installed here: install Qualia with "
                      "pip install -e . from a checkout that has the ops/ folder.")
        return 2

    return main(argv)


def _common(data_dir, backup_dir, plugins_dir, env_file) -> list[str]:
    argv = []
    for flag, value in (("--data-dir", data_dir), ("--backup-dir", backup_dir), ("--plugins-dir", plugins_dir),
                        ("--env-file", env_file)):
        if value:
            argv += [flag, str(value)]
    return argv


DATA_DIR = typer.Option(None, "--data-dir", help="data dir (default QUALIA_DATA_DIR or ./data)")
BACKUP_DIR = typer.Option(None, "--backup-dir", help="where archives live (default BACKUP_DIR or ./backups)")
PLUGINS_DIR = typer.Option(None, "--plugins-dir", help="plugins dir (default QUALIA_PLUGINS_DIR or plugins/)")
ENV_FILE = typer.Option(None, "--env-file", help=".env to include or replace (default ./.env)")
YES = typer.Option(False, "--yes", help="do not ask (for scripts)")


FILE = typer.Argument(..., metavar="FILE", help="an archive: a path, or a name in the backup dir")


def _run(verb: str, *args: str, data_dir=None, backup_dir=None, plugins_dir=None, env_file=None, **flags: bool) -> int:
    argv = [verb, *args] + _common(data_dir, backup_dir, plugins_dir, env_file)
    return _ops_backup(argv + [f"--{flag.replace('_', '-')}" for flag, on in flags.items() if on], data_dir)


@backup.command("create")
@handled("backup")
def create(include_env: bool = typer.Option(False, "--include-env", help="also archive .env, with its secrets"),
           data_dir: Optional[str] = DATA_DIR, backup_dir: Optional[str] = BACKUP_DIR,
           plugins_dir: Optional[str] = PLUGINS_DIR, env_file: Optional[str] = ENV_FILE) -> int:
    """Archive the data dir and plugins (and .env when asked)."""
    return _run("create", data_dir=data_dir, backup_dir=backup_dir, plugins_dir=plugins_dir, env_file=env_file,
                include_env=include_env)


@backup.command("list")
@handled("backup")
def list_archives(data_dir: Optional[str] = DATA_DIR, backup_dir: Optional[str] = BACKUP_DIR) -> int:
    """The archives, newest first: date, size, files, plugins, encrypted or plain, verified."""
    return _run("list", data_dir=data_dir, backup_dir=backup_dir)


@backup.command("verify")
@handled("backup")
def verify(file: str = FILE, data_dir: Optional[str] = DATA_DIR, backup_dir: Optional[str] = BACKUP_DIR) -> int:
    """Check an archive: gzip/tar integrity, every sha256, the database's integrity_check (exit 1 on a problem)."""
    return _run("verify", file, data_dir=data_dir, backup_dir=backup_dir)


@backup.command("restore")
@handled("backup")
def restore(file: str = FILE, yes: bool = YES,
            with_plugins: bool = typer.Option(False, "--with-plugins", help="also replace the plugins dir"),
            with_env: bool = typer.Option(False, "--with-env", help="also replace .env"),
            data_dir: Optional[str] = DATA_DIR, backup_dir: Optional[str] = BACKUP_DIR,
            plugins_dir: Optional[str] = PLUGINS_DIR, env_file: Optional[str] = ENV_FILE) -> int:
    """Restore an archive: shows what changes and asks (--yes for scripts); a safety backup is taken first."""
    return _run("restore", file, data_dir=data_dir, backup_dir=backup_dir, plugins_dir=plugins_dir,
                env_file=env_file, yes=yes, with_plugins=with_plugins, with_env=with_env)


@backup.command("cleanup")
@handled("backup")
def cleanup(data_dir: Optional[str] = DATA_DIR, backup_dir: Optional[str] = BACKUP_DIR) -> int:
    """Delete archives older than BACKUP_KEEP_DAYS, keeping the newest BACKUP_KEEP_MIN."""
    return _run("cleanup", data_dir=data_dir, backup_dir=backup_dir)


@backup.command("delete")
@handled("backup")
def delete(file: str = FILE, yes: bool = YES, data_dir: Optional[str] = DATA_DIR,
           backup_dir: Optional[str] = BACKUP_DIR) -> int:
    """Delete one archive (asks; --yes for scripts)."""
    return _run("delete", file, data_dir=data_dir, backup_dir=backup_dir, yes=yes)


@backup.command("settings")
@handled("backup")
def settings(data_dir: Optional[str] = DATA_DIR, backup_dir: Optional[str] = BACKUP_DIR) -> int:
    """The backup dir, retention, and the crontab line."""
    return _run("settings", data_dir=data_dir, backup_dir=backup_dir)


@backup.command("recover")
@handled("backup")
def recover(data_dir: Optional[str] = DATA_DIR, plugins_dir: Optional[str] = PLUGINS_DIR) -> int:
    """Finish or roll back a restore that was killed half-way (every command does this first)."""
    return _run("recover", data_dir=data_dir, plugins_dir=plugins_dir)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(backup)
