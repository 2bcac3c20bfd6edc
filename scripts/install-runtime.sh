#!/usr/bin/env bash
# Installs the native packages the bundled actions load at run time (@lancedb/lancedb and
# apache-arrow, pinned in dist/package-lock.json) into dist/node_modules, next to the bundles.
# Composite actions call it after restoring dist/node_modules from the cache; it does nothing
# when the installed copy was made from the same lockfile.
set -euo pipefail
dist="$(cd "$(dirname "${BASH_SOURCE[0]}")/../dist" && pwd)"
marker="$dist/node_modules/.lance-bench-runtime.lock"
if cmp -s "$dist/package-lock.json" "$marker"; then
  echo "lance-bench runtime: up to date in $dist/node_modules"
  exit 0
fi
npm ci --omit=dev --no-audit --no-fund --loglevel=error --prefix "$dist"
cp "$dist/package-lock.json" "$marker"
echo "lance-bench runtime: installed into $dist/node_modules"
