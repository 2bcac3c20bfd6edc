#!/usr/bin/env bash
# Idempotently create $REPO_ROOT/.venv-otava and install requirements-otava.txt (Apache Otava,
# the change point detector bench/report.ts compares against). Its own venv: Otava pins a numpy
# that requirements-dev.txt's does not allow. Skips pip when the stamp matches; one line of output.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv-otava"
REQS="$REPO_ROOT/requirements-otava.txt"
STAMP="$VENV/.requirements-otava.stamp"
PYTHON="${PYTHON:-python3}"

[[ -f "$REQS" ]] || { echo "setup-otava: missing $REQS" >&2; exit 1; }
if ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV" >/dev/null || { echo "setup-otava: '$PYTHON -m venv' failed" >&2; exit 1; }
fi
pyver="$("$VENV/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
want="$(sha256sum "$REQS" | cut -d' ' -f1) python-$pyver"
if [[ -z "${FORCE:-}" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "setup-otava: $VENV up to date, skipped pip install"
  exit 0
fi
rm -f "$STAMP"
log="$VENV/.pip-install.log"
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$REQS" >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup-otava: pip install -r requirements-otava.txt failed" >&2
  exit 1
fi
printf '%s\n' "$want" >"$STAMP"
echo "setup-otava: installed requirements-otava.txt into $VENV (python $pyver)"
