"""Operators over a symbolic batch against numpy (see dynamic-ops.test).
Usage: dynamic-ops.test.py WORKDIR; runs aic-compile and aic-run from
PATH."""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BATCHES = (1, 3, 6)


def compile_model(folder, nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    onnx.save(model, path)
    lib = os.path.join(folder, "model.so")
    subprocess.run(["aic-compile", path, "-o", lib], check=True)
    return lib


def run(lib, folder, arrays, count):
    data, out = os.path.join(folder, "data"), os.path.join(folder, "out")
    os.makedirs(data, exist_ok=True)
    for i, a in enumerate(arrays):
        with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())
    subprocess.run(["aic-run", lib, "--inputs", data, "--outputs", out],
                   check=True)
    return [numpy_helper.to_array(onnx.load_tensor(
        os.path.join(out, "output_%d.pb" % i))) for i in range(count)]


def tensor(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def topk_ref(x, k, largest):
    # Ties keep the lower index first (a stable sort of the keys).
    order = np.argsort(-x if largest else x, axis=1, kind="stable")[:, :k]
    return [np.take_along_axis(x, order, axis=1), order.astype(np.int64)]


def scatter_ref(x, i, u):
    y = x.copy()
    for n in range(i.shape[0]):
        for j in range(i.shape[1]):
            y[n, i[n, j] % x.shape[1]] = u[n, j]
    return y


def scatter_rows_ref(x, r, v):
    z = x.copy()
    z[r[:, 0]] = v
    return z


def reverse_ref(x, lens, time_axis):
    """ONNX ReverseSequence: each batch entry's first len steps reversed."""
    y = x.copy()
    for b, n in enumerate(lens):
        if time_axis == 0:
            y[:n, b] = x[:n, b][::-1]
        else:
            y[b, :n] = x[b, :n][::-1]
    return y


def lrn_ref(x, size, alpha, beta, bias):
    """ONNX's LRN: each channel divided by its window of squares across
    channels."""
    squares = np.square(x.astype(np.float64))
    sums = np.zeros_like(squares)
    channels = x.shape[1]
    for c in range(channels):
        lo = max(0, c - (size - 1) // 2)
        hi = min(channels - 1, c + (size - 1) - (size - 1) // 2)
        sums[:, c] = squares[:, lo:hi + 1].sum(axis=1)
    return (x / (bias + alpha / size * sums) ** beta).astype(np.float32)


def main():
    folder = sys.argv[1]
    rng = np.random.default_rng(0)
    F, I = TensorProto.FLOAT, TensorProto.INT64

    def ties(batch):
        # Few distinct values: many ties.
        return rng.integers(0, 4, (batch, 7)).astype(np.float32)

    cases = [
        ("argmax", [helper.make_node("ArgMax", ["x"], ["y"], axis=1)],
         [tensor("x", F, ["N", 7])], [tensor("y", I, ["N", 1])], [],
         lambda b: [ties(b)],
         lambda x: [np.argmax(x, axis=1)[:, None].astype(np.int64)]),
        ("argmin", [helper.make_node("ArgMin", ["x"], ["y"], axis=1,
                                     keepdims=0, select_last_index=1)],
         [tensor("x", F, ["N", 7])], [tensor("y", I, ["N"])], [],
         lambda b: [ties(b)],
         lambda x: [(6 - np.argmin(x[:, ::-1], axis=1)).astype(np.int64)]),
        ("hardmax", [helper.make_node("Hardmax", ["x"], ["y"])],
         [tensor("x", F, ["N", 7])], [tensor("y", F, ["N", 7])], [],
         lambda b: [ties(b)],
         lambda x: [np.eye(7, dtype=np.float32)[np.argmax(x, axis=1)]]),
        ("topk_largest", [helper.make_node("TopK", ["x", "k"], ["v", "i"],
                                           axis=1)],
         [tensor("x", F, ["N", 7])],
         [tensor("v", F, ["N", 3]), tensor("i", I, ["N", 3])],
         [helper.make_tensor("k", I, [1], [3])],
         lambda b: [ties(b)], lambda x: topk_ref(x, 3, True)),
        ("topk_smallest", [helper.make_node("TopK", ["x", "k"], ["v", "i"],
                                            axis=1, largest=0)],
         [tensor("x", F, ["N", 7])],
         [tensor("v", F, ["N", 2]), tensor("i", I, ["N", 2])],
         [helper.make_tensor("k", I, [1], [2])],
         lambda b: [ties(b)], lambda x: topk_ref(x, 2, False)),
        # k read at run time along a symbolic axis: the outputs' axis dim
        # is data-dependent: the whole row at batch 1, 2 at batch 3, 0 at
        # batch 6.
        ("topk_runtime_k",
         [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=1)],
         [tensor("x", F, ["N", "L"]), tensor("k", I, [1])],
         [tensor("v", F, ["N", None]), tensor("i", I, ["N", None])],
         [],
         lambda b: [ties(b)[:, :b + 3],
                    np.array([{1: 4, 3: 2}.get(b, 0)], np.int64)],
         lambda x, k: topk_ref(x, int(k[0]), True)),
        ("variadic", [helper.make_node("Max", ["a", "b", "c"], ["mx"]),
                      helper.make_node("Min", ["a", "b", "c"], ["mn"]),
                      helper.make_node("Sum", ["a", "b", "c"], ["s"]),
                      helper.make_node("Mean", ["a", "b", "c"], ["m"])],
         [tensor(n, F, ["N", 5]) for n in "abc"],
         [tensor(n, F, ["N", 5]) for n in ("mx", "mn", "s", "m")], [],
         lambda b: [rng.standard_normal((b, 5), dtype=np.float32)
                    for _ in range(3)],
         lambda a, b, c: [np.maximum(np.maximum(a, b), c),
                          np.minimum(np.minimum(a, b), c), a + b + c,
                          (a + b + c) / np.float32(3)]),
        ("mod", [helper.make_node("Mod", ["x", "y"], ["r"]),
                 helper.make_node("Mod", ["x", "y"], ["f"], fmod=1)],
         [tensor("x", I, ["N", 4]), tensor("y", I, ["N", 4])],
         [tensor("r", I, ["N", 4]), tensor("f", I, ["N", 4])], [],
         lambda b: [rng.integers(-20, 20, (b, 4)),
                    rng.choice([-7, -3, 2, 5], (b, 4))],
         lambda x, y: [np.mod(x, y), np.fmod(x, y)]),
        ("instance_norm",
         [helper.make_node("InstanceNormalization", ["x", "s", "b"], ["y"],
                           epsilon=1e-3)],
         [tensor("x", F, ["N", 3, 4, 5])], [tensor("y", F, ["N", 3, 4, 5])],
         [helper.make_tensor("s", F, [3], [0.5, 1.0, 2.0]),
          helper.make_tensor("b", F, [3], [0.0, -1.0, 3.0])],
         lambda b: [rng.standard_normal((b, 3, 4, 5), dtype=np.float32)],
         lambda x: [((x - x.mean(axis=(2, 3), keepdims=True)) /
                     np.sqrt(x.var(axis=(2, 3), keepdims=True) + 1e-3) *
                     np.array([0.5, 1, 2], np.float32)[:, None, None] +
                     np.array([0, -1, 3], np.float32)[:, None, None])
                    .astype(np.float32)]),
        # LRN (AlexNet, GoogLeNet from Caffe) over a symbolic batch and
        # image: the library primitive created per shape.
        ("lrn",
         [helper.make_node("LRN", ["x"], ["y"], size=3, alpha=0.3,
                           beta=0.75, bias=2.0)],
         [tensor("x", F, ["N", 6, "H", "W"])], [tensor("y", F, ["N", 6, "H",
                                                                "W"])],
         [],
         lambda b: [rng.standard_normal((b, 6, b + 1, 2 * b + 3),
                                        dtype=np.float32)],
         lambda x: [lrn_ref(x, 3, 0.3, 0.75, 2.0)]),
        ("mvn",
         [helper.make_node("MeanVarianceNormalization", ["x"], ["y"])],
         [tensor("x", F, ["N", 3, "H", "W"])], [tensor("y", F, ["N", 3, "H",
                                                                "W"])],
         [],
         lambda b: [rng.standard_normal((b, 3, b + 1, 2 * b + 3),
                                        dtype=np.float32)],
         lambda x: [((x - x.mean(axis=(0, 2, 3), keepdims=True)) /
                     (x.std(axis=(0, 2, 3), keepdims=True) + 1e-9))
                    .astype(np.float32)]),
        # RoBERTa's position ids: cumsum of the padding mask along a
        # symbolic sequence; and a reverse exclusive sum.
        ("cumsum",
         [helper.make_node("CumSum", ["x", "a"], ["y"]),
          helper.make_node("CumSum", ["x", "a"], ["r"], exclusive=1,
                           reverse=1)],
         [tensor("x", I, ["N", "S"])],
         [tensor("y", I, ["N", "S"]), tensor("r", I, ["N", "S"])],
         [helper.make_tensor("a", I, [], [1])],
         lambda b: [rng.integers(0, 2, (b, 2 * b + 1))],
         lambda x: [np.cumsum(x, axis=1),
                    np.cumsum(x[:, ::-1], axis=1)[:, ::-1] - x]),
        ("tile_onehot",
         [helper.make_node("Tile", ["x", "r"], ["t"]),
          helper.make_node("OneHot", ["i", "d", "v"], ["h"])],
         [tensor("x", F, ["N", 3]), tensor("i", I, ["N"])],
         [tensor("t", F, [None, 6]), tensor("h", F, ["N", 4])],
         [helper.make_tensor("r", I, [2], [3, 2]),
          helper.make_tensor("d", I, [], [4]),
          helper.make_tensor("v", F, [2], [-1.0, 5.0])],
         lambda b: [rng.standard_normal((b, 3), dtype=np.float32),
                    rng.integers(-4, 4, (b,))],
         lambda x, i: [np.tile(x, (3, 2)),
                       np.where(np.arange(4)[None, :] == (i % 4)[:, None],
                                np.float32(5), np.float32(-1))]),
        ("einsum",
         [helper.make_node("Einsum", ["q", "k"], ["s"],
                           equation="bqd,bkd->bqk"),
          helper.make_node("Einsum", ["q", "w"], ["p"],
                           equation="...d,d->..."),
          helper.make_node("Einsum", ["q"], ["g"], equation="bqd->bd")],
         [tensor("q", F, ["N", "T", 4]), tensor("k", F, ["N", 5, 4])],
         [tensor("s", F, ["N", "T", 5]), tensor("p", F, ["N", "T"]),
          tensor("g", F, ["N", 4])],
         [helper.make_tensor("w", F, [4], [1.0, -2.0, 0.5, 3.0])],
         lambda b: [rng.standard_normal((b, b + 1, 4), dtype=np.float32),
                    rng.standard_normal((b, 5, 4), dtype=np.float32)],
         lambda q, k: [np.einsum("bqd,bkd->bqk", q, k),
                       q @ np.array([1.0, -2.0, 0.5, 3.0], np.float32),
                       q.sum(1)]),
        ("gather_elements",
         [helper.make_node("GatherElements", ["x", "i"], ["y"], axis=1)],
         [tensor("x", F, ["N", 6]), tensor("i", I, ["N", 3])],
         [tensor("y", F, ["N", 3])], [],
         lambda b: [rng.standard_normal((b, 6), dtype=np.float32),
                    rng.integers(-6, 6, (b, 3))],
         lambda x, i: [np.take_along_axis(x, i % 6, axis=1)]),
        # Along the symbolic dim itself: a pooler's first and last token
        # (x[:, 0], x[:, -1]) and GatherElements over the batch.
        ("gather_runtime_axis",
         [helper.make_node("Gather", ["x", "first"], ["y"], axis=1),
          helper.make_node("Gather", ["x", "last"], ["z"], axis=1),
          helper.make_node("GatherElements", ["x", "i"], ["w"], axis=0)],
         [tensor("x", F, ["N", "N", 4]), tensor("i", I, [2, 1, 4])],
         [tensor("y", F, ["N", 4]), tensor("z", F, ["N", 4]),
          tensor("w", F, [2, 1, 4])],
         [numpy_helper.from_array(np.array(0, np.int64), "first"),
          numpy_helper.from_array(np.array(-1, np.int64), "last")],
         lambda b: [rng.standard_normal((b, b, 4), dtype=np.float32),
                    rng.integers(-b, b, (2, 1, 4))],
         lambda x, i: [x[:, 0], x[:, -1],
                       np.take_along_axis(x[:, :1], i % x.shape[0], axis=0)]),
        # x[:, -1:].squeeze(1): the slice's run-time size checked to be 1.
        ("slice_squeeze",
         [helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["t"]),
          helper.make_node("Squeeze", ["t", "axes"], ["y"])],
         [tensor("x", F, ["N", "S", 4])], [tensor("y", F, ["N", 4])],
         [numpy_helper.from_array(np.array([-1], np.int64), "starts"),
          numpy_helper.from_array(np.array([2**62], np.int64), "ends"),
          numpy_helper.from_array(np.array([1], np.int64), "axes")],
         lambda b: [rng.standard_normal((b, b + 2, 4), dtype=np.float32)],
         lambda x: [x[:, -1]]),
        # A sequence padded up to a multiple of 8: pads read at run time.
        ("pad_to_multiple",
         [helper.make_node("Shape", ["x"], ["sh"]),
          helper.make_node("Gather", ["sh", "one"], ["s"]),
          helper.make_node("Mod", ["s", "eight"], ["m"]),
          helper.make_node("Sub", ["eight", "m"], ["r"]),
          helper.make_node("Mod", ["r", "eight"], ["p"]),
          helper.make_node("Unsqueeze", ["p", "ax"], ["pu"]),
          helper.make_node("Concat", ["z", "pu", "z1"], ["pads"], axis=0),
          helper.make_node("Pad", ["x", "pads", "v"], ["y"])],
         [tensor("x", F, ["N", "S", 4])], [tensor("y", F, ["N", None, 4])],
         [numpy_helper.from_array(np.array(1, np.int64), "one"),
          numpy_helper.from_array(np.array(8, np.int64), "eight"),
          numpy_helper.from_array(np.array([0], np.int64), "ax"),
          numpy_helper.from_array(np.zeros(4, np.int64), "z"),
          numpy_helper.from_array(np.zeros(1, np.int64), "z1"),
          numpy_helper.from_array(np.array(-1.5, np.float32), "v")],
         lambda b: [rng.standard_normal((b, 3 * b + 2, 4), dtype=np.float32)],
         lambda x: [np.pad(x, ((0, 0), (0, -x.shape[1] % 8), (0, 0)),
                           constant_values=-1.5)]),
        # x - x[:, :1] and x * x[:, -1:]: a one-entry slice of a symbolic
        # dim is typed 1 and broadcasts.
        ("slice_one_broadcast",
         [helper.make_node("Slice", ["x", "zero", "one", "axes"], ["f"]),
          helper.make_node("Sub", ["x", "f"], ["y"]),
          helper.make_node("Slice", ["x", "minus1", "big", "axes"], ["l"]),
          helper.make_node("Mul", ["x", "l"], ["z"])],
         [tensor("x", F, ["N", "S"])],
         [tensor("y", F, ["N", "S"]), tensor("z", F, ["N", "S"])],
         [numpy_helper.from_array(np.array([0], np.int64), "zero"),
          numpy_helper.from_array(np.array([1], np.int64), "one"),
          numpy_helper.from_array(np.array([-1], np.int64), "minus1"),
          numpy_helper.from_array(np.array([2**63 - 1], np.int64), "big"),
          numpy_helper.from_array(np.array([1], np.int64), "axes")],
         lambda b: [rng.standard_normal((b, 2 * b + 1), dtype=np.float32)],
         lambda x: [x - x[:, :1], x * x[:, -1:]]),
        # GatherND with batch_dims 1: per batch row, rows of a symbolic
        # count picked by run-time indices (negative ones too).
        ("gather_nd",
         [helper.make_node("GatherND", ["x", "i"], ["y"], batch_dims=1)],
         [tensor("x", F, ["N", 5, 2]), tensor("i", I, ["N", "K", 1])],
         [tensor("y", F, ["N", "K", 2])], [],
         lambda b: [rng.standard_normal((b, 5, 2), dtype=np.float32),
                    rng.integers(-5, 5, (b, b + 1, 1))],
         lambda x, i: [np.stack([x[n][i[n, :, 0]] for n in
                                 range(x.shape[0])])]),
        # ScatterElements along a symbolic sequence (of a duplicate index,
        # the last update stays) and ScatterND of whole rows into a symbolic batch
        # (a KV cache's update), run-time indices checked per run.
        ("scatters",
         [helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], axis=1),
          helper.make_node("ScatterND", ["x", "r", "v"], ["z"])],
         [tensor("x", F, ["N", "S"]), tensor("i", I, ["N", 2]),
          tensor("u", F, ["N", 2]), tensor("r", I, ["K", 1]),
          tensor("v", F, ["K", "S"])],
         [tensor("y", F, ["N", "S"]), tensor("z", F, ["N", "S"])], [],
         lambda b: [rng.standard_normal((b, b + 2), dtype=np.float32),
                    rng.integers(-b - 2, b + 2, (b, 2)),
                    rng.standard_normal((b, 2), dtype=np.float32),
                    rng.permutation(b)[:(b + 1) // 2, None].astype(np.int64),
                    rng.standard_normal(((b + 1) // 2, b + 2),
                                        dtype=np.float32)],
         lambda x, i, u, r, v: [scatter_ref(x, i, u),
                                scatter_rows_ref(x, r, v)]),
        # A symbolic dim split by a constant ([N, S] -> [N, S / 2, 2], as
        # patchify and pixel_unshuffle do): the target shape is read per
        # run; then Unsqueeze and Squeeze of a unit dim beside its
        # unnamed run-time dims.
        ("reshape_runtime",
         [helper.make_node("Reshape", ["x", "shape"], ["y"]),
          helper.make_node("Unsqueeze", ["y", "one"], ["u"]),
          helper.make_node("Squeeze", ["u", "one"], ["z"])],
         [tensor("x", F, ["N", "S"])],
         [tensor("y", F, ["N", None, 2]), tensor("z", F, ["N", None, 2])],
         [numpy_helper.from_array(np.array([0, -1, 2], np.int64), "shape"),
          numpy_helper.from_array(np.array([1], np.int64), "one")],
         lambda b: [rng.standard_normal((b, 2 * b + 2), dtype=np.float32)],
         lambda x: [x.reshape(x.shape[0], -1, 2)] * 2),
        # Steps other than 1 along a symbolic sequence: x[:, ::2], a flip
        # (x[:, ::-1]), x[:, 5:0:-2] and x[:, -2::-3], clamped as ONNX says.
        ("slice_steps",
         [helper.make_node("Slice", ["x", "s" + k, "e" + k, "ax", "st" + k],
                           ["y" + k]) for k in "abcd"],
         [tensor("x", F, ["N", "S"])],
         [tensor("y" + k, F, ["N", None]) for k in "abcd"],
         [numpy_helper.from_array(np.array([v], np.int64), name)
          for name, v in (("sa", 0), ("ea", 2**62), ("sta", 2),
                          ("sb", -1), ("eb", -2**63), ("stb", -1),
                          ("sc", 5), ("ec", 0), ("stc", -2),
                          ("sd", -2), ("ed", -2**62), ("std", -3),
                          ("ax", 1))],
         lambda b: [rng.standard_normal((b, 2 * b + 1), dtype=np.float32)],
         lambda x: [x[:, ::2], x[:, ::-1], x[:, 5:0:-2], x[:, -2::-3]]),
        # Tile by repeats read at run time (x.repeat(r.size(0), 1)).
        ("tile_runtime_repeats",
         [helper.make_node("Shape", ["r"], ["rs"]),
          helper.make_node("Concat", ["rs", "one"], ["rep"], axis=0),
          helper.make_node("Tile", ["x", "rep"], ["y"])],
         [tensor("x", F, ["N", 3]), tensor("r", F, ["R"])],
         [tensor("y", F, [None, 3])],
         [numpy_helper.from_array(np.array([1], np.int64), "one")],
         lambda b: [rng.standard_normal((b, 3), dtype=np.float32),
                    np.zeros(b + 1, np.float32)],
         lambda x, r: [np.tile(x, (r.shape[0], 1))]),
        # Negative pads crop a symbolic dim (a slice, then the other pads):
        # x[:, 1:] padded by 2 zeros at the end, and x[:, 1:-1] alone.
        ("pad_crop",
         [helper.make_node("Pad", ["x", "p"], ["y"]),
          helper.make_node("Pad", ["x", "q"], ["z"])],
         [tensor("x", F, ["N", "S"])],
         [tensor("y", F, ["N", None]), tensor("z", F, ["N", None])],
         [numpy_helper.from_array(np.array([0, -1, 0, 2], np.int64), "p"),
          numpy_helper.from_array(np.array([0, -1, 0, -1], np.int64), "q")],
         lambda b: [rng.standard_normal((b, b + 2), dtype=np.float32)],
         lambda x: [np.pad(x[:, 1:], ((0, 0), (0, 2))), x[:, 1:-1]]),
        # A KV-cache's product: the contracted dim is a concatenation's
        # length (a symbol of its own on each side), and a static dim meets
        # a symbolic one; both checked equal at run time.
        ("matmul_runtime_contraction",
         [helper.make_node("Concat", ["a", "x"], ["u"], axis=1),
          helper.make_node("Concat", ["c", "x"], ["v"], axis=1),
          helper.make_node("Transpose", ["v"], ["vt"]),
          helper.make_node("MatMul", ["u", "vt"], ["y"]),
          helper.make_node("MatMul", ["x", "w"], ["z"])],
         [tensor("a", F, ["N", "P"]), tensor("c", F, ["N", "P"]),
          tensor("x", F, ["N", 2]), tensor("w", F, ["K", 3])],
         [tensor("y", F, ["N", "N"]), tensor("z", F, ["N", 3])], [],
         lambda b: [rng.standard_normal((b, b + 1), dtype=np.float32),
                    rng.standard_normal((b, b + 1), dtype=np.float32),
                    rng.standard_normal((b, 2), dtype=np.float32),
                    rng.standard_normal((2, 3), dtype=np.float32)],
         lambda a, c, x, w: [np.concatenate([a, x], 1) @
                             np.concatenate([c, x], 1).T, x @ w]),
    ]
    # ReverseSequence over a symbolic batch and length, lengths read at run
    # time; EyeLike of a symbolic size.
    cases += [
        ("reverse_sequence",
         [helper.make_node("ReverseSequence", ["x", "lens"], ["y"],
                           batch_axis=1, time_axis=0),
          helper.make_node("ReverseSequence", ["xb", "lens"], ["yb"],
                           batch_axis=0, time_axis=1)],
         [tensor("x", F, ["T", "N", 2]), tensor("xb", F, ["N", "T"]),
          tensor("lens", I, ["N"])],
         [tensor("y", F, ["T", "N", 2]), tensor("yb", F, ["N", "T"])], [],
         lambda b: [rng.standard_normal((b + 2, b, 2), dtype=np.float32),
                    rng.standard_normal((b, b + 2), dtype=np.float32),
                    rng.integers(0, b + 3, b).astype(np.int64)],
         lambda x, xb, lens: [reverse_ref(x, lens, 0),
                              reverse_ref(xb, lens, 1)]),
        ("eyelike", [helper.make_node("EyeLike", ["x"], ["y"], k=-1)],
         [tensor("x", F, ["N", "M"])], [tensor("y", F, ["N", "M"])], [],
         lambda b: [np.zeros((b, b + 1), np.float32)],
         lambda x: [np.eye(*x.shape, k=-1, dtype=np.float32)]),
    ]
    for name, nodes, inputs, outputs, inits, make, ref in cases:
        sub = os.path.join(folder, name)
        lib = compile_model(sub, nodes, inputs, outputs, inits)
        for batch in BATCHES:
            args = make(batch)
            got = run(lib, os.path.join(sub, str(batch)), args, len(outputs))
            for k, (g, e) in enumerate(zip(got, ref(*args))):
                ok = g.shape == e.shape and g.dtype == e.dtype and (
                    np.allclose(g, e, rtol=1e-5, atol=1e-5)
                    if g.dtype.kind == "f" else np.array_equal(g, e))
                if not ok:
                    sys.exit("%s, batch %d, output %d: %s %r, expected %s %r"
                             % (name, batch, k, g.dtype, g, e.dtype, e))
        print("%s: batches %s ok" % (name, " ".join(map(str, BATCHES))))
    # An odd sequence does not split in two: one line, a failed run.
    lib = os.path.join(folder, "reshape_runtime", "model.so")
    data = os.path.join(folder, "odd")
    os.makedirs(data, exist_ok=True)
    with open(os.path.join(data, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(
            np.ones((2, 5), np.float32)).SerializeToString())
    result = subprocess.run(["aic-run", lib, "--inputs", data, "--outputs",
                             os.path.join(folder, "odd-out")],
                            capture_output=True, text=True)
    print("odd: exit %d: %s" % (result.returncode, result.stderr.strip()))
    # The product's dims differ at run time: one line, a failed run.
    lib = os.path.join(folder, "matmul_runtime_contraction", "model.so")
    data = os.path.join(folder, "mismatch")
    os.makedirs(data, exist_ok=True)
    for i, a in enumerate([np.ones((2, 3), np.float32)] * 2 +
                          [np.ones((2, 2), np.float32),
                           np.ones((4, 3), np.float32)]):
        with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())
    result = subprocess.run(["aic-run", lib, "--inputs", data, "--outputs",
                             os.path.join(folder, "mismatch-out")],
                            capture_output=True, text=True)
    print("mismatch: exit %d: %s" % (result.returncode,
                                     result.stderr.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
