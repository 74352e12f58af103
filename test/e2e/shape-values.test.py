"""Range and ConstantOfShape of run-time values against numpy (see
shape-values.test). Usage: shape-values.test.py WORKDIR; runs aic-compile and
aic-run from PATH."""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TYPES = (("int64", TensorProto.INT64), ("int32", TensorProto.INT32),
         ("int16", TensorProto.INT16), ("float", TensorProto.FLOAT),
         ("double", TensorProto.DOUBLE))
RANGES = ((0, 5, 1), (3, -4, -2), (5, 5, 1), (5, 0, 1), (-3, 10, 4),
          (10, 0, -3), (0, 1, 7))


def make_model(folder, nodes, inputs, outputs, opset):
    graph = helper.make_graph(nodes, "g", inputs, outputs)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    # Compiled without input values (which aic-run would compile for).
    subprocess.run(["aic-compile", os.path.join(folder, "model.onnx"), "-o",
                    os.path.join(folder, "model.so")], check=True)


def run(folder, arrays, tag):
    data = os.path.join(folder, "data-" + tag)
    os.makedirs(data, exist_ok=True)
    for i, a in enumerate(arrays):
        with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())
    out = os.path.join(folder, "out-" + tag)
    result = subprocess.run(
        ["aic-run", os.path.join(folder, "model.so"), "--inputs", data,
         "--outputs", out],
        capture_output=True, text=True)
    if result.returncode != 0:
        return None, result.stderr.strip()
    return numpy_helper.to_array(
        onnx.load_tensor(os.path.join(out, "output_0.pb"))), None


def check_error(what, error):
    if error is None or "\n" in error:
        sys.exit("%s: %s" % (what, "no error" if error is None else error))
    print("%s: %s" % (what, error))


def main():
    folder = sys.argv[1]
    for name, onnx_type in TYPES:
        sub = os.path.join(folder, "range-" + name)
        scalars = [helper.make_tensor_value_info(n, onnx_type, [])
                   for n in ("start", "limit", "delta")]
        make_model(sub, [helper.make_node("Range", ["start", "limit",
                                                    "delta"], ["r"],
                                          name="r")],
                   scalars, [helper.make_tensor_value_info(
                       "r", onnx_type, [None])], 13)
        dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[onnx_type]
        for k, bounds in enumerate(RANGES):
            args = [np.array(v, dtype=dtype) for v in bounds]
            y, error = run(sub, args, str(k))
            expected = np.arange(*args, dtype=dtype)
            if error or y.dtype != expected.dtype or \
                    not np.array_equal(y, expected):
                sys.exit("range %s %s: %s" % (name, bounds, error or y))
        print("range %s: %d runs ok" % (name, len(RANGES)))

    sub = os.path.join(folder, "constant-of-shape")
    fill = helper.make_tensor("value", TensorProto.FLOAT, [1], [2.5])
    make_model(sub, [helper.make_node("ConstantOfShape", ["s"], ["c"],
                                      name="c", value=fill),
                     helper.make_node("Trilu", ["c"], ["t"], name="t")],
               [helper.make_tensor_value_info("s", TensorProto.INT64, [2])],
               [helper.make_tensor_value_info("t", TensorProto.FLOAT,
                                              [None, None])], 14)
    shapes = ((3, 4), (1, 1), (0, 5), (6, 2))
    for k, shape in enumerate(shapes):
        y, error = run(sub, [np.array(shape, dtype=np.int64)], str(k))
        expected = np.triu(np.full(shape, 2.5, dtype=np.float32))
        if error or y.shape != expected.shape or \
                not np.array_equal(y, expected):
            sys.exit("constant_of_shape %s: %s" % (shape, error or y))
    print("constant_of_shape: %d runs ok" % len(shapes))

    big = 1 << 62
    for name, bounds in (("int64", (0, 5, 0)), ("int64", (0, big, 1)),
                         ("int64", (-big, big, 1)),
                         ("float", (0.0, float("nan"), 1.0)),
                         ("float", (0.0, 1e30, 1.0))):
        dtype = np.int64 if name == "int64" else np.float32
        _, error = run(os.path.join(folder, "range-" + name),
                       [np.array(v, dtype=dtype) for v in bounds], "bad")
        check_error("range %s (%s)" % (name, ", ".join(map(str, bounds))),
                    error)
    for shape in ([-1, 2], [1 << 31, 1 << 31], [1 << 62, 4]):
        _, error = run(sub, [np.array(shape, dtype=np.int64)], "bad")
        check_error("constant_of_shape %s" % shape, error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
