#!/usr/bin/python3
"""recurrent.py - the recurrent benchmark: aic against ONNX Runtime on the
textbook text classifiers, interleaved.

  benchmarks/recurrent.py [--threads 1,2] [--rounds R] [--runs N]
                          [--warmup W] [--aic-dir BUILD] [--models-dir DIR]
                          [--results FILE]

Models (exported with PyTorch at opset 14, seed 0): Embedding(10000, 64) ->
2-layer LSTM (hidden 64) -> Linear(64, 1) on the last step -> Sigmoid, over
a sequence of 100 tokens, batch 1 ("lstm"); the same with a GRU ("gru").
For each model:
  1. export: DIR/NAME/model.onnx and test_data_set_0 (seeded token ids and
     PyTorch's output);
  2. compile with aic-compile;
  3. numerics: aic and ONNX Runtime run test_data_set_0 once; each output's
     max |out - torch| must be <= 1e-5;
  4. latency: R rounds; in each, for every thread count, aic-run --bench and
     ort-run.js --bench (N timed runs after W warm-up runs) alternate, so
     both see the same machine state. Reported: the median of the rounds'
     medians, and aic/ORT (below 1: aic is faster).
The tables replace the "Recurrent models" section of --results (default
benchmarks/RESULTS.md), between its <!-- recurrent:begin/end --> markers.
"""
import argparse
import os
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

from benchlib import interleaved_rows, replace_section, run as run_cmd, run_outputs

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
TOL = 1e-5
BEGIN, END = "<!-- recurrent:begin -->", "<!-- recurrent:end -->"


def export(cell, outdir):
    import torch
    from torch import nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(10000, 64)
            self.rnn = getattr(nn, cell)(64, 64, num_layers=2)
            self.fc = nn.Linear(64, 1)

        def forward(self, tokens):
            out, _ = self.rnn(self.embedding(tokens))
            return torch.sigmoid(self.fc(out[-1]))

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = Classifier().eval()
    tokens = torch.from_numpy(
        np.random.default_rng(0).integers(0, 10000, (100, 1), dtype=np.int64))
    data = os.path.join(outdir, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(outdir, "model.onnx")
    with torch.no_grad():
        y = model(tokens)
        torch.onnx.export(model, (tokens,), path, opset_version=14,
                          input_names=["tokens"], output_names=["prob"])
    onnx.save_tensor(numpy_helper.from_array(tokens.numpy(), "tokens"),
                     os.path.join(data, "input_0.pb"))
    onnx.save_tensor(numpy_helper.from_array(y.numpy(), "prob"),
                     os.path.join(data, "output_0.pb"))
    return path


def run(cmd):
    return run_cmd(cmd, "recurrent.py")


def numerics(runner, model, folder, outdir):
    want, got = run_outputs(runner, model, folder, outdir, "recurrent.py")
    return float(np.max(np.abs(got.astype(np.float64) - want)))



def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--aic-dir", default=os.environ.get("AIC_BUILD_DIR",
                                                        os.path.join(ROOT, "build")))
    ap.add_argument("--models-dir", default=None)
    ap.add_argument("--results", default=os.path.join(BENCH, "RESULTS.md"))
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    models_dir = args.models_dir or os.path.join(args.aic_dir, "recurrent-models")
    aic_compile = os.path.join(args.aic_dir, "bin", "aic-compile")
    aic = [os.path.join(args.aic_dir, "bin", "aic-run")]
    ort = ["node", os.path.join(BENCH, "ort-run.js")]

    rows, checks = [], []
    for name, cell in (("lstm", "LSTM"), ("gru", "GRU")):
        folder = os.path.join(models_dir, name)
        model = export(cell, folder)
        lib = os.path.join(folder, "model.so")
        start = time.time()
        run([aic_compile, model, "-o", lib])
        compile_s = time.time() - start
        ir = run([aic_compile, model, "--emit=aic", "-o", "-"])
        prims = ir.count("aic.rnn ")
        errs = {"aic": numerics(aic, lib, folder, os.path.join(folder, "out-aic")),
                "ORT": numerics(ort, model, folder, os.path.join(folder, "out-ort"))}
        checks.append((name, compile_s, prims, errs))
        for who, err in errs.items():
            if err > TOL:
                sys.exit(f"recurrent.py: {name}: {who} differs from PyTorch by {err:.3g}")
        inputs = os.path.join(folder, "test_data_set_0")
        rows += interleaved_rows(name, (aic, lib), (ort, model), inputs, threads,
                                 args.rounds, args.runs, args.warmup, "recurrent.py")

    load = os.getloadavg()[0]
    lines = [BEGIN, "## Recurrent models", "",
             "Generated by benchmarks/recurrent.py: Embedding(10000, 64) -> 2-layer "
             "LSTM or GRU (hidden 64) -> Linear -> Sigmoid, 100 tokens, batch 1, "
             "exported by PyTorch at opset 14. Medians of the rounds' medians; "
             f"aic and ONNX Runtime alternate within each round. Load average "
             f"at the end: {load:.2f}.", "",
             "| model | threads | rounds x runs | aic ms | ORT ms | aic/ORT |",
             "|---|---:|---:|---:|---:|---:|"] + rows
    lines += ["", "| model | compile s | aic.rnn ops | max abs err aic vs PyTorch "
              "| max abs err ORT vs PyTorch |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {n} | {c:.2f} | {p} | {e['aic']:.2g} | {e['ORT']:.2g} |"
              for n, c, p, e in checks]
    lines.append(END)
    replace_section(args.results, BEGIN, END, lines)
    print(f"recurrent.py: wrote {args.results}")


if __name__ == "__main__":
    main()
