#!/usr/bin/python3
"""Exports the two encoder styles of transformer.test into OUT/NAME/
(model.onnx, test_data_set_0 with PyTorch's output), seeded, opset 13:
  torch  nn.TransformerEncoderLayer (fused in_proj, erf GELU, batch_first),
         token Embedding + learned positions, 2 layers, d 32, 4 heads;
  hf     BERT as Hugging Face writes it: separate Q, K, V Linears, scores /
         sqrt(d) plus an additive padding mask, tanh GELU, LayerNorm with
         eps 1e-12, 2 layers, d 32, 4 heads;
  window Swin's window attention (64 tokens in four windows of 16, a
         relative position bias per head added to every window's scores).
LayerNorm weights and biases are random, so their folding is checked too.
"""
import math
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn


class HFLayer(nn.Module):
    def __init__(self, d=32, heads=4, ffn=64):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln1 = nn.LayerNorm(d, eps=1e-12)
        self.f1, self.f2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
        self.ln2 = nn.LayerNorm(d, eps=1e-12)

    def split(self, x):
        b, n, d = x.size()
        return x.view(b, n, self.heads, d // self.heads).permute(0, 2, 1, 3)

    def forward(self, x, mask):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.size(-1)) + mask
        ctx = torch.matmul(scores.softmax(-1), v).permute(0, 2, 1, 3).contiguous()
        x = self.ln1(self.o(ctx.view(ctx.size(0), ctx.size(1), -1)) + x)
        h = self.f1(x)
        h = 0.5 * h * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (h + 0.044715 * torch.pow(h, 3.0))))
        return self.ln2(self.f2(h) + x)


class HF(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 32)
        self.layers = nn.ModuleList(HFLayer() for _ in range(2))

    def forward(self, ids):
        mask = (1.0 - (ids > 0).float()[:, None, None, :]) * -10000.0
        x = self.embedding(ids)
        for layer in self.layers:
            x = layer(x, mask)
        return x


class Torch(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 32)
        self.position = nn.Parameter(torch.randn(1, 16, 32) * 0.02)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, activation="gelu",
                                       batch_first=True) for _ in range(2))

    def forward(self, ids):
        x = self.embedding(ids) + self.position
        for layer in self.layers:
            x = layer(x)
        return x


class Window(nn.Module):
    """Swin's window attention: an 8x8 image of tokens in four 4x4 windows,
    a learned relative position bias (heads x 16 x 16) added to the scores
    of every window."""

    def __init__(self, d=32, heads=4, window=4):
        super().__init__()
        self.heads, self.window = heads, window
        self.embedding = nn.Embedding(100, d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.bias = nn.Parameter(torch.randn(heads, window * window, window * window))

    def forward(self, ids):
        w, h = self.window, self.heads
        x = self.embedding(ids).view(1, 8 // w, w, 8 // w, w, -1)
        x = x.permute(0, 1, 3, 2, 4, 5).reshape(-1, w * w, x.size(-1))
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, h, d // h).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = (q * (d // h) ** -0.5) @ k.transpose(-2, -1) + self.bias.unsqueeze(0)
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        return self.proj(ctx)


def main():
    out = sys.argv[1]
    for name, cls in (("torch", Torch), ("hf", HF), ("window", Window)):
        torch.manual_seed(0)
        model = cls().eval()
        for m in model.modules():
            if isinstance(m, nn.LayerNorm):
                nn.init.normal_(m.weight, 1.0, 0.1)
                nn.init.normal_(m.bias, 0.0, 0.1)
        tokens = 64 if cls is Window else 16
        ids = torch.from_numpy(np.random.default_rng(0).integers(1, 100, (1, tokens)))
        ids[0, -3:] = 0
        folder = os.path.join(out, name)
        os.makedirs(os.path.join(folder, "test_data_set_0"), exist_ok=True)
        # With gradients enabled: nn.TransformerEncoderLayer's no_grad fast
        # path cannot be exported.
        y = model(ids).detach()
        torch.onnx.export(model, (ids,), os.path.join(folder, "model.onnx"),
                          opset_version=13, input_names=["ids"], output_names=["y"])
        onnx.save_tensor(numpy_helper.from_array(ids.numpy(), "ids"),
                         os.path.join(folder, "test_data_set_0", "input_0.pb"))
        onnx.save_tensor(numpy_helper.from_array(y.numpy(), "y"),
                         os.path.join(folder, "test_data_set_0", "output_0.pb"))


if __name__ == "__main__":
    main()
