#!/usr/bin/env bash
# Qualia backups, for people and crontab:
#   backup.sh create | list | verify FILE | restore FILE [--yes] | cleanup | cron | delete FILE | settings | recover
# Daily at 02:15 (crontab -e):  15 2 * * * cd /path/to/qualia && ops/scripts/backup.sh cron
# `cron` prints nothing unless it fails (then cron mails the error) and records the outcome for the Health page.
# Settings: BACKUP_DIR (./backups), BACKUP_KEEP_DAYS (30), BACKUP_KEEP_MIN (3), QUALIA_DATA_DIR (./data).
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=python3
if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; fi
if [ $# -eq 0 ]; then set -- --help; fi
exec "$PYTHON" -m ops.backup "$@"
