#!/usr/bin/env python3
"""Regenerates the binary ONNX inputs of the importer tests (python3-onnx).

Run from this folder: python3 make_inputs.py
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(graph, name, opset=13):
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)],
        producer_name="aic-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name)


def raw_data_model():
    """Initializers in raw_data, of every element type the importer maps,
    small (inline) and large (dense_resource) ones."""
    rng = np.random.default_rng(0)
    inits = [
        numpy_helper.from_array(
            rng.standard_normal((8, 16)).astype(np.float32), "fc.weight"),
        numpy_helper.from_array(
            np.arange(4, dtype=np.float16), "half"),
        numpy_helper.from_array(
            np.arange(3, dtype=np.float64), "dbl"),
        numpy_helper.from_array(
            np.array([-1, 2, -3], dtype=np.int8), "i8"),
        numpy_helper.from_array(
            np.array([1, 0, 1], dtype=np.bool_), "flags"),
        numpy_helper.from_array(
            np.arange(100, dtype=np.int32), "ids"),
    ]
    outputs = [helper.make_tensor_value_info(t.name, t.data_type, t.dims)
               for t in inits[1:]]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])
    node = helper.make_node("Gemm", ["x", "fc.weight"], ["y"], name="fc",
                            transB=1)
    save(helper.make_graph([node], "raw", [x], [y] + outputs, inits),
         "raw_data.onnx")


def typed_fields_model():
    """16-bit floats and small integers in the typed fields (int32_data),
    and large initializers whose names need sanitizing to become blob keys."""
    big = np.arange(65, dtype=np.float32)
    inits = [
        helper.make_tensor("half", TensorProto.FLOAT16, [2],
                           np.array([1.0, -2.0], np.float16)),
        helper.make_tensor("bf", TensorProto.BFLOAT16, [1], [1.5]),
        helper.make_tensor("u8", TensorProto.UINT8, [2], [0, 255]),
        helper.make_tensor("conv/w:0", TensorProto.FLOAT, [65], big),
        helper.make_tensor("conv_w_0", TensorProto.FLOAT, [65], big),
        helper.make_tensor("0bias", TensorProto.FLOAT, [65], big),
    ]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [65])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [65])
    nodes = [
        helper.make_node("Add", ["x", "conv/w:0"], ["s"]),
        helper.make_node("Add", ["s", "conv_w_0"], ["t"]),
        helper.make_node("Add", ["t", "0bias"], ["y"]),
    ]
    outputs = [y] + [helper.make_tensor_value_info(t.name, t.data_type, t.dims)
                     for t in inits[:3]]
    save(helper.make_graph(nodes, "typed", [x], outputs, inits),
         "typed_fields.onnx")


def named_node_model():
    """An unsupported operator on a named node (ONNX text cannot name
    nodes)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])
    y = helper.make_tensor_value_info("y", TensorProto.INT32, [1, 1])
    node = helper.make_node("Multinomial", ["x"], ["y"], name="block1/act")
    save(helper.make_graph([node], "named", [x], [y]), "named_node.onnx")


def external_model(name, location, data_file=None):
    """A Gemm whose weight lives in an external file."""
    w = np.arange(8 * 16, dtype=np.float32).reshape(8, 16)
    tensor = TensorProto(name="w", data_type=TensorProto.FLOAT,
                         dims=w.shape)
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"),
                       ("length", str(w.nbytes))):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    if data_file:
        w.tofile(data_file)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])
    node = helper.make_node("Gemm", ["x", "w"], ["y"], name="fc", transB=1)
    model = helper.make_model(
        helper.make_graph([node], "ext", [x], [y], [tensor]),
        opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    with open(name, "wb") as f:
        f.write(model.SerializeToString())


raw_data_model()
typed_fields_model()
named_node_model()
external_model("external.onnx", "external.bin", "external.bin")
external_model("external_escape.onnx", "../external.bin")
external_model("external_absolute.onnx", "/etc/passwd")
