"""Einsums that are matrix products (see einsum.test) against numpy.
Usage: einsum.test.py WORKDIR; runs aic-compile and aic-run from PATH."""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from graph_case import compile_graph, run_library

F = TensorProto.FLOAT

# (name, equation, input shapes, whether the second operand is a constant)
CASES = [
    ("attention_scores", "bhid,bhjd->bhij", [(2, 3, 7, 5), (2, 3, 9, 5)], False),
    ("attention_values", "bhij,bhjd->bhid", [(2, 3, 7, 9), (2, 3, 9, 5)], False),
    ("projection", "bij,jk->bik", [(2, 6, 8), (8, 5)], True),
    ("transposed_rhs", "ij,kj->ik", [(6, 8), (5, 8)], True),
    ("transposed_lhs", "ji,jk->ik", [(8, 6), (8, 5)], False),
    ("transposed_lhs_large", "ji,jk->ik", [(64, 48), (64, 96)], False),
    ("output_order", "bnd,bmd->nbm", [(3, 4, 6), (3, 5, 6)], False),
    ("two_contracted", "abcd,adce->abe", [(2, 3, 4, 5), (2, 5, 4, 6)], False),
    ("outer", "i,j->ij", [(7,), (5,)], False),
    ("matrix_vector", "ij,j->i", [(6, 8), (8,)], True),
    ("grouped_batch", "gbi,bgio->gbo", [(3, 2, 4), (2, 3, 4, 5)], False),
    ("rowwise_dot", "ij,ij->i", [(6, 8), (6, 8)], False),
    ("diagonal", "ii,ij->ij", [(5, 5), (5, 4)], False),
]


def main():
    work = sys.argv[1]
    rng = np.random.default_rng(0)
    for name, equation, shapes, constant in CASES:
        folder = os.path.join(work, name)
        a = rng.standard_normal(shapes[0]).astype(np.float32)
        b = rng.standard_normal(shapes[1]).astype(np.float32)
        expected = np.einsum(equation, a.astype(np.float64),
                             b.astype(np.float64))
        inputs = [helper.make_tensor_value_info("a", F, list(a.shape))]
        inits = []
        if constant:
            inits.append(numpy_helper.from_array(b, "b"))
        else:
            inputs.append(helper.make_tensor_value_info("b", F, list(b.shape)))
        graph = helper.make_graph(
            [helper.make_node("Einsum", ["a", "b"], ["y"], equation=equation)],
            "g", inputs,
            [helper.make_tensor_value_info("y", F, list(expected.shape))],
            inits)
        # Whether the Einsum's loop nest is left: a product runs as
        # aic.matmul (a library call, or when small, loops over vectors
        # that aic-inline-small-matmuls builds).
        lib, ir = compile_graph(folder, graph, "opt")
        got = run_library(lib, folder, [a] if constant else [a, b])
        error = np.abs(got - expected).max() / np.abs(expected).max()
        print("%s: %s, %s" % (
            name, "loops" if "linalg.generic" in ir else "matmul",
            "ok" if got.shape == expected.shape and error < 1e-5
            else "error %g, shape %s" % (error, got.shape)))


if __name__ == "__main__":
    main()
