"""Checks aic-run's --profile --json report and --trace file for a model.

  check_profile.py MODEL.onnx PROFILE.json TRACE.json --runs N

Every Conv, ConvTranspose, Gemm, MatMul and pooling node of the ONNX model
must have a row (these always become primitives; fused elementwise nodes
do not), each row must have been called once per run with a positive time,
a kind, shapes and, for convolutions and Gemm, flops of at least twice their
multiply-adds; the rows' times must sum to within 10% of the measured run
time. The trace must be Trace Event Format JSON: complete ("X") events with
numeric ts/dur in microseconds, pid, tid and args, one per run and one per
primitive call, each call inside its run, agreeing with the profile's times.
"""

import argparse
import json
import math
import sys

import onnx
from onnx import shape_inference

PRIMITIVE_OPS = {"Conv", "ConvTranspose", "Gemm", "MatMul", "MaxPool",
                 "AveragePool", "GlobalAveragePool", "GlobalMaxPool"}
errors = []


def check(cond, message):
    if not cond:
        errors.append(message)


def shapes_of(model):
    model = shape_inference.infer_shapes(model)
    shapes = {}
    for v in list(model.graph.value_info) + list(model.graph.output) + \
            list(model.graph.input):
        shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
    for t in model.graph.initializer:
        shapes[t.name] = list(t.dims)
    return model, shapes


def min_flops(node, shapes):
    """2 * multiply-adds of a Conv or Gemm node, else 0."""
    if node.op_type == "Conv":
        out, w = shapes[node.output[0]], shapes[node.input[1]]
        return 2 * math.prod(out) * math.prod(w[1:])
    if node.op_type == "Gemm":
        out, a = shapes[node.output[0]], shapes[node.input[0]]
        trans_a = any(a.name == "transA" and a.i for a in node.attribute)
        return 2 * math.prod(out) * (a[0] if trans_a else a[1])
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("profile")
    p.add_argument("trace")
    p.add_argument("--runs", type=int, required=True)
    args = p.parse_args()

    model, shapes = shapes_of(onnx.load(args.model))
    with open(args.profile) as f:
        report = json.load(f)
    rows = report["profile"]
    wall = report["profile_run_ms"]
    by_name = {r["name"]: r for r in rows}
    for node in model.graph.node:
        if node.op_type not in PRIMITIVE_OPS:
            continue
        row = by_name.get(node.name)
        check(row is not None, "node %r (%s) has no profile row"
              % (node.name, node.op_type))
        if row is None:
            continue
        flops = min_flops(node, shapes)
        out = math.prod(shapes[node.output[0]])
        if flops:
            check(flops <= row["flops"] <= flops + 8 * out,
                  "node %r: flops %g, expected %g plus bias and post-ops"
                  % (node.name, row["flops"], flops))
        else:  # pooling: at least one operation per output element
            check(row["flops"] >= out, "node %r: flops %g for %d outputs"
                  % (node.name, row["flops"], out))
    for r in rows:
        check(r["calls"] == args.runs, "row %r: %d calls, expected %d"
              % (r["name"], r["calls"], args.runs))
        check(r["ms_per_run"] > 0, "row %r: no time" % r["name"])
        check(r["kind"] and "dst" in r["shapes"],
              "row %r: kind %r, shapes %r" % (r["name"], r["kind"],
                                              r["shapes"]))
        if r["flops"] > 0:
            rate = r["flops"] * r["calls"] / (r["ms_per_run"] * args.runs
                                              * 1e6)
            check(abs(r["gflops"] - rate) <= 1e-6 * max(1, rate),
                  "row %r: %g GFLOP/s, expected %g" % (r["name"],
                                                       r["gflops"], rate))
    total = sum(r["ms_per_run"] for r in rows)
    check(abs(total - wall) <= 0.1 * wall,
          "primitives take %.4f ms of a %.4f ms run (more than 10%% apart)"
          % (total, wall))
    check(abs(sum(r["percent"] for r in rows) - 100 * total / wall) < 1e-6,
          "percentages do not add up")

    with open(args.trace) as f:
        trace = json.load(f)
    events = trace["traceEvents"]
    complete = [e for e in events if e.get("ph") == "X"]
    check(all(e.get("ph") in ("X", "M") for e in events),
          "events other than X and M")
    for e in complete:
        ok = (isinstance(e.get("name"), str) and isinstance(e.get("cat"), str)
              and all(isinstance(e.get(k), (int, float)) for k in ("ts", "dur"))
              and e["ts"] >= 0 and e["dur"] >= 0
              and all(isinstance(e.get(k), int) for k in ("pid", "tid"))
              and isinstance(e.get("args"), dict))
        check(ok, "malformed event %r" % e)
    runs = [e for e in complete if e["cat"] == "run"]
    calls = [e for e in complete if e["cat"] != "run"]
    check(len(runs) == args.runs, "%d run events, expected %d"
          % (len(runs), args.runs))
    check(len(calls) == args.runs * len(rows), "%d call events, expected %d"
          % (len(calls), args.runs * len(rows)))
    for e in calls:
        check("shapes" in e["args"] and e["args"]["kind"] == e["cat"],
              "event %r lacks shapes or kind" % e["name"])
        check(any(r["tid"] == e["tid"] and r["ts"] <= e["ts"] + 1e-3 and
                  e["ts"] + e["dur"] <= r["ts"] + r["dur"] + 1e-3
                  for r in runs),
              "event %r at %g is outside every run" % (e["name"], e["ts"]))
    traced = sum(e["dur"] for e in calls) / 1e3 / args.runs
    check(abs(traced - total) <= 0.05 * total,
          "trace events sum to %.4f ms per run, the profile to %.4f"
          % (traced, total))

    for message in errors:
        print("error: " + message, file=sys.stderr)
    if errors:
        return 1
    print("ok: %d primitives, %.4f of %.4f ms per run, %d trace events"
          % (len(rows), total, wall, len(complete)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
