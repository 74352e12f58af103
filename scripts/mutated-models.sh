#!/usr/bin/env bash
# mutated-models.sh - the "mutated real models" acceptance run of hostile
# input handling: every mutated model must end in success or a one-line
# error within the time limit.
#
#   bash scripts/mutated-models.sh [COUNT [FIRST_SEED]]
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
# reports every unsupported operator of a model, each on its line). A
# timeout, a crash, a diagnostic over several lines or a failure without
# an error fails it; failing models are kept
# in $AIC_MUTATED_DIR/failed (default build/mutated/failed) with their
# stderr. One model at a time, niced; prints a summary line every 500
# models and at the end. Exits 1 if any model failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${AIC_BUILD_DIR:-$ROOT/build}"
COUNT="${1:-10000}"
FIRST="${2:-1}"
TIMEOUT="${AIC_MUTATED_TIMEOUT:-10}"
MEMORY_KB="${AIC_MUTATED_MEMORY_KB:-4194304}"
WORK="${AIC_MUTATED_DIR:-$BUILD/mutated}"
PY=/usr/bin/python3

export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
cmake --build "$BUILD" --target aic-compile aic-mutate-models >/dev/null
rm -rf "$WORK/seeds" "$WORK/models" "$WORK/out" "$WORK/failed"
mkdir -p "$WORK/seeds" "$WORK/models" "$WORK/out" "$WORK/failed"
mapfile -t sources < <(find "$ROOT/test" -name '*.onnxtxt' | sort)
$PY "$ROOT/fuzz/make_corpus.py" "$WORK/seeds" "${sources[@]}" \
  "$ROOT/examples/digits/digits.onnx" >/dev/null
mapfile -t seeds < <(find "$WORK/seeds" -name '*.onnx' | sort)

start=$SECONDS ok=0 errors=0 failed=0 done=0
batch=500
for ((first = FIRST; first < FIRST + COUNT; first += batch)); do
  n=$((FIRST + COUNT - first < batch ? FIRST + COUNT - first : batch))
  rm -f "$WORK/models/"*.onnx
  "$BUILD/bin/aic-mutate-models" "$WORK/models" "$n" "$first" "${seeds[@]}"
  for ((seed = first; seed < first + n; ++seed)); do
    model="$WORK/models/mutated-$seed.onnx" err="$WORK/out/stderr"
    status=0
    ( ulimit -v "$MEMORY_KB"
      exec nice -n 19 timeout -s KILL "$TIMEOUT" "$BUILD/bin/aic-compile" \
        "$model" -o "$WORK/out/model.so" ) 2>"$err" >/dev/null || status=$?
    why=""
    if [[ $status -eq 0 ]]; then
      ok=$((ok + 1))
    elif [[ $status -ge 124 ]]; then
      why="status $status (timeout or crash)"
    elif grep -qv '^\(error\|warning\): ' "$err" || ! grep -q '^error: ' "$err"; then
      why="an error that is not one line (or no error)"
    else
      errors=$((errors + 1))
    fi
    if [[ -n "$why" ]]; then
      failed=$((failed + 1))
      cp "$model" "$WORK/failed/"
      { echo "$why"; cat "$err"; } >"$WORK/failed/mutated-$seed.stderr"
      echo "FAIL mutated-$seed: $why"
    fi
    done=$((done + 1))
  done
  echo "mutated-models: $done models ($ok compiled, $errors one-line errors, $failed failed) in $((SECONDS - start)) s"
done
[[ $failed -eq 0 ]]
