//===- Descriptor.cpp - Bounds-checked decoding of primitive descriptors --===//

#include "Descriptor.h"
#include "Dtype.h"
#include "Errors.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

using namespace aic::rt;

int64_t aic::rt::numElements(const Tensor &t) {
  int64_t n = 1;
  for (int64_t d : t.dims)
    n *= d;
  return n;
}

std::string aic::rt::shapeStr(const Tensor &t) {
  std::string s = "[";
  for (size_t i = 0; i < t.dims.size(); ++i)
    s += (i ? "," : "") + std::to_string(t.dims[i]);
  return s + "]";
}

void DescReader::error(const std::string &what) const {
  fail(AIC_ERROR_INVALID_MODEL, prefix_ + ": " + what);
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
    error(std::string("'") + field + "' at word " + std::to_string(pos_ - 1) +
          " is NaN");
  return v;
}

Tensor DescReader::tensor(const char *field) {
  Tensor t;
  t.dtype = word(field);
  if (dtypeSize(t.dtype) == 0)
    error("unknown dtype " + std::to_string(t.dtype) + " of '" + field +
          "' at word " + std::to_string(pos_ - 1));
  std::string name = std::string(field) + ".rank";
  int64_t rank = integer(name.c_str(), 0, kMaxTensorRank);
  // A dimension above 2^40 elements cannot be a real tensor, and bounding
  // the product keeps every size computed from it far from overflow.
  constexpr int64_t kMaxDim = int64_t(1) << 40;
  name = std::string(field) + ".dims";
  int64_t elems = 1;
  for (int64_t i = 0; i < rank; ++i) {
    // A run-time dim (aicrt_exec_dims) takes the place of a size where the
    // caller allows them; it is bounded like any other once given.
    if (allowDynamic_ && pos_ < len_ && desc_[pos_] == AIC_DIM_DYNAMIC) {
      ++pos_;
      t.dims.push_back(AIC_DIM_DYNAMIC);
      continue;
    }
    int64_t d = integer(name.c_str(), 0, kMaxDim);
    // A 0 dim counts as 1: strides are products of the other dims, which
    // an empty tensor must keep bounded too ([0, 2^40, 2^40] overflowed).
    int64_t counted = std::max<int64_t>(d, 1);
    if (elems > (kMaxDim << 8) / counted)
      error(std::string("'") + field + "' has too many elements");
    elems *= counted;
    t.dims.push_back(d);
  }
  name = std::string(field) + ".layout";
  if (!flag(name.c_str()))
    return t;
  // A blocked layout: the outer order is a permutation of the dims, and
  // the blocks keep every padded dim within the bound above.
  std::vector<bool> seen(rank, false);
  name = std::string(field) + ".order";
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = integer(name.c_str(), 0, rank - 1);
    if (seen[d])
      error("'" + name + "' is not a permutation of the dims");
    seen[d] = true;
    t.order.push_back(d);
  }
  if (rank == 0)
    error(std::string("'") + field + "' is a scalar with a blocked layout");
  name = std::string(field) + ".blocks";
  int64_t n = count(name.c_str(), 2, kMaxTensorRank);
  constexpr int64_t kMaxBlock = 1 << 12;
  std::vector<int64_t> product(rank, 1);
  for (int64_t i = 0; i < n; ++i) {
    contract::Block b;
    b.dim = integer(name.c_str(), 0, rank - 1);
    b.size = integer(name.c_str(), 1, kMaxBlock);
    // Run-time dims are never blocked: blocks are padded to at compile time.
    if (t.dims[b.dim] == AIC_DIM_DYNAMIC)
      error("'" + name + "' blocks run-time dim " + std::to_string(b.dim));
    product[b.dim] *= b.size;
    if (product[b.dim] > kMaxBlock)
      error("'" + name + "' blocks dim " + std::to_string(b.dim) +
            " by more than " + std::to_string(kMaxBlock));
    t.blocks.push_back(b);
  }
  return t;
}

int64_t DescReader::count(const char *field, int64_t minWords, int64_t max) {
  std::string name = std::string(field) + ".count";
  int64_t n = integer(name.c_str(), 0, max);
  if (n > (len_ - pos_) / minWords)
    error("truncated: '" + name + "' = " + std::to_string(n) + " at word " +
          std::to_string(pos_ - 1) + " is more than the " +
          std::to_string(len_ - pos_) + " words left can hold");
  return n;
}

PostOp DescReader::postOp(const char *field) {
  std::string name = std::string(field) + ".kind";
  PostOp op;
  op.kind = integer(name.c_str(), AIC_POSTOP_ELTWISE, AIC_POSTOP_SUM);
  name = std::string(field) + ".alg";
  if (op.kind == AIC_POSTOP_SUM) {
    op.alg = integer(name.c_str(), 0, 0);
    name = std::string(field) + ".alpha";
    op.alpha = real(name.c_str());
  } else if (op.kind == AIC_POSTOP_ELTWISE) {
    op.alg = integer(name.c_str(), AIC_ELTWISE_RELU, AIC_ELTWISE_ABS);
    name = std::string(field) + ".alpha";
    op.alpha = real(name.c_str());
    name = std::string(field) + ".beta";
    op.beta = real(name.c_str());
  } else {
    op.alg = integer(name.c_str(), AIC_BINARY_ADD, AIC_BINARY_MIN);
    name = std::string(field) + ".operand";
    op.operand = tensor(name.c_str());
  }
  return op;
}

void DescReader::read(const char *field, std::optional<Tensor> &v) {
  std::string name = std::string("has_") + field;
  v.reset();
  if (flag(name.c_str()))
    v = tensor(field);
}

void DescReader::read(const char *field, std::vector<int64_t> &v) {
  int64_t n = count(field, 1, INT64_MAX);
  v.clear();
  for (int64_t i = 0; i < n; ++i)
    v.push_back(word(field));
}

void DescReader::read(const char *field, std::vector<Tensor> &v) {
  int64_t n = count(field, 3, INT64_MAX); // dtype, rank, layout at least
  v.clear();
  for (int64_t i = 0; i < n; ++i)
    v.push_back(tensor(field));
}

void DescReader::read(const char *field, std::vector<PostOp> &v) {
  // An eltwise post-op takes four words, a binary one at least five, a sum
  // three.
  int64_t n = count(field, 3, AIC_MAX_POST_OPS);
  v.clear();
  for (int64_t i = 0; i < n; ++i)
    v.push_back(postOp(field));
}

void DescReader::finish() {
  if (pos_ != len_)
    error(std::to_string(len_ - pos_) + " unexpected trailing words");
}
