//===- NanTest.cpp - NaN and infinities through pooling, softmax, post-ops ===//
//
// oneDNN 2.6's max pooling skips NaN and its softmax gives a row holding a
// NaN or +inf only partly NaN; the runtime corrects both (NanFixup.cpp).
// Its relu and clip post-ops give their bound for NaN; the runtime runs
// again with exact forms where a NaN met one (NanGuard.cpp).
// Checked against naive references with numpy's semantics, element by
// element: the same NaN positions and, elsewhere, the same values.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <algorithm>
#include <limits>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

using namespace aictest;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

/// Max pooling of x [c,h,w] with numpy's NaN rule: a window holding a NaN
/// gives NaN; padding never wins.
std::vector<float> maxPoolRef(const std::vector<float> &x, int64_t c, int64_t h,
                              int64_t w, int64_t k, int64_t s, int64_t d,
                              int64_t pad, int64_t oh, int64_t ow) {
  std::vector<float> y(c * oh * ow);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        float m = -kInf;
        for (int64_t ky = 0; ky < k; ++ky)
          for (int64_t kx = 0; kx < k; ++kx) {
            int64_t iy = oy * s - pad + ky * d, ix = ox * s - pad + kx * d;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
              continue;
            float v = x[(ch * h + iy) * w + ix];
            m = std::isnan(v) || std::isnan(m) ? kNaN : std::max(m, v);
          }
        y[(ch * oh + oy) * ow + ox] = m;
      }
  return y;
}

/// (Log-)softmax of x [rows,cols] along `axis`, as numpy computes
/// exp(x - max) / sum: a NaN or +inf in a line makes the whole line NaN.
std::vector<float> softmaxRef(const std::vector<float> &x, int64_t rows,
                              int64_t cols, int axis, bool log) {
  std::vector<float> y(x.size());
  int64_t lines = axis == 1 ? rows : cols, len = axis == 1 ? cols : rows;
  auto at = [&](int64_t line, int64_t i) {
    return axis == 1 ? line * cols + i : i * cols + line;
  };
  for (int64_t l = 0; l < lines; ++l) {
    double m = -kInf, sum = 0;
    for (int64_t i = 0; i < len; ++i)
      m = std::isnan(x[at(l, i)]) ? NAN : std::max<double>(m, x[at(l, i)]);
    for (int64_t i = 0; i < len; ++i)
      sum += std::exp(x[at(l, i)] - m);
    for (int64_t i = 0; i < len; ++i) {
      double e = x[at(l, i)] - m;
      y[at(l, i)] = log ? e - std::log(sum) : std::exp(e) / sum;
    }
  }
  return y;
}

/// The same NaN positions; other elements within `tol` (relative).
void expectSame(const std::vector<float> &actual,
                const std::vector<float> &expected, const std::string &what,
                float tol) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  int nans = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (std::isnan(expected[i])) {
      ++nans;
      EXPECT_TRUE(std::isnan(actual[i]))
          << what << " at element " << i << ": " << actual[i];
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(actual[i], expected[i]) << what << " at element " << i;
    } else {
      EXPECT_NEAR(actual[i], expected[i],
                  tol * std::max(1.0f, std::fabs(expected[i])))
          << what << " at element " << i;
    }
  }
  EXPECT_GT(nans, 0) << what << ": the case has no NaN to check";
}

TEST(Nan, MaxPoolWindowsHoldingNaNAreNaN) {
  aic::Model m = aic::Model::load(modelPath("pool"));
  auto x = filled(2 * 7 * 7, 30);
  x[0 * 49 + 3 * 7 + 3] = kNaN; // inside several 3x3 windows
  x[1 * 49 + 0 * 7 + 6] = kNaN; // a corner, next to the padding
  x[1 * 49 + 4 * 7 + 2] = kInf; // +inf wins where there is no NaN
  x[0 * 49 + 6 * 7 + 0] = -kInf;
  auto out = runF32(m, {x});
  expectSame(out[0], maxPoolRef(x, 2, 7, 7, 3, 2, 1, 1, 4, 4), "y_max", 0);
  expectSame(out[3], maxPoolRef(x, 2, 7, 7, 2, 1, 2, 0, 5, 5), "y_dil", 0);
  // Average pooling propagates NaN by itself.
  for (int64_t oy = 1; oy <= 2; ++oy)
    for (int64_t ox = 1; ox <= 2; ++ox)
      EXPECT_TRUE(std::isnan(out[1][oy * 4 + ox]) &&
                  std::isnan(out[2][oy * 4 + ox]));

  // Without NaN the fix-up changes nothing, and a run after one with NaN is
  // not affected by it.
  auto clean = filled(2 * 7 * 7, 31);
  auto again = runF32(m, {clean});
  expectNear(again[0], maxPoolRef(clean, 2, 7, 7, 3, 2, 1, 1, 4, 4), "clean",
             0);
}

TEST(Nan, SoftmaxLinesHoldingNaNOrInfAreNaN) {
  aic::Model m = aic::Model::load(modelPath("softmax"));
  auto x = filled(4 * 5, 40);
  x[1 * 5 + 2] = kNaN;  // row 1, column 2
  x[2 * 5 + 4] = kInf;  // row 2, column 4
  x[3 * 5 + 0] = -kInf; // row 3 stays finite: exp(-inf) is 0
  auto out = runF32(m, {x});
  expectSame(out[0], softmaxRef(x, 4, 5, 1, false), "y_soft", 1e-5f);
  expectSame(out[1], softmaxRef(x, 4, 5, 1, true), "y_log", 1e-5f);
  expectSame(out[2], softmaxRef(x, 4, 5, 0, false), "y_cols", 1e-5f);
  // Row 0 and row 3 are whole numbers, not NaN.
  for (int64_t j = 0; j < 5; ++j)
    EXPECT_FALSE(std::isnan(out[0][j]) || std::isnan(out[0][15 + j]));
}

/// x [4,8] x w [8,8] with `post` applied, NaN wherever a row of x holds one
/// (every w is nonzero).
std::vector<float> matmulRef(const std::vector<float> &x,
                             float (*post)(float)) {
  std::vector<float> w(64), y(32);
  // The model's weights (models/nanguard.cpp: fill(w, 64, 50)).
  for (int64_t i = 0; i < 64; ++i)
    w[i] = aictest::testValue(i, 50);
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t c = 0; c < 8; ++c) {
      double sum = 0;
      for (int64_t k = 0; k < 8; ++k)
        sum += double(x[r * 8 + k]) * w[k * 8 + c];
      y[r * 8 + c] = post(static_cast<float>(sum));
    }
  return y;
}

float reluRef(float v) { return std::isnan(v) ? v : std::max(v, 0.0f); }
float clipRef(float v) {
  return std::isnan(v) ? v : std::min(std::max(v, 0.0f), 6.0f);
}
float chainRef(float v) { return 2 * reluRef(v) + 1; }

TEST(Nan, ReluAndClipPostOpsKeepNaN) {
  aic::Model m = aic::Model::load(modelPath("nanguard"));
  // Without NaN: the fast forms.
  auto x = filled(32, 51);
  auto out = runF32(m, {x});
  expectNear(out[0], matmulRef(x, reluRef), "y_relu", 1e-5f);
  expectNear(out[1], matmulRef(x, clipRef), "y_clip", 1e-5f);
  expectNear(out[2], matmulRef(x, chainRef), "y_chain", 1e-5f);

  // A NaN in row 1 (NaN rows out), an infinity in rows 2 and 3 (+-inf
  // sums: relu keeps +inf and gives 0 for -inf); the NaN makes the run go
  // again in the exact forms.
  x[1 * 8 + 3] = kNaN;
  x[2 * 8 + 0] = -kInf;
  x[3 * 8 + 5] = kInf;
#if defined(__x86_64__) || defined(__i386__)
  // The caller's exception flags are its own: a run leaves them as it
  // found them.
  _mm_setcsr(_mm_getcsr() & ~0x3fu);
#endif
  out = runF32(m, {x});
#if defined(__x86_64__) || defined(__i386__)
  EXPECT_EQ(_mm_getcsr() & 0x3fu, 0u);
#endif
  expectSame(out[0], matmulRef(x, reluRef), "y_relu", 1e-5f);
  expectSame(out[1], matmulRef(x, clipRef), "y_clip", 1e-5f);
  expectSame(out[2], matmulRef(x, chainRef), "y_chain", 1e-5f);
  for (int64_t c = 0; c < 8; ++c)
    EXPECT_TRUE(std::isnan(out[0][8 + c]) && std::isnan(out[1][8 + c]) &&
                std::isnan(out[2][8 + c]));

  // The next run without NaN takes the fast forms again.
  auto clean = filled(32, 52);
  out = runF32(m, {clean});
  expectNear(out[1], matmulRef(clean, clipRef), "clean y_clip", 1e-5f);
}

} // namespace
