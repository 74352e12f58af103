#!/usr/bin/env bash
# compare.sh - time aic against ONNX Runtime on one model.
#
#   benchmarks/compare.sh MODEL.onnx [INPUTS_DIR] [--threads N] [--warmup W]
#                         [--runs R] [--name NAME] [--aic-run PATH] [--json]
#
# Runs `aic-run MODEL --bench --json` and `node benchmarks/ort-run.js MODEL
# --bench --json` with the same inputs (INPUTS_DIR/input_N.pb, else random),
# threads (default 1), warmup (default 10) and runs (default 100), then
# prints one line:
#   lenet: aic 0.031 ms, onnxruntime 0.052 ms, speedup 1.68x
# (medians; speedup = onnxruntime / aic), or with --json one JSON object
# with both runners' full results. NAME defaults to the model's file name,
# or its directory's name for a file called model.onnx. The aic runner is
# build/bin/aic-run unless --aic-run or $AIC_RUN says otherwise.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AIC_RUN="${AIC_RUN:-$ROOT/build/bin/aic-run}"
THREADS=1 WARMUP=10 RUNS=100 JSON=0 NAME="" MODEL="" INPUTS=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="${2:?--threads needs a value}"; shift 2 ;;
    --warmup) WARMUP="${2:?--warmup needs a value}"; shift 2 ;;
    --runs) RUNS="${2:?--runs needs a value}"; shift 2 ;;
    --name) NAME="${2:?--name needs a value}"; shift 2 ;;
    --aic-run) AIC_RUN="${2:?--aic-run needs a value}"; shift 2 ;;
    --json) JSON=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "compare.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *)
      if [[ -z "$MODEL" ]]; then MODEL="$1"
      elif [[ -z "$INPUTS" ]]; then INPUTS="$1"
      else echo "compare.sh: unexpected argument $1" >&2; exit 2; fi
      shift ;;
  esac
done
[[ -n "$MODEL" ]] || { usage >&2; exit 2; }
[[ -f "$MODEL" ]] || { echo "compare.sh: no such model: $MODEL" >&2; exit 1; }
if [[ -z "$NAME" ]]; then
  base="$(basename "$MODEL")"
  if [[ "$base" == model.onnx ]]; then NAME="$(basename "$(cd "$(dirname "$MODEL")" && pwd)")"
  else NAME="${base%.onnx}"; fi
fi

ARGS=(--bench --json --threads "$THREADS" --warmup "$WARMUP" --runs "$RUNS")
[[ -n "$INPUTS" ]] && ARGS+=(--inputs "$INPUTS")

run_bench() { # LABEL COMMAND...: prints the runner's JSON line
  local label="$1" out
  shift
  if ! out="$("$@" "$MODEL" "${ARGS[@]}")"; then
    echo "compare.sh: $label failed on $MODEL" >&2
    exit 1
  fi
  printf '%s\n' "$out" | tail -n 1
}

if [[ "$AIC_RUN" == *.js ]]; then AIC_CMD=(node "$AIC_RUN"); else AIC_CMD=("$AIC_RUN"); fi
[[ "$AIC_RUN" == */* && ! -x "$AIC_RUN" && "$AIC_RUN" != *.js ]] &&
  { echo "compare.sh: $AIC_RUN not found (build aic first, or pass --aic-run)" >&2; exit 1; }
AIC_JSON="$(run_bench aic "${AIC_CMD[@]}")"
ORT_JSON="$(run_bench onnxruntime node "$ROOT/benchmarks/ort-run.js")"

NAME="$NAME" JSON="$JSON" AIC_JSON="$AIC_JSON" ORT_JSON="$ORT_JSON" node -e '
  const env = process.env;
  let aic, ort;
  try { aic = JSON.parse(env.AIC_JSON); } catch (e) { console.error("compare.sh: bad JSON from aic-run: " + env.AIC_JSON); process.exit(1); }
  try { ort = JSON.parse(env.ORT_JSON); } catch (e) { console.error("compare.sh: bad JSON from ort-run.js: " + env.ORT_JSON); process.exit(1); }
  const speedup = ort.median_ms / aic.median_ms;
  const fmt = (x) => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
  if (env.JSON === "1") {
    console.log(JSON.stringify({ model: env.NAME, threads: aic.threads, runs: aic.runs,
      aic_median_ms: aic.median_ms, onnxruntime_median_ms: ort.median_ms,
      speedup: Math.round(speedup * 1000) / 1000, aic, onnxruntime: ort }));
  } else {
    console.log(`${env.NAME}: aic ${fmt(aic.median_ms)} ms, onnxruntime ${fmt(ort.median_ms)} ms, ` +
                `speedup ${speedup.toFixed(2)}x`);
  }'
