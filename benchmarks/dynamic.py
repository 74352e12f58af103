#!/usr/bin/python3
"""dynamic.py - what a symbolic batch dim costs: one library compiled with
the batch symbolic against one compiled for each batch (--input-shape), and
ONNX Runtime on the symbolic model, interleaved.

  benchmarks/dynamic.py [--batches 1,8,32] [--threads 1] [--rounds R]
                        [--runs N] [--warmup W] [--aic-dir BUILD] [--dir DIR]

Model: the e2e MLP (784-512-512-10, test/e2e/make_models.py, seed 0)
exported with dynamic_axes (input and output dim 0 named `batch`).
  1. latency: for each batch, R rounds; in each, aic-run --bench on the
     symbolic library, on the static one, and ort-run.js --bench alternate.
     Reported: medians of the rounds' medians, symbolic/static (the target
     is at most 1.05) and symbolic/ORT.
  2. shape changes: benchmarks/shape-change.c in a fresh process: the load
     time, and per batch the first run at that shape (primitives and memory
     plan created then) and the steady-state median.
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


def export(folder):
    import torch
    import make_models
    torch.set_num_threads(1)
    model, x = make_models.build("mlp")
    path = os.path.join(folder, "mlp-batch.onnx")
    with torch.no_grad():
        torch.onnx.export(model, (x,), path, opset_version=13,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"},
                                        "output": {0: "batch"}})
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
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
    model = export(args.dir)
    symbolic = os.path.join(args.dir, "mlp-batch.so")
    run_cmd([compile_, model, "-o", symbolic], "aic-compile")

    rng = np.random.default_rng(0)
    for b in batches:
        static = os.path.join(args.dir, "mlp-%d.so" % b)
        run_cmd([compile_, model, "-o", static, "--input-shape",
                 "input=%dx784" % b], "aic-compile")
        inputs = os.path.join(args.dir, "inputs-%d" % b)
        os.makedirs(inputs, exist_ok=True)
        x = rng.standard_normal((b, 784), dtype=np.float32)
        with open(os.path.join(inputs, "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(x, "input").SerializeToString())
        times = {"symbolic": [], "static": [], "ORT": []}
        for _ in range(args.rounds):
            for name, runner, lib in (("symbolic", aic, symbolic),
                                      ("static", aic, static),
                                      ("ORT", ort, model)):
                times[name].append(bench(runner, lib, inputs, args.threads,
                                         args.runs, args.warmup, name))
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
                         [str(b) for b in batches], capture_output=True,
                         text=True, env=env, check=True).stdout
    report = json.loads(out)
    for s in report["shapes"]:
        print("batch %d: first run %.3f ms (load %.3f ms), steady %.4f ms" %
              (s["dim"], s["first_ms"], report["load_ms"], s["steady_ms"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
