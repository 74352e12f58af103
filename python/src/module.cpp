//===- module.cpp - aic._aic: the Python binding (pybind11) ---------------===//
//
// Binds the C API of libaicrt (aic/runtime.h) and the compiler library
// (through Compile.h) for the `aic` package, which wraps this module in
// Python (python/aic/__init__.py).
//
// Arrays cross without copies where the layout allows: a C-contiguous,
// aligned input of the model's dtype is passed to aic_model_run as is
// (others are made contiguous first), and outputs are written straight into
// new arrays or into the caller's `out` arrays, which must already be
// C-contiguous, writeable and of the right dtype and shape. Failures raise
// the package's exception classes (registered by set_error_classes) with
// the runtime's or compiler's message.
//
//===----------------------------------------------------------------------===//
#include "Compile.h"

#include "aic/runtime.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

/// A failure to raise as the package's exception for `status` (-1: a
/// compile error).
struct Failure {
  int status;
  std::string message;
};

/// status -> exception class; set by the package at import.
py::dict &errorClasses() {
  static py::dict *classes = new py::dict(); // lives as long as the process
  return *classes;
}

void check(aic_status_t status) {
  if (status != AIC_OK)
    throw Failure{status, aic_last_error()};
}

/// numpy dtype of an aic dtype (bfloat16 travels as its uint16 bits);
/// None if numpy has none.
py::object numpyDtype(aic_dtype_t dtype) {
  const char *name = nullptr;
  switch (dtype) {
  case AIC_DTYPE_FLOAT32:
    name = "float32";
    break;
  case AIC_DTYPE_UINT8:
    name = "uint8";
    break;
  case AIC_DTYPE_INT8:
    name = "int8";
    break;
  case AIC_DTYPE_UINT16:
  case AIC_DTYPE_BFLOAT16:
    name = "uint16";
    break;
  case AIC_DTYPE_INT16:
    name = "int16";
    break;
  case AIC_DTYPE_INT32:
    name = "int32";
    break;
  case AIC_DTYPE_INT64:
    name = "int64";
    break;
  case AIC_DTYPE_BOOL:
    name = "bool";
    break;
  case AIC_DTYPE_FLOAT16:
    name = "float16";
    break;
  case AIC_DTYPE_FLOAT64:
    name = "float64";
    break;
  case AIC_DTYPE_UINT32:
    name = "uint32";
    break;
  case AIC_DTYPE_UINT64:
    name = "uint64";
    break;
  default:
    return py::none();
  }
  return py::dtype(name);
}

/// aic dtype of a numpy array's dtype; UNDEFINED if aic has none. A uint16
/// array passes for a bfloat16 tensor (its bits).
aic_dtype_t aicDtype(const py::dtype &dt, aic_dtype_t expected) {
  for (aic_dtype_t d :
       {AIC_DTYPE_FLOAT32, AIC_DTYPE_UINT8, AIC_DTYPE_INT8, AIC_DTYPE_UINT16,
        AIC_DTYPE_INT16, AIC_DTYPE_INT32, AIC_DTYPE_INT64, AIC_DTYPE_BOOL,
        AIC_DTYPE_FLOAT16, AIC_DTYPE_FLOAT64, AIC_DTYPE_UINT32,
        AIC_DTYPE_UINT64}) {
    py::object np = numpyDtype(d);
    if (dt.equal(np))
      return d == AIC_DTYPE_UINT16 && expected == AIC_DTYPE_BFLOAT16
                 ? AIC_DTYPE_BFLOAT16
                 : d;
  }
  return AIC_DTYPE_UNDEFINED;
}

struct TensorInfo {
  std::string name;
  std::string dtype; // ONNX's name: "float32", "bfloat16", ...
  py::object numpyDtype;
  std::vector<int64_t> shape;
};

TensorInfo infoOf(const aic_tensor_info_t &info) {
  return {info.name, aic_dtype_name(info.dtype), numpyDtype(info.dtype),
          std::vector<int64_t>(info.shape, info.shape + info.rank)};
}

std::string describe(const char *kind, size_t index,
                     const aic_tensor_info_t &info) {
  return std::string(kind) + " '" + info.name + "' (#" + std::to_string(index) +
         ")";
}

std::string shapeStr(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

class Model {
public:
  explicit Model(const std::string &path) : path_(path) {
    aic_model_t *m = nullptr;
    aic_status_t st;
    {
      py::gil_scoped_release unlocked;
      st = aic_model_load(path.c_str(), &m);
    }
    check(st);
    model_.reset(m);
    for (size_t i = 0; i < aic_model_num_inputs(m); ++i) {
      aic_tensor_info_t info;
      check(aic_model_input_info(m, i, &info));
      inputs_.push_back(info);
    }
    for (size_t i = 0; i < aic_model_num_outputs(m); ++i) {
      aic_tensor_info_t info;
      check(aic_model_output_info(m, i, &info));
      outputs_.push_back(info);
    }
  }

  std::vector<TensorInfo> inputs() const { return infos(inputs_); }
  std::vector<TensorInfo> outputs() const { return infos(outputs_); }
  const std::string &path() const { return path_; }
  uint64_t arenaBytes() const { return aic_model_arena_bytes(model_.get()); }
  int numThreads() const { return aic_model_num_threads(model_.get()); }
  void setNumThreads(int n) {
    py::gil_scoped_release unlocked;
    check(aic_model_set_num_threads(model_.get(), n));
  }
  void setProfiling(bool on, bool trace) {
    check(aic_model_set_profiling(model_.get(), !on ? 0
                                                : trace
                                                    ? AIC_PROFILE_TRACE
                                                    : AIC_PROFILE_COUNTERS));
  }

  /// One dict per primitive (aic_model_get_profile_ops).
  py::list profile() const {
    size_t count = 0;
    check(aic_model_get_profile_ops(model_.get(), nullptr, 0, &count));
    std::vector<aic_profile_op_t> ops(count);
    check(aic_model_get_profile_ops(model_.get(), ops.data(), count, &count));
    py::list rows;
    for (const aic_profile_op_t &op : ops) {
      py::dict row;
      row["name"] = op.name;
      row["kind"] = op.kind;
      row["shapes"] = op.shapes;
      row["flops"] = op.flops;
      row["calls"] = op.calls;
      row["total_ms"] = op.total_ms;
      rows.append(row);
    }
    return rows;
  }

  /// (op, thread, start_us, dur_us) per event (aic_model_get_trace).
  py::list trace() const {
    size_t count = 0;
    check(aic_model_get_trace(model_.get(), nullptr, 0, &count));
    std::vector<aic_trace_event_t> events(count);
    check(aic_model_get_trace(model_.get(), events.data(), count, &count));
    py::list result;
    for (const aic_trace_event_t &e : events)
      result.append(py::make_tuple(e.op, e.thread, e.start_us, e.dur_us));
    return result;
  }

  /// Runs on `inputs` (in order); writes into `out` when given, else into
  /// new arrays. Returns the output arrays.
  py::list run(const py::sequence &inputs, const py::object &out) {
    if (inputs.size() != inputs_.size())
      throw Failure{AIC_ERROR_INVALID_ARGUMENT,
                    "expected " + std::to_string(inputs_.size()) +
                        " inputs, got " + std::to_string(inputs.size())};
    std::vector<py::array> keep; // owns contiguous copies during the run
    std::vector<aic_tensor_t> in(inputs_.size()), outViews(outputs_.size());
    std::vector<std::vector<int64_t>> shapes(inputs_.size() + outputs_.size());
    for (size_t i = 0; i < inputs_.size(); ++i) {
      py::array a = toArray(inputs[i], i);
      // Contiguous and aligned arrays go as they are.
      if (!(a.flags() & py::array::c_style) ||
          !(a.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_))
        a = py::array::ensure(a, py::array::c_style | py::array::forcecast);
      keep.push_back(a);
      aic_dtype_t dt = aicDtype(a.dtype(), inputs_[i].dtype);
      if (dt == AIC_DTYPE_UNDEFINED)
        throw Failure{AIC_ERROR_DTYPE_MISMATCH,
                      describe("input", i, inputs_[i]) + ": expected dtype " +
                          aic_dtype_name(inputs_[i].dtype) + ", got " +
                          py::str(a.dtype()).cast<std::string>()};
      shapes[i].assign(a.shape(), a.shape() + a.ndim());
      in[i] = {const_cast<void *>(a.data()), dt, static_cast<int32_t>(a.ndim()),
               shapes[i].data()};
    }
    if (hasRuntimeShapes())
      return runAlloc(in, out);
    py::list results;
    bool given = !out.is_none();
    py::sequence outs;
    if (given) {
      outs = py::isinstance<py::array>(out) ? py::sequence(py::make_tuple(out))
                                            : out.cast<py::sequence>();
      if (outs.size() != outputs_.size())
        throw Failure{AIC_ERROR_INVALID_ARGUMENT,
                      "out: expected " + std::to_string(outputs_.size()) +
                          " arrays, got " + std::to_string(outs.size())};
    }
    for (size_t i = 0; i < outputs_.size(); ++i) {
      const aic_tensor_info_t &info = outputs_[i];
      std::vector<int64_t> shape(info.shape, info.shape + info.rank);
      py::array a;
      if (given) {
        a = checkedOut(outs[i], i, shape);
      } else {
        py::object dt = numpyDtype(info.dtype);
        if (dt.is_none())
          throw Failure{AIC_ERROR_UNSUPPORTED, describe("output", i, info) +
                                                   ": numpy has no " +
                                                   aic_dtype_name(info.dtype)};
        a = py::array(py::dtype::from_args(dt), shape);
      }
      results.append(a);
      shapes[inputs_.size() + i] = shape;
      outViews[i] = {a.mutable_data(), info.dtype, info.rank,
                     shapes[inputs_.size() + i].data()};
    }
    aic_status_t st;
    {
      py::gil_scoped_release unlocked;
      st = aic_model_run(model_.get(), in.data(), in.size(), outViews.data(),
                         outViews.size());
    }
    check(st);
    return results;
  }

private:
  struct Free {
    void operator()(aic_model_t *m) const { aic_model_free(m); }
  };

  /// Whether an output has a dim known only at run time (AIC_DIM_DYNAMIC).
  bool hasRuntimeShapes() const {
    for (const aic_tensor_info_t &info : outputs_)
      for (int32_t d = 0; d < info.rank; ++d)
        if (info.shape[d] == AIC_DIM_DYNAMIC)
          return true;
    return false;
  }

  /// Runs a model with outputs of a run-time shape (aic_model_run_alloc):
  /// each output becomes an array over the runtime's memory, released with
  /// aic_tensor_free when the array goes away.
  py::list runAlloc(const std::vector<aic_tensor_t> &in,
                    const py::object &out) {
    if (!out.is_none())
      throw Failure{AIC_ERROR_INVALID_ARGUMENT,
                    "out: the model has outputs whose shape is known only "
                    "at run time (symbolic dims, or dims that depend on the "
                    "input data); run it without out="};
    std::vector<aic_tensor_t> allocated(outputs_.size());
    aic_status_t st;
    {
      py::gil_scoped_release unlocked;
      st = aic_model_run_alloc(model_.get(), in.data(), in.size(),
                               allocated.data(), allocated.size());
    }
    check(st);
    // Capsules own the outputs first, so that nothing leaks if building an
    // array fails.
    std::vector<py::capsule> owners;
    for (aic_tensor_t &t : allocated) {
      auto *owned = new aic_tensor_t(t);
      t = {};
      owners.emplace_back(owned, [](void *p) {
        auto *tensor = static_cast<aic_tensor_t *>(p);
        aic_tensor_free(tensor);
        delete tensor;
      });
    }
    py::list results;
    for (size_t i = 0; i < owners.size(); ++i) {
      auto *t = static_cast<aic_tensor_t *>(owners[i].get_pointer());
      py::object dt = numpyDtype(t->dtype);
      if (dt.is_none())
        throw Failure{AIC_ERROR_UNSUPPORTED,
                      describe("output", i, outputs_[i]) + ": numpy has no " +
                          aic_dtype_name(t->dtype)};
      std::vector<int64_t> shape(t->shape, t->shape + t->rank);
      results.append(
          py::array(py::dtype::from_args(dt), shape, t->data, owners[i]));
    }
    return results;
  }

  static std::vector<TensorInfo>
  infos(const std::vector<aic_tensor_info_t> &list) {
    std::vector<TensorInfo> result;
    for (const aic_tensor_info_t &info : list)
      result.push_back(infoOf(info));
    return result;
  }

  /// Input `i` as an array: numpy arrays as they are, other objects
  /// (scalars, lists) converted to the model's dtype.
  py::array toArray(const py::handle &value, size_t i) const {
    if (py::isinstance<py::array>(value))
      return py::reinterpret_borrow<py::array>(value);
    py::object dt = numpyDtype(inputs_[i].dtype);
    if (dt.is_none())
      throw Failure{AIC_ERROR_DTYPE_MISMATCH,
                    describe("input", i, inputs_[i]) +
                        ": pass a numpy array of " +
                        aic_dtype_name(inputs_[i].dtype)};
    py::module_ np = py::module_::import("numpy");
    return np.attr("asarray")(value, dt);
  }

  /// The caller's output array `i`, which the model writes in place.
  py::array checkedOut(const py::handle &value, size_t i,
                       const std::vector<int64_t> &shape) const {
    const aic_tensor_info_t &info = outputs_[i];
    std::string what = "out: " + describe("output", i, info);
    if (!py::isinstance<py::array>(value))
      throw Failure{AIC_ERROR_INVALID_ARGUMENT, what + ": not a numpy array"};
    auto a = py::reinterpret_borrow<py::array>(value);
    if (aicDtype(a.dtype(), info.dtype) != info.dtype)
      throw Failure{AIC_ERROR_DTYPE_MISMATCH,
                    what + ": expected dtype " + aic_dtype_name(info.dtype) +
                        ", got " + py::str(a.dtype()).cast<std::string>()};
    std::vector<int64_t> got(a.shape(), a.shape() + a.ndim());
    if (got != shape)
      throw Failure{AIC_ERROR_SHAPE_MISMATCH, what + ": expected shape " +
                                                  shapeStr(shape) + ", got " +
                                                  shapeStr(got)};
    if (!(a.flags() & py::array::c_style) ||
        !(a.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_) ||
        !a.writeable())
      throw Failure{AIC_ERROR_INVALID_ARGUMENT,
                    what + ": must be a C-contiguous, aligned, writeable "
                           "array (the model writes into it)"};
    return a;
  }

  std::string path_;
  std::unique_ptr<aic_model_t, Free> model_;
  std::vector<aic_tensor_info_t> inputs_, outputs_;
};

void compile(const std::string &model, const std::string &output,
             const std::string &emit,
             const std::map<std::string, std::vector<int64_t>> &inputShapes,
             const std::vector<std::string> &inputValues,
             const std::string &mcpu, unsigned optLevel, bool progress) {
  aic::python::CompileRequest request;
  request.model = model;
  request.output = output;
  request.emit = emit;
  request.inputShapes = inputShapes;
  request.inputValues = inputValues;
  request.mcpu = mcpu;
  request.optLevel = optLevel;
  request.progress = progress;
  std::string errors;
  bool ok;
  {
    py::gil_scoped_release unlocked;
    ok = aic::python::compile(request, errors);
  }
  if (!ok) {
    while (!errors.empty() && errors.back() == '\n')
      errors.pop_back();
    throw Failure{-1,
                  errors.empty() ? "compiling '" + model + "' failed" : errors};
  }
}

} // namespace

PYBIND11_MODULE(_aic, m) {
  m.doc() = "aic: load, run and compile models (see the aic package)";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const Failure &f) {
      py::object cls = py::reinterpret_borrow<py::object>(PyExc_RuntimeError);
      for (int status : {f.status, static_cast<int>(AIC_ERROR_RUNTIME)})
        if (errorClasses().contains(py::int_(status))) {
          cls = errorClasses()[py::int_(status)];
          break;
        }
      py::object error = cls(f.message);
      error.attr("status") = f.status < 0
                                 ? std::string("COMPILE_ERROR")
                                 : std::string(aic_status_string(
                                       static_cast<aic_status_t>(f.status)));
      PyErr_SetObject(cls.ptr(), error.ptr());
    }
  });

  m.def(
      "set_error_classes",
      [](const py::dict &classes) {
        for (auto item : classes)
          errorClasses()[item.first] = item.second;
      },
      "status (int, -1 for compile errors) -> exception class");
  m.def("runtime_version", &aic_runtime_version);

  py::class_<TensorInfo>(m, "TensorInfo")
      .def_readonly("name", &TensorInfo::name)
      .def_readonly("dtype", &TensorInfo::dtype, "ONNX's dtype name")
      .def_readonly("numpy_dtype", &TensorInfo::numpyDtype)
      .def_property_readonly("shape",
                             [](const TensorInfo &t) {
                               py::tuple shape(t.shape.size());
                               for (size_t i = 0; i < t.shape.size(); ++i)
                                 shape[i] = t.shape[i];
                               return shape;
                             })
      .def("__repr__", [](const TensorInfo &t) {
        return "TensorInfo('" + t.name + "', " + t.dtype + ", " +
               shapeStr(t.shape) + ")";
      });

  py::class_<Model>(m, "Model")
      .def(py::init<const std::string &>(), py::arg("path"))
      .def_property_readonly("path", &Model::path)
      .def_property_readonly("inputs", &Model::inputs)
      .def_property_readonly("outputs", &Model::outputs)
      .def_property_readonly("arena_bytes", &Model::arenaBytes)
      .def_property("num_threads", &Model::numThreads, &Model::setNumThreads)
      .def("set_profiling", &Model::setProfiling, py::arg("enable"),
           py::arg("trace") = false,
           "time every primitive (and record trace events) from now on")
      .def("profile", &Model::profile,
           "per primitive: name, kind, shapes, flops, calls, total_ms")
      .def("trace", &Model::trace,
           "events since set_profiling(True, trace=True): (primitive index "
           "or -1 for a run, thread, start_us, dur_us)")
      .def("run", &Model::run, py::arg("inputs"), py::arg("out") = py::none());

  m.def("compile", &compile, py::arg("model"), py::arg("output"),
        py::arg("emit"), py::arg("input_shapes"), py::arg("input_values"),
        py::arg("mcpu"), py::arg("opt_level"), py::arg("progress"));
}
