"""One ONNX graph compiled and run with aic-compile and aic-run from PATH,
for the e2e tests that check many small graphs against numpy."""

import os
import subprocess

import onnx
from onnx import helper, numpy_helper


def compile_graph(folder, graph, emit, opset=13):
    """Saves `graph` as folder/model.onnx (checked), compiles it to
    folder/model.so and returns the library's path and the IR aic-compile
    prints at --emit=`emit`."""
    os.makedirs(folder, exist_ok=True)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path, lib = (os.path.join(folder, "model.onnx"),
                 os.path.join(folder, "model.so"))
    onnx.save(model, path)
    subprocess.run(["aic-compile", path, "-o", lib], check=True)
    ir = subprocess.run(["aic-compile", path, "--emit=" + emit, "-o", "-"],
                        check=True, capture_output=True, text=True).stdout
    return lib, ir


def run_library(lib, folder, arrays, threads=1):
    """Runs `lib` on `arrays` at `threads` threads; returns output 0."""
    data = os.path.join(folder, "data")
    out = os.path.join(folder, "out%d" % threads)
    os.makedirs(data, exist_ok=True)
    for i, x in enumerate(arrays):
        with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(x).SerializeToString())
    subprocess.run(["aic-run", lib, "--inputs", data, "--outputs", out,
                    "--threads", str(threads)], check=True)
    return numpy_helper.to_array(
        onnx.load_tensor(os.path.join(out, "output_0.pb")))
