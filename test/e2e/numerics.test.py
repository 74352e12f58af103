"""Model, inputs and checks of numerics.test: NaN, infinities, -0 and
denormals through generated code (elementwise ops, reductions) and oneDNN
primitives (MatMul, Conv, pooling, Softmax), alone and with elementwise ops
fused into them as post-ops, against numpy's IEEE results (ONNX's
reference semantics)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

root = sys.argv[1]
np.seterr(all="ignore")
nan, inf = np.float32(np.nan), np.float32(np.inf)
tiny = np.float32(1e-40)  # a denormal float32
# x: the special values and ordinary ones, 4x4.
x = np.array([[nan, 1.0, -2.0, 3.0],
              [inf, -inf, 0.5, -0.0],
              [tiny, -tiny, 2.0, 1e-30],
              [4.0, -5.0, 6.0, 7.0]], np.float32)

f = TensorProto.FLOAT
outputs = {
    # name: (node(s), numpy reference)
    "relu": ([helper.make_node("Relu", ["x"], ["relu"])], np.maximum(x, 0)),
    "sigmoid": ([helper.make_node("Sigmoid", ["x"], ["sigmoid"])],
                1 / (1 + np.exp(-x.astype(np.float64)))),
    "tanh": ([helper.make_node("Tanh", ["x"], ["tanh"])], np.tanh(x)),
    "exp": ([helper.make_node("Exp", ["x"], ["exp"])], np.exp(x)),
    "sqrt": ([helper.make_node("Sqrt", ["x"], ["sqrt"])], np.sqrt(x)),
    "abs": ([helper.make_node("Abs", ["x"], ["abs"])], np.abs(x)),
    "mul1": ([helper.make_node("Mul", ["x", "one"], ["mul1"])], x * 1),
    "div0": ([helper.make_node("Div", ["x", "zero"], ["div0"])], x / np.float32(0)),
    "max": ([helper.make_node("Max", ["x", "xt"], ["max"])], np.maximum(x, x.T)),
    "min": ([helper.make_node("Min", ["x", "xt"], ["min"])], np.minimum(x, x.T)),
    "clip": ([helper.make_node("Clip", ["x", "lo", "hi"], ["clip"])],
             np.where(np.isnan(x), x, np.clip(x, -1, 1))),
    "reducemax": ([helper.make_node("ReduceMax", ["x"], ["reducemax"], axes=[1], keepdims=0)],
                  np.max(x, axis=1)),
    "reducesum": ([helper.make_node("ReduceSum", ["x", "axis1"], ["reducesum"], keepdims=0)],
                  np.sum(x, axis=1)),
    "matmul": ([helper.make_node("MatMul", ["x", "eye"], ["matmul"])], None),
    "softmax": ([helper.make_node("Softmax", ["x"], ["softmax"], axis=1)], None),
    "maxpool": ([helper.make_node("MaxPool", ["x4"], ["maxpool"], kernel_shape=[2, 2],
                                  strides=[2, 2])], None),
    "avgpool": ([helper.make_node("AveragePool", ["x4"], ["avgpool"], kernel_shape=[2, 2],
                                  strides=[2, 2])], None),
    "conv": ([helper.make_node("Conv", ["x4", "w"], ["conv"])], None),
    "logsoftmax": ([helper.make_node("LogSoftmax", ["x"], ["logsoftmax"], axis=1)], None),
    # NaN in the first operand only (oneDNN's binary max/min drop it there).
    "max_first": ([helper.make_node("Max", ["x", "zeros"], ["max_first"])],
                  np.maximum(x, 0)),
    "min_first": ([helper.make_node("Min", ["x", "zeros"], ["min_first"])],
                  np.minimum(x, 0)),
    "clip6": ([helper.make_node("Clip", ["x", "zero1", "six"], ["clip6"])],
              np.minimum(np.maximum(x, 0), 6)),
    "clip_pos": ([helper.make_node("Clip", ["x", "one1", "six"], ["clip_pos"])],
                 np.minimum(np.maximum(x, 1), 6)),
    # A bound known only at run time: x[3, 0] (4).
    "clip_rt": ([helper.make_node("Gather", ["x", "three"], ["row3"], axis=0),
                 helper.make_node("Gather", ["row3", "zero_i"], ["four"], axis=0),
                 helper.make_node("Clip", ["x", "zero1", "four"], ["clip_rt"])],
                np.minimum(np.maximum(x, 0), 4)),
}

# Elementwise ops fused into a producer as post-ops: the producers copy x
# (so each output element depends on one element of x only): a conv from
# one channel to 16, a depthwise conv over 16 channels, a matmul by [[1]]
# and a binary add.
FUSED = {
    "relu": ("Relu", {}, lambda v: np.maximum(v, 0)),
    "clip6": ("Clip", {"inputs": ["zero1", "six"]}, lambda v: np.minimum(np.maximum(v, 0), 6)),
    "clip11": ("Clip", {"inputs": ["minus1", "one1"]}, lambda v: np.minimum(np.maximum(v, -1), 1)),
    "cliplo": ("Clip", {"inputs": ["zero1"]}, lambda v: np.maximum(v, 0)),
    "exp": ("Exp", {}, np.exp),
    "sigmoid": ("Sigmoid", {}, lambda v: (1 / (1 + np.exp(-v.astype(np.float64))))
                .astype(np.float32)),
    "tanh": ("Tanh", {}, np.tanh),
    "max0": ("Max", {"inputs": ["zero1"]}, lambda v: np.maximum(v, 0)),
}
x16 = np.broadcast_to(x.reshape(1, 1, 4, 4), (1, 16, 4, 4))
extra_inits = []


def scale(name, shape, k):
    """A constant of `shape` filled with 2^k, made once (each fused case has
    its own producer: CSE would merge equal ones, leaving several uses and
    nothing fused)."""
    extra_inits.append(numpy_helper.from_array(np.full(shape, 2.0 ** k, np.float32), name))
    return np.float32(2.0 ** k)


# name: (nodes making output o from x with the k-th constant, its value)
PRODUCERS = {
    "conv": lambda o, k: ([helper.make_node("Conv", ["x4", o + "_w"], [o])],
                          x16 * scale(o + "_w", (16, 1, 1, 1), k)),
    "dwconv": lambda o, k: ([helper.make_node("Conv", ["x16", o + "_w"], [o], group=16)],
                            x16 * scale(o + "_w", (16, 1, 1, 1), k)),
    "matmul": lambda o, k: ([helper.make_node("MatMul", ["xcol", o + "_w"], [o])],
                            x.reshape(16, 1) * scale(o + "_w", (1, 1), k)),
    "gemm": lambda o, k: ([helper.make_node("Gemm", ["xcol", o + "_w", "zero1"], [o])],
                          x.reshape(16, 1) * scale(o + "_w", (1, 1), k) + np.float32(0)),
    "add": lambda o, k: ([helper.make_node("Add", ["x", o + "_w"], [o])],
                         x + scale(o + "_w", (), k)),
    "conv_sum": lambda o, k: ([helper.make_node("Conv", ["x4", o + "_w"], [o + "c"]),
                               helper.make_node("Add", [o + "c", "x16"], [o])],
                              x16 * scale(o + "_w", (16, 1, 1, 1), k) + x16),
}
# The same ops standalone on a conv's (blocked) result that has another use
# (an output of its own), so nothing fuses.
outputs["conv_shared"] = ([helper.make_node("Conv", ["x4", "w16"], ["conv_shared"])], x16)
for fname, (op, extra, fn) in FUSED.items():
    outputs["shared_" + fname] = (
        [helper.make_node(op, ["conv_shared"] + extra.get("inputs", []), ["shared_" + fname])],
        fn(x16.astype(np.float32)))
# Max pooling in the conv's blocked layout (the NaN fix-up addresses it
# through oneDNN's blocking descriptor), and softmax along a non-last axis.
outputs["shared_maxpool"] = (
    [helper.make_node("MaxPool", ["conv_shared"], ["shared_maxpool"], kernel_shape=[2, 2],
                      strides=[1, 1], pads=[1, 0, 0, 1])],
    np.broadcast_to(np.array([[np.max(np.pad(x, ((1, 0), (0, 1)), constant_values=-np.inf)
                                      [i:i + 2, j:j + 2]) for j in range(4)] for i in range(4)],
                             np.float32), (1, 16, 4, 4)))
outputs["softmax0"] = ([helper.make_node("Softmax", ["x"], ["softmax0"], axis=0)], None)
for k, (pname, fname) in enumerate((p, f) for p in PRODUCERS for f in FUSED):
    op, extra, fn = FUSED[fname]
    name = f"{pname}_{fname}"
    nodes, value = PRODUCERS[pname](name + "_p", k + 1)
    nodes.append(helper.make_node(op, [name + "_p"] + extra.get("inputs", []), [name]))
    outputs[name] = (nodes, fn(value.astype(np.float32)))


def softmax(v):
    e = np.exp(v.astype(np.float64) - np.max(v, axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def window(v, k, fn):
    # 2x2 windows, stride 2, of a 4x4 plane, as numpy does them.
    return np.array([[fn(v[i:i + k, j:j + k]) for j in range(0, 4, k)]
                     for i in range(0, 4, k)]).reshape(1, 1, 2, 2)


outputs["matmul"] = (outputs["matmul"][0], None)
inits = [
    numpy_helper.from_array(np.float32([1.0]).reshape(()), "one"),
    numpy_helper.from_array(np.float32([0.0]).reshape(()), "zero"),
    numpy_helper.from_array(np.float32(-1.0), "lo"),
    numpy_helper.from_array(np.float32(1.0), "hi"),
    numpy_helper.from_array(np.int64([1]), "axis1"),
    numpy_helper.from_array(np.eye(4, dtype=np.float32), "eye"),
    numpy_helper.from_array(np.int64([1, 1, 4, 4]), "nchw"),
    numpy_helper.from_array(np.ones((1, 1, 1, 1), np.float32), "w"),
    numpy_helper.from_array(np.ones((16, 1, 1, 1), np.float32), "w16"),
    numpy_helper.from_array(np.zeros((4, 4), np.float32), "zeros"),
    numpy_helper.from_array(np.float32(0), "zero1"),
    numpy_helper.from_array(np.float32(1), "one1"),
    numpy_helper.from_array(np.float32(-1), "minus1"),
    numpy_helper.from_array(np.float32(6), "six"),
    numpy_helper.from_array(np.int64([16, 1]), "col"),
    numpy_helper.from_array(np.int64(3), "three"),
    numpy_helper.from_array(np.int64(0), "zero_i"),
    numpy_helper.from_array(np.int64([1, 16, 4, 4]), "c16"),
] + extra_inits
expected = {k: v for k, (_, v) in outputs.items()}
# MatMul by the identity: a NaN or an infinity in a row makes that row's
# products NaN (inf * 0), as in IEEE arithmetic.
expected["matmul"] = np.stack([np.sum(x[i][:, None] * np.eye(4, dtype=np.float32), axis=0)
                               for i in range(4)])
expected["softmax"] = softmax(x)
expected["logsoftmax"] = np.log(softmax(x))
expected["softmax0"] = softmax(x.T).T
expected["maxpool"] = window(x, 2, np.max)
expected["avgpool"] = window(x, 2, np.mean)
expected["conv"] = x.reshape(1, 1, 4, 4)


def build():
    nodes = [helper.make_node("Transpose", ["x"], ["xt"]),
             helper.make_node("Reshape", ["x", "nchw"], ["x4"]),
             helper.make_node("Reshape", ["x", "col"], ["xcol"]),
             helper.make_node("Expand", ["x4", "c16"], ["x16"])]
    for node_list, _ in outputs.values():
        nodes += node_list
    graph = helper.make_graph(
        nodes, "numerics", [helper.make_tensor_value_info("x", f, [4, 4])],
        [helper.make_tensor_value_info(k, f, list(np.shape(expected[k])))
         for k in outputs], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, os.path.join(root, "numerics.onnx"))
    os.makedirs(os.path.join(root, "in"), exist_ok=True)
    with open(os.path.join(root, "in", "input_0.pb"), "wb") as out:
        out.write(numpy_helper.from_array(x, "x").SerializeToString())


def same(got, want):
    """Equal as IEEE values: NaN where NaN, the same infinities and signed
    zeros, denormals kept (not flushed), else within float32 rounding."""
    want = np.asarray(want, np.float64)
    got = got.astype(np.float64)
    if got.shape != want.shape:
        return False
    if not np.array_equal(np.isnan(got), np.isnan(want)):
        return False
    ok = ~np.isnan(want)
    if not np.array_equal(got[ok] == np.inf, want[ok] == np.inf) or \
            not np.array_equal(got[ok] == -np.inf, want[ok] == -np.inf):
        return False
    # Denormal expectations must not come back as zero.
    small = ok & (np.abs(want) > 0) & (np.abs(want) < 1.2e-38)
    if np.any(got[small] == 0):
        return False
    finite = ok & np.isfinite(want)
    return np.allclose(got[finite], want[finite], rtol=1e-5, atol=1e-45)


def check():
    bad = 0
    for i, name in enumerate(outputs):
        got = numpy_helper.to_array(
            onnx.load_tensor(os.path.join(root, "out", f"output_{i}.pb")))
        want = np.asarray(expected[name])
        if same(got, want):
            print(f"{name}: ok")
        else:
            bad += 1
            print(f"{name}: MISMATCH got {got.tolist()} want {want.tolist()}")
    print(f"{len(outputs) - bad} of {len(outputs)} outputs ok")
    sys.exit(1 if bad else 0)


if len(sys.argv) > 2 and sys.argv[2] == "check":
    check()
else:
    build()
