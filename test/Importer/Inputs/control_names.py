"""Writes models whose names contain newlines and other control characters
(ONNX allows any string) into the folder given as argv[1]; names.test
checks that every error about them is one line with the names escaped."""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def model(nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


f = TensorProto.FLOAT
# A node named with a newline and a tab whose input name has a newline and a
# \x01; the Gemm's inner dims disagree (an importer error naming both).
save(model([helper.make_node("Gemm", ["a\nb\x01", "w"], ["y"], name="line1\nline2\tend")],
           [helper.make_tensor_value_info("a\nb\x01", f, [2, 3]),
            helper.make_tensor_value_info("w", f, [4, 5])],
           [helper.make_tensor_value_info("y", f, [2, 5])]),
     os.path.join(out, "node.onnx"))
# A graph input with a newline in its name over the size limit (an error at
# the input's own location).
save(model([helper.make_node("Relu", ["x\ny"], ["z"])],
           [helper.make_tensor_value_info("x\ny", f, [1 << 40])],
           [helper.make_tensor_value_info("z", f, [1 << 40])]),
     os.path.join(out, "input.onnx"))
# A dangling name with a carriage return (ONNX's checker's error).
save(model([helper.make_node("Relu", ["missing\r\nname"], ["z"])],
           [],
           [helper.make_tensor_value_info("z", f, [1])]),
     os.path.join(out, "dangling.onnx"))
# A model that compiles, with an input named with a newline, and an input
# file of the wrong shape for aic-run (a runtime-side error naming it).
save(model([helper.make_node("Relu", ["in\nput"], ["z"])],
           [helper.make_tensor_value_info("in\nput", f, [2])],
           [helper.make_tensor_value_info("z", f, [2])]),
     os.path.join(out, "run.onnx"))
os.makedirs(os.path.join(out, "in"), exist_ok=True)
with open(os.path.join(out, "in", "input_0.pb"), "wb") as pb:
    pb.write(numpy_helper.from_array(np.zeros(3, np.float32), "in\nput").SerializeToString())
