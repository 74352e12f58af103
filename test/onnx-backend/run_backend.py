#!/usr/bin/python3
"""Run the ONNX backend test data against an aic-run compatible runner.

Usage:
  run_backend.py --aic-run PATH [--suite node|simple|pytorch-converted|
                 pytorch-operator] [--filter REGEX] [--xfail FILE]
                 [--update-xfail] [--jobs N] [--timeout S] [-v] [--list]

Selects the tests in /usr/share/libonnx-testdata/data/SUITE/ (Debian package
libonnx-testdata) whose model.onnx contains only supported ops (every node of
the graph is in SUPPORTED_OPS), then for each test_data_set_K runs

  PATH model.onnx --inputs test_data_set_K --outputs TMP

and compares TMP/output_N.pb with the expected outputs as ONNX's backend
tests do: dtype and shape equal, np.testing.assert_allclose(rtol=1e-3,
atol=1e-7). A runner killed by a signal is a CRASH, one exceeding --timeout
(60 s) a TIMEOUT, a non-zero exit an ERROR, wrong outputs a FAIL.

The xfail file (default test/onnx-backend/xfail.txt: one test name per line,
'#' comments) lists expected failures. Exit status is 1 iff a test not in the
xfail file failed (a REGRESSION). xfail tests that pass are reported as
"UNEXPECTED PASS: name" (exit status stays 0); --update-xfail rewrites the
file with the current failures (only tests that ran are updated). The last
line of output is "N passed, N failed" (failed = unexpected failures).
A PATH ending in .js (e.g. benchmarks/ort-run.js) is run with node.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

DATA_ROOT = "/usr/share/libonnx-testdata/data"
SUITES = ("node", "simple", "pytorch-converted", "pytorch-operator")
SUPPORTED_OPS = frozenset("""
    Add Sub Mul Div Relu Sigmoid Tanh Clip Exp Softmax Reshape Transpose Concat
    Constant Conv MaxPool AveragePool GlobalAveragePool GlobalMaxPool MatMul Gemm
    Flatten Squeeze Unsqueeze
""".split())
RTOL, ATOL = 1e-3, 1e-7
HERE = os.path.dirname(os.path.abspath(__file__))


def select_tests(suite_dir, name_filter):
    """Returns [(name, dir)] of tests whose graph uses only SUPPORTED_OPS."""
    selected, skipped_unreadable = [], 0
    for name in sorted(os.listdir(suite_dir)):
        test_dir = os.path.join(suite_dir, name)
        model_path = os.path.join(test_dir, "model.onnx")
        if not os.path.isfile(model_path):
            continue
        if name_filter and not re.search(name_filter, name):
            continue
        try:
            model = onnx.load(model_path, load_external_data=False)
        except Exception:  # noqa: BLE001 - unreadable models are not selected
            skipped_unreadable += 1
            continue
        nodes = list(model.graph.node)
        if nodes and all(n.op_type in SUPPORTED_OPS and n.domain in ("", "ai.onnx")
                         for n in nodes):
            selected.append((name, test_dir))
    return selected, skipped_unreadable


def load_tensor(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def numbered(dir_path, prefix):
    pat = re.compile(r"^%s_(\d+)\.pb$" % prefix)
    files = [f for f in os.listdir(dir_path) if pat.match(f)]
    return sorted(files, key=lambda f: int(pat.match(f).group(1)))


def compare_outputs(expected_dir, actual_dir):
    """Returns None if outputs match, else a one-line reason."""
    for fname in numbered(expected_dir, "output"):
        actual_path = os.path.join(actual_dir, fname)
        if not os.path.exists(actual_path):
            return f"missing {fname}"
        try:
            expected, actual = load_tensor(os.path.join(expected_dir, fname)), load_tensor(actual_path)
        except Exception as e:  # noqa: BLE001
            return f"{fname}: unreadable: {e}"
        if expected.dtype != actual.dtype:
            return f"{fname}: dtype {actual.dtype}, expected {expected.dtype}"
        if expected.shape != actual.shape:
            return f"{fname}: shape {list(actual.shape)}, expected {list(expected.shape)}"
        try:
            if expected.dtype == object:
                np.testing.assert_array_equal(actual, expected)
            else:
                np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)
        except AssertionError as e:
            detail = " ".join(l.strip() for l in str(e).splitlines()
                              if l.strip().startswith(("Mismatched", "Max abs", "Max rel")))
            return f"{fname}: values differ ({detail})"
    return None


def run_test(runner, name, test_dir, timeout):
    """Returns (name, status, detail); status PASS/FAIL/ERROR/CRASH/TIMEOUT."""
    data_sets = sorted(d for d in os.listdir(test_dir)
                       if d.startswith("test_data_set_") and os.path.isdir(os.path.join(test_dir, d)))
    if not data_sets:
        return name, "ERROR", "no test_data_set_* directory"
    model = os.path.join(test_dir, "model.onnx")
    for data_set in data_sets:
        out_dir = tempfile.mkdtemp(prefix="aic-backend-")
        try:
            cmd = runner + [model, "--inputs", os.path.join(test_dir, data_set), "--outputs", out_dir]
            # Own process group, so a timeout also ends the runner's children.
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                _, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.communicate()
                return name, "TIMEOUT", f"{data_set}: no result after {timeout:g} s"
            if proc.returncode < 0:
                try:
                    sig = signal.Signals(-proc.returncode).name
                except ValueError:
                    sig = f"signal {-proc.returncode}"
                return name, "CRASH", f"{data_set}: killed by {sig}"
            if proc.returncode != 0:
                lines = stderr.decode(errors="replace").strip().splitlines()
                msg = lines[-1] if lines else "(no message)"
                return name, "ERROR", f"{data_set}: exit {proc.returncode}: {msg}"
            reason = compare_outputs(os.path.join(test_dir, data_set), out_dir)
            if reason:
                return name, "FAIL", f"{data_set}: {reason}"
        finally:
            shutil.rmtree(out_dir, ignore_errors=True)
    return name, "PASS", ""


def read_xfail(path):
    """Returns (header comment lines, set of names)."""
    header, names = [], set()
    if not path or not os.path.exists(path):
        return header, names
    with open(path) as f:
        for line in f:
            stripped = line.split("#", 1)[0].strip()
            if stripped:
                names.add(stripped)
            elif line.strip().startswith("#") and not names:
                header.append(line.rstrip("\n"))
    return header, names


def write_xfail(path, header, names):
    with open(path, "w") as f:
        for line in header:
            f.write(line + "\n")
        for name in sorted(names):
            f.write(name + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aic-run", required=True, help="runner implementing the aic-run contract")
    ap.add_argument("--suite", choices=SUITES, default="node")
    ap.add_argument("--data-root", default=DATA_ROOT)
    ap.add_argument("--filter", help="only tests whose name matches this regex (re.search)")
    ap.add_argument("--xfail", default=os.path.join(HERE, "xfail.txt"),
                    help="expected failures (default: %(default)s)")
    ap.add_argument("--update-xfail", action="store_true",
                    help="rewrite the xfail file with the current failures")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    ap.add_argument("--list", action="store_true", help="only list the selected tests")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print passing tests")
    args = ap.parse_args()

    runner_path = args.aic_run
    if not (os.path.isfile(runner_path) or shutil.which(runner_path)):
        print(f"error: runner {runner_path} not found", file=sys.stderr)
        return 2
    runner = ["node", runner_path] if runner_path.endswith(".js") else [os.path.abspath(runner_path)
                                                                        if os.path.isfile(runner_path)
                                                                        else runner_path]
    suite_dir = os.path.join(args.data_root, args.suite)
    if not os.path.isdir(suite_dir):
        print(f"error: {suite_dir} not found (apt-get install libonnx-testdata)", file=sys.stderr)
        return 2

    tests, unreadable = select_tests(suite_dir, args.filter)
    total = len([d for d in os.listdir(suite_dir) if os.path.isfile(os.path.join(suite_dir, d, "model.onnx"))])
    print(f"suite {args.suite}: selected {len(tests)} of {total} tests "
          f"(all ops supported{', filter ' + repr(args.filter) if args.filter else ''}"
          f"{f', {unreadable} unreadable' if unreadable else ''})", flush=True)
    if args.list:
        for name, _ in tests:
            print(name)
        return 0

    header, xfail = read_xfail(args.xfail)
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_test, runner, name, d, args.timeout) for name, d in tests]
        for fut in concurrent.futures.as_completed(futures):
            name, status, detail = fut.result()
            results[name] = (status, detail)
            expected_fail = name in xfail
            if status == "PASS":
                if expected_fail:
                    print(f"UNEXPECTED PASS: {name}", flush=True)
                elif args.verbose:
                    print(f"PASS {name}", flush=True)
            elif expected_fail:
                if args.verbose:
                    print(f"XFAIL {name}: {status} {detail}", flush=True)
            else:
                print(f"REGRESSION {status} {name}: {detail}", flush=True)

    passed = sorted(n for n, (s, _) in results.items() if s == "PASS")
    failed = sorted(n for n, (s, _) in results.items() if s != "PASS")
    regressions = [n for n in failed if n not in xfail]
    xfailed = [n for n in failed if n in xfail]
    unexpected = [n for n in passed if n in xfail]

    by_status = {}
    for n in failed:
        by_status.setdefault(results[n][0], []).append(n)
    if regressions:
        print(f"\nREGRESSIONS ({len(regressions)}):")
        for n in regressions:
            print(f"  {results[n][0]} {n}: {results[n][1]}")
    if unexpected:
        print(f"\nUNEXPECTED PASSES ({len(unexpected)}; remove from {args.xfail} "
              f"or rerun with --update-xfail):")
        for n in unexpected:
            print(f"  {n}")
    if args.update_xfail:
        ran = set(results)
        new = (xfail - ran) | set(failed)
        if not header:
            header = ["# Expected failures of test/onnx-backend/run_backend.py (one test name per line)."]
        write_xfail(args.xfail, header, new)
        print(f"\nupdated {args.xfail}: {len(new)} entries "
              f"(+{len(new - xfail)}, -{len(xfail - new)})")
    print()
    print("all failures by kind (xfail included): " + (", ".join(f"{k} {len(v)}" for k, v in sorted(by_status.items())) or "none"))
    print(f"xfail: {len(xfailed)} expected failures, {len(unexpected)} unexpected passes")
    print(f"{len(passed)} passed, {len(regressions)} failed")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
