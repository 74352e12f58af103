"""Model and input folders for strings.test, and the check of its outputs."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

root = sys.argv[1]
T = TensorProto
NUMBERS = [("d", T.DOUBLE, np.float64), ("h", T.FLOAT16, np.float16),
           ("i8", T.INT8, np.int8), ("u64", T.UINT64, np.uint64),
           ("b", T.BOOL, np.bool_)]
WORDS = ["w%d" % i for i in range(100)]


def build():
    nodes, inputs, outputs = [], [], []
    for name, dtype, _ in NUMBERS:
        inputs.append(helper.make_tensor_value_info(name, dtype, [5]))
        nodes.append(helper.make_node("Cast", [name], [name + "_s"], to=T.STRING))
        nodes.append(helper.make_node("Cast", [name + "_s"], [name + "_back"], to=dtype))
        outputs += [helper.make_tensor_value_info(name + "_s", T.STRING, [5]),
                    helper.make_tensor_value_info(name + "_back", dtype, [5])]
    inputs.append(helper.make_tensor_value_info("x", T.STRING, [4]))
    words = helper.make_tensor("words", T.STRING, [100], [w.encode() for w in WORDS])
    shape = helper.make_tensor("shape", T.INT64, [2], [3, 4])
    reps = helper.make_tensor("reps", T.INT64, [1], [2])
    axes = helper.make_tensor("axes", T.INT64, [1], [0])
    nodes += [
        helper.make_node("Identity", ["words"], ["words_out"]),
        helper.make_node("Expand", ["x", "shape"], ["expanded"]),
        helper.make_node("Tile", ["x", "reps"], ["tiled"]),
        helper.make_node("Unsqueeze", ["x", "axes"], ["unsq"]),
        helper.make_node("StringNormalizer", ["x"], ["norm"], name="norm",
                         case_change_action="UPPER", stopwords=["stop"]),
    ]
    outputs += [helper.make_tensor_value_info("words_out", T.STRING, [100]),
                helper.make_tensor_value_info("expanded", T.STRING, [3, 4]),
                helper.make_tensor_value_info("tiled", T.STRING, [8]),
                helper.make_tensor_value_info("unsq", T.STRING, [1, 4]),
                helper.make_tensor_value_info("norm", T.STRING, [2])]
    graph = helper.make_graph(nodes, "g", inputs, outputs,
                              [words, shape, reps, axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, os.path.join(root, "model.onnx"))


VALUES = {
    "d": np.array([0.1, -2.5e-7, 1e300, np.inf, np.nan]),
    "h": np.array([0.1, 65504, -0.0, 6e-8, -np.inf], np.float16),
    "i8": np.array([-128, 127, 0, -1, 5], np.int8),
    "u64": np.array([0, 1, 2**64 - 1, 10, 2**63], np.uint64),
    "b": np.array([True, False, True, True, False]),
}
TEXTS = {"a": ["stop", "çà", "STOP", "ok"],
         "b": ["x", "stop", "y", "STOP"],
         "c": ["stop", b"\xff", "a", "b"]}


def write(folder, texts):
    values = [VALUES[name] for name, _, _ in NUMBERS]
    values.append(np.array(texts, dtype=object))
    for k, v in enumerate(values):
        with open(os.path.join(folder, f"input_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(v).SerializeToString())


def read(folder, k):
    with open(os.path.join(folder, "out", f"output_{k}.pb"), "rb") as f:
        return numpy_helper.to_array(onnx.load_tensor_from_string(f.read()))


def check(folder, texts):
    k = 0
    for name, _, np_type in NUMBERS:
        v = VALUES[name]
        strings, back = read(folder, k), read(folder, k + 1)
        k += 2
        expected = [{"nan": "NaN", "inf": "INF", "-inf": "-INF"}.get(str(x), str(x))
                    for x in v]
        assert [s.decode() if isinstance(s, bytes) else s for s in strings] == expected, \
            (name, strings, expected)
        assert back.dtype == v.dtype and np.array_equal(back, v, equal_nan=v.dtype.kind == "f"), \
            (name, back, v)
    assert list(read(folder, k)) == WORDS
    x = np.array(texts, dtype=object)
    assert np.array_equal(read(folder, k + 1), np.broadcast_to(x, (3, 4)))
    assert np.array_equal(read(folder, k + 2), np.tile(x, 2))
    assert np.array_equal(read(folder, k + 3), x[None])
    kept = [t.upper() for t in texts if t.lower() != "stop"]
    assert list(read(folder, k + 4)) == kept, (read(folder, k + 4), kept)


# Strings to float16 round correctly: the first is above the midpoint of 1
# and the next float16 (rounding through float32 to nearest would land on it
# and give 1.0), the second on it (ties to even), the third overflows.
HALF_TEXTS = ["1.000488281250001", "1.00048828125", "-65520"]
HALF_EXPECTED = np.array([1.0009765625, 1.0, -np.inf], np.float16)


def build_half():
    g = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["y"], to=T.FLOAT16)], "g",
        [helper.make_tensor_value_info("x", T.STRING, [3])],
        [helper.make_tensor_value_info("y", T.FLOAT16, [3])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, os.path.join(root, "half.onnx"))
    folder = os.path.join(root, "half")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(np.array(HALF_TEXTS, dtype=object)).SerializeToString())


if len(sys.argv) > 2:
    for name in "ab":
        check(os.path.join(root, name), TEXTS[name])
    assert np.array_equal(read(os.path.join(root, "half"), 0), HALF_EXPECTED)
else:
    build()
    build_half()
    for name, texts in TEXTS.items():
        write(os.path.join(root, name), texts)
