#!/usr/bin/env bash
# demo.sh - build aic, compile the digits model and classify its samples.
#
#   bash scripts/demo.sh
#
# 1. scripts/setup.sh installs the Debian packages (a no-op when present).
# 2. Configures and builds aic in $AIC_BUILD_DIR (default: build/).
# 3. Compiles examples/digits/digits.onnx to BUILD/digits.so (aic-compile -v).
# 4. Builds examples/digits/predict.c against the build tree with
#    find_package(aic) (-Daic_DIR=BUILD), in BUILD/examples/digits.
# 5. Classifies every examples/digits/samples/*.f32 and prints each
#    prediction next to the true label and PyTorch's prediction (both from
#    samples/labels.txt), then the accuracy.
#
# Exits non-zero if any step fails or if aic's prediction differs from
# PyTorch's on any sample. Incremental: when everything is built it only
# re-runs the configure checks, the compile and the predictions.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
case "${1:-}" in
  "") ;;
  -h|--help) usage; exit 0 ;;
  *) echo "demo.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${AIC_BUILD_DIR:-build}"
mkdir -p "$BUILD"
BUILD="$(cd "$BUILD" && pwd)"
# CMake uses ccache when it is installed; a base dir makes its hits
# independent of where the tree is checked out.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"

step() { printf '\n== %s\n' "$*"; }

step "setup: Debian packages"
bash scripts/setup.sh

step "configure and build aic in $BUILD"
cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD"

step "compile examples/digits/digits.onnx"
"$BUILD/bin/aic-compile" examples/digits/digits.onnx -o "$BUILD/digits.so" -v

step "build examples/digits against the build tree (find_package(aic))"
EXAMPLE="$BUILD/examples/digits"
# Ninja, since make need not be installed; a tree configured earlier with
# another generator is rebuilt from scratch.
if [[ -f "$EXAMPLE/CMakeCache.txt" ]] &&
   ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$EXAMPLE/CMakeCache.txt"; then
  rm -rf "$EXAMPLE"
fi
cmake -G Ninja -S examples/digits -B "$EXAMPLE" -Daic_DIR="$BUILD"
cmake --build "$EXAMPLE"

step "classify examples/digits/samples"
SAMPLES=examples/digits/samples
# labels.txt: "FILE LABEL PYTORCH_PREDICTION PROBABILITY" after a # header.
declare -A LABEL TORCH
FILES=()
while read -r file label torch _; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  LABEL[$file]=$label TORCH[$file]=$torch
  FILES+=("$SAMPLES/$file")
done < "$SAMPLES/labels.txt"
[[ ${#FILES[@]} -gt 0 ]] || { echo "demo.sh: no samples in $SAMPLES/labels.txt" >&2; exit 1; }

# predict prints "PATH: predicted D (p=P)" per image.
OUT="$("$EXAMPLE/predict" "$BUILD/digits.so" "${FILES[@]}")"
correct=0 agree=0 total=0
printf '%-20s %5s %4s %5s %7s\n' sample label aic p pytorch
while read -r path _ digit prob; do
  file="$(basename "${path%:}")"
  [[ -n "${LABEL[$file]:-}" ]] || { echo "demo.sh: unexpected predict output: $path" >&2; exit 1; }
  mark=""
  if [[ "$digit" == "${LABEL[$file]}" ]]; then correct=$((correct + 1)); else mark="  wrong"; fi
  if [[ "$digit" == "${TORCH[$file]}" ]]; then agree=$((agree + 1)); else mark+="  differs from PyTorch"; fi
  total=$((total + 1))
  prob="${prob#(p=}"
  printf '%-20s %5s %4s %5s %7s%s\n' "$file" "${LABEL[$file]}" "$digit" "${prob%)}" "${TORCH[$file]}" "$mark"
done <<< "$OUT"

if [[ $total -ne ${#FILES[@]} ]]; then
  echo "demo.sh: predict classified $total of ${#FILES[@]} samples" >&2
  exit 1
fi
awk -v c="$correct" -v n="$total" -v a="$agree" \
  'BEGIN { printf "\naccuracy: %d/%d (%.1f%%); aic agrees with PyTorch on %d/%d\n", c, n, 100 * c / n, a, n }'
if [[ $agree -ne $total ]]; then
  echo "demo.sh: aic's predictions differ from PyTorch's" >&2
  exit 1
fi
