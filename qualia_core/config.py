"""Configuration: every setting Qualia reads from the environment or an optional `.env`, validated.

`load_settings()` checks every variable at once (the app, the dashboard and the backup command call it
at start-up) and raises SettingsError naming each bad variable, its value and what it accepts.
`get(name)` reads one variable the same way, for code that needs a single value. `.env` in the current
folder (or the file named by QUALIA_ENV_FILE) is read once; real environment variables win over it.
`.env.example` is generated from VARIABLES (a test keeps them in step).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import SettingsError


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    accepts: str
    parse: Callable[[str], Any]
    description: str
    secret: bool = False  # never echoed in an error message


def _integer(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw.strip())
        if value < low or (high is not None and value > high):
            raise ValueError
        return value
    return parse


def _number(low: float, high: float | None = None) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw.strip())
        if not (value >= low) or (high is not None and value > high):
            raise ValueError
        return value
    return parse


def _choice(*options: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in options:
            raise ValueError
        return value
    return parse


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError


def _dsn(raw: str) -> str:
    if raw and not re.match(r"^https?://[^@/\s]+@[^/\s]+/\S+$", raw.strip()):
        raise ValueError
    return raw.strip()


def _text(raw: str) -> str:
    return raw


def _path(raw: str) -> Path:
    if not raw.strip() or "\x00" in raw:  # NUL: no file system allows it (qualia_core.names)
        raise ValueError
    return Path(raw.strip()).expanduser()


def _passphrase(minimum: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw and (len(raw) < minimum or not raw.strip()):
            raise ValueError
        return raw
    return parse


def _host(raw: str) -> str:
    if not re.match(r"^[A-Za-z0-9.:\-\[\]]+$", raw.strip()):
        raise ValueError
    return raw.strip()


def _origins(raw: str) -> list[str]:
    """Comma-separated origins (scheme://host[:port]) or *; empty: none."""
    origins = [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]
    for origin in origins:
        if origin != "*" and not re.match(r"^https?://[A-Za-z0-9.\-\[\]:]+$", origin):
            raise ValueError
    return origins


def _address(raw: str) -> str:
    """Empty, or a Dask scheduler address such as tcp://10.0.0.5:8786."""
    if raw.strip() and not re.match(r"^(tcp|tls|inproc|ucx|ws|wss)://\S+$", raw.strip()):
        raise ValueError
    return raw.strip()


PERCENT = "a number from 0 to 100"
VARIABLES = [
    Variable("QUALIA_DATA_DIR", "./data", "a folder path", _path,
             "All mutable state: document library, result cache, outputs, breaker stats."),
    Variable("QUALIA_DATABASE_URL", "", "empty (an SQLite file in the data dir), or a PostgreSQL URL such as "
             "postgresql+psycopg://user:password@host/qualia", _text,
             "Where the study database lives (documents, turns, speakers, participants)."),
    Variable("QUALIA_PLUGINS_DIR", "", "a folder path (empty: the repository's plugins/)", _text,
             "Where plugin folders are discovered."),
    Variable("QUALIA_MAX_DOCUMENT_MB", "10", "a whole number of megabytes from 1 to 10000", _integer(1, 10000),
             "Largest transcript file the core reads (MB), whichever door it comes through."),
    Variable("STREAMLIT_SERVER_MAX_UPLOAD_SIZE", "50", "a whole number of megabytes from 1 to 10000",
             _integer(1, 10000), "Largest file the app's upload boxes accept (MB): transcripts and backup "
             "archives. Streamlit reads it itself."),
    Variable("QUALIA_CORPUS_WORKERS", "0", "a whole number from 0 to 64 (0: one per CPU; 1: no worker processes)",
             _integer(0, 64), "Worker processes the app uses to analyze several documents at once."),
    Variable("LOG_LEVEL", "INFO", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
             lambda r: _choice("debug", "info", "warning", "error", "critical")(r).upper(), "Logging threshold."),
    Variable("LOG_FORMAT", "text", "text or json", _choice("text", "json"),
             "text: readable lines; json: one JSON object per line (time, level, logger, message, plugin_id, "
             "document_id, duration)."),
    Variable("SENTRY_DSN", "", "empty, or a Sentry DSN such as https://key@o0.ingest.sentry.io/0", _dsn,
             "Send errors to Sentry (never transcript text). Empty: nothing is sent."),
    Variable("SENTRY_ENVIRONMENT", "development", "any name", _text, "Environment name shown in Sentry."),
    Variable("SENTRY_DEBUG", "false", "true or false", _boolean, "Sentry SDK debug output."),
    Variable("HEALTH_DASHBOARD_HOST", "127.0.0.1", "a host name or IP address", _host,
             "Address the health dashboard binds (0.0.0.0 exposes it to the network)."),
    Variable("HEALTH_DASHBOARD_PORT", "8080", "a port number from 1 to 65535", _integer(1, 65535),
             "Port of the health dashboard."),
    Variable("HEALTH_CHECK_INTERVAL", "30", "a number of seconds of at least 1", _number(1),
             "Seconds between Health page refreshes and dashboard stream events."),
    Variable("HEALTH_DASHBOARD_MAX_STREAMS", "8", "a whole number from 1 to 256", _integer(1, 256),
             "Most live stream (/health/stream) clients the health dashboard serves at once; more get 503."),
    Variable("DEFAULT_MAX_FAILURES", "5", "a whole number of at least 1", _integer(1),
             "Consecutive failures that switch a plugin off (its circuit breaker opens)."),
    Variable("DEFAULT_TIMEOUT_SECONDS", "300", "a number of seconds of at least 0", _number(0),
             "Seconds a switched-off plugin waits before one trial call."),
    Variable("BACKUP_DIR", "./backups", "a folder path outside the data dir", _path, "Where backup archives go."),
    Variable("BACKUP_KEEP_DAYS", "30", "a whole number of days of at least 0", _integer(0),
             "Cleanup deletes archives older than this…"),
    Variable("BACKUP_KEEP_MIN", "3", "a whole number of at least 1", _integer(1),
             "…but always keeps this many of the newest."),
    Variable("QUALIA_AUTH", "auto", "auto, on or off", _choice("auto", "on", "off"),
             "Sign-in. auto: off only while the app listens on loopback (127.0.0.1) and no account exists; "
             "on: always; off: never, and refused beyond loopback."),
    Variable("QUALIA_ADMIN_USER", "admin", "an account name", _text,
             "Name of the first admin, created at start from QUALIA_ADMIN_PASSWORD when no account exists."),
    Variable("QUALIA_ADMIN_PASSWORD", "", "empty, or a password of at least 10 characters", _text,
             "When set and no account exists, the first admin is created with it at start (then sign-in is on).",
             secret=True),
    Variable("QUALIA_USER", "", "empty, or an account name", _text,
             "Who runs the `qualia` command when sign-in is on (else it asks); its password comes from "
             "QUALIA_PASSWORD or a prompt."),
    Variable("QUALIA_PASSWORD", "", "empty, or that account's password", _text,
             "The password of QUALIA_USER for scripts (empty: the `qualia` command asks for it).", secret=True),
    Variable("QUALIA_SESSION_HOURS", "12", "a number of hours from 0.1 to 720", _number(0.1, 720),
             "How long a sign-in lasts (it survives page reloads until then, or until signing out)."),
    Variable("QUALIA_BACKUP_KEY", "", "empty (archives are not encrypted), or a passphrase of at least 16 characters",
             _passphrase(16), "Encrypts backup archives (AES-256-GCM, the key stretched with argon2id); verify and "
             "restore of an encrypted archive need the same passphrase. Keep a copy outside the backups.", secret=True),
    Variable("QUALIA_API_HOST", "127.0.0.1", "a host name or IP address", _host,
             "Address the REST API binds (`python -m api`, `qualia serve`); beyond loopback it needs sign-in on."),
    Variable("QUALIA_API_PORT", "8000", "a port number from 1 to 65535", _integer(1, 65535), "Port of the REST API."),
    Variable("QUALIA_API_WORKERS", "1", "a whole number from 1 to 64", _integer(1, 64),
             "Worker processes of the REST API (uvicorn workers); they share jobs and the rate limit in the study "
             "database."),
    Variable("CORS_ALLOWED_ORIGINS", "", "empty (no other site may call the API from a browser), * or "
             "comma-separated origins such as https://lab.example.org", _origins,
             "Web sites whose pages may call the REST API from a browser (CORS)."),
    Variable("RATE_LIMIT_PER_MINUTE", "600", "a whole number from 0 to 1000000 (0: no limit)",
             _integer(0, 1_000_000), "Requests per minute the REST API answers for one token (or one client "
             "address without a token), counted across every worker; more get 429 with Retry-After."),
    Variable("QUALIA_DASK_SCHEDULER", "", "empty (a process pool of QUALIA_CORPUS_WORKERS), or a Dask scheduler "
             "address such as tcp://10.0.0.5:8786", _address,
             "Where corpus runs go (the app's several-document analyses, the REST API's jobs): a Dask cluster "
             "instead of local worker processes."),
    Variable("ALERT_CPU_CRITICAL_PERCENT", "90", PERCENT, _number(0, 100), "CPU use that raises a critical alert."),
    Variable("ALERT_MEMORY_WARNING_PERCENT", "80", PERCENT, _number(0, 100), "Memory use that raises a warning."),
    Variable("ALERT_MEMORY_CRITICAL_PERCENT", "90", PERCENT, _number(0, 100), "Memory use that is critical."),
    Variable("ALERT_DISK_CRITICAL_PERCENT", "90", PERCENT, _number(0, 100), "Disk use that is critical."),
    Variable("ALERT_SUSTAINED_SECONDS", "60", "a number of seconds of at least 0 (0: alert on one reading)",
             _number(0), "How long a CPU, memory or disk reading must stay over its limit before it raises an alert "
             "(one busy moment is not an alert)."),
    Variable("ALERT_BACKUP_MAX_AGE_HOURS", "48", "a number of hours of at least 1", _number(1),
             "A last backup older than this raises a warning."),
]
BY_NAME = {v.name: v for v in VARIABLES}
_env_file_loaded = False


#: The shipped plugins, beside the qualia_core package.
REPO_PLUGINS = Path(__file__).resolve().parents[1] / "plugins"


def plugins_dir(environ: dict[str, str] | None = None) -> Path:
    """Where plugin folders are discovered: QUALIA_PLUGINS_DIR, or the project's plugins/ when it is empty."""
    return Path(get("QUALIA_PLUGINS_DIR", environ) or REPO_PLUGINS).expanduser().resolve()


def load_env_file(path: str | Path | None = None) -> Path | None:
    """Read `.env` once (QUALIA_ENV_FILE or ./.env); variables already set in the environment win."""
    global _env_file_loaded
    if _env_file_loaded and path is None:
        return None
    _env_file_loaded = True
    target = Path(path or os.environ.get("QUALIA_ENV_FILE") or ".env")
    if not target.is_file():
        return None
    from dotenv import load_dotenv

    load_dotenv(target, override=False)
    return target


def _parse(variable: Variable, environ: dict[str, str]) -> Any:
    raw = environ.get(variable.name)
    if raw is None or (raw.strip() == "" and variable.default != ""):
        raw = variable.default
    try:
        return variable.parse(raw)
    except (ValueError, TypeError):
        shown = f"{variable.name} (value not shown)" if variable.secret else f"{variable.name}={raw!r}"
        raise SettingsError([f"{shown} is not valid: it accepts {variable.accepts}"]) from None


def get(name: str, environ: dict[str, str] | None = None) -> Any:
    """One setting, validated (raises SettingsError naming it)."""
    if environ is None:
        load_env_file()
        environ = os.environ
    return _parse(BY_NAME[name], environ)


def load_settings(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Every setting, validated together: SettingsError lists every bad variable at once."""
    if environ is None:
        load_env_file()
        environ = dict(os.environ)
    values, problems = {}, []
    for variable in VARIABLES:
        try:
            values[variable.name] = _parse(variable, environ)
        except SettingsError as exc:
            problems += exc.problems
    if values.get("ALERT_MEMORY_WARNING_PERCENT", 0) > values.get("ALERT_MEMORY_CRITICAL_PERCENT", 100):
        problems.append("ALERT_MEMORY_WARNING_PERCENT is above ALERT_MEMORY_CRITICAL_PERCENT: "
                        "the warning must come first")
    if problems:
        raise SettingsError(problems)
    return values


def env_example() -> str:
    """The text of .env.example: every variable with its default and what it does."""
    lines = ["# Qualia settings. Copy to .env and change what you need; the environment wins over .env.",
             "# Generated from qualia_core/config.py (tests keep the two in step).", ""]
    for v in VARIABLES:
        lines += [f"# {v.description} Accepts {v.accepts}.", f"{v.name}={v.default}", ""]
    return "\n".join(lines)
