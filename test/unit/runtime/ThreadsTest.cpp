//===- ThreadsTest.cpp - Thread counts, oversubscription, idle threads ----===//
//
// Observes the process from outside the runtime: its OS threads
// (/proc/self/task) and its CPU time. OpenMP keeps one pool of workers per
// host thread that starts parallel regions, so each test runs its model on a
// fresh std::thread, which starts without workers whatever earlier tests
// left behind. The assertions are bounds that hold on a loaded machine; none
// times a run.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <omp.h>

#include <chrono>
#include <cstdlib>
#include <dirent.h>
#include <strings.h>
#include <sys/resource.h>
#include <thread>

using namespace aictest;

namespace {

int osThreads() {
  int n = 0;
  if (DIR *d = opendir("/proc/self/task")) {
    while (dirent *e = readdir(d))
      n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

double cpuMs() {
  rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 +
         (r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1e-3;
}

/// Runs `body` on a fresh host thread and waits for it.
template <typename F> void onFreshThread(F body) {
  std::thread t(body);
  t.join();
}

/// The conv test model with `threads` threads and its reference output.
struct ConvCase {
  aic::Model model = aic::Model::load(modelPath("conv"));
  std::vector<float> x = filled(4 * 81, 11);
  std::vector<std::vector<float>> expected = runF32(model, {x});

  explicit ConvCase(int threads) {
    EXPECT_EQ(aic_model_set_num_threads(model.get(), threads), AIC_OK)
        << aic_last_error();
  }
  void runAndCheck() {
    auto y = runF32(model, {x});
    for (size_t i = 0; i < y.size(); ++i)
      expectNear(y[i], expected[i], "output " + std::to_string(i));
  }
};

TEST(Threads, NewModelTakesTheLoadingThreadsOpenMPCount) {
  // OMP_NUM_THREADS sets the same per-thread value omp_set_num_threads does.
  onFreshThread([] {
    aic::Model m = aic::Model::load(modelPath("conv"));
    EXPECT_EQ(aic_model_num_threads(m.get()), omp_get_max_threads());
    omp_set_num_threads(3);
    aic::Model three = aic::Model::load(modelPath("conv"));
    EXPECT_EQ(aic_model_num_threads(three.get()), 3);
  });
}

TEST(Threads, RunsUseAtMostTheModelsCount) {
  for (int n : {1, 2, 3}) {
    ConvCase c(n);
    onFreshThread([&] {
      // A different count on the calling thread must neither leak into the
      // run nor be changed by it.
      omp_set_num_threads(5);
      int before = osThreads(), most = before;
      for (int i = 0; i < 20; ++i) {
        c.runAndCheck();
        most = std::max(most, osThreads());
      }
      // The run's teams are the host thread plus at most n - 1 workers,
      // which OpenMP keeps for the host thread's next parallel region.
      // oneDNN may split this small convolution over fewer threads than it
      // is given (how many depends on the CPU's ISA), but with n > 1 it
      // uses more than one.
      EXPECT_LE(most - before, n - 1) << "threads " << n;
      if (n > 1)
        EXPECT_GE(most - before, 1) << "threads " << n;
      EXPECT_EQ(omp_get_max_threads(), 5);
    });
  }
}

TEST(Threads, ConcurrentRunsDoNotMultiply) {
  constexpr int kThreads = 2, kHosts = 2;
  ConvCase c(kThreads);
  int before = osThreads();
  std::vector<int> most(kHosts, 0);
  std::vector<std::thread> hosts;
  for (int h = 0; h < kHosts; ++h)
    hosts.emplace_back([&, h] {
      for (int i = 0; i < 20; ++i) {
        c.runAndCheck();
        most[h] = std::max(most[h], osThreads());
      }
    });
  for (std::thread &t : hosts)
    t.join();
  // Each host thread runs on its own team of kThreads: the hosts plus
  // kThreads - 1 workers each, never more.
  for (int h = 0; h < kHosts; ++h)
    EXPECT_LE(most[h] - before, kHosts * kThreads) << "host " << h;
}

TEST(Threads, RunInsideAnApplicationParallelRegionIsNotNested) {
  if (omp_get_max_active_levels() > 1)
    GTEST_SKIP() << "nested parallelism is enabled in the environment";
  ConvCase c(2);
  onFreshThread([&] {
    int before = osThreads(), most = before;
    bool ok = true;
#pragma omp parallel num_threads(2) shared(most, ok)
    for (int i = 0; i < 10; ++i) {
      auto y = runF32(c.model, {c.x});
#pragma omp critical
      {
        ok = ok && y == c.expected;
        most = std::max(most, osThreads());
      }
    }
    EXPECT_TRUE(ok);
    // The application's one worker; the model's runs add none.
    EXPECT_EQ(most - before, 1);
  });
}

TEST(Threads, NothingSpinsWhileIdle) {
  const char *policy = std::getenv("OMP_WAIT_POLICY");
  if (std::getenv("GOMP_SPINCOUNT") ||
      (policy && !strcasecmp(policy, "active")))
    GTEST_SKIP() << "the environment asks OpenMP threads to spin";
  ConvCase c(2);
  onFreshThread([&] {
    for (int i = 0; i < 5; ++i)
      c.runAndCheck();
    // libgomp's workers spin for a while after a run (GOMP_SPINCOUNT, about
    // 10 ms by default) and then sleep until the next one.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    double start = cpuMs();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_LT(cpuMs() - start, 50.0);
  });
}

} // namespace
