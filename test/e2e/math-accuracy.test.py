"""math-accuracy.test: the float math of generated code against float64.

  math-accuracy.test.py DIR          writes DIR/model.onnx and DIR/in/
  math-accuracy.test.py DIR check    checks DIR/out/ (aic-run's outputs)

The model applies ops whose generated code uses the f32 math that
aic-expand-math approximates (exp, expm1, log, log1p, tanh, erf), on
200000 values: magnitudes log-uniform over the whole f32 range, both signs,
a uniform [-10, 10] sweep, and NaN, +-inf, +-0 and subnormals. tanh and the
logistic sigmoid run inside an RNN with `clip` (which oneDNN cannot
express, so it is generated code). Results must be within MAX_ULP ulp of
the correctly rounded value where that is a normal number, within FLT_MIN
where it is subnormal (flushed to zero is allowed), and NaN and +-inf
exactly where the reference has them.
"""
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

N = 200000
MAX_ULP = 5
OPS = [("Erf", {}), ("Log", {}), ("Softplus", {}), ("Elu", {"alpha": 1.0}),
       ("Celu", {"alpha": 2.0})]


def inputs():
    rng = np.random.default_rng(0)
    half = N // 2
    mag = np.exp(rng.uniform(math.log(1e-45), math.log(3.4e38), half))
    signs = np.where(rng.random(half) < 0.5, -1.0, 1.0)
    special = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 1e-40,
               -1e-40, 88.72, -87.34, -103.9, 9.0, -9.0]
    uniform = rng.uniform(-10, 10, N - half - len(special))
    return np.concatenate([mag * signs, uniform, special]).astype(np.float32)


def references(x):
    x = x.astype(np.float64)
    erf = np.vectorize(math.erf, otypes=[np.float64])
    with np.errstate(all="ignore"):
        return [erf(x), np.log(x), np.logaddexp(0.0, x),
                np.where(x > 0, x, np.expm1(x)),
                np.maximum(x, 0) + np.minimum(0, 2.0 * np.expm1(x / 2.0)),
                np.tanh(x), 1.0 / (1.0 + np.exp(-x))]


def write(root):
    nodes, outputs = [], []
    vec = [N]
    for i, (op, attrs) in enumerate(OPS):
        nodes.append(helper.make_node(op, ["x"], [f"y{i}"], **attrs))
        outputs.append(helper.make_tensor_value_info(f"y{i}", TensorProto.FLOAT, vec))
    # RNN over one step with batch N, one input and one hidden unit, W = 1,
    # R = 0, B = 0: Y = f(clip(x)).
    nodes.append(helper.make_node("Reshape", ["x", "rnn_shape"], ["xs"]))
    for i, act in enumerate(["Tanh", "Sigmoid"]):
        k = len(OPS) + i
        nodes.append(helper.make_node(
            "RNN", ["xs", "w", "r"], [f"rnn{i}"], hidden_size=1,
            activations=[act], clip=3.0e38))
        nodes.append(helper.make_node("Reshape", [f"rnn{i}", "flat"], [f"y{k}"]))
        outputs.append(helper.make_tensor_value_info(f"y{k}", TensorProto.FLOAT, vec))
    inits = [numpy_helper.from_array(np.array([1, N, 1], np.int64), "rnn_shape"),
             numpy_helper.from_array(np.array([N], np.int64), "flat"),
             numpy_helper.from_array(np.ones((1, 1, 1), np.float32), "w"),
             numpy_helper.from_array(np.zeros((1, 1, 1), np.float32), "r")]
    graph = helper.make_graph(
        nodes, "math_accuracy",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, vec)], outputs,
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(root, "model.onnx"))
    os.makedirs(os.path.join(root, "in"), exist_ok=True)
    with open(os.path.join(root, "in", "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(inputs(), "x").SerializeToString())


def check(root):
    x = inputs()
    names = [op for op, _ in OPS] + ["RNN Tanh", "RNN Sigmoid"]
    tiny = np.finfo(np.float32).tiny
    ok = True
    for i, (name, ref) in enumerate(zip(names, references(x))):
        path = os.path.join(root, "out", f"output_{i}.pb")
        got = numpy_helper.to_array(onnx.load_tensor(path)).astype(np.float64)
        ref = ref.astype(np.float32).astype(np.float64)  # correctly rounded
        bad_nan = np.isnan(ref) != np.isnan(got)
        inf = np.isinf(ref) | np.isinf(got)
        bad_inf = inf & ~(ref == got)
        finite = np.isfinite(ref) & np.isfinite(got)
        normal = finite & (np.abs(ref) >= tiny)
        with np.errstate(all="ignore"):
            ulp = np.abs(got - ref) / np.spacing(np.abs(ref).astype(np.float32))
        worst = ulp[normal].max()
        sub = finite & ~normal
        sub_err = np.abs(got[sub] - ref[sub]).max() if sub.any() else 0.0
        fails = []
        if worst > MAX_ULP:
            k = np.flatnonzero(normal)[np.argmax(ulp[normal])]
            fails.append(f"{worst:.1f} ulp at x={x[k]!r}: {got[k]!r}, want {ref[k]!r}")
        if sub_err > tiny:
            fails.append(f"subnormal result off by {sub_err:.3g}")
        if bad_nan.any() or bad_inf.any():
            k = np.flatnonzero(bad_nan | bad_inf)[0]
            fails.append(f"NaN/inf mismatch at x={x[k]!r}: {got[k]!r}, want {ref[k]!r}")
        print(f"{name}: {'FAIL ' + '; '.join(fails) if fails else 'ok'}"
              f" (max {worst:.1f} ulp)")
        ok = ok and not fails
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    (check if len(sys.argv) > 2 and sys.argv[2] == "check" else write)(sys.argv[1])
