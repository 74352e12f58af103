//===- IntegerTest.cpp - Integer convolution and matmul, bit for bit ------===//
//
// The integer form of CONV and MATMUL (int8/uint8 src, int8 weights, int32
// sums) against exact sums on values at the ends of the ranges, whose pair
// sums overflow 16 bits. Kernels.OtherIsa runs them again below VNNI, where
// oneDNN's int8 jit kernels saturate and the runtime must use its exact
// reference code.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "models/ModelUtil.h"

#include <cstring>

using namespace aictest;

namespace {

TEST(Kernels, IntegerProductsExact) {
  aic::Model m = aic::Model::load(modelPath("int8"));
  std::vector<uint8_t> x(4 * 6 * 6);
  std::vector<int8_t> a(3 * 5), w1(8 * 4 * 3 * 3), w2(5 * 7);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = testValue(i, 5) > 0 ? 255 : static_cast<uint8_t>(i * 7);
  fillInt8(a.data(), a.size(), 6);
  fillInt8(w1.data(), w1.size(), 21);
  fillInt8(w2.data(), w2.size(), 22);
  std::vector<int32_t> y1(8 * 6 * 6, -1), y2(3 * 7, -1);
  const int64_t xs[] = {1, 4, 6, 6}, as[] = {3, 5}, y1s[] = {1, 8, 6, 6},
                y2s[] = {3, 7};
  std::vector<aic_tensor_t> in{{x.data(), AIC_DTYPE_UINT8, 4, xs},
                               {a.data(), AIC_DTYPE_INT8, 2, as}};
  std::vector<aic_tensor_t> out{{y1.data(), AIC_DTYPE_INT32, 4, y1s},
                                {y2.data(), AIC_DTYPE_INT32, 2, y2s}};
  for (int run = 0; run < 2; ++run) {
    m.run(in, out);
    for (int64_t o = 0; o < 8; ++o)
      for (int64_t oy = 0; oy < 6; ++oy)
        for (int64_t ox = 0; ox < 6; ++ox) {
          int64_t sum = 0;
          for (int64_t c = 0; c < 4; ++c)
            for (int64_t ky = 0; ky < 3; ++ky)
              for (int64_t kx = 0; kx < 3; ++kx) {
                int64_t iy = oy + ky - 1, ix = ox + kx - 1;
                if (iy < 0 || iy >= 6 || ix < 0 || ix >= 6)
                  continue;
                sum += int64_t(x[(c * 6 + iy) * 6 + ix]) *
                       w1[((o * 4 + c) * 3 + ky) * 3 + kx];
              }
          ASSERT_EQ(y1[(o * 6 + oy) * 6 + ox], sum)
              << "conv at " << o << "," << oy << "," << ox;
        }
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 7; ++j) {
        int64_t sum = 0;
        for (int64_t k = 0; k < 5; ++k)
          sum += int64_t(a[i * 5 + k]) * w2[k * 7 + j];
        ASSERT_EQ(y2[i * 7 + j], sum) << "matmul at " << i << "," << j;
      }
  }
}

std::string loadError(const char *name) {
  aic_model_t *m = nullptr;
  aic_status_t s = aic_model_load(modelPath(name).c_str(), &m);
  EXPECT_EQ(s, AIC_ERROR_UNSUPPORTED) << aic_last_error();
  EXPECT_EQ(m, nullptr);
  aic_model_free(m);
  return aic_last_error();
}

TEST(LoadErrors, IntegerFormOnly) {
  std::string msg = loadError("bad_int8_bias");
  EXPECT_NE(msg.find("primitive 'qconv': kind CONV takes an int8 or uint8 "
                     "src only with int8 weights, an int32 dst and no bias"),
            std::string::npos)
      << msg;
  msg = loadError("bad_int8_dst");
  EXPECT_NE(msg.find("primitive 'qmatmul': kind MATMUL takes an int8 or "
                     "uint8 src only with int8 weights"),
            std::string::npos)
      << msg;
}

} // namespace
