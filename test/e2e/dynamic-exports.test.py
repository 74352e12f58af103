"""PyTorch exports with symbolic dims against PyTorch (see
dynamic-exports.test). Usage: dynamic-exports.test.py WORKDIR; runs
aic-compile and aic-run from PATH."""

import importlib.util
import os
import sys
import warnings

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
# dynamic-batch.test.py's compile and run helpers.
SPEC = importlib.util.spec_from_file_location(
    "dynamic_batch", os.path.join(HERE, "dynamic-batch.test.py"))
helpers = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(helpers)


class Repeat(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Parameter(torch.randn(1, 5, 8))

    def forward(self, x):
        return self.q.repeat(x.shape[0], 1, 1) + x


class Squeeze(nn.Module):
    def forward(self, x):
        return x.squeeze(1).softmax(-1)


class Broadcast(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3, 4))

    def forward(self, row):
        return row + self.w


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.Transformer(32, 4, 2, 2, 64, dropout=0.0,
                                batch_first=True)

    def forward(self, src, tgt):
        n = tgt.shape[1]
        mask = torch.triu(torch.full((n, n), float("-inf")), 1)
        return self.t(src, tgt, tgt_mask=mask)


class Lengths(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x, lengths):
        mask = torch.arange(x.shape[1])[None, :] < lengths[:, None]
        h = self.fc(x).masked_fill(~mask[:, :, None], 0.0)
        return h.sum(1) / lengths[:, None].float()


class Grid(nn.Module):
    def forward(self, x, grid):
        return nn.functional.grid_sample(x, grid, padding_mode="reflection",
                                         align_corners=False)


class SplitSizes(nn.Module):
    def forward(self, x, prefix):
        a, b = x.split([prefix.shape[0], x.shape[1] - prefix.shape[0]], dim=1)
        return a.sum(1) + b.mean(1)


class Halves(nn.Module):
    def forward(self, x):
        a, b = x.split(x.shape[1] // 2, dim=1)
        return a * torch.sigmoid(b)


class Eye(nn.Module):
    def forward(self, x):
        return x @ (torch.eye(x.shape[1]) * 2 + 1)


class Classifier(nn.Module):
    """A CNN whose classifier's input size follows the image's: only
    images that pool to 7x7 fit its weights."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 7 * 7, 10)

    def forward(self, x):
        y = nn.functional.max_pool2d(self.conv(x), 4).relu()
        return self.fc(y.flatten(1))


def grid_inputs(b, h, w):
    return (torch.randn(b, 2, h, w), torch.rand(b, 3, 5, 2) * 2.6 - 1.3)


def lengths_inputs(b, t):
    return (torch.randn(b, t, 8), torch.randint(1, t + 1, (b,)))


# name, module, inputs of a shape, shapes that run, a shape that fails,
# input names, dynamic axes, opset.
CASES = [
    ("repeat", Repeat(), lambda b: (torch.randn(b, 5, 8),),
     [(3,), (1,), (7,)], None, ["x"], {"x": {0: "b"}, "y": {0: "b"}}, 13),
    ("squeeze", Squeeze(), lambda b, t: (torch.randn(b, t, 4),),
     [(2, 1), (1, 1), (5, 1)], (2, 3), ["x"], {"x": {0: "b", 1: "t"}}, 13),
    ("broadcast", Broadcast(), lambda t: (torch.randn(1, t),),
     [(4,), (1,), (4,)], (2,), ["row"], {"row": {1: "t"}}, 13),
    ("seq2seq", Seq2Seq(),
     lambda b, s, t: (torch.randn(b, s, 32), torch.randn(b, t, 32)),
     [(2, 5, 3), (1, 7, 1), (3, 2, 6)], None, ["src", "tgt"],
     {"src": {0: "b", 1: "s"}, "tgt": {0: "b", 1: "t"}, "y": {0: "b", 1: "t"}},
     14),
    ("lengths", Lengths(), lengths_inputs, [(2, 5), (1, 3), (4, 9)], None,
     ["x", "lengths"], {"x": {0: "b", 1: "t"}, "lengths": {0: "b"}}, 13),
    ("grid", Grid(), grid_inputs, [(1, 4, 5), (2, 6, 3), (1, 1, 1)], None,
     ["x", "grid"], {"x": {0: "b", 2: "h", 3: "w"}, "grid": {0: "b"}}, 16),
    ("split", SplitSizes(),
     lambda b, t, k: (torch.randn(b, t, 3), torch.zeros(k)),
     [(2, 6, 2), (3, 9, 4), (1, 3, 1)], None, ["x", "prefix"],
     {"x": {0: "b", 1: "t"}, "prefix": {0: "k"}}, 13),
    ("eye", Eye(), lambda b, n: (torch.randn(b, n),), [(2, 3), (3, 5), (1, 1)],
     None, ["x"], {"x": {0: "b", 1: "n"}}, 13),
    ("classifier", Classifier(), lambda b, h, w: (torch.randn(b, 1, h, w),),
     [(2, 28, 28), (1, 28, 31), (3, 30, 29)], (1, 32, 32), ["x"],
     {"x": {0: "b", 2: "h", 3: "w"}}, 13),
    ("halves", Halves(), lambda b, t: (torch.randn(b, t),),
     [(2, 6), (1, 6), (3, 6)], (2, 10), ["x"], {"x": {0: "b", 1: "t"}}, 13),
]


def main():
    folder = sys.argv[1]
    torch.manual_seed(0)
    for name, module, make, shapes, bad, names, axes, opset in CASES:
        module.eval()
        sub = os.path.join(folder, name)
        os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, "model.onnx")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(module, make(*shapes[0]), path,
                              input_names=names, output_names=["y"],
                              dynamic_axes=axes, opset_version=opset)
        lib = os.path.join(sub, "model.so")
        helpers.compile_model(path, lib)
        for k, shape in enumerate(shapes):
            inputs = make(*shape)
            with torch.no_grad():
                expected = module(*inputs).numpy()
            got, error = helpers.run(lib, os.path.join(sub, str(k)),
                                     [x.numpy() for x in inputs])
            if error:
                sys.exit("%s %s: %s" % (name, shape, error))
            scale = max(float(np.abs(expected).max()), 1e-30)
            err = float(np.abs(got[0] - expected).max()) / scale \
                if got[0].shape == expected.shape else float("inf")
            if err > 1e-5:
                sys.exit("%s %s: shape %s, expected %s; error %g"
                         % (name, shape, got[0].shape, expected.shape, err))
        print("%s: %s ok" % (name, " ".join(map(str, shapes))))
        if bad:
            _, error = helpers.run(lib, os.path.join(sub, "bad"),
                                   [x.numpy() for x in make(*bad)])
            print("%s %s: fails: %s" % (name, bad, error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
