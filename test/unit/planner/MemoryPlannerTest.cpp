//===- MemoryPlannerTest.cpp - Tests of the static arena planner ----------===//
#include "aic/MemoryPlan.h"

#include <gtest/gtest.h>

#include <random>

using aic::BufferRequest;
using aic::MemoryPlan;
using aic::planMemory;

namespace {
/// Checks the plan's invariants: aligned offsets, no two buffers live at the
/// same time overlap, everything fits in the peak, and the naive size is the
/// sum of aligned sizes.
void expectValid(const std::vector<BufferRequest> &requests,
                 const MemoryPlan &plan, int64_t alignment) {
  ASSERT_EQ(plan.offsets.size(), requests.size());
  int64_t naive = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    int64_t size = (std::max<int64_t>(requests[i].size, 1) + alignment - 1) /
                   alignment * alignment;
    naive += size;
    EXPECT_EQ(plan.offsets[i] % alignment, 0) << "buffer " << i;
    EXPECT_LE(plan.offsets[i] + requests[i].size, plan.peakBytes);
    for (size_t j = 0; j < i; ++j) {
      bool liveTogether = !(requests[i].end < requests[j].start ||
                            requests[j].end < requests[i].start);
      bool overlap = plan.offsets[i] < plan.offsets[j] + requests[j].size &&
                     plan.offsets[j] < plan.offsets[i] + requests[i].size;
      EXPECT_FALSE(liveTogether && overlap)
          << "buffers " << j << " and " << i << " overlap while both live";
    }
  }
  EXPECT_EQ(plan.naiveBytes, naive);
}
} // namespace

TEST(MemoryPlanner, EmptyPlanIsEmpty) {
  MemoryPlan plan = planMemory({}, 64);
  EXPECT_TRUE(plan.offsets.empty());
  EXPECT_EQ(plan.peakBytes, 0);
  EXPECT_EQ(plan.naiveBytes, 0);
}

TEST(MemoryPlanner, ChainReusesMemory) {
  // a -> b -> c -> d: only two neighbours are ever live together.
  std::vector<BufferRequest> requests{
      {1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}, {1000, 3, 4}};
  MemoryPlan plan = planMemory(requests, 64);
  expectValid(requests, plan, 64);
  EXPECT_EQ(plan.peakBytes, 2 * 1024);
  EXPECT_EQ(plan.naiveBytes, 4 * 1024);
}

TEST(MemoryPlanner, OverlappingLifetimesGetDisjointMemory) {
  std::vector<BufferRequest> requests{{64, 0, 10}, {64, 0, 10}, {64, 5, 6}};
  MemoryPlan plan = planMemory(requests, 64);
  expectValid(requests, plan, 64);
  EXPECT_EQ(plan.peakBytes, 3 * 64);
}

TEST(MemoryPlanner, SmallBufferFillsGapLeftByLargeOnes) {
  // Two big buffers with a gap between their lifetimes' use of the low
  // region: the small one must land in the gap, not on top.
  std::vector<BufferRequest> requests{
      {4096, 0, 2}, {4096, 3, 5}, {8192, 0, 5}, {128, 3, 4}};
  MemoryPlan plan = planMemory(requests, 64);
  expectValid(requests, plan, 64);
  EXPECT_EQ(plan.peakBytes, 8192 + 4096 + 128);
}

TEST(MemoryPlanner, ZeroSizedBuffersStillGetDistinctSlots) {
  std::vector<BufferRequest> requests{{0, 0, 1}, {0, 0, 1}};
  MemoryPlan plan = planMemory(requests, 16);
  expectValid(requests, plan, 16);
  EXPECT_NE(plan.offsets[0], plan.offsets[1]);
}

TEST(MemoryPlanner, RandomGraphsAreValidAndNeverWorseThanNaive) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<BufferRequest> requests;
    int n = 1 + rng() % 40;
    for (int i = 0; i < n; ++i) {
      int64_t start = rng() % 50;
      requests.push_back({1 + static_cast<int64_t>(rng() % 100000), start,
                          start + static_cast<int64_t>(rng() % 10)});
    }
    int64_t alignment = int64_t(1) << (rng() % 8);
    MemoryPlan plan = planMemory(requests, alignment);
    expectValid(requests, plan, alignment);
    EXPECT_LE(plan.peakBytes, plan.naiveBytes);
    // The peak can never be below the largest set of simultaneously live
    // buffers.
    int64_t lowerBound = 0;
    for (int64_t t = 0; t < 60; ++t) {
      int64_t live = 0;
      for (auto &r : requests)
        if (r.start <= t && t <= r.end)
          live += (r.size + alignment - 1) / alignment * alignment;
      lowerBound = std::max(lowerBound, live);
    }
    EXPECT_GE(plan.peakBytes, lowerBound);
  }
}
