"""Backups an operator can trust: verified archives, safe restore, retention.

    from ops.backup import create, list_backups, verify, restore, cleanup, delete
    info = create(core.data_dir, progress=lambda done, total: ...)      # -> BackupInfo (include_env=True: with .env)
    [b.name for b in list_backups()]                                     # newest first
    verify(info.path).ok                                                 # -> VerifyReport
    plan = restore(info.path, core.data_dir)                             # confirm=False: the plan only
    done = restore(info.path, core.data_dir, confirm=True)               # -> RestoreReport
    cleanup()                                                            # -> deleted names

Command line: `python -m ops.backup create [--include-env]|list|verify FILE|restore FILE [--yes]|cleanup|cron|delete FILE|settings|recover`
(or ops/scripts/backup.sh with the same verbs, for crontab). Settings: BACKUP_DIR (./backups),
BACKUP_KEEP_DAYS (30), BACKUP_KEEP_MIN (3), QUALIA_BACKUP_KEY (encrypts archives; crypto.py).

An archive `qualia_backup_YYYYMMDD_HHMMSS.tar.gz` is a gzip'd tar: manifest.json first, then
data/… (the data dir), plugins/… and, only when asked, env/.env. With QUALIA_BACKUP_KEY set it is
`….tar.gz.enc`, the same bytes sealed with AES-256-GCM chunk by chunk (crypto.py); verify and restore
need the key (BackupKeyError otherwise, nothing changed). Nothing in plugins/ is imported or run by a backup.
The study database `data/qualia.db` is a snapshot taken with SQLite's online backup API while the
app may write (never a copy of the live file; no WAL or shared-memory file), verify checks it with
PRAGMA integrity_check, and a restore's plan names the documents it adds, removes or changes
(database.py). A restore killed half-way is finished or rolled back at the next start (journal.py). A study database on PostgreSQL is not archived: the manifest's `notes` say to use
pg_dump.
Errors a user can fix are BackupError (a QualiaError); a rejected archive raises ArchiveRejected
with its `problems`; unusable settings (a bad BACKUP_* value, the backup dir inside the data dir)
raise qualia_core.errors.SettingsError naming each problem.
"""

from .archive import create
from .crypto import BackupKeyError
from .info import BackupInfo
from .restore import ArchiveRejected, RestoreReport, restore
from .retention import cleanup, cron, delete, list_backups, save_upload
from .settings import BackupError, BackupSettings, backup_settings
from .verify import VerifyReport, validate_upload, verify

__all__ = [
    "create", "list_backups", "verify", "restore", "cleanup", "delete", "validate_upload", "save_upload",
    "backup_settings", "cron", "BackupInfo", "VerifyReport", "RestoreReport", "BackupSettings",
    "BackupError", "ArchiveRejected", "BackupKeyError",
]
