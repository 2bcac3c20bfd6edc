#!/usr/bin/env bash
# Idempotently create $REPO_ROOT/.venv and install requirements-dev.txt into it.
#
# The pip install is skipped when .venv/.requirements-dev.stamp holds the same
# sha256 of requirements-dev.txt (plus the venv's Python version), so repeated
# calls are near-instant. Prints exactly one line saying what it did.
#
# Env: PYTHON   interpreter used to create the venv (default: python3)
#      FORCE=1  reinstall even if the stamp matches
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
REQS="$REPO_ROOT/requirements-dev.txt"
STAMP="$VENV/.requirements-dev.stamp"
PYTHON="${PYTHON:-python3}"

[[ -f "$REQS" ]] || { echo "setup-python: missing $REQS" >&2; exit 1; }

hash_file() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

created=""
# (Re)create the venv if it is missing or its interpreter no longer runs.
if ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
  command -v "$PYTHON" >/dev/null 2>&1 || { echo "setup-python: $PYTHON not found" >&2; exit 1; }
  rm -rf "$VENV"
  if ! "$PYTHON" -m venv "$VENV" >/dev/null; then
    echo "setup-python: '$PYTHON -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)" >&2
    exit 1
  fi
  created="created $VENV and "
fi

pyver="$("$VENV/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
want="$(hash_file "$REQS") python-$pyver"

if [[ -z "${FORCE:-}" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "setup-python: $VENV up to date (python $pyver, requirements-dev.txt unchanged), skipped pip install"
  exit 0
fi

rm -f "$STAMP"
log="$VENV/.pip-install.log"
start=$SECONDS
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$REQS" >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup-python: pip install -r requirements-dev.txt failed" >&2
  exit 1
fi
printf '%s\n' "$want" >"$STAMP.tmp" && mv "$STAMP.tmp" "$STAMP"
echo "setup-python: ${created}installed requirements-dev.txt into $VENV (python $pyver) in $((SECONDS - start))s"
