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
// Typed buffers: aic::Span<T> (or Span<T, N>, whose size the compiler
// checks) views a std::array, a C array, a std::vector or pointer + size,
// and aic::tensor(span, shape) takes the dtype from T:
//
//   std::array<float, 64> in;  std::array<float, 10> out;
//   m.run({aic::tensor<const float>(in, {1, 1, 8, 8})},
//         {aic::tensor<float>(out, {1, 10})});
//
// The header `aic-compile --emit=header` writes wraps a model with its
// exact signature (see README).
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_HPP
#define AIC_RUNTIME_HPP

#include "aic/runtime.h"

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
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

inline constexpr size_t dynamic_extent = static_cast<size_t>(-1);

/// A view of `size()` contiguous elements of T (C++17 has no std::span).
/// With a static Extent, only arrays of exactly Extent elements convert
/// implicitly, so a wrongly sized buffer is a compile error; pointer + size
/// is checked at run time (aic::Error, AIC_ERROR_SHAPE_MISMATCH).
template <typename T, size_t Extent = dynamic_extent> class Span {
  template <typename U>
  static constexpr bool kCompatible = std::is_convertible_v<U (*)[], T (*)[]>;
  template <size_t N>
  static constexpr bool kFits = Extent == dynamic_extent || N == Extent;

public:
  using element_type = T;

  template <size_t E = Extent,
            typename = std::enable_if_t<E == dynamic_extent || E == 0>>
  constexpr Span() noexcept {}
  Span(T *data, size_t size) : data_(data), size_(size) {
    if (Extent != dynamic_extent && size != Extent)
      throw Error(AIC_ERROR_SHAPE_MISMATCH,
                  "buffer of " + std::to_string(size) + " elements where " +
                      std::to_string(Extent) + " are expected");
  }
  template <typename U, size_t N,
            typename = std::enable_if_t<kCompatible<U> && kFits<N>>>
  constexpr Span(U (&array)[N]) noexcept : data_(array), size_(N) {}
  template <typename U, size_t N,
            typename = std::enable_if_t<kCompatible<U> && kFits<N>>>
  constexpr Span(std::array<U, N> &array) noexcept
      : data_(array.data()), size_(N) {}
  template <typename U, size_t N,
            typename = std::enable_if_t<kCompatible<const U> && kFits<N>>>
  constexpr Span(const std::array<U, N> &array) noexcept
      : data_(array.data()), size_(N) {}
  /// A std::vector (or other contiguous container): its size is only known
  /// at run time, so only a dynamic-extent Span converts implicitly.
  template <
      typename C, size_t E = Extent,
      typename = std::enable_if_t<E == dynamic_extent &&
                                  kCompatible<std::remove_pointer_t<
                                      decltype(std::declval<C &>().data())>>>>
  Span(C &container) : data_(container.data()), size_(container.size()) {}
  /// A static-extent Span converts to a dynamic one.
  template <typename U, size_t N,
            typename = std::enable_if_t<Extent == dynamic_extent &&
                                        N != dynamic_extent && kCompatible<U>>>
  constexpr Span(Span<U, N> other) noexcept : data_(other.data()), size_(N) {}

  constexpr T *data() const noexcept { return data_; }
  constexpr size_t size() const noexcept { return size_; }
  constexpr T *begin() const noexcept { return data_; }
  constexpr T *end() const noexcept { return data_ + size_; }
  constexpr T &operator[](size_t i) const noexcept { return data_[i]; }

private:
  T *data_ = nullptr;
  size_t size_ = Extent == dynamic_extent ? 0 : Extent;
};

/// The dtype of a C++ element type (bool tensors are one byte per element).
template <typename T> struct dtype_of;
#define AIC_DTYPE_OF(Type, Dtype)                                              \
  template <> struct dtype_of<Type> {                                          \
    static constexpr aic_dtype_t value = Dtype;                                \
  };
AIC_DTYPE_OF(float, AIC_DTYPE_FLOAT32)
AIC_DTYPE_OF(double, AIC_DTYPE_FLOAT64)
AIC_DTYPE_OF(int8_t, AIC_DTYPE_INT8)
AIC_DTYPE_OF(uint8_t, AIC_DTYPE_UINT8)
AIC_DTYPE_OF(int16_t, AIC_DTYPE_INT16)
AIC_DTYPE_OF(uint16_t, AIC_DTYPE_UINT16)
AIC_DTYPE_OF(int32_t, AIC_DTYPE_INT32)
AIC_DTYPE_OF(uint32_t, AIC_DTYPE_UINT32)
AIC_DTYPE_OF(int64_t, AIC_DTYPE_INT64)
AIC_DTYPE_OF(uint64_t, AIC_DTYPE_UINT64)
AIC_DTYPE_OF(bool, AIC_DTYPE_BOOL)
#undef AIC_DTYPE_OF
template <typename T>
inline constexpr aic_dtype_t dtype_of_v = dtype_of<std::remove_cv_t<T>>::value;

/// A typed view of a caller buffer; throws aic::Error if the buffer does
/// not hold exactly product(shape) elements. `shape` must outlive the run.
template <typename T>
aic_tensor_t tensor(Span<T> data, const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  if (n < 0 || static_cast<size_t>(n) != data.size())
    throw Error(AIC_ERROR_SHAPE_MISMATCH,
                "buffer of " + std::to_string(data.size()) +
                    " elements for a tensor of " + std::to_string(n));
  return {const_cast<std::remove_cv_t<T> *>(data.data()), dtype_of_v<T>,
          static_cast<int32_t>(shape.size()), shape.data()};
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

/// An output of Model::runAlloc: the runtime's memory, released with the
/// object (aic_tensor_free).
class OwnedTensor {
public:
  OwnedTensor() noexcept = default;
  explicit OwnedTensor(aic_tensor_t tensor) noexcept : tensor_(tensor) {}
  OwnedTensor(const OwnedTensor &) = delete;
  OwnedTensor &operator=(const OwnedTensor &) = delete;
  OwnedTensor(OwnedTensor &&other) noexcept : tensor_(other.tensor_) {
    other.tensor_ = {};
  }
  OwnedTensor &operator=(OwnedTensor &&other) noexcept {
    std::swap(tensor_, other.tensor_);
    return *this;
  }
  ~OwnedTensor() { aic_tensor_free(&tensor_); }

  const aic_tensor_t &get() const noexcept { return tensor_; }
  template <typename T> const T *data() const noexcept {
    return static_cast<const T *>(tensor_.data);
  }
  std::vector<int64_t> shape() const {
    return std::vector<int64_t>(tensor_.shape, tensor_.shape + tensor_.rank);
  }

private:
  aic_tensor_t tensor_{};
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

  /// Loads a model linked into the program (aic_model_load_linked).
  static Model loadLinked(const aic_linked_model_t &linked) {
    Model m;
    check(aic_model_load_linked(&linked, &m.model_));
    return m;
  }

  /// Takes ownership of a model loaded through the C API.
  static Model adopt(aic_model_t *model) noexcept {
    Model m;
    m.model_ = model;
    return m;
  }

  /// Throws aic::Error unless the model's tensors are exactly these
  /// (aic_model_check_signature).
  void checkSignature(const std::vector<aic_tensor_info_t> &inputs,
                      const std::vector<aic_tensor_info_t> &outputs) const {
    check(aic_model_check_signature(model_, inputs.data(), inputs.size(),
                                    outputs.data(), outputs.size()));
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

  /// Runs the model and returns its outputs in memory the runtime
  /// allocated (any model; needed for outputs of a run-time shape,
  /// AIC_DIM_DYNAMIC); throws aic::Error.
  std::vector<OwnedTensor>
  runAlloc(const std::vector<aic_tensor_t> &inputs) const {
    std::vector<aic_tensor_t> raw(aic_model_num_outputs(model_));
    std::vector<OwnedTensor> outputs;
    outputs.reserve(raw.size()); // so that taking them over cannot throw
    check(aic_model_run_alloc(model_, inputs.data(), inputs.size(), raw.data(),
                              raw.size()));
    for (const aic_tensor_t &t : raw)
      outputs.emplace_back(t);
    return outputs;
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
