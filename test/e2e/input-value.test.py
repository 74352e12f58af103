"""Input folders for input-value.test, and the check of its outputs."""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

root = sys.argv[1]
rng = np.random.default_rng(0)
cases = {
    "a": (rng.standard_normal((4, 6), np.float32), [1, 2], [3, -1]),
    "b": (rng.standard_normal((4, 6), np.float32), [1, 2], [3, -1]),
    "c": (rng.standard_normal((4, 6), np.float32), [0, -3], [4, 6]),
}
for name, (x, starts, ends) in cases.items():
    folder = os.path.join(root, name)
    if len(sys.argv) > 2:
        out = numpy_helper.to_array(
            onnx.load_tensor_from_string(
                open(os.path.join(folder, "out", "output_0.pb"), "rb").read()))
        expected = x[starts[0]:ends[0], starts[1]:ends[1]]
        assert out.shape == expected.shape, (name, out.shape, expected.shape)
        assert np.array_equal(out, expected), name
        continue
    for k, value in enumerate([x, np.array(starts, np.int64),
                               np.array(ends, np.int64)]):
        with open(os.path.join(folder, f"input_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(value).SerializeToString())
