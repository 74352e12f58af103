"""Exports a model of two convolution chains that aic-tile-conv-chains runs
strip by strip, with a seeded input and PyTorch's output for it.

  conv-strips.test.py OUTDIR

Chain 1 (1x8x131x67): a 1x1 expansion to 96 channels with ReLU6, a
depthwise 3x3 with dilation 2, and a 1x1 projection back to 8 channels
plus a 1x1 convolution of the block's input (a residual add, the
projection's post-op, sliced with its strips). Chain 2: a 5x5 convolution with
stride 2 and padding (2, 1) to 512 channels, then a 1x1 to 8. Heights and
widths are odd, so strips end unevenly and paddings differ per side.
"""
import os
import sys

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from onnx import numpy_helper


class Chains(nn.Module):
    def __init__(self):
        super().__init__()
        self.expand = nn.Conv2d(8, 96, 1)
        self.depthwise = nn.Conv2d(96, 96, 3, padding=2, dilation=2, groups=96)
        self.project = nn.Conv2d(96, 8, 1)
        self.skip = nn.Conv2d(8, 8, 1)
        self.wide = nn.Conv2d(8, 512, 5, stride=2, padding=(2, 1))
        self.narrow = nn.Conv2d(512, 8, 1)

    def forward(self, x):
        y = F.relu6(self.expand(x))
        y = F.relu6(self.depthwise(y))
        y = self.project(y) + torch.relu(self.skip(x))
        return self.narrow(torch.relu(self.wide(y)))


out = sys.argv[1]
torch.manual_seed(0)
model = Chains().eval()
x = torch.randn(1, 8, 131, 67)
with torch.no_grad():
    y = model(x)
os.makedirs(os.path.join(out, "test_data_set_0"), exist_ok=True)
torch.onnx.export(model, x, os.path.join(out, "model.onnx"), opset_version=13,
                  input_names=["x"], output_names=["y"])
for name, a in [("input_0", x), ("output_0", y)]:
    with open(os.path.join(out, "test_data_set_0", name + ".pb"), "wb") as f:
        f.write(numpy_helper.from_array(a.numpy()).SerializeToString())
