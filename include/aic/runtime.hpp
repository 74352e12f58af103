//===- aic/runtime.hpp - Header-only C++ wrapper of aic/runtime.h -*- C++
//-*-===//
//
// RAII ownership of a loaded model. Errors are reported by throwing
// aic::Error (status + aic_last_error() text); the wrapper adds no state of
// its own, so the C API's thread-safety rules apply unchanged: run() may be
// called from several threads at once on one Model.
//
//   aic::Model m = aic::Model::load("m.so");
//   m.run({aic::tensor(in.data(), AIC_DTYPE_FLOAT32, inShape)},
//         {aic::tensor(out.data(), AIC_DTYPE_FLOAT32, outShape)});
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_HPP
#define AIC_RUNTIME_HPP

#include "aic/runtime.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace aic {

class Error : public std::runtime_error {
public:
  Error(aic_status_t status, const std::string &message)
      : std::runtime_error(std::string(aic_status_string(status)) + ": " +
                           message),
        status_(status) {}
  aic_status_t status() const noexcept { return status_; }

private:
  aic_status_t status_;
};

/// Throws aic::Error for a failed status.
inline void check(aic_status_t status) {
  if (status != AIC_OK)
    throw Error(status, aic_last_error());
}

/// Non-owning view of a caller buffer; `shape` must outlive the run.
inline aic_tensor_t tensor(void *data, aic_dtype_t dtype,
                           const std::vector<int64_t> &shape) {
  return {data, dtype, static_cast<int32_t>(shape.size()), shape.data()};
}

/// Owns the bytes of STRING outputs (aic_run_context_t): they stay valid
/// until the next run with this context or its destruction.
class RunContext {
public:
  RunContext() { check(aic_run_context_create(&context_)); }
  RunContext(const RunContext &) = delete;
  RunContext &operator=(const RunContext &) = delete;
  RunContext(RunContext &&other) noexcept
      : context_(std::exchange(other.context_, nullptr)) {}
  RunContext &operator=(RunContext &&other) noexcept {
    std::swap(context_, other.context_);
    return *this;
  }
  ~RunContext() { aic_run_context_free(context_); }
  aic_run_context_t *get() const noexcept { return context_; }

private:
  aic_run_context_t *context_ = nullptr;
};

class Model {
public:
  Model() = default;
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
  Model(Model &&other) noexcept
      : model_(std::exchange(other.model_, nullptr)) {}
  Model &operator=(Model &&other) noexcept {
    std::swap(model_, other.model_);
    return *this;
  }
  ~Model() { aic_model_free(model_); }

  /// Loads a compiled model; throws aic::Error on failure.
  static Model load(const std::string &path) {
    Model m;
    check(aic_model_load(path.c_str(), &m.model_));
    return m;
  }

  explicit operator bool() const noexcept { return model_ != nullptr; }
  aic_model_t *get() const noexcept { return model_; }

  std::vector<aic_tensor_info_t> inputs() const {
    return infos(aic_model_num_inputs(model_), aic_model_input_info);
  }
  std::vector<aic_tensor_info_t> outputs() const {
    return infos(aic_model_num_outputs(model_), aic_model_output_info);
  }
  /// The graph's inputs / outputs as ONNX values (sequences and optionals
  /// group the tensors of inputs() / outputs(), see aic_value_kind_t).
  std::vector<aic_value_info_t> inputValues() const {
    return infos(aic_model_num_input_values(model_),
                 aic_model_input_value_info);
  }
  std::vector<aic_value_info_t> outputValues() const {
    return infos(aic_model_num_output_values(model_),
                 aic_model_output_value_info);
  }
  uint64_t arenaBytes() const noexcept { return aic_model_arena_bytes(model_); }

  /// 0 = all cores.
  void setNumThreads(int32_t threads) {
    check(aic_model_set_num_threads(model_, threads));
  }

  /// Runs the model on caller buffers (graph order); throws aic::Error.
  void run(const std::vector<aic_tensor_t> &inputs,
           const std::vector<aic_tensor_t> &outputs) const {
    check(aic_model_run(model_, inputs.data(), inputs.size(), outputs.data(),
                        outputs.size()));
  }
  /// Runs with `context` owning the STRING outputs' bytes; throws aic::Error.
  void run(RunContext &context, const std::vector<aic_tensor_t> &inputs,
           const std::vector<aic_tensor_t> &outputs) const {
    check(aic_model_run_in(model_, context.get(), inputs.data(), inputs.size(),
                           outputs.data(), outputs.size()));
  }

private:
  template <typename Info>
  std::vector<Info> infos(size_t n, aic_status_t (*fn)(const aic_model_t *,
                                                       size_t, Info *)) const {
    std::vector<Info> v(n);
    for (size_t i = 0; i < n; ++i)
      check(fn(model_, i, &v[i]));
    return v;
  }

  aic_model_t *model_ = nullptr;
};

} // namespace aic

#endif // AIC_RUNTIME_HPP
