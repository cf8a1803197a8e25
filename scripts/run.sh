#!/usr/bin/env bash
# Set up a virtualenv (.venv) and start the Qualia app on http://localhost:8501. Extra args go to streamlit.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt -e .
# Streamlit reads STREAMLIT_SERVER_MAX_UPLOAD_SIZE itself, before Qualia's code runs: export .env first.
if [ -f .env ]; then set -a; . ./.env; set +a; fi
exec .venv/bin/python -m streamlit run streamlit_app.py "$@"
