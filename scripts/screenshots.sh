#!/usr/bin/env bash
# Refresh the README's screenshots in docs/screenshots/: runs the browser tests (tests/test_browser.py)
# with QUALIA_SCREENSHOTS_DIR pointing there. Ordinary test runs write their screenshots to a temporary
# folder and leave the tree alone. Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
ensure_venv test requirements-dev.txt requirements.txt requirements-dev.txt pyproject.toml
if [ ! -x /usr/bin/chromium ]; then
  echo "The screenshots need Debian's chromium at /usr/bin/chromium (sudo apt-get install chromium)." >&2
  exit 2
fi
folder=docs/screenshots
mkdir -p "$folder"
marker=$(mktemp)
trap 'rm -f "$marker"' EXIT
QUALIA_SCREENSHOTS_DIR="$PWD/$folder" .venv/bin/python -m pytest -q -p no:cacheprovider -m browser \
  tests/test_browser.py "$@"
refreshed=$(find "$folder" -maxdepth 1 -name '*.png' -newer "$marker" | sort)
if [ -z "$refreshed" ]; then
  echo "No screenshot was refreshed." >&2
  exit 1
fi
echo "Refreshed in $folder/:"
for file in $refreshed; do echo "  $(basename "$file")"; done
echo "Changed against the last commit (review, then commit the ones the README should show):"
git status --short -- "$folder" | sed 's/^/  /'
