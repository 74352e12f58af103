#!/usr/bin/env bash
# fuzz.sh - run one of aic's libFuzzer harnesses (fuzz/).
#
#   bash scripts/fuzz.sh [OPTIONS] HARNESS [SECONDS]
#
# HARNESS: import (the importer on raw bytes), hostile (the importer on
# structurally mutated models), compile (import + optimize + lower to LLVM
# IR on mutated models) or runtime (the C API on corrupt model metadata and
# descriptors, and wrong-sized buffers). SECONDS: fuzzing time (default 60;
# with --runs, default no time limit).
#
# Options:
#   --build DIR    the ASan+UBSan+fuzz build (default $AIC_SAN_BUILD_DIR or
#                  build-san/); configured and built by scripts/sanitize.sh
#                  when its fuzzers are missing
#   --seed N       libFuzzer's random seed (default: random); with a seed the
#                  run starts from a fresh corpus (what ctest's fuzz-* do),
#                  without one it grows DIR/fuzz/corpus/HARNESS across runs
#   --runs N       stop after N executions (the seeds and regression inputs
#                  count); with --seed the run is the same on any machine
#                  (ctest's fuzz-* run this way, see fuzz/CMakeLists.txt)
#   --jobs N       fuzz in N processes (libFuzzer -fork=N) for long runs
#
# The run starts from the seeds (the test models, converted at build time;
# runtime: a valid descriptor of every primitive kind) and the kept
# regression inputs (fuzz/regressions/HARNESS/). A crash, sanitizer report,
# hang (10 s per input), memory blow-up (2 GiB) or oracle finding (an error
# that is not one line, a failure without an error, an unverifiable module)
# stops it with exit status 1 and the input saved under
# DIR/fuzz/artifacts/HARNESS/: fix the bug, then add the input to
# fuzz/regressions/HARNESS/ so that ctest's fuzz-regress-HARNESS keeps it.
# Prints executions per second and coverage at the end. An hour per harness:
#   for h in import hostile compile runtime; do bash scripts/fuzz.sh $h 3600; done
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${AIC_SAN_BUILD_DIR:-$ROOT/build-san}"
SEED=""
RUNS=""
JOBS=0
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
if [[ ${#ARGS[@]} -lt 1 || ${#ARGS[@]} -gt 2 ]]; then usage >&2; exit 2; fi
HARNESS="${ARGS[0]}"
if [[ -n "$RUNS" ]]; then
  SECONDS_BUDGET="${ARGS[1]:-0}"
  RUNS_ARG=(-runs="$RUNS")
else
  SECONDS_BUDGET="${ARGS[1]:-60}"
  RUNS_ARG=()
fi
case "$HARNESS" in
  import|hostile|compile) SEEDS="$BUILD/fuzz/seeds/models" ;;
  runtime) SEEDS="$BUILD/fuzz/seeds/runtime" ;;
  *) echo "fuzz.sh: unknown harness '$HARNESS'" >&2; usage >&2; exit 2 ;;
esac
FUZZER="$BUILD/fuzz/${HARNESS}_fuzzer"

if [[ ! -x "$FUZZER" || ! -d "$SEEDS" ]]; then
  AIC_SAN_BUILD_DIR="$BUILD" bash "$ROOT/scripts/sanitize.sh" fuzzers
fi

# See scripts/sanitize.sh for allow_user_poisoning=0.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allow_user_poisoning=0:handle_abort=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ARTIFACTS="$BUILD/fuzz/artifacts/$HARNESS"
mkdir -p "$ARTIFACTS"
if [[ -n "$SEED" ]]; then
  CORPUS="$(mktemp -d)"
  trap 'rm -rf "$CORPUS"' EXIT
  SEED_ARG=(-seed="$SEED")
else
  CORPUS="$BUILD/fuzz/corpus/$HARNESS"
  mkdir -p "$CORPUS"
  SEED_ARG=()
fi
FORK_ARG=()
if [[ "$JOBS" -gt 0 ]]; then FORK_ARG=(-fork="$JOBS" -ignore_crashes=0); fi

LOG="$BUILD/fuzz/$HARNESS.log"
echo "fuzz.sh: $HARNESS for ${RUNS:+$RUNS runs, }${SECONDS_BUDGET}s (0: no limit; log: $LOG)"
status=0
"$FUZZER" "${SEED_ARG[@]}" "${RUNS_ARG[@]}" "${FORK_ARG[@]}" -max_total_time="$SECONDS_BUDGET" \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$ARTIFACTS/" \
  "$CORPUS" "$SEEDS" "$ROOT/fuzz/regressions/$HARNESS" >"$LOG" 2>&1 || status=$?

# libFuzzer's last status line and final stats.
last="$(grep -E '^#[0-9]+' "$LOG" | tail -1 || true)"
execs="$(awk '/stat::number_of_executed_units/ {print $2}' "$LOG" | tail -1)"
rate="$(awk '/stat::average_exec_per_sec/ {print $2}' "$LOG" | tail -1)"
cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")"
ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")"
corp="$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$last")"
echo "fuzz.sh: $HARNESS: ${execs:-?} runs (${rate:-?}/s), coverage ${cov:-?} edges, ${ft:-?} features, corpus ${corp:-?}"
if [[ $status -ne 0 ]]; then
  grep -E 'aic-fuzz finding|ERROR: |runtime error|SUMMARY|Test unit written' "$LOG" | head -20 >&2 || true
  echo "fuzz.sh: $HARNESS failed (status $status); the input is in $ARTIFACTS/ (see $LOG)" >&2
  exit 1
fi
