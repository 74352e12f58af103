//===- ModelImpl.h - The loaded model behind aic_model_t --------*- C++ -*-===//
//
// Shared by Model.cpp (loading, describing, profiling) and Run.cpp
// (running).
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_MODELIMPL_H
#define AIC_RUNTIME_MODELIMPL_H

#include "Context.h"
#include "Metadata.h"
#include "Shaped.h"

#include <omp.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <shared_mutex>

struct aic_model {
  ~aic_model();

  void *handle = nullptr;
  aic_model_run_fn run = nullptr;
  aic::rt::ModelMeta meta;
  std::vector<aic_tensor_info_t> inputInfo, outputInfo;
  std::vector<aic_value_info_t> inputValueInfo, outputValueInfo;
  std::unique_ptr<aicrt_context> ctx;
  size_t scratchpadBytes = 0;
  size_t stagingBytes[aic::rt::kNumStages] = {};
  aic_model_init_fn init = nullptr;
  std::string path;
  // oneDNN's OpenMP build partitions work when a primitive is created and
  // runs it on exactly that many threads, so the primitives belong to one
  // thread count: changing it rebuilds them (exclusive of runs).
  int primThreads = 1;
  std::shared_mutex rebuildMutex;
  std::atomic<bool> profiling{false};
  // Set exclusive of runs (aic_model_set_profiling), read by every run.
  bool tracing = false;
  std::chrono::steady_clock::time_point traceEpoch;

  // Shapes cached per primitive with run-time dims (Shaped.h); copied into
  // each context the model creates.
  std::atomic<size_t> shapeCache{aic::rt::defaultShapeCache()};

  std::mutex poolMutex;
  std::vector<std::unique_ptr<aicrt_exec_state>> freeStates;
  size_t numStates = 0;
};

namespace aic::rt {

/// Sets the OpenMP thread count of the calling thread for a scope and
/// restores the caller's setting afterwards.
///
/// Between runs the workers are libgomp's: after a parallel region they spin
/// for GOMP_SPINCOUNT iterations (300000 by default, ~10 ms of CPU per worker
/// here) and then sleep, so a model left idle for longer costs no CPU
/// (benchmarks/idle-cpu.sh measures it). This is left alone on purpose:
/// libgomp reads OMP_WAIT_POLICY and GOMP_SPINCOUNT when it is loaded, before
/// any code of ours runs; OMP_WAIT_POLICY=passive made resnet18 at 2 threads
/// 25% slower back to back and 2x slower after idle gaps; and releasing the
/// workers after a run (omp_pause_resource) made the next run 50% slower and
/// cost more CPU than the spin it saved. An application that runs a model
/// now and then can set GOMP_SPINCOUNT=10000 (a 30th of the spin, same
/// latency here).
class ThreadScope {
public:
  explicit ThreadScope(int n) : saved_(omp_get_max_threads()) {
    omp_set_num_threads(n);
  }
  ~ThreadScope() { omp_set_num_threads(saved_); }

private:
  int saved_;
};

/// "[2,3]", for messages.
std::string shapeStr(const int64_t *shape, int64_t rank);

/// Reports a NULL model passed to `fn`.
aic_status_t nullModel(const char *fn);

} // namespace aic::rt

#endif // AIC_RUNTIME_MODELIMPL_H
