#!/usr/bin/python3
"""export_model.py - export one benchmark model with PyTorch (run by zoo.py).

  export_model.py NAME[-bBATCH] OUTDIR

NAME is any model test/e2e/make_models.py builds (lenet, mlp, or a
torchvision classification model with weights=None, seed 0); -bBATCH sets
the batch size (default 1), e.g. resnet50-b8. Before export, every
BatchNorm's running statistics are replaced by those of one seeded random
batch (standard normal, CALIBRATION_BATCH images, seed 1; the other layers
in eval mode): with the default statistics (mean 0, variance 1) an untrained
network's activations grow or vanish with depth, and a relative accuracy
check on such outputs means little. Calibrated, activations stay O(1).

Writes OUTDIR/model.onnx (opset 13, static shapes, constant folding) and
OUTDIR/test_data_set_0/{input_0,output_0}.pb: a seeded random input (seed 0)
and PyTorch's output for it.
"""
import argparse
import os
import re
import sys

import numpy as np
import onnx
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
import make_models  # noqa: E402  (test/e2e: the model builders and .pb writer)

CALIBRATION_BATCH = 16


def parse_name(spec):
    """'resnet50-b8' -> ('resnet50', 8); 'resnet18' -> ('resnet18', 1)."""
    m = re.fullmatch(r"(.+)-b([1-9][0-9]*)", spec)
    return (m.group(1), int(m.group(2))) if m else (spec, 1)


def seeded_normal(shape, seed):
    return torch.from_numpy(np.random.default_rng(seed).standard_normal(shape, dtype=np.float32))


def calibrate_batch_norm(model, sample_shape):
    """Sets every BatchNorm's running mean and variance to one random batch's."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return 0
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average: after one batch, exactly its statistics
        m.train()
    with torch.no_grad():
        model(seeded_normal((CALIBRATION_BATCH,) + sample_shape, seed=1))
    model.eval()
    return len(norms)


def export(spec, outdir):
    name, batch = parse_name(spec)
    torch.set_num_threads(1)
    model, example = make_models.build(name)
    norms = calibrate_batch_norm(model, tuple(example.shape[1:]))
    x = seeded_normal((batch,) + tuple(example.shape[1:]), seed=0)
    data_dir = os.path.join(outdir, "test_data_set_0")
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(outdir, "model.onnx")
    with torch.no_grad():
        y = model(x)
        torch.onnx.export(model, (x,), path, opset_version=13, input_names=["input"],
                          output_names=["output"], do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    make_models.save_tensor(x.numpy(), os.path.join(data_dir, "input_0.pb"), "input")
    make_models.save_tensor(y.numpy(), os.path.join(data_dir, "output_0.pb"), "output")
    print(f"{spec}: {path}, input {tuple(x.shape)}, {norms} BatchNorms calibrated, "
          f"output std {y.std().item():.3g}, max |output| {y.abs().max().item():.3g}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", metavar="NAME[-bBATCH]")
    ap.add_argument("outdir")
    args = ap.parse_args()
    export(args.name, args.outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
