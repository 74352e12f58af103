#!/usr/bin/env python3
"""symbolic_variants.py - models with run-time dims, from fixed-shape seeds.

    symbolic_variants.py OUT_DIR MODEL...

For each binary ONNX MODEL, writes to OUT_DIR the variants in which graph
inputs' fixed dims are symbolic: each dim alone (NAME-sym-INPUT-DIM.onnx),
every dim of every input with a name of its own (NAME-sym-all.onnx), and
the first dim of every input sharing one name, as a batch does
(NAME-sym-batch.onnx). Models that do not parse and inputs without a tensor
shape are skipped. Prints the number of variants written.
"""
import os
import sys

import onnx


def fixed_dims(model):
    """(input index, dim index) of every fixed dim of the graph inputs that
    are not initializers."""
    inits = {t.name for t in model.graph.initializer}
    for i, value in enumerate(model.graph.input):
        if value.name in inits or not value.type.HasField("tensor_type"):
            continue
        shape = value.type.tensor_type
        if not shape.HasField("shape"):
            continue
        for d, dim in enumerate(shape.shape.dim):
            if dim.HasField("dim_value"):
                yield i, d


def variant(model, dims, name_of):
    v = onnx.ModelProto()
    v.CopyFrom(model)
    for i, d in dims:
        dim = v.graph.input[i].type.tensor_type.shape.dim[d]
        dim.ClearField("dim_value")
        dim.dim_param = name_of(i, d)
    return v


def main():
    out, models = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    written = 0
    for path in models:
        try:
            with open(path, "rb") as f:
                model = onnx.ModelProto.FromString(f.read())
        except Exception:  # not a binary model (the seeds' text twins)
            continue
        dims = list(fixed_dims(model))
        if not dims:
            continue
        base = os.path.splitext(os.path.basename(path))[0]
        variants = [("sym-%d-%d" % (i, d), variant(model, [(i, d)],
                                                   lambda i, d: "S"))
                    for i, d in dims]
        if len(dims) > 1:
            variants.append(("sym-all", variant(
                model, dims, lambda i, d: "S%d_%d" % (i, d))))
        firsts = [(i, d) for i, d in dims if d == 0]
        if len(firsts) > 1:
            variants.append(("sym-batch", variant(model, firsts,
                                                  lambda i, d: "N")))
        for suffix, v in variants:
            with open(os.path.join(out, "%s-%s.onnx" % (base, suffix)),
                      "wb") as f:
                f.write(v.SerializeToString())
            written += 1
    print(written)


if __name__ == "__main__":
    main()
