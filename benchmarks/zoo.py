#!/usr/bin/python3
"""zoo.py - the model-zoo benchmark: aic builds against ONNX Runtime, interleaved.

  benchmarks/zoo.sh [--aic NAME=PATH]... [--no-ort] [--threads N]
                    [--rounds R] [--runs N] [--warmup W] [--round-ms MS]
                    [--models-dir DIR] [--regen] [--taskset CPUS]
                    [--json FILE] [MODEL...]

For each MODEL (default: lenet mlp resnet18 resnet50 mobilenet_v2
efficientnet_b0 squeezenet1_1; any name test/e2e/make_models.py knows):
  1. generates it with PyTorch into DIR/MODEL (default DIR:
     $AIC_BUILD_DIR/bench-models, else build/bench-models; an existing
     model.onnx is reused unless --regen);
  2. runs it once with every runtime on test_data_set_0 and checks the
     output against PyTorch's with test/e2e/compare.py (accuracy = max abs
     error / max |expected|, tolerance 1e-4); a runtime that fails here
     (e.g. an unsupported operator) is reported with its first error line
     and not timed on that model;
  3. times it in R rounds (default 5): each round runs every runtime once,
     `--bench --json --threads N --warmup W --runs N` in a fresh process,
     the order rotated from round to round, so drift and noise from other
     load hit all runtimes alike. The result per runtime is the median of
     its round medians; the spread (min..max of round medians) shows noise.

Runtimes: each --aic NAME=PATH is an aic build: PATH is an aic-run binary
or a build directory holding bin/aic-run. When PATH/../lib (the build's lib
directory) holds libaicrt.so, it is put first on LD_LIBRARY_PATH for that
runtime, so a copied build (e.g. /work/build-baseline) runs with its own
runtime library rather than the one its RUNPATH names. Each build compiles
the .onnx itself into its own fresh cache (DIR/cache-NAME, emptied at the
start). Default without --aic: aic=build/bin/aic-run. ONNX Runtime
("ort": node benchmarks/ort-run.js, onnxruntime-node from
`bash scripts/setup.sh --with-ort`) is always included unless --no-ort.

--runs N fixes the timed runs per round; by default they are calibrated per
model so that a round of the fastest runtime takes about --round-ms
(default 1000) ms, between 5 and 500 runs, the same count for every
runtime. --warmup defaults to 5. --threads defaults to 1 (0 = all cores).
--taskset CPUS pins every timed process with `taskset -c CPUS`.

Prints, per model, one line per runtime (median ms, round spread, ratio to
ONNX Runtime = runtime ms / ort ms, lower is faster, and accuracy), then a
summary table. --json FILE also writes every round's numbers. Exit status
1 if any runtime failed or was inaccurate on any model, 2 on usage errors.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"
DEFAULT_MODELS = ["lenet", "mlp", "resnet18", "resnet50", "mobilenet_v2",
                  "efficientnet_b0", "squeezenet1_1"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Runtime:
    def __init__(self, name, cmd, env=None, kind="aic"):
        self.name, self.cmd, self.env, self.kind = name, cmd, env, kind
        self.cache = None

    def argv(self, model, extra):
        args = list(self.cmd) + [model]
        if self.kind == "aic":
            args += ["--cache-dir", self.cache]
        return args + extra


def parse_aic(spec):
    if "=" not in spec:
        raise SystemExit(f"zoo: --aic expects NAME=PATH, got {spec!r}")
    name, path = spec.split("=", 1)
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name == "ort":
        raise SystemExit(f"zoo: bad runtime name {name!r} (letters, digits, _.-; not 'ort')")
    path = os.path.abspath(path)
    if os.path.isdir(path):
        path = os.path.join(path, "bin", "aic-run")
    if not os.access(path, os.X_OK):
        raise SystemExit(f"zoo: {path} is not an executable aic-run")
    env = dict(os.environ)
    lib = os.path.join(os.path.dirname(os.path.dirname(path)), "lib")
    if any(f.startswith("libaicrt.so") for f in (os.listdir(lib) if os.path.isdir(lib) else [])):
        old = env.get("LD_LIBRARY_PATH")
        env["LD_LIBRARY_PATH"] = lib + (":" + old if old else "")
    return Runtime(name, [path], env)


def run(argv, env=None, taskset=None):
    if taskset:
        argv = ["taskset", "-c", taskset] + argv
    return subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)


def first_error(proc):
    lines = [l for l in (proc.stderr + proc.stdout).splitlines() if l.strip()]
    for l in lines:
        if "error" in l.lower():
            return l.strip()
    return lines[0].strip() if lines else f"exit status {proc.returncode}"


def check_accuracy(rt, model_dir, out_dir):
    """Runs the model once, compares with PyTorch. Returns (ok, ratio, message)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    data = os.path.join(model_dir, "test_data_set_0")
    t0 = time.monotonic()
    p = run(rt.argv(os.path.join(model_dir, "model.onnx"),
                    ["--inputs", data, "--outputs", out_dir]), rt.env)
    elapsed = time.monotonic() - t0
    if p.returncode != 0:
        return None, None, first_error(p)
    c = run([PYTHON, os.path.join(ROOT, "test", "e2e", "compare.py"), data, out_dir])
    ratios = [float(m) for m in re.findall(r"ratio (\S+)", c.stdout)]
    ratio = max(ratios) if ratios else None
    if c.returncode != 0:
        bad = [l for l in c.stdout.splitlines() if "FAIL" in l] or [first_error(c)]
        return False, ratio, bad[0]
    return True, ratio, f"first run {elapsed:.1f} s"


def bench(rt, model_dir, threads, warmup, runs, taskset):
    p = run(rt.argv(os.path.join(model_dir, "model.onnx"),
                    ["--bench", "--json", "--threads", str(threads), "--warmup", str(warmup),
                     "--runs", str(runs), "--inputs", os.path.join(model_dir, "test_data_set_0")]),
            rt.env, taskset)
    if p.returncode != 0:
        raise RuntimeError(first_error(p))
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"no JSON from {rt.name}: {p.stdout.strip()[:200]}")
    return float(json.loads(lines[-1])["median_ms"])


def fmt_ms(x):
    return f"{x:.1f}" if x >= 100 else f"{x:.2f}" if x >= 1 else f"{x:.3f}"


def main():
    ap = argparse.ArgumentParser(prog="zoo.sh", usage=argparse.SUPPRESS, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", metavar="MODEL")
    ap.add_argument("--aic", action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("--no-ort", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--round-ms", type=float, default=1000.0)
    ap.add_argument("--models-dir")
    ap.add_argument("--regen", action="store_true")
    ap.add_argument("--taskset", metavar="CPUS")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    if args.rounds < 1 or args.runs < 0 or args.warmup < 0 or args.threads < 0:
        ap.error("--rounds must be >= 1, --runs, --warmup and --threads >= 0")

    runtimes = [parse_aic(s) for s in args.aic]
    if not runtimes:
        build = os.environ.get("AIC_BUILD_DIR", os.path.join(ROOT, "build"))
        runtimes = [parse_aic("aic=" + os.path.join(build, "bin", "aic-run"))]
    if len({r.name for r in runtimes}) != len(runtimes):
        ap.error("--aic names must be distinct")
    if not args.no_ort:
        probe = subprocess.run(["node", "-e", "require('onnxruntime-node')"],
                               cwd=os.path.join(ROOT, "benchmarks"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        if probe.returncode != 0:
            raise SystemExit("zoo: onnxruntime-node does not load: run `bash scripts/setup.sh "
                             "--with-ort` (or pass --no-ort)")
        runtimes.append(Runtime("ort", ["node", os.path.join(ROOT, "benchmarks", "ort-run.js")], kind="ort"))

    models = args.models or DEFAULT_MODELS
    mdir = os.path.abspath(args.models_dir or os.path.join(
        os.environ.get("AIC_BUILD_DIR", os.path.join(ROOT, "build")), "bench-models"))
    os.makedirs(mdir, exist_ok=True)
    for rt in runtimes:
        if rt.kind == "aic":
            rt.cache = os.path.join(mdir, "cache-" + rt.name)
            shutil.rmtree(rt.cache, ignore_errors=True)
            os.makedirs(rt.cache)

    log(f"zoo: runtimes {', '.join(r.name + '=' + ' '.join(r.cmd) for r in runtimes)}; "
        f"threads {args.threads}, rounds {args.rounds}, warmup {args.warmup}, "
        f"runs {args.runs or 'calibrated to ~%g ms a round' % args.round_ms}; models in {mdir}")
    results, failed = [], False
    for model in models:
        model_dir = os.path.join(mdir, model)
        if args.regen or not os.path.exists(os.path.join(model_dir, "model.onnx")):
            log(f"zoo: {model}: exporting with PyTorch")
            p = run([PYTHON, os.path.join(ROOT, "test", "e2e", "make_models.py"), model, model_dir])
            if p.returncode != 0:
                log(f"zoo: {model}: export failed: {first_error(p)}")
                failed = True
                continue
        res = {"model": model, "runtimes": {}}
        live = []
        for rt in runtimes:
            ok, ratio, msg = check_accuracy(rt, model_dir, os.path.join(model_dir, "out-" + rt.name))
            res["runtimes"][rt.name] = {"ok": ok, "accuracy": ratio, "note": msg, "rounds": []}
            if ok is None:
                failed = True
                log(f"zoo: {model}: {rt.name} cannot run it: {msg}")
            else:
                failed |= not ok
                live.append(rt)
        runs = args.runs
        if live and not runs:
            est = min(bench(rt, model_dir, args.threads, 1, 3, args.taskset) for rt in live)
            runs = max(5, min(500, int(args.round_ms / max(est, 1e-3))))
        res["runs"] = runs
        for r in range(args.rounds):
            order = live[r % len(live):] + live[:r % len(live)] if live else []
            for rt in order:
                try:
                    ms = bench(rt, model_dir, args.threads, args.warmup, runs, args.taskset)
                except RuntimeError as e:
                    log(f"zoo: {model}: {rt.name} round {r + 1} failed: {e}")
                    res["runtimes"][rt.name]["ok"] = None
                    res["runtimes"][rt.name]["note"] = str(e)
                    live = [x for x in live if x is not rt]
                    failed = True
                    continue
                res["runtimes"][rt.name]["rounds"].append(ms)
            log(f"zoo: {model}: round {r + 1}/{args.rounds}: " +
                ", ".join(f"{rt.name} {fmt_ms(res['runtimes'][rt.name]['rounds'][-1])} ms" for rt in live))
        for rt in runtimes:
            d = res["runtimes"][rt.name]
            d["median_ms"] = statistics.median(d["rounds"]) if d["rounds"] and d["ok"] is not None else None
        ort = res["runtimes"].get("ort", {}).get("median_ms")
        print(f"{model}: threads {args.threads}, {args.rounds} rounds x {runs} runs")
        for rt in runtimes:
            d = res["runtimes"][rt.name]
            if d["median_ms"] is None:
                print(f"  {rt.name:<12} {'-':>10}  not run: {d['note']}")
                continue
            vs = f"{d['median_ms'] / ort:6.2f}x ort" if ort and rt.kind == "aic" else " " * 10
            acc = (f"{'ok' if d['ok'] else 'FAIL'} {d['accuracy']:.1e}" if d["accuracy"] is not None
                   else ("ok" if d["ok"] else "FAIL"))
            print(f"  {rt.name:<12} {fmt_ms(d['median_ms']):>10} ms  "
                  f"[{fmt_ms(min(d['rounds']))}..{fmt_ms(max(d['rounds']))}]  {vs}  accuracy {acc}")
        sys.stdout.flush()
        results.append(res)

    # Summary table.
    names = [r.name for r in runtimes]
    aics = [r.name for r in runtimes if r.kind == "aic"]
    head = ["model"] + [f"{n} ms" for n in names] + ([f"{n}/ort" for n in aics] if "ort" in names else [])
    rows = []
    for res in results:
        row = [res["model"]]
        for n in names:
            ms = res["runtimes"][n]["median_ms"]
            row.append(fmt_ms(ms) if ms is not None else "-")
        if "ort" in names:
            ort = res["runtimes"]["ort"]["median_ms"]
            for n in aics:
                ms = res["runtimes"][n]["median_ms"]
                row.append(f"{ms / ort:.2f}" if ms is not None and ort else "-")
        rows.append(row)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    print(f"\nsummary: median of {args.rounds} round medians, threads {args.threads}; "
          "NAME/ort = NAME ms / ort ms (below 1: faster than ONNX Runtime)")
    for row in [head] + rows:
        print("  " + "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w)
                               for i, (x, w) in enumerate(zip(row, widths))))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"threads": args.threads, "rounds": args.rounds, "warmup": args.warmup,
                       "runtimes": {r.name: " ".join(r.cmd) for r in runtimes},
                       "results": results}, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
