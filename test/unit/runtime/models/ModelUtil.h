//===- ModelUtil.h - Helpers for the hand-written test models ---*- C++ -*-===//
//
// The test models stand in for aic-compile output: they implement the
// aic/abi.h contract by hand, building their descriptors with the
// aic::contract structs the compiler uses. This header is shared with the
// tests so that both sides generate the same constant weights.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_TEST_MODEL_UTIL_H
#define AIC_TEST_MODEL_UTIL_H

#include "aic/contract.h"

#include <cstdint>
#include <initializer_list>
#include <vector>

/// Defines the exported metadata object: `AIC_TEST_MODEL_META = {...};`.
/// The symbol shares its name with the typedef aic_model_meta, which C and
/// C++ cannot declare as a variable too, so the variable gets another name
/// and the symbol name through an asm label (compiled models are LLVM IR and
/// simply name the global).
///
/// Compiled with AIC_TEST_LINKED_NAME="NAME", a model is linked into a test
/// program instead: its symbols are aic_NAME_meta, aic_NAME_init and
/// aic_NAME_run, as `aic-compile --emit=static --name=NAME` names them.
#ifdef AIC_TEST_LINKED_NAME
#define AIC_TEST_SYMBOL(entry, abiName) "aic_" AIC_TEST_LINKED_NAME "_" entry
#else
#define AIC_TEST_SYMBOL(entry, abiName) abiName
#endif
#define AIC_TEST_MODEL_META                                                    \
  extern const aic_model_meta aicTestModelMeta __asm__(                        \
      AIC_TEST_SYMBOL("meta", AIC_MODEL_META_SYMBOL));                         \
  const aic_model_meta aicTestModelMeta

/// The model's entry points, exported under their aic/abi.h names. The run
/// entry point shares its name with the C API's aic_model_run (aic/runtime.h,
/// which aic/contract.h includes), so its C++ name differs.
int32_t modelInit(aicrt_context *ctx) __asm__(
    AIC_TEST_SYMBOL("init", AIC_MODEL_INIT_SYMBOL));
int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *arena) __asm__(AIC_TEST_SYMBOL("run",
                                                      AIC_MODEL_RUN_SYMBOL));

/// Propagates the first failing aicrt status, as compiled code does.
#define AIC_TRY(expr)                                                          \
  do {                                                                         \
    int32_t rc_ = (expr);                                                      \
    if (rc_ != 0)                                                              \
      return rc_;                                                              \
  } while (0)

namespace aictest {

namespace contract = aic::contract;
using contract::PostOp;
using contract::Tensor;

/// Deterministic pseudo-random values in [-1, 1), distinct per seed.
inline float testValue(int64_t i, int seed) {
  uint32_t x = static_cast<uint32_t>(i * 2654435761u) ^
               static_cast<uint32_t>(seed * 40503u + 7u);
  x ^= x >> 13;
  x *= 0x5bd1e995u;
  x ^= x >> 15;
  return static_cast<float>(x % 2000u) / 1000.0f - 1.0f;
}

inline void fill(float *p, int64_t n, int seed) {
  for (int64_t i = 0; i < n; ++i)
    p[i] = testValue(i, seed);
}

/// Deterministic int8 values, a third of them at each end of the range
/// (sums of such products saturate 16-bit pair sums), distinct per seed.
inline void fillInt8(int8_t *p, int64_t n, int seed) {
  for (int64_t i = 0; i < n; ++i) {
    float v = testValue(i, seed);
    p[i] = v > 0.33f    ? 127
           : v < -0.33f ? -128
                        : static_cast<int8_t>(static_cast<int>(v * 300.0f));
  }
}

/// Variance `i` of the batchnorm model: positive, as variances are.
inline float batchNormVariance(int64_t i) {
  float v = testValue(i, 34);
  return (v < 0 ? -v : v) + 0.25f;
}

template <class T, size_t N> constexpr int32_t count(const T (&)[N]) {
  return static_cast<int32_t>(N);
}

inline Tensor f32(std::vector<int64_t> dims) {
  return {AIC_DTYPE_FLOAT32, std::move(dims)};
}

/// aicrt_create of `d`, encoded as the compiler does.
template <class D>
int32_t create(aicrt_context *ctx, int32_t id, const D &d, const char *name) {
  std::vector<int64_t> words = contract::encode(d);
  return aicrt_create(ctx, id, words.data(), static_cast<int64_t>(words.size()),
                      name);
}

/// aicrt_exec of the primitive made from `d`. A count that disagrees with
/// the contract is a bug in the test model, reported as -1.
template <class D>
int32_t exec(aicrt_exec_state *st, int32_t id, const D &d,
             std::initializer_list<void *> args) {
  if (static_cast<int64_t>(args.size()) != contract::numExecArgs(d))
    return -1;
  return aicrt_exec(st, id, args.begin(), static_cast<int32_t>(args.size()));
}

} // namespace aictest

#endif // AIC_TEST_MODEL_UTIL_H
