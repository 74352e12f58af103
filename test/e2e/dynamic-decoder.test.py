"""GPT-style decoders with a symbolic batch and sequence, compiled once per
opset and run at several shapes against PyTorch (see dynamic-decoder.test).
Usage: dynamic-decoder.test.py WORKDIR; runs aic-compile and aic-run from
PATH."""

import os
import subprocess
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

SHAPES = ((1, 1), (2, 16), (3, 7), (1, 64))
VOCAB, WIDTH, HEADS, MAXLEN = 50, 32, 4, 64


class Block(nn.Module):
    def __init__(self, style):
        super().__init__()
        self.style = style
        self.ln1, self.ln2 = nn.LayerNorm(WIDTH), nn.LayerNorm(WIDTH)
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
        self.proj = nn.Linear(WIDTH, WIDTH)
        self.mlp = nn.Sequential(nn.Linear(WIDTH, 4 * WIDTH),
                                 nn.GELU(approximate="tanh"),
                                 nn.Linear(4 * WIDTH, WIDTH))
        self.register_buffer("bias", torch.tril(
            torch.ones(MAXLEN, MAXLEN)).view(1, 1, MAXLEN, MAXLEN))

    def forward(self, x, pad):
        b, t, c = x.shape
        if self.style == "buffer":
            q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
            q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2)
                       for z in (q, k, v))
            att = q @ k.transpose(-2, -1) * (1.0 / (c // HEADS) ** 0.5)
            att = att.masked_fill(self.bias[:, :, :t, :t] == 0,
                                  float("-inf")) + pad[:, None, None]
        else:
            q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
            q, k, v = (z.reshape(b, t, HEADS, -1).permute(0, 2, 1, 3)
                       for z in (q, k, v))
            causal = torch.triu(torch.full((t, t), float("-inf")),
                                diagonal=1)
            att = q @ k.transpose(-1, -2) / 4.0 + causal + pad[:, None, None]
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.proj(y)
        return x + self.mlp(self.ln2(x))


class Decoder(nn.Module):
    def __init__(self, style):
        super().__init__()
        self.style = style
        self.wte = nn.Embedding(VOCAB, WIDTH)
        self.wpe = nn.Embedding(MAXLEN, WIDTH)
        self.blocks = nn.ModuleList([Block(style), Block(style)])
        self.ln = nn.LayerNorm(WIDTH)

    def forward(self, ids, mask):
        b, t = ids.shape
        pos = torch.arange(t)
        pos = pos.unsqueeze(0) if self.style == "buffer" else pos.expand(b, t)
        x = self.wte(ids) + self.wpe(pos)
        pad = (1.0 - mask.to(torch.float32)) * -10000.0
        for block in self.blocks:
            x = block(x, pad)
        return self.ln(x) @ self.wte.weight.t()


def run(lib, folder, inputs):
    data, out = os.path.join(folder, "data"), os.path.join(folder, "out")
    os.makedirs(data, exist_ok=True)
    for i, x in enumerate(inputs):
        with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(x).SerializeToString())
    result = subprocess.run(["aic-run", lib, "--inputs", data, "--outputs",
                             out], capture_output=True, text=True)
    if result.returncode != 0:
        return None, result.stderr.strip()
    return numpy_helper.to_array(
        onnx.load_tensor(os.path.join(out, "output_0.pb"))), None


def main():
    folder = sys.argv[1]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    for style in ("buffer", "triu"):
        model = Decoder(style).eval()
        # Trilu is opset 14.
        for opset in (13, 17) if style == "buffer" else (14, 17):
            name = "%s%d" % (style, opset)
            path = os.path.join(folder, name + ".onnx")
            example = (torch.zeros(2, 8, dtype=torch.int64),
                       torch.ones(2, 8, dtype=torch.int64))
            torch.onnx.export(
                model, example, path, opset_version=opset,
                input_names=["ids", "mask"], output_names=["logits"],
                dynamic_axes={"ids": {0: "batch", 1: "seq"},
                              "mask": {0: "batch", 1: "seq"},
                              "logits": {0: "batch", 1: "seq"}})
            lib = os.path.join(folder, name + ".so")
            subprocess.run(["aic-compile", path, "-o", lib], check=True)
            for batch, seq in SHAPES:
                ids = rng.integers(0, VOCAB, (batch, seq), dtype=np.int64)
                mask = (rng.random((batch, seq)) > 0.3).astype(np.int64)
                mask[:, 0] = 1
                with torch.no_grad():
                    expected = model(torch.from_numpy(ids),
                                     torch.from_numpy(mask)).numpy()
                y, error = run(lib, os.path.join(
                    folder, "%s-%dx%d" % (name, batch, seq)), [ids, mask])
                if error:
                    sys.exit("%s, %dx%d: %s" % (name, batch, seq, error))
                err = np.abs(y - expected).max() / np.abs(expected).max()
                if y.shape != expected.shape or err > 1e-4:
                    sys.exit("%s, %dx%d: shape %s (expected %s), relative "
                             "error %g" % (name, batch, seq, y.shape,
                                           expected.shape, err))
            print("%s opset %d: %s ok" % (style, opset, " ".join(
                "%dx%d" % shape for shape in SHAPES)))
            ids = np.zeros((1, MAXLEN + 1), dtype=np.int64)
            y, error = run(lib, os.path.join(folder, name + "-long"),
                           [ids, np.ones_like(ids)])
            if error is None or "\n" in error:
                sys.exit("%s: %s" % (name, "ran past the positions"
                                     if error is None else error))
            print("%s opset %d: 1x%d fails: %s" % (style, opset, MAXLEN + 1,
                                                   error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
