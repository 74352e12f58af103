#!/usr/bin/env bash
# update-op-table.sh - rewrite the README's operator table from the importer's
# rule registry.
#
#   bash scripts/update-op-table.sh [BUILD_DIR]   (default: build)
#
# Replaces the lines between <!-- ops:begin --> and <!-- ops:end --> in
# README.md with the output of `aic-compile --list-ops`;
# test/Importer/operator-table.test fails while they differ.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
table="$("$BUILD/bin/aic-compile" --list-ops)"
TABLE="$table" awk '
  /<!-- ops:begin -->/ { print; print ENVIRON["TABLE"]; skip = 1; next }
  /<!-- ops:end -->/ { skip = 0 }
  !skip { print }
' "$ROOT/README.md" > "$ROOT/README.md.tmp"
mv "$ROOT/README.md.tmp" "$ROOT/README.md"
