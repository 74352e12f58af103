"""Models with a symbolic batch dim, compiled once and run at several batch
sizes (see dynamic-batch.test). Usage: dynamic-batch.test.py WORKDIR
[NAME...], NAME a model of make_models.py, "shared", "layernorm" or
"batchnorm" (default: all but the other models); runs aic-compile and aic-run from PATH."""

import os
import subprocess
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_models  # noqa: E402

BATCHES = (1, 4, 7)


def write_inputs(folder, arrays):
    os.makedirs(folder, exist_ok=True)
    for i, a in enumerate(arrays):
        with open(os.path.join(folder, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())


def run(lib, folder, arrays):
    """Runs `lib` on `arrays`; returns (outputs, None) or (None, stderr)."""
    data = os.path.join(folder, "data")
    write_inputs(data, arrays)
    out = os.path.join(folder, "out")
    proc = subprocess.run(["aic-run", lib, "--inputs", data, "--outputs", out],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return None, proc.stderr.strip()
    outputs, k = [], 0
    while os.path.exists(os.path.join(out, "output_%d.pb" % k)):
        outputs.append(numpy_helper.to_array(onnx.load_tensor(
            os.path.join(out, "output_%d.pb" % k))))
        k += 1
    return outputs, None


def compile_model(model_path, lib, *flags):
    subprocess.run(["aic-compile", model_path, "-o", lib, *flags], check=True)


def compile_graph(graph, opset, folder, name):
    """Saves `graph` as FOLDER/NAME.onnx (default domain at `opset`) and
    compiles it; returns the library's path."""
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    path = os.path.join(folder, name + ".onnx")
    onnx.save(model, path)
    lib = os.path.join(folder, name + ".so")
    compile_model(path, lib)
    return lib


def export_torch(name, folder):
    """`name` of make_models exported with a symbolic batch dim."""
    model, x = make_models.build(name)
    path = os.path.join(folder, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, (x,), path, opset_version=13,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"},
                                        "output": {0: "batch"}})
    return model, tuple(x.shape[1:]), path


def check_torch(name, folder, tol):
    torch.set_num_threads(1)
    model, item, path = export_torch(name, folder)
    lib = os.path.join(folder, name + ".so")
    compile_model(path, lib)
    rng = np.random.default_rng(1)
    for batch in BATCHES + (4,):
        x = rng.standard_normal((batch,) + item, dtype=np.float32)
        with torch.no_grad():
            expected = model(torch.from_numpy(x)).numpy()
        outputs, error = run(lib, os.path.join(folder, name), [x])
        if error:
            sys.exit("%s at batch %d: %s" % (name, batch, error))
        y = outputs[0]
        if y.shape != expected.shape:
            sys.exit("%s at batch %d: shape %s, expected %s" %
                     (name, batch, y.shape, expected.shape))
        err = np.abs(y - expected).max() / max(np.abs(expected).max(), 1e-6)
        if err > tol:
            sys.exit("%s at batch %d: relative error %g" % (name, batch, err))
    print("%s: batches %s ok" % (name, " ".join(map(str, BATCHES))))


def shared_batch_model(folder):
    """y = Gemm(x, W) + z: x [batch, 3], z [batch, 2] share `batch`."""
    w = numpy_helper.from_array(
        np.arange(6, dtype=np.float32).reshape(3, 2), "w")
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w"], ["t"], name="gemm"),
         helper.make_node("Add", ["t", "z"], ["y"], name="add")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, ["batch", 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])],
        [w])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(folder, "shared.onnx")
    onnx.save(model, path)
    return path, numpy_helper.to_array(w)


def check_shared(folder):
    path, w = shared_batch_model(folder)
    lib = os.path.join(folder, "shared.so")
    compile_model(path, lib)
    rng = np.random.default_rng(2)
    for batch in BATCHES:
        x = rng.standard_normal((batch, 3), dtype=np.float32)
        z = rng.standard_normal((batch, 2), dtype=np.float32)
        outputs, error = run(lib, os.path.join(folder, "shared"), [x, z])
        if error:
            sys.exit("shared at batch %d: %s" % (batch, error))
        if not np.allclose(outputs[0], x @ w + z, rtol=1e-5, atol=1e-5):
            sys.exit("shared at batch %d: wrong values" % batch)
    print("shared: batches %s ok" % " ".join(map(str, BATCHES)))
    # Errors the runtime reports, one line each.
    bad = [("mismatch", [np.zeros((4, 3), np.float32),
                         np.zeros((3, 2), np.float32)]),
           ("rank", [np.zeros((4, 3, 1), np.float32),
                     np.zeros((4, 2), np.float32)])]
    for what, arrays in bad:
        outputs, error = run(lib, os.path.join(folder, what), arrays)
        if outputs is not None or "\n" in error:
            sys.exit("%s: expected a one-line error, got %r" % (what, error))
        print("%s: %s" % (what, error))


def check_layernorm(folder):
    """LayerNormalization over the last two axes of [batch, seq, 3, 4]
    (ONNX's operator, opset 17), both leading dims symbolic, against
    NumPy."""
    rng = np.random.default_rng(3)
    scale = rng.standard_normal((3, 4), dtype=np.float32)
    bias = rng.standard_normal((3, 4), dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"],
                          name="ln", axis=2, epsilon=1e-3)], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["batch", "seq", 3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       ["batch", "seq", 3, 4])],
        [numpy_helper.from_array(scale, "s"),
         numpy_helper.from_array(bias, "b")])
    lib = compile_graph(graph, 17, folder, "layernorm")
    for batch, seq in zip(BATCHES, (5, 1, 3)):
        x = rng.standard_normal((batch, seq, 3, 4), dtype=np.float32)
        outputs, error = run(lib, os.path.join(folder, "layernorm"), [x])
        if error:
            sys.exit("layernorm at %dx%d: %s" % (batch, seq, error))
        rows = x.reshape(batch, seq, 12).astype(np.float64)
        norm = (rows - rows.mean(-1, keepdims=True)) / np.sqrt(
            rows.var(-1, keepdims=True) + 1e-3)
        expected = norm.reshape(x.shape) * scale + bias
        if not np.allclose(outputs[0], expected, rtol=1e-5, atol=1e-5):
            sys.exit("layernorm at %dx%d: wrong values" % (batch, seq))
    print("layernorm: batches %s ok" % " ".join(map(str, BATCHES)))


def check_batchnorm(folder):
    """Two BatchNormalizations over [batch, 3, 5] (no convolution to fold
    into): one of constant statistics (a scale-shift), one whose scale is an
    input (the library primitive), against NumPy."""
    rng = np.random.default_rng(4)
    consts = [rng.uniform(0.5, 2, 3).astype(np.float32) for _ in range(4)]
    names = ["s", "b", "m", "v"]
    graph = helper.make_graph(
        [helper.make_node("BatchNormalization", ["x"] + names, ["t"],
                          name="bn1"),
         helper.make_node("BatchNormalization", ["t", "g", "b", "m", "v"],
                          ["y"], name="bn2", epsilon=1e-3)], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["batch", 3, 5]),
         helper.make_tensor_value_info("g", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       ["batch", 3, 5])],
        [numpy_helper.from_array(c, n) for c, n in zip(consts, names)])
    lib = compile_graph(graph, 15, folder, "batchnorm")
    s, b, m, v = (c[:, None].astype(np.float64) for c in consts)
    for batch in BATCHES:
        x = rng.standard_normal((batch, 3, 5), dtype=np.float32)
        g = rng.standard_normal(3, dtype=np.float32)
        outputs, error = run(lib, os.path.join(folder, "batchnorm"), [x, g])
        if error:
            sys.exit("batchnorm at batch %d: %s" % (batch, error))
        t = (x - m) / np.sqrt(v + 1e-5) * s + b
        expected = (t - m) / np.sqrt(v + 1e-3) * g[:, None] + b
        if not np.allclose(outputs[0], expected, rtol=1e-5, atol=1e-5):
            sys.exit("batchnorm at batch %d: wrong values" % batch)
    print("batchnorm: batches %s ok" % " ".join(map(str, BATCHES)))


def main():
    folder, names = sys.argv[1], sys.argv[2:] or ["mlp", "shared",
                                                  "layernorm", "batchnorm"]
    for name in names:
        if name == "shared":
            check_shared(folder)
        elif name == "layernorm":
            check_layernorm(folder)
        elif name == "batchnorm":
            check_batchnorm(folder)
        else:
            check_torch(name, folder, 1e-5 if name == "mlp" else 1e-4)
    return 0


if __name__ == "__main__":
    sys.exit(main())
