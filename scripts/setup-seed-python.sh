#!/usr/bin/env bash
# Idempotently create $REPO_ROOT/.venv-seed on Python 3.12 with the locked stack of the
# Python lance-bench that this suite replaces (requirements-seed.txt): the migration tests read and write tables with it. Python 3.12
# comes from the PATH (python3.12) or from pyenv (PYENV_VERSION=3.12.x). Prints one line.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv-seed"
REQS="$REPO_ROOT/requirements-seed.txt"
STAMP="$VENV/.requirements.stamp"
want="$(sha256sum "$REQS" | cut -d' ' -f1)"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] && "$VENV/bin/python" -c 'import lancedb' 2>/dev/null; then
  echo "setup-seed-python: $VENV is up to date"
  exit 0
fi

python=""
if python3.12 -c '' 2>/dev/null; then
  python="python3.12"
elif command -v pyenv >/dev/null 2>&1; then
  version="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12\.[0-9]+$' | sort -V | tail -n 1 || true)"
  [[ -n "$version" ]] && python="$(PYENV_VERSION="$version" pyenv which python3.12)"
fi
if [[ -z "$python" ]]; then
  echo "setup-seed-python: no Python 3.12 (install it, e.g. pyenv install 3.12): the migration tests need it" >&2
  exit 1
fi
rm -rf "$VENV"
"$python" -m venv "$VENV"
"$VENV/bin/pip" install --disable-pip-version-check -q -r "$REQS"
echo "$want" >"$STAMP"
echo "setup-seed-python: created $VENV with $("$VENV/bin/python" --version) and the Python lance-bench's stack"
