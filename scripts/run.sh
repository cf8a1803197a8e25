#!/usr/bin/env bash
# Set up a virtualenv (.venv) and start the Qualia app on http://localhost:8501. Extra args go to streamlit.
# pip runs only when requirements.txt or pyproject.toml changed since the last install (scripts/venv.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
ensure_venv run requirements.txt requirements.txt pyproject.toml
# Streamlit reads STREAMLIT_SERVER_MAX_UPLOAD_SIZE itself, before Qualia's code runs: export .env first.
if [ -f .env ]; then set -a; . ./.env; set +a; fi
exec .venv/bin/python scripts/serve.py "$@"  # streamlit run streamlit_app.py, its first page warmed up
