#!/usr/bin/env bash
# setup.sh - install everything aic needs to build and test, on Debian 12.
#
#   scripts/setup.sh [--with-ort]
#
# Run as root (or with sudo available). Idempotent: packages are checked
# with dpkg-query first and only missing ones are installed; `apt-get update`
# runs only when a missing package has no install candidate (e.g. empty
# package lists on a fresh machine). With everything present it takes about
# a second.
#
# --with-ort  also sets up ONNX Runtime for benchmarks/ort-run.js: installs
#             nodejs + npm from Debian if `node` is missing, then runs
#             `npm install --ignore-scripts` in benchmarks/ (onnxruntime-node,
#             version pinned in benchmarks/package.json) unless it is
#             already there, and checks that its native binding loads.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

WITH_ORT=0
for arg in "$@"; do
  case "$arg" in
    --with-ort) WITH_ORT=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup.sh: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(
  # build tools
  cmake ninja-build g++ ccache git ca-certificates
  # LLVM / MLIR 19
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  # ONNX model parsing, oneDNN runtime
  libonnx-dev libprotobuf-dev protobuf-compiler libdnnl-dev
  # oneDNN's CMake config (find_package(dnnl)) looks for OpenCL: its headers
  # and libOpenCL.so; libdnnl-dev itself does not pull them in.
  ocl-icd-opencl-dev opencl-c-headers
  # tests
  googletest libgtest-dev libonnx-testdata
  python3-onnx python3-numpy python3-torch python3-torchvision python3-sklearn
  # the Python package (pybind11 module) and its tests
  pybind11-dev python3-dev python3-pytest
  # sanitizer, fuzzing and memory-checker runs (scripts/sanitize.sh,
  # scripts/fuzz.sh): clang with its sanitizer and libFuzzer runtimes
  clang-19 libclang-rt-19-dev valgrind
  # Libraries that LLVM 19's exported CMake targets (LLVMExports.cmake)
  # link to: ZLIB::ZLIB, zstd::libzstd_shared, LibEdit::LibEdit,
  # LibXml2::LibXml2, CURL::libcurl, FFI::ffi. find_package(LLVM/MLIR)
  # needs their -dev packages for those targets to resolve.
  zlib1g-dev libzstd-dev libedit-dev libxml2-dev libcurl4-openssl-dev libffi-dev
)

SUDO=()
if [[ $EUID -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi
fi
export DEBIAN_FRONTEND=noninteractive

# Prints the packages of "$@" that are not installed.
missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == installed ]] || echo "$pkg"
  done
}

# True if every package in "$@" has an install candidate in the apt lists.
have_candidates() {
  local pkg cand
  for pkg in "$@"; do
    cand="$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    [[ -n "$cand" && "$cand" != "(none)" ]] || return 1
  done
}

apt_install() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  echo "setup.sh: installing ${missing[*]}"
  if ! have_candidates "${missing[@]}"; then
    "${SUDO[@]}" apt-get update
  fi
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

apt_install "${PACKAGES[@]}"
echo "setup.sh: ${#PACKAGES[@]} Debian packages present"

if [[ $WITH_ORT -eq 1 ]]; then
  if ! command -v node >/dev/null 2>&1; then
    apt_install nodejs npm
  elif ! command -v npm >/dev/null 2>&1; then
    # A node that did not come with npm: Debian's npm depends on Debian's
    # nodejs, which may conflict with the node installed here.
    if dpkg-query -W -f='${db:Status-Status}' nodejs 2>/dev/null | grep -qx installed &&
       apt-cache policy nodejs | grep -q 'Installed:.*deb12'; then
      apt_install npm
    else
      echo "setup.sh: node is installed but npm is not; install npm for $(command -v node)" >&2
      exit 1
    fi
  fi
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  if [[ "$node_major" -lt 18 ]]; then
    echo "setup.sh: node $(node --version) is too old for onnxruntime-node (need >= 18)" >&2
    exit 1
  fi
  want="$(node -p "require('$ROOT/benchmarks/package.json').dependencies['onnxruntime-node']")"
  have="$(cd "$ROOT/benchmarks" && node -p "try { require('onnxruntime-node/package.json').version } catch (e) { '' }")"
  if [[ "$have" != "$want" ]]; then
    echo "setup.sh: npm install onnxruntime-node@$want into benchmarks/"
    # --ignore-scripts: the package ships its CPU binaries; its install
    # script only downloads optional GPU providers.
    (cd "$ROOT/benchmarks" && npm install --ignore-scripts --no-audit --no-fund)
  fi
  if ! (cd "$ROOT/benchmarks" && node -e "require('onnxruntime-node')" >/dev/null); then
    echo "setup.sh: onnxruntime-node is installed but its native binding does not load" >&2
    exit 1
  fi
  echo "setup.sh: onnxruntime-node $want ready (node $(node --version))"
fi
