#!/usr/bin/env bash
# models.sh - the small test models (LeNet, the MLP, ResNet-18) through the
# model-zoo benchmark: `benchmarks/zoo.sh OPTION... lenet mlp resnet18`.
# Takes zoo.sh's options (benchmarks/zoo.sh --help), not models, e.g.
#
#   benchmarks/models.sh --threads 1,2 --results /tmp/RESULTS.md
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/zoo.sh" "$@" lenet mlp resnet18
