"""The models and data of quantized-int8.test.

Usage: quantized-int8.test.py DIR   writes DIR/model.onnx (constant weights:
                                    the products run on oneDNN's int8
                                    primitives where exact), DIR/inputs.onnx
                                    (the same nodes with the weights as
                                    graph inputs: generated code),
                                    DIR/in/ and DIR/in-inputs/ (input_N.pb
                                    and numpy's output_N.pb for each)

The cases cover uint8 and int8 activations and weights, per-tensor and
per-channel scales and zero points, run-time scales and zero points of
activations and outputs, padding, strides, dilations, groups, batched
matrix products, outputs that saturate at both ends, and forms oneDNN
cannot compute exactly (weights minus zero point outside int8: c7, m7;
sums that may reach 2^24: m6), which stay generated code. The expected values are
ONNX's integer sums requantized in f32 as ONNX Runtime does:
saturate(round_half_even(f32(acc + bias) * f32(f32(sx * sw) / sy)) + zy).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

root = sys.argv[1]
rng = np.random.default_rng(7)
U8, I8, I32 = TensorProto.UINT8, TensorProto.INT8, TensorProto.INT32
NP = {U8: np.uint8, I8: np.int8, I32: np.int32}


def rand8(dtype, shape, extremes=0.2, margin=0):
    """Random 8-bit values at least `margin` inside the type's bounds, a
    fraction of them at those bounds."""
    info = np.iinfo(NP[dtype])
    lo, hi = info.min + margin, info.max - margin
    v = rng.integers(lo, hi + 1, size=shape)
    mask = rng.random(shape) < extremes
    v[mask] = rng.choice([lo, hi], size=int(mask.sum()))
    return v.astype(NP[dtype])


def conv_sums(x, w, strides, pads, dilations, group):
    """Exact int64 sums of an N-d grouped convolution of centered values."""
    nsp = x.ndim - 2
    x = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[nsp + i])
                                      for i in range(nsp)])
    n, c = x.shape[:2]
    oc, cg = w.shape[:2]
    k = w.shape[2:]
    out = [(x.shape[2 + i] - (k[i] - 1) * dilations[i] - 1) // strides[i] + 1
           for i in range(nsp)]
    y = np.zeros((n, oc) + tuple(out), dtype=np.int64)
    ocg = oc // group
    for idx in np.ndindex(*out):
        for kk in np.ndindex(*k):
            pos = tuple(idx[i] * strides[i] + kk[i] * dilations[i]
                        for i in range(nsp))
            for g in range(group):
                xs = x[(slice(None), slice(g * cg, (g + 1) * cg)) + pos]
                ws = w[(slice(g * ocg, (g + 1) * ocg), slice(None)) + kk]
                y[(slice(None), slice(g * ocg, (g + 1) * ocg)) + idx] += \
                    xs @ ws.T
    return y


def requant(acc, multiplier, zero_point, dtype):
    v = acc.astype(np.float32) * multiplier
    info = np.iinfo(NP[dtype])
    r = np.clip(np.rint(v) + np.float32(zero_point), info.min, info.max)
    return r.astype(NP[dtype])


def f32(v):
    return np.asarray(v, dtype=np.float32)


class Builder:
    def __init__(self):
        self.nodes, self.inits, self.feeds = [], [], []
        self.outputs, self.expected = [], []
        self.weights = []  # (name, array): initializers of model.onnx only

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, name, array):
        self.weights.append((name, np.asarray(array)))
        return name

    def input(self, name, array):
        self.feeds.append((name, np.asarray(array)))
        return name

    def output(self, name, array, dtype):
        self.outputs.append(
            helper.make_tensor_value_info(name, dtype, array.shape))
        self.expected.append(array)


def qlinear_conv(b, tag, xt, wt, yt, x_shape, w_shape, strides, pads,
                 dilations, group, per_channel, bias, y_scale,
                 runtime_params=False):
    x = rand8(xt, x_shape)
    w = rand8(wt, w_shape)
    oc = w_shape[0]
    xz = NP[xt](rng.integers(np.iinfo(NP[xt]).min, np.iinfo(NP[xt]).max))
    wz = (np.zeros(oc, NP[wt]) + (128 if wt == U8 else 0)).astype(NP[wt]) \
        if per_channel else np.array(128 if wt == U8 else 0, NP[wt])
    yz = np.array(3 if yt == U8 else -5, NP[yt])
    xs = f32(0.02)
    ws = f32(rng.uniform(0.001, 0.01, oc)) if per_channel else f32(0.004)
    ys = f32(y_scale)
    bias_v = rng.integers(-5000, 5000, oc).astype(np.int32)
    acc = conv_sums(x.astype(np.int64) - int(xz),
                    w.astype(np.int64) - wz.astype(np.int64).reshape(
                        (-1,) + (1,) * (len(w_shape) - 1)),
                    strides, pads, dilations, group)
    if bias:
        acc += bias_v.reshape((1, oc) + (1,) * (len(x_shape) - 2))
    mult = (f32(xs * ws) / ys).astype(np.float32)
    mult = mult.reshape((1, -1) + (1,) * (len(x_shape) - 2)) \
        if per_channel else mult
    y = requant(acc, mult, yz, yt)
    # Scales and zero points of x and y as graph inputs: run-time values.
    param = b.input if runtime_params else b.const
    ins = [b.input(f"{tag}_x", x), param(f"{tag}_xs", xs),
           param(f"{tag}_xz", np.asarray(xz)), b.weight(f"{tag}_w", w),
           b.const(f"{tag}_ws", ws), b.const(f"{tag}_wz", wz),
           param(f"{tag}_ys", ys), param(f"{tag}_yz", yz)]
    if bias:
        ins.append(b.const(f"{tag}_b", bias_v))
    b.nodes.append(helper.make_node(
        "QLinearConv", ins, [f"{tag}_y"], strides=strides, pads=pads,
        dilations=dilations, group=group))
    b.output(f"{tag}_y", y, yt)


def conv_integer(b, tag, xt, wt, x_shape, w_shape, pads, wz_value,
                 margin=0):
    x = rand8(xt, x_shape)
    w = rand8(wt, w_shape, margin=margin)
    xz = NP[xt](rng.integers(np.iinfo(NP[xt]).min, np.iinfo(NP[xt]).max))
    wz = np.array(wz_value, NP[wt])
    nsp = len(x_shape) - 2
    acc = conv_sums(x.astype(np.int64) - int(xz), w.astype(np.int64) - int(wz),
                    [1] * nsp, pads, [1] * nsp, 1)
    b.nodes.append(helper.make_node(
        "ConvInteger", [b.input(f"{tag}_x", x), b.weight(f"{tag}_w", w),
                        b.const(f"{tag}_xz", xz), b.const(f"{tag}_wz", wz)],
        [f"{tag}_y"], pads=pads))
    b.output(f"{tag}_y", acc.astype(np.int32), I32)


def qlinear_matmul(b, tag, at, bt, yt, a_shape, b_shape, per_column, y_scale,
                   margin=0):
    a = rand8(at, a_shape)
    w = rand8(bt, b_shape, margin=margin)
    n = b_shape[-1]
    az = NP[at](rng.integers(np.iinfo(NP[at]).min, np.iinfo(NP[at]).max))
    base = 128 if bt == U8 else 0
    bz = (base + rng.integers(-3, 4, n)).astype(NP[bt]) if per_column \
        else np.array(base, NP[bt])
    yz = np.array(100 if yt == U8 else 7, NP[yt])
    as_, bs, ys = f32(0.03), f32(0.002), f32(y_scale)
    if per_column:
        bs = f32(rng.uniform(0.001, 0.004, n))
    acc = (a.astype(np.int64) - int(az)) @ (w.astype(np.int64) -
                                           bz.astype(np.int64))
    mult = (f32(as_ * bs) / ys).astype(np.float32)
    y = requant(acc, mult, yz, yt)
    b.nodes.append(helper.make_node(
        "QLinearMatMul",
        [b.input(f"{tag}_a", a), b.const(f"{tag}_as", as_),
         b.const(f"{tag}_az", az), b.weight(f"{tag}_b", w),
         b.const(f"{tag}_bs", bs), b.const(f"{tag}_bz", bz),
         b.const(f"{tag}_ys", ys), b.const(f"{tag}_yz", yz)],
        [f"{tag}_y"]))
    b.output(f"{tag}_y", y, yt)


def matmul_integer(b, tag, at, bt, a_shape, b_shape, per_row, bz_value,
                   margin=0, extremes=0.2):
    a = rand8(at, a_shape, extremes=extremes)
    w = rand8(bt, b_shape, margin=margin, extremes=extremes)
    m = a_shape[-2]
    lo, hi = np.iinfo(NP[at]).min, np.iinfo(NP[at]).max
    az = rng.integers(lo, hi, m).astype(NP[at]) if per_row \
        else np.array(rng.integers(lo, hi), NP[at])
    bz = np.array(bz_value, NP[bt])
    acc = (a.astype(np.int64) -
           (az.astype(np.int64)[:, None] if per_row else int(az))) @ \
        (w.astype(np.int64) - int(bz))
    b.nodes.append(helper.make_node(
        "MatMulInteger", [b.input(f"{tag}_a", a), b.weight(f"{tag}_b", w),
                          b.const(f"{tag}_az", az), b.const(f"{tag}_bz", bz)],
        [f"{tag}_y"]))
    b.output(f"{tag}_y", acc.astype(np.int32), I32)


b = Builder()
# uint8 everything, padding, bias, outputs saturating at both ends.
qlinear_conv(b, "c1", U8, U8, U8, [2, 8, 9, 9], [16, 8, 3, 3], [1, 1],
             [1, 1, 1, 1], [1, 1], 1, False, True, 0.05)
# int8 activations and weights, per-channel scales and zero points, stride,
# dilation, uneven padding, groups.
qlinear_conv(b, "c2", I8, I8, I8, [1, 6, 11, 10], [12, 3, 3, 2], [2, 1],
             [1, 0, 2, 1], [2, 1], 2, True, True, 0.02)
# uint8 activations, int8 weights and output, 1-D and 3-D.
qlinear_conv(b, "c3", U8, I8, I8, [3, 5, 17], [7, 5, 4], [3], [2, 1], [1],
             1, True, False, 0.5)
qlinear_conv(b, "c4", I8, U8, U8, [1, 4, 5, 6, 5], [6, 4, 2, 3, 2],
             [1, 2, 1], [1, 0, 1, 0, 1, 1], [1, 1, 2], 1, False, True, 0.1)
qlinear_conv(b, "c8", U8, I8, U8, [1, 3, 8, 8], [4, 3, 3, 3], [1, 1],
             [1, 1, 1, 1], [1, 1], 1, True, True, 0.04, runtime_params=True)
conv_integer(b, "c5", U8, U8, [2, 3, 7, 7], [5, 3, 3, 3], [1, 1, 1, 1], 130,
             margin=3)
conv_integer(b, "c6", I8, I8, [1, 4, 6], [3, 4, 2], [0, 1], -2, margin=2)
# uint8 weights with zero point 0: w - w_zero_point outside int8, so
# generated code.
conv_integer(b, "c7", U8, U8, [1, 3, 5, 5], [4, 3, 3, 3], [0, 0, 0, 0], 0)
qlinear_matmul(b, "m1", U8, U8, U8, [2, 3, 40], [40, 24], True, 0.3,
               margin=3)
qlinear_matmul(b, "m2", I8, I8, I8, [5, 33], [33, 9], False, 0.05)
qlinear_matmul(b, "m3", U8, I8, U8, [33], [33, 4], False, 0.2)
matmul_integer(b, "m4", U8, I8, [6, 20], [20, 11], True, 1, margin=1)
matmul_integer(b, "m5", I8, U8, [2, 2, 3, 16], [16, 5], False, 128)
# uint8 weights with a per-column zero point beyond int8: generated code.
qlinear_matmul(b, "m7", U8, U8, U8, [4, 8], [8, 6], True, 0.1)
# Sums that may reach 2^24 (weights all at -128 or 127, 128 * 1100 * 127 >
# 2^24): generated code.
matmul_integer(b, "m6", U8, I8, [2, 1100], [1100, 3], False, 0, extremes=1.0)


def save(path, with_weights):
    inits = list(b.inits)
    inputs = [helper.make_tensor_value_info(
        n, onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[v.dtype], v.shape)
        for n, v in b.feeds]
    for n, v in b.weights:
        if with_weights:
            inits.append(numpy_helper.from_array(v, n))
        else:
            inputs.append(helper.make_tensor_value_info(
                n, onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[v.dtype], v.shape))
    graph = helper.make_graph(b.nodes, "q", inputs, b.outputs, inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def write(folder, values):
    os.makedirs(folder, exist_ok=True)
    for i, v in enumerate(values):
        with open(os.path.join(folder, f"input_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(v).SerializeToString())
    for i, v in enumerate(b.expected):
        with open(os.path.join(folder, f"output_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(v).SerializeToString())


save(os.path.join(root, "model.onnx"), True)
save(os.path.join(root, "inputs.onnx"), False)
write(os.path.join(root, "in"), [v for _, v in b.feeds])
write(os.path.join(root, "in-inputs"),
      [v for _, v in b.feeds] + [v for _, v in b.weights])
