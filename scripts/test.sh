#!/usr/bin/env bash
# Set up a virtualenv (.venv) with everything the tests need, then run them. Extra args go to pytest.
# pip runs only when a requirement file or pyproject.toml changed since the last install (scripts/venv.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh

# The browser tests drive Debian's chromium with Playwright (never Playwright's own browser download).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Note: /usr/bin/chromium is missing, so the browser tests will be skipped (sudo apt-get install chromium)."
  fi
fi

# The study store's tests start a real PostgreSQL 15 server of their own (tests/postgres.py).
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's PostgreSQL 15 for the store's tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  else
    echo "Note: PostgreSQL 15 is missing, so the store's PostgreSQL tests will be skipped (sudo apt-get install postgresql-15)."
  fi
fi

ensure_venv test requirements-dev.txt requirements.txt requirements-dev.txt pyproject.toml
exec .venv/bin/python -m pytest "$@"
