"""python -m ops.backup: the backup verbs for people and for crontab.

Exit codes: 0 done; 1 failed (a verify found problems, an archive was refused, a backup or
cleanup failed); 2 bad usage or settings (unknown file, bad BACKUP_* value, backup dir inside the
data dir, an encrypted archive with QUALIA_BACKUP_KEY missing or wrong); 3 not confirmed
(restore/delete answered no, or run without --yes off a terminal).
Every command first finishes or rolls back a restore that was killed half-way (`recover` does only that).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from qualia_core import config
from qualia_core.errors import SettingsError
from qualia_core.logs import configure_logging

from .archive import create, resolve_sources
from .crypto import BackupKeyError
from .restore import ArchiveRejected, RestoreReport, restore
from .retention import cleanup, cron, delete, list_backups
from .settings import BackupError, backup_settings, default_data_dir, resolve_backup_dir
from .status import record_last_backup
from .verify import verify

OK, FAILED, USAGE, CANCELLED = 0, 1, 2, 3
SHOWN = 20


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data dir (default $QUALIA_DATA_DIR or ./data)")
    common.add_argument("--backup-dir", help="where archives live (default $BACKUP_DIR or ./backups)")
    common.add_argument("--plugins-dir", help="plugins dir (default $QUALIA_PLUGINS_DIR or the repository's plugins/)")
    common.add_argument("--env-file", help=".env to include with --include-env, or to replace with --with-env "
                        "(default ./.env)")
    common.add_argument("-v", "--verbose", action="store_true", help="log what is done")
    parser = argparse.ArgumentParser(prog="python -m ops.backup", description="Qualia backups: create, "
                                     "list, verify, restore, cleanup.", epilog=__doc__.split("\n\n", 1)[1])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("create", parents=[common], help="archive the data dir and plugins (and .env when asked)")
    p.add_argument("--include-env", action="store_true",
                   help="also archive .env, with the secrets it holds (QUALIA_ADMIN_PASSWORD, SENTRY_DSN…)")
    sub.add_parser("list", parents=[common], help="list archives, newest first")
    p = sub.add_parser("verify", parents=[common], help="check an archive's integrity and every sha256")
    p.add_argument("file")
    p = sub.add_parser("restore", parents=[common], help="restore an archive (a safety backup is taken first)")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    p.add_argument("--with-plugins", action="store_true", help="also replace the plugins dir")
    p.add_argument("--with-env", action="store_true", help="also replace .env")
    p = sub.add_parser("cleanup", parents=[common], help="delete old archives, keeping the newest")
    p.add_argument("--keep-days", type=int, help="default $BACKUP_KEEP_DAYS or 30")
    p.add_argument("--keep-min", type=int, help="default $BACKUP_KEEP_MIN or 3")
    p = sub.add_parser("cron", parents=[common], help="create then cleanup, quiet unless it fails (for crontab)")
    p.add_argument("--include-env", action="store_true", help="also archive .env")
    p = sub.add_parser("delete", parents=[common], help="delete one archive")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="do not ask")
    sub.add_parser("settings", parents=[common], help="show the backup settings and the crontab line")
    sub.add_parser("recover", parents=[common], help="finish or roll back a restore that was killed half-way "
                   "(every command does this first)")
    return parser


def _folder(args) -> Path:
    return resolve_backup_dir(args.backup_dir, data_dir=args.data_dir, plugins_dir=args.plugins_dir)


def _archive(args) -> Path:
    given = Path(args.file)
    if given.is_file():
        return given
    folder = _folder(args)
    if (folder / given.name).is_file():
        return folder / given.name
    raise FileNotFoundError(f"No archive {args.file} (looked there and in {folder}).")


def _mb(size: int | None) -> str:
    if size is None:
        return "?"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return "?"


def _confirm(question: str, yes: bool) -> bool | None:
    """True/False from the person at the terminal; None when there is no terminal and no --yes."""
    if yes:
        return True
    if not sys.stdin.isatty():
        return None
    try:
        return input(f"{question} Type 'yes' to go on: ").strip().lower() in ("yes", "y")
    except EOFError:
        return False


def _show_plan(plan: RestoreReport) -> None:
    print(plan.describe())
    for label, names in (("added", plan.added), ("removed", plan.removed), ("modified", plan.modified)):
        for name in names[:SHOWN]:
            print(f"  {label:8} {name}")
        if len(names) > SHOWN:
            print(f"  … {len(names) - SHOWN} more {label}")
    for label, ids in plan.documents.items():
        for doc in ids[:SHOWN]:
            name = plan.document_names.get(doc)
            print(f"  document {label:8} {doc}" + (f"  ({name})" if name else ""))
        if len(ids) > SHOWN:
            print(f"  … {len(ids) - SHOWN} more documents {label}")


def _restore(args) -> int:
    if not args.yes and not sys.stdin.isatty():
        print("Refusing to restore without --yes: standard input is not a terminal, so nobody can confirm.",
              file=sys.stderr)
        return CANCELLED
    path = _archive(args)

    def ask(plan: RestoreReport) -> bool:
        _show_plan(plan)
        return bool(_confirm(f"Replace the contents of {plan.data_dir}?", False))

    report = restore(path, args.data_dir, args.backup_dir, confirm=True if args.yes else ask,
                     plugins_dir=args.plugins_dir, env_file=args.env_file, with_plugins=args.with_plugins,
                     with_env=args.with_env)
    if not report.applied:
        print("Restore cancelled; nothing was changed.")
        return CANCELLED
    _show_plan(report)
    return OK


def _recover(args) -> list[str]:
    """Every command first finishes or rolls back a restore that was killed half-way (ops/backup/journal.py)."""
    from ops import recover_interrupted_restore

    data, plugins, _ = resolve_sources(args.data_dir, args.plugins_dir, None)
    return recover_interrupted_restore(data, plugins)


def _run(args, notes: list[str]) -> int:
    cmd = args.command
    if cmd == "create":
        info = create(args.data_dir, args.backup_dir, args.plugins_dir, args.env_file, include_env=args.include_env)
        print(f"Created {info.path} ({info.file_count} files, {_mb(info.size)}, "
              f"{'encrypted' if info.encrypted else 'not encrypted'}{', with .env' if info.has_env else ''})")
        for note in info.notes:
            print(f"Note: {note}")
    elif cmd == "list":
        infos = list_backups(_folder(args))
        if not infos:
            print(f"No archives in {_folder(args)}")
        for i in infos:
            state = "verified" if i.verified else "FAILED verify" if i.last_verify_ok is False else "not verified"
            when = i.created_at.strftime("%Y-%m-%d %H:%M") if i.created_at else "?"
            files = i.file_count if i.file_count is not None else "?"
            sealed = "encrypted" if i.encrypted else "plain"
            print(f"{i.name:56} {when:16} {_mb(i.size):>10} {files:>7} files {len(i.plugins):>3} plugins  {sealed:9}  "
                  f"{state}" + (f"  ({i.error})" if i.error else ""))
    elif cmd == "verify":
        report = verify(_archive(args))
        print(report.describe())
        return OK if report.ok else FAILED
    elif cmd == "restore":
        return _restore(args)
    elif cmd == "cleanup":
        deleted = cleanup(_folder(args), args.keep_days, args.keep_min)
        print("\n".join(f"Deleted {n}" for n in deleted) or "Nothing to delete.")
    elif cmd == "cron":
        cron(args.data_dir, args.backup_dir, args.plugins_dir, args.env_file, include_env=args.include_env)
    elif cmd == "delete":
        path = _archive(args)
        answer = _confirm(f"Delete {path}?", args.yes)
        if not answer:
            print("Not deleted." if answer is False else "Refusing to delete without --yes off a terminal.",
                  file=sys.stderr)
            return CANCELLED
        delete(path)
        print(f"Deleted {path.name}")
    elif cmd == "recover":
        print("\n".join(notes) or "Nothing to recover: no restore was interrupted.")
    elif cmd == "settings":
        s = backup_settings(args.data_dir, args.plugins_dir)
        for key, value in s.to_dict().items():
            print(f"{key:13} {value}")
    return OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # A `kill` during a backup or restore unwinds like Ctrl-C, so temporary files and staging go away.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        settings = config.load_settings()  # every bad setting at once, as the app does at start-up
    except SettingsError as exc:
        message = "Invalid configuration: " + "; ".join(exc.problems)
        print(message, file=sys.stderr)
        if args.command == "cron":
            try:
                record_last_backup(Path(args.data_dir).resolve() if args.data_dir else default_data_dir(), False,
                                   message=f"backup not run: {message}")
            except SettingsError:
                pass
        return USAGE
    # People read the printed results and warnings; cron stays silent unless something fails.
    floor = logging.ERROR if args.command == "cron" else logging.WARNING
    level = logging.INFO if args.verbose else max(floor, logging.getLevelName(settings["LOG_LEVEL"]))
    configure_logging(logging.getLevelName(level), settings["LOG_FORMAT"])
    try:
        notes = _recover(args)
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        return USAGE
    except (BackupError, OSError) as exc:
        print(f"An interrupted restore could not be recovered: {exc}", file=sys.stderr)
        return FAILED
    try:
        return _run(args, notes)
    except ArchiveRejected as exc:
        print(str(exc), file=sys.stderr)
        return FAILED
    except BackupKeyError as exc:  # a setting: the archive itself may be fine
        print(str(exc), file=sys.stderr)
        return USAGE
    except SettingsError as exc:  # e.g. the backup dir inside the data dir
        print(str(exc), file=sys.stderr)
        return USAGE
    except (ValueError, FileNotFoundError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return USAGE
    except (BackupError, OSError) as exc:
        print(f"Backup failed: {exc}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        print("Interrupted; nothing was left half done.", file=sys.stderr)
        return 130
