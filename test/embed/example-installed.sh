#!/usr/bin/env bash
# example-installed.sh - builds and runs examples/digits against an
# installed aic, the way a user would, with the aic build folder out of
# reach.
#
#   example-installed.sh AIC_BUILD_DIR AIC_SOURCE_DIR shared|static
#
# Installs AIC_BUILD_DIR (cmake --install) to a temporary prefix, copies the
# example out of the source tree and configures it with only
# CMAKE_PREFIX_PATH=<prefix>, in a clean environment. Then checks that
# nothing the example's build uses or its programs load lies in the aic
# build or source folder, and that the programs print the predictions of
# samples/labels.txt.
#   shared: classify (aic_add_model's shared library + libaicrt.so) and
#           predict; a changed model or a new aic-compile rebuilds the model.
#   static: classify_static and ensemble (two static models, C++), which
#           must run with libaicrt.so removed from the prefix.
set -euo pipefail

BUILD="$(cd "$1" && pwd -P)"
SOURCE="$(cd "$2" && pwd -P)"
VARIANT="$3"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# A clean environment: no LD_LIBRARY_PATH, CMAKE_PREFIX_PATH or the like.
clean() {
  env -i PATH=/usr/bin:/bin HOME="$TMP" "$@"
}

cmake --install "$BUILD" --prefix "$TMP/prefix" >/dev/null
cp -r "$SOURCE/examples/digits" "$TMP/app"
clean cmake -G Ninja -S "$TMP/app" -B "$TMP/build" \
  -DCMAKE_PREFIX_PATH="$TMP/prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  >"$TMP/configure.log" || { cat "$TMP/configure.log"; fail "configure"; }

if [ "$VARIANT" = shared ]; then
  targets=(predict classify)
else
  targets=(classify_static ensemble)
fi
build() {
  clean cmake --build "$TMP/build" --target "${targets[@]}" >"$TMP/build.log" ||
    { cat "$TMP/build.log"; fail "build"; }
}
build

# Nothing may resolve into the aic build or source folder: not a path in
# the generated build files, not a library a program loads.
if grep -rlF -e "$BUILD" -e "$SOURCE" "$TMP/build"; then
  fail "the example's build refers to the aic build or source folder"
fi
for program in "${targets[@]}"; do
  if clean ldd "$TMP/build/$program" | grep -F -e "$BUILD" -e "$SOURCE" \
      -e "not found"; then
    fail "$program loads a library from the aic build folder or lacks one"
  fi
done

# Expected: "FILE: predicted D" for each sample (labels.txt, column 3).
samples=("$TMP"/app/samples/*.f32)
awk -v dir="$TMP/app/samples/" '!/^#/ { print dir $1 ": predicted " $3 }' \
  "$TMP/app/samples/labels.txt" >"$TMP/expected"
check() { # PROGRAM ARGS...
  clean "$@" "${samples[@]}" >"$TMP/out" || fail "$1 failed"
  sed 's/ (p=.*//' "$TMP/out" | diff "$TMP/expected" - ||
    fail "$1 printed other predictions"
}

if [ "$VARIANT" = shared ]; then
  clean "$TMP/prefix/bin/aic-compile" "$TMP/app/digits.onnx" -o "$TMP/digits.so"
  check "$TMP/build/predict" "$TMP/digits.so"
  check "$TMP/build/classify"
  # Not grep -q: it can exit before ldd has written everything, and
  # pipefail would then fail the check on ldd's SIGPIPE.
  clean ldd "$TMP/build/classify" | grep -F "$TMP/prefix/lib/libaicrt.so" >/dev/null ||
    fail "classify does not load the installed libaicrt.so"
  # A changed model, or a new aic-compile, compiles the model again.
  touch "$TMP/app/digits.onnx"
  build
  grep -q "aic: compiling digits.onnx" "$TMP/build.log" ||
    fail "a changed model did not rebuild"
  build
  if grep -q "aic: compiling" "$TMP/build.log"; then
    fail "an up-to-date model was compiled again"
  fi
  touch "$TMP/prefix/bin/aic-compile"
  build
  grep -q "aic: compiling digits.onnx" "$TMP/build.log" ||
    fail "a new aic-compile did not rebuild the model"
  check "$TMP/build/classify"
else
  for program in "${targets[@]}"; do
    if clean ldd "$TMP/build/$program" | grep -e libaicrt -e libdigits; then
      fail "$program loads libaicrt or a model library"
    fi
  done
  mkdir "$TMP/away"
  mv "$TMP"/prefix/lib/libaicrt.so* "$TMP/away/"
  check "$TMP/build/classify_static"
  check "$TMP/build/ensemble"
fi
echo "example-installed $VARIANT: OK"
