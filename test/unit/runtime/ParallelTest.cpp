//===- ParallelTest.cpp - aicrt_parallel_for ------------------------------===//
//
// The entry compiled loops use to run on the thread team of a run: every
// iteration exactly once, contiguous ranges of at least the grain, no more
// threads than the calling thread's OpenMP count, serial when nested or
// small, and independent teams for concurrent host threads.
//
//===----------------------------------------------------------------------===//
#include "aic/abi.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

namespace {

/// Clang compiles no OpenMP pragmas with -fopenmp=libgomp (the sanitizer
/// builds, which must share oneDNN's libgomp): there aicrt_parallel_for runs
/// every loop serially, as one range on the calling thread.
#ifdef _OPENMP
constexpr bool kTeams = true;
#else
constexpr bool kTeams = false;
#endif
#define SKIP_WITHOUT_TEAMS()                                                   \
  if (!kTeams)                                                                 \
  GTEST_SKIP() << "OpenMP pragmas are not compiled in this build (clang with " \
                  "-fopenmp=libgomp): aicrt_parallel_for runs serially"

/// What one aicrt_parallel_for call did: the ranges it ran, on which OS
/// threads, and how often each iteration ran.
struct Record {
  explicit Record(int64_t n) : hits(n > 0 ? n : 0) {}
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  std::set<std::thread::id> threads;
  std::vector<std::atomic<int>> hits;

  static void body(void *ctx, int64_t begin, int64_t end) {
    auto *r = static_cast<Record *>(ctx);
    for (int64_t i = begin; i < end; ++i)
      r->hits[i].fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(r->mutex);
    r->ranges.emplace_back(begin, end);
    r->threads.insert(std::this_thread::get_id());
  }

  /// Ranges in order, after checking that they tile [0, n) and that each
  /// iteration ran once.
  std::vector<std::pair<int64_t, int64_t>> sortedRanges() {
    for (size_t i = 0; i < hits.size(); ++i)
      EXPECT_EQ(hits[i].load(), 1) << "iteration " << i;
    std::sort(ranges.begin(), ranges.end());
    int64_t next = 0;
    for (auto [begin, end] : ranges) {
      EXPECT_EQ(begin, next);
      EXPECT_LT(begin, end);
      next = end;
    }
    EXPECT_EQ(next, static_cast<int64_t>(hits.size()));
    return ranges;
  }
};

std::vector<std::pair<int64_t, int64_t>> runFor(int64_t n, int64_t grain) {
  Record r(n);
  aicrt_parallel_for(Record::body, &r, n, grain);
  return r.sortedRanges();
}

} // namespace

TEST(ParallelFor, CoversEveryIterationOnce) {
  for (int threads : {1, 2, 3, 4}) {
    omp_set_num_threads(threads);
    for (int64_t n : {1, 2, 3, 7, 100, 1001, 65537})
      for (int64_t grain : {-5, 0, 1, 3, 64, 100000}) {
        SCOPED_TRACE("threads " + std::to_string(threads) + " n " +
                     std::to_string(n) + " grain " + std::to_string(grain));
        auto ranges = runFor(n, grain);
        int64_t g = std::max<int64_t>(grain, 1);
        int64_t team = kTeams ? threads : 1;
        EXPECT_EQ(static_cast<int64_t>(ranges.size()),
                  std::max<int64_t>(1, std::min<int64_t>(team, n / g)));
        if (ranges.size() > 1) {
          for (auto [begin, end] : ranges)
            EXPECT_GE(end - begin, g);
        }
      }
  }
  omp_set_num_threads(1);
  EXPECT_TRUE(runFor(0, 1).empty());
  EXPECT_TRUE(runFor(-3, 1).empty());
}

TEST(ParallelFor, ContiguousChunksLongestFirst) {
  SKIP_WITHOUT_TEAMS();
  omp_set_num_threads(3);
  using R = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(runFor(10, 1), (R{{0, 4}, {4, 7}, {7, 10}}));
  // Grain 4 allows two ranges of 10.
  EXPECT_EQ(runFor(10, 4), (R{{0, 5}, {5, 10}}));
  EXPECT_EQ(runFor(11, 6), (R{{0, 11}}));
}

TEST(ParallelFor, HonoursTheThreadCount) {
  SKIP_WITHOUT_TEAMS();
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    Record r(1 << 20);
    aicrt_parallel_for(Record::body, &r, 1 << 20, 1);
    r.sortedRanges();
    EXPECT_EQ(static_cast<int>(r.ranges.size()), threads);
    EXPECT_LE(static_cast<int>(r.threads.size()), threads);
    // The calling thread is one of the team.
    EXPECT_EQ(r.threads.count(std::this_thread::get_id()), 1u);
  }
}

TEST(ParallelFor, SerialInsideAParallelRegion) {
  SKIP_WITHOUT_TEAMS();
  if (omp_get_max_active_levels() > 1)
    GTEST_SKIP() << "nested parallelism is enabled in the environment";
  omp_set_num_threads(2);
  std::atomic<int> serial{0};
#pragma omp parallel num_threads(2)
  {
    Record r(1000);
    aicrt_parallel_for(Record::body, &r, 1000, 1);
    r.sortedRanges();
    if (r.ranges.size() == 1 && r.threads.size() == 1 &&
        r.threads.count(std::this_thread::get_id()))
      ++serial;
  }
  EXPECT_EQ(serial.load(), 2);
}

TEST(ParallelFor, ConcurrentHostThreads) {
  std::vector<std::thread> hosts;
  std::atomic<int> bad{0};
  for (int h = 0; h < 4; ++h)
    hosts.emplace_back([&] {
      omp_set_num_threads(2);
      for (int i = 0; i < 50; ++i) {
        Record r(4096 + i);
        aicrt_parallel_for(Record::body, &r, 4096 + i, 16);
        for (auto &hit : r.hits)
          bad += hit.load() != 1;
        bad += r.ranges.size() != (kTeams ? 2u : 1u);
      }
    });
  for (std::thread &t : hosts)
    t.join();
  EXPECT_EQ(bad.load(), 0);
}
