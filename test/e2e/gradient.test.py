"""The model and data of gradient.test: y = sum-free graph of x, w, b and
c; Gradient with xs = [x, w, b, u] and zs = [c]. The expected gradients
come from torch.autograd on the sum of y's elements.

Usage: gradient.test.py DIR   writes DIR/model.onnx and DIR/in/*.pb
"""
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

root = sys.argv[1]
FLOAT = TensorProto.FLOAT


def make_model():
    n = helper.make_node
    nodes = [
        n("MatMul", ["x", "w"], ["h"]),
        n("Add", ["h", "b"], ["a"]),
        n("Relu", ["a"], ["r"]),
        n("Sigmoid", ["a"], ["s"]),
        n("Tanh", ["r"], ["t"]),
        n("Mul", ["s", "t"], ["m"]),
        n("Exp", ["m"], ["e"]),
        n("Log", ["e"], ["l"]),
        n("Sqrt", ["e"], ["q"]),
        n("Sub", ["l", "c"], ["d"]),
        n("Div", ["q", "d"], ["y0"]),
        n("Neg", ["y0"], ["y"]),
        n("Gradient", ["x", "w", "b", "u", "c"], ["dx", "dw", "db", "du"],
          domain="ai.onnx.preview.training", xs=["x", "w", "b", "u"],
          zs=["c"], y="y"),
    ]
    shapes = {"x": [2, 3], "w": [3, 4], "b": [4], "u": [2], "c": [2, 1]}
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(k, FLOAT, v)
         for k, v in shapes.items()],
        [helper.make_tensor_value_info("y", FLOAT, [2, 4])] +
        [helper.make_tensor_value_info("d" + k, FLOAT, shapes[k])
         for k in ["x", "w", "b", "u"]])
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 15),
        helper.make_opsetid("ai.onnx.preview.training", 1)])
    model.ir_version = 8
    onnx.save(model, os.path.join(root, "model.onnx"))


def write(name, array):
    with open(os.path.join(root, "in", name), "wb") as f:
        f.write(numpy_helper.from_array(
            np.asarray(array, dtype=np.float32)).SerializeToString())


make_model()
rng = np.random.default_rng(0)
values = {
    "x": rng.standard_normal((2, 3)), "w": rng.standard_normal((3, 4)),
    "b": rng.standard_normal(4), "u": rng.standard_normal(2),
    # Keeps log(e) - c away from 0.
    "c": np.array([[5.0], [-4.0]]),
}
t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
     for k, v in values.items()}
a = t["x"] @ t["w"] + t["b"]
m = torch.sigmoid(a) * torch.tanh(torch.relu(a))
e = torch.exp(m)
y = -(torch.sqrt(e) / (torch.log(e) - t["c"]))
y.sum().backward()
for i, k in enumerate(["x", "w", "b", "u", "c"]):
    write(f"input_{i}.pb", values[k])
write("output_0.pb", y.detach().numpy())
for i, k in enumerate(["x", "w", "b"]):
    write(f"output_{i + 1}.pb", t[k].grad.numpy())
write("output_4.pb", np.zeros(2))
