#!/usr/bin/env bash
# mutated-models.sh - the "mutated real models" acceptance run of hostile
# input handling: every mutated model must end in success or a one-line
# error within the time limit.
#
#   bash scripts/mutated-models.sh [COUNT [FIRST_SEED]]
#   bash scripts/mutated-models.sh --symbolic
#
# Converts the test models and the digits example into seeds (as the fuzz
# build does, fuzz/make_corpus.py), writes COUNT (default 10000) mutated
# copies with the hostile fuzzer's structural mutator (aic-mutate-models,
# seeds FIRST_SEED.., default 1; a model is regenerated from its seed), and
# compiles each to a shared library with aic-compile under `timeout`
# ($AIC_MUTATED_TIMEOUT seconds, default 10) and a memory limit
# ($AIC_MUTATED_MEMORY_KB, default 4 GiB). A model passes if aic-compile
# succeeds, or fails with one-line diagnostics only: every stderr line
# starts with "error: " or "warning: " and there is an error (the importer
# reports every unsupported operator of a model, each on its line), and no
# error is an MLIR verifier's ("'tensor.empty' op ...": aic built invalid
# IR, a bug whatever the model). A
# timeout, a crash, a diagnostic over several lines or a failure without
# an error fails it; failing models are kept
# in $AIC_MUTATED_DIR/failed (default build/mutated/failed) with their
# stderr. One model at a time, niced; prints a summary line every 500
# models and at the end. Exits 1 if any model failed.
#
# --symbolic compiles, instead of mutated models, every seed with its
# inputs' fixed dims made run-time dims (fuzz/symbolic_variants.py: each
# dim alone, all of them, the first dims as one batch), which reaches the
# code paths for run-time shapes that the fixed-shape tests do not. With
# the sanitizer build (AIC_BUILD_DIR=build-san, whose assertions are on and
# which needs AIC_MUTATED_MEMORY_KB=unlimited), a shape assumed static
# fails as an assertion instead of a wrong answer.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${AIC_BUILD_DIR:-$ROOT/build}"
SYMBOLIC=0
if [[ "${1:-}" == --symbolic ]]; then SYMBOLIC=1; shift; fi
COUNT="${1:-10000}"
FIRST="${2:-1}"
TIMEOUT="${AIC_MUTATED_TIMEOUT:-10}"
MEMORY_KB="${AIC_MUTATED_MEMORY_KB:-4194304}"
WORK="${AIC_MUTATED_DIR:-$BUILD/mutated}"
PY=/usr/bin/python3

export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
# For the sanitizer build (see scripts/sanitize.sh); no effect otherwise.
export ASAN_OPTIONS="${ASAN_OPTIONS:-allow_user_poisoning=0:handle_abort=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cmake --build "$BUILD" --target aic-compile aic-mutate-models >/dev/null
rm -rf "$WORK/seeds" "$WORK/models" "$WORK/out" "$WORK/failed"
mkdir -p "$WORK/seeds" "$WORK/models" "$WORK/out" "$WORK/failed"
mapfile -t sources < <(find "$ROOT/test" -name '*.onnxtxt' | sort)
$PY "$ROOT/fuzz/make_corpus.py" "$WORK/seeds" "${sources[@]}" \
  "$ROOT/examples/digits/digits.onnx" >/dev/null
mapfile -t seeds < <(find "$WORK/seeds" -name '*.onnx' | sort)

start=$SECONDS ok=0 errors=0 failed=0 done=0
# Compiles $WORK/models/$1.onnx and counts the outcome.
check() {
  local name="$1" model="$WORK/models/$1.onnx" err="$WORK/out/stderr"
  local status=0
  ( ulimit -v "$MEMORY_KB"
    exec nice -n 19 timeout -s KILL "$TIMEOUT" "$BUILD/bin/aic-compile" \
      "$model" -o "$WORK/out/model.so" ) 2>"$err" >/dev/null || status=$?
  local why=""
  if [[ $status -eq 0 ]]; then
    ok=$((ok + 1))
  elif [[ $status -ge 124 ]]; then
    why="status $status (timeout or crash)"
  elif grep -qv '^\(error\|warning\): ' "$err" || ! grep -q '^error: ' "$err"; then
    why="an error that is not one line (or no error)"
  elif grep -q "'[a-z_]*\.[a-z_.]*' op " "$err"; then
    why="an IR verifier's message (an internal error, not the model's)"
  else
    errors=$((errors + 1))
  fi
  if [[ -n "$why" ]]; then
    failed=$((failed + 1))
    cp "$model" "$WORK/failed/"
    { echo "$why"; cat "$err"; } >"$WORK/failed/$name.stderr"
    echo "FAIL $name: $why"
  fi
  done=$((done + 1))
  if ((done % 500 == 0)); then summary; fi
}
summary() {
  echo "mutated-models: $done models ($ok compiled, $errors one-line errors, $failed failed) in $((SECONDS - start)) s"
}

if [[ $SYMBOLIC -eq 1 ]]; then
  $PY "$ROOT/fuzz/symbolic_variants.py" "$WORK/models" "${seeds[@]}" >/dev/null
  for model in "$WORK/models/"*.onnx; do
    check "$(basename "$model" .onnx)"
  done
else
  batch=500
  for ((first = FIRST; first < FIRST + COUNT; first += batch)); do
    n=$((FIRST + COUNT - first < batch ? FIRST + COUNT - first : batch))
    rm -f "$WORK/models/"*.onnx
    "$BUILD/bin/aic-mutate-models" "$WORK/models" "$n" "$first" "${seeds[@]}"
    for ((seed = first; seed < first + n; ++seed)); do
      check "mutated-$seed"
    done
  done
fi
if ((done % 500 != 0)); then summary; fi
[[ $failed -eq 0 ]]
