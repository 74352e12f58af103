#!/usr/bin/env bash
# zoo.sh - the model-zoo benchmark: aic against ONNX Runtime, interleaved,
# with numerics against PyTorch; writes benchmarks/RESULTS.md.
#
#   benchmarks/zoo.sh --full     # the full benchmark (benchmarks/README.md)
#   benchmarks/zoo.sh            # development run: resnet18, 1 thread
#   benchmarks/zoo.sh [--full] [--aic NAME=PATH]... [--no-ort] [--threads T,...]
#                     [--rounds R] [--runs N] [--warmup W] [--round-ms MS]
#                     [--startup-runs S] [--peak-gflops G] [--models-dir DIR]
#                     [--regen] [--taskset CPUS] [--results FILE] [--json FILE]
#                     [MODEL...]
#
# Example (a pre-redesign copy against the current build, 1 thread):
#   benchmarks/zoo.sh --aic baseline=/work/build-baseline --aic current=build
# Details: benchmarks/zoo.py's header, or benchmarks/zoo.sh --help.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/zoo.py" "$@"
