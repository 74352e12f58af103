"""torchvision detection models (MobileNetV3 backbones) exported with their
detection post-processing and compiled by aic, against PyTorch (see
detection.test). Usage: detection.test.py WORKDIR ssdlite|fasterrcnn; runs
aic-compile and aic-run from PATH."""

import importlib.util
import os
import sys
import warnings

import numpy as np
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "dynamic_batch", os.path.join(HERE, "dynamic-batch.test.py"))
helpers = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(helpers)


# The models: torchvision builder and its keyword arguments. Faster R-CNN
# keeps every score (the random weights score all classes near 1/91).
MODELS = {
    "ssdlite": (torchvision.models.detection.ssdlite320_mobilenet_v3_large,
                {}),
    "fasterrcnn": (
        torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn,
        {"box_score_thresh": 0.0}),
}


def build(name):
    """Random weights; BatchNorm statistics calibrated on a seeded random
    batch, so that the features stay O(1) and the scores are distinct."""
    torch.manual_seed(0)
    builder, options = MODELS[name]
    model = builder(weights=None, weights_backbone=None, **options)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.momentum = None
            module.reset_running_stats()
    model.train()
    with torch.no_grad():
        images = [torch.rand(3, 320, 320) for _ in range(4)]
        model.backbone(model.transform(images)[0].tensors)
    return model.eval()


def unmatched(got, expected):
    """Detections of `got` (boxes, scores, labels) that `expected` has not,
    in any order: near-equal scores may come out in another order, and the
    last of them may fall on either side of the cut to the most detections. The
    ones scored within 1e-6 of the lowest are not required."""
    boxes, scores, labels = got
    eboxes, escores, elabels = expected
    lowest = min(escores.min(), scores.min()) if len(scores) else 0
    missing = 0
    for b, s, l in zip(boxes, scores, labels):
        if s <= lowest + 1e-6:
            continue
        close = (elabels == l) & (np.abs(escores - s) <= 1e-5) & \
            (np.abs(eboxes - b).max(axis=1) <= 1e-3 * 320)
        missing += not close.any()
    return missing


def main():
    folder, name = sys.argv[1], sys.argv[2]
    model = build(name)
    path = os.path.join(folder, name + ".onnx")
    example = torch.rand(3, 320, 320)
    with torch.no_grad():
        # The outputs in the order of the model's result dictionary.
        names = list(model([example])[0].keys())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, ([example],), path, opset_version=13,
                          input_names=["image"], output_names=names)
    lib = os.path.join(folder, name + ".so")
    helpers.compile_model(path, lib)
    for seed in (1, 2):
        torch.manual_seed(seed)
        image = torch.rand(3, 320, 320)
        with torch.no_grad():
            result = model([image])[0]
        expected = [result[k].numpy() for k in ("boxes", "scores", "labels")]
        got, error = helpers.run(lib, os.path.join(folder, name + str(seed)),
                                 [image.numpy()])
        if error:
            sys.exit("image %d: %s" % (seed, error))
        got = [got[names.index(k)] for k in ("boxes", "scores", "labels")]
        counts = (len(got[1]), len(expected[1]))
        missing = unmatched(got, expected) + unmatched(expected, got)
        print("image %d: %d detections (PyTorch %d), %d unmatched"
              % ((seed,) + counts + (missing,)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
