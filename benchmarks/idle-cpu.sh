#!/usr/bin/env bash
# idle-cpu.sh - CPU time an aic model's process burns between runs (worker
# threads left spinning) and CPU/wall during runs.
#
#   benchmarks/idle-cpu.sh MODEL.so [--lib LIBAICRT] [--threads N]
#                          [--runs R] [--gap-ms MS] [--warmup W]
#
# Details: benchmarks/idle-cpu.py's header, or benchmarks/idle-cpu.sh --help.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/idle-cpu.py" "$@"
