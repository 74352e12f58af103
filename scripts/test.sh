#!/usr/bin/env bash
# test.sh - build aic and run all its tests; what CI runs (.ci/run).
#
#   bash scripts/test.sh [CTEST_ARGS...]
#
# Runs scripts/setup.sh, configures and builds aic in $AIC_BUILD_DIR
# (default: build/), then `ctest --test-dir BUILD --output-on-failure
# --no-tests=error CTEST_ARGS...` and exits with ctest's status. The tests
# run one after another (ctest without -j): the GoogleTest unit tests, the
# lit-* suites (lit runs each suite's files in parallel) and the
# onnx-backend-* suites (their runner uses 2 jobs). Example: `-R lit-` runs
# only the lit suites.
#
# Without CTEST_ARGS it then runs `scripts/sanitize.sh all`: the ASan+UBSan
# build with its tests and short fixed-seed fuzzing runs, the TSan
# concurrency test and valgrind on the runtime tests. AIC_SANITIZERS=0
# skips them. Exits non-zero if anything failed.
set -euo pipefail

case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${AIC_BUILD_DIR:-build}"
# CMake uses ccache when it is installed; a base dir makes its hits
# independent of where the tree is checked out.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"

bash scripts/setup.sh
cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD"
status=0
ctest --test-dir "$BUILD" --output-on-failure --no-tests=error "$@" || status=$?
if [[ $# -eq 0 && "${AIC_SANITIZERS:-1}" != 0 ]]; then
  AIC_BUILD_DIR="$BUILD" bash scripts/sanitize.sh all || status=1
fi
exit $status
