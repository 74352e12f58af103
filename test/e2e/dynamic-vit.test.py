"""A small torchvision VisionTransformer and Swin transformer with a
symbolic batch, compiled once (the ViT per opset) and run at several batch sizes against PyTorch (see
dynamic-vit.test). Usage: dynamic-vit.test.py WORKDIR; runs aic-compile and
aic-run from PATH."""

import os
import subprocess
import sys

import numpy as np
import onnx
import torch
import torchvision
from onnx import numpy_helper
from torchvision.models.swin_transformer import SwinTransformer

BATCHES = (1, 3, 5)


def run(lib, folder, x):
    data, out = os.path.join(folder, "data"), os.path.join(folder, "out")
    os.makedirs(data, exist_ok=True)
    with open(os.path.join(data, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x).SerializeToString())
    subprocess.run(["aic-run", lib, "--inputs", data, "--outputs", out],
                   check=True)
    return numpy_helper.to_array(
        onnx.load_tensor(os.path.join(out, "output_0.pb")))


def main():
    folder = sys.argv[1]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = torchvision.models.VisionTransformer(
        image_size=32, patch_size=8, num_layers=2, num_heads=2,
        hidden_dim=64, mlp_dim=128, num_classes=10).eval()
    # The head starts at zero: outputs that show nothing.
    torch.nn.init.normal_(model.heads.head.weight)
    torch.nn.init.normal_(model.heads.head.bias)
    rng = np.random.default_rng(0)
    for opset in (13, 17):
        path = os.path.join(folder, "vit%d.onnx" % opset)
        # With gradients on: under no_grad nn.MultiheadAttention takes its
        # fused path, which PyTorch 1.13 does not export.
        torch.onnx.export(model, (torch.randn(2, 3, 32, 32),), path,
                          opset_version=opset, input_names=["x"],
                          output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
        lib = os.path.join(folder, "vit%d.so" % opset)
        subprocess.run(["aic-compile", path, "-o", lib], check=True)
        for batch in BATCHES:
            x = rng.standard_normal((batch, 3, 32, 32), dtype=np.float32)
            with torch.no_grad():
                expected = model(torch.from_numpy(x)).numpy()
            y = run(lib, os.path.join(folder, "%d-%d" % (opset, batch)), x)
            err = np.abs(y - expected).max() / np.abs(expected).max()
            if y.shape != expected.shape or err > 1e-4:
                sys.exit("opset %d, batch %d: shape %s (expected %s), "
                         "relative error %g" % (opset, batch, y.shape,
                                                expected.shape, err))
        print("opset %d: batches %s ok" % (opset,
                                            " ".join(map(str, BATCHES))))
    # A small Swin transformer on 40x40 images: its 10x10 patch grid is
    # padded to whole 7x7 windows by F.pad of amounts computed from the
    # shape (Mod, a reversing Slice, Transpose, evaluated at import).
    swin = SwinTransformer(patch_size=[4, 4], embed_dim=24, depths=[2, 2],
                           num_heads=[2, 4], window_size=[7, 7],
                           num_classes=10).eval()
    path = os.path.join(folder, "swin.onnx")
    torch.onnx.export(swin, (torch.randn(2, 3, 40, 40),), path,
                      opset_version=17, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    lib = os.path.join(folder, "swin.so")
    subprocess.run(["aic-compile", path, "-o", lib], check=True)
    for batch in BATCHES:
        x = rng.standard_normal((batch, 3, 40, 40), dtype=np.float32)
        with torch.no_grad():
            expected = swin(torch.from_numpy(x)).numpy()
        y = run(lib, os.path.join(folder, "swin-%d" % batch), x)
        err = np.abs(y - expected).max() / np.abs(expected).max()
        if y.shape != expected.shape or err > 1e-4:
            sys.exit("swin, batch %d: shape %s (expected %s), relative "
                     "error %g" % (batch, y.shape, expected.shape, err))
    print("swin: batches %s ok" % " ".join(map(str, BATCHES)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
