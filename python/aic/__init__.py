"""aic: compile ONNX models ahead of time and run them on numpy arrays.

    import aic, numpy as np
    lib = aic.compile("model.onnx")            # -> "model.so", in-process
    model = aic.load(lib)
    print(model.inputs, model.outputs)         # names, dtypes, shapes
    (y,) = model.run([np.zeros((1, 3, 224, 224), np.float32)])
    model.run({"x": x}, out=[y])               # writes into y, no copy

Inputs that are C-contiguous arrays of the model's dtype are passed to the
runtime as they are; other layouts are made contiguous first (a copy).
Outputs are new arrays, or the caller's `out` arrays written in place.
Failures raise aic.Error subclasses carrying the runtime's or compiler's
message; `status` names the runtime status (e.g. "AIC_ERROR_SHAPE_MISMATCH").
bfloat16 tensors travel as uint16 arrays of their bits.
"""

import os as _os

from . import _aic
from ._aic import Model as _Model, TensorInfo

__all__ = ["compile", "load", "Model", "TensorInfo", "Error", "CompileError",
           "ShapeError", "DtypeError", "LoadError"]


class Error(RuntimeError):
    """A failure reported by the aic runtime or compiler."""
    status = "AIC_ERROR_RUNTIME"


class CompileError(Error):
    """The compiler rejected the model; the message has its diagnostics."""


class LoadError(Error, OSError):
    """The model library is missing, not an aic model, or of another ABI."""


class ShapeError(Error, ValueError):
    """An array's shape differs from the model's."""


class DtypeError(Error, TypeError):
    """An array's dtype differs from the model's."""


class ArgumentError(Error, ValueError):
    """A wrong number of arrays, or an `out` array the model cannot write."""


_aic.set_error_classes({
    -1: CompileError,
    1: ArgumentError,  # AIC_ERROR_INVALID_ARGUMENT
    2: LoadError,      # AIC_ERROR_IO
    3: LoadError,      # AIC_ERROR_INVALID_MODEL
    4: LoadError,      # AIC_ERROR_VERSION_MISMATCH
    5: ShapeError,
    6: DtypeError,
    7: Error,          # AIC_ERROR_OUT_OF_MEMORY
    8: Error,          # AIC_ERROR_UNSUPPORTED
    9: Error,          # AIC_ERROR_RUNTIME
})


def _isatty_stderr():
    try:
        return _os.isatty(2)
    except OSError:
        return False


def compile(model, output=None, *, input_shapes=None, input_values=None,
            mcpu="", opt_level=3, emit="lib", progress=None):
    """Compiles the ONNX model at `model` in this process; returns the path
    written (by default the model's path with .so, or .o for emit="obj").

    input_shapes: {name: shape} for inputs with symbolic dims.
    input_values: {name: value} for inputs that determine shapes: a
      TensorProto file path or a sequence of numbers (the library then
      accepts only that value).
    mcpu: target CPU (default: this machine's). emit: "lib" (default),
      "obj", "llvm", "lowered", "opt" or "aic" (IR as text).
    progress: a line per stage on stderr for compiles over a second
      (default: when stderr is a terminal).
    """
    model = _os.fspath(model)
    if output is None:
        if emit not in ("lib", "obj"):
            raise ValueError("give an output path for emit=%r" % emit)
        output = _os.path.splitext(model)[0] + (".so" if emit == "lib"
                                                 else ".o")
    shapes = {}
    for name, shape in (input_shapes or {}).items():
        dims = [int(d) for d in shape]
        if any(d < 0 for d in dims):
            raise ValueError("input_shapes[%r]: dims must be >= 0, got %r"
                             % (name, tuple(shape)))
        shapes[name] = dims
    values = []
    for name, value in (input_values or {}).items():
        if isinstance(value, (str, _os.PathLike)):
            text = _os.fspath(value)
        else:
            import numpy as np
            text = ",".join(str(v) for v in np.asarray(value).ravel().tolist())
        values.append("%s=%s" % (name, text))
    if progress is None:
        progress = _isatty_stderr()
    _aic.compile(model, _os.fspath(output), emit, shapes, values, mcpu,
                 int(opt_level), bool(progress))
    return _os.fspath(output)


class Model(_Model):
    """A compiled model loaded by libaicrt.

    inputs / outputs: lists of TensorInfo (name, dtype, numpy_dtype, shape).
    run(inputs, out=None): inputs as a list in model order, a {name: array}
    dict, or one array for a one-input model; returns the list of outputs.
    An output whose shape depends on the data has -1 for those dims in
    `outputs`; such a model's outputs are always new arrays (no `out`).
    num_threads: threads per run (setting it rebuilds the primitives).
    """

    def run(self, inputs, out=None):
        names = [t.name for t in self.inputs]
        if isinstance(inputs, dict):
            unknown = sorted(set(inputs) - set(names))
            missing = [n for n in names if n not in inputs]
            if unknown or missing:
                raise ArgumentError(
                    "inputs: " + "; ".join(
                        (["unknown " + ", ".join(map(repr, unknown))]
                         if unknown else []) +
                        (["missing " + ", ".join(map(repr, missing))]
                         if missing else [])) +
                    " (the model takes %s)" % ", ".join(map(repr, names)))
            inputs = [inputs[n] for n in names]
        elif not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        return _Model.run(self, inputs, out)

    __call__ = run

    def __repr__(self):
        return "aic.Model(%r, inputs=%r, outputs=%r)" % (
            self.path, self.inputs, self.outputs)


def load(path):
    """Loads a compiled model (.so from aic.compile or aic-compile)."""
    return Model(_os.fspath(path))
