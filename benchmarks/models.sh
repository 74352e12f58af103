#!/usr/bin/env bash
# models.sh - the model-zoo benchmark: aic against ONNX Runtime, same run.
#
#   benchmarks/models.sh [--threads N] [--runs R] [MODEL...]
#
# Generates the test models with PyTorch (test/e2e/make_models.py: lenet,
# mlp, resnet18 by default) into build/bench-models, then runs
# benchmarks/compare.sh on each with the same threads, warmup and runs for
# both runtimes, and prints one line per model. Needs build/bin/aic-run and
# onnxruntime-node (scripts/setup.sh --with-ort).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
THREADS=1 RUNS=""
MODELS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="${2:?}"; shift 2 ;;
    --runs) RUNS="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) MODELS+=("$1"); shift ;;
  esac
done
[[ ${#MODELS[@]} -gt 0 ]] || MODELS=(lenet mlp resnet18)
OUT="${AIC_BUILD_DIR:-$ROOT/build}/bench-models"
mkdir -p "$OUT"
for m in "${MODELS[@]}"; do
  [[ -f "$OUT/$m/model.onnx" ]] ||
    /usr/bin/python3 "$ROOT/test/e2e/make_models.py" "$m" "$OUT/$m" > /dev/null
  runs="$RUNS"
  [[ -n "$runs" ]] || { [[ $m == resnet18 ]] && runs=30 || runs=300; }
  "$ROOT/benchmarks/compare.sh" "$OUT/$m/model.onnx" "$OUT/$m/test_data_set_0" \
    --name "$m" --threads "$THREADS" --runs "$runs"
done
