//===- Descriptor.h - Bounds-checked decoding of primitive descriptors ----===//
//
// Descriptors come from compiled code and may be corrupt; every read is
// bounds checked and every count is validated before it sizes anything, so
// that garbage produces an AIC_ERROR_INVALID_MODEL error instead of a crash.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_DESCRIPTOR_H
#define AIC_RUNTIME_DESCRIPTOR_H

#include "aic/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aic::rt {

/// oneDNN supports at most 12 dimensions (DNNL_MAX_NDIMS).
constexpr int64_t kMaxTensorRank = 12;

/// A dense row-major tensor type `dtype rank d0 ... d(rank-1)`.
struct TensorDesc {
  int64_t dtype = 0;
  std::vector<int64_t> dims;

  int64_t rank() const { return static_cast<int64_t>(dims.size()); }
  int64_t numElements() const;
  std::string str() const; // "[1,3,224,224]"
};

struct PostOp {
  int64_t kind = 0; // AIC_POSTOP_*
  int64_t alg = 0;  // AIC_ELTWISE_* or AIC_BINARY_*
  float alpha = 0, beta = 0;
  TensorDesc operand; // AIC_POSTOP_BINARY only
};

class DescReader {
public:
  /// `prefix` starts every error message ("primitive 'conv1'").
  DescReader(const int64_t *desc, int64_t len, std::string prefix)
      : desc_(desc), len_(len), prefix_(std::move(prefix)) {}

  [[noreturn]] void error(const std::string &what) const;

  int64_t word(const char *field);
  /// A word that must lie in [lo, hi].
  int64_t integer(const char *field, int64_t lo, int64_t hi);
  bool flag(const char *field) { return integer(field, 0, 1) != 0; }
  double real(const char *field);
  TensorDesc tensor(const char *field);
  /// `flag [T]`: reads T into `t` when the flag is set; returns the flag.
  bool optionalTensor(const char *flag, const char *field, TensorDesc &t);
  std::vector<int64_t> ints(const char *field, int64_t n, int64_t lo,
                            int64_t hi);
  std::vector<PostOp> postOps();
  /// Words that may still be read; counts are checked against it so that a
  /// garbage count cannot trigger a huge allocation.
  int64_t remaining() const { return len_ - pos_; }
  /// Fails unless every word was consumed.
  void finish();

private:
  const int64_t *desc_;
  int64_t len_;
  int64_t pos_ = 0;
  std::string prefix_;
};

} // namespace aic::rt

#endif // AIC_RUNTIME_DESCRIPTOR_H
