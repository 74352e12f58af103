//===- ProfileTest.cpp - Per-primitive timing through the C API -----------===//

#include "TestUtil.h"

#include <cstring>

using namespace aictest;

namespace {

std::vector<aic_profile_entry_t> profileOf(const aic::Model &m) {
  size_t count = 0;
  EXPECT_EQ(aic_model_get_profile(m.get(), nullptr, 0, &count), AIC_OK);
  std::vector<aic_profile_entry_t> entries(count);
  EXPECT_EQ(aic_model_get_profile(m.get(), entries.data(), count, &count),
            AIC_OK);
  return entries;
}

TEST(Profile, CountsCallsPerPrimitiveOnlyWhileOn) {
  aic::Model m = aic::Model::load(modelPath("conv"));
  auto x = filled(4 * 81, 3);
  runF32(m, {x});
  auto entries = profileOf(m);
  ASSERT_EQ(entries.size(), 2u); // conv.c creates conv1 and conv2
  for (auto &e : entries)
    EXPECT_EQ(e.calls, 0u) << e.name;

  ASSERT_EQ(aic_model_set_profiling(m.get(), 1), AIC_OK);
  for (int i = 0; i < 3; ++i)
    runF32(m, {x});
  entries = profileOf(m);
  EXPECT_STREQ(entries[0].name, "conv1");
  EXPECT_STREQ(entries[0].kind, "CONV");
  EXPECT_STREQ(entries[1].name, "conv2");
  for (auto &e : entries) {
    EXPECT_EQ(e.calls, 3u) << e.name;
    EXPECT_GT(e.total_ms, 0.0) << e.name;
  }

  // Turning it off resets and stops the counters.
  ASSERT_EQ(aic_model_set_profiling(m.get(), 0), AIC_OK);
  runF32(m, {x});
  for (auto &e : profileOf(m))
    EXPECT_EQ(e.calls, 0u) << e.name;
}

TEST(Profile, SmallCapacityReportsTheCount) {
  aic::Model m = aic::Model::load(modelPath("conv"));
  aic_profile_entry_t one;
  size_t count = 0;
  EXPECT_EQ(aic_model_get_profile(m.get(), &one, 1, &count), AIC_OK);
  EXPECT_EQ(count, 2u);
  EXPECT_STREQ(one.name, "conv1");
}

TEST(Profile, BadArgumentsAreErrors) {
  aic::Model m = aic::Model::load(modelPath("conv"));
  size_t count;
  EXPECT_EQ(aic_model_get_profile(nullptr, nullptr, 0, &count),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_get_profile(m.get(), nullptr, 0, nullptr),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_get_profile(m.get(), nullptr, 4, &count),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_STRNE(aic_last_error(), "");
  EXPECT_EQ(aic_model_set_profiling(nullptr, 1), AIC_ERROR_INVALID_ARGUMENT);
}

} // namespace
