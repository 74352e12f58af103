"""Loops whose carried values grow, as PyTorch exports a scripted loop that
concatenates a row per iteration to an empty tensor (see dynamic-loops.test).
Usage: dynamic-loops.test.py WORKDIR; runs aic-compile and aic-run from
PATH."""

import importlib.util
import os
import sys
import warnings

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "dynamic_batch", os.path.join(HERE, "dynamic-batch.test.py"))
helpers = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(helpers)


class Rows(torch.nn.Module):
    """Stacks x[i] * i for each row i of x [n, W], W known only at run time,
    onto an empty [0, 4] (the traced shape the exporter declares for the
    carried value, and the static 4 the rows are checked against), then
    adds a unit dim (an Unsqueeze of the loop's run-time result)."""

    def forward(self, x):
        res = torch.zeros(0, 4)
        for i in range(x.size(0)):
            res = torch.cat((res, (x[i] * i).unsqueeze(0)))
        return res.unsqueeze(1)


@torch.jit._script_if_tracing
def paste_rows(x):
    res = torch.zeros(0, x.size(1))
    for i in range(x.size(0)):
        res = torch.cat((res, (x[i] * i).unsqueeze(0)))
    return res


class Traced(torch.nn.Module):
    """Rows' loop scripted inside a traced model, as torchvision pastes
    Mask R-CNN's masks: the exporter declares the loop body's carried input
    with the traced first iteration's shape ([0, W]), which is stale from
    the second iteration on."""

    def forward(self, x):
        return paste_rows(x * 2).unsqueeze(0)


class Pairs(torch.nn.Module):
    """Two carried values growing at different rates (a row, then two),
    and a while-style loop that stops once the sum passes a bound."""

    def forward(self, x, bound):
        a = torch.zeros(0, 3)
        b = torch.zeros(0, 3)
        total = torch.zeros(1)
        i = 0
        while bool(total < bound) and i < x.size(0):
            a = torch.cat((a, x[i:i + 1]))
            b = torch.cat((b, x[i:i + 1], x[i:i + 1] * 2))
            total = total + x[i].sum()
            i += 1
        return a, b


def export(model, example, path, names, dynamic):
    if not isinstance(model, Traced):
        model = torch.jit.script(model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, example, path,
                          opset_version=13, input_names=names,
                          dynamic_axes=dynamic)


def check(name, model, example, names, dynamic, cases, folder):
    path = os.path.join(folder, name + ".onnx")
    export(model, example, path, names, dynamic)
    lib = os.path.join(folder, name + ".so")
    helpers.compile_model(path, lib)
    for k, inputs in enumerate(cases):
        shape = "x".join(map(str, inputs[0].shape))
        got, error = helpers.run(lib, os.path.join(folder, "%s%d" % (name, k)),
                                 [t.numpy() for t in inputs])
        try:
            with torch.no_grad():
                expected = model(*inputs)
        except RuntimeError:
            expected = None
        if expected is None or error:
            # Both fail, or one does where the other does not.
            print("%s %s: %s%s" % (
                name, shape, "" if expected is None else "PyTorch runs, ",
                error.splitlines()[-1] if error else "aic runs"))
            continue
        if isinstance(expected, torch.Tensor):
            expected = (expected,)
        ok = all(g.shape == e.shape and np.allclose(g, e.numpy(), atol=1e-6)
                 for g, e in zip(got, expected))
        print("%s %s: %s %s" % (name, shape, "ok" if ok else "WRONG",
                                " ".join("x".join(map(str, g.shape))
                                         for g in got)))


def main():
    folder = sys.argv[1]
    torch.manual_seed(0)
    check("rows", Rows(), (torch.rand(3, 4),), ["x"], {"x": {0: "n", 1: "w"}},
          [(torch.rand(n, w),) for n, w in ((3, 4), (0, 4), (7, 4), (2, 5))],
          folder)
    check("traced", Traced(), (torch.rand(3, 5),), ["x"], {"x": {0: "n"}},
          [(torch.rand(n, 5),) for n in (3, 1, 6, 0)], folder)
    bound = torch.tensor([4.0])
    check("pairs", Pairs(), (torch.rand(5, 3), bound), ["x", "bound"],
          {"x": {0: "n"}},
          [(torch.rand(n, 3), torch.tensor([b])) for n, b in
           ((5, 4.0), (9, 100.0), (6, 0.0), (0, 1.0))], folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
