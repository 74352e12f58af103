#!/usr/bin/env bash
# zoo.sh - the model-zoo benchmark: one or more aic builds against ONNX
# Runtime, interleaved in rounds, with accuracy against PyTorch.
#
#   benchmarks/zoo.sh [--aic NAME=PATH]... [--no-ort] [--threads N]
#                     [--rounds R] [--runs N] [--warmup W] [--round-ms MS]
#                     [--models-dir DIR] [--regen] [--taskset CPUS]
#                     [--json FILE] [MODEL...]
#
# Example (a pre-redesign copy against the current build, 1 thread):
#   benchmarks/zoo.sh --aic baseline=/work/build-baseline \
#                     --aic current=build/bin/aic-run
# Details: benchmarks/zoo.py's header, or benchmarks/zoo.sh --help.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/zoo.py" "$@"
