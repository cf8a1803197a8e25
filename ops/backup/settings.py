"""Where backups live, how long they are kept, and what an archive is called.

BACKUP_DIR (default ./backups, resolved against the current directory), BACKUP_KEEP_DAYS (30) and
BACKUP_KEEP_MIN (3) are read through qualia_core.config (environment, then an optional .env); a bad
value raises qualia_core.errors.SettingsError naming the variable, the value and what it accepts.
The backup dir may never sit inside what is archived (the data dir or the plugins dir): archives
would end up inside the next archive, so that is a SettingsError too.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from qualia_core import config
from qualia_core.errors import QualiaError, SettingsError
from qualia_core.names import check_path

REPO_ROOT = Path(__file__).resolve().parents[2]
ARCHIVE_PREFIX = "qualia_backup_"
ARCHIVE_SUFFIX = ".tar.gz"
ENCRYPTED_SUFFIX = ".tar.gz.enc"  # the same archive sealed with QUALIA_BACKUP_KEY (crypto.py)
ARCHIVE_RE = re.compile(r"qualia_backup_(\d{8})_(\d{6})((?:_[a-z0-9-]+)*)\.tar\.gz(\.enc)?")
SIDECAR_SUFFIX = ".verified.json"
SIDECAR_RE = re.compile(r"(qualia_backup_\d{8}_\d{6}(?:_[a-z0-9-]+)*)(\.enc)?\.verified\.json")
TEMP_PREFIX = ".qualia_backup_"
CRON_SCHEDULE = "15 2 * * *"


class BackupError(QualiaError):
    """A backup, verify, restore or cleanup could not be done; the message says why and what to do."""


def setting(name: str) -> Any:
    """One validated setting from qualia_core.config; a bad value raises SettingsError naming it."""
    return config.get(name)


def default_data_dir() -> Path:
    """The data dir the app uses: QUALIA_DATA_DIR or ./data (as QualiaCore resolves it)."""
    return Path(setting("QUALIA_DATA_DIR")).expanduser().resolve()


def default_plugins_dir() -> Path:
    """QUALIA_PLUGINS_DIR or the repository's plugins/ (qualia_core.config's rule, as QualiaCore resolves it)."""
    return config.plugins_dir()


def default_env_file() -> Path:
    """The .env the app reads (QUALIA_ENV_FILE or ./.env); archived only when asked (include_env)."""
    return Path(os.environ.get("QUALIA_ENV_FILE") or ".env").expanduser().resolve()


def keep_days_from_env() -> int:
    return int(setting("BACKUP_KEEP_DAYS"))


def keep_min_from_env() -> int:
    return int(setting("BACKUP_KEEP_MIN"))


def check_count(name: str, value: Any, minimum: int) -> int:
    """An explicitly passed keep_days (>= 0) or keep_min (>= 1)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name}={value!r} is not valid: it accepts a whole number of at least {minimum}")
    return value


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def resolve_backup_dir(backup_dir: str | Path | None = None, *, data_dir: str | Path | None = None,
                       plugins_dir: str | Path | None = None) -> Path:
    """The backup dir as an absolute path (from BACKUP_DIR when not given), refused when it lies
    inside the data dir or the plugins dir."""
    raw = backup_dir if backup_dir not in (None, "") else setting("BACKUP_DIR")
    folder = check_path(raw, "backup dir").expanduser().resolve()
    data = check_path(data_dir, "data dir").resolve() if data_dir is not None else default_data_dir()
    plugins = Path(plugins_dir).resolve() if plugins_dir is not None else default_plugins_dir()
    for what, root in (("data dir", data), ("plugins dir", plugins)):
        if _inside(folder, root):
            source = "BACKUP_DIR" if backup_dir in (None, "") else "The backup dir"
            raise SettingsError([
                f"{source} {folder} is inside the {what} {root}: backups would be archived into the next "
                f"backup and lost with the data they protect. Choose a folder outside it (e.g. {root.parent / 'backups'})."])
    return folder


def archive_name(when: datetime, tags: tuple[str, ...] = (), encrypted: bool = False) -> str:
    """qualia_backup_YYYYMMDD_HHMMSS[_tag…].tar.gz (.tar.gz.enc when encrypted), in local time like `date` in
    the earlier script."""
    stamp = when.astimezone().strftime("%Y%m%d_%H%M%S")
    suffix = "".join(f"_{t}" for t in tags if t)
    return f"{ARCHIVE_PREFIX}{stamp}{suffix}{ENCRYPTED_SUFFIX if encrypted else ARCHIVE_SUFFIX}"


def named_encrypted(name: str) -> bool:
    """Whether an archive name says it is encrypted (.tar.gz.enc); the content decides how it is read."""
    return name.endswith(ENCRYPTED_SUFFIX)


def is_archive_name(name: str) -> bool:
    return ARCHIVE_RE.fullmatch(name) is not None


def time_from_name(name: str) -> datetime | None:
    match = ARCHIVE_RE.fullmatch(name)
    if not match:
        return None
    try:
        return datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S").astimezone()
    except ValueError:
        return None


def sidecar_path(archive: Path) -> Path:
    """NAME.verified.json beside NAME.tar.gz (NAME.enc.verified.json beside NAME.tar.gz.enc): the outcome of
    the last verify."""
    if named_encrypted(archive.name):
        return archive.with_name(archive.name[: -len(ENCRYPTED_SUFFIX)] + ".enc" + SIDECAR_SUFFIX)
    return archive.with_name(archive.name[: -len(ARCHIVE_SUFFIX)] + SIDECAR_SUFFIX)


def archive_of_sidecar(sidecar: Path) -> Path | None:
    """The archive a verify record describes, or None when `sidecar` is not named like one."""
    match = SIDECAR_RE.fullmatch(sidecar.name)
    if not match:
        return None
    return sidecar.with_name(match[1] + (ENCRYPTED_SUFFIX if match[2] else ARCHIVE_SUFFIX))


@dataclass(frozen=True)
class BackupSettings:
    backup_dir: Path
    keep_days: int
    keep_min: int
    data_dir: Path
    plugins_dir: Path
    env_file: Path
    crontab_line: str
    encrypted: bool = False  # QUALIA_BACKUP_KEY is set: new archives are encrypted (the key is never shown)

    def to_dict(self) -> dict[str, Any]:
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}


def crontab_line(backup_dir: Path, data_dir: Path, plugins_dir: Path) -> str:
    """The crontab line for a daily backup at 02:15. Paths that the script would not find by itself
    (it runs from the repository root with an almost empty environment) are spelled out."""
    env = []
    if data_dir != REPO_ROOT / "data":
        env.append(f"QUALIA_DATA_DIR={shlex.quote(str(data_dir))}")
    if plugins_dir != REPO_ROOT / "plugins":
        env.append(f"QUALIA_PLUGINS_DIR={shlex.quote(str(plugins_dir))}")
    if backup_dir != REPO_ROOT / "backups":
        env.append(f"BACKUP_DIR={shlex.quote(str(backup_dir))}")
    for name in ("BACKUP_KEEP_DAYS", "BACKUP_KEEP_MIN"):
        if os.environ.get(name, "").strip():
            env.append(f"{name}={shlex.quote(os.environ[name].strip())}")
    prefix = " ".join(env) + " " if env else ""
    return f"{CRON_SCHEDULE} cd {shlex.quote(str(REPO_ROOT))} && {prefix}ops/scripts/backup.sh cron"


def backup_settings(data_dir: str | Path | None = None, plugins_dir: str | Path | None = None) -> BackupSettings:
    """Backup dir, retention and the crontab line, as the page shows them. Raises SettingsError on bad settings."""
    data = Path(data_dir).resolve() if data_dir is not None else default_data_dir()
    plugins = Path(plugins_dir).resolve() if plugins_dir is not None else default_plugins_dir()
    folder = resolve_backup_dir(data_dir=data, plugins_dir=plugins)
    return BackupSettings(backup_dir=folder, keep_days=keep_days_from_env(), keep_min=keep_min_from_env(),
                          data_dir=data, plugins_dir=plugins, env_file=default_env_file(),
                          crontab_line=crontab_line(folder, data, plugins),
                          encrypted=bool(setting("QUALIA_BACKUP_KEY")))
