//===- TestUtil.h - Shared helpers of the runtime tests -------------------===//
#ifndef AIC_TEST_RUNTIME_TESTUTIL_H
#define AIC_TEST_RUNTIME_TESTUTIL_H

#include "aic/runtime.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/ModelUtil.h"

namespace aictest {

inline std::string modelPath(const std::string &name) {
  return std::string(AIC_TEST_MODEL_DIR) + "/" + name + ".so";
}

inline int64_t numElements(const aic_tensor_info_t &info) {
  int64_t n = 1;
  for (int32_t i = 0; i < info.rank; ++i)
    n *= info.shape[i];
  return n;
}

inline std::vector<float> filled(int64_t n, int seed) {
  std::vector<float> v(n);
  fill(v.data(), n, seed);
  return v;
}

/// Runs an all-float32 model on `inputs`, returning every output.
inline std::vector<std::vector<float>>
runF32(const aic::Model &m, std::vector<std::vector<float>> inputs) {
  auto inInfo = m.inputs(), outInfo = m.outputs();
  std::vector<aic_tensor_t> in, out;
  for (size_t i = 0; i < inInfo.size(); ++i)
    in.push_back(
        {inputs[i].data(), AIC_DTYPE_FLOAT32, inInfo[i].rank, inInfo[i].shape});
  std::vector<std::vector<float>> outputs;
  for (const auto &info : outInfo)
    outputs.emplace_back(numElements(info), NAN);
  for (size_t i = 0; i < outInfo.size(); ++i)
    out.push_back({outputs[i].data(), AIC_DTYPE_FLOAT32, outInfo[i].rank,
                   outInfo[i].shape});
  m.run(in, out);
  return outputs;
}

inline void expectNear(const std::vector<float> &actual,
                       const std::vector<float> &expected,
                       const std::string &what, float tol = 1e-4f) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i)
    ASSERT_NEAR(actual[i], expected[i],
                tol * std::max(1.0f, std::fabs(expected[i])))
        << what << " at element " << i;
}

} // namespace aictest

#endif // AIC_TEST_RUNTIME_TESTUTIL_H
