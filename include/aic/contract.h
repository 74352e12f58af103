//===- aic/contract.h - Typed primitive descriptors -------------*- C++ -*-===//
//
// The compiler-runtime contract of aic/abi.h as C++ types: one struct per
// primitive kind of aic/primitives.def, the encoder that turns it into the
// descriptor words aicrt_create takes, and the number of aicrt_exec
// arguments it needs. The compiler encodes with it, libaicrt decodes into
// the same structs, and both sides get the field order from the one .def, so
// they cannot disagree on it.
//
//   aic::contract::Conv d;
//   d.src = {AIC_DTYPE_FLOAT32, {1, 3, 224, 224}};
//   ...
//   std::vector<int64_t> words = aic::contract::encode(d);
//
// Header-only C++17; depends on the standard library and the C headers only.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_CONTRACT_H
#define AIC_CONTRACT_H

#include "aic/abi.h"
#include "aic/runtime.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace aic::contract {

/// One inner block of a blocked layout: `size` consecutive indices of `dim`.
struct Block {
  int64_t dim = 0, size = 1;
  bool operator==(const Block &o) const {
    return dim == o.dim && size == o.size;
  }
};

/// A tensor type: logical dims and the storage layout. The layout is dense
/// row-major when `order` is empty; otherwise it is a blocked layout as in
/// oneDNN: the outer dims are stored in `order` (outermost first, a
/// permutation of the dims), then the inner `blocks` (outermost first).
/// Each dim is padded to a multiple of the product of its blocks and stored
/// with an outer extent of padded size / that product; padding is zero.
/// E.g. NCHW as nChw16c: order 0 1 2 3, blocks {1, 16}.
struct Tensor {
  int64_t dtype = AIC_DTYPE_UNDEFINED; // an aic_dtype_t value
  std::vector<int64_t> dims;
  std::vector<int64_t> order;
  std::vector<Block> blocks;

  int64_t rank() const { return static_cast<int64_t>(dims.size()); }
  bool isPlain() const { return order.empty(); }
  bool operator==(const Tensor &o) const {
    return dtype == o.dtype && dims == o.dims && order == o.order &&
           blocks == o.blocks;
  }
  bool operator!=(const Tensor &o) const { return !(*this == o); }
};

/// One entry of a post-op chain, applied to the primary output in order.
struct PostOp {
  int64_t kind = AIC_POSTOP_ELTWISE; // AIC_POSTOP_*
  int64_t alg = 0;                   // AIC_ELTWISE_* or AIC_BINARY_*
  double alpha = 0, beta = 0;        // eltwise; alpha: sum
  Tensor operand;                    // binary only

  static PostOp eltwise(int64_t alg, double alpha = 0, double beta = 0) {
    return {AIC_POSTOP_ELTWISE, alg, alpha, beta, {}};
  }
  static PostOp binary(int64_t alg, Tensor operand) {
    return {AIC_POSTOP_BINARY, alg, 0, 0, std::move(operand)};
  }
  /// dst = alpha * (the destination's old contents) + dst.
  static PostOp sum(double alpha = 1) {
    return {AIC_POSTOP_SUM, 0, alpha, 0, {}};
  }
  bool operator==(const PostOp &o) const {
    return kind == o.kind && alg == o.alg && alpha == o.alpha &&
           beta == o.beta && operand == o.operand;
  }
  bool operator!=(const PostOp &o) const { return !(*this == o); }
};

//===--- One struct per kind, from aic/primitives.def ---------------------===//
//
// forEachField(f) calls f("name", field) for every field in wire order; the
// const overload passes const references.

// clang-format off
#define AIC_PRIM(Name, KIND, code)                                             \
  struct Name {                                                                \
    static constexpr int64_t kKind = AIC_PRIM_##KIND;                          \
    static constexpr const char *kName = #KIND;                                \
    template <class F> void forEachField(F &&f) { visitFields(*this, f); }     \
    template <class F> void forEachField(F &&f) const {                        \
      visitFields(*this, f);                                                   \
    }                                                                          \
    template <class Self, class F> static void visitFields(Self &self, F &f);
#define AIC_FIELD(Type, name) Type name{};
#define AIC_PRIM_END(Name) };
#include "aic/primitives.def"

// The visitors are defined after the structs because the .def lists every
// field once, and each struct needs the list twice (members, visitor).
#define AIC_PRIM(Name, KIND, code)                                             \
  template <class Self, class F> void Name::visitFields(Self &self, F &f) {
#define AIC_FIELD(Type, name) f(#name, self.name);
#define AIC_PRIM_END(Name) }
#include "aic/primitives.def"
// clang-format on

//===--- Encoding ---------------------------------------------------------===//

namespace detail {

template <class T> struct AlwaysFalse : std::false_type {};

inline void encodeTensor(std::vector<int64_t> &w, const Tensor &t) {
  w.push_back(t.dtype);
  w.push_back(t.rank());
  w.insert(w.end(), t.dims.begin(), t.dims.end());
  w.push_back(t.isPlain() ? 0 : 1);
  if (t.isPlain())
    return;
  w.insert(w.end(), t.order.begin(), t.order.end());
  w.push_back(static_cast<int64_t>(t.blocks.size()));
  for (const Block &b : t.blocks) {
    w.push_back(b.dim);
    w.push_back(b.size);
  }
}

/// Appends the words of one field (see the table in aic/abi.h).
template <class T> void encodeField(std::vector<int64_t> &w, const T &v) {
  if constexpr (std::is_same_v<T, int64_t>) {
    w.push_back(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    w.push_back(v ? 1 : 0);
  } else if constexpr (std::is_same_v<T, double>) {
    int64_t bits;
    static_assert(sizeof bits == sizeof v, "reals are IEEE doubles");
    std::memcpy(&bits, &v, sizeof bits);
    w.push_back(bits);
  } else if constexpr (std::is_same_v<T, Tensor>) {
    encodeTensor(w, v);
  } else if constexpr (std::is_same_v<T, std::optional<Tensor>>) {
    w.push_back(v ? 1 : 0);
    if (v)
      encodeTensor(w, *v);
  } else if constexpr (std::is_same_v<T, PostOp>) {
    w.push_back(v.kind);
    w.push_back(v.alg);
    if (v.kind == AIC_POSTOP_BINARY) {
      encodeTensor(w, v.operand);
    } else if (v.kind == AIC_POSTOP_SUM) {
      encodeField(w, v.alpha);
    } else {
      encodeField(w, v.alpha);
      encodeField(w, v.beta);
    }
  } else if constexpr (std::is_same_v<T, std::vector<int64_t>> ||
                       std::is_same_v<T, std::vector<Tensor>> ||
                       std::is_same_v<T, std::vector<PostOp>>) {
    w.push_back(static_cast<int64_t>(v.size()));
    for (const auto &e : v)
      encodeField(w, e);
  } else {
    static_assert(AlwaysFalse<T>::value, "not a field type of the contract");
  }
}

/// The aicrt_exec arguments a field contributes at its own position.
template <class T> int64_t tensorArgs(const T &v) {
  if constexpr (std::is_same_v<T, Tensor>)
    return 1;
  else if constexpr (std::is_same_v<T, std::optional<Tensor>>)
    return v ? 1 : 0;
  else if constexpr (std::is_same_v<T, std::vector<Tensor>>)
    return static_cast<int64_t>(v.size());
  else
    return 0;
}

/// The aicrt_exec arguments a field contributes after all tensor fields.
template <class T> int64_t postOpArgs(const T &v) {
  int64_t n = 0;
  if constexpr (std::is_same_v<T, std::vector<PostOp>>)
    for (const PostOp &op : v)
      n += op.kind == AIC_POSTOP_BINARY ? 1 : 0;
  (void)v;
  return n;
}

} // namespace detail

/// The descriptor words of `d`: its kind code, then its fields in order.
template <class D> std::vector<int64_t> encode(const D &d) {
  std::vector<int64_t> words{D::kKind};
  d.forEachField(
      [&](const char *, const auto &v) { detail::encodeField(words, v); });
  return words;
}

/// Number of aicrt_exec arguments of `d`: its Tensor fields in declaration
/// order (an optional one when present, each element of a vector), then the
/// operands of its binary post-ops in chain order.
template <class D> int64_t numExecArgs(const D &d) {
  int64_t n = 0;
  d.forEachField([&](const char *, const auto &v) {
    n += detail::tensorArgs(v) + detail::postOpArgs(v);
  });
  return n;
}

/// Calls f(Tensor &) for the Tensor of each aicrt_exec argument of `d`, in
/// argument order (see numExecArgs).
template <class D, class F> void forEachExecTensor(D &d, F &&f) {
  d.forEachField([&](const char *, auto &v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, Tensor>) {
      f(v);
    } else if constexpr (std::is_same_v<T, std::optional<Tensor>>) {
      if (v)
        f(*v);
    } else if constexpr (std::is_same_v<T, std::vector<Tensor>>) {
      for (Tensor &t : v)
        f(t);
    }
  });
  d.forEachField([&](const char *, auto &v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::vector<PostOp>>)
      for (PostOp &op : v)
        if (op.kind == AIC_POSTOP_BINARY)
          f(op.operand);
  });
}

} // namespace aic::contract

#endif // AIC_CONTRACT_H
