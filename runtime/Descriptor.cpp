//===- Descriptor.cpp - Bounds-checked decoding of primitive descriptors --===//

#include "Descriptor.h"
#include "Dtype.h"
#include "Errors.h"

#include "aic/abi.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace aic::rt;

int64_t TensorDesc::numElements() const {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

std::string TensorDesc::str() const {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

void DescReader::error(const std::string &what) const {
  fail(AIC_ERROR_INVALID_MODEL, prefix_ + ": invalid descriptor: " + what);
}

int64_t DescReader::word(const char *field) {
  if (pos_ >= len_)
    error(std::string("truncated: missing '") + field + "' at word " +
          std::to_string(pos_) + " of " + std::to_string(len_));
  return desc_[pos_++];
}

int64_t DescReader::integer(const char *field, int64_t lo, int64_t hi) {
  int64_t v = word(field);
  if (v < lo || v > hi)
    error(std::string("'") + field + "' = " + std::to_string(v) + " at word " +
          std::to_string(pos_ - 1) + " is outside [" + std::to_string(lo) +
          ", " + std::to_string(hi) + "]");
  return v;
}

double DescReader::real(const char *field) {
  int64_t bits = word(field);
  double v;
  static_assert(sizeof v == sizeof bits);
  std::memcpy(&v, &bits, sizeof v);
  if (std::isnan(v))
    error(std::string("'") + field + "' is NaN");
  return v;
}

TensorDesc DescReader::tensor(const char *field) {
  TensorDesc t;
  t.dtype = word(field);
  if (dtypeSize(t.dtype) == 0)
    error(std::string("unknown dtype ") + std::to_string(t.dtype) + " in '" +
          field + "'");
  int64_t rank = integer("rank", 0, kMaxTensorRank);
  // A dimension above 2^40 elements cannot be a real tensor and would
  // overflow the size arithmetic below.
  constexpr int64_t kMaxDim = int64_t(1) << 40;
  int64_t elems = 1;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = integer("dimension", 0, kMaxDim);
    if (d != 0 && elems > (kMaxDim << 8) / d)
      error(std::string("'") + field + "' is too large");
    elems *= d;
    t.dims.push_back(d);
  }
  return t;
}

bool DescReader::optionalTensor(const char *flagField, const char *field,
                                TensorDesc &t) {
  if (!flag(flagField))
    return false;
  t = tensor(field);
  return true;
}

std::vector<int64_t> DescReader::ints(const char *field, int64_t n, int64_t lo,
                                      int64_t hi) {
  if (n > remaining())
    word(field); // reports the truncation
  std::vector<int64_t> v;
  for (int64_t i = 0; i < n; ++i)
    v.push_back(integer(field, lo, hi));
  return v;
}

std::vector<PostOp> DescReader::postOps() {
  // oneDNN allows at most 32 post-ops (DNNL_MAX_POST_OPS).
  int64_t count = integer("post-op count", 0, 32);
  std::vector<PostOp> ops;
  for (int64_t i = 0; i < count; ++i) {
    PostOp op;
    op.kind = integer("post-op kind", AIC_POSTOP_ELTWISE, AIC_POSTOP_BINARY);
    if (op.kind == AIC_POSTOP_ELTWISE) {
      op.alg =
          integer("post-op eltwise alg", AIC_ELTWISE_RELU, AIC_ELTWISE_LINEAR);
      op.alpha = static_cast<float>(real("post-op alpha"));
      op.beta = static_cast<float>(real("post-op beta"));
    } else {
      op.alg = integer("post-op binary alg", AIC_BINARY_ADD, AIC_BINARY_MIN);
      op.operand = tensor("post-op operand");
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

void DescReader::finish() {
  if (pos_ != len_)
    error(std::to_string(len_ - pos_) + " unexpected trailing words");
}
