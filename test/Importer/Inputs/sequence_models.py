#!/usr/bin/env python3
"""Writes the binary models and value files of sequence-io.test into a folder
(python3-onnx): ONNX's text syntax (1.12) has no sequence or optional types.

Usage: sequence_models.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

FLOAT = TensorProto.FLOAT
seq_f32 = helper.make_sequence_type_proto(
    helper.make_tensor_type_proto(FLOAT, ["N"]))
opt_f32 = helper.make_optional_type_proto(
    helper.make_tensor_type_proto(FLOAT, [3]))
opt_seq_f32 = helper.make_optional_type_proto(
    helper.make_sequence_type_proto(helper.make_tensor_type_proto(FLOAT, None)))


def save(name, nodes, inputs, outputs, opset=17, inits=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)],
        producer_name="aic-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name + ".onnx"))


def write(name, proto):
    with open(os.path.join(out, name), "wb") as f:
        f.write(proto.SerializeToString())


def arange(*shape, dtype=np.float32):
    return np.arange(np.prod(shape), dtype=dtype).reshape(shape)


def info(name, type_proto):
    return helper.make_value_info(name, type_proto)


# A sequence input and output: length, an element, an insertion.
save("seq_io", [
    helper.make_node("SequenceLength", ["xs"], ["n"]),
    helper.make_node("Constant", [], ["one"], value_int=1),
    helper.make_node("SequenceAt", ["xs", "one"], ["a"]),
    helper.make_node("SequenceInsert", ["xs", "t"], ["ys"]),
], [info("xs", seq_f32), helper.make_tensor_value_info("t", FLOAT, [4])],
    [helper.make_tensor_value_info("n", TensorProto.INT64, []),
     helper.make_tensor_value_info("a", FLOAT, ["M"]), info("ys", seq_f32)])
write("xs.pb", numpy_helper.from_list([arange(2), arange(3)], "xs"))
write("xs_empty.pb", numpy_helper.from_list([], "xs"))
write("xs_double.pb",
      numpy_helper.from_list([arange(2, dtype=np.float64)], "xs"))
write("xs_matrix.pb", numpy_helper.from_list([arange(2, 2)], "xs"))

# An optional tensor input and output.
save("opt_io", [
    helper.make_node("OptionalHasElement", ["o"], ["h"]),
    helper.make_node("OptionalGetElement", ["o"], ["y"]),
    helper.make_node("Identity", ["o"], ["p"]),
], [info("o", opt_f32)],
    [helper.make_tensor_value_info("h", TensorProto.BOOL, []),
     helper.make_tensor_value_info("y", FLOAT, [3]), info("p", opt_f32)])
write("o.pb", numpy_helper.from_optional(arange(3), "o"))
write("o_absent.pb", numpy_helper.from_optional(None, "o"))

# An absent optional sequence in and out, and an Optional of a given type.
save("opt_absent", [
    helper.make_node("OptionalHasElement", ["o"], ["h"]),
    helper.make_node("Identity", ["o"], ["p"]),
    helper.make_node(
        "Optional", [], ["e"],
        type=helper.make_sequence_type_proto(
            helper.make_tensor_type_proto(TensorProto.INT64, None))),
    helper.make_node("OptionalHasElement", ["e"], ["he"]),
], [info("o", opt_seq_f32)],
    [helper.make_tensor_value_info("h", TensorProto.BOOL, []),
     info("p", opt_seq_f32),
     helper.make_tensor_value_info("he", TensorProto.BOOL, [])])
write("os_absent.pb", numpy_helper.from_optional(None, "o"))

# SequenceMap: a body with an outer-scope-free Add of a sequence element and
# a tensor, and the element's Shape (a constant per element).
body = helper.make_graph(
    [helper.make_node("Add", ["in0", "in1"], ["out0"]),
     helper.make_node("Shape", ["in0"], ["out1"])], "body",
    [helper.make_tensor_value_info("in0", FLOAT, ["N"]),
     helper.make_tensor_value_info("in1", FLOAT, [1])],
    [helper.make_tensor_value_info("out0", FLOAT, ["N"]),
     helper.make_tensor_value_info("out1", TensorProto.INT64, [1])])
save("seq_map", [
    helper.make_node("SequenceMap", ["xs", "b"], ["ys", "shapes"], body=body),
], [info("xs", seq_f32), helper.make_tensor_value_info("b", FLOAT, [1])],
    [info("ys", seq_f32),
     info("shapes", helper.make_sequence_type_proto(
         helper.make_tensor_type_proto(TensorProto.INT64, [1])))])

# SequenceMap over two sequences, which must have one length.
body2 = helper.make_graph(
    [helper.make_node("Add", ["p", "q"], ["r"])], "body2",
    [helper.make_tensor_value_info("p", FLOAT, ["N"]),
     helper.make_tensor_value_info("q", FLOAT, ["N"])],
    [helper.make_tensor_value_info("r", FLOAT, ["N"])])
save("seq_map2", [
    helper.make_node("SequenceMap", ["xs", "zs"], ["rs"], body=body2),
], [info("xs", seq_f32), info("zs", seq_f32)], [info("rs", seq_f32)])
write("zs.pb", numpy_helper.from_list([arange(2)], "zs"))
