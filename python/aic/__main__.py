"""python3 -m aic compile|run|bench: the aic tools on the Python module.

  python3 -m aic compile model.onnx [-o model.so] [--input-shape x=1x3x224x224]
  python3 -m aic run model.so|model.onnx [--inputs in.npz|DIR] [--outputs out.npz]
  python3 -m aic bench model.so|model.onnx [--threads N] [--warmup W] [--runs R]

`run` and `bench` compile an ONNX model first (into a temporary folder).
--inputs is an .npz file keyed by input name, or a folder of input_K.pb
TensorProtos (needs the onnx package); without it inputs are seeded random
values. `run` prints each output's name, dtype, shape and first values.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

import numpy as np

import aic


def _parse_shapes(specs):
    shapes = {}
    for spec in specs or []:
        name, sep, dims = spec.partition("=")
        if not sep:
            raise SystemExit("error: --input-shape %r: expected NAME=D0xD1..."
                             % spec)
        try:
            shapes[name] = [int(d) for d in dims.split("x")] if dims else []
        except ValueError:
            raise SystemExit("error: --input-shape %r: dims must be integers"
                             % spec)
    return shapes


def _parse_values(specs):
    values = {}
    for spec in specs or []:
        name, sep, value = spec.partition("=")
        if not sep:
            raise SystemExit("error: --input-value %r: expected NAME=VALUE"
                             % spec)
        values[name] = value
    return values


def _random_inputs(model):
    rng = np.random.default_rng(0)
    arrays = []
    for t in model.inputs:
        if t.numpy_dtype is None:
            raise SystemExit("error: input %r: no numpy dtype for %s; give "
                             "--inputs" % (t.name, t.dtype))
        if np.issubdtype(t.numpy_dtype, np.floating):
            arrays.append(rng.uniform(-1, 1, t.shape).astype(t.numpy_dtype))
        else:
            arrays.append(np.zeros(t.shape, t.numpy_dtype))
    return arrays


def _read_inputs(model, path):
    if path is None:
        return _random_inputs(model)
    if os.path.isdir(path):
        try:
            import onnx
            from onnx import numpy_helper
        except ImportError:
            raise SystemExit("error: reading %s/input_K.pb needs the onnx "
                             "package" % path)
        arrays = []
        for k in range(len(model.inputs)):
            tensor = onnx.TensorProto()
            with open(os.path.join(path, "input_%d.pb" % k), "rb") as f:
                tensor.ParseFromString(f.read())
            arrays.append(numpy_helper.to_array(tensor))
        return arrays
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def _load(args, tmp):
    path = args.model
    if path.endswith((".onnx", ".onnxtxt")):
        out = os.path.join(tmp, "model.so")
        aic.compile(path, out, input_shapes=_parse_shapes(args.input_shape),
                    mcpu=args.mcpu)
        path = out
    model = aic.load(path)
    if args.threads is not None:
        model.num_threads = args.threads
    return model


def _cmd_compile(args):
    out = aic.compile(args.model, args.output,
                      input_shapes=_parse_shapes(args.input_shape),
                      input_values=_parse_values(args.input_value),
                      mcpu=args.mcpu, opt_level=args.O, emit=args.emit)
    print(out)


def _cmd_run(args):
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        model = _load(args, tmp)
        outputs = model.run(_read_inputs(model, args.inputs))
        for info, array in zip(model.outputs, outputs):
            flat = array.ravel()
            print("%s: %s%s %s%s" % (
                info.name, info.dtype, list(array.shape),
                np.array2string(flat[:8], precision=4, separator=", "),
                " ..." if flat.size > 8 else ""))
        if args.outputs:
            np.savez(args.outputs,
                     **{t.name: a for t, a in zip(model.outputs, outputs)})


def _cmd_bench(args):
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        model = _load(args, tmp)
        inputs = _read_inputs(model, args.inputs)
        if isinstance(inputs, dict):
            inputs = [inputs[t.name] for t in model.inputs]
        # Outputs whose shape depends on the data (-1 dims) are allocated
        # by each run; the others are written into the same arrays.
        dynamic = any(-1 in t.shape for t in model.outputs)
        outputs = None if dynamic else [
            np.empty(t.shape, t.numpy_dtype) for t in model.outputs]
        for _ in range(args.warmup):
            model.run(inputs, out=outputs)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            model.run(inputs, out=outputs)
            times.append((time.perf_counter() - start) * 1e3)
        times.sort()
        print("%s: median %.4f ms, p90 %.4f ms, min %.4f ms over %d runs "
              "(%d threads)" % (args.model, statistics.median(times),
                                times[min(len(times) - 1,
                                          len(times) * 9 // 10)],
                                times[0], args.runs, model.num_threads))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m aic",
                                     description="aic ONNX compiler")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("model", help="model.onnx, or a compiled model.so")
        p.add_argument("--input-shape", action="append", metavar="NAME=DIMS",
                       help="shape of an input with symbolic dims, e.g. "
                            "x=1x3x224x224 (repeatable)")
        p.add_argument("--mcpu", default="", help="target CPU")

    p = sub.add_parser("compile", help="compile an ONNX model")
    common(p)
    p.add_argument("-o", dest="output", help="output (default MODEL.so)")
    p.add_argument("-O", type=int, default=3, choices=range(4),
                   help="LLVM optimization level")
    p.add_argument("--emit", default="lib",
                   choices=["aic", "opt", "lowered", "llvm", "obj", "lib"])
    p.add_argument("--input-value", action="append", metavar="NAME=VALUE",
                   help="value of an input that determines shapes")
    p.set_defaults(func=_cmd_compile)

    for name, func, text in (("run", _cmd_run, "run a model once"),
                             ("bench", _cmd_bench, "measure latency")):
        p = sub.add_parser(name, help=text)
        common(p)
        p.add_argument("--inputs", help="inputs.npz or a folder of "
                                        "input_K.pb (default: random)")
        p.add_argument("--threads", type=int,
                       help="threads per run (0: all cores)")
        if name == "run":
            p.add_argument("--outputs", help="write outputs to this .npz")
        else:
            p.add_argument("--warmup", type=int, default=10)
            p.add_argument("--runs", type=int, default=100)
        p.set_defaults(func=func)

    args = parser.parse_args(argv)
    if args.command == "bench" and (args.runs < 1 or args.warmup < 0):
        parser.error("--runs must be >= 1 and --warmup >= 0")
    try:
        args.func(args)
    except aic.Error as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
