#!/usr/bin/python3
"""Build the end-to-end test models with PyTorch and export them to ONNX.

Usage: make_models.py NAME OUTDIR
       make_models.py --list

NAME: lenet | mlp | generator | all | zoo | a torchvision classification model: the
zoo models below, or any other torchvision.models builder name (e.g.
densenet121), built with weights=None and input 1x3x224x224.

Writes OUTDIR/model.onnx plus OUTDIR/test_data_set_0/{input_0,output_0}.pb
(a seeded random input and PyTorch's output for it), i.e. the layout of the
ONNX backend test data, so `aic-run OUTDIR/model.onnx --inputs
OUTDIR/test_data_set_0 --outputs OUT` followed by `compare.py
OUTDIR/test_data_set_0 OUT` checks the compiler end to end. With NAME=all,
each model goes to OUTDIR/NAME/; NAME=zoo writes only the torchvision zoo models.

The torchvision zoo and the ONNX op types each exports (torch 1.13 /
torchvision 0.14, opset 13; every graph also has Identity nodes):
  resnet18, resnet50   Add Conv Flatten Gemm GlobalAveragePool MaxPool Relu
  mobilenet_v2         Add Clip Conv Flatten Gemm GlobalAveragePool
  efficientnet_b0      Add Conv Flatten Gemm GlobalAveragePool Mul Sigmoid
  squeezenet1_1        Concat Conv Flatten GlobalAveragePool MaxPool Relu
  mnasnet0_5           Add Conv Gemm ReduceMean Relu
  shufflenet_v2_x1_0   Add Concat Conv Div Gather Gemm MaxPool Mul ReduceMean
                       Relu Reshape Shape Slice Transpose: at opset >= 11
                       x.chunk() exports as Shape/Gather/Add/Div/Mul/Slice
                       (not Split) and channel_shuffle's view() as a
                       Shape/Gather/Concat -> Reshape chain
  inception_v3         AveragePool Concat Conv Flatten Gemm GlobalAveragePool
                       MaxPool Pad Relu: avg_pool2d(padding=1) with
                       count_include_pad exports as Pad + AveragePool
No torchvision classification model exports Split at opset 13.

Export settings: seed 0, eval mode, opset 13, static shapes, constant
folding on. torch.flatten exports as a single ONNX Flatten, so the graphs
contain no Shape/Gather/Concat shape arithmetic.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

# torchvision classification models: name -> extra builder arguments.
ZOO = {
    "resnet18": {},
    "resnet50": {},
    "mobilenet_v2": {},
    "efficientnet_b0": {},
    "squeezenet1_1": {},
    "mnasnet0_5": {},
    "shufflenet_v2_x1_0": {},
    # init_weights=True pins (and silences the warning about) the
    # initialization that weights=None uses today.
    "inception_v3": {"init_weights": True},
}
MODELS = ("lenet", "mlp", "generator") + tuple(ZOO)


class LeNet(nn.Module):
    """LeNet-5 for 1x1x28x28 MNIST-style input."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)   # 28x28 -> 28x28
        self.conv2 = nn.Conv2d(6, 16, 5)             # 14x14 -> 10x10
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)   # 6x14x14
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # 16x5x5
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return F.softmax(x, dim=1)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 512)
        self.fc2 = nn.Linear(512, 512)
        self.fc3 = nn.Linear(512, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Generator(nn.Module):
    """A DCGAN-style generator for 1x16x1x1 noise: transposed convolutions
    (1x1 -> 4x4, then stride 2 with output_padding, then grouped), batch
    and instance normalization with non-trivial statistics, -> 1x3x16x16."""

    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(16, 32, 4, 1, 0, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.up2 = nn.ConvTranspose2d(32, 16, 3, 2, 1, output_padding=1)
        self.in2 = nn.InstanceNorm2d(16, affine=True)
        self.up3 = nn.ConvTranspose2d(16, 8, 4, 2, 1, groups=2)
        self.out = nn.Conv2d(8, 3, 3, padding=1)
        with torch.no_grad():
            for t in (self.bn1.running_mean, self.bn1.bias, self.in2.bias):
                t.uniform_(-0.5, 0.5)
            for t in (self.bn1.running_var, self.bn1.weight, self.in2.weight):
                t.uniform_(0.5, 2.0)

    def forward(self, x):
        x = F.relu(self.bn1(self.up1(x)))   # 32x4x4
        x = F.relu(self.in2(self.up2(x)))   # 16x8x8
        x = F.relu(self.up3(x))             # 8x16x16
        return torch.tanh(self.out(x))


def build(name):
    """Returns (module, example input) for a model name."""
    torch.manual_seed(0)
    if name == "lenet":
        model, shape = LeNet(), (1, 1, 28, 28)
    elif name == "mlp":
        model, shape = MLP(), (1, 784)
    elif name == "generator":
        model, shape = Generator(), (1, 16, 1, 1)
    else:
        import torchvision
        builders = set(torchvision.models.list_models(module=torchvision.models))
        if name not in ZOO and name not in builders:
            raise SystemExit(f"unknown model {name!r}; expected one of {', '.join(MODELS)} "
                             "or a torchvision.models classification model")
        builder = torchvision.models.get_model_builder(name)
        model, shape = builder(weights=None, **ZOO.get(name, {})), (1, 3, 224, 224)
    model.eval()
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal(shape, dtype=np.float32))
    return model, x


def save_tensor(array, path, name):
    tensor = numpy_helper.from_array(np.ascontiguousarray(array), name)
    with open(path, "wb") as f:
        f.write(tensor.SerializeToString())


def make(name, outdir):
    torch.set_num_threads(1)
    model, x = build(name)
    os.makedirs(os.path.join(outdir, "test_data_set_0"), exist_ok=True)
    model_path = os.path.join(outdir, "model.onnx")
    with torch.no_grad():
        y = model(x)
        torch.onnx.export(model, (x,), model_path, opset_version=13,
                          input_names=["input"], output_names=["output"],
                          do_constant_folding=True, dynamic_axes=None)
    onnx_model = onnx.load(model_path)
    onnx.checker.check_model(onnx_model)
    graph = onnx_model.graph
    init_names = {i.name for i in graph.initializer}
    graph_inputs = [i for i in graph.input if i.name not in init_names]
    assert len(graph_inputs) == 1 and len(graph.output) == 1
    data_dir = os.path.join(outdir, "test_data_set_0")
    save_tensor(x.numpy(), os.path.join(data_dir, "input_0.pb"), graph_inputs[0].name)
    save_tensor(y.numpy(), os.path.join(data_dir, "output_0.pb"), graph.output[0].name)
    ops = sorted({n.op_type for n in graph.node})
    print(f"{name}: {model_path} ({os.path.getsize(model_path)} bytes), "
          f"{len(graph.node)} nodes, input {tuple(x.shape)} -> output {tuple(y.shape)}")
    print(f"{name}: op types: {' '.join(ops)}")


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print(" ".join(MODELS))
        return 0
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    name, outdir = argv[1], argv[2]
    if name in ("all", "zoo"):
        for n in (MODELS if name == "all" else tuple(ZOO)):
            make(n, os.path.join(outdir, n))
    else:
        make(name, outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
