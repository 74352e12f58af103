//===- ConcurrencyTest.cpp - One model run from several threads -----------===//

#include "TestUtil.h"

#include <thread>

using namespace aictest;

namespace {

TEST(Concurrency, FourThreadsOneModel) {
  constexpr int kThreads = 4, kRuns = 25;
  std::vector<std::vector<float>> inputs;
  std::vector<std::vector<std::vector<float>>> expected;
  {
    aic::Model reference = aic::Model::load(modelPath("conv"));
    for (int t = 0; t < kThreads; ++t) {
      inputs.push_back(filled(4 * 81, 200 + t));
      expected.push_back(runF32(reference, {inputs.back()}));
    }
  }
  // A fresh model, so that the threads also race on its first run (exec
  // state creation, one-time weight reorders).
  aic::Model m = aic::Model::load(modelPath("conv"));
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      try {
        for (int r = 0; r < kRuns; ++r)
          if (runF32(m, {inputs[t]}) != expected[t])
            ++mismatches[t];
      } catch (const std::exception &e) {
        errors[t] = e.what();
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
  }
}

// What the ThreadSanitizer build runs (scripts/sanitize.sh tsan): 8 threads
// share one model, each run gets its own execution state (arena, stream,
// primitive state), and every output of every run is checked against a
// single-threaded reference. Each thread cycles through three inputs, so a
// run that saw another run's arena or a stale cached result would differ.
TEST(Concurrency, EightThreadsThousandRunsEach) {
  constexpr int kThreads = 8, kRuns = 1000, kInputs = 3;
  aic::Model m = aic::Model::load(modelPath("conv"));
  // One OpenMP thread per run: 8 runs at once on their own threads.
  ASSERT_EQ(aic_model_set_num_threads(m.get(), 1), AIC_OK) << aic_last_error();
  std::vector<std::vector<float>> inputs;
  std::vector<std::vector<std::vector<float>>> expected;
  for (int t = 0; t < kThreads * kInputs; ++t) {
    inputs.push_back(filled(4 * 81, 500 + t));
    expected.push_back(runF32(m, {inputs.back()}));
  }
  // A fresh model again, so that first runs race too.
  m = aic::Model::load(modelPath("conv"));
  ASSERT_EQ(aic_model_set_num_threads(m.get(), 1), AIC_OK) << aic_last_error();
  std::vector<int> mismatches(kThreads, 0), runs(kThreads, 0);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      try {
        for (int r = 0; r < kRuns; ++r, ++runs[t]) {
          int k = t * kInputs + r % kInputs;
          if (runF32(m, {inputs[k]}) != expected[k])
            ++mismatches[t];
        }
      } catch (const std::exception &e) {
        errors[t] = e.what();
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    EXPECT_EQ(runs[t], kRuns) << "thread " << t;
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
  }
}

TEST(Concurrency, ModelsAreIndependent) {
  // The same .so loaded twice shares the library but not the primitives.
  aic::Model a = aic::Model::load(modelPath("binary"));
  aic::Model b = aic::Model::load(modelPath("binary"));
  auto x = filled(24, 1), y = filled(3, 2), z = filled(8, 3);
  auto ra = runF32(a, {x, y, z});
  a = aic::Model();
  EXPECT_EQ(runF32(b, {x, y, z}), ra);
}

TEST(Concurrency, ThreadCountRebuildsPrimitives) {
  aic::Model m = aic::Model::load(modelPath("conv"));
  auto x = filled(4 * 81, 7);
  std::vector<float> reference = runF32(m, {x})[0];
  // oneDNN's OpenMP primitives run on the thread count they were built for;
  // the runtime rebuilds them, and results stay the same.
  for (int32_t n : {1, 2, 1, 3}) {
    ASSERT_EQ(aic_model_set_num_threads(m.get(), n), AIC_OK)
        << aic_last_error();
    EXPECT_EQ(aic_model_num_threads(m.get()), n);
    expectNear(runF32(m, {x})[0], reference, "threads " + std::to_string(n));
  }
  EXPECT_EQ(aic_model_set_num_threads(m.get(), -1), AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_num_threads(m.get()), 3);
  EXPECT_EQ(aic_model_set_num_threads(nullptr, 1), AIC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(aic_model_num_threads(nullptr), 0);
}

} // namespace
