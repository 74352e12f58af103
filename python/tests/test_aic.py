"""Tests of the aic Python package: compile in-process, signature, runs on
numpy arrays (matching the C example), errors, no copies, the CLI.

Run by ctest (test `python`) with PYTHONPATH=<build>/python, AIC_SOURCE_DIR
and AIC_BUILD_DIR set.
"""

import os
import shutil
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

import aic

SOURCE = os.environ.get(
    "AIC_SOURCE_DIR",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("AIC_BUILD_DIR", os.path.join(SOURCE, "build"))
DIGITS = os.path.join(SOURCE, "examples", "digits")
SAMPLES = sorted(
    os.path.join(DIGITS, "samples", f)
    for f in os.listdir(os.path.join(DIGITS, "samples")) if f.endswith(".f32"))


@pytest.fixture(scope="session")
def digits_lib(tmp_path_factory):
    out = tmp_path_factory.mktemp("digits") / "digits.so"
    assert aic.compile(os.path.join(DIGITS, "digits.onnx"), out) == str(out)
    return str(out)


@pytest.fixture
def digits(digits_lib):
    model = aic.load(digits_lib)
    model.num_threads = 1
    return model


def image(path, shape):
    return np.fromfile(path, dtype=np.float32).reshape(shape)


def write_onnxtxt(path, text):
    path.write_text(text)
    return str(path)


def test_signature(digits):
    (x,) = digits.inputs
    (y,) = digits.outputs
    assert (x.name, x.dtype, x.shape) == ("image", "float32", (1, 1, 8, 8))
    assert x.numpy_dtype == np.float32
    assert (y.name, y.dtype, y.shape) == ("probabilities", "float32", (1, 10))
    assert "image" in repr(digits)


def test_digits_match_the_c_example(digits, tmp_path):
    # Build examples/digits/predict.c against this build's libaicrt and
    # compare its lines with the same lines formatted from numpy results.
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc, "no C compiler to build the C example"
    exe = tmp_path / "predict"
    libdir = os.path.join(BUILD, "lib")
    subprocess.run([cc, "-std=c99", "-o", str(exe),
                    os.path.join(DIGITS, "predict.c"),
                    "-I", os.path.join(SOURCE, "include"), "-L", libdir,
                    "-Wl,-rpath," + libdir, "-laicrt"], check=True)
    c_lines = subprocess.run([str(exe), digits.path] + SAMPLES, check=True,
                             capture_output=True, text=True).stdout.splitlines()
    py_lines = []
    for path in SAMPLES:
        (probs,) = digits.run(image(path, digits.inputs[0].shape))
        best = int(probs.argmax())
        py_lines.append("%s: predicted %d (p=%.2f)" % (path, best,
                                                       probs[0, best]))
    assert py_lines == c_lines
    # And both agree with PyTorch's predictions (samples/labels.txt).
    with open(os.path.join(DIGITS, "samples", "labels.txt")) as f:
        expected = {l.split()[0]: l.split() for l in f if not l.startswith("#")}
    for path in SAMPLES:
        _, _, predicted, p = expected[os.path.basename(path)]
        (probs,) = digits.run([image(path, (1, 1, 8, 8))])
        assert int(probs.argmax()) == int(predicted)
        assert abs(float(probs.max()) - float(p)) < 1e-3


def test_inputs_by_name_and_out_arrays(digits):
    x = image(SAMPLES[0], (1, 1, 8, 8))
    (expected,) = digits.run([x])
    out = np.full((1, 10), np.nan, np.float32)
    (got,) = digits.run({"image": x}, out=[out])
    assert got is out
    np.testing.assert_array_equal(out, expected)
    # One output: `out` may be the array itself.
    out2 = np.empty((1, 10), np.float32)
    assert digits(x, out=out2)[0] is out2
    np.testing.assert_array_equal(out2, expected)


def test_non_contiguous_input_gives_the_same_result(digits):
    x = image(SAMPLES[1], (1, 1, 8, 8))
    wide = np.zeros((1, 1, 8, 16), np.float32)
    wide[..., ::2] = x
    strided = wide[..., ::2]
    assert not strided.flags.c_contiguous
    np.testing.assert_array_equal(digits.run([strided])[0],
                                  digits.run([x])[0])


def test_wrong_shape_raises_with_the_runtime_message(digits):
    with pytest.raises(aic.ShapeError) as e:
        digits.run([np.zeros((1, 64), np.float32)])
    assert e.value.status == "AIC_ERROR_SHAPE_MISMATCH"
    assert "input 'image' (#0): expected rank 4 shape [1,1,8,8], got rank 2" \
        in str(e.value)
    assert isinstance(e.value, ValueError)


def test_wrong_dtype_raises_with_the_runtime_message(digits):
    with pytest.raises(aic.DtypeError) as e:
        digits.run([np.zeros((1, 1, 8, 8), np.float64)])
    assert e.value.status == "AIC_ERROR_DTYPE_MISMATCH"
    assert "input 'image' (#0): expected dtype float32, got float64" \
        in str(e.value)
    with pytest.raises(aic.DtypeError, match="expected dtype float32, got "
                                              "complex64"):
        digits.run([np.zeros((1, 1, 8, 8), np.complex64)])


def test_bad_arguments_raise(digits):
    x = np.zeros((1, 1, 8, 8), np.float32)
    with pytest.raises(aic.ArgumentError, match="expected 1 inputs, got 2"):
        digits.run([x, x])
    with pytest.raises(aic.ArgumentError, match="unknown 'img'.*missing "
                                                "'image'"):
        digits.run({"img": x})
    with pytest.raises(aic.DtypeError, match="out: output 'probabilities' "
                                             r"\(#0\): expected dtype float32"):
        digits.run([x], out=[np.empty((1, 10), np.float64)])
    with pytest.raises(aic.ShapeError, match=r"expected shape \[1,10\], "
                                             r"got \[10\]"):
        digits.run([x], out=[np.empty(10, np.float32)])
    with pytest.raises(aic.ArgumentError, match="C-contiguous"):
        digits.run([x], out=[np.empty((1, 20), np.float32)[:, ::2]])
    readonly = np.empty((1, 10), np.float32)
    readonly.flags.writeable = False
    with pytest.raises(aic.ArgumentError, match="writeable"):
        digits.run([x], out=[readonly])


def test_runs_without_copies(tmp_path):
    # A 16 MiB input and output: with `out`, a run allocates (almost)
    # nothing, so neither array was copied.
    src = write_onnxtxt(tmp_path / "relu.onnxtxt", """
<ir_version: 8, opset_import: ["" : 13]>
g (float[2048, 2048] x) => (float[2048, 2048] y) {
  y = Relu (x)
}
""")
    model = aic.load(aic.compile(src, tmp_path / "relu.so"))
    x = np.random.default_rng(0).standard_normal((2048, 2048), np.float32)
    y = np.empty_like(x)
    model.run([x], out=[y])  # warm up (exec state, primitives)
    tracemalloc.start()
    try:
        model.run([x], out=[y])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, "a run allocated %d bytes" % peak
    np.testing.assert_array_equal(y, np.maximum(x, 0))
    # Without `out` the output is a new array, written in place.
    (z,) = model.run([x])
    assert not np.shares_memory(z, y)
    np.testing.assert_array_equal(z, y)


def test_outputs_of_a_run_time_shape(tmp_path):
    # NonZero's and Unique's outputs come back as arrays of the run's shape,
    # over memory the runtime allocated (freed with the arrays).
    src = write_onnxtxt(tmp_path / "nonzero.onnxtxt", """
<ir_version: 8, opset_import: ["" : 13]>
g (float[2,3] x) => (int64[2,?] nz, float[?] u, float[2,3] y, float[?] s) {
  nz = NonZero (x)
  u = Unique (x)
  y = Relu (x)
  s = Sqrt (u)
}
""")
    model = aic.load(aic.compile(src, tmp_path / "nonzero.so"))
    assert model.outputs[0].shape == (2, -1)
    assert model.outputs[2].shape == (2, 3)
    for x in (np.array([[0, 1.5, 0], [4, 0, 1.5]], np.float32),
              np.zeros((2, 3), np.float32)):
        nz, u, y, s = model.run([x])
        np.testing.assert_array_equal(nz, np.array(np.nonzero(x)))
        np.testing.assert_array_equal(u, np.unique(x))
        np.testing.assert_array_equal(y, np.maximum(x, 0))
        np.testing.assert_allclose(s, np.sqrt(np.unique(x)))
        assert nz.dtype == np.int64 and nz.flags.owndata is False
    with pytest.raises(aic.ArgumentError, match="without out="):
        model.run([x], out=[np.empty((2, 6), np.int64)])
    # The CLI runs and benchmarks such a model too.
    np.savez(tmp_path / "in.npz", x=np.eye(2, 3, dtype=np.float32))
    r = run_cli("run", str(tmp_path / "nonzero.so"), "--inputs",
                str(tmp_path / "in.npz"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("nz: int64[2, 2] [0, 1, 0, 1]"), r.stdout
    r = run_cli("bench", str(tmp_path / "nonzero.so"), "--runs", "3",
                "--warmup", "1")
    assert r.returncode == 0, r.stderr


def test_compile_error_carries_the_compiler_message(tmp_path):
    src = write_onnxtxt(tmp_path / "bad.onnxtxt", """
<ir_version: 8, opset_import: ["" : 13]>
g (float[1,2] x) => (int64[2] y) {
  n0 = Multinomial (x)
  y = Shape (n0)
}
""")
    with pytest.raises(aic.CompileError) as e:
        aic.compile(src, tmp_path / "bad.so")
    assert "node 'n0' (Multinomial, opset 13): unsupported operator" \
        in str(e.value)
    assert not (tmp_path / "bad.so").exists()
    with pytest.raises(aic.CompileError, match="cannot read ONNX model"):
        aic.compile(tmp_path / "missing.onnx")
    with pytest.raises(aic.CompileError, match="unknown emit kind 'exe'"):
        aic.compile(src, tmp_path / "x", emit="exe")


def test_compile_options(tmp_path):
    src = write_onnxtxt(tmp_path / "dyn.onnxtxt", """
<ir_version: 8, opset_import: ["" : 13]>
g (float[N, 4] x) => (float[N, 4] y) {
  y = Sigmoid (x)
}
""")
    model = aic.load(aic.compile(src, input_shapes={"x": (3, 4)}))
    assert model.path == str(tmp_path / "dyn.so")
    assert model.inputs[0].shape == (3, 4)
    x = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose(model.run([x])[0], 1 / (1 + np.exp(-x)),
                               rtol=1e-6)
    text = aic.compile(src, tmp_path / "dyn.mlir", emit="aic",
                       input_shapes={"x": (3, 4)})
    assert "aic.sigmoid" in open(text).read() or "func.func" in \
        open(text).read()


def test_load_errors(tmp_path):
    with pytest.raises(aic.LoadError, match="no such file") as e:
        aic.load(tmp_path / "nothere.so")
    assert e.value.status == "AIC_ERROR_IO"
    assert isinstance(e.value, OSError)
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"not a library")
    with pytest.raises(aic.LoadError, match="cannot load model"):
        aic.load(junk)


def test_profile_and_trace(digits):
    x = image(SAMPLES[0], (1, 1, 8, 8))
    digits.set_profiling(True, trace=True)
    for _ in range(2):
        digits.run(x)
    rows = digits.profile()
    assert rows and all(r["calls"] == 2 and r["total_ms"] > 0 for r in rows)
    assert all(r["kind"] and "dst" in r["shapes"] for r in rows)
    assert any(r["flops"] > 0 for r in rows)
    events = digits.trace()
    assert len(events) == 2 * (1 + len(rows))
    assert [e[0] for e in events].count(-1) == 2
    digits.set_profiling(False)
    assert digits.trace() == []


def test_threads(digits):
    digits.num_threads = 2
    assert digits.num_threads == 2
    with pytest.raises(aic.ArgumentError, match="negative thread count"):
        digits.num_threads = -1


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(aic.__file__))] +
        [p for p in [os.environ.get("PYTHONPATH")] if p]))
    return subprocess.run([sys.executable, "-m", "aic"] + list(args),
                          capture_output=True, text=True, env=env)


def test_cli(tmp_path, digits):
    lib = tmp_path / "d.so"
    r = run_cli("compile", os.path.join(DIGITS, "digits.onnx"), "-o", str(lib))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(lib)
    x = image(SAMPLES[0], (1, 1, 8, 8))
    np.savez(tmp_path / "in.npz", image=x)
    r = run_cli("run", str(lib), "--inputs", str(tmp_path / "in.npz"),
                "--outputs", str(tmp_path / "out.npz"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("probabilities: float32[1, 10] [")
    with np.load(tmp_path / "out.npz") as out:
        np.testing.assert_array_equal(out["probabilities"], digits.run(x)[0])
    r = run_cli("bench", os.path.join(DIGITS, "digits.onnx"), "--runs", "5",
                "--warmup", "1", "--threads", "1")
    assert r.returncode == 0, r.stderr
    assert "median" in r.stdout and "over 5 runs (1 threads)" in r.stdout
    r = run_cli("run", str(tmp_path / "missing.so"))
    assert r.returncode == 1
    assert r.stderr.startswith("error: cannot open model")


def test_installed_tree(tmp_path):
    # `cmake --install` into a fresh prefix; the package found there (only
    # PYTHONPATH points at it) compiles and runs digits with the prefix's
    # libaicrt.
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", BUILD, "--prefix", str(prefix)],
                   check=True, capture_output=True)
    site = subprocess.run(
        [sys.executable, "-c", "import os, sysconfig; print(os.path.relpath("
         "sysconfig.get_path('platlib'), sysconfig.get_path('data')))"],
        check=True, capture_output=True, text=True).stdout.strip()
    script = """
import aic, numpy as np, sys
lib = aic.compile(sys.argv[1], sys.argv[2])
m = aic.load(lib)
(p,) = m.run(np.fromfile(sys.argv[3], np.float32).reshape(1, 1, 8, 8))
maps = open("/proc/self/maps").read()
print(aic.__file__)
print([l.split()[-1] for l in maps.splitlines() if "libaicrt" in l][0])
print(int(p.argmax()))
"""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = str(prefix / site)
    r = subprocess.run([sys.executable, "-c", script,
                        os.path.join(DIGITS, "digits.onnx"),
                        str(tmp_path / "d.so"), SAMPLES[0]],
                       capture_output=True, text=True, env=env,
                       cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    module, runtime, label = r.stdout.split()
    assert module.startswith(str(prefix / site / "aic")), module
    assert os.path.realpath(runtime).startswith(str(prefix)), runtime
    assert label == "7"
