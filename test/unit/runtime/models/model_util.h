/*===- model_util.h - Helpers for the hand-written test models --*- C -*-===*
 *
 * The test models stand in for aic-compile output: they implement the
 * aic/abi.h contract by hand. This header is shared with the C++ tests so
 * that both sides generate the same constant weights.
 *
 *===----------------------------------------------------------------------===*/
#ifndef AIC_TEST_MODEL_UTIL_H
#define AIC_TEST_MODEL_UTIL_H

#include "aic/abi.h"

#include <stdint.h>
#include <string.h>

/* Bit pattern of a double, as descriptors store reals. */
static inline int64_t aic_f64(double v) {
  int64_t bits;
  memcpy(&bits, &v, sizeof bits);
  return bits;
}

/* Deterministic pseudo-random values in [-1, 1), distinct per seed. */
static inline float aic_test_value(int64_t i, int seed) {
  uint32_t x = (uint32_t)(i * 2654435761u) ^ (uint32_t)(seed * 40503u + 7u);
  x ^= x >> 13;
  x *= 0x5bd1e995u;
  x ^= x >> 15;
  return (float)(x % 2000u) / 1000.0f - 1.0f;
}

static inline void aic_test_fill(float *p, int64_t n, int seed) {
  for (int64_t i = 0; i < n; ++i)
    p[i] = aic_test_value(i, seed);
}

#define AIC_COUNT(a) ((int64_t)(sizeof(a) / sizeof((a)[0])))

/* Propagates the first failing aicrt status, as compiled code does. */
#define AIC_TRY(expr)                                                          \
  do {                                                                         \
    int32_t rc_ = (expr);                                                      \
    if (rc_ != 0)                                                              \
      return rc_;                                                              \
  } while (0)

#endif /* AIC_TEST_MODEL_UTIL_H */
