//===- Descriptor.h - Bounds-checked decoding of primitive descriptors ----===//
//
// Descriptors come from compiled code and may be corrupt; every read is
// bounds checked and every count is validated against the words left before
// it sizes anything, so that garbage produces an AIC_ERROR_INVALID_MODEL
// error instead of a crash. decode<Kind>() is generic over the typed
// descriptors of aic/contract.h, so the wire format is only ever written
// down in aic/primitives.def; what the values mean is checked by each
// kind's factory.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_DESCRIPTOR_H
#define AIC_RUNTIME_DESCRIPTOR_H

#include "aic/contract.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aic::rt {

using contract::PostOp;
using contract::Tensor;

constexpr int64_t kMaxTensorRank = AIC_MAX_RANK;

/// Product of the dims; decoded tensors are bounded, so it cannot overflow.
int64_t numElements(const Tensor &t);
/// "[1,3,224,224]"
std::string shapeStr(const Tensor &t);

class DescReader {
public:
  /// `prefix` starts every error message ("primitive 'conv1': invalid CONV
  /// descriptor").
  DescReader(const int64_t *desc, int64_t len, std::string prefix)
      : desc_(desc), len_(len), prefix_(std::move(prefix)) {}

  [[noreturn]] void error(const std::string &what) const;
  /// Lets Tensor dims be AIC_DIM_DYNAMIC (never blocked ones).
  void allowDynamicDims() { allowDynamic_ = true; }

  int64_t word(const char *field);
  /// A word that must lie in [lo, hi].
  int64_t integer(const char *field, int64_t lo, int64_t hi);
  bool flag(const char *field) { return integer(field, 0, 1) != 0; }
  double real(const char *field);
  Tensor tensor(const char *field);
  /// A vector length in [0, max] whose elements take at least `minWords`
  /// words each, so that a garbage count fails here instead of sizing an
  /// allocation.
  int64_t count(const char *field, int64_t minWords, int64_t max);
  PostOp postOp(const char *field);
  /// Fails unless every word was consumed.
  void finish();

  void read(const char *field, int64_t &v) { v = word(field); }
  void read(const char *field, bool &v) { v = flag(field); }
  void read(const char *field, double &v) { v = real(field); }
  void read(const char *field, Tensor &v) { v = tensor(field); }
  void read(const char *field, std::optional<Tensor> &v);
  void read(const char *field, std::vector<int64_t> &v);
  void read(const char *field, std::vector<Tensor> &v);
  void read(const char *field, std::vector<PostOp> &v);

private:
  const int64_t *desc_;
  int64_t len_;
  int64_t pos_ = 0;
  std::string prefix_;
  bool allowDynamic_ = false;
};

/// Decodes descriptor `desc` of kind `D` (kind word first, then its fields)
/// and requires that nothing is left over. `prefix` starts every error.
template <class D>
D decode(const int64_t *desc, int64_t len, std::string prefix,
         bool allowDynamicDims = false) {
  DescReader r(desc, len, std::move(prefix));
  if (allowDynamicDims)
    r.allowDynamicDims();
  if (r.word("kind") != D::kKind)
    r.error(std::string("kind word is not ") + D::kName);
  D d;
  d.forEachField([&](const char *field, auto &v) { r.read(field, v); });
  r.finish();
  return d;
}

} // namespace aic::rt

#endif // AIC_RUNTIME_DESCRIPTOR_H
