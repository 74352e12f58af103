//===- Dynamic.cpp - Run-time sized buffers of compiled code --------------===//
//
// The entry points of aic/abi.h for tensors whose size compiled code learns
// only while it runs (the outputs of NonZero, Unique, Compress, ... and what
// is computed from them): aicrt_alloc gives a buffer owned by the run,
// aicrt_free returns one early, and aicrt_output hands one over as an
// output of a dynamic shape. The run's exec state keeps every buffer it
// gave, so that a run that fails halfway leaks nothing. aicrt_input_shape
// gives compiled code the dims of inputs with symbolic dims, and
// aic_model_set_shape_cache bounds what primitives keep per shape.
//
//===----------------------------------------------------------------------===//

#include "Context.h"
#include "Dtype.h"
#include "Errors.h"

#include "aic/MemoryPlan.h"

#include <algorithm>
#include <cstdlib>

using namespace aic::rt;

void aicrt_exec_state::releaseBuffers() noexcept {
  for (auto &entry : buffers)
    std::free(entry.first);
  buffers.clear();
  for (Handed &h : handed)
    h.data = nullptr;
}

namespace {

/// Records the first failure of the run in `state` (as aicrt_exec does) and
/// returns its status. Must be called from inside a catch block.
int32_t recordFailure(aicrt_exec_state *state) noexcept {
  std::string message;
  aic_status_t status = currentExceptionStatus(message, AIC_ERROR_RUNTIME);
  if (state->status == AIC_OK) {
    state->status = status;
    try {
      state->error = message;
    } catch (...) {
    }
  }
  setLastError(message);
  return status;
}

} // namespace

AIC_RT_EXPORT int32_t aicrt_alloc(aicrt_exec_state *state, int64_t bytes,
                                  void **ptr) {
  if (ptr)
    *ptr = nullptr;
  if (!state || !ptr)
    return report(AIC_ERROR_INVALID_ARGUMENT,
                  "aicrt_alloc: state or ptr is NULL");
  try {
    if (bytes < 0)
      fail(AIC_ERROR_INVALID_MODEL,
           "aicrt_alloc: negative size " + std::to_string(bytes));
    AlignedBuffer buffer = allocAligned(static_cast<size_t>(bytes));
    state->buffers.emplace(buffer.get(), static_cast<uint64_t>(bytes));
    *ptr = buffer.release();
    return AIC_OK;
  } catch (...) {
    return recordFailure(state);
  }
}

AIC_RT_EXPORT int32_t aicrt_free(aicrt_exec_state *state, void *ptr) {
  if (!state)
    return report(AIC_ERROR_INVALID_ARGUMENT, "aicrt_free: state is NULL");
  try {
    auto it = state->buffers.find(ptr);
    if (it == state->buffers.end())
      fail(AIC_ERROR_INVALID_MODEL,
           "aicrt_free: the buffer is not one of aicrt_alloc in this run");
    for (const aicrt_exec_state::Handed &h : state->handed)
      if (h.data == ptr)
        fail(AIC_ERROR_INVALID_MODEL,
             "aicrt_free: the buffer was handed over as an output");
    std::free(ptr);
    state->buffers.erase(it);
    return AIC_OK;
  } catch (...) {
    return recordFailure(state);
  }
}

AIC_RT_EXPORT int32_t aicrt_output(aicrt_exec_state *state, int32_t index,
                                   void *data, const int64_t *shape) {
  if (!state || !state->outputMetas)
    return report(AIC_ERROR_INVALID_ARGUMENT, "aicrt_output: state is NULL");
  try {
    const std::vector<TensorMeta> &metas = *state->outputMetas;
    if (index < 0 || static_cast<size_t>(index) >= metas.size() ||
        !metas[index].dynamic)
      fail(AIC_ERROR_INVALID_MODEL,
           "aicrt_output: output #" + std::to_string(index) +
               " does not exist or has a static shape");
    const TensorMeta &meta = metas[index];
    aicrt_exec_state::Handed &h = state->handed.at(index);
    std::string what = "aicrt_output: output '" + meta.name + "'";
    if (h.data)
      fail(AIC_ERROR_INVALID_MODEL, what + " was handed over twice");
    auto it = state->buffers.find(data);
    if (it == state->buffers.end())
      fail(AIC_ERROR_INVALID_MODEL,
           what + ": its data is not a buffer of aicrt_alloc in this run");
    // Each output owns its buffer: the caller frees them one by one.
    for (const aicrt_exec_state::Handed &other : state->handed)
      if (other.data == data)
        fail(AIC_ERROR_INVALID_MODEL,
             what + ": its buffer was handed over as another output");
    size_t rank = meta.shape.size();
    if (rank > 0 && !shape)
      fail(AIC_ERROR_INVALID_MODEL, what + ": shape is NULL");
    // The dims must be the metadata's where it has them, and the elements
    // must fit the buffer: the caller reads that many.
    uint64_t bytes = dtypeSize(meta.dtype);
    bool tooLarge = false;
    for (size_t d = 0; d < rank; ++d) {
      int64_t dim = shape[d];
      if (dim < 0 || (meta.shape[d] != AIC_DIM_DYNAMIC && dim != meta.shape[d]))
        fail(AIC_ERROR_INVALID_MODEL, what + ": dim " + std::to_string(d) +
                                          " is " + std::to_string(dim) +
                                          ", the model declares " +
                                          std::to_string(meta.shape[d]));
      // Checked before multiplying, so that nothing overflows.
      if (dim != 0 && bytes > it->second / static_cast<uint64_t>(dim))
        tooLarge = true;
      bytes *= static_cast<uint64_t>(dim);
    }
    bool empty = std::find(shape, shape + rank, 0) != shape + rank;
    if (!empty && (tooLarge || bytes > it->second))
      fail(AIC_ERROR_INVALID_MODEL, what + ": its shape needs more than the " +
                                        std::to_string(it->second) +
                                        " bytes of its buffer");
    h.shape.assign(shape, shape + rank);
    h.data = data;
    return AIC_OK;
  } catch (...) {
    return recordFailure(state);
  }
}

AIC_RT_EXPORT int32_t aicrt_check(aicrt_exec_state *state, int32_t ok,
                                  const char *message) {
  if (!state)
    return report(AIC_ERROR_INVALID_ARGUMENT, "aicrt_check: state is NULL");
  if (ok)
    return AIC_OK;
  try {
    fail(AIC_ERROR_SHAPE_MISMATCH,
         message ? message : "a run-time check of the model failed");
  } catch (...) {
    return recordFailure(state);
  }
}

AIC_RT_EXPORT int32_t aicrt_input_shape(aicrt_exec_state *state, int32_t index,
                                        int64_t *shape) {
  if (!state || !shape)
    return report(AIC_ERROR_INVALID_ARGUMENT,
                  "aicrt_input_shape: state or shape is NULL");
  try {
    if (!state->runInputs || index < 0 ||
        static_cast<size_t>(index) >= state->inputs.size())
      fail(AIC_ERROR_INVALID_MODEL, "aicrt_input_shape: no input #" +
                                        std::to_string(index) + " in this run");
    const aic_tensor_t &t = state->runInputs[index];
    std::copy(t.shape, t.shape + t.rank, shape);
    return AIC_OK;
  } catch (...) {
    return recordFailure(state);
  }
}

AIC_RT_EXPORT int32_t aicrt_plan(aicrt_exec_state *state, const int64_t *sizes,
                                 const int64_t *ranges, int32_t num_buffers,
                                 int64_t alignment, int64_t *offsets,
                                 void **arena) {
  if (!state || !state->ctx || !arena || num_buffers < 0 ||
      (num_buffers > 0 && (!sizes || !ranges || !offsets)))
    return report(AIC_ERROR_INVALID_ARGUMENT, "aicrt_plan: invalid arguments");
  try {
    if (alignment <= 0 || (alignment & (alignment - 1)) || alignment > 64)
      fail(AIC_ERROR_INVALID_MODEL, "aicrt_plan: alignment " +
                                        std::to_string(alignment) +
                                        " is not a power of two up to 64");
    auto n = static_cast<size_t>(num_buffers);
    auto &plans = state->plans;
    auto same = [&](const aicrt_exec_state::Plan &p) {
      return std::equal(p.sizes.begin(), p.sizes.end(), sizes, sizes + n);
    };
    auto it = std::find_if(plans.begin(), plans.end(), same);
    if (it == plans.end()) {
      std::vector<aic::BufferRequest> requests;
      int64_t total = 0;
      for (size_t i = 0; i < n; ++i) {
        int64_t start = ranges[2 * i], end = ranges[2 * i + 1];
        // Sizes come from the run's dims, which the API bounded; the sum
        // stays far from overflowing the planner's arithmetic.
        if (sizes[i] < 0 || sizes[i] > (int64_t(1) << 56) || start < 0 ||
            end < start || total > (int64_t(1) << 58))
          fail(AIC_ERROR_INVALID_MODEL,
               "aicrt_plan: buffer #" + std::to_string(i) + " has size " +
                   std::to_string(sizes[i]) + " and live range [" +
                   std::to_string(start) + ", " + std::to_string(end) + "]");
        total += sizes[i];
        requests.push_back({sizes[i], start, end});
      }
      aic::MemoryPlan plan = aic::planMemory(requests, alignment);
      aicrt_exec_state::Plan entry;
      entry.sizes.assign(sizes, sizes + n);
      entry.offsets = std::move(plan.offsets);
      entry.peak = plan.peakBytes;
      plans.push_front(std::move(entry));
      size_t capacity = std::max<size_t>(
          state->ctx->shapeCache.load(std::memory_order_relaxed), 1);
      while (plans.size() > capacity)
        plans.pop_back();
      it = plans.begin();
    } else if (it != plans.begin()) {
      plans.splice(plans.begin(), plans, it);
      it = plans.begin();
    }
    // The arena only grows: between runs, so no buffer of a run moves.
    auto peak = static_cast<size_t>(it->peak);
    uint64_t planned = state->ctx->plannedArenaBytes.load();
    while (peak > planned &&
           !state->ctx->plannedArenaBytes.compare_exchange_weak(planned, peak))
      ;
    if (peak > state->arenaBytes) {
      state->arena = allocAligned(peak);
      state->arenaBytes = peak;
    }
    std::copy(it->offsets.begin(), it->offsets.end(), offsets);
    offsets[n] = it->peak;
    *arena = state->arena.get();
    return AIC_OK;
  } catch (...) {
    return recordFailure(state);
  }
}
