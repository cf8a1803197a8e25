#!/usr/bin/env bash
# Set up a virtualenv (.venv) with everything the tests need, then run them. Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt -e .
exec .venv/bin/python -m pytest "$@"
