#!/usr/bin/python3
"""zoo.py - the model-zoo benchmark: aic against ONNX Runtime, interleaved.

Full run (the numbers in benchmarks/RESULTS.md; about 15 minutes on a quiet
2-core machine):

  benchmarks/zoo.sh --full

Development run (resnet18, 1 thread, 3 rounds; under a minute):

  benchmarks/zoo.sh

Usage:

  benchmarks/zoo.sh [--full] [--aic NAME=PATH]... [--no-ort] [--threads T,...]
                    [--rounds R] [--runs N] [--warmup W] [--round-ms MS]
                    [--startup-runs S] [--peak-gflops G] [--models-dir DIR]
                    [--regen] [--taskset CPUS] [--results FILE] [--json FILE]
                    [MODEL...]

--full is short for `--threads 1,2 --rounds 5 resnet18 resnet50 resnet50-b8
mobilenet_v2 efficientnet_b0 squeezenet1_1`; options and models given
explicitly win. Without it: resnet18, --threads 1, --rounds 3. A MODEL is
any name test/e2e/make_models.py builds (lenet, mlp, torchvision models),
optionally with -bBATCH for another batch size (resnet50-b8).

For each MODEL:
  1. export: benchmarks/export_model.py writes DIR/MODEL/model.onnx (opset
     13, weights=None with fixed seeds, BatchNorm statistics calibrated on a
     seeded random batch) and test_data_set_0 (a seeded input and PyTorch's
     output). DIR: --models-dir, default $AIC_BUILD_DIR/zoo-models, else
     build/zoo-models. An existing model.onnx is reused unless --regen.
  2. FLOPs: 2 x the multiply-accumulates of its Conv, Gemm and MatMul nodes,
     from the graph's shapes after ONNX shape inference.
  3. compile: each aic build's aic-compile turns model.onnx into
     DIR/MODEL/aic-NAME/model.so, timed (wall clock of the process).
  4. numerics: every runtime runs test_data_set_0 once; its output must be
     within max|out - torch| <= 1e-4 * max|torch| (test/e2e/compare.py). A
     runtime that fails here is reported with its first error line and not
     timed on that model.
  5. latency, per thread count T: R rounds; each round starts every runtime
     once, in a fresh process, in an order rotated from round to round, as
     `--bench --json --threads T --warmup W --runs N`. A round's result is
     the median of its N timed runs; a runtime's latency is the median of
     its R round medians (spread: min..max of the round medians). N is
     --runs, or calibrated so that a round of the fastest runtime takes
     about --round-ms (default 1000) ms, between 30 and 500 runs.
  6. start-up, per thread count: S (--startup-runs, default 3) fresh
     processes per runtime, interleaved, each timing the load and the first
     inference and the peak RSS above the process baseline (aic:
     benchmarks/first-result.c, built against the aic build's libaicrt;
     ORT: ort-run.js --first-result); medians are reported.

Runtimes: each --aic NAME=PATH is an aic build: PATH is its aic-run binary
or a build directory holding bin/aic-run; aic-compile is taken from beside
aic-run and libaicrt from the build's lib directory, which also goes first
on LD_LIBRARY_PATH (so a copied build runs with its own runtime library).
Default: aic=$AIC_BUILD_DIR (else build). ONNX Runtime ("ORT": node
benchmarks/ort-run.js, onnxruntime-node from `bash scripts/setup.sh
--with-ort`) is always included unless --no-ort.

--threads takes a comma-separated list (0 = all cores). --peak-gflops is
the per-core FP32 peak for "% of peak" (default 116: see PEAK_NOTE); the
peak for T threads is T times it. --taskset CPUS pins every timed process.

Prints per model one line per runtime and thread count, and writes the
markdown report --results (default benchmarks/RESULTS.md; a run that is not
the full benchmark is marked as a smoke run there). --json FILE also writes
every measurement. Exit status 1 if any runtime failed or was inaccurate on
any model, 2 on usage errors.
"""
import argparse
import ctypes
import datetime
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "benchmarks")
PYTHON = "/usr/bin/python3"
FULL_MODELS = ["resnet18", "resnet50", "resnet50-b8", "mobilenet_v2", "efficientnet_b0",
               "squeezenet1_1"]
FULL_THREADS = [1, 2]
FULL_ROUNDS = 5
MIN_RUNS, MAX_RUNS = 30, 500
REL_TOL = 1e-4
PEAK_GFLOPS = 116.0
PEAK_NOTE = ("the default of --peak-gflops, assumed, not measured: 32 FP32 FLOP/cycle (two "
             "256-bit FMA pipes, as on the development machine's AMD EPYC Zen 4 cores) x ~3.6 GHz")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


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


def last_json(proc, what):
    """The last JSON object line of a successful process's stdout."""
    if proc.returncode != 0:
        raise RuntimeError(first_error(proc))
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"no JSON from {what}: {proc.stdout.strip()[:200]}")
    return json.loads(lines[-1])


# ---------------------------------------------------------------------------
# Runtimes.
# ---------------------------------------------------------------------------

class Runtime:
    """An aic build (kind "aic") or ONNX Runtime (kind "ort")."""

    def __init__(self, name, kind, cmd, env=None, compiler=None, lib=None):
        self.name, self.kind, self.cmd, self.env = name, kind, cmd, env
        self.compiler, self.lib = compiler, lib
        self.probe = None  # aic: the first-result binary built against self.lib

    @property
    def label(self):
        return "ORT" if self.kind == "ort" else self.name

    def model_file(self, model_dir):
        if self.kind == "ort":
            return os.path.join(model_dir, "model.onnx")
        return os.path.join(model_dir, "aic-" + self.name, "model.so")

    def probe_argv(self, model_dir, threads):
        if self.kind == "ort":
            return self.cmd + [self.model_file(model_dir), "--first-result",
                               "--threads", str(threads)]
        return [self.probe, self.model_file(model_dir), str(threads)]

    def probe_env(self, threads):
        env = dict(self.env or os.environ)
        if self.kind == "aic" and threads > 0:
            env["OMP_NUM_THREADS"] = str(threads)
        return env


def parse_aic(spec):
    if "=" not in spec:
        raise SystemExit(f"zoo: --aic expects NAME=PATH, got {spec!r}")
    name, path = spec.split("=", 1)
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name.lower() == "ort":
        raise SystemExit(f"zoo: bad runtime name {name!r} (letters, digits, _.-; not 'ort')")
    path = os.path.abspath(path)
    if os.path.isdir(path):
        path = os.path.join(path, "bin", "aic-run")
    compiler = os.path.join(os.path.dirname(path), "aic-compile")
    for exe in (path, compiler):
        if not os.access(exe, os.X_OK):
            raise SystemExit(f"zoo: {exe} is not an executable")
    env = dict(os.environ)
    lib = os.path.join(os.path.dirname(os.path.dirname(path)), "lib")
    if not os.path.exists(os.path.join(lib, "libaicrt.so")):
        lib = None
    else:
        old = env.get("LD_LIBRARY_PATH")
        env["LD_LIBRARY_PATH"] = lib + (":" + old if old else "")
    return Runtime(name, "aic", [path], env, compiler, lib)


def ort_runtime():
    probe = subprocess.run(["node", "-e", "require('onnxruntime-node')"], cwd=BENCH,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if probe.returncode != 0:
        raise SystemExit("zoo: onnxruntime-node does not load: run `bash scripts/setup.sh "
                         "--with-ort` (or pass --no-ort)")
    return Runtime("ort", "ort", ["node", os.path.join(BENCH, "ort-run.js")])


def build_probe(rt, out_dir):
    """Builds benchmarks/first-result.c against rt's libaicrt; None if impossible."""
    if rt.lib is None:
        log(f"zoo: {rt.name}: no lib/libaicrt.so beside the build: start-up not measured")
        return None
    exe = os.path.join(out_dir, "first-result-" + rt.name)
    p = run(["cc", "-O2", "-std=c11", "-I", os.path.join(ROOT, "include"),
             os.path.join(BENCH, "first-result.c"), "-o", exe, "-L", rt.lib, "-laicrt",
             "-Wl,-rpath," + rt.lib])
    if p.returncode != 0:
        log(f"zoo: {rt.name}: cannot build first-result.c: {first_error(p)}")
        return None
    return exe


# ---------------------------------------------------------------------------
# One model: export, FLOPs, compile, numerics, latency, start-up.
# ---------------------------------------------------------------------------

def export_model(spec, model_dir, regen):
    if not regen and os.path.exists(os.path.join(model_dir, "model.onnx")):
        return
    log(f"zoo: {spec}: exporting with PyTorch")
    p = run([PYTHON, os.path.join(BENCH, "export_model.py"), spec, model_dir])
    if p.returncode != 0:
        raise RuntimeError("export failed: " + first_error(p))


def tensor_shapes(graph):
    shapes = {i.name: list(i.dims) for i in graph.initializer}
    for v in list(graph.input) + list(graph.value_info) + list(graph.output):
        dims = v.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            shapes[v.name] = [d.dim_value for d in dims]
    return shapes


def count_flops(path):
    """Returns (FLOPs, input shape): 2 x the MACs of Conv, Gemm and MatMul nodes.

    Conv: prod(output shape) x prod(weight shape[1:]) (= C_in/group x kernel);
    Gemm and MatMul: prod(output shape) x K. Everything else is not counted.
    """
    graph = onnx.shape_inference.infer_shapes(onnx.load(path)).graph
    shapes = tensor_shapes(graph)
    macs = 0
    for node in graph.node:
        if node.op_type not in ("Conv", "Gemm", "MatMul"):
            continue
        out, a, b = (shapes.get(n) for n in (node.output[0], node.input[0], node.input[1]))
        if out is None or a is None or b is None:
            raise RuntimeError(f"{path}: no static shape for node {node.name!r}")
        if node.op_type == "Conv":
            k = math.prod(b[1:])
        elif node.op_type == "Gemm":
            trans_a = any(at.name == "transA" and at.i for at in node.attribute)
            k = a[0] if trans_a else a[1]
        else:
            k = a[-1]
        macs += math.prod(out) * k
    initializers = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    return 2 * macs, shapes[inputs[0].name]


def compile_model(rt, model_dir):
    """Compiles model.onnx with rt's aic-compile; returns (seconds, None) or (None, error)."""
    out = rt.model_file(model_dir)
    shutil.rmtree(os.path.dirname(out), ignore_errors=True)
    os.makedirs(os.path.dirname(out))
    t0 = time.monotonic()
    p = run([rt.compiler, os.path.join(model_dir, "model.onnx"), "-o", out], rt.env)
    seconds = time.monotonic() - t0
    return (seconds, None) if p.returncode == 0 else (None, first_error(p))


def check_numerics(rt, model_dir):
    """Runs test_data_set_0 once; returns (ok, relative max error or None, message)."""
    data = os.path.join(model_dir, "test_data_set_0")
    out_dir = os.path.join(model_dir, "out-" + rt.name)
    shutil.rmtree(out_dir, ignore_errors=True)
    p = run(rt.cmd + [rt.model_file(model_dir), "--inputs", data, "--outputs", out_dir], rt.env)
    if p.returncode != 0:
        return None, None, first_error(p)
    c = run([PYTHON, os.path.join(ROOT, "test", "e2e", "compare.py"), data, out_dir,
             "--rel-tol", str(REL_TOL)])
    ratios = [float(m) for m in re.findall(r"ratio (\S+)", c.stdout)]
    ratio = max(ratios) if ratios else None
    if c.returncode != 0:
        bad = [l for l in c.stdout.splitlines() if "FAIL" in l] or [first_error(c)]
        return False, ratio, bad[0]
    return True, ratio, "ok"


def bench(rt, model_dir, threads, warmup, runs, taskset):
    p = run(rt.cmd + [rt.model_file(model_dir), "--bench", "--json", "--threads", str(threads),
                      "--warmup", str(warmup), "--runs", str(runs), "--inputs",
                      os.path.join(model_dir, "test_data_set_0")], rt.env, taskset)
    return float(last_json(p, rt.name)["median_ms"])


def first_result(rt, model_dir, threads, taskset):
    """One fresh process: {load_ms, first_run_ms, peak_rss_kb above the baseline}."""
    p = run(rt.probe_argv(model_dir, threads), rt.probe_env(threads), taskset)
    r = last_json(p, rt.name + " first result")
    return {"load_ms": r["load_ms"], "first_run_ms": r["first_run_ms"],
            "peak_rss_kb": r["peak_rss_kb"] - r["baseline_rss_kb"]}


def rotated(items, r):
    k = r % len(items) if items else 0
    return items[k:] + items[:k]


class ModelRun:
    """The measurements of one model; drops a runtime from `live` when it fails."""

    def __init__(self, spec, model_dir, runtimes, args):
        self.spec, self.dir, self.args = spec, model_dir, args
        self.live = []
        self.failed = False
        self.result = {"model": spec, "runtimes": {rt.name: {"ok": None, "note": ""}
                                                   for rt in runtimes},
                       "threads": []}

    def drop(self, rt, msg):
        log(f"zoo: {self.spec}: {rt.name}: {msg}")
        self.result["runtimes"][rt.name].update(ok=None, note=msg)
        self.live = [x for x in self.live if x is not rt]
        self.failed = True

    def prepare(self, runtimes):
        self.result["flops"], self.result["input"] = count_flops(
            os.path.join(self.dir, "model.onnx"))
        for rt in runtimes:
            d = self.result["runtimes"][rt.name]
            if rt.kind == "aic":
                d["compile_s"], err = compile_model(rt, self.dir)
                if err:
                    self.drop(rt, "compile failed: " + err)
                    continue
            ok, ratio, msg = check_numerics(rt, self.dir)
            d.update(ok=ok, accuracy=ratio, note=msg)
            if ok is None:
                self.drop(rt, "cannot run it: " + msg)
                continue
            self.failed |= not ok
            self.live.append(rt)

    def calibrated_runs(self, threads):
        if self.args.runs:
            return self.args.runs
        est = min(bench(rt, self.dir, threads, 1, 3, self.args.taskset) for rt in self.live)
        return max(MIN_RUNS, min(MAX_RUNS, int(self.args.round_ms / max(est, 1e-3))))

    def measure(self, threads):
        a = self.args
        cells = {rt.name: {"rounds": [], "startup": []} for rt in self.live}
        entry = {"threads": threads, "runs": 0, "runtimes": cells}
        self.result["threads"].append(entry)
        if not self.live:
            return
        try:
            entry["runs"] = self.calibrated_runs(threads)
        except RuntimeError as e:
            log(f"zoo: {self.spec}: calibrating the run count failed: {e}")
            self.failed = True
            return
        for r in range(a.rounds):
            for rt in rotated(self.live, r):
                try:
                    cells[rt.name]["rounds"].append(
                        bench(rt, self.dir, threads, a.warmup, entry["runs"], a.taskset))
                except RuntimeError as e:
                    self.drop(rt, f"threads {threads}, round {r + 1}: {e}")
            log(f"zoo: {self.spec}: threads {threads}, round {r + 1}/{a.rounds}: " +
                ", ".join(f"{rt.label} {fmt_ms(cells[rt.name]['rounds'][-1])} ms"
                          for rt in self.live))
        startup = [rt for rt in self.live if rt.kind == "ort" or rt.probe]
        for r in range(a.startup_runs):
            for rt in rotated(startup, r):
                try:
                    cells[rt.name]["startup"].append(first_result(rt, self.dir, threads,
                                                                  a.taskset))
                except RuntimeError as e:
                    log(f"zoo: {self.spec}: {rt.name}: first result, threads {threads}: {e}")
                    startup = [x for x in startup if x is not rt]
                    self.failed = True
        for name, c in cells.items():
            summarize(c, self.result["runtimes"][name]["ok"] is not None)


def summarize(cell, ok):
    """Latency: median of the round medians. Start-up: the process with the (lower)
    median time to first result, with its load / first-run split; peak RSS: median."""
    cell["median_ms"] = statistics.median(cell["rounds"]) if ok and cell["rounds"] else None
    starts = sorted(cell["startup"], key=lambda s: s["load_ms"] + s["first_run_ms"])
    mid = starts[(len(starts) - 1) // 2] if starts else {}
    cell["load_ms"], cell["first_run_ms"] = mid.get("load_ms"), mid.get("first_run_ms")
    cell["first_result_ms"] = cell["load_ms"] + cell["first_run_ms"] if mid else None
    cell["peak_rss_kb"] = (statistics.median(s["peak_rss_kb"] for s in starts)
                           if starts else None)


# ---------------------------------------------------------------------------
# Reporting.
# ---------------------------------------------------------------------------

def fmt_ms(x):
    return "-" if x is None else f"{x:.1f}" if x >= 100 else f"{x:.2f}" if x >= 1 else f"{x:.3f}"


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def gflops_per_s(res, cell):
    ms = cell.get("median_ms")
    return res["flops"] / ms / 1e6 if ms else None


def percent_of_peak(gflops, threads, args):
    return 100 * gflops / (args.peak_gflops * (threads or os.cpu_count())) if gflops else None


def mib(kb):
    return kb / 1024 if kb is not None else None


def print_model(res, runtimes, args):
    rts = res["runtimes"]
    print(f"{res['model']}: input {'x'.join(map(str, res['input']))}, "
          f"{res['flops'] / 1e9:.3g} GFLOP")
    for rt in runtimes:
        d = rts[rt.name]
        compile_s = f"compile {d['compile_s']:.1f} s, " if d.get("compile_s") else ""
        acc = f" {d['accuracy']:.1e}" if d.get("accuracy") is not None else ""
        status = {True: "ok", False: "FAIL", None: "not run"}[d["ok"]]
        print(f"  {rt.label:<10} {compile_s}numerics {status}{acc}"
              + ("" if d["ok"] else f": {d['note']}"))
    for entry in res["threads"]:
        cells = entry["runtimes"]
        ort = cells.get("ort", {}).get("median_ms")
        print(f"  threads {entry['threads']}: {args.rounds} rounds x {entry['runs']} runs")
        for rt in runtimes:
            c = cells.get(rt.name)
            if not c or c["median_ms"] is None:
                continue
            vs = f"{c['median_ms'] / ort:5.2f}x ORT" if ort and rt.kind == "aic" else " " * 9
            g = gflops_per_s(res, c)
            start = (f"first result {fmt_ms(c['first_result_ms'])} ms, "
                     f"peak RSS +{mib(c['peak_rss_kb']):.1f} MiB"
                     if c["first_result_ms"] is not None else "start-up not measured")
            print(f"    {rt.label:<10} {fmt_ms(c['median_ms']):>8} ms "
                  f"[{fmt_ms(min(c['rounds']))}..{fmt_ms(max(c['rounds']))}] {vs}  "
                  f"{g:6.1f} GFLOP/s ({percent_of_peak(g, entry['threads'], args):.0f}% of peak)  "
                  f"{start}")
    sys.stdout.flush()


def table(head, rows, numeric=True):
    """A markdown table; with `numeric`, every column but the first is right-aligned."""
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---:" if i and numeric else "---" for i in range(len(head))) + "|"]
    return lines + ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]


def cpu_facts():
    with open("/proc/cpuinfo") as f:
        cpus = [dict(re.findall(r"^([^:\n]*?)\s*:\s*(.*)$", block, re.M))
                for block in f.read().split("\n\n") if block.strip()]
    cores = {(c.get("physical id"), c.get("core id")) for c in cpus}
    flags = set(cpus[0].get("flags", "").split()) if cpus else set()
    isa = [name for flag, name in (("avx2", "AVX2"), ("avx512f", "AVX-512"), ("amx_tile", "AMX"))
           if flag in flags]
    model = cpus[0].get("model name", "unknown") if cpus else "unknown"
    return (f"{model}; {os.cpu_count()} logical CPUs, {len(cores)} cores; "
            f"{' '.join(isa) or 'no AVX2'}")


def onednn_version(rt):
    """oneDNN's dnnl_version() from the libdnnl that rt's libaicrt (or aic-run) links."""
    lib = os.path.join(rt.lib, "libaicrt.so") if rt.lib else rt.cmd[0]
    m = re.search(r"(libdnnl\S*) => (\S+)", run(["ldd", lib], rt.env).stdout)
    if not m:
        return "unknown"

    class Version(ctypes.Structure):
        _fields_ = [("major", ctypes.c_int), ("minor", ctypes.c_int), ("patch", ctypes.c_int)]

    dnnl = ctypes.CDLL(m.group(2))
    dnnl.dnnl_version.restype = ctypes.POINTER(Version)
    v = dnnl.dnnl_version().contents
    return f"{v.major}.{v.minor}.{v.patch} ({m.group(2)})"


def machine_facts(runtimes, args, load_start):
    aics = [rt for rt in runtimes if rt.kind == "aic"]
    commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.strip()
    dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"]).stdout
    facts = [("CPU", cpu_facts()),
             ("aic", "; ".join(f"{rt.name} = {rt.cmd[0]}" for rt in aics)),
             ("oneDNN", onednn_version(aics[0]) if aics else "-")]
    if any(rt.kind == "ort" for rt in runtimes):
        pkg = json.load(open(os.path.join(BENCH, "node_modules", "onnxruntime-node",
                                          "package.json")))
        node = run(["node", "--version"]).stdout.strip()
        facts.append(("ONNX Runtime", f"onnxruntime-node {pkg['version']} (node {node})"))
    facts += [("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
              ("git commit", commit + (" + uncommitted changes" if dirty.strip() else "")),
              ("load average", f"{load_start} at the start, {os.getloadavg()[0]:.2f} at the end"),
              ("peak", f"{args.peak_gflops:g} GFLOP/s per core x threads; "
                       + ("given with --peak-gflops" if args.peak_given else PEAK_NOTE)),
              ("command", "`benchmarks/zoo.sh " + " ".join(sys.argv[1:]) + "`")]
    return facts


def is_full_run(args, runtimes):
    return (set(FULL_MODELS) <= set(args.models) and set(FULL_THREADS) <= set(args.threads)
            and (args.runs == 0 or args.runs >= MIN_RUNS)
            and any(rt.kind == "ort" for rt in runtimes))


def latency_table(results, runtimes, args):
    aics = [rt for rt in runtimes if rt.kind == "aic"]
    has_ort = any(rt.kind == "ort" for rt in runtimes)
    head = (["model", "input", "GFLOP", "threads", "runs"]
            + [f"{rt.label} ms" for rt in runtimes]
            + ([f"{rt.label}/ORT" for rt in aics] if has_ort else [])
            + [x for rt in runtimes for x in (f"{rt.label} GFLOP/s", f"{rt.label} % peak")])
    rows = []
    for res in results:
        for entry in res["threads"]:
            cells = entry["runtimes"]
            ms = {rt.name: cells.get(rt.name, {}).get("median_ms") for rt in runtimes}
            row = [res["model"], "x".join(map(str, res["input"])), f"{res['flops'] / 1e9:.3g}",
                   entry["threads"], f"{args.rounds} x {entry['runs']}"]
            row += [fmt_ms(ms[rt.name]) for rt in runtimes]
            if has_ort:
                row += [f"{ms[rt.name] / ms['ort']:.2f}" if ms[rt.name] and ms["ort"] else "-"
                        for rt in aics]
            for rt in runtimes:
                g = gflops_per_s(res, cells.get(rt.name, {}))
                row += [fmt(g, ".1f"), fmt(percent_of_peak(g, entry["threads"], args), ".0f")]
            rows.append(row)
    return table(head, rows)


def startup_table(results, runtimes):
    head = (["model", "threads"]
            + [f"{rt.label} first result ms (load + run)" for rt in runtimes]
            + [f"{rt.label} peak RSS MiB" for rt in runtimes])
    rows = []
    for res in results:
        for entry in res["threads"]:
            cells = entry["runtimes"]
            row = [res["model"], entry["threads"]]
            for rt in runtimes:
                c = cells.get(rt.name, {})
                row.append(f"{fmt_ms(c['first_result_ms'])} ({fmt_ms(c['load_ms'])} + "
                           f"{fmt_ms(c['first_run_ms'])})" if c.get("first_result_ms") else "-")
            row += [fmt(mib(cells.get(rt.name, {}).get("peak_rss_kb")), ".1f") for rt in runtimes]
            rows.append(row)
    return table(head, rows)


def numerics_table(results, runtimes):
    aics = [rt for rt in runtimes if rt.kind == "aic"]
    head = (["model"] + [f"{rt.label} compile s" for rt in aics]
            + [f"{rt.label} max error" for rt in runtimes])
    rows = []
    for res in results:
        rts = res["runtimes"]
        row = [res["model"]] + [fmt(rts[rt.name].get("compile_s"), ".1f") for rt in aics]
        for rt in runtimes:
            d = rts[rt.name]
            err = fmt(d.get("accuracy"), ".1e")
            row.append(err if d["ok"] else f"{'FAIL ' + err if d['ok'] is False else 'not run'}: "
                       f"{d['note']}")
        rows.append(row)
    return table(head, rows)


METHOD = """\
## Method

- Models: torchvision builders with `weights=None` and seed 0 (LeNet/MLP from
  test/e2e/make_models.py), every BatchNorm's running statistics set to those of one
  seeded random batch (16 images, standard normal) so activations stay O(1), exported
  at opset 13 with static shapes (benchmarks/export_model.py). `-b8`: batch 8.
- GFLOP: 2 x multiply-accumulates of the Conv, Gemm and MatMul nodes, from the ONNX
  graph's shapes after shape inference: Conv `prod(output shape) x C_in/group x kH x kW`,
  Gemm/MatMul `prod(output shape) x K`. Bias adds, activations, pooling and
  normalization are not counted.
- Latency (`ms`): each round starts every runtime once in a fresh process (order
  rotated from round to round): `--warmup {warmup}` untimed runs, then `runs` timed
  runs of the model on the same input; a round gives the median of its timed runs
  (at least {min_runs} unless `--runs` says otherwise), the table shows the median of
  the round medians (`rounds x runs` column). aic: `aic-run MODEL.so --bench`; ORT:
  `node benchmarks/ort-run.js model.onnx --bench` (onnxruntime-node, CPU execution
  provider, all graph optimizations, `intraOpNumThreads` = threads).
- `aic/ORT`: aic's latency / ORT's latency; below 1 means aic is faster.
- `GFLOP/s` = GFLOP / latency; `% peak` = GFLOP/s / (peak per core x threads), with
  the peak given above.
- `compile s`: wall-clock time of `aic-compile model.onnx -o model.so` (one run,
  including process start-up).
- `max error`: max |output - PyTorch| / max |PyTorch output| on the seeded input;
  must be <= {tol:g}.
- `first result ms (load + run)`: time to first result in a fresh process, the
  median of {startup_runs} processes per runtime, interleaved (load and run: that
  process's split). aic
  (benchmarks/first-result.c, linked with the build's libaicrt, `OMP_NUM_THREADS` =
  threads): `aic_model_load` + `aic_model_set_num_threads`, then the first
  `aic_model_run`. ORT (`ort-run.js --first-result`): `InferenceSession.create`, then
  the first `session.run`. Neither includes process start-up or making the inputs.
- `peak RSS MiB`: in the same processes (median), the peak resident set size after the first
  run (`VmHWM`) minus the resident set size just before the load (`VmRSS`, with the
  runtime library already loaded; the peak mark is reset there through
  `/proc/self/clear_refs`). It covers the model's weights, buffers, primitives and
  thread pools, and the runtime's code and data first touched for this model.
"""


def write_results(path, results, skipped, runtimes, args, load_start):
    full = is_full_run(args, runtimes)
    lines = ["# aic model-zoo benchmark", ""]
    if not full:
        lines += ["**Smoke run**: not the full benchmark (`benchmarks/zoo.sh --full`: "
                  f"{', '.join(FULL_MODELS)}; threads 1 and 2; >= {MIN_RUNS} runs per round, "
                  "against ONNX Runtime). Do not quote these numbers.", ""]
    lines += ["Generated by benchmarks/zoo.py; see benchmarks/README.md.", ""]
    lines += table(["machine and run", ""], machine_facts(runtimes, args, load_start),
                   numeric=False)
    lines += ["", "## Latency", ""] + latency_table(results, runtimes, args)
    lines += ["", "## Start-up and memory", ""] + startup_table(results, runtimes)
    lines += ["", "## Compile time and numerics", ""] + numerics_table(results, runtimes)
    if skipped:
        lines += ["", "Not measured:", ""] + [f"- {spec}: {why}" for spec, why in skipped]
    lines += ["", METHOD.format(warmup=args.warmup, min_runs=MIN_RUNS, tol=REL_TOL,
                                startup_runs=args.startup_runs)]
    # benchmarks/recurrent.py's section is kept.
    old = open(path).read() if os.path.exists(path) else ""
    begin, end = "<!-- recurrent:begin -->", "<!-- recurrent:end -->"
    if begin in old and end in old:
        lines += ["", old[old.index(begin):old.index(end) + len(end)]]
    with open(path, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    log(f"zoo: wrote {path}" + ("" if full else " (smoke run)"))


# ---------------------------------------------------------------------------

def thread_list(text):
    try:
        threads = [int(t) for t in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")
    if not threads or min(threads) < 0:
        raise argparse.ArgumentTypeError("thread counts must be >= 0")
    return threads


def parse_args():
    ap = argparse.ArgumentParser(prog="zoo.sh", usage=argparse.SUPPRESS, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", metavar="MODEL")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--aic", action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("--no-ort", action="store_true")
    ap.add_argument("--threads", type=thread_list)
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--runs", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--round-ms", type=float, default=1000.0)
    ap.add_argument("--startup-runs", type=int, default=3)
    ap.add_argument("--peak-gflops", type=float)
    ap.add_argument("--models-dir")
    ap.add_argument("--regen", action="store_true")
    ap.add_argument("--taskset", metavar="CPUS")
    ap.add_argument("--results", default=os.path.join(BENCH, "RESULTS.md"), metavar="FILE")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    args.models = args.models or (FULL_MODELS if args.full else ["resnet18"])
    args.threads = args.threads or (FULL_THREADS if args.full else [1])
    args.rounds = args.rounds or (FULL_ROUNDS if args.full else 3)
    args.peak_given = args.peak_gflops is not None
    args.peak_gflops = args.peak_gflops or PEAK_GFLOPS
    if min(args.rounds, args.startup_runs) < 1 or args.runs < 0 or args.warmup < 0:
        ap.error("--rounds and --startup-runs must be >= 1, --runs and --warmup >= 0")
    if args.peak_gflops <= 0:
        ap.error("--peak-gflops must be > 0")
    return args


def main():
    args = parse_args()
    load_start = f"{os.getloadavg()[0]:.2f}"
    build = os.environ.get("AIC_BUILD_DIR", os.path.join(ROOT, "build"))
    runtimes = [parse_aic(s) for s in args.aic] or [parse_aic("aic=" + build)]
    if len({r.name for r in runtimes}) != len(runtimes):
        raise SystemExit("zoo: --aic names must be distinct")
    if not args.no_ort:
        runtimes.append(ort_runtime())
    mdir = os.path.abspath(args.models_dir or os.path.join(build, "zoo-models"))
    os.makedirs(mdir, exist_ok=True)
    for rt in runtimes:
        if rt.kind == "aic":
            rt.probe = build_probe(rt, mdir)

    log(f"zoo: runtimes {', '.join(r.label + '=' + ' '.join(r.cmd) for r in runtimes)}; "
        f"threads {','.join(map(str, args.threads))}, rounds {args.rounds}, warmup "
        f"{args.warmup}, runs {args.runs or 'calibrated to ~%g ms a round' % args.round_ms}; "
        f"models in {mdir}")
    results, skipped, failed = [], [], False
    for spec in args.models:
        model_dir = os.path.join(mdir, spec)
        m = ModelRun(spec, model_dir, runtimes, args)
        try:
            export_model(spec, model_dir, args.regen)
            m.prepare(runtimes)
        except RuntimeError as e:
            log(f"zoo: {spec}: {e}")
            skipped.append((spec, str(e)))
            continue
        for threads in args.threads:
            m.measure(threads)
        print_model(m.result, runtimes, args)
        results.append(m.result)
        failed |= m.failed

    write_results(args.results, results, skipped, runtimes, args, load_start)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "runtimes": {r.name: " ".join(r.cmd) for r in runtimes},
                       "results": results, "not_measured": dict(skipped)}, f, indent=1)
    return 1 if failed or skipped else 0


if __name__ == "__main__":
    sys.exit(main())
