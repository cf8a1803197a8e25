"""Running `qualia` in this process for tests (Typer's CliRunner), on an empty study of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualia_cli.main import app
from qualia_core import QualiaCore
from qualia_core.accounts import Accounts

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MEETING = FIXTURES / "ami_ES2012a_opening.txt"


@pytest.fixture
def qualia(data_dir, monkeypatch):
    """Run `qualia ARGS…` on an empty study; returns click's Result (exit_code, stdout, stderr)."""
    monkeypatch.setenv("QUALIA_ENV_FILE", str(data_dir.parent / "no.env"))
    for name in ("QUALIA_USER", "QUALIA_PASSWORD", "QUALIA_PLUGINS_DIR", "QUALIA_CORPUS_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # tables as wide as a terminal, so a cell is not wrapped
    runner = CliRunner()

    def run(*args: str, stdin: str = ""):
        return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)

    return run


def flat(text: str) -> str:
    """Text as read, without the frame and line breaks of Typer's error panel."""
    return " ".join(text.replace("│", " ").split())


def one_line(result) -> str:
    """The command failed with one line on stderr and no traceback."""
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def add_accounts(data_dir: Path) -> None:
    accounts = Accounts(QualiaCore(data_dir=data_dir, entry_points=False).library.store)
    accounts.create("root", "a long admin passphrase", "admin")
    accounts.create("vera", "vera's long password", "viewer")
