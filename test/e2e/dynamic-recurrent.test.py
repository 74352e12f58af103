"""Two-layer PyTorch LSTM, GRU and RNN models exported with a symbolic
sequence length and batch, compiled once and run at several sizes against
PyTorch (see dynamic-recurrent.test). Usage: dynamic-recurrent.test.py
WORKDIR CASE..., CASE = CELL-LAYOUT-DIRECTIONS-STATE: CELL lstm, gru or
rnn; LAYOUT seq (sequence-major) or batch (batch_first); DIRECTIONS uni or
bi; STATE zeros (PyTorch builds zero initial states from the input's shape)
or given (initial states are inputs). Runs aic-compile and aic-run from
PATH."""

import importlib.util
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "dynamic_batch", os.path.join(HERE, "dynamic-batch.test.py"))
batch_test = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(batch_test)

# (sequence, batch): the export's, a single step of one, and longer.
SIZES = ((5, 2), (1, 1), (11, 3))
INPUT, HIDDEN, LAYERS = 8, 16, 2


class Model(torch.nn.Module):
    """A recurrent stack, then a linear layer on every step; outputs the
    projected sequence and the last hidden states."""

    def __init__(self, cell, batch_first, bidirectional):
        super().__init__()
        cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU,
               "rnn": torch.nn.RNN}[cell]
        self.cell = cell
        self.rnn = cls(INPUT, HIDDEN, num_layers=LAYERS,
                       batch_first=batch_first, bidirectional=bidirectional)
        self.fc = torch.nn.Linear(HIDDEN * (2 if bidirectional else 1), 3)

    def forward(self, x, *state):
        if self.cell == "lstm" and state:
            state = ((state[0], state[1]),)
        y, last = self.rnn(x, *state)
        return self.fc(y), last[0] if self.cell == "lstm" else last


def check(case, folder):
    cell, layout, directions, state = case.split("-")
    batch_first, bidirectional = layout == "batch", directions == "bi"
    torch.manual_seed(0)
    model = Model(cell, batch_first, bidirectional).eval()
    states = (LAYERS * (2 if bidirectional else 1)) if state == "given" else 0
    num_states = (2 if cell == "lstm" else 1) if states else 0

    def inputs(seq, batch, rng):
        shape = (batch, seq, INPUT) if batch_first else (seq, batch, INPUT)
        return [rng.standard_normal(shape, dtype=np.float32)] + [
            rng.standard_normal((states, batch, HIDDEN), dtype=np.float32)
            for _ in range(num_states)]

    rng = np.random.default_rng(1)
    names = ["x", "h0", "c0"][:1 + num_states]
    axes = {"x": {0: "batch", 1: "seq"} if batch_first else
            {0: "seq", 1: "batch"}}
    for name in names[1:]:
        axes[name] = {1: "batch"}
    path = os.path.join(folder, case + ".onnx")
    with torch.no_grad():
        torch.onnx.export(
            model, tuple(torch.from_numpy(a) for a in inputs(5, 2, rng)),
            path, opset_version=14, input_names=names,
            output_names=["y", "h"], dynamic_axes=axes)
    lib = os.path.join(folder, case + ".so")
    batch_test.compile_model(path, lib)
    for seq, batch in SIZES:
        arrays = inputs(seq, batch, rng)
        with torch.no_grad():
            expected = [t.numpy() for t in model(
                *(torch.from_numpy(a) for a in arrays))]
        outputs, error = batch_test.run(lib, os.path.join(folder, case),
                                        arrays)
        at = "%s at sequence %d, batch %d" % (case, seq, batch)
        if error:
            sys.exit("%s: %s" % (at, error))
        for y, e in zip(outputs, expected):
            if y.shape != e.shape or not np.allclose(y, e, rtol=1e-4,
                                                     atol=1e-5):
                sys.exit("%s: wrong values (shape %s, expected %s)" %
                         (at, y.shape, e.shape))
    print("%s: sizes %s ok" % (case, " ".join("%dx%d" % s for s in SIZES)))


def main():
    torch.set_num_threads(1)
    for case in sys.argv[2:]:
        check(case, sys.argv[1])


if __name__ == "__main__":
    main()
