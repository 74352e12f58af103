"""Transposes against numpy (see transposes.test).
Usage: transposes.test.py WORKDIR; runs aic-compile and aic-run from PATH."""

import os
import sys

import numpy as np
from onnx import TensorProto, helper

from graph_case import compile_graph, run_library

# (name, shape, permutation, element type)
CASES = [
    ("nchw_to_nhwc", (1, 64, 30, 30), (0, 2, 3, 1), np.float32),
    ("nhwc_to_nchw", (2, 17, 9, 35), (0, 3, 1, 2), np.float32),
    ("matrix_edges", (37, 45), (1, 0), np.float32),
    ("matrix_whole", (64, 48), (1, 0), np.float32),
    ("windows", (1, 40, 2, 7, 2, 7), (0, 2, 4, 3, 5, 1), np.float32),
    ("unwindows", (1, 2, 2, 7, 7, 40), (0, 5, 1, 3, 2, 4), np.float32),
    ("heads", (3, 20, 6, 24), (0, 2, 3, 1), np.float32),
    ("narrow", (5, 3, 2), (2, 0, 1), np.float32),
    ("int32", (1, 33, 18, 19), (0, 3, 2, 1), np.int32),
    ("int64", (4, 19, 23), (2, 1, 0), np.int64),
    ("float64", (21, 35), (1, 0), np.float64),
]
TYPES = {np.float32: TensorProto.FLOAT, np.int32: TensorProto.INT32,
         np.int64: TensorProto.INT64, np.float64: TensorProto.DOUBLE}


def main():
    work = sys.argv[1]
    rng = np.random.default_rng(0)
    for name, shape, perm, dtype in CASES:
        folder = os.path.join(work, name)
        x = (rng.standard_normal(shape) * 100).astype(dtype)
        expected = x.transpose(perm)
        # The transpose of x + x, so that it runs on a computed buffer (a
        # graph input may be moved by a library reorder instead).
        graph = helper.make_graph(
            [helper.make_node("Add", ["x", "x"], ["d"]),
             helper.make_node("Transpose", ["d"], ["y"], perm=list(perm))],
            "g", [helper.make_tensor_value_info("x", TYPES[dtype], shape)],
            [helper.make_tensor_value_info("y", TYPES[dtype],
                                           expected.shape)])
        lib, ir = compile_graph(folder, graph, "lowered")
        results = []
        for threads in (1, 2):
            got = run_library(lib, folder, [x], threads)
            results.append(got.shape == expected.shape and
                           np.array_equal(got, 2 * expected))
        print("%s: %s, %s" % (
            name, "tiles" if "vector.transpose" in ir or "vector.shuffle" in ir
            else "loops", "ok" if all(results) else "WRONG"))


if __name__ == "__main__":
    main()
