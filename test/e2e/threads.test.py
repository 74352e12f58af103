"""A model of large generated loops for threads.test.

make DIR: writes DIR/model.onnx and DIR/in/input_*.pb. The graph has no op
a library primitive runs: NaN-keeping Clip, Max, Where, Cast, Sin, a
ReduceSum over the innermost axis, Gather and Transpose, each large enough
for aic-parallelize-loops to split it.
check DIR OUT...: every OUT/output_*.pb equals DIR/ref (NumPy) within
tolerance, and all OUT folders are bit-identical to the first.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def make(root):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 64, 56, 56)).astype(np.float32) * 4
    x.flat[::997] = np.nan
    x.flat[5::1009] = np.inf
    y = rng.standard_normal((1, 64, 56, 56)).astype(np.float32)
    table = rng.standard_normal((1000, 256)).astype(np.float32)
    ids = rng.integers(-1000, 1000, 4096).astype(np.int64)
    nodes = [
        helper.make_node("Clip", ["x", "lo", "hi"], ["clip"]),
        helper.make_node("Max", ["clip", "y"], ["max"]),
        helper.make_node("Greater", ["x", "half"], ["gt"]),
        helper.make_node("Where", ["gt", "max", "x"], ["where"]),
        helper.make_node("Cast", ["where"], ["f64"], to=TensorProto.DOUBLE),
        helper.make_node("Sin", ["f64"], ["sin"]),
        helper.make_node("ReduceSum", ["y", "axes"], ["sum"], keepdims=1),
        helper.make_node("Gather", ["table", "ids"], ["gather"], axis=0),
        helper.make_node("Transpose", ["where"], ["nhwc"], perm=[0, 2, 3, 1]),
    ]
    inits = [
        numpy_helper.from_array(np.array(0, np.float32), "lo"),
        numpy_helper.from_array(np.array(6, np.float32), "hi"),
        numpy_helper.from_array(np.array(0.5, np.float32), "half"),
        numpy_helper.from_array(np.array([3], np.int64), "axes"),
    ]
    f32 = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "threads",
        [helper.make_tensor_value_info("x", f32, x.shape),
         helper.make_tensor_value_info("y", f32, y.shape),
         helper.make_tensor_value_info("table", f32, table.shape),
         helper.make_tensor_value_info("ids", TensorProto.INT64, ids.shape)],
        [helper.make_tensor_value_info("sin", TensorProto.DOUBLE, x.shape),
         helper.make_tensor_value_info("sum", f32, (1, 64, 56, 1)),
         helper.make_tensor_value_info("gather", f32, (4096, 256)),
         helper.make_tensor_value_info("nhwc", f32, (1, 56, 56, 64))],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(root, "model.onnx"))
    os.makedirs(os.path.join(root, "in"), exist_ok=True)
    for k, value in enumerate([x, y, table, ids]):
        with open(os.path.join(root, "in", f"input_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(value).SerializeToString())


def reference(root):
    inputs = [numpy_helper.to_array(onnx.load_tensor(os.path.join(root, "in", f"input_{k}.pb")))
              for k in range(4)]
    x, y, table, ids = inputs
    with np.errstate(invalid="ignore"):
        clip = np.where(np.isnan(x), x, np.minimum(np.maximum(x, 0), 6))
        where = np.where(x > 0.5, np.maximum(clip, y), x)
        return [np.sin(where.astype(np.float64)), y.sum(axis=3, keepdims=True),
                table[np.where(ids < 0, ids + 1000, ids)], where.transpose(0, 2, 3, 1)]


def load(folder, k):
    return numpy_helper.to_array(onnx.load_tensor(os.path.join(folder, f"output_{k}.pb")))


def check(root, outs):
    expected = reference(root)
    for k, ref in enumerate(expected):
        first = open(os.path.join(outs[0], f"output_{k}.pb"), "rb").read()
        for other in outs[1:]:
            if open(os.path.join(other, f"output_{k}.pb"), "rb").read() != first:
                sys.exit(f"output_{k}: {other} differs from {outs[0]}")
        got = load(outs[0], k)
        assert got.shape == ref.shape, (k, got.shape, ref.shape)
        assert np.array_equal(np.isnan(got), np.isnan(ref)), k
        ok = ~np.isnan(ref)
        np.testing.assert_allclose(got[ok], ref[ok], rtol=1e-5, atol=1e-5)
        print(f"output_{k}: identical in {len(outs)} runs, matches numpy")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3:])
