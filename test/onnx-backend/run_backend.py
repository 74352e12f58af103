#!/usr/bin/python3
"""Run the ONNX backend test suites through an aic-run compatible runner.

Usage:
  run_backend.py --aic-run PATH [--suite SUITE]... [--filter REGEX]
                 [--xfail FILE] [--update-xfail] [--json FILE] [--jobs N]
                 [--timeout S] [-v] [--list]

Runs EVERY test of the suites node, simple, pytorch-converted and
pytorch-operator in /usr/share/libonnx-testdata/data (Debian package
libonnx-testdata; --suite picks some, default all four). For each
test_data_set_K of a test it runs

  PATH model.onnx --inputs test_data_set_K --outputs TMP

(a PATH ending in .js, e.g. benchmarks/ort-run.js, is run with node; aic-run
compiles into $AIC_CACHE_DIR, which is passed on unchanged) and compares
TMP/output_N.pb with the expected outputs as ONNX's backend tests do: element
type and shape equal, np.testing.assert_allclose(rtol=1e-3, atol=1e-7);
strings equal. A test's outcome is the worst over its data sets. An
expected UINT16 tensor of a BFLOAT16 output holds bfloat16 bit patterns (as
ONNX 1.12 stores them) and is compared as those bfloat16 values.

Random outputs are compared by element type and shape only: an output is
random when, in the model's graph, a value computed by a random operator
reaches it (through any chain of nodes, or a node whose subgraph holds a
random operator or reads a random value). The random operators are
RandomUniform, RandomNormal, RandomUniformLike, RandomNormalLike, Bernoulli,
Multinomial, and Dropout in training mode: before opset 7 unless is_test=1;
from opset 12 when its training_mode input is present and not a constant
false (an initializer or Constant), since a graph input may be true. This is
decided from the model, never from test names. Such a test's PASS says so:
"PASS test_x (shape/dtype only: random output y)", and the summary counts
them. The outcomes:

  PASS     every output matches.
  ERROR    the runner exited with a status in 1..127 and a one-line message
           on stderr, or only "error: ..." diagnostic lines (an unsupported
           feature, reported cleanly); the first line is the reason.
  FAIL     exit status 0 but an output is missing, extra, or has the wrong
           element type, shape or values.
  CRASH    killed by a signal, exit status >= 128, a sanitizer report, or an
           error exit whose stderr is not one line nor diagnostics only (a
           stack dump, an assertion, "LLVM ERROR", "UNREACHABLE", ..., or no
           message at all).
  TIMEOUT  a run took longer than --timeout seconds (default 60).

A few tests' expected outputs contradict their own model under the ONNX
specification (INVALID_DATA below names each with the contradiction). Such
a test is expected to FAIL and is reported as INVALID DATA; if it passes,
the runner computed what the model does not say, an UNEXPECTED PASS.

The xfail file (default test/onnx-backend/xfail.txt) lists expected
failures, one per line as `test_name  # reason`; the reason is mandatory,
lines starting with '#' are comments, blank lines separate groups. Only an
ERROR can be expected: FAIL, CRASH and TIMEOUT are always regressions (no
test may give a wrong result or crash), as is an ERROR not in the file. A
listed test that passes is an UNEXPECTED PASS and also fails the run, so the
list stays exact. Exit status: 0 if there is neither, 1 otherwise, 2 on a
usage or configuration error (e.g. an xfail line without a reason).

--update-xfail rewrites the xfail file from this run: passing tests are
removed, tests that now ERROR are added with the first line of the runner's
stderr as the reason, entries of tests still failing keep their reason and
place, tests that did not run (other suites, --filter) are left alone.
FAIL/CRASH/TIMEOUT tests are never added; they are printed for a human to
fix. Regenerate the whole list with

  /usr/bin/python3 test/onnx-backend/run_backend.py --aic-run build/bin/aic-run --update-xfail

--json FILE writes every test's outcome and the first line of the runner's
stderr (e.g. to compare aic with benchmarks/ort-run.js; --xfail '' ignores
the xfail file). The last line printed is "N passed, N failed" (failed =
regressions).
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper

DATA_ROOT = "/usr/share/libonnx-testdata/data"
SUITES = ("node", "simple", "pytorch-converted", "pytorch-operator")
RTOL, ATOL = 1e-3, 1e-7
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REASON_MAX = 160
# Classes of a single run / test, worst last (a test's outcome is the worst of
# its data sets).
SEVERITY = {"PASS": 0, "ERROR": 1, "FAIL": 2, "TIMEOUT": 3, "CRASH": 4}
REGRESSION_CLASSES = ("FAIL", "CRASH", "TIMEOUT")
# Sanitizer reports (ASan/LSan/MSan/TSan "==PID==ERROR: ...Sanitizer", UBSan
# "file:line:col: runtime error: ..."), a CRASH whatever the exit status.
SANITIZER_RE = re.compile(r"==\d+==\s*(ERROR|WARNING): \w*Sanitizer|"
                          r"^SUMMARY: \w*Sanitizer|^\S+:\d+:\d+: runtime error: ", re.M)
# A compiler diagnostic line ("error: ...", "loc(...): error: ..."). aic-run
# reports every unsupported node of a model, one "error:" line each: stderr
# made of such lines only is still a clean error message, not a dump.
DIAGNOSTIC_RE = re.compile(r"^(?:\S+: )?(?:error|warning|note|remark): ")
# Signs of a crash in an error exit's stderr.
CRASH_MARKERS = ("Assertion", "LLVM ERROR", "UNREACHABLE", "Stack dump",
                 "PLEASE submit a bug report", "terminate called",
                 "Segmentation fault", "Aborted", "core dumped")


def short(text, test_dir=None, out_dir=None):
    """One line of runner output made short and run-independent: the test's
    and the output folder's paths dropped, other absolute paths shortened to
    their last component, at most REASON_MAX characters."""
    text = " ".join(re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text).split())  # no ANSI colours
    for d, repl in ((test_dir, ""), (out_dir, "OUT/")):
        if d:
            text = text.replace(d.rstrip("/") + "/", repl).replace(d.rstrip("/"), repl.rstrip("/") or ".")
    text = re.sub(r"(?<![\w.~-])/(?:[^\s/:'\"()]+/)+([^\s/:'\"()]+)", r"\1", text)
    # Long quoted names (node names of expanded functions) keep both ends, so
    # that what follows them (the op, the problem) still fits.
    text = re.sub(r"'([^']{20})[^']{9,}([^']{20})'", r"'\1...\2'", text)
    if len(text) > REASON_MAX:
        text = text[:REASON_MAX - 3].rstrip() + "..."
    return text


# ----------------------------------------------------------------------------
# Comparison
# ----------------------------------------------------------------------------

def output_kinds(model_path):
    """The graph outputs' value kinds ('tensor', 'sequence', 'optional', ...).
    Needed only when the runner succeeded: an expected output_N.pb holds a
    SequenceProto or OptionalProto when output N is one, which cannot be told
    from the file itself."""
    model = onnx.load(model_path, load_external_data=False)
    kinds = []
    for out in model.graph.output:
        field = out.type.WhichOneof("value")
        kinds.append({"tensor_type": "tensor", "sequence_type": "sequence",
                      "optional_type": "optional"}.get(field, field or "tensor"))
    return kinds


def load_value(path, kind):
    """Reads output_N.pb as ONNX's backend runner does. Tensors are returned
    as (data_type, ndarray): numpy_helper.to_array maps bfloat16 to float32,
    so the ONNX element type is compared besides the numpy dtype."""
    with open(path, "rb") as f:
        data = f.read()
    if kind == "sequence":
        seq = onnx.SequenceProto()
        seq.ParseFromString(data)
        return load_value_from_sequence(seq)
    if kind == "optional":
        opt = onnx.OptionalProto()
        opt.ParseFromString(data)
        if opt.elem_type == onnx.OptionalProto.UNDEFINED:
            return ("optional", None)
        if opt.elem_type == onnx.OptionalProto.TENSOR:
            return ("optional", (opt.tensor_value.data_type, numpy_helper.to_array(opt.tensor_value)))
        if opt.elem_type == onnx.OptionalProto.SEQUENCE:
            return ("optional", load_value_from_sequence(opt.sequence_value))
        raise ValueError(f"optional of element type {opt.elem_type} not compared")
    tensor = onnx.TensorProto()
    tensor.ParseFromString(data)
    return (tensor.data_type, numpy_helper.to_array(tensor))


def load_value_from_sequence(seq):
    if seq.elem_type not in (onnx.SequenceProto.TENSOR, onnx.SequenceProto.UNDEFINED):
        raise ValueError(f"sequence of element type {seq.elem_type} not compared")
    return ("sequence", [(t.data_type, numpy_helper.to_array(t)) for t in seq.tensor_values])


# Tests whose expected outputs are not what their model computes per the
# ONNX specification, with the reason.
INVALID_DATA = {
    "test_adam_multiple": "the expected outputs use epsilon=1e-2, which the "
                          "model's Adam node does not set (the default is 1e-6)",
}

RANDOM_OPS = {"RandomUniform", "RandomNormal", "RandomUniformLike", "RandomNormalLike",
              "Bernoulli", "Multinomial"}


def default_opset(model):
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def constant_values(graph):
    """Initializers and Constant node values of a graph, by name."""
    values = {t.name: t for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.domain in ("", "ai.onnx"):
            attr = next((a for a in node.attribute if a.name == "value"), None)
            if attr is not None:
                values[node.output[0]] = attr.t
    return values


def is_random_node(node, opset, constants):
    """True if `node` draws random values (see the module docstring)."""
    if node.domain not in ("", "ai.onnx"):
        return False
    if node.op_type in RANDOM_OPS:
        return True
    if node.op_type != "Dropout":
        return False
    if opset < 7:
        return not any(a.name == "is_test" and a.i for a in node.attribute)
    if opset < 12 or len(node.input) < 3 or not node.input[2]:
        return False
    flag = constants.get(node.input[2])
    return flag is None or bool(numpy_helper.to_array(flag).any())


def subgraphs(node):
    for attr in node.attribute:
        if attr.type == onnx.AttributeProto.GRAPH:
            yield attr.g
        elif attr.type == onnx.AttributeProto.GRAPHS:
            yield from attr.graphs


def graph_reads_random(graph, opset, tainted):
    """Propagates randomness through `graph` (adding to `tainted`, the
    random value names); True if any of its nodes is random or reads a
    random value, also inside nested subgraphs (which may read outer values
    by name)."""
    constants = constant_values(graph)
    found = False
    for node in graph.node:
        random = is_random_node(node, opset, constants) or any(i in tainted for i in node.input)
        for sub in subgraphs(node):
            random = graph_reads_random(sub, opset, tainted) or random
        if random:
            tainted.update(o for o in node.output if o)
            found = True
    return found


def random_outputs(model_path):
    """{index: name} of the graph outputs that random values reach."""
    model = onnx.load(model_path, load_external_data=False)
    tainted = set()
    graph_reads_random(model.graph, default_opset(model), tainted)
    return {i: out.name for i, out in enumerate(model.graph.output) if out.name in tainted}


def compare_tensor(actual, expected, values=True):
    """(data_type, ndarray) pairs; None if equal, else a reason. Without
    `values` only the element type and shape are compared."""
    (atype, a), (etype, e) = actual, expected
    if atype != etype or a.dtype != e.dtype:
        aname = onnx.TensorProto.DataType.Name(atype) if atype in onnx.TensorProto.DataType.values() else atype
        ename = onnx.TensorProto.DataType.Name(etype) if etype in onnx.TensorProto.DataType.values() else etype
        return f"element type {aname}, expected {ename}"
    if a.shape != e.shape:
        return f"shape {list(a.shape)}, expected {list(e.shape)}"
    if not values:
        return None
    try:
        if e.dtype == object:  # strings: exact, as ONNX's runner does
            np.testing.assert_array_equal(a, e)
        else:
            np.testing.assert_allclose(a, e, rtol=RTOL, atol=ATOL)
    except AssertionError as err:
        detail = "; ".join(l.strip() for l in str(err).splitlines()
                           if l.strip().startswith(("Mismatched", "Max abs", "Max rel")))
        return f"values differ ({detail})"
    return None


def compare_value(actual, expected, values=True):
    if isinstance(expected, tuple) and expected and expected[0] in ("sequence", "optional"):
        if not (isinstance(actual, tuple) and actual and actual[0] == expected[0]):
            return f"not a {expected[0]}"
        a, e = actual[1], expected[1]
        if expected[0] == "optional":
            if (a is None) != (e is None):
                return "optional " + ("empty" if a is None else "has a value") + ", expected " + \
                       ("empty" if e is None else "a value")
            return None if e is None else compare_value(a, e, values)
        if len(a) != len(e):
            return f"sequence of {len(a)}, expected {len(e)}"
        for i, (x, y) in enumerate(zip(a, e)):
            reason = compare_value(x, y, values)
            if reason:
                return f"element {i}: {reason}"
        return None
    return compare_tensor(actual, expected, values)


def numbered(dir_path, prefix):
    pat = re.compile(r"^%s_(\d+)\.pb$" % prefix)
    files = [f for f in os.listdir(dir_path) if pat.match(f)]
    return sorted(files, key=lambda f: int(pat.match(f).group(1)))


def output_elem_types(model_path):
    """The graph outputs' declared tensor element types (0 if none)."""
    model = onnx.load(model_path, load_external_data=False)
    return [out.type.tensor_type.elem_type if out.type.HasField("tensor_type") else 0
            for out in model.graph.output]


def as_bfloat16(value):
    """ONNX 1.12's test data stores a bfloat16 tensor as a UINT16 tensor of
    its bit patterns (numpy has no bfloat16; ONNX's runner compares those
    bits as integers). Such an expected value of a BFLOAT16 output is read
    as the bfloat16 values it holds, widened to float32 as numpy_helper
    reads BFLOAT16 tensors, and then compared as floats."""
    dtype, array = value
    if dtype != onnx.TensorProto.UINT16:
        return value
    bits = array.astype(np.uint32) << 16
    return (onnx.TensorProto.BFLOAT16, bits.view(np.float32))


def compare_outputs(model_path, expected_dir, actual_dir, random=()):
    """None if the outputs match, else a one-line reason. Outputs whose
    index is in `random` are compared by element type and shape only."""
    expected_files = numbered(expected_dir, "output")
    kinds = output_kinds(model_path)
    elem_types = output_elem_types(model_path)
    for i, fname in enumerate(expected_files):
        actual_path = os.path.join(actual_dir, fname)
        if not os.path.exists(actual_path):
            return f"missing {fname}"
        kind = kinds[i] if i < len(kinds) else "tensor"
        try:
            expected = load_value(os.path.join(expected_dir, fname), kind)
        except Exception as e:  # noqa: BLE001 - a broken test, not the runner
            return f"{fname}: expected output unreadable: {e}"
        if kind == "tensor" and i < len(elem_types) and elem_types[i] == onnx.TensorProto.BFLOAT16:
            expected = as_bfloat16(expected)
        try:
            actual = load_value(actual_path, kind)
        except Exception as e:  # noqa: BLE001
            return f"{fname}: unreadable: {e}"
        reason = compare_value(actual, expected, values=i not in random)
        if reason:
            return f"{fname}: {reason}"
    # Not checked before this runner was rewritten; ONNX's runner checks the
    # number of outputs too, and an extra output means a wrong model interface.
    extra = [f for f in numbered(actual_dir, "output") if f not in expected_files]
    if extra:
        return f"extra output {extra[0]} (expected {len(expected_files)} outputs)"
    return None


# ----------------------------------------------------------------------------
# Running
# ----------------------------------------------------------------------------

def classify_exit(returncode, stderr):
    """(class, one-line message) of a finished run that did not succeed
    cleanly; None if the run exited 0 without a sanitizer report."""
    text = stderr.decode(errors="replace")
    lines = [l for l in text.strip().splitlines() if l.strip()]
    first = lines[0].strip() if lines else ""
    if SANITIZER_RE.search(text):
        m = SANITIZER_RE.search(text)
        line = text[text.rfind("\n", 0, m.start()) + 1:].split("\n", 1)[0]
        return "CRASH", f"sanitizer: {line.strip()}"
    if returncode == 0:
        return None
    if returncode < 0:
        try:
            sig = signal.Signals(-returncode).name
        except ValueError:
            sig = f"signal {-returncode}"
        return "CRASH", f"killed by {sig}" + (f": {first}" if first else "")
    if returncode >= 128:
        return "CRASH", f"exit status {returncode}" + (f": {first}" if first else "")
    if not lines:
        return "CRASH", f"exit status {returncode} without an error message"
    marker = next((m for m in CRASH_MARKERS if m in text), None)
    if marker:
        return "CRASH", f"exit status {returncode}, '{marker}' in stderr: {first}"
    if len(lines) > 1 and not (all(DIAGNOSTIC_RE.match(l) for l in lines)
                               and any(" error: " in " " + l for l in lines)):
        return "CRASH", f"exit status {returncode} with {len(lines)} lines of stderr: {first}"
    return "ERROR", first


def run_once(runner, model, data_dir, timeout, random=()):
    """Returns (class, message, stderr text) of one run; the outputs in
    `random` are compared by element type and shape only."""
    out_dir = tempfile.mkdtemp(prefix="aic-backend-")
    test_dir = os.path.dirname(model)
    try:
        cmd = runner + [model, "--inputs", data_dir, "--outputs", out_dir]
        # Own process group, so a timeout also ends the runner's children.
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, stderr = proc.communicate()
            return "TIMEOUT", f"no result after {timeout:g} s", stderr.decode(errors="replace")
        text = stderr.decode(errors="replace")
        verdict = classify_exit(proc.returncode, stderr)
        if verdict:
            return verdict[0], short(verdict[1], test_dir, out_dir), text
        reason = compare_outputs(model, data_dir, out_dir, random)
        if reason:
            return "FAIL", short(reason, test_dir, out_dir), text
        return "PASS", "", text
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def random_note(result):
    outputs = result["random"]
    return f"shape/dtype only: random output{'s' if len(outputs) > 1 else ''} {', '.join(outputs)}"


def run_test(runner, suite, name, test_dir, timeout):
    """Runs every data set (the model is compiled once, into the cache);
    returns a result dict with the worst outcome."""
    start = time.monotonic()
    data_sets = sorted((d for d in os.listdir(test_dir)
                        if d.startswith("test_data_set_") and os.path.isdir(os.path.join(test_dir, d))),
                       key=lambda d: int(d.rsplit("_", 1)[1]) if d.rsplit("_", 1)[1].isdigit() else -1)
    result = {"suite": suite, "name": name, "class": "PASS", "message": "", "stderr": ""}
    if not data_sets:
        result.update({"class": "FAIL", "message": "no test_data_set_* folder"})
    model = os.path.join(test_dir, "model.onnx")
    try:
        random = random_outputs(model)
    except Exception:  # noqa: BLE001 - an unreadable model is the runner's to report
        random = {}
    if random:
        result["random"] = [random[i] for i in sorted(random)]
    for data_set in data_sets:
        cls, msg, stderr = run_once(runner, model, os.path.join(test_dir, data_set), timeout, random)
        if SEVERITY[cls] > SEVERITY[result["class"]]:
            result.update({"class": cls, "message": (f"{data_set}: " if len(data_sets) > 1 else "") + msg,
                           "stderr": stderr})
        if cls in ("TIMEOUT", "CRASH"):
            break
    result["seconds"] = round(time.monotonic() - start, 3)
    return result


# ----------------------------------------------------------------------------
# The xfail file
# ----------------------------------------------------------------------------

# The header of a new xfail file (the checked-in one starts with it).
XFAIL_HEADER = """
# Expected failures of test/onnx-backend/run_backend.py, which runs every test
# of the ONNX backend suites node, simple, pytorch-converted, pytorch-operator
# (/usr/share/libonnx-testdata/data/SUITE/TEST) through aic-run.
#
# One test per line:   test_name  # reason
# The reason is mandatory ('#' after the name); lines starting with '#' are
# comments; blank lines separate groups. Only an ERROR (aic-run exits with a
# clean error message: one line, or "error: ..." lines only) can be expected
# here: a wrong result (FAIL), a CRASH or a TIMEOUT fails the run even for a
# listed test, and so does a listed test that passes (UNEXPECTED PASS), so
# that the list stays exact.
#
# Regenerate (drops passing tests, adds new ERRORs with the first line of
# aic-run's stderr, keeps the reasons and groups of tests still failing):
#   /usr/bin/python3 test/onnx-backend/run_backend.py --aic-run build/bin/aic-run --update-xfail
# (all four suites; --suite/--filter update only the tests that ran).
"""
ENTRY_RE = re.compile(r"^\s*([^\s#]+)\s*#(.*)$")


class XfailFile:
    """xfail.txt kept line by line, so that an update preserves comments,
    groups and order. lines: [(text, name or None)]."""

    def __init__(self, path):
        self.path = path
        self.lines = []
        self.reasons = {}
        self.errors = []
        if not path or not os.path.exists(path):
            return
        with open(path) as f:
            for lineno, raw in enumerate(f, 1):
                text = raw.rstrip("\n").rstrip()
                stripped = text.strip()
                if not stripped or stripped.startswith("#"):
                    self.lines.append((text, None))
                    continue
                m = ENTRY_RE.match(text)
                where = f"{path}:{lineno}"
                if not m:
                    self.errors.append(f"{where}: '{stripped}': expected 'test_name  # reason' "
                                       "(one test per line, the reason is mandatory)")
                    continue
                name, reason = m.group(1), m.group(2).strip()
                if not reason:
                    self.errors.append(f"{where}: {name}: empty reason after '#'")
                    continue
                if name in self.reasons:
                    self.errors.append(f"{where}: {name} is listed twice")
                    continue
                self.reasons[name] = reason
                self.lines.append((text, name))

    def update(self, remove, add, group_header):
        """Drops the entries in `remove`; adds `add` ({name: (suite, reason)})
        to a group per suite headed by group_header(suite). A group (lines
        between blank lines) whose entries were all removed goes entirely."""
        blocks, cur = [], []
        for item in self.lines:
            if item[0].strip():
                cur.append(item)
            elif cur:
                blocks.append(cur)
                cur = []
        if cur:
            blocks.append(cur)
        kept = []
        for block in blocks:
            had = any(n for _, n in block)
            block = [(t, n) for t, n in block if n not in remove]
            if had and not any(n for _, n in block):
                continue
            kept.append(block)
        if not any(kept):
            kept.append([(l, None) for l in XFAIL_HEADER.strip().splitlines()])
        by_suite = {}
        for name, (suite, reason) in add.items():
            by_suite.setdefault(suite, []).append((name, reason))
        for suite in sorted(by_suite, key=lambda s: SUITES.index(s) if s in SUITES else len(SUITES)):
            header = group_header(suite)
            block = next((b for b in kept if b and b[0][0].strip() == header), None)
            if block is None:
                block = [(header, None)]
                kept.append(block)
            for name, reason in by_suite[suite]:
                block.append((f"{name}  # {reason}", name))
            # Entries of the generated group sorted by their reason without
            # quoted names (node names), then by name, so that tests failing
            # for the same cause sit together.
            comments = [x for x in block if not x[1]]
            entries = sorted((x for x in block if x[1]),
                             key=lambda x: (re.sub(r"'[^']*'", "''", ENTRY_RE.match(x[0]).group(2)), x[1]))
            block[:] = comments + entries
        self.lines = []
        for i, block in enumerate(kept):
            if i:
                self.lines.append(("", None))
            self.lines.extend(block)
        self.reasons = {n: ENTRY_RE.match(t).group(2).strip() for t, n in self.lines if n}

    def write(self):
        with open(self.path, "w") as f:
            for text, _ in self.lines:
                f.write(text + "\n")


def group_header(suite):
    return f"# {suite}: added by --update-xfail (first line of the runner's stderr)"


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------

def list_tests(data_root, suite, name_filter):
    suite_dir = os.path.join(data_root, suite)
    names = sorted(n for n in os.listdir(suite_dir)
                   if os.path.isfile(os.path.join(suite_dir, n, "model.onnx")))
    if name_filter:
        names = [n for n in names if re.search(name_filter, n)]
    return [(suite, n, os.path.join(suite_dir, n)) for n in names]


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.strip().splitlines()[1:]))
    ap.add_argument("--aic-run", required=True, help="runner implementing the aic-run contract")
    ap.add_argument("--suite", action="append", choices=SUITES,
                    help="a suite to run (repeatable; default: all four)")
    ap.add_argument("--data-root", default=DATA_ROOT)
    ap.add_argument("--filter", help="only tests whose name matches this regex (re.search)")
    ap.add_argument("--xfail", default=os.path.join(HERE, "xfail.txt"),
                    help="expected failures, '' for none (default: %(default)s)")
    ap.add_argument("--update-xfail", action="store_true",
                    help="rewrite the xfail file from this run's results")
    ap.add_argument("--json", metavar="FILE", help="write every test's outcome to FILE")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per run (default 60)")
    ap.add_argument("--list", action="store_true", help="only list the selected tests")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every test's outcome, and the stderr of regressions")
    args = ap.parse_args()
    suites = args.suite or list(SUITES)
    suites = [s for s in SUITES if s in suites]

    for suite in suites:
        if not os.path.isdir(os.path.join(args.data_root, suite)):
            print(f"error: {os.path.join(args.data_root, suite)} not found "
                  "(apt-get install libonnx-testdata)", file=sys.stderr)
            return 2
    tests = [t for s in suites for t in list_tests(args.data_root, s, args.filter)]
    if args.list:
        for suite, name, _ in tests:
            print(f"{suite}/{name}")
        print(f"{len(tests)} tests")
        return 0

    runner_path = args.aic_run
    if not (os.path.isfile(runner_path) or shutil.which(runner_path)):
        print(f"error: runner {runner_path} not found", file=sys.stderr)
        return 2
    if runner_path.endswith(".js"):
        runner = ["node", runner_path]
    else:
        runner = [os.path.abspath(runner_path) if os.path.isfile(runner_path) else runner_path]

    xfail = XfailFile(args.xfail)
    # Every test name of the data root, to catch misspelt entries.
    known = {n for s in SUITES if os.path.isdir(os.path.join(args.data_root, s))
             for _, n, _ in list_tests(args.data_root, s, None)}
    unknown = sorted(n for n in xfail.reasons if n not in known)
    if unknown and not args.update_xfail:
        xfail.errors += [f"{args.xfail}: {n} is not a test of {args.data_root}" for n in unknown]
    if xfail.errors:
        for e in xfail.errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"error: {len(xfail.errors)} problems in {args.xfail}", file=sys.stderr)
        return 2

    print(f"running {len(tests)} tests of {', '.join(suites)}"
          f"{' matching ' + repr(args.filter) if args.filter else ''} with {' '.join(runner)}, "
          f"{args.jobs} jobs", flush=True)
    start = time.monotonic()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_test, runner, s, n, d, args.timeout) for s, n, d in tests]
        for fut in concurrent.futures.as_completed(futures):
            r = fut.result()
            name, cls = r["name"], r["class"]
            listed = name in xfail.reasons
            if name in INVALID_DATA and cls in ("PASS", "FAIL"):
                r["outcome"] = "UNEXPECTED PASS" if cls == "PASS" else "INVALID DATA"
                if cls == "FAIL":
                    r["message"] = f"{INVALID_DATA[name]} ({r['message']})"
            elif cls == "PASS":
                r["outcome"] = "UNEXPECTED PASS" if listed else "PASS"
            elif cls == "ERROR":
                r["outcome"] = "XFAIL" if listed else "ERROR"
            else:
                r["outcome"] = cls
            results[name] = r
            if r["outcome"] == "UNEXPECTED PASS":
                print(f"UNEXPECTED PASS: {name}" + (f" ({random_note(r)})" if r.get("random") else ""),
                      flush=True)
            elif r["outcome"] in ("PASS", "XFAIL", "INVALID DATA"):
                if args.verbose:
                    print(f"{r['outcome']} {name}" + (f": {r['message']}" if r["message"] else "")
                          + (f" ({random_note(r)})" if r["outcome"] == "PASS" and r.get("random") else ""),
                          flush=True)
            else:
                print(f"REGRESSION {r['outcome']} {r['suite']}/{name}: {r['message']}", flush=True)
                if args.verbose and r["stderr"].strip():
                    print("  | " + "\n  | ".join(r["stderr"].strip().splitlines()[:40]), flush=True)
    wall = time.monotonic() - start

    # Summary per suite.
    cols = ("PASS", "XFAIL", "UNEXPECTED PASS", "FAIL", "CRASH", "TIMEOUT", "ERROR")
    heads = ("pass", "xfail", "unexp.pass", "fail", "crash", "timeout", "error(new)")
    print()
    print(f"{'suite':<18}{'tests':>6}" + "".join(f"{h:>12}" for h in heads))
    totals = dict.fromkeys(cols, 0)
    for suite in suites:
        rs = [r for r in results.values() if r["suite"] == suite]
        counts = {c: sum(r["outcome"] == c for r in rs) for c in cols}
        for c in cols:
            totals[c] += counts[c]
        print(f"{suite:<18}{len(rs):>6}" + "".join(f"{counts[c]:>12}" for c in cols))
    if len(suites) > 1:
        print(f"{'total':<18}{len(results):>6}" + "".join(f"{totals[c]:>12}" for c in cols))
    print(f"wall time {wall:.1f} s, {args.jobs} jobs")
    shape_only = sorted(n for n, r in results.items() if r["class"] == "PASS" and r.get("random"))
    if shape_only:
        print(f"{len(shape_only)} of the passes compared random outputs by element type and shape "
              f"only: {', '.join(shape_only)}")

    invalid = sorted(n for n, r in results.items() if r["outcome"] == "INVALID DATA")
    if invalid:
        print(f"{len(invalid)} tests with invalid expected outputs failed as they must: "
              f"{', '.join(invalid)}")

    regressions = sorted((r for r in results.values()
                          if r["outcome"] in REGRESSION_CLASSES + ("ERROR",)),
                         key=lambda r: (SUITES.index(r["suite"]), r["name"]))
    unexpected = sorted(n for n, r in results.items() if r["outcome"] == "UNEXPECTED PASS")
    broken = [r for r in regressions if r["class"] in REGRESSION_CLASSES]
    new_errors = [r for r in regressions if r["class"] == "ERROR"]
    if broken:
        print(f"\nWRONG RESULTS, CRASHES AND TIMEOUTS ({len(broken)}; never expected, "
              "fix the compiler):")
        for r in broken:
            print(f"  {r['outcome']} {r['suite']}/{r['name']}: {r['message']}")
    if new_errors:
        print(f"\nERRORS NOT IN {args.xfail or 'the xfail file'} ({len(new_errors)}; fix, or "
              "rerun with --update-xfail to expect them):")
        for r in new_errors:
            print(f"  {r['suite']}/{r['name']}: {r['message']}")
    if unexpected:
        print(f"\nUNEXPECTED PASSES ({len(unexpected)}; rerun with --update-xfail to drop them):")
        for n in unexpected:
            print(f"  {n}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"runner": " ".join(runner), "data_root": args.data_root,
                       "suites": suites, "wall_seconds": round(wall, 1),
                       "tests": {n: {"suite": r["suite"], "outcome": r["outcome"],
                                     "class": r["class"], "message": r["message"],
                                     "stderr_first_line": short(next(
                                         (l for l in r["stderr"].splitlines() if l.strip()), "")),
                                     "seconds": r["seconds"],
                                     "random_outputs": r.get("random", [])}
                                 for n, r in sorted(results.items())}},
                      f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"wrote {args.json}")

    if args.update_xfail:
        if not args.xfail:
            print("error: --update-xfail needs an xfail file", file=sys.stderr)
            return 2
        old = dict(xfail.reasons)
        remove = {n for n, r in results.items() if r["class"] == "PASS"} | set(unknown)
        add = {r["name"]: (r["suite"], r["message"]) for r in new_errors}
        xfail.update(remove, add, group_header)
        xfail.write()
        for r in new_errors:
            r["outcome"] = "XFAIL"
        removed = sorted(set(old) - set(xfail.reasons))
        print(f"\nupdated {args.xfail}: {len(xfail.reasons)} entries (+{len(add)}, -{len(removed)}"
              f"{f', {len(unknown)} unknown tests dropped' if unknown else ''})")
        new_errors, unexpected = [], []

    passed = sum(r["class"] == "PASS" for r in results.values())
    failed = len(broken) + len(new_errors)
    print(f"{passed} passed, {failed} failed"
          + (f", {len(unexpected)} unexpected passes" if unexpected else ""))
    return 1 if failed or unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
