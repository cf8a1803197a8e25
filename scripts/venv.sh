# Sourced by run.sh, test.sh and screenshots.sh (from the repository root): the virtualenv in .venv,
# installed only when needed.
#
#   ensure_venv SET REQUIREMENTS FILES…
#
# creates .venv when it is missing (with $PYTHON, default python3), then runs
# `pip install -r REQUIREMENTS -e .` only when FILES (every requirement file the set reads, and
# pyproject.toml) changed since the last successful install of that SET. The stamp
# .venv/.qualia-installed-SET holds a sha256 of those files, the pip command and the repository
# path; it is written only after pip succeeded, so a failed or interrupted install runs again next
# time. A fresh clone (no .venv) installs everything. QUALIA_REINSTALL=1 installs regardless.

_qualia_sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi | cut -d' ' -f1
}

ensure_venv() {
  local set=$1 requirements=$2
  shift 2
  if [ ! -x .venv/bin/python ]; then "${PYTHON:-python3}" -m venv .venv || return; fi
  local pip=(.venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements" -e .)
  local stamp=".venv/.qualia-installed-$set" want file
  for file in "$@"; do
    [ -f "$file" ] || { echo "scripts/venv.sh: $file is missing" >&2; return 1; }
  done
  want=$({ printf '%s\n' "$PWD" "${pip[*]}"; for file in "$@"; do printf '== %s\n' "$file"; cat "$file"; done; } \
         | _qualia_sha256)
  if [ "${QUALIA_REINSTALL:-0}" != 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  "${pip[@]}" || return  # no stamp: the next start installs again
  printf '%s\n' "$want" > "$stamp.tmp"
  mv "$stamp.tmp" "$stamp"
}
