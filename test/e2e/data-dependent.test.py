"""Random-data checks of the operators whose output shape depends on the
data (see data-dependent.test). Usage: data-dependent.test.py WORKDIR;
runs aic-run from PATH."""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RUNS = 12


def make_model(folder, nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))


def run(folder, arrays, count):
    data = os.path.join(folder, "data")
    os.makedirs(data, exist_ok=True)
    for i, a in enumerate(arrays):
        with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())
    out = os.path.join(folder, "out")
    subprocess.run(["aic-run", os.path.join(folder, "model.onnx"),
                    "--cache-dir", os.path.join(folder, "cache"),
                    "--inputs", data, "--outputs", out], check=True)
    return [numpy_helper.to_array(onnx.load_tensor(
        os.path.join(out, "output_%d.pb" % i))) for i in range(count)]


def expect(name, actual, expected):
    for k, (a, e) in enumerate(zip(actual, expected)):
        e = np.asarray(e)
        if a.shape != e.shape or a.dtype != e.dtype or \
                not np.array_equal(a, e):
            sys.exit("%s: output %d is %s %r, expected %s %r" %
                     (name, k, a.dtype, a, e.dtype, e))


def unique_ref(x, axis, is_sorted):
    y, idx, inv, cnt = np.unique(x if axis is not None else x.flatten(),
                                 axis=axis, return_index=True,
                                 return_inverse=True, return_counts=True)
    if not is_sorted:
        order = np.argsort(idx, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        y = np.take(y, order, axis=axis or 0)
        idx, cnt, inv = idx[order], cnt[order], rank[inv]
    return [y, idx.astype(np.int64), inv.reshape(-1).astype(np.int64),
            cnt.astype(np.int64)]


def nms_ref(boxes, scores, max_out, iou, score_thr, center):
    def corners(b):
        if center:
            return (b[0] - b[2] / 2, b[1] - b[3] / 2,
                    b[0] + b[2] / 2, b[1] + b[3] / 2)
        return (min(b[1], b[3]), min(b[0], b[2]),
                max(b[1], b[3]), max(b[0], b[2]))

    def suppresses(p, q):
        p, q = corners(p), corners(q)
        ix0, iy0 = max(p[0], q[0]), max(p[1], q[1])
        ix1, iy1 = min(p[2], q[2]), min(p[3], q[3])
        if ix1 <= ix0 or iy1 <= iy0:
            return False
        inter = np.float32(ix1 - ix0) * np.float32(iy1 - iy0)
        ap = np.float32(p[2] - p[0]) * np.float32(p[3] - p[1])
        aq = np.float32(q[2] - q[0]) * np.float32(q[3] - q[1])
        union = ap + aq - inter
        if inter <= 0 or ap <= 0 or aq <= 0 or union <= 0:
            return False
        return inter / union > iou

    rows = []
    for b in range(scores.shape[0]):
        for c in range(scores.shape[1]):
            s = scores[b, c]
            cand = [j for j in range(len(s)) if s[j] > score_thr]
            cand.sort(key=lambda j: (-s[j], j))
            kept = []
            for j in cand:
                if len(kept) >= max_out:
                    break
                if not any(suppresses(boxes[b, j], boxes[b, k])
                           for k in kept):
                    kept.append(j)
                    rows.append([b, c, j])
    return [np.array(rows, np.int64).reshape(-1, 3)]


def main():
    work = sys.argv[1]
    rng = np.random.default_rng(7)
    vi = helper.make_tensor_value_info
    F, I32, I64, B = (TensorProto.FLOAT, TensorProto.INT32,
                      TensorProto.INT64, TensorProto.BOOL)

    folder = os.path.join(work, "nonzero")
    make_model(folder, [helper.make_node("NonZero", ["x"], ["y"])],
               [vi("x", F, [3, 4])], [vi("y", I64, [2, "n"])])
    for r in range(RUNS):
        x = (rng.random((3, 4)) < r / (RUNS - 1)).astype(np.float32)
        x *= rng.standard_normal((3, 4)).astype(np.float32)
        expect("nonzero", run(folder, [x], 1),
               [np.array(np.nonzero(x), np.int64)])
    print("nonzero: %d runs ok" % RUNS)

    outs = [vi(n, t, [None] * r) for n, t, r in
            (("y", I32, 2), ("i", I64, 1), ("inv", I64, 1), ("n", I64, 1))]
    folder = os.path.join(work, "unique_axis")
    make_model(folder, [helper.make_node("Unique", ["x"],
                                         ["y", "i", "inv", "n"], axis=0)],
               [vi("x", I32, [5, 3])], outs)
    for r in range(RUNS):
        x = rng.integers(-1, 2, (5, 3)).astype(np.int32)
        x[rng.integers(0, 5)] = x[rng.integers(0, 5)]
        expect("unique_axis", run(folder, [x], 4), unique_ref(x, 0, True))
    print("unique_axis: %d runs ok" % RUNS)

    outs = [vi(n, t, [None]) for n, t in
            (("y", F), ("i", I64), ("inv", I64), ("n", I64))]
    folder = os.path.join(work, "unique_flat_unsorted")
    make_model(folder, [helper.make_node("Unique", ["x"],
                                         ["y", "i", "inv", "n"], sorted=0)],
               [vi("x", F, [3, 4])], outs)
    for r in range(RUNS):
        x = rng.integers(-3, 4, (3, 4)).astype(np.float32) / 2
        expect("unique_flat_unsorted", run(folder, [x], 4),
               unique_ref(x, None, False))
    print("unique_flat_unsorted: %d runs ok" % RUNS)

    folder = os.path.join(work, "compress_axis")
    make_model(folder, [helper.make_node("Compress", ["x", "c"], ["y"],
                                         axis=-1)],
               [vi("x", F, [4, 5]), vi("c", B, [5])], [vi("y", F, [4, "k"])])
    for r in range(RUNS):
        x = rng.standard_normal((4, 5)).astype(np.float32)
        c = rng.random(5) < r / (RUNS - 1)
        expect("compress_axis", run(folder, [x, c], 1),
               [np.compress(c, x, axis=-1)])
    print("compress_axis: %d runs ok" % RUNS)

    folder = os.path.join(work, "compress_flat")
    make_model(folder, [helper.make_node("Compress", ["x", "c"], ["y"])],
               [vi("x", I64, [4, 5]), vi("c", B, [7])], [vi("y", I64, ["k"])])
    for r in range(RUNS):
        x = rng.integers(-100, 100, (4, 5)).astype(np.int64)
        c = rng.random(7) < 0.5
        expect("compress_flat", run(folder, [x, c], 1), [np.compress(c, x)])
    print("compress_flat: %d runs ok" % RUNS)

    # Over symbolic dims: one library, inputs of a new shape every run
    # (down to 1 x 1), the upper bounds computed per run.
    folder = os.path.join(work, "symbolic")
    make_model(folder, [
        helper.make_node("NonZero", ["x"], ["nz"]),
        helper.make_node("Unique", ["x"], ["u", "ui", "uinv", "un"]),
        helper.make_node("Unique", ["rows"], ["r", "ri", "rinv", "rn"],
                         axis=0),
        helper.make_node("Compress", ["x", "c"], ["cx"], axis=0),
        # x[x > 0]: NonZero of a mask, transposed into GatherND's tuples.
        helper.make_node("Greater", ["x", "zero"], ["mask"]),
        helper.make_node("NonZero", ["mask"], ["where"]),
        helper.make_node("Transpose", ["where"], ["tuples"]),
        helper.make_node("GatherND", ["x", "tuples"], ["sel"])],
        [vi("x", F, ["N", "L"]), vi("rows", I32, ["R", 3]),
         vi("c", B, ["C"])],
        [vi("nz", I64, [2, None]), vi("u", F, [None]), vi("ui", I64, [None]),
         vi("uinv", I64, [None]), vi("un", I64, [None]),
         vi("r", I32, [None, 3]), vi("ri", I64, [None]),
         vi("rinv", I64, [None]), vi("rn", I64, [None]),
         vi("cx", F, [None, "L"]), vi("sel", F, [None])],
        [numpy_helper.from_array(np.array(0, np.float32), "zero")])
    for r in range(RUNS):
        n, l, rows_n = 1 + r % 4, 1 + (r * 5) % 7, 1 + (r * 3) % 8
        x = rng.integers(-2, 3, (n, l)).astype(np.float32) / 2
        x *= rng.random((n, l)) < r / (RUNS - 1)
        rows = rng.integers(-1, 2, (rows_n, 3)).astype(np.int32)
        c = rng.random(rng.integers(0, n + 1)) < 0.6
        expect("symbolic", run(folder, [x, rows, c], 11),
               [np.array(np.nonzero(x), np.int64)] +
               unique_ref(x, None, True) + unique_ref(rows, 0, True) +
               [np.compress(c, x, axis=0), x[x > 0]])
    print("symbolic: %d runs ok" % RUNS)

    # Generated code downstream: Transpose, Gather of run-time indices,
    # Shape, Size and a unary function.
    folder = os.path.join(work, "downstream")
    make_model(folder, [
        helper.make_node("NonZero", ["x"], ["nz"]),
        helper.make_node("Transpose", ["nz"], ["t"]),
        helper.make_node("Unique", ["k"], ["u"]),
        helper.make_node("Gather", ["boxes", "u"], ["g"], axis=0),
        helper.make_node("Abs", ["g"], ["a"]),
        helper.make_node("Shape", ["t"], ["s"]),
        helper.make_node("Size", ["nz"], ["n"])],
        [vi("x", F, [3, 4]), vi("boxes", F, [4, 2]), vi("k", I64, [5])],
        [vi("t", I64, ["m", 2]), vi("a", F, ["j", 2]), vi("s", I64, [2]),
         vi("n", I64, [])])
    for r in range(RUNS):
        x = (rng.random((3, 4)) < r / (RUNS - 1)).astype(np.float32)
        boxes = rng.standard_normal((4, 2)).astype(np.float32)
        k = rng.integers(-4, 4, 5).astype(np.int64)
        t = np.array(np.nonzero(x), np.int64).T
        u = np.unique(k)
        expect("downstream", run(folder, [x, boxes, k], 4),
               [t, np.abs(boxes[np.where(u < 0, u + 4, u)]),
                np.array(t.shape, np.int64), np.array(t.size, np.int64)])
    print("downstream: %d runs ok" % RUNS)

    for center, name in ((0, "nms_corners"), (1, "nms_center")):
        folder = os.path.join(work, name)
        make_model(folder, [helper.make_node(
            "NonMaxSuppression", ["b", "s", "m", "iou", "st"], ["y"],
            center_point_box=center)],
            [vi("b", F, [2, 6, 4]), vi("s", F, [2, 3, 6]), vi("m", I64, [1]),
             vi("iou", F, [1]), vi("st", F, [1])], [vi("y", I64, ["k", 3])])
        for r in range(RUNS):
            b = rng.integers(0, 6, (2, 6, 4)).astype(np.float32) / 2
            if center:
                b[..., 2:] += 0.5
            s = rng.integers(0, 5, (2, 3, 6)).astype(np.float32) / 4
            m = np.array([r % 5], np.int64)
            iou = np.array([rng.choice([0.0, 0.2, 0.5])], np.float32)
            st = np.array([rng.choice([-1.0, 0.25])], np.float32)
            expect(name, run(folder, [b, s, m, iou, st], 1),
                   nms_ref(b, s, m[0], iou[0], st[0], center))
        print("%s: %d runs ok" % (name, RUNS))


main()
