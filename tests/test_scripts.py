"""scripts/venv.sh: run.sh and test.sh install only when their requirement files changed since the last install
that succeeded (a restart with nothing changed runs no pip). Driven with a stand-in .venv/bin/python that
records each pip call, so the real script runs and nothing is installed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$(dirname "$0")/../pip-calls.log"
[ -f "$(dirname "$0")/../pip-fails" ] && exit 1
exit 0
"""


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "venv.sh").write_text((ROOT / "scripts" / "venv.sh").read_text())
    (tmp_path / "requirements.txt").write_text("streamlit>=1.65\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest>=8\n")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    return tmp_path


def ensure(project: Path, which: str = "test") -> int:
    files = "requirements-dev.txt requirements.txt pyproject.toml" if which == "test" else \
        "requirements.txt pyproject.toml"
    req = "requirements-dev.txt" if which == "test" else "requirements.txt"
    done = subprocess.run(["bash", "-c", f"set -euo pipefail; . scripts/venv.sh; ensure_venv {which} {req} {files}"],
                          cwd=project, capture_output=True, text=True, timeout=60)
    return done.returncode


def pip_calls(project: Path) -> list[str]:
    log = project / ".venv" / "pip-calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_a_second_start_with_nothing_changed_runs_no_pip(project):
    assert ensure(project) == 0
    assert ensure(project) == 0
    assert pip_calls(project) == ["-m pip install -q --disable-pip-version-check -r requirements-dev.txt -e ."]


def test_a_changed_requirement_file_installs_again(project):
    assert ensure(project) == 0
    (project / "requirements.txt").write_text("streamlit>=1.66\n")
    assert ensure(project) == 0
    assert len(pip_calls(project)) == 2


def test_the_app_and_the_tests_keep_their_own_stamps(project):
    assert ensure(project, "run") == 0
    assert ensure(project, "test") == 0  # the dev requirements are not installed yet
    assert ensure(project, "run") == 0 and ensure(project, "test") == 0
    assert [c.split(" -r ")[1] for c in pip_calls(project)] == ["requirements.txt -e .", "requirements-dev.txt -e ."]


def test_a_failed_install_is_tried_again_next_time(project):
    (project / ".venv" / "pip-fails").write_text("")
    assert ensure(project) != 0
    (project / ".venv" / "pip-fails").unlink()
    assert ensure(project) == 0
    assert len(pip_calls(project)) == 2
    assert ensure(project) == 0 and len(pip_calls(project)) == 2
