"""Input folders for bfloat16.test, and the check of its outputs."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

root = sys.argv[1]
# bfloat16 bit patterns: 1, -2.5, the largest finite, a NaN, -inf.
bits = np.array([0x3F80, 0xC020, 0x7F7F, 0x7FC0, 0xFF80], np.uint16)
# Floats whose low bits round up to nearest but truncate down, and a NaN
# whose payload is only in the low 16 bits.
f = np.array([0x3EF5EEB0, 0xBF51B0E5, 0x00000001, 0x7F800001, 0x7F7FFFFF],
             np.uint32).view(np.float32)


def bfloat16_tensor(name, raw):
    t = TensorProto(name=name, data_type=TensorProto.BFLOAT16, dims=[5])
    if raw:
        t.raw_data = bits.tobytes()
    else:
        t.int32_data.extend(int(b) for b in bits)
    return t


def write(folder, b):
    with open(os.path.join(root, folder, "input_0.pb"), "wb") as out:
        out.write(b.SerializeToString())
    with open(os.path.join(root, folder, "input_1.pb"), "wb") as out:
        out.write(numpy_helper.from_array(f, "f").SerializeToString())


def check(folder):
    out = os.path.join(root, folder, "out")
    wide = numpy_helper.to_array(onnx.load_tensor(os.path.join(out, "output_0.pb")))
    narrow = onnx.load_tensor(os.path.join(out, "output_1.pb"))
    expected_wide = (bits.astype(np.uint32) << 16).view(np.float32)
    assert wide.dtype == np.float32 and np.array_equal(
        wide.view(np.uint32), expected_wide.view(np.uint32)), (folder, wide)
    assert narrow.data_type == TensorProto.BFLOAT16, narrow.data_type
    got = np.frombuffer(narrow.raw_data, np.uint16)
    expected = np.array([0x3EF5, 0xBF51, 0x0000, 0x7FC0, 0x7F7F], np.uint16)
    assert np.array_equal(got, expected), (folder, [hex(g) for g in got])
    print(f"{folder}: ok")


if len(sys.argv) > 2 and sys.argv[2] == "check":
    for folder in ("int32_data", "raw_data", "uint16"):
        check(folder)
elif len(sys.argv) > 2 and sys.argv[2] == "int16":
    write("int16", numpy_helper.from_array(bits.view(np.int16), "b"))
else:
    write("int32_data", bfloat16_tensor("b", raw=False))
    write("raw_data", bfloat16_tensor("b", raw=True))
    write("uint16", numpy_helper.from_array(bits, "b"))
