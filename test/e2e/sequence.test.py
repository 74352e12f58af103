"""The model and input folders of sequence.test, and the check of its
outputs against numpy.

Usage: sequence.test.py DIR          writes DIR/model.onnx and DIR/{a,b,c}
       sequence.test.py DIR check    compares DIR/{a,b,c}/out
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

root = sys.argv[1]
FLOAT = TensorProto.FLOAT


def seq_type(shape):
    return helper.make_sequence_type_proto(
        helper.make_tensor_type_proto(FLOAT, shape))


def make_model():
    """xs: a sequence of [n, 3] tensors; y [2, 3]; k: where y goes.
    cat = concat(insert(xs, y, k)) along 0; parts = cat split in parts of
    2 rows (the last may be 1); n = len(parts); opt = Optional(parts);
    squares = SequenceMap(x * x) over xs."""
    body = helper.make_graph(
        [helper.make_node("Mul", ["e", "e"], ["sq"])], "square",
        [helper.make_tensor_value_info("e", FLOAT, ["n", 3])],
        [helper.make_tensor_value_info("sq", FLOAT, ["n", 3])])
    nodes = [
        helper.make_node("SequenceInsert", ["xs", "y", "k"], ["s"]),
        helper.make_node("ConcatFromSequence", ["s"], ["cat"], axis=0),
        helper.make_node("Constant", [], ["two"], value_int=2),
        helper.make_node("SplitToSequence", ["cat", "two"], ["parts"]),
        helper.make_node("SequenceLength", ["parts"], ["n"]),
        helper.make_node("Optional", ["parts"], ["opt"]),
        helper.make_node("SequenceMap", ["xs"], ["squares"], body=body),
    ]
    graph = helper.make_graph(nodes, "seq", [
        helper.make_value_info("xs", seq_type(["n", 3])),
        helper.make_tensor_value_info("y", FLOAT, [2, 3]),
        helper.make_tensor_value_info("k", TensorProto.INT64, []),
    ], [
        helper.make_tensor_value_info("cat", FLOAT, ["rows", 3]),
        helper.make_value_info("parts", seq_type([None, 3])),
        helper.make_tensor_value_info("n", TensorProto.INT64, []),
        helper.make_value_info("opt", helper.make_optional_type_proto(
            seq_type([None, 3]))),
        helper.make_value_info("squares", seq_type(["n", 3])),
    ])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(root, "model.onnx"))


rng = np.random.default_rng(0)
cases = {
    "a": ([rng.standard_normal((1, 3), np.float32),
           rng.standard_normal((2, 3), np.float32)], 1),
    "b": ([rng.standard_normal((1, 3), np.float32),
           rng.standard_normal((2, 3), np.float32)], 1),
    "c": ([rng.standard_normal((3, 3), np.float32)], 0),
}
y = rng.standard_normal((2, 3), np.float32)


def read(path, kind):
    with open(path, "rb") as f:
        data = f.read()
    if kind == "tensor":
        return numpy_helper.to_array(onnx.load_tensor_from_string(data))
    if kind == "sequence":
        proto = onnx.SequenceProto()
        proto.ParseFromString(data)
        return numpy_helper.to_list(proto)
    proto = onnx.OptionalProto()
    proto.ParseFromString(data)
    assert proto.elem_type == onnx.OptionalProto.SEQUENCE, proto.elem_type
    return numpy_helper.to_list(proto.sequence_value)


def expect_equal(name, actual, expected):
    if isinstance(expected, list):
        assert len(actual) == len(expected), (name, len(actual))
        for a, e in zip(actual, expected):
            expect_equal(name, a, e)
        return
    assert actual.shape == expected.shape, (name, actual.shape, expected.shape)
    assert np.allclose(actual, expected, rtol=1e-6, atol=0), name


if len(sys.argv) < 3:
    make_model()
for name, (xs, k) in cases.items():
    folder = os.path.join(root, name)
    if len(sys.argv) < 3:
        os.makedirs(folder, exist_ok=True)
        values = [numpy_helper.from_list(xs, "xs"),
                  numpy_helper.from_array(y, "y"),
                  numpy_helper.from_array(np.array(k, np.int64), "k")]
        for i, value in enumerate(values):
            with open(os.path.join(folder, f"input_{i}.pb"), "wb") as f:
                f.write(value.SerializeToString())
        continue
    cat = np.concatenate(xs[:k] + [y] + xs[k:], axis=0)
    parts = [cat[i:i + 2] for i in range(0, len(cat), 2)]
    out = os.path.join(folder, "out")
    expect_equal("cat", read(os.path.join(out, "output_0.pb"), "tensor"), cat)
    expect_equal("parts", read(os.path.join(out, "output_1.pb"), "sequence"),
                 parts)
    assert read(os.path.join(out, "output_2.pb"), "tensor") == len(parts)
    expect_equal("opt", read(os.path.join(out, "output_3.pb"), "optional"),
                 parts)
    expect_equal("squares", read(os.path.join(out, "output_4.pb"), "sequence"),
                 [x * x for x in xs])
    print(name, "ok")
