#!/usr/bin/env bash
# sanitize.sh - aic's sanitizer and memory-checker runs (part of CI).
#
#   bash scripts/sanitize.sh asan|tsan|valgrind|fuzzers|all
#
# asan      Builds aic with clang-19, -DAIC_SANITIZE=address,undefined and
#           -DAIC_FUZZ=ON (ASan + UBSan, asserts on, libFuzzer coverage) in
#           $AIC_SAN_BUILD_DIR (default build-san/) and runs the unit and lit
#           tests, the fuzz regression inputs, a short fuzzing run per
#           harness (ctest's fuzz-*: a fixed seed and number of executions,
#           fuzz/CMakeLists.txt) and 1 in $AIC_SAN_BACKEND_SAMPLE (default 4)
#           tests of each ONNX backend suite. Any sanitizer report fails the
#           test it occurs in.
# tsan      Builds libaicrt and its unit tests only (-DAIC_BUILD_COMPILER=OFF
#           -DAIC_SANITIZE=thread) in $AIC_TSAN_BUILD_DIR (default
#           build-tsan/) and runs the concurrency tests under ThreadSanitizer
#           (8 threads x 1000 runs of one model, every output checked).
# valgrind  Runs the runtime unit tests of the regular build ($AIC_BUILD_DIR,
#           default build/, built if needed) under valgrind memcheck (oneDNN
#           limited to AVX2, which valgrind decodes), and the importer's
#           test of ONNX's shape inference on hostile contexts.
# fuzzers   Only builds the asan build's fuzz harnesses and seed corpora
#           (what scripts/fuzz.sh needs).
# all       asan, tsan, valgrind in turn.
#
# Each prints how long it took. Runs scripts/setup.sh first (clang-19,
# libclang-rt-19-dev and valgrind are among its packages).
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
if [[ $# -ne 1 ]]; then usage >&2; exit 2; fi
case "$1" in -h|--help) usage; exit 0 ;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
# The clang builds have line tables (-gline-tables-only), and with debug
# information ccache hashes the build folder's absolute path unless told
# not to: without this, no two clones would share cache entries.
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
SAN_BUILD="${AIC_SAN_BUILD_DIR:-build-san}"
TSAN_BUILD="${AIC_TSAN_BUILD_DIR:-build-tsan}"
BUILD="${AIC_BUILD_DIR:-build}"
PY=/usr/bin/python3

# Sanitizer reports end the process with a failure; leaks are reported too.
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons its slabs in
# instrumented code only; memory the uninstrumented libMLIR then hands out
# from them would look poisoned.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:allow_user_poisoning=0:handle_abort=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"

clang_build() { # DIR EXTRA_CMAKE_ARGS...
  local dir="$1"; shift
  cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    "-DCMAKE_C_FLAGS_RELEASE=-O1 -gline-tables-only" \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -gline-tables-only" "$@" >/dev/null
}

configure_asan() {
  # No Python module: an instrumented extension cannot load into the
  # uninstrumented interpreter.
  clang_build "$SAN_BUILD" -DAIC_SANITIZE=address,undefined -DAIC_FUZZ=ON \
    -DAIC_BUILD_PYTHON=OFF
}

stage() { # NAME COMMAND...
  local name="$1" start=$SECONDS; shift
  echo "== sanitize.sh $name"
  "$@"
  echo "== sanitize.sh $name: passed in $((SECONDS - start)) s"
}

backend_sample() {
  local every="${AIC_SAN_BACKEND_SAMPLE:-4}" suite names
  for suite in node simple pytorch-converted pytorch-operator; do
    # Every Nth test of the suite in name order: a fixed sample of every
    # operator family.
    names="$($PY test/onnx-backend/run_backend.py --aic-run "$SAN_BUILD/bin/aic-run" \
      --suite "$suite" --list | awk -F/ -v n="$every" 'NR % n == 1 { print $2 }' | paste -sd'|')"
    AIC_CACHE_DIR="$SAN_BUILD/test/aic-cache" $PY test/onnx-backend/run_backend.py \
      --aic-run "$SAN_BUILD/bin/aic-run" --suite "$suite" --jobs 2 \
      --xfail test/onnx-backend/xfail.txt --filter "^($names)\$"
  done
}

run_asan() {
  configure_asan
  cmake --build "$SAN_BUILD"
  # The installed-tree examples link an uninstrumented application against
  # the instrumented runtime; the regular build runs them.
  ctest --test-dir "$SAN_BUILD" --output-on-failure --no-tests=error \
    -E '^(onnx-backend-|example-installed-)'
  backend_sample
}

run_fuzzers() {
  configure_asan
  cmake --build "$SAN_BUILD" --target aic-fuzzers
}

run_tsan() {
  clang_build "$TSAN_BUILD" -DAIC_BUILD_COMPILER=OFF -DAIC_SANITIZE=thread
  cmake --build "$TSAN_BUILD" --target aicrt_tests
  # One OpenMP thread per run: libgomp is not instrumented, and TSan cannot
  # see the futex barriers between its workers, so oneDNN's accesses on
  # them would look racy. Concurrent runs come from the tests' own threads;
  # ThreadCountRebuildsPrimitives is about OpenMP team sizes and stays out.
  OMP_NUM_THREADS=1 "$TSAN_BUILD/bin/aicrt_tests" \
    --gtest_filter='Concurrency.*:-Concurrency.ThreadCountRebuildsPrimitives'
}

run_valgrind() {
  if [[ ! -f "$BUILD/build.ninja" ]]; then
    cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$BUILD" --target aicrt_tests aicrt_internal_tests
  local vg=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --smc-check=all-non-file --quiet)
  # The 8 x 1000 run test is TSan's; under valgrind, which runs one thread
  # at a time, the 4-thread one covers concurrent runs.
  ONEDNN_MAX_CPU_ISA=AVX2 "${vg[@]}" "$BUILD/bin/aicrt_tests" \
    --gtest_filter='-Concurrency.EightThreadsThousandRunsEach'
  "${vg[@]}" "$BUILD/bin/aicrt_internal_tests"
  # ONNX's (uninstrumented) shape inference of every operator version on
  # hostile contexts, with the importer's guards: memcheck sees reads past
  # a vector that do not crash.
  cmake --build "$BUILD" --target aic-importer-tests
  "${vg[@]}" "$BUILD/bin/aic-importer-tests"
}

bash scripts/setup.sh >/dev/null
case "$1" in
  asan) stage asan run_asan ;;
  tsan) stage tsan run_tsan ;;
  valgrind) stage valgrind run_valgrind ;;
  fuzzers) stage fuzzers run_fuzzers ;;
  all) stage asan run_asan; stage tsan run_tsan; stage valgrind run_valgrind ;;
  *) echo "sanitize.sh: unknown run '$1'" >&2; usage >&2; exit 2 ;;
esac
