"""Writes the inputs and the outputs of one run of scatter-add.onnxtxt."""
import os
import sys

import numpy as np
from onnx import numpy_helper

out = sys.argv[1]
data = np.array([1, 2, 3, 4], np.float32)
idx = np.array([[2]], np.int64)
upd = np.array([10], np.float32)
grid = np.arange(6, dtype=np.float32).reshape(2, 3)
cols = np.array([[0, 2]], np.int64)
vals = np.array([[100, 200]], np.float32)
y = data.copy()
y[2] += 10
z = grid.copy()
z[0, 0] += 100
z[0, 2] += 200
for i, a in enumerate([data, idx, upd, grid, cols, vals]):
    with open(os.path.join(out, "in", "input_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(a).SerializeToString())
for i, a in enumerate([y, z]):
    with open(os.path.join(out, "want", "output_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(a).SerializeToString())
