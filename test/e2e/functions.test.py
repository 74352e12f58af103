"""The model and data of functions.test.

Usage: functions.test.py DIR    writes DIR/model.onnx, DIR/in/input_N.pb and
                                DIR/in/output_N.pb (numpy's results)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

root = sys.argv[1]
FLOAT = TensorProto.FLOAT
OPSETS = [helper.make_opsetid("", 15), helper.make_opsetid("local", 1)]


def ref_attr(name, ref, type_):
    attr = helper.make_attribute(name, 0.0)
    attr.ClearField("f")
    attr.ref_attr_name = ref
    attr.type = type_
    return attr


def make_model():
    # Scaled(a, b; alpha) = (LeakyRelu_alpha(a) * b, a - b)
    leaky = helper.make_node("LeakyRelu", ["a"], ["s"])
    leaky.attribute.append(ref_attr("alpha", "alpha",
                                    onnx.AttributeProto.FLOAT))
    scaled = helper.make_function(
        "local", "Scaled", ["a", "b"], ["c", "d"],
        [leaky, helper.make_node("Mul2", ["s", "b"], ["c"], domain="local"),
         helper.make_node("Sub", ["a", "b"], ["d"])],
        OPSETS, ["alpha"])
    mul2 = helper.make_function(
        "local", "Mul2", ["p", "q"], ["r"],
        [helper.make_node("Mul", ["p", "q"], ["r"])], OPSETS[:1])
    then_graph = helper.make_graph(
        [helper.make_node("Scaled", ["x", "x"], ["o"], domain="local",
                          alpha=0.5)],
        "then", [], [helper.make_tensor_value_info("o", FLOAT, [3, 4])])
    else_graph = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["o2"])], "else", [],
        [helper.make_tensor_value_info("o2", FLOAT, [3, 4])])
    nodes = [
        helper.make_node("Scaled", ["x", "y"], ["z", "w"], domain="local",
                         alpha=2.0),
        helper.make_node("Scaled", ["y", "x"], ["u"], domain="local"),
        helper.make_node("If", ["c"], ["v"], then_branch=then_graph,
                         else_branch=else_graph),
    ]
    graph = helper.make_graph(nodes, "g", [
        helper.make_tensor_value_info("x", FLOAT, [3, 4]),
        helper.make_tensor_value_info("y", FLOAT, [3, 4]),
        helper.make_tensor_value_info("c", TensorProto.BOOL, []),
    ], [
        helper.make_tensor_value_info("z", FLOAT, [3, 4]),
        helper.make_tensor_value_info("u", FLOAT, [3, 4]),
        helper.make_tensor_value_info("v", FLOAT, [3, 4]),
    ])
    model = helper.make_model(graph, opset_imports=OPSETS,
                              functions=[scaled, mul2])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(root, "model.onnx"))


def leaky(a, alpha):
    return np.where(a < 0, a * np.float32(alpha), a)


def write(name, array):
    with open(os.path.join(root, "in", name), "wb") as f:
        f.write(numpy_helper.from_array(array).SerializeToString())


make_model()
rng = np.random.default_rng(0)
x = rng.standard_normal((3, 4)).astype(np.float32)
y = rng.standard_normal((3, 4)).astype(np.float32)
c = np.array(True)
for i, value in enumerate([x, y, c]):
    write(f"input_{i}.pb", value)
outputs = [leaky(x, 2.0) * y, leaky(y, 0.01) * x, leaky(x, 0.5) * x]
for i, value in enumerate(outputs):
    write(f"output_{i}.pb", value.astype(np.float32))
