//===- Context.h - The opaque structs of aic/abi.h ------------------------===//
#ifndef AIC_RUNTIME_CONTEXT_H
#define AIC_RUNTIME_CONTEXT_H

#include "Metadata.h"
#include "Primitive.h"

#include "aic/runtime.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace aic::rt {

struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};
/// 64-byte aligned memory (arena and scratchpad).
using AlignedBuffer = std::unique_ptr<void, FreeDeleter>;
AlignedBuffer allocAligned(size_t bytes);

} // namespace aic::rt

/// One per loaded model: owns the engine and every primitive.
struct aicrt_context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  // Each primitive, with its name, kind and OpInfo for profiles.
  std::vector<aic::rt::PrimitivePtr> prims;
  // First aicrt_create failure, reported by aic_model_load.
  aic_status_t status = AIC_OK;
  std::string error;
  // Shapes each primitive with run-time dims keeps (aic_model_set_shape
  // _cache; Shaped.h).
  std::atomic<size_t> shapeCache{0};
  // A primitive holds a relu or clip post-op that oneDNN computes without
  // keeping NaN (NanGuard.h): runs check the FPU's flags.
  std::atomic<bool> nanGuarded{false};
  // The largest arena a memory plan of symbolic shapes gave a run so far
  // (aicrt_plan; aic_model_arena_bytes).
  std::atomic<uint64_t> plannedArenaBytes{0};
};

/// One per concurrent run: everything an execution mutates.
struct aicrt_exec_state {
  aicrt_context *ctx = nullptr;
  dnnl::stream stream;
  aic::rt::AlignedBuffer arena;
  size_t arenaBytes = 0;
  // Memory plans of symbolic shapes (aicrt_plan), most recent first: the
  // buffer sizes and the offsets the planner gave them.
  struct Plan {
    std::vector<int64_t> sizes, offsets;
    int64_t peak = 0;
  };
  std::list<Plan> plans;
  // The run computes relu and clip post-ops in their exact forms
  // (NanGuard.h).
  bool nanExact = false;
  aic::rt::AlignedBuffer scratchpad; // shared by all primitives of a run
  aic::rt::AlignedBuffer staging[aic::rt::kNumStages]; // likewise
  std::vector<std::unique_ptr<aic::rt::PrimState>> prims;
  std::vector<void *> inputs, outputs; // pointer arrays for aic_model_run
  // The validated inputs of the current run (aicrt_input_shape).
  const aic_tensor_t *runInputs = nullptr;
  // Per-primitive calls and nanoseconds while the model is profiling.
  bool profiling = false;
  std::vector<uint64_t> calls, nanos;
  // While the model traces: one event per primitive call and per run,
  // timed from `epoch`, of the thread `threadId` running it; at most
  // kMaxTraceEvents per exec state.
  bool tracing = false;
  std::chrono::steady_clock::time_point epoch;
  uint64_t threadId = 0;
  std::vector<aic_trace_event_t> events;
  static constexpr size_t kMaxTraceEvents = size_t(1) << 20;
  /// Records an event from `start` to now (dropped beyond the limit or when
  /// memory runs out: a trace never fails a run).
  void trace(int64_t op, std::chrono::steady_clock::time_point start) noexcept;
  // First aicrt_* failure of the current run.
  aic_status_t status = AIC_OK;
  std::string error;
  // The model's outputs (for aicrt_output), and the run-time sized buffers
  // of the current run (aicrt_alloc) with their sizes in bytes: released
  // when the run ends, except those handed over as outputs.
  const std::vector<aic::rt::TensorMeta> *outputMetas = nullptr;
  std::unordered_map<void *, uint64_t> buffers;
  struct Handed {
    void *data = nullptr;
    std::vector<int64_t> shape;
  };
  // One per output; `data` non-null once aicrt_output handed it over.
  std::vector<Handed> handed;
  /// Releases every buffer of aicrt_alloc still held (a run's end).
  void releaseBuffers() noexcept;
  ~aicrt_exec_state() { releaseBuffers(); }
};

/// Owns the bytes of the STRING outputs of the last run made with it.
struct aic_run_context {
  std::unique_ptr<char[]> bytes;
};

#endif // AIC_RUNTIME_CONTEXT_H
