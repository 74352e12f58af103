#!/usr/bin/python3
"""transformers.py - the transformer benchmark: aic against ONNX Runtime on
encoders exported by PyTorch, interleaved.

  benchmarks/transformers.py [--models small,bert,vit] [--threads 1,2]
                             [--rounds R] [--runs N] [--warmup W]
                             [--aic-dir BUILD] [--models-dir DIR]
                             [--results FILE] [--check-only] [--reuse]
                             [--cpu-time]

Models (PyTorch 1.13's exporter at opset 13, seed 0, fp32, batch 1):
  small  Embedding(1000, 256) + a learned position embedding -> 4 x
         nn.TransformerEncoderLayer(256, 4 heads, FFN 1024, GELU,
         batch_first), 64 tokens;
  bert   the same at BERT-base size: Embedding(30522, 768) + positions ->
         12 layers (768, 12 heads, FFN 3072, GELU), 128 tokens, each layer
         with its own random weights;
  vit    torchvision's vit_b_16 (weights=None, the zero-initialized
         classifier head given random weights), one 224x224 image.
For each model:
  1. export: DIR/NAME/model.onnx and test_data_set_0 (seeded input and
     PyTorch's output);
  2. compile with aic-compile (timed);
  3. numerics: aic and ONNX Runtime run test_data_set_0 once; the largest
     |out - torch| over the largest |torch| must be <= 1e-4;
  4. peak memory (unless --check-only): one fresh process each loads the
     model and runs it once on 1 thread (aic: benchmarks/first-result.c
     built against the build's libaicrt; ORT: ort-run.js --first-result on
     test_data_set_0); reported: the peak RSS above the process's baseline;
  5. latency (unless --check-only): R rounds; in each, for every thread
     count, aic-run --bench and ort-run.js --bench (N timed runs after W
     warm-up runs) alternate, so both see the same machine state. Reported:
     the median of the rounds' medians, and aic/ORT (below 1: aic is
     faster).
With --cpu-time, each round also measures the CPU time of one 1-thread run
of each (benchlib.cpu_ms_per_run) and reports its median ratio: on a machine
loaded by other work that ratio stays much closer to the quiet machine's
latency ratio at 1 thread than latencies do.
The tables replace the "Transformers" section of --results (default
benchmarks/RESULTS.md), between its <!-- transformers:begin/end --> markers.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

from benchlib import (build_first_result, cpu_ms_per_run, interleaved_rows, peak_rss_mib,
                      replace_section, run as run_cmd, run_outputs)

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
TOL = 1e-4
BEGIN, END = "<!-- transformers:begin -->", "<!-- transformers:end -->"
# name: (layers, hidden, heads, ffn, vocab, tokens)
ENCODERS = {"small": (4, 256, 4, 1024, 1000, 64),
            "bert": (12, 768, 12, 3072, 30522, 128)}


def encoder_model(layers, hidden, heads, ffn, vocab, tokens, sliced=False):
    """The encoder and a batch of `tokens` ids. With `sliced`, the positions
    are sliced to the ids' length (`position[:, :seq]`), so that the model
    exports with a symbolic sequence (benchmarks/dynamic.py)."""
    import torch
    from torch import nn

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(vocab, hidden)
            self.position = nn.Parameter(torch.randn(1, tokens, hidden) * 0.02)
            # nn.TransformerEncoder deep-copies one layer: build each layer
            # on its own so that every layer has its own random weights.
            self.layers = nn.ModuleList(
                nn.TransformerEncoderLayer(hidden, heads, ffn, dropout=0.0,
                                           activation="gelu", batch_first=True)
                for _ in range(layers))

        def forward(self, ids):
            position = self.position[:, :ids.shape[1]] if sliced else self.position
            x = self.embedding(ids) + position
            for layer in self.layers:
                x = layer(x)
            return x

    model = Encoder().eval()
    ids = torch.from_numpy(np.random.default_rng(0).integers(
        0, vocab, (1, tokens), dtype=np.int64))
    return model, ids, "ids"


def vit_model():
    import torch
    import torchvision
    model = torchvision.models.vit_b_16(weights=None).eval()
    # torchvision zeroes the classifier head: random weights make the
    # numerics check see the whole network.
    torch.nn.init.normal_(model.heads.head.weight, std=0.02)
    torch.nn.init.normal_(model.heads.head.bias, std=0.02)
    image = torch.from_numpy(np.random.default_rng(0).standard_normal(
        (1, 3, 224, 224)).astype(np.float32))
    return model, image, "image"


def export(name, outdir):
    import torch
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model, x, input_name = (vit_model() if name == "vit"
                            else encoder_model(*ENCODERS[name]))
    data = os.path.join(outdir, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(outdir, "model.onnx")
    # With gradients enabled: under no_grad, nn.TransformerEncoderLayer
    # takes its fused fast path, which the exporter cannot export.
    y = model(x).detach()
    torch.onnx.export(model, (x,), path, opset_version=13,
                      input_names=[input_name], output_names=["y"])
    onnx.save_tensor(numpy_helper.from_array(x.numpy(), input_name),
                     os.path.join(data, "input_0.pb"))
    onnx.save_tensor(numpy_helper.from_array(y.numpy(), "y"),
                     os.path.join(data, "output_0.pb"))
    return path


def run(cmd):
    return run_cmd(cmd, "transformers.py")


def numerics(runner, model, folder, outdir):
    """The largest |out - torch| relative to the largest |torch|."""
    want, got = run_outputs(runner, model, folder, outdir, "transformers.py")
    want = want.astype(np.float64)
    return float(np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-30))



def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="small,bert,vit")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=0,
                    help="timed runs per measurement (default: 200 for small, 10 otherwise)")
    ap.add_argument("--warmup", type=int, default=0,
                    help="warm-up runs (default: 20 for small, 3 otherwise)")
    ap.add_argument("--aic-dir", default=os.environ.get("AIC_BUILD_DIR",
                                                        os.path.join(ROOT, "build")))
    ap.add_argument("--models-dir", default=None)
    ap.add_argument("--results", default=os.path.join(BENCH, "RESULTS.md"))
    ap.add_argument("--check-only", action="store_true",
                    help="export, compile and check numerics; no timing, no report")
    ap.add_argument("--reuse", action="store_true",
                    help="keep a model already exported into the models dir")
    ap.add_argument("--cpu-time", action="store_true",
                    help="also print aic/ORT by CPU time per 1-thread run (robust to load)")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    models_dir = args.models_dir or os.path.join(args.aic_dir, "transformer-models")
    aic_compile = os.path.join(args.aic_dir, "bin", "aic-compile")
    aic = [os.path.join(args.aic_dir, "bin", "aic-run")]
    ort = ["node", os.path.join(BENCH, "ort-run.js")]

    rows, checks, cpu_rows = [], [], []
    if not args.check_only:
        os.makedirs(models_dir, exist_ok=True)
        probe = build_first_result(args.aic_dir, models_dir, "transformers.py")
    for name in args.models.split(","):
        if name not in ENCODERS and name != "vit":
            sys.exit(f"transformers.py: unknown model '{name}'")
        folder = os.path.join(models_dir, name)
        model = os.path.join(folder, "model.onnx")
        if not (args.reuse and os.path.exists(os.path.join(
                folder, "test_data_set_0", "output_0.pb"))):
            model = export(name, folder)
        lib = os.path.join(folder, "model.so")
        start = time.time()
        run([aic_compile, model, "-o", lib])
        compile_s = time.time() - start
        errs = {"aic": numerics(aic, lib, folder, os.path.join(folder, "out-aic"))}
        if not args.check_only:
            errs["ORT"] = numerics(ort, model, folder, os.path.join(folder, "out-ort"))
        rss = {}
        checks.append((name, compile_s, errs, rss))
        print(f"{name}: compiled in {compile_s:.1f} s, relative error "
              + ", ".join(f"{k} {v:.2g}" for k, v in errs.items()), flush=True)
        for who, err in errs.items():
            if err > TOL:
                sys.exit(f"transformers.py: {name}: {who} differs from PyTorch "
                         f"by {err:.3g} of the largest output")
        if args.check_only:
            continue
        inputs = os.path.join(folder, "test_data_set_0")
        rss["aic"] = peak_rss_mib([probe, lib, "1"], 1, "transformers.py")
        rss["ORT"] = peak_rss_mib(ort + [model, "--first-result", "--threads", "1",
                                         "--inputs", inputs], 1, "transformers.py")
        print(f"{name}: peak RSS aic {rss['aic']:.1f} MiB, ORT {rss['ORT']:.1f} MiB",
              flush=True)
        runs = args.runs or (200 if name == "small" else 10)
        warmup = args.warmup or (20 if name == "small" else 3)
        rows += interleaved_rows(name, (aic, lib), (ort, model), inputs, threads,
                                 args.rounds, runs, warmup, "transformers.py")
        if args.cpu_time:
            cpu = {"aic": [], "ORT": []}
            for _ in range(args.rounds):
                cpu["aic"].append(cpu_ms_per_run(aic, lib, inputs, runs, warmup,
                                                 "transformers.py"))
                cpu["ORT"].append(cpu_ms_per_run(ort, model, inputs, runs, warmup,
                                                 "transformers.py"))
            a, o = statistics.median(cpu["aic"]), statistics.median(cpu["ORT"])
            print(f"{name}, CPU time per 1-thread run: aic {a:.3f} ms, ORT {o:.3f} ms, "
                  f"aic/ORT {a / o:.2f}", flush=True)
            cpu_rows.append(f"| {name} | {args.rounds} x {runs} | {a:.3f} | {o:.3f} "
                            f"| {a / o:.2f} |")
    if args.check_only:
        return

    load = os.getloadavg()[0]
    lines = [BEGIN, "## Transformers", "",
             "Generated by benchmarks/transformers.py: `small` (Embedding + learned "
             "positions -> 4 x nn.TransformerEncoderLayer(256, 4 heads, FFN 1024, "
             "GELU), 64 tokens), `bert` (the same at BERT-base size: 12 layers, 768, "
             "12 heads, FFN 3072, 128 tokens) and torchvision's `vit` (vit_b_16, "
             "224x224), batch 1, exported by PyTorch at opset 13. Medians of the "
             "rounds' medians; aic and ONNX Runtime alternate within each round. "
             f"Load average at the end: {load:.2f}.", "",
             "| model | threads | rounds x runs | aic ms | ORT ms | aic/ORT |",
             "|---|---:|---:|---:|---:|---:|"] + rows
    if cpu_rows:
        lines += ["", "CPU time per 1-thread run (`--cpu-time`: the CPU time of a run of "
                  "2N runs minus that of N runs, over N; medians of the rounds), much less "
                  "sensitive than latency to other work on the machine (on a loaded machine "
                  "its ratios still vary by a few hundredths between runs):", "",
                  "| model | rounds x N | aic ms | ORT ms | aic/ORT |",
                  "|---|---:|---:|---:|---:|"] + cpu_rows
    lines += ["", "| model | compile s | error aic vs PyTorch | error ORT vs PyTorch "
              "| peak RSS aic MiB | peak RSS ORT MiB |",
              "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {n} | {c:.2f} | {e['aic']:.2g} | {e['ORT']:.2g} | {m['aic']:.1f} "
              f"| {m['ORT']:.1f} |" for n, c, e, m in checks]
    lines += ["", "Errors are the largest |out - PyTorch| over the largest |PyTorch|. Peak "
              "RSS: one fresh process loading the model and running it once on 1 thread, "
              "above the process's baseline (aic: benchmarks/first-result.c; ORT: "
              "ort-run.js --first-result)."]
    lines.append(END)
    replace_section(args.results, BEGIN, END, lines)
    print(f"transformers.py: wrote {args.results}")


if __name__ == "__main__":
    main()
