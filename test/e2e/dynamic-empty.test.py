"""Empty tensors at run time (dims of 0) through models with symbolic dims,
compiled once and run against PyTorch (see dynamic-empty.test).
Usage: dynamic-empty.test.py WORKDIR; runs aic-compile and aic-run from
PATH."""

import os
import subprocess
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

WIDTH, HEADS = 32, 4


class CachedAttention(nn.Module):
    """One attention step of a decoder with a KV cache: the keys and values
    of the new tokens are appended to the past ones (Concat along the
    cache's length), which the first step passes empty."""

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
        self.out = nn.Linear(WIDTH, WIDTH)

    def forward(self, x, past_k, past_v):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2)
                   for z in (q, k, v))
        k = torch.cat((past_k, k), 2)
        v = torch.cat((past_v, v), 2)
        att = torch.softmax(q @ k.transpose(-1, -2) / (c // HEADS) ** 0.5, -1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        return self.out(y), k, v


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
                                  nn.MaxPool2d(2), nn.Conv2d(8, 8, 3),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(8, 5))

    def forward(self, x):
        return torch.softmax(self.body(x), -1)


def compile_torch(model, example, names, axes, folder, name):
    path = os.path.join(folder, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, example, path, opset_version=13,
                          input_names=names[0], output_names=names[1],
                          dynamic_axes=axes)
    lib = os.path.join(folder, name + ".so")
    subprocess.run(["aic-compile", path, "-o", lib], check=True)
    return lib


def run(lib, folder, arrays, count):
    """aic-run's outputs for `arrays`, or its one-line error."""
    data = os.path.join(folder, "data-%d" % len(arrays))
    os.makedirs(data, exist_ok=True)
    for i, a in enumerate(arrays):
        with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())
    out = os.path.join(folder, "out")
    proc = subprocess.run(["aic-run", lib, "--inputs", data, "--outputs", out],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return None, proc.stderr.strip()
    return [numpy_helper.to_array(onnx.load_tensor(
        os.path.join(out, "output_%d.pb" % i))) for i in range(count)], None


def check(name, lib, folder, model, cases):
    """Runs each case (a tuple of inputs) against `model`: same shapes,
    values within 1e-5 of the largest."""
    done = []
    for arrays in cases:
        with torch.no_grad():
            expected = model(*(torch.from_numpy(a) for a in arrays))
        if isinstance(expected, torch.Tensor):
            expected = (expected,)
        expected = [e.numpy() for e in expected]
        got, error = run(lib, folder, arrays, len(expected))
        label = "x".join(str(d) for d in arrays[0].shape)
        if error:
            print("%s: %s fails: %s" % (name, label, error))
            return
        for g, e in zip(got, expected):
            if g.shape != e.shape:
                print("%s: %s gives shape %s, PyTorch %s"
                      % (name, label, g.shape, e.shape))
                return
            scale = max(float(np.abs(e).max()) if e.size else 0.0, 1.0)
            if e.size and np.abs(g - e).max() > 1e-5 * scale:
                print("%s: %s differs by %g" % (name, label,
                                                  np.abs(g - e).max()))
                return
        done.append(label)
    print("%s: %s ok" % (name, " ".join(done)))


def main():
    folder = sys.argv[1]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    dh = WIDTH // HEADS

    attention = CachedAttention().eval()
    example = (torch.zeros(1, 3, WIDTH), torch.zeros(1, HEADS, 2, dh),
               torch.zeros(1, HEADS, 2, dh))
    axes = {"x": {0: "B", 1: "T"}, "past_k": {0: "B", 2: "P"},
            "past_v": {0: "B", 2: "P"}, "y": {0: "B", 1: "T"},
            "k": {0: "B", 2: "L"}, "v": {0: "B", 2: "L"}}
    lib = compile_torch(attention, example,
                        (["x", "past_k", "past_v"], ["y", "k", "v"]), axes,
                        folder, "attention")
    cases = []
    # (batch, new tokens, past tokens): an empty cache (the first step), a
    # step without new tokens, an empty batch.
    for b, t, p in ((2, 3, 4), (1, 5, 0), (2, 1, 0), (2, 0, 3), (0, 2, 3),
                    (0, 0, 0)):
        cases.append((rng.standard_normal((b, t, WIDTH), dtype=np.float32),
                      rng.standard_normal((b, HEADS, p, dh), dtype=np.float32),
                      rng.standard_normal((b, HEADS, p, dh), dtype=np.float32)))
    check("attention", lib, folder, attention, cases)

    cnn = SmallCnn().eval()
    lib = compile_torch(cnn, (torch.zeros(1, 3, 12, 12),),
                        (["x"], ["y"]), {"x": {0: "N"}, "y": {0: "N"}},
                        folder, "cnn")
    check("cnn", lib, folder, cnn,
          [(rng.standard_normal((n, 3, 12, 12), dtype=np.float32),)
           for n in (2, 0, 1)])

    check_empty_contraction(folder)


def check_empty_contraction(folder):
    """A MatMul whose contracted dim is 0 has a result of zeros, which
    aic does not compute yet: the run fails with one line."""
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")], "g",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, "K"]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, ["K", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = os.path.join(folder, "contraction.onnx")
    onnx.save(model, path)
    lib = os.path.join(folder, "contraction.so")
    subprocess.run(["aic-compile", path, "-o", lib], check=True)
    for k in (4, 0):
        got, error = run(lib, folder, [np.ones((2, k), np.float32),
                                       np.ones((k, 3), np.float32)], 1)
        print("contraction: K=%d %s" % (k, error or "ok: %s" % got[0][0, 0]))


if __name__ == "__main__":
    main()
