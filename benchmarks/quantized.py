#!/usr/bin/python3
"""quantized.py - the quantized benchmark: aic's int8 primitives against
its generated code and ONNX Runtime, interleaved.

  benchmarks/quantized.py [--threads 1] [--rounds R] [--runs N]
                          [--warmup W] [--aic-dir BUILD] [--dir DIR]

Models (built with onnx.helper, seed 0; weights int8 from a normal
distribution with 4 sigma at 127, per-channel weight scales, uint8
activations):
  qcnn  a resnet-style block stack on a [1, 64, 56, 56] uint8 image:
        QLinearConv 3x3 64->64, QLinearConv 3x3 64->64, a residual add
        (DequantizeLinear, Add, QuantizeLinear), QLinearConv 3x3 64->128
        stride 2, QLinearConv 3x3 128->128, QLinearConv 1x1 128->128;
  qmlp  a QLinearMatMul chain on [128, 768] uint8 rows: 768 -> 768 ->
        3072 -> 768.
Runners: "int8" is aic on the model (constant weights: oneDNN's int8
primitives), "generated" aic on the same nodes with the weights as graph
inputs (the linalg lowering, what aic ran before), "ORT" ONNX Runtime on
the model. First each output of int8 is compared with generated (must be
bit-identical) and with ORT (mismatching elements are counted). Then R
rounds, each timing all three runners in turn (N timed runs after W
warm-up runs each); reported are the medians of the rounds' medians and
the ratios int8/ORT and int8/generated (below 1: int8 is faster).
"""
import argparse
import os
import statistics
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from benchlib import bench, run

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
U8, I8 = TensorProto.UINT8, TensorProto.INT8


class Model:
    def __init__(self, name, rng):
        self.name, self.rng = name, rng
        self.nodes, self.inits, self.weights = [], [], []
        self.count = 0

    def const(self, array):
        self.count += 1
        name = f"c{self.count}"
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, shape):
        w = np.clip(np.rint(self.rng.standard_normal(shape) * 127 / 4),
                    -127, 127).astype(np.int8)
        self.count += 1
        name = f"w{self.count}"
        self.weights.append((name, w))
        return name

    def out(self):
        self.count += 1
        return f"t{self.count}"

    def qconv(self, x, cin, cout, k, stride, xs):
        w = self.weight([cout, cin, k, k])
        ws = np.float32(4 / 127) * np.float32(
            self.rng.uniform(0.8, 1.2, cout)) / np.float32(np.sqrt(cin * k * k))
        ys = np.float32(xs * 4 / 127 / 3)
        y = self.out()
        bias = self.rng.integers(-1000, 1000, cout).astype(np.int32)
        self.nodes.append(helper.make_node(
            "QLinearConv",
            [x, self.const(np.float32(xs)), self.const(np.uint8(128)), w,
             self.const(ws.astype(np.float32)),
             self.const(np.zeros(cout, np.int8)), self.const(ys),
             self.const(np.uint8(128)), self.const(bias)],
            [y], pads=[k // 2] * 4, strides=[stride, stride]))
        return y, ys

    def qmatmul(self, a, k, n, a_scale):
        w = self.weight([k, n])
        ys = np.float32(a_scale * 4 / 127 / 3)
        y = self.out()
        self.nodes.append(helper.make_node(
            "QLinearMatMul",
            [a, self.const(np.float32(a_scale)), self.const(np.uint8(128)), w,
             self.const(np.float32(4 / 127 / np.sqrt(k))),
             self.const(np.int8(0)), self.const(ys), self.const(np.uint8(128))],
            [y]))
        return y, ys

    def save(self, folder, x_name, x, y_name, y_shape):
        os.makedirs(folder, exist_ok=True)
        for with_weights, file, ins in [(True, "model.onnx", "in"),
                                        (False, "inputs.onnx", "in-inputs")]:
            inputs = [helper.make_tensor_value_info(x_name, U8, x.shape)]
            inits = list(self.inits)
            feeds = [x]
            for n, w in self.weights:
                if with_weights:
                    inits.append(numpy_helper.from_array(w, n))
                else:
                    inputs.append(helper.make_tensor_value_info(n, I8, w.shape))
                    feeds.append(w)
            graph = helper.make_graph(
                self.nodes, self.name, inputs,
                [helper.make_tensor_value_info(y_name, U8, y_shape)], inits)
            model = helper.make_model(
                graph, opset_imports=[helper.make_opsetid("", 13)])
            model.ir_version = 8
            onnx.checker.check_model(model)
            onnx.save(model, os.path.join(folder, file))
            os.makedirs(os.path.join(folder, ins), exist_ok=True)
            for i, v in enumerate(feeds):
                with open(os.path.join(folder, ins, f"input_{i}.pb"), "wb") as f:
                    f.write(numpy_helper.from_array(v).SerializeToString())


def make_qcnn(folder, rng):
    m = Model("qcnn", rng)
    x = rng.integers(0, 256, (1, 64, 56, 56)).astype(np.uint8)
    t1, s1 = m.qconv("x", 64, 64, 3, 1, 0.05)
    t2, s2 = m.qconv(t1, 64, 64, 3, 1, s1)
    # Residual: dequantize both, add, quantize.
    d1, d2, add, q = m.out(), m.out(), m.out(), m.out()
    zp = m.const(np.uint8(128))
    m.nodes += [
        helper.make_node("DequantizeLinear", ["x", m.const(np.float32(0.05)), zp], [d1]),
        helper.make_node("DequantizeLinear", [t2, m.const(np.float32(s2)), zp], [d2]),
        helper.make_node("Add", [d1, d2], [add]),
        helper.make_node("QuantizeLinear", [add, m.const(np.float32(0.08)), zp], [q]),
    ]
    t3, s3 = m.qconv(q, 64, 128, 3, 2, 0.08)
    t4, s4 = m.qconv(t3, 128, 128, 3, 1, s3)
    t5, _ = m.qconv(t4, 128, 128, 1, 1, s4)
    m.save(folder, "x", x, t5, [1, 128, 28, 28])


def make_qmlp(folder, rng):
    m = Model("qmlp", rng)
    x = rng.integers(0, 256, (128, 768)).astype(np.uint8)
    t, s = m.qmatmul("x", 768, 768, 0.05)
    t, s = m.qmatmul(t, 768, 3072, s)
    t, _ = m.qmatmul(t, 3072, 768, s)
    m.save(folder, "x", x, t, [128, 768])


def output(folder):
    return numpy_helper.to_array(onnx.load_tensor(os.path.join(folder, "output_0.pb")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--aic-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--dir", default="/tmp/aic-quantized-bench")
    args = ap.parse_args()
    aic = [os.path.join(args.aic_dir, "bin", "aic-run"), "--cache-dir",
           os.path.join(args.dir, "cache")]
    ort = ["node", os.path.join(BENCH, "ort-run.js")]
    rng = np.random.default_rng(0)
    for name, make in [("qcnn", make_qcnn), ("qmlp", make_qmlp)]:
        folder = os.path.join(args.dir, name)
        make(folder, rng)
        model = os.path.join(folder, "model.onnx")
        inputs_model = os.path.join(folder, "inputs.onnx")
        ins, gen_ins = os.path.join(folder, "in"), os.path.join(folder, "in-inputs")
        outs = {}
        for who, runner, m, i in [("int8", aic, model, ins),
                                  ("generated", aic, inputs_model, gen_ins),
                                  ("ORT", ort, model, ins)]:
            o = os.path.join(folder, "out-" + who)
            run(runner + [m, "--inputs", i, "--outputs", o], who)
            outs[who] = output(o)
        if not np.array_equal(outs["int8"], outs["generated"]):
            sys.exit(f"{name}: int8 and generated code differ")
        diff = int(np.count_nonzero(outs["int8"] != outs["ORT"]))
        print(f"{name}: int8 == generated; {diff} of {outs['int8'].size} "
              f"elements differ from ORT (max |diff| "
              f"{int(np.abs(outs['int8'].astype(int) - outs['ORT'].astype(int)).max())})",
              flush=True)
        times = {"int8": [], "generated": [], "ORT": []}
        for _ in range(args.rounds):
            for who, runner, m, i in [("int8", aic, model, ins),
                                      ("generated", aic, inputs_model, gen_ins),
                                      ("ORT", ort, model, ins)]:
                times[who].append(bench(runner, m, i, args.threads, args.runs,
                                        args.warmup, who))
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"{name}, {args.threads} thread(s): int8 {med['int8']:.3f} ms, "
              f"generated {med['generated']:.3f} ms, ORT {med['ORT']:.3f} ms; "
              f"int8/ORT {med['int8'] / med['ORT']:.2f}, "
              f"int8/generated {med['int8'] / med['generated']:.3f}", flush=True)
        load = open("/proc/loadavg").read().split()[:3]
        print(f"  load average {' '.join(load)}", flush=True)


if __name__ == "__main__":
    main()
