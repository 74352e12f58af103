"""CNNs exported with a symbolic batch, height and width, compiled once and
run at several image sizes against PyTorch (see dynamic-images.test).
Usage: dynamic-images.test.py WORKDIR NAME... (NAME a model of
make_models.py, unet-MODE (nearest, bilinear, size, deconv), seg-NAME for a
torchvision segmentation model, "style", "windows", "same_strided" or
"space_depth"); runs
aic-compile and aic-run from PATH."""

import importlib.util
import os
import sys

import numpy as np
import torch
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_models  # noqa: E402


def load_helpers():
    """dynamic-batch.test.py, whose compile and run helpers this reuses."""
    spec = importlib.util.spec_from_file_location(
        "dynamic_batch", os.path.join(HERE, "dynamic-batch.test.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


batch_test = load_helpers()

# (batch, height, width): square and not, odd, and one barely larger than
# the 32x downsampling of the torchvision models. The U-Nets take even sizes
# (a 2x2 max pooling then an upsampling by 2).
SIZES = ((1, 64, 64), (2, 97, 75), (1, 33, 47), (3, 128, 96))


def export(name, folder):
    model, x = build(name)
    path = os.path.join(folder, name + ".onnx")
    axes = {0: "batch", 2: "height", 3: "width"}
    with torch.no_grad():
        torch.onnx.export(model, (x,), path, opset_version=13,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": axes, "output": {0: "batch"}})
    return model, path


class UNet(torch.nn.Module):
    """A small U-Net: a skip connection concatenated with a downsampled
    branch upsampled by interpolate, by scale_factor 2 (nearest, bilinear)
    or to the skip's size read from its shape at run time, or by a
    transposed convolution (deconv)."""

    def __init__(self, mode):
        super().__init__()
        nn = torch.nn
        self.mode = mode
        self.down = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1),
                                  nn.BatchNorm2d(8), nn.ReLU())
        self.inner = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())
        self.out = nn.Conv2d(24, 4, 3, padding=1)
        # The exact 2x upsampling of a transposed convolution.
        self.deconv = nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1,
                                         output_padding=1)

    def forward(self, x):
        F = torch.nn.functional
        skip = self.down(x)
        inner = self.inner(F.max_pool2d(skip, 2))
        if self.mode == "deconv":
            up = self.deconv(inner)
        elif self.mode == "size":
            up = F.interpolate(inner, size=skip.shape[-2:], mode="bilinear",
                               align_corners=False)
        else:
            up = F.interpolate(inner, scale_factor=2.0, mode=self.mode)
        return torch.sigmoid(self.out(torch.cat([skip, up], 1)))


class StyleTransfer(torch.nn.Module):
    """A small fast-neural-style image transformer (Johnson et al.):
    reflection padding and instance normalization around every
    convolution, a strided downsampling, a residual block and a nearest
    upsampling, at any image size."""

    def __init__(self):
        super().__init__()
        nn = torch.nn

        def conv(cin, cout, k, stride=1):
            return nn.Sequential(nn.ReflectionPad2d(k // 2),
                                 nn.Conv2d(cin, cout, k, stride))

        self.head = nn.Sequential(conv(3, 8, 5), nn.InstanceNorm2d(8,
                                                                   affine=True),
                                  nn.ReLU(), conv(8, 16, 3, 2),
                                  nn.InstanceNorm2d(16, affine=True), nn.ReLU())
        self.res = nn.Sequential(conv(16, 16, 3), nn.InstanceNorm2d(16),
                                 nn.ReLU(), conv(16, 16, 3),
                                 nn.InstanceNorm2d(16, affine=True))
        self.tail = nn.Sequential(nn.Upsample(scale_factor=2.0),
                                  conv(16, 8, 3),
                                  nn.InstanceNorm2d(8, affine=True), nn.ReLU(),
                                  conv(8, 3, 5))
        # Instance normalization's affine parameters start at 1 and 0.
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, nn.InstanceNorm2d) and m.affine:
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.5, 0.5)

    def forward(self, x):
        y = self.head(x)
        return self.tail(y + self.res(y))


class Segmentation(torch.nn.Module):
    """A torchvision segmentation model's "out" (upsampled to the input's
    size, read at run time)."""

    def __init__(self, name):
        super().__init__()
        import torchvision
        self.model = torchvision.models.get_model(
            name, weights=None, weights_backbone=None, num_classes=5)

    def forward(self, x):
        return self.model(x)["out"]


def build(name):
    """(module, example input) of make_models, a U-Net (unet-MODE) or a
    torchvision segmentation model (seg-NAME)."""
    torch.manual_seed(0)
    if name.startswith("unet-"):
        model = UNet(name[len("unet-"):])
    elif name.startswith("seg-"):
        model = Segmentation(name[len("seg-"):])
    elif name == "style":
        model = StyleTransfer()
    else:
        return make_models.build(name)
    model.eval()
    return model, torch.zeros(1, 3, 64, 64)


def check_model(name, folder, tol=1e-4):
    torch.set_num_threads(1)
    model, path = export(name, folder)
    lib = os.path.join(folder, name + ".so")
    batch_test.compile_model(path, lib)
    rng = np.random.default_rng(1)
    for batch, height, width in sizes_of(name):
        x = rng.standard_normal((batch, 3, height, width), dtype=np.float32)
        with torch.no_grad():
            expected = model(torch.from_numpy(x)).numpy()
        outputs, error = batch_test.run(lib, os.path.join(folder, name), [x])
        at = "%s at %dx%dx%d" % (name, batch, height, width)
        if error:
            sys.exit("%s: %s" % (at, error))
        y = outputs[0]
        if y.shape != expected.shape:
            sys.exit("%s: shape %s, expected %s" % (at, y.shape,
                                                     expected.shape))
        err = np.abs(y - expected).max() / max(np.abs(expected).max(), 1e-6)
        if err > tol:
            sys.exit("%s: relative error %g" % (at, err))
    print("%s: sizes %s ok" % (name, " ".join(
        "%dx%dx%d" % s for s in sizes_of(name))))


def check_windows(folder):
    """Windows over run-time image dims that the torchvision models do not
    have: auto_pad SAME_UPPER with stride 1, a dilated strided convolution,
    average pooling that counts its padding, a 1-D convolution, global max
    pooling and a ReduceMean over the image; and the error of an image
    smaller than a window."""
    rng = np.random.default_rng(2)
    w = rng.standard_normal((4, 3, 3, 3), dtype=np.float32)
    w1 = rng.standard_normal((2, 4, 5), dtype=np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["a"], name="same",
                         auto_pad="SAME_UPPER"),
        helper.make_node("Conv", ["a", "w2"], ["b"], name="dilated",
                         strides=[2, 3], dilations=[2, 1], pads=[1, 0, 2, 1]),
        helper.make_node("AveragePool", ["b"], ["c"], name="avg",
                         kernel_shape=[3, 2], pads=[1, 1, 1, 0],
                         count_include_pad=1),
        helper.make_node("GlobalMaxPool", ["c"], ["gmax"], name="gmax"),
        helper.make_node("ReduceMean", ["c"], ["mean"], name="mean",
                         axes=[2, 3], keepdims=0),
        helper.make_node("Reshape", ["b", "shape"], ["rows"], name="rows"),
        helper.make_node("Conv", ["rows", "w1"], ["line"], name="line",
                         pads=[2, 2]),
    ]
    w2 = rng.standard_normal((4, 4, 3, 3), dtype=np.float32)
    inits = [helper.make_tensor(n, TensorProto.FLOAT, a.shape, a.ravel())
             for n, a in (("w", w), ("w2", w2), ("w1", w1))]
    inits.append(helper.make_tensor("shape", TensorProto.INT64, [3],
                                    [0, 4, -1]))
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, shape)
         for o, shape in (("gmax", ["n", 4, 1, 1]), ("mean", ["n", 4]),
                          ("line", ["n", 2, "length"]))], inits)
    lib = batch_test.compile_graph(graph, 13, folder, "windows")
    F = torch.nn.functional
    for n, h, width in ((1, 9, 9), (2, 14, 23), (1, 5, 4)):
        x = rng.standard_normal((n, 3, h, width), dtype=np.float32)
        t = torch.from_numpy(x).double()
        a = F.conv2d(F.pad(t, (1, 1, 1, 1)), torch.from_numpy(w).double())
        b = F.conv2d(F.pad(a, (0, 1, 1, 2)), torch.from_numpy(w2).double(),
                     stride=(2, 3), dilation=(2, 1))
        c = F.avg_pool2d(F.pad(b, (1, 0, 1, 1)), (3, 2), stride=1)
        expected = [c.amax((2, 3), keepdim=True), c.mean((2, 3)),
                    F.conv1d(b.reshape(n, 4, -1),
                             torch.from_numpy(w1).double(), padding=2)]
        outputs, error = batch_test.run(lib, os.path.join(folder, "windows"),
                                        [x])
        at = "windows at %dx%dx%d" % (n, h, width)
        if error:
            sys.exit("%s: %s" % (at, error))
        for y, e in zip(outputs, expected):
            e = e.numpy()
            if y.shape != e.shape or not np.allclose(y, e, rtol=1e-4,
                                                     atol=1e-4):
                sys.exit("%s: wrong values (shape %s, expected %s)" %
                         (at, y.shape, e.shape))
    print("windows: ok")
    # An image whose padded height is smaller than the dilated window.
    x = np.zeros((1, 3, 1, 8), np.float32)
    outputs, error = batch_test.run(lib, os.path.join(folder, "small"), [x])
    if outputs is not None or "\n" in error:
        sys.exit("small: expected a one-line error, got %r" % error)
    print("small: %s" % error)


def same_pads(size, kernel, stride, dilation, upper):
    """ONNX's auto_pad SAME split of the padding of one dim."""
    count = -(-size // stride)
    total = max(0, (count - 1) * stride + (kernel - 1) * dilation + 1 - size)
    small = total // 2
    return (small, total - small) if upper else (total - small, small)


def pad_same(t, kernel, strides, dilations, upper, value=0.0):
    (top, bottom), (left, right) = (
        same_pads(t.shape[2 + i], kernel[i], strides[i], dilations[i], upper)
        for i in range(2))
    return torch.nn.functional.pad(t, (left, right, top, bottom),
                                   value=value)


def check_same_strided(folder):
    """auto_pad SAME with strides above 1 over run-time image dims (as
    TensorFlow exports its SAME convolutions): a SAME_UPPER strided
    convolution with a bias, a SAME_LOWER max pooling, a SAME_UPPER average
    pooling that counts its padding, a SAME_LOWER one that does not (as
    TensorFlow's) and a dilated SAME_LOWER convolution, against PyTorch on
    the input padded as ONNX specifies."""
    rng = np.random.default_rng(4)
    w = rng.standard_normal((4, 3, 3, 3), dtype=np.float32)
    bias = rng.standard_normal(4, dtype=np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w", "bias"], ["y"], name="conv",
                         auto_pad="SAME_UPPER", strides=[2, 3]),
        helper.make_node("MaxPool", ["y"], ["m"], name="max",
                         auto_pad="SAME_LOWER", kernel_shape=[3, 2],
                         strides=[2, 2]),
        helper.make_node("AveragePool", ["y"], ["a"], name="avg",
                         auto_pad="SAME_UPPER", kernel_shape=[3, 3],
                         strides=[3, 2], count_include_pad=1),
        helper.make_node("AveragePool", ["y"], ["e"], name="exclusive",
                         auto_pad="SAME_LOWER", kernel_shape=[2, 3],
                         strides=[2, 2]),
        helper.make_node("Conv", ["x", "w"], ["l"], name="lower",
                         auto_pad="SAME_LOWER", strides=[2, 2],
                         dilations=[2, 1]),
    ]
    inits = [helper.make_tensor(n, TensorProto.FLOAT, a.shape, a.ravel())
             for n, a in (("w", w), ("bias", bias))]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT,
                                       ["n", 4, None, None])
         for o in ("y", "m", "a", "e", "l")], inits)
    lib = batch_test.compile_graph(graph, 13, folder, "same_strided")
    F = torch.nn.functional
    tw, tb = torch.from_numpy(w).double(), torch.from_numpy(bias).double()
    for n, h, width in ((1, 7, 9), (2, 8, 8), (1, 1, 1), (1, 13, 4)):
        x = rng.standard_normal((n, 3, h, width), dtype=np.float32)
        t = torch.from_numpy(x).double()
        y = F.conv2d(pad_same(t, (3, 3), (2, 3), (1, 1), True), tw, tb,
                     stride=(2, 3))
        expected = [
            y,
            F.max_pool2d(pad_same(y, (3, 2), (2, 2), (1, 1), False,
                                  -float("inf")), (3, 2), stride=2),
            F.avg_pool2d(pad_same(y, (3, 3), (3, 2), (1, 1), True), 3,
                         stride=(3, 2)),
            # The window's sum over the count of its elements in y.
            F.avg_pool2d(pad_same(y, (2, 3), (2, 2), (1, 1), False), (2, 3),
                         stride=2, divisor_override=1) /
            F.avg_pool2d(pad_same(torch.ones_like(y), (2, 3), (2, 2), (1, 1),
                                  False), (2, 3), stride=2,
                         divisor_override=1),
            F.conv2d(pad_same(t, (3, 3), (2, 2), (2, 1), False), tw,
                     stride=2, dilation=(2, 1)),
        ]
        outputs, error = batch_test.run(
            lib, os.path.join(folder, "same_strided"), [x])
        at = "same_strided at %dx%dx%d" % (n, h, width)
        if error:
            sys.exit("%s: %s" % (at, error))
        for name, y, e in zip("ymael", outputs, expected):
            e = e.numpy()
            if y.shape != e.shape or not np.allclose(y, e, rtol=1e-4,
                                                     atol=1e-4):
                sys.exit("%s: %s wrong (shape %s, expected %s)" %
                         (at, name, y.shape, e.shape))
    print("same_strided: ok")


def sizes_of(name):
    if name.startswith("unet-") and name != "unet-size":
        return ((1, 64, 64), (2, 96, 74), (1, 34, 48), (3, 128, 96))
    return SIZES


def check_space_depth(folder):
    """SpaceToDepth, then DepthToSpace in DCR mode (its inverse) and in CRD
    mode, over run-time image dims, against NumPy; and the error of an
    image that is not a multiple of the blocksize."""
    nodes = [
        helper.make_node("SpaceToDepth", ["x"], ["s"], name="s", blocksize=2),
        helper.make_node("DepthToSpace", ["s"], ["dcr"], name="dcr",
                         blocksize=2, mode="DCR"),
        helper.make_node("DepthToSpace", ["s"], ["crd"], name="crd",
                         blocksize=2, mode="CRD"),
    ]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, shape)
         for o, shape in (("s", ["n", 12, "p", "q"]),
                          ("dcr", ["n", 3, "h", "w"]),
                          ("crd", ["n", 3, "h", "w"]))])
    lib = batch_test.compile_graph(graph, 13, folder, "space_depth")
    rng = np.random.default_rng(3)
    for n, h, w in ((1, 2, 2), (2, 6, 10), (1, 8, 4)):
        x = rng.standard_normal((n, 3, h, w), dtype=np.float32)
        s = x.reshape(n, 3, h // 2, 2, w // 2, 2).transpose(
            0, 3, 5, 1, 2, 4).reshape(n, 12, h // 2, w // 2)
        crd = s.reshape(n, 3, 2, 2, h // 2, w // 2).transpose(
            0, 1, 4, 2, 5, 3).reshape(n, 3, h, w)
        outputs, error = batch_test.run(
            lib, os.path.join(folder, "space_depth"), [x])
        at = "space_depth at %dx%dx%d" % (n, h, w)
        if error:
            sys.exit("%s: %s" % (at, error))
        for y, e in zip(outputs, (s, x, crd)):
            if y.shape != e.shape or not np.array_equal(y, e):
                sys.exit("%s: wrong values" % at)
    print("space_depth: ok")
    x = np.zeros((1, 3, 4, 5), np.float32)
    outputs, error = batch_test.run(lib, os.path.join(folder, "odd"), [x])
    if outputs is not None or "\n" in error:
        sys.exit("odd: expected a one-line error, got %r" % error)
    print("odd: %s" % error)


def main():
    folder = sys.argv[1]
    for name in sys.argv[2:]:
        if name == "windows":
            check_windows(folder)
        elif name == "space_depth":
            check_space_depth(folder)
        elif name == "same_strided":
            check_same_strided(folder)
        else:
            check_model(name, folder)


if __name__ == "__main__":
    main()
