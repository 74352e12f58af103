#!/usr/bin/python3
"""dynamic.py - what a symbolic batch dim costs: one library compiled with
the batch symbolic against one compiled for each batch (--input-shape), and
ONNX Runtime on the symbolic model, interleaved.

  benchmarks/dynamic.py [--model mlp] [--batches 1,8,32] [--threads 1]
                        [--rounds R] [--runs N] [--warmup W]
                        [--aic-dir BUILD] [--dir DIR]

Model: a model of test/e2e/make_models.py (default the MLP 784-512-512-10;
resnet18, mobilenet_v2, ... take 3x224x224 images), seed 0, exported with
dynamic_axes (input and output dim 0 named `batch`).
  1. latency: for each batch, R rounds; in each, aic-run --bench on the
     symbolic library, on the static one, and ort-run.js --bench alternate.
     Reported: medians of the rounds' medians, symbolic/static (the target
     is at most 1.05) and symbolic/ORT.
  2. shape changes: benchmarks/shape-change.c in a fresh process: the load
     time, and per batch the first run at that shape (primitives and memory
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

from benchlib import bench, run as run_cmd

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))


def export(folder, name):
    """`name` exported with a symbolic batch; returns its path and the
    shape of one item."""
    import torch
    import make_models
    torch.set_num_threads(1)
    model, x = make_models.build(name)
    path = os.path.join(folder, "%s-batch.onnx" % name)
    with torch.no_grad():
        torch.onnx.export(model, (x,), path, opset_version=13,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"},
                                        "output": {0: "batch"}})
    return path, tuple(x.shape[1:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--model", default="mlp")
    ap.add_argument("--batches", default="1,8,32")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--aic-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--dir", default="/tmp/aic-dynamic-bench")
    args = ap.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    os.makedirs(args.dir, exist_ok=True)
    print("load:", open("/proc/loadavg").read().strip(), flush=True)

    compile_ = os.path.join(args.aic_dir, "bin", "aic-compile")
    aic = [os.path.join(args.aic_dir, "bin", "aic-run")]
    ort = ["node", os.path.join(BENCH, "ort-run.js")]
    model, item = export(args.dir, args.model)
    symbolic = os.path.join(args.dir, "%s-batch.so" % args.model)
    run_cmd([compile_, model, "-o", symbolic], "aic-compile")

    rng = np.random.default_rng(0)
    arenas = {}
    for b in batches:
        static = os.path.join(args.dir, "%s-%d.so" % (args.model, b))
        run_cmd([compile_, model, "-o", static, "--input-shape",
                 "input=" + "x".join(map(str, (b,) + item))], "aic-compile")
        inputs = os.path.join(args.dir, "inputs-%s-%d" % (args.model, b))
        os.makedirs(inputs, exist_ok=True)
        x = rng.standard_normal((b,) + item, dtype=np.float32)
        with open(os.path.join(inputs, "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(x, "input").SerializeToString())
        times = {"symbolic": [], "static": [], "ORT": []}
        for _ in range(args.rounds):
            for name, runner, lib in (("symbolic", aic, symbolic),
                                      ("static", aic, static),
                                      ("ORT", ort, model)):
                times[name].append(bench(runner, lib, inputs, args.threads,
                                         args.runs, args.warmup, name))
        arenas[b] = json.loads(subprocess.run(
            aic + [static, "--inputs", inputs, "--bench", "--runs", "1",
                   "--warmup", "0", "--json"], capture_output=True, text=True,
            check=True).stdout.strip().splitlines()[-1])["arena_bytes"]
        m = {k: statistics.median(v) for k, v in times.items()}
        print("batch %d, %d thread(s): symbolic %.4f ms, static %.4f ms, "
              "ORT %.4f ms; symbolic/static %.3f, symbolic/ORT %.2f" %
              (b, args.threads, m["symbolic"], m["static"], m["ORT"],
               m["symbolic"] / m["static"], m["symbolic"] / m["ORT"]),
              flush=True)

    tool = os.path.join(args.dir, "shape-change")
    lib = os.path.join(args.aic_dir, "lib")
    run_cmd(["cc", "-O2", "-I", os.path.join(ROOT, "include"),
             os.path.join(BENCH, "shape-change.c"), "-o", tool, "-L", lib,
             "-laicrt", "-Wl,-rpath," + lib], "cc")
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    out = subprocess.run([tool, symbolic, str(args.threads)] +
                         [str(b) for b in sorted(batches)],
                         capture_output=True, text=True, env=env,
                         check=True).stdout
    report = json.loads(out)
    for s in report["shapes"]:
        # The static library of that batch in a fresh process: its load
        # creates the primitives the symbolic one creates at a new shape.
        static = json.loads(subprocess.run(
            [tool, os.path.join(args.dir, "%s-%d.so" % (args.model, s["dim"])),
             str(args.threads), str(s["dim"])], capture_output=True,
            text=True, env=env, check=True).stdout)
        print("batch %d: first run %.3f ms (load %.3f ms), steady %.4f ms, "
              "arena %d bytes; static library: load %.3f ms, first run "
              "%.3f ms, arena %d bytes" %
              (s["dim"], s["first_ms"], report["load_ms"], s["steady_ms"],
               s["arena_bytes"], static["load_ms"],
               static["shapes"][0]["first_ms"], arenas[s["dim"]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
