"""PyTorch recurrent stacks over packed sequences (pack_padded_sequence with
the lengths an input), exported with a symbolic batch and length, against
PyTorch (see dynamic-packed.test). Usage: dynamic-packed.test.py WORKDIR
CASE..., CASE = CELL-LAYOUT-STATE: CELL lstm, gru or rnn; LAYOUT seq or
batch (batch_first); STATE given (initial states are inputs) or zeros
(PyTorch's zero states, which it exports with the traced batch). Runs
aic-compile and aic-run from PATH."""

import importlib.util
import os
import sys
import warnings

import numpy as np
import torch
from onnx import TensorProto, helper
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "dynamic_batch", os.path.join(HERE, "dynamic-batch.test.py"))
helpers = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(helpers)

INPUT, HIDDEN, LAYERS, DIRECTIONS = 8, 16, 2, 2
# (batch, length): the export's, then shorter and longer at its batch.
TRACED = [(3, 6), (3, 2), (3, 9)]
# Other batches (given states), or a batch the export cannot run (zeros).
OTHER = [(1, 1), (5, 7)]
BAD = (2, 4)


class Model(nn.Module):
    """Packs, runs a bidirectional stack, pads back to the input's length;
    outputs the padded sequence and the last hidden states."""

    def __init__(self, cell, batch_first):
        super().__init__()
        cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.cell, self.batch_first = cell, batch_first
        self.rnn = cls(INPUT, HIDDEN, num_layers=LAYERS,
                       batch_first=batch_first, bidirectional=True)

    def forward(self, x, lengths, *state):
        packed = pack_padded_sequence(x, lengths, batch_first=self.batch_first,
                                      enforce_sorted=False)
        if self.cell == "lstm" and state:
            state = ((state[0], state[1]),)
        y, last = self.rnn(packed, *state)
        length = x.shape[1 if self.batch_first else 0]
        y, _ = pad_packed_sequence(y, batch_first=self.batch_first,
                                   total_length=length)
        return y, last[0] if self.cell == "lstm" else last


def check(case, folder):
    cell, layout, state = case.split("-")
    batch_first = layout == "batch"
    torch.manual_seed(0)
    model = Model(cell, batch_first).eval()
    num_states = (2 if cell == "lstm" else 1) if state == "given" else 0
    rng = np.random.default_rng(0)

    def inputs(batch, length):
        shape = (batch, length) if batch_first else (length, batch)
        x = torch.randn(*shape, INPUT)
        # Unsorted lengths in [1, length], the longest one full.
        lengths = torch.from_numpy(rng.integers(1, length + 1, batch))
        lengths[rng.integers(0, batch)] = length
        return [x, lengths] + [torch.randn(LAYERS * DIRECTIONS, batch, HIDDEN)
                               for _ in range(num_states)]

    names = ["x", "lengths", "h0", "c0"][:2 + num_states]
    axes = {"x": {0: "b", 1: "t"} if batch_first else {0: "t", 1: "b"},
            "lengths": {0: "b"}, "h": {1: "b"},
            "y": {0: "b", 1: "t"} if batch_first else {0: "t", 1: "b"}}
    for name in names[2:]:
        axes[name] = {1: "b"}
    sub = os.path.join(folder, case)
    os.makedirs(sub, exist_ok=True)
    path, lib = os.path.join(sub, "model.onnx"), os.path.join(sub, "model.so")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, tuple(inputs(*TRACED[0])), path,
                          input_names=names, output_names=["y", "h"],
                          dynamic_axes=axes, opset_version=13)
    helpers.compile_model(path, lib)
    sizes = TRACED + (OTHER if num_states else [])
    for k, size in enumerate(sizes):
        args = inputs(*size)
        with torch.no_grad():
            expected = [t.numpy() for t in model(*args)]
        got, error = helpers.run(lib, os.path.join(sub, str(k)),
                                 [a.numpy() for a in args])
        if error:
            sys.exit("%s %s: %s" % (case, size, error))
        for name, g, e in zip(["y", "h"], got, expected):
            scale = max(float(np.abs(e).max()), 1e-30)
            err = float(np.abs(g - e).max()) / scale \
                if g.shape == e.shape else float("inf")
            if err > 1e-5:
                sys.exit("%s %s: %s has shape %s, expected %s; error %g"
                         % (case, size, name, g.shape, e.shape, err))
    print("%s: sizes %s ok" % (case, " ".join("%dx%d" % s for s in sizes)))
    if not num_states:
        _, error = helpers.run(lib, os.path.join(sub, "bad"),
                               [a.numpy() for a in inputs(*BAD)])
        print("%s %dx%d: fails: %s" % ((case,) + BAD + (error,)))


def mismatch(folder):
    """An LSTM whose initial state's batch has another symbol than X's:
    checked per run, and a run where they differ fails."""
    w = np.ones((1, 16, 2), np.float32)
    r = np.ones((1, 16, 4), np.float32)
    graph = helper.make_graph(
        [helper.make_node("LSTM", ["x", "w", "r", "", "lens", "h0"],
                          ["", "yh"], name="lstm", hidden_size=4)],
        "mismatch",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["t", "b", 2]),
         helper.make_tensor_value_info("lens", TensorProto.INT32, ["b"]),
         helper.make_tensor_value_info("h0", TensorProto.FLOAT, [1, "n", 4])],
        [helper.make_tensor_value_info("yh", TensorProto.FLOAT, [1, "b", 4])],
        [helper.make_tensor("w", TensorProto.FLOAT, w.shape, w.flatten()),
         helper.make_tensor("r", TensorProto.FLOAT, r.shape, r.flatten())])
    lib = helpers.compile_graph(graph, 14, folder, "mismatch")
    x = np.zeros((5, 2, 2), np.float32)
    lens = np.array([5, 3], np.int32)
    for n in (2, 3):
        got, error = helpers.run(lib, os.path.join(folder, "mismatch%d" % n),
                                 [x, lens, np.zeros((1, n, 4), np.float32)])
        print("mismatch batch 2, initial_h batch %d: %s"
              % (n, error or "shape %s" % (got[0].shape,)))


def main():
    for case in sys.argv[2:]:
        if case == "mismatch":
            mismatch(sys.argv[1])
        else:
            check(case, sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
