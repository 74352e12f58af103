#!/usr/bin/env python3
"""Builds OUTDIR/model/ with one model per external-data case (see
external-data.test): the weight of a Gemm lives in a file beside the model,
reached in a legitimate way or in one of the ways aic must refuse.

Usage: external_data_cases.py OUTDIR
"""
import os
import shutil
import socket
import stat
import sys

import numpy as np
from onnx import TensorProto, helper

out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True)
folder = os.path.join(out, "model")
os.makedirs(os.path.join(folder, "data"))

w = np.arange(8 * 16, dtype=np.float32).reshape(8, 16)
w.tofile(os.path.join(folder, "data", "w.bin"))
w.tofile(os.path.join(out, "outside.bin"))


def model(case, location, offset=0, length=w.nbytes):
    tensor = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=w.shape)
    tensor.data_location = TensorProto.EXTERNAL
    entries = [("location", location), ("offset", str(offset))]
    if length is not None:
        entries.append(("length", str(length)))
    for key, value in entries:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])
    node = helper.make_node("Gemm", ["x", "w"], ["y"], name="fc", transB=1)
    m = helper.make_model(
        helper.make_graph([node], "ext", [x], [y], [tensor]),
        opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    with open(os.path.join(folder, case + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())


model("ok", "data/w.bin")
model("ok_nolength", "./data/w.bin", length=None)
model("missing", "data/nothere.bin")
model("directory", "data")
os.symlink("data/w.bin", os.path.join(folder, "link.bin"))
model("symlink_file", "link.bin")
os.symlink("data", os.path.join(folder, "linkdir"))
model("symlink_dir", "linkdir/w.bin")
os.link(os.path.join(out, "outside.bin"), os.path.join(folder, "hard.bin"))
model("hardlink", "hard.bin")
os.mkfifo(os.path.join(folder, "fifo.bin"))
model("fifo", "fifo.bin")
try:  # A character device like /dev/null (needs root).
    os.mknod(os.path.join(folder, "dev.bin"), stat.S_IFCHR | 0o600,
             os.makedev(1, 3))
except PermissionError:  # Still not a regular file.
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(os.path.join(folder, "dev.bin"))
model("device", "dev.bin")
model("offset_outside", "data/w.bin", offset=w.nbytes + 1)
model("range_outside", "data/w.bin", offset=8)
model("length_mismatch", "data/w.bin", length=16)
model("bad_offset", "data/w.bin", offset=-4)
model("not_a_dir", "data/w.bin/x")
