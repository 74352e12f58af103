#!/usr/bin/python3
"""Compare a run's outputs with expected ones.

Usage: compare.py EXPECTED_DIR ACTUAL_DIR [--rel-tol 1e-4]

Compares every EXPECTED_DIR/output_N.pb (serialized ONNX TensorProto) with
ACTUAL_DIR/output_N.pb. An output passes iff dtype and shape are equal and
max|actual - expected| <= rel_tol * max|expected|. Prints one line per
output; exits 1 on any mismatch or missing file, 0 otherwise.
"""
import argparse
import os
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def load(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("expected_dir")
    ap.add_argument("actual_dir")
    ap.add_argument("--rel-tol", type=float, default=1e-4)
    args = ap.parse_args()

    pattern = re.compile(r"^output_(\d+)\.pb$")
    try:
        names = sorted((f for f in os.listdir(args.expected_dir) if pattern.match(f)),
                       key=lambda f: int(pattern.match(f).group(1)))
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if not names:
        print(f"error: no output_N.pb in {args.expected_dir}", file=sys.stderr)
        return 1
    extra = sorted(set(f for f in os.listdir(args.actual_dir) if pattern.match(f)) - set(names)) \
        if os.path.isdir(args.actual_dir) else []

    ok = True
    for name in names:
        actual_path = os.path.join(args.actual_dir, name)
        if not os.path.exists(actual_path):
            print(f"{name}: FAIL missing {actual_path}")
            ok = False
            continue
        expected, actual = load(os.path.join(args.expected_dir, name)), load(actual_path)
        if expected.dtype != actual.dtype or expected.shape != actual.shape:
            print(f"{name}: FAIL expected {expected.dtype}{list(expected.shape)}, "
                  f"got {actual.dtype}{list(actual.shape)}")
            ok = False
            continue
        if expected.size == 0:
            print(f"{name}: ok (empty {expected.dtype}{list(expected.shape)})")
            continue
        if expected.dtype.kind in "fc":
            e64, a64 = expected.astype(np.float64), actual.astype(np.float64)
            if not np.array_equal(np.isnan(e64), np.isnan(a64)):
                print(f"{name}: FAIL NaN positions differ")
                ok = False
                continue
            finite = ~np.isnan(e64)
            e64, a64 = e64[finite], a64[finite]
        else:
            e64, a64 = expected.astype(np.float64), actual.astype(np.float64)
        max_err = float(np.max(np.abs(a64 - e64))) if e64.size else 0.0
        scale = float(np.max(np.abs(e64))) if e64.size else 0.0
        ratio = max_err / scale if scale > 0 else (0.0 if max_err == 0 else float("inf"))
        passed = max_err <= args.rel_tol * scale
        print(f"{name}: {'ok' if passed else 'FAIL'} {expected.dtype}{list(expected.shape)} "
              f"max_abs_err {max_err:.3e} max_abs_expected {scale:.3e} "
              f"ratio {ratio:.3e} (tol {args.rel_tol:g})")
        ok &= passed
    for name in extra:
        print(f"{name}: FAIL unexpected extra output in {args.actual_dir}")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
