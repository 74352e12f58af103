#!/usr/bin/python3
"""Writes OUT/NAME.onnx: models the ONNX checker accepts whose tensors or
values make ONNX 1.12's shape inference read out of bounds, divide by zero
or loop (hostile-payloads.test)."""
import os
import sys

import onnx
from onnx import TensorProto, helper

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
F, I64 = TensorProto.FLOAT, TensorProto.INT64


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def vi(name, elem, shape):
    """A value of type `elem` and shape `shape`; an int is a rank (its
    dims unnamed)."""
    if isinstance(shape, int):
        shape = [None] * shape
    return helper.make_tensor_value_info(name, elem, shape)


def raw(name, elem, dims, data):
    t = TensorProto(name=name, data_type=elem, dims=dims)
    t.raw_data = data
    return t


def shape_init(name, values):
    return helper.make_tensor(name, I64, [len(values)], values)


# A raw_data size that is no multiple of the element size, and one below one
# element (ONNX's ParseData overflows the heap or copies to a null pointer).
for name, data in (("raw-odd", bytes(9)), ("raw-short", bytes(1))):
    save(name, [helper.make_node("Reshape", ["x", "shape"], ["y"])],
         [vi("x", F, [2])], [vi("y", F, 1)],
         [raw("shape", I64, [1], data)])

# 2^61 elements declared, 8 bytes given: the expected size, 2^64 bytes,
# overflows 64 bits.
save("raw-huge", [helper.make_node("Reshape", ["x", "shape"], ["y"])],
     [vi("x", F, [2])], [vi("y", F, 1)],
     [raw("shape", I64, [2 ** 61], bytes(8))])

# A scalar holding 1000 values: ONNX reads them all as a 1000-dim shape.
scalar = TensorProto(name="shape", data_type=I64, dims=[])
scalar.int64_data.extend([1] * 1000)
save("scalar-many", [helper.make_node("ConstantOfShape", ["shape"], ["y"])],
     [], [vi("y", F, 1)], [scalar])

# Negative dims in an initializer (GatherND indexed data dims at -3).
save("init-negative-dim",
     [helper.make_node("GatherND", ["data", "indices"], ["y"])],
     [vi("data", F, [2, 3])], [vi("y", F, 1)],
     [raw("indices", I64, [1, -3], bytes(8))])

# A Constant whose value's raw_data is too short.
const = helper.make_node("Constant", [], ["shape"], name="c",
                         value=raw("v", I64, [1], bytes(3)))
save("constant-odd", [const, helper.make_node("Reshape", ["x", "shape"], ["y"])],
     [vi("x", F, [2])], [vi("y", F, 1)])

# strides of 0: the pool's inference divides by them.
save("pool-stride-0",
     [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[1], strides=[0])],
     [vi("x", F, [1, 1, 4])], [vi("y", F, 3)], opset=12)

# Pad by negative pads infers dim -3, which GatherND then indexes with.
save("pad-negative-gathernd",
     [helper.make_node("Pad", ["ids", "pads"], ["idx"]),
      helper.make_node("GatherND", ["data", "idx"], ["y"])],
     [vi("data", F, [2, 3]), vi("ids", I64, [1, 1])], [vi("y", F, 1)],
     [shape_init("pads", [0, 0, 0, -4])])

# A node whose inference fails leaves its output untyped; Shape-15's data
# propagation dereferenced that missing type.
bad = helper.make_node("Concat", ["x"], ["a"], axis=3)
save("untyped-shape15", [bad, helper.make_node("Shape", ["a"], ["s"])],
     [vi("x", F, [2])], [vi("s", I64, 1)], opset=15)

# Slice of a shape value by a step of 2^32: ONNX's propagation loop counter
# (an int) never advances.
save("slice-step-2pow32",
     [helper.make_node("Shape", ["x"], ["s"]),
      helper.make_node("Slice", ["s", "st", "en", "ax", "sp"], ["y"])],
     [vi("x", F, [3])], [vi("y", I64, 1)],
     [shape_init("st", [0]), shape_init("en", [1]), shape_init("ax", [0]),
      shape_init("sp", [1 << 32])])

# Add of the shape of a scalar (an empty value) and a 1-element one:
# ONNX's propagation read the empty one's first dim.
save("add-empty-shape",
     [helper.make_node("Shape", ["c"], ["a"]),
      helper.make_node("Shape", ["v"], ["b"]),
      helper.make_node("Add", ["a", "b"], ["y"])],
     [vi("c", F, []), vi("v", F, [5])], [vi("y", I64, 1)], opset=14)

# MaxUnpool's indices typed without a shape (a Reshape to a shape of unknown
# length): its inference read their dim 1.
save("maxunpool-indices-no-shape",
     [helper.make_node("Reshape", ["ii", "s"], ["i"]),
      helper.make_node("MaxUnpool", ["x", "i"], ["y"], kernel_shape=[2, 2])],
     [vi("x", F, [1, 1, 2, 2]), vi("ii", I64, [4]), vi("s", I64, 1)],
     [vi("y", F, 4)], opset=11)

# blocksize 2^32: its square wraps to 0, which DepthToSpace divides by.
save("depth-to-space-2pow32",
     [helper.make_node("DepthToSpace", ["x"], ["y"], blocksize=1 << 32)],
     [vi("x", F, [1, 4, 2, 2])], [vi("y", F, 4)])
