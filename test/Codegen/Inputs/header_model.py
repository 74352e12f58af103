"""Writes the model of emit-header.test: tensor names that are not C
identifiers, that collide ignoring case, that are keywords; several dtypes
and a scalar.

  header_model.py OUT.onnx
"""
import sys

import onnx
from onnx import TensorProto, helper

inputs = [
    helper.make_tensor_value_info("my-input", TensorProto.FLOAT, [2, 3]),
    helper.make_tensor_value_info("x", TensorProto.INT64, [3]),
    helper.make_tensor_value_info("int", TensorProto.BOOL, []),
    helper.make_tensor_value_info("X", TensorProto.UINT8, [4]),
]
outputs = [
    helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3]),
    helper.make_tensor_value_info("x.out", TensorProto.INT64, [3]),
    helper.make_tensor_value_info("_not", TensorProto.BOOL, []),
    helper.make_tensor_value_info("X2", TensorProto.UINT8, [4]),
]
nodes = [
    helper.make_node("Relu", ["my-input"], ["y"]),
    helper.make_node("Neg", ["x"], ["x.out"]),
    helper.make_node("Not", ["int"], ["_not"]),
    helper.make_node("Identity", ["X"], ["X2"]),
]
graph = helper.make_graph(nodes, "g", inputs, outputs)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
