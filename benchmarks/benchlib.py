"""benchlib.py - what the interleaved benchmarks (recurrent.py,
transformers.py) share: running a command, one aic-run/ort-run.js
measurement, peak memory of one fresh process, reading an output back, and
replacing a marked section of RESULTS.md."""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys

import onnx
from onnx import numpy_helper


def run(cmd, who):
    """stdout of `cmd`; exits naming `who` when it fails."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"{who}: {' '.join(cmd)} failed: {r.stderr.strip()}")
    return r.stdout


def fresh_copy(lib, round_):
    """A copy of the library `lib` for round `round_`, in a new file. aic
    uses the weights in place from the library's mapped pages, so where the
    page cache put them decides cache conflicts: two byte-identical copies of
    the MLP differ by 5% at batch 1. A new copy per round samples a new
    placement, as ONNX Runtime does by reading the weights into its heap in
    every process. The copies stay until the caller removes them (freed
    pages would come straight back)."""
    base, ext = os.path.splitext(lib)
    path = f"{base}.round{round_}{ext}"
    shutil.copyfile(lib, path)
    return path


def run_outputs(runner, model, folder, outdir, who):
    """(PyTorch's output, the runner's output) for test_data_set_0 of folder."""
    run(runner + [model, "--inputs", os.path.join(folder, "test_data_set_0"),
                  "--outputs", outdir], who)
    want = numpy_helper.to_array(onnx.load_tensor(
        os.path.join(folder, "test_data_set_0", "output_0.pb")))
    got = numpy_helper.to_array(onnx.load_tensor(os.path.join(outdir, "output_0.pb")))
    return want, got


def bench(runner, model, inputs, threads, runs, warmup, who):
    """Median latency in ms of `runs` timed runs after `warmup`."""
    out = run(runner + [model, "--bench", "--json", "--inputs", inputs,
                        "--threads", str(threads), "--runs", str(runs),
                        "--warmup", str(warmup)], who)
    return json.loads(out.strip().splitlines()[-1])["median_ms"]


def cpu_ms_per_run(runner, model, inputs, runs, warmup, who):
    """CPU time in ms of one single-threaded run: the CPU time of a --bench
    process of 2 * runs runs minus that of one of `runs` runs, over `runs`
    (start-up cancels out). It changes much less than latency when other
    processes share the cores (caches and memory bandwidth still are
    shared), so its ratios stay meaningful on a loaded machine; it says
    nothing about multi-threaded runs."""
    def cpu_s(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run(runner + [model, "--bench", "--inputs", inputs, "--threads", "1",
                      "--runs", str(n), "--warmup", str(warmup)], who)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (cpu_s(2 * runs) - cpu_s(runs)) / runs * 1e3


def build_first_result(aic_dir, out_dir, who):
    """benchmarks/first-result.c built against the libaicrt of aic_dir."""
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    lib = os.path.join(aic_dir, "lib")
    exe = os.path.join(out_dir, "first-result")
    run(["cc", "-O2", "-std=c11", "-I", os.path.join(os.path.dirname(bench_dir), "include"),
         os.path.join(bench_dir, "first-result.c"), "-o", exe, "-L", lib, "-laicrt",
         "-Wl,-rpath," + lib], who)
    return exe


def peak_rss_mib(cmd, threads, who):
    """Peak RSS in MiB above the process baseline of one fresh process that
    loads a model and runs it once: cmd is first-result (aic, threads from
    OMP_NUM_THREADS) or ort-run.js --first-result (its JSON fields)."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode:
        sys.exit(f"{who}: {' '.join(cmd)} failed: {r.stderr.strip()}")
    out = json.loads(r.stdout.strip().splitlines()[-1])
    return (out["peak_rss_kb"] - out["baseline_rss_kb"]) / 1024


def replace_section(path, begin, end, lines):
    """Writes `lines` between the markers `begin` and `end` of `path` (the
    markers are the first and last lines), or appends them."""
    text = open(path).read() if os.path.exists(path) else ""
    if begin in text and end in text:
        text = text[:text.index(begin)] + "\n".join(lines) + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + "\n".join(lines) + "\n"
    with open(path, "w") as f:
        f.write(text)


def interleaved_rows(name, aic, ort, inputs, threads, rounds, runs, warmup, who):
    """Times aic (runner, library) against ONNX Runtime (runner, model)
    alternately: `rounds` rounds, each measuring both at every thread count
    (aic on a fresh copy of the library per round).
    Returns the report's table rows (median of the rounds' medians) and
    prints one line per thread count."""
    times = {t: {"aic": [], "ORT": []} for t in threads}
    copies = []
    for r in range(rounds):
        copies.append(fresh_copy(aic[1], r))
        for t in threads:
            times[t]["aic"].append(bench(aic[0], copies[-1], inputs, t, runs, warmup, who))
            times[t]["ORT"].append(bench(ort[0], ort[1], inputs, t, runs, warmup, who))
    for path in copies:
        os.remove(path)
    rows = []
    for t in threads:
        a = statistics.median(times[t]["aic"])
        o = statistics.median(times[t]["ORT"])
        rows.append(f"| {name} | {t} | {rounds} x {runs} | {a:.3f} | {o:.3f} | {a / o:.2f} |")
        print(f"{name}, {t} thread(s): aic {a:.3f} ms, ORT {o:.3f} ms, aic/ORT {a / o:.2f}",
              flush=True)
    return rows
