//===- NanFixup.cpp - NaN where oneDNN 2.6 f32 kernels drop it ------------===//
//
// See NanFixup.h. The check reads the input's stored bytes (a blocked
// layout's padding holds zeros); the corrections address elements through
// oneDNN's blocking descriptor, so they work in any layout.
//
//===----------------------------------------------------------------------===//
#include "NanFixup.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

using namespace aic::rt;
using dnnl::memory;

namespace {

constexpr uint32_t kInfBits = 0x7f800000u;

/// The largest magnitude among the n floats at p, as bits: above kInfBits
/// if one is NaN, kInfBits if one is infinite (and none NaN). It runs after
/// every softmax and max pooling, so it is compiled for each vector
/// extension (the library targets baseline x86-64) and the machine's best
/// is picked once. Not by ifunc (target_clones): its resolver runs before
/// the ThreadSanitizer runtime is ready and crashed the TSan build.
inline __attribute__((always_inline)) uint32_t maxBits(const float *p,
                                                       int64_t n) {
  uint32_t m = 0;
#pragma omp simd reduction(max : m)
  for (int64_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, p + i, sizeof bits);
    bits &= 0x7fffffffu;
    m = bits > m ? bits : m;
  }
  return m;
}

using MaxBitsFn = uint32_t (*)(const float *, int64_t);

uint32_t maxBitsBaseline(const float *p, int64_t n) { return maxBits(p, n); }
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2"))) uint32_t maxBitsAvx2(const float *p,
                                                     int64_t n) {
  return maxBits(p, n);
}
__attribute__((target("avx512f"))) uint32_t maxBitsAvx512(const float *p,
                                                          int64_t n) {
  return maxBits(p, n);
}
#endif

MaxBitsFn selectMaxBits() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return maxBitsAvx512;
  if (__builtin_cpu_supports("avx2"))
    return maxBitsAvx2;
#endif
  return maxBitsBaseline;
}

/// maxBits over the run's threads for large tensors.
uint32_t maxMagnitudeBits(const float *p, int64_t n) {
  static const MaxBitsFn scan = selectMaxBits();
  constexpr int64_t kChunk = int64_t(1) << 16;
  if (n < 2 * kChunk)
    return scan(p, n);
  int64_t chunks = (n + kChunk - 1) / kChunk;
  uint32_t m = 0;
#pragma omp parallel for reduction(max : m)
  for (int64_t c = 0; c < chunks; ++c) {
    int64_t begin = c * kChunk;
    m = std::max(m, scan(p + begin, std::min(kChunk, n - begin)));
  }
  return m;
}

int64_t floats(const memory::desc &md) {
  return static_cast<int64_t>(md.get_size() / sizeof(float));
}

/// Offset in floats of a logical index in a blocked oneDNN layout.
class Offsets {
public:
  explicit Offsets(const memory::desc &md) : d_(md.data) {
    blockProduct_.fill(1);
    const auto &b = d_.format_desc.blocking;
    for (int k = 0; k < b.inner_nblks; ++k)
      blockProduct_[b.inner_idxs[k]] *= b.inner_blks[k];
  }
  int64_t operator()(const int64_t *idx) const {
    const auto &b = d_.format_desc.blocking;
    int64_t off = d_.offset0;
    for (int i = 0; i < d_.ndims; ++i)
      off += idx[i] / blockProduct_[i] * b.strides[i];
    // Inner blocks, outermost first; a dim may be blocked more than once.
    std::array<int64_t, DNNL_MAX_NDIMS> rest = blockProduct_;
    int64_t inner = 0;
    for (int k = 0; k < b.inner_nblks; ++k) {
      int dim = b.inner_idxs[k];
      rest[dim] /= b.inner_blks[k];
      inner = inner * b.inner_blks[k] + idx[dim] / rest[dim] % b.inner_blks[k];
    }
    return off + inner;
  }
  int ndims() const { return d_.ndims; }
  const int64_t *dims() const { return d_.dims; }

private:
  dnnl_memory_desc_t d_;
  std::array<int64_t, DNNL_MAX_NDIMS> blockProduct_;
};

/// Advances `idx` over `dims` (the first `n`) like an odometer; false after
/// the last index.
bool next(int64_t *idx, const int64_t *dims, int n) {
  for (int i = n; i-- > 0;) {
    if (++idx[i] < dims[i])
      return true;
    idx[i] = 0;
  }
  return false;
}

class MaxPoolKeepingNaN final : public DnnlPrimitive {
public:
  MaxPoolKeepingNaN(std::string label, const dnnl::engine &engine,
                    dnnl::primitive prim, std::vector<ArgSlot> slots,
                    const memory::desc &scratchpad, const memory::desc &srcMd,
                    const memory::desc &dstMd, PoolWindow window)
      : DnnlPrimitive(std::move(label), engine, std::move(prim),
                      std::move(slots), scratchpad),
        src_(srcMd), dst_(dstMd), srcFloats_(floats(srcMd)),
        window_(std::move(window)) {}

  void exec(aicrt_exec_state &st, PrimState *ps, void *const *args) override {
    DnnlPrimitive::exec(st, ps, args);
    const float *src = static_cast<const float *>(args[0]);
    if (maxMagnitudeBits(src, srcFloats_) > kInfBits)
      propagate(src, static_cast<float *>(args[1]));
  }

private:
  /// Each output whose window (within the input) holds a NaN becomes the
  /// first such NaN.
  void propagate(const float *src, float *dst) const {
    int n = dst_.ndims(), nsp = n - 2;
    std::array<int64_t, DNNL_MAX_NDIMS> out{}, in{}, k{};
    const int64_t *kernel = window_.kernel.data();
    do {
      k.fill(0);
      in[0] = out[0];
      in[1] = out[1];
      do {
        bool inside = true;
        for (int s = 0; s < nsp && inside; ++s) {
          in[2 + s] = out[2 + s] * window_.strides[s] - window_.padsBegin[s] +
                      k[s] * window_.dilations[s];
          inside = in[2 + s] >= 0 && in[2 + s] < src_.dims()[2 + s];
        }
        if (!inside)
          continue;
        float v = src[src_(in.data())];
        if (std::isnan(v)) {
          dst[dst_(out.data())] = v;
          break;
        }
      } while (next(k.data(), kernel, nsp));
    } while (next(out.data(), dst_.dims(), n));
  }

  Offsets src_, dst_;
  int64_t srcFloats_;
  PoolWindow window_;
};

class SoftmaxKeepingNaN final : public DnnlPrimitive {
public:
  SoftmaxKeepingNaN(std::string label, const dnnl::engine &engine,
                    dnnl::primitive prim, std::vector<ArgSlot> slots,
                    const memory::desc &scratchpad, const memory::desc &md,
                    int axis)
      : DnnlPrimitive(std::move(label), engine, std::move(prim),
                      std::move(slots), scratchpad),
        floats_(floats(md)) {
    memory::dims dims = md.dims();
    for (int i = 0; i < axis; ++i)
      outer_ *= dims[i];
    length_ = dims[axis];
    for (size_t i = axis + 1; i < dims.size(); ++i)
      inner_ *= dims[i];
  }

  void exec(aicrt_exec_state &st, PrimState *ps, void *const *args) override {
    DnnlPrimitive::exec(st, ps, args);
    const float *src = static_cast<const float *>(args[0]);
    if (maxMagnitudeBits(src, floats_) >= kInfBits)
      propagate(src, static_cast<float *>(args[1]));
  }

private:
  /// numpy's exp(x - max) / sum is NaN throughout a row holding a NaN or
  /// +inf (inf - inf); oneDNN already gives NaN for a row of -inf only.
  void propagate(const float *src, float *dst) const {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (int64_t o = 0; o < outer_; ++o)
      for (int64_t i = 0; i < inner_; ++i) {
        int64_t base = o * length_ * inner_ + i;
        bool poisoned = false;
        for (int64_t j = 0; j < length_ && !poisoned; ++j) {
          float v = src[base + j * inner_];
          poisoned =
              std::isnan(v) || v == std::numeric_limits<float>::infinity();
        }
        if (poisoned)
          for (int64_t j = 0; j < length_; ++j)
            dst[base + j * inner_] = nan;
      }
  }

  int64_t floats_, outer_ = 1, length_ = 1, inner_ = 1;
};

} // namespace

PrimitivePtr aic::rt::makeMaxPoolKeepingNaN(
    std::string label, const dnnl::engine &engine, dnnl::primitive prim,
    std::vector<ArgSlot> slots, const memory::desc &scratchpad,
    const memory::desc &srcMd, const memory::desc &dstMd, PoolWindow window) {
  return std::make_unique<MaxPoolKeepingNaN>(
      std::move(label), engine, std::move(prim), std::move(slots), scratchpad,
      srcMd, dstMd, std::move(window));
}

PrimitivePtr aic::rt::makeSoftmaxKeepingNaN(std::string label,
                                            const dnnl::engine &engine,
                                            dnnl::primitive prim,
                                            std::vector<ArgSlot> slots,
                                            const memory::desc &scratchpad,
                                            const memory::desc &md, int axis) {
  return std::make_unique<SoftmaxKeepingNaN>(std::move(label), engine,
                                             std::move(prim), std::move(slots),
                                             scratchpad, md, axis);
}
