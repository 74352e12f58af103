"""RNN, GRU and LSTM models beyond the ONNX backend tests, checked against a
numpy reference written from the ONNX specification: both directions,
sequence lengths, initial states, peepholes, clip, non-default activations
with alphas and betas, linear_before_reset, input_forget, layout 1, every
output. Usage: recurrent.test.py WORKDIR [CASE-REGEX]; runs aic-run (from
PATH) on each model and prints one line per case."""
import os
import re
import subprocess
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ACTS = {
    "relu": lambda x, a, b: np.maximum(x, 0),
    "tanh": lambda x, a, b: np.tanh(x),
    "sigmoid": lambda x, a, b: 1 / (1 + np.exp(-x)),
    "affine": lambda x, a, b: a * x + b,
    "leakyrelu": lambda x, a, b: np.where(x < 0, a * x, x),
    "thresholdedrelu": lambda x, a, b: np.where(x > a, x, 0),
    "scaledtanh": lambda x, a, b: a * np.tanh(b * x),
    "hardsigmoid": lambda x, a, b: np.clip(a * x + b, 0, 1),
    "elu": lambda x, a, b: np.where(x < 0, a * (np.exp(x) - 1), x),
    "softsign": lambda x, a, b: x / (1 + np.abs(x)),
    "softplus": lambda x, a, b: np.log1p(np.exp(x)),
}
# Default alpha, beta; whether each is taken from the attribute lists.
PARAMS = {
    "affine": (1.0, 0.0, True, True),
    "leakyrelu": (0.01, 0.0, True, False),
    "thresholdedrelu": (1.0, 0.0, True, False),
    "scaledtanh": (1.0, 1.0, True, True),
    "hardsigmoid": (0.2, 0.5, True, True),
    "elu": (1.0, 0.0, True, False),
}
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
DEFAULT_ACTS = {"RNN": ["Tanh"], "GRU": ["Sigmoid", "Tanh"],
                "LSTM": ["Sigmoid", "Tanh", "Tanh"]}


def activations(op, attrs, dirs):
    names = attrs.get("activations", DEFAULT_ACTS[op])
    if len(names) == len(DEFAULT_ACTS[op]) and dirs == 2:
        names = names * 2
    alphas = list(attrs.get("activation_alpha", []))
    betas = list(attrs.get("activation_beta", []))
    fns = []
    for name in names:
        key = name.lower()
        a, b, ta, tb = PARAMS.get(key, (0.0, 0.0, False, False))
        if ta and alphas:
            a = alphas.pop(0)
        if tb and betas:
            b = betas.pop(0)
        fns.append(lambda x, f=ACTS[key], a=a, b=b: f(x, a, b))
    return fns


def reference(op, attrs, x, w, r, b, lens, h0, c0, p):
    """Y, Y_h, Y_c as the ONNX specification defines them (float64)."""
    layout = attrs.get("layout", 0)
    if layout:
        x = x.transpose(1, 0, 2)
        h0 = None if h0 is None else h0.transpose(1, 0, 2)
        c0 = None if c0 is None else c0.transpose(1, 0, 2)
    seq, batch, _ = x.shape
    dirs, gh, hidden = r.shape
    direction = attrs.get("direction", "forward")
    clip = attrs.get("clip")
    lbr = attrs.get("linear_before_reset", 0)
    fns = activations(op, attrs, dirs)
    per = len(fns) // dirs
    y = np.zeros((seq, dirs, batch, hidden))
    yh = np.zeros((dirs, batch, hidden))
    yc = np.zeros((dirs, batch, hidden))
    lens = np.full(batch, seq) if lens is None else lens
    for d in range(dirs):
        f = [lambda v, fn=fn: fn(np.clip(v, -clip, clip) if clip else v)
             for fn in fns[d * per:(d + 1) * per]]
        reverse = direction == "reverse" or d == 1
        wb = b[d, :gh] if b is not None else np.zeros(gh)
        rb = b[d, gh:] if b is not None else np.zeros(gh)
        W, R = w[d], r[d]
        for n in range(batch):
            H = h0[d, n] if h0 is not None else np.zeros(hidden)
            C = c0[d, n] if c0 is not None else np.zeros(hidden)
            L = lens[n]
            steps = range(L - 1, -1, -1) if reverse else range(L)
            for t in steps:
                xt = x[t, n]
                if op == "RNN":
                    H = f[0](W @ xt + R @ H + wb + rb)
                elif op == "GRU":
                    s = lambda k: slice(k * hidden, (k + 1) * hidden)
                    z = f[0](W[s(0)] @ xt + R[s(0)] @ H + wb[s(0)] + rb[s(0)])
                    rr = f[0](W[s(1)] @ xt + R[s(1)] @ H + wb[s(1)] + rb[s(1)])
                    if lbr:
                        hh = f[1](W[s(2)] @ xt + rr * (R[s(2)] @ H + rb[s(2)])
                                  + wb[s(2)])
                    else:
                        hh = f[1](W[s(2)] @ xt + R[s(2)] @ (rr * H) + rb[s(2)]
                                  + wb[s(2)])
                    H = (1 - z) * hh + z * H
                else:
                    g = W @ xt + R @ H + wb + rb
                    gi, go, gf, gc = np.split(g, 4)
                    P = p[d] if p is not None else np.zeros(3 * hidden)
                    pi, po, pf = np.split(P, 3)
                    i = f[0](gi + pi * C)
                    ff = 1 - i if attrs.get("input_forget") else f[0](gf + pf * C)
                    c = f[1](gc)
                    C = ff * C + i * c
                    o = f[0](go + po * C)
                    H = o * f[2](C)
                y[t, d, n] = H
            yh[d, n] = H
            yc[d, n] = C
    if layout:
        return y.transpose(2, 0, 1, 3), yh.transpose(1, 0, 2), yc.transpose(1, 0, 2)
    return y, yh, yc


CASES = {
    # name: (op, attrs, seq, batch, input, hidden, inputs given, lens, opset)
    "rnn_bidir_lens_h0": ("RNN", {"direction": "bidirectional"}, 5, 3, 4, 6,
                          "B lens h0", [5, 2, 0], 14),
    "rnn_reverse_relu_clip": ("RNN", {"direction": "reverse",
                                      "activations": ["Relu"], "clip": 0.7},
                              4, 2, 3, 5, "B", None, 7),
    "rnn_layout1_leaky": ("RNN", {"layout": 1, "direction": "bidirectional",
                                  "activations": ["LeakyRelu", "Affine"],
                                  "activation_alpha": [0.2, 0.5],
                                  "activation_beta": [0.1]},
                          3, 2, 4, 3, "B lens h0", [3, 1], 14),
    "gru_bidir_lens_h0_clip": ("GRU", {"direction": "bidirectional",
                                       "clip": 1.5},
                               6, 3, 5, 4, "B lens h0", [6, 3, 1], 14),
    "gru_lbr_reverse": ("GRU", {"direction": "reverse",
                                "linear_before_reset": 1},
                        5, 2, 3, 4, "B h0", None, 7),
    "gru_lbr_layout1_acts": ("GRU", {"layout": 1, "linear_before_reset": 1,
                                     "direction": "bidirectional",
                                     "activations": ["HardSigmoid", "Softsign",
                                                     "Sigmoid", "ScaledTanh"],
                                     "activation_alpha": [0.3, 0.8],
                                     "activation_beta": [0.4, 1.2]},
                             4, 2, 3, 5, "B lens h0", [2, 4], 14),
    "gru_opset3_lbr": ("GRU", {"linear_before_reset": 1}, 3, 1, 2, 3, "B", None,
                       3),
    "lstm_bidir_all": ("LSTM", {"direction": "bidirectional", "clip": 2.0},
                       5, 3, 4, 6, "B lens h0 c0 P", [5, 1, 3], 14),
    "lstm_layout1_peephole": ("LSTM", {"layout": 1, "direction": "reverse"},
                              4, 2, 3, 5, "B lens h0 c0 P", [4, 2], 14),
    "lstm_input_forget_acts": ("LSTM", {"input_forget": 1,
                                        "activations": ["Sigmoid", "Elu",
                                                        "Softplus"],
                                        "activation_alpha": [0.7]},
                               3, 2, 3, 4, "B h0 c0", None, 7),
    "lstm_no_bias_batch1": ("LSTM", {}, 7, 1, 3, 4, "", None, 14),
    "lstm_opset1": ("LSTM", {"direction": "bidirectional"}, 3, 2, 2, 3,
                    "B P", None, 1),
    "lstm_bidir_layout1_states": ("LSTM", {"direction": "bidirectional",
                                           "layout": 1},
                                  4, 3, 5, 6, "B h0 c0 P", None, 14),
    "lstm_full_lens": ("LSTM", {}, 4, 2, 3, 5, "B clens h0", [4, 4], 14),
    "gru_bidir_layout1_h0": ("GRU", {"direction": "bidirectional",
                                     "layout": 1},
                             5, 2, 3, 4, "B h0", None, 14),
    "gru_lbr_bidir": ("GRU", {"direction": "bidirectional",
                              "linear_before_reset": 1},
                      4, 3, 2, 5, "B", None, 14),
    "rnn_relu_bidir": ("RNN", {"direction": "bidirectional",
                               "activations": ["Relu", "Relu"]},
                       4, 2, 3, 5, "B h0", None, 14),
    "rnn_sigmoid_reverse": ("RNN", {"direction": "reverse",
                                    "activations": ["Sigmoid"]},
                            3, 2, 3, 4, "B", None, 14),
    "rnn_opset1_thresholded": ("RNN", {"activations": ["ThresholdedRelu"],
                                       "activation_alpha": [0.1]},
                               3, 2, 2, 3, "B", None, 1),
    # Wider cells: 288 gate columns (two blocks of 128 taken in turn, and 32
    # more) and 210 (one block and 82 more).
    "lstm_wide_reverse": ("LSTM", {"direction": "reverse"}, 7, 1, 5, 72,
                          "B h0 c0", None, 14),
    "gru_wide_lbr": ("GRU", {"linear_before_reset": 1}, 6, 1, 4, 70, "B h0",
                     None, 14),
}


def build(name, case, folder):
    op, attrs, seq, batch, inp, hidden, given, lens, opset = case
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    dirs = 2 if attrs.get("direction") == "bidirectional" else 1
    gh = GATES[op] * hidden
    layout = attrs.get("layout", 0)
    f32 = lambda *s: rng.uniform(-1, 1, s).astype(np.float32)
    x = f32(batch, seq, inp) if layout else f32(seq, batch, inp)
    w, r = f32(dirs, gh, inp), f32(dirs, gh, hidden)
    state = (batch, dirs, hidden) if layout else (dirs, batch, hidden)
    values = {"X": x, "W": w, "R": r}
    given = given.split()
    if "B" in given:
        values["B"] = f32(dirs, 2 * gh)
    if "lens" in given or "clens" in given:
        values["sequence_lens"] = np.array(lens, np.int32)
    if "h0" in given:
        values["initial_h"] = f32(*state)
    if "c0" in given:
        values["initial_c"] = f32(*state)
    if "P" in given:
        values["P"] = f32(dirs, 3 * hidden)
    order = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"]
    if op != "LSTM":
        order = order[:6]
    names = [n if n in values else "" for n in order]
    while names and not names[-1]:
        names.pop()
    outputs = ["Y", "Y_h", "Y_c"] if op == "LSTM" else ["Y", "Y_h"]
    node_attrs = dict(attrs)
    if opset < 14:
        node_attrs.pop("layout", None)
    node = helper.make_node(op, names, outputs, hidden_size=hidden,
                            **node_attrs)
    # Weights (and "clens" lengths) are initializers (as exported models have them); the rest
    # are graph inputs.
    weights = [n for n in ("W", "R", "B", "P") if n in values]
    if "clens" in given:  # constant lengths
        weights.append("sequence_lens")
    graph_inputs = [n for n in names if n and n not in weights]
    ref = reference(op, attrs, *(values.get(n) for n in order[:3]),
                    values.get("B"),
                    values.get("sequence_lens"),
                    values.get("initial_h"), values.get("initial_c"),
                    values.get("P"))
    elem = lambda n: TensorProto.INT32 if n == "sequence_lens" else TensorProto.FLOAT
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info(n, elem(n), values[n].shape)
         for n in graph_inputs],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, ref[i].shape)
         for i, o in enumerate(outputs)],
        [numpy_helper.from_array(values[n], n) for n in weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    for i, n in enumerate(graph_inputs):
        onnx.save_tensor(numpy_helper.from_array(values[n], n),
                         os.path.join(folder, f"input_{i}.pb"))
    return ref[:len(outputs)]


def main():
    root = sys.argv[1]
    pattern = re.compile(sys.argv[2] if len(sys.argv) > 2 else "")
    failed = 0
    for name, case in CASES.items():
        if not pattern.search(name):
            continue
        folder = os.path.join(root, name)
        ref = build(name, case, folder)
        # Each case twice: as compiled by default (small layers are generated
        # code) and with oneDNN's primitive wherever it applies.
        results = []
        for mode, macs in (("default", None), ("oneDNN-first", "0")):
            lib = os.path.join(folder, f"{mode}.so")
            flags = [] if macs is None else [f"--rnn-generated-max-macs={macs}"]
            compiled = subprocess.run(
                ["aic-compile", os.path.join(folder, "model.onnx"), "-o", lib]
                + flags, capture_output=True, text=True)
            out = os.path.join(folder, f"out-{mode}")
            run = compiled if compiled.returncode else subprocess.run(
                ["aic-run", lib, "--inputs", folder, "--outputs", out],
                capture_output=True, text=True)
            if run.returncode:
                results.append(f"error: {run.stderr.strip()}")
                failed += 1
                continue
            worst = 0.0
            for i, expected in enumerate(ref):
                got = numpy_helper.to_array(
                    onnx.load_tensor(os.path.join(out, f"output_{i}.pb")))
                assert got.shape == expected.shape, (name, i, got.shape)
                worst = max(worst, float(np.max(np.abs(got - expected))))
            status = "ok" if worst < 1e-5 else f"MISMATCH {worst:.3g}"
            failed += status != "ok"
            ir = subprocess.run(["aic-compile", os.path.join(folder, "model.onnx"),
                                 "--emit=aic", "-o", "-"] + flags,
                                capture_output=True, text=True).stdout
            path = "oneDNN" if "aic.rnn" in ir else "generated"
            results.append(f"{status} ({path})")
        print(f"{name}: {', '.join(results)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
