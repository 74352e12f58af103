#!/usr/bin/python3
"""Exports two encoders with a symbolic batch and sequence (dynamic_axes)
into OUT/NAME/model.onnx, with test data sets OUT/NAME/set_B_S for several
(batch, sequence) pairs holding PyTorch's output, and OUT/rank with token ids
of the wrong rank; seeded, opset 13:
  hf     the Hugging Face style encoder of transformer.test.py (padding
         mask, separate Q/K/V projections, tanh GELU, LayerNorm);
  torch  token Embedding and two nn.TransformerEncoderLayer (fused in_proj,
         erf GELU, batch_first), whose attention PyTorch exports sequence
         first with the heads folded into the batch (batch*heads dims);
  pos    torch's with learned positions of at most 48 tokens in front, both
         ways exporters write them: a parameter sliced to the sequence
         (`pos[:, :seq]`) and a position-id buffer sliced likewise and
         looked up in an Embedding (Hugging Face's); OUT/pos/long holds ids
         of 50 tokens, more than the positions, which PyTorch refuses too.
"""
import importlib.util
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

SHAPES = ((1, 5), (3, 16), (2, 40))


def load_encoders():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "transformer.test.py")
    spec = importlib.util.spec_from_file_location("encoders", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Torch(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 32)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0,
                                       activation="gelu", batch_first=True)
            for _ in range(2))

    def forward(self, ids):
        x = self.embedding(ids)
        for layer in self.layers:
            x = layer(x)
        return x


class Positions(Torch):
    def __init__(self, tokens=48):
        super().__init__()
        self.pos = nn.Parameter(torch.randn(1, tokens, 32) * 0.1)
        self.register_buffer("position_ids", torch.arange(tokens)[None])
        self.position = nn.Embedding(tokens, 32)
        self.norm = nn.LayerNorm(32)

    def forward(self, ids):
        seq = ids.shape[1]
        x = self.embedding(ids) + self.pos[:, :seq]
        x = self.norm(x + self.position(self.position_ids[:, :seq]))
        for layer in self.layers:
            x = layer(x)
        return x


def export(model, folder, padding):
    os.makedirs(folder, exist_ok=True)
    ids = torch.from_numpy(np.random.default_rng(0).integers(1, 100, (2, 8)))
    # With gradients enabled: nn.TransformerEncoderLayer's no_grad fast
    # path cannot be exported.
    torch.onnx.export(model, (ids,), os.path.join(folder, "model.onnx"),
                      opset_version=13, input_names=["ids"],
                      output_names=["y"],
                      dynamic_axes={"ids": {0: "batch", 1: "seq"},
                                    "y": {0: "batch", 1: "seq"}})
    for batch, seq in SHAPES:
        rng = np.random.default_rng(batch * 100 + seq)
        ids = torch.from_numpy(rng.integers(1, 100, (batch, seq)))
        if padding:
            # Padding at the end of every row but the first.
            ids[1:, seq - 2:] = 0
        y = model(ids).detach().numpy()
        data = os.path.join(folder, "set_%d_%d" % (batch, seq))
        os.makedirs(data, exist_ok=True)
        onnx.save_tensor(numpy_helper.from_array(ids.numpy(), "ids"),
                         os.path.join(data, "input_0.pb"))
        onnx.save_tensor(numpy_helper.from_array(y, "y"),
                         os.path.join(data, "output_0.pb"))


def main():
    out = sys.argv[1]
    torch.manual_seed(0)
    export(load_encoders().HF().eval(), os.path.join(out, "hf"), True)
    torch.manual_seed(0)
    export(Torch().eval(), os.path.join(out, "torch"), False)
    torch.manual_seed(0)
    export(Positions().eval(), os.path.join(out, "pos"), False)
    folder = os.path.join(out, "pos", "long")
    os.makedirs(folder, exist_ok=True)
    onnx.save_tensor(numpy_helper.from_array(np.ones((1, 50), np.int64),
                                             "ids"),
                     os.path.join(folder, "input_0.pb"))
    folder = os.path.join(out, "rank")
    os.makedirs(folder, exist_ok=True)
    onnx.save_tensor(numpy_helper.from_array(np.ones((1, 5, 1), np.int64),
                                             "ids"),
                     os.path.join(folder, "input_0.pb"))


if __name__ == "__main__":
    main()
