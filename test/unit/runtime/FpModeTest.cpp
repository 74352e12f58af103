//===- FpModeTest.cpp - Denormals and the caller's FP mode ----------------===//
//
// aic keeps denormals (IEEE) whatever the calling thread's MXCSR says: a
// run clears flush-to-zero and denormals-are-zero for its duration and
// restores the caller's mode (runtime/FpMode.h).
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#if defined(__x86_64__)
#include <xmmintrin.h>

using namespace aictest;

namespace {

TEST(FpMode, DenormalsKeptUnderCallersFlushMode) {
  aic::Model m = aic::Model::load(modelPath("binary"));
  // y_mul = b * a: denormal a times 1 must stay the denormal, which DAZ
  // would read as 0 and FTZ would flush.
  const float tiny = 1e-40f;
  ASSERT_TRUE(std::fpclassify(tiny) == FP_SUBNORMAL);
  std::vector<float> a(24, tiny), b(3, 1.0f), c(8, 1.0f);
  const unsigned kFlush = (1u << 15) | (1u << 6);
  const unsigned saved = _mm_getcsr();
  _mm_setcsr(saved | kFlush);
  if ((_mm_getcsr() & kFlush) != kFlush) {
    // valgrind does not model FTZ/DAZ: nothing flushes there.
    _mm_setcsr(saved);
    GTEST_SKIP() << "FTZ/DAZ cannot be set here";
  }
  std::vector<std::vector<float>> out;
  EXPECT_NO_THROW(out = runF32(m, {a, b, c}));
  const unsigned after = _mm_getcsr();
  _mm_setcsr(saved);
  EXPECT_EQ(after & kFlush, kFlush) << "the caller's mode is restored";
  ASSERT_EQ(out.size(), 5u);
  for (float v : out[2])
    EXPECT_EQ(v, tiny);
  // relu(a + b) with b = 1 is 1 (denormal a absorbed): an ordinary value.
  for (float v : out[0])
    EXPECT_EQ(v, 1.0f);
}

} // namespace
#endif
