#!/usr/bin/python3
"""Train a small CNN on scikit-learn's 8x8 digits and export it to ONNX.

Usage: train.py [OUTDIR]    (default: this script's directory)

Writes OUTDIR/digits.onnx (opset 13; input `image` 1x1x8x8 float32 with
pixels scaled to [0, 1], output `probabilities` 1x10) and, for 8 held-out
test images, OUTDIR/samples/digit_K_label_L.pb (ONNX TensorProto),
OUTDIR/samples/digit_K_label_L.f32 (256 bytes of raw little-endian
float32) and OUTDIR/samples/labels.txt ("FILE LABEL PREDICTED" per line).
Deterministic: seed 0, one thread.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

NUM_SAMPLES = 8
EPOCHS = 30


class DigitsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 8x4x4
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),                    # 16x4x4
        )
        self.classifier = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):  # logits
        return self.classifier(torch.flatten(self.features(x), 1))


class WithSoftmax(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        return torch.softmax(self.net(image), dim=1)


def main(argv):
    outdir = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(0)
    torch.set_num_threads(1)

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]   # N x 1 x 8 x 8
    labels = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=0.2, random_state=0, stratify=labels)

    net = DigitsNet()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    gen = torch.Generator().manual_seed(0)
    for epoch in range(EPOCHS):
        net.train()
        perm = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            print(f"epoch {epoch + 1}: train loss {total / len(xt):.4f}")

    net.eval()
    model = WithSoftmax(net).eval()
    with torch.no_grad():
        probs = model(torch.from_numpy(x_test)).numpy()
    predicted = probs.argmax(axis=1)
    accuracy = float((predicted == y_test).mean())
    print(f"test accuracy: {accuracy * 100:.2f}% ({(predicted == y_test).sum()}/{len(y_test)})")

    os.makedirs(os.path.join(outdir, "samples"), exist_ok=True)
    onnx_path = os.path.join(outdir, "digits.onnx")
    with torch.no_grad():
        torch.onnx.export(model, (torch.from_numpy(x_test[:1]),), onnx_path, opset_version=13,
                          input_names=["image"], output_names=["probabilities"],
                          do_constant_folding=True)
    m = onnx.load(onnx_path)
    onnx.checker.check_model(m)
    size = os.path.getsize(onnx_path)
    assert size < 1 << 20, f"{onnx_path} is {size} bytes"
    print(f"wrote {onnx_path} ({size} bytes), ops: {' '.join(sorted({n.op_type for n in m.graph.node}))}")

    lines = []
    for k in range(NUM_SAMPLES):
        image = np.ascontiguousarray(x_test[k:k + 1])                 # 1x1x8x8
        base = f"digit_{k}_label_{y_test[k]}"
        with open(os.path.join(outdir, "samples", base + ".pb"), "wb") as f:
            f.write(numpy_helper.from_array(image, "image").SerializeToString())
        with open(os.path.join(outdir, "samples", base + ".f32"), "wb") as f:
            f.write(image.astype("<f4").tobytes())
        lines.append(f"{base}.f32 {y_test[k]} {predicted[k]} {probs[k, predicted[k]]:.4f}")
    with open(os.path.join(outdir, "samples", "labels.txt"), "w") as f:
        f.write("# file label predicted probability (PyTorch)\n")
        f.write("\n".join(lines) + "\n")
    print(f"wrote {NUM_SAMPLES} samples to {os.path.join(outdir, 'samples')}")
    return 0 if accuracy > 0.95 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
