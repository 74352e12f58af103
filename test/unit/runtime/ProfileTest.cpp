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

std::vector<aic_profile_op_t> opsOf(const aic::Model &m) {
  size_t count = 0;
  EXPECT_EQ(aic_model_get_profile_ops(m.get(), nullptr, 0, &count), AIC_OK);
  std::vector<aic_profile_op_t> ops(count);
  EXPECT_EQ(aic_model_get_profile_ops(m.get(), ops.data(), count, &count),
            AIC_OK);
  return ops;
}

std::vector<aic_trace_event_t> traceOf(const aic::Model &m) {
  size_t count = 0;
  EXPECT_EQ(aic_model_get_trace(m.get(), nullptr, 0, &count), AIC_OK);
  std::vector<aic_trace_event_t> events(count);
  EXPECT_EQ(aic_model_get_trace(m.get(), events.data(), count, &count), AIC_OK);
  return events;
}

TEST(Profile, OpsHaveShapesAndFlops) {
  aic::Model m = aic::Model::load(modelPath("conv"));
  auto ops = opsOf(m);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_STREQ(ops[0].name, "conv1");
  EXPECT_STREQ(ops[0].kind, "CONV");
  EXPECT_STREQ(ops[0].shapes, "src 1x4x9x9 float32, wei 8x4x3x3 float32, "
                              "bias 8 float32, dst 1x8x5x5 float32");
  // 2 * 200 outputs * (4 * 3 * 3) multiply-adds, the bias, one post-op.
  EXPECT_EQ(ops[0].flops, 2 * 200 * 36 + 200 + 200);
  // 2 groups: 2 * 486 outputs * (2 * 3 * 3), no bias, two post-ops.
  EXPECT_STREQ(ops[1].shapes,
               "src 1x4x9x9 float32, wei 6x2x3x3 float32, dst 1x6x9x9 float32");
  EXPECT_EQ(ops[1].flops, 2 * 486 * 18 + 2 * 486);

  ASSERT_EQ(aic_model_set_profiling(m.get(), AIC_PROFILE_COUNTERS), AIC_OK);
  auto x = filled(4 * 81, 3);
  runF32(m, {x});
  runF32(m, {x});
  auto entries = profileOf(m);
  ops = opsOf(m);
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i].calls, 2u);
    EXPECT_EQ(ops[i].total_ms, entries[i].total_ms);
  }
  // Counters alone record no trace.
  EXPECT_TRUE(traceOf(m).empty());
}

TEST(Profile, TraceHasARunAndACallPerPrimitive) {
  aic::Model m = aic::Model::load(modelPath("conv"));
  auto x = filled(4 * 81, 3);
  ASSERT_EQ(aic_model_set_profiling(m.get(), AIC_PROFILE_TRACE), AIC_OK);
  for (int i = 0; i < 3; ++i)
    runF32(m, {x});
  auto events = traceOf(m);
  ASSERT_EQ(events.size(), 3u * 3u); // per run: the run, conv1, conv2
  for (size_t run = 0; run < 3; ++run) {
    const aic_trace_event_t &r = events[3 * run];
    EXPECT_EQ(r.op, -1);
    EXPECT_GE(r.start_us, 0.0);
    for (int64_t op = 0; op < 2; ++op) {
      const aic_trace_event_t &e = events[3 * run + 1 + op];
      EXPECT_EQ(e.op, op);
      EXPECT_EQ(e.thread, r.thread);
      EXPECT_GT(e.dur_us, 0.0);
      EXPECT_GE(e.start_us, r.start_us);
      EXPECT_LE(e.start_us + e.dur_us, r.start_us + r.dur_us);
    }
  }
  EXPECT_EQ(opsOf(m)[0].calls, 3u); // tracing also counts

  // A small capacity reports the count; turning tracing off clears it.
  aic_trace_event_t one;
  size_t count = 0;
  EXPECT_EQ(aic_model_get_trace(m.get(), &one, 1, &count), AIC_OK);
  EXPECT_EQ(count, 9u);
  EXPECT_EQ(one.op, -1);
  ASSERT_EQ(aic_model_set_profiling(m.get(), 0), AIC_OK);
  runF32(m, {x});
  EXPECT_TRUE(traceOf(m).empty());
}

TEST(Profile, OpsAndTraceBadArgumentsAreErrors) {
  aic::Model m = aic::Model::load(modelPath("conv"));
  size_t count;
  EXPECT_EQ(aic_model_get_profile_ops(nullptr, nullptr, 0, &count),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_get_profile_ops(m.get(), nullptr, 1, &count),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_get_trace(nullptr, nullptr, 0, &count),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_get_trace(m.get(), nullptr, 0, nullptr),
            AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_STRNE(aic_last_error(), "");
}

} // namespace
