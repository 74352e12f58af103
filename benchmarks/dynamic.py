#!/usr/bin/python3
"""dynamic.py - what symbolic dims cost: one library compiled with the batch
(and sequence) symbolic against one compiled for each shape
(--input-shape), and ONNX Runtime on the symbolic model, interleaved.

  benchmarks/dynamic.py [--model mlp] [--batches 1,8,32 | --shapes 1x64,...]
                        [--threads 1] [--rounds R] [--runs N] [--warmup W]
                        [--aic-dir BUILD] [--dir DIR]

Model: a model of test/e2e/make_models.py (default the MLP 784-512-512-10;
resnet18, mobilenet_v2, ... take 3x224x224 images), seed 0, exported with
dynamic_axes (input and output dim 0 named `batch`); or an encoder of
benchmarks/transformers.py (small, bert) with its positions sliced to the
sequence, exported with `batch` and `sequence` symbolic (token ids of shape
BxS in --shapes, default 1x64,4x64,1x128).
  1. latency: for each shape, R rounds; in each, aic-run --bench on the
     symbolic library, on the static one (fresh copies of both per round:
     see benchlib.fresh_copy), and ort-run.js --bench alternate.
     Reported: medians of the rounds' medians, symbolic/static (the target
     is at most 1.05) and symbolic/ORT.
  2. shape changes: benchmarks/shape-change.c in a fresh process: the load
     time, and per shape the first run at that shape (primitives and memory
     plan created then), the steady-state median and the arena; and, to
     compare, each static library's load, first run (shape-change.c in a
     fresh process) and arena (aic-run --json).
Prints the load average first: numbers from a loaded machine are noisy.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

import numpy as np
from onnx import numpy_helper

import transformers
from benchlib import bench, fresh_copy, run as run_cmd

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))


def export(folder, name):
    """`name` exported with symbolic dims; returns its path, the input's
    name, its dims after the symbolic ones, and a maker of inputs of a
    shape."""
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(0)
    path = os.path.join(folder, "%s-symbolic.onnx" % name)
    if name in transformers.ENCODERS:
        config = transformers.ENCODERS[name]
        vocab, tokens = config[4], config[5]
        # Positions for the longest sequence the benchmark may ask for.
        model, _, input_name = transformers.encoder_model(
            *config[:5], max(tokens, 512), sliced=True)
        # Traced at 2x16 (a dim of 1 would invite specializing on it), with
        # gradients on as transformers.py does (nn.TransformerEncoderLayer's
        # no_grad fast path does not export).
        ids = torch.zeros((2, 16), dtype=torch.int64)
        axes = {0: "batch", 1: "sequence"}
        torch.onnx.export(model, (ids,), path, opset_version=13,
                          input_names=[input_name], output_names=["y"],
                          dynamic_axes={input_name: axes, "y": axes})
        return path, input_name, (), lambda rng, shape: rng.integers(
            0, vocab, shape, dtype=np.int64)
    import make_models
    model, x = make_models.build(name)
    with torch.no_grad():
        torch.onnx.export(model, (x,), path, opset_version=13,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"},
                                        "output": {0: "batch"}})
    return path, "input", tuple(x.shape[1:]), lambda rng, shape: \
        rng.standard_normal(shape, dtype=np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--model", default="mlp")
    ap.add_argument("--batches", default="1,8,32")
    ap.add_argument("--shapes", default=None,
                    help="symbolic dims per case, e.g. 1x64,4x64 (encoders)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--aic-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--dir", default="/tmp/aic-dynamic-bench")
    args = ap.parse_args()
    encoder = args.model in transformers.ENCODERS
    specs = (args.shapes or ("1x64,4x64,1x128" if encoder else args.batches)
             ).split(",")
    os.makedirs(args.dir, exist_ok=True)
    print("load:", open("/proc/loadavg").read().strip(), flush=True)

    compile_ = os.path.join(args.aic_dir, "bin", "aic-compile")
    aic = [os.path.join(args.aic_dir, "bin", "aic-run")]
    ort = ["node", os.path.join(BENCH, "ort-run.js")]
    model, input_name, item, make_input = export(args.dir, args.model)
    symbolic = os.path.join(args.dir, "%s-symbolic.so" % args.model)
    run_cmd([compile_, model, "-o", symbolic], "aic-compile")

    rng = np.random.default_rng(0)
    arenas = {}
    for spec in specs:
        shape = tuple(int(d) for d in spec.split("x")) + item
        static = os.path.join(args.dir, "%s-%s.so" % (args.model, spec))
        run_cmd([compile_, model, "-o", static, "--input-shape",
                 input_name + "=" + "x".join(map(str, shape))], "aic-compile")
        inputs = os.path.join(args.dir, "inputs-%s-%s" % (args.model, spec))
        os.makedirs(inputs, exist_ok=True)
        with open(os.path.join(inputs, "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(make_input(rng, shape),
                                            input_name).SerializeToString())
        times = {"symbolic": [], "static": [], "ORT": []}
        copies = []
        for r in range(args.rounds):
            copies += [fresh_copy(symbolic, r), fresh_copy(static, r)]
            for name, runner, lib in (("symbolic", aic, copies[-2]),
                                      ("static", aic, copies[-1]),
                                      ("ORT", ort, model)):
                times[name].append(bench(runner, lib, inputs, args.threads,
                                         args.runs, args.warmup, name))
        for path in copies:
            os.remove(path)
        arenas[spec] = json.loads(subprocess.run(
            aic + [static, "--inputs", inputs, "--bench", "--runs", "1",
                   "--warmup", "0", "--json"], capture_output=True, text=True,
            check=True).stdout.strip().splitlines()[-1])["arena_bytes"]
        m = {k: statistics.median(v) for k, v in times.items()}
        print("shape %s, %d thread(s): symbolic %.4f ms, static %.4f ms, "
              "ORT %.4f ms; symbolic/static %.3f, symbolic/ORT %.2f" %
              (spec, args.threads, m["symbolic"], m["static"], m["ORT"],
               m["symbolic"] / m["static"], m["symbolic"] / m["ORT"]),
              flush=True)

    tool = os.path.join(args.dir, "shape-change")
    lib = os.path.join(args.aic_dir, "lib")
    run_cmd(["cc", "-O2", "-I", os.path.join(ROOT, "include"),
             os.path.join(BENCH, "shape-change.c"), "-o", tool, "-L", lib,
             "-laicrt", "-Wl,-rpath," + lib], "cc")
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    # In increasing size: each shape's arena is then its own.
    ordered = sorted(specs, key=lambda spec: np.prod(
        [int(d) for d in spec.split("x")]))
    out = subprocess.run([tool, symbolic, str(args.threads)] + ordered,
                         capture_output=True, text=True, env=env,
                         check=True).stdout
    report = json.loads(out)
    for s in report["shapes"]:
        # The static library of that shape in a fresh process: its load
        # creates the primitives the symbolic one creates at a new shape.
        static = json.loads(subprocess.run(
            [tool, os.path.join(args.dir, "%s-%s.so" % (args.model, s["shape"])),
             str(args.threads), s["shape"]], capture_output=True,
            text=True, env=env, check=True).stdout)
        print("shape %s: first run %.3f ms (load %.3f ms), steady %.4f ms, "
              "arena %d bytes; static library: load %.3f ms, first run "
              "%.3f ms, arena %d bytes" %
              (s["shape"], s["first_ms"], report["load_ms"], s["steady_ms"],
               s["arena_bytes"], static["load_ms"],
               static["shapes"][0]["first_ms"], arenas[s["shape"]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
