"""The model and data of large-model.test: y = Gather(table, idx) with a
600000 x 1024 float table (2.3 GiB) in table.bin beside the model, row r
holding r + column index (exact in float32 up to 2^24).

Usage: large-model.test.py DIR   writes DIR/model.onnx, DIR/table.bin and
                                 DIR/in/{input_0,output_0}.pb
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

root = sys.argv[1]
ROWS, COLS, CHUNK = 600000, 1024, 4096
assert ROWS * COLS * 4 > 2 ** 31

columns = np.arange(COLS, dtype=np.float32)
with open(os.path.join(root, "table.bin"), "wb") as f:
    for start in range(0, ROWS, CHUNK):
        rows = np.arange(start, min(start + CHUNK, ROWS), dtype=np.float32)
        f.write((rows[:, None] + columns[None, :]).tobytes())

table = TensorProto(name="table", data_type=TensorProto.FLOAT,
                    dims=[ROWS, COLS],
                    data_location=TensorProto.EXTERNAL)
for key, value in [("location", "table.bin"), ("offset", "0"),
                   ("length", str(ROWS * COLS * 4))]:
    entry = table.external_data.add()
    entry.key, entry.value = key, value
graph = helper.make_graph(
    [helper.make_node("Gather", ["table", "idx"], ["y"])], "large",
    [helper.make_tensor_value_info("idx", TensorProto.INT64, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, COLS])],
    [table])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, os.path.join(root, "model.onnx"))

idx = np.array([0, ROWS - 1, ROWS // 2 + 1, 4097], dtype=np.int64)
expected = idx.astype(np.float32)[:, None] + columns[None, :]
for name, value in [("input_0.pb", idx), ("output_0.pb", expected)]:
    with open(os.path.join(root, "in", name), "wb") as f:
        f.write(numpy_helper.from_array(value).SerializeToString())
