//===- Run.cpp - Running compiled models ----------------------------------===//
//
// Validates a run's tensors, leases an exec state, calls the model's run
// entry point and hands its outputs to the caller: written into caller
// buffers (aic_model_run, aic_model_run_in), or in memory the runtime
// allocates (aic_model_run_alloc), which outputs of a run-time shape need.
//
//===----------------------------------------------------------------------===//

#include "Dtype.h"
#include "Errors.h"
#include "FpMode.h"
#include "ModelImpl.h"
#include "NanGuard.h"

#include "aic/abi.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

using namespace aic::rt;

std::string aic::rt::shapeStr(const int64_t *shape, int64_t rank) {
  std::string s = "[";
  for (int64_t i = 0; i < rank; ++i)
    s += (i ? "," : "") + (shape[i] == AIC_DIM_DYNAMIC
                               ? std::string("?")
                               : std::to_string(shape[i]));
  return s + "]";
}

aic_status_t aic::rt::nullModel(const char *fn) {
  return report(AIC_ERROR_INVALID_ARGUMENT,
                std::string(fn) + ": model is NULL");
}

namespace {

std::unique_ptr<aicrt_exec_state> makeExecState(aic_model &model) {
  auto st = std::make_unique<aicrt_exec_state>();
  st->ctx = model.ctx.get();
  st->stream = dnnl::stream(st->ctx->engine);
  st->arena = allocAligned(model.meta.arenaBytes);
  st->arenaBytes = model.meta.arenaBytes;
  st->scratchpad = allocAligned(model.scratchpadBytes);
  for (int s = 0; s < kNumStages; ++s)
    st->staging[s] = allocAligned(model.stagingBytes[s]);
  for (const PrimitivePtr &p : st->ctx->prims)
    st->prims.push_back(p->makeState(*st));
  st->inputs.resize(model.meta.inputs.size());
  st->outputs.resize(model.meta.outputs.size());
  st->calls.assign(st->ctx->prims.size(), 0);
  st->nanos.assign(st->ctx->prims.size(), 0);
  return st;
}

/// A small id of the calling thread for traces (1, 2, ... in order of
/// first use).
uint64_t callingThreadId() {
  static std::atomic<uint64_t> next{1};
  thread_local uint64_t id = next.fetch_add(1);
  return id;
}

/// Takes a free exec state (or makes one) and gives it back on destruction.
class StateLease {
public:
  explicit StateLease(aic_model &model) : model_(model) {
    {
      std::lock_guard<std::mutex> lock(model.poolMutex);
      if (!model.freeStates.empty()) {
        state_ = std::move(model.freeStates.back());
        model.freeStates.pop_back();
        return;
      }
    }
    state_ = makeExecState(model);
    std::lock_guard<std::mutex> lock(model.poolMutex);
    // Reserve now so that giving the state back can never allocate.
    model.freeStates.reserve(++model.numStates);
  }
  ~StateLease() {
    std::lock_guard<std::mutex> lock(model_.poolMutex);
    model_.freeStates.push_back(std::move(state_));
  }
  aicrt_exec_state &operator*() { return *state_; }

private:
  aic_model &model_;
  std::unique_ptr<aicrt_exec_state> state_;
};

void validate(const char *kind, size_t index, const TensorMeta &meta,
              const aic_tensor_t &t) {
  std::string what = std::string(kind) + " '" + meta.name + "' (#" +
                     std::to_string(index) + ")";
  int64_t rank = static_cast<int64_t>(meta.shape.size());
  int32_t dtype = rawEnum(t.dtype);
  if (dtype != meta.dtype)
    fail(AIC_ERROR_DTYPE_MISMATCH, what + ": expected dtype " +
                                       dtypeName(meta.dtype) + ", got " +
                                       dtypeName(dtype));
  if (t.rank < 0 || (t.rank > 0 && !t.shape))
    fail(AIC_ERROR_INVALID_ARGUMENT, what + ": invalid rank " +
                                         std::to_string(t.rank) +
                                         (t.rank > 0 ? " or NULL shape" : ""));
  if (t.rank != rank)
    fail(AIC_ERROR_SHAPE_MISMATCH,
         what + ": expected rank " + std::to_string(rank) + " shape " +
             shapeStr(meta.shape.data(), rank) + ", got rank " +
             std::to_string(t.rank) + " shape " + shapeStr(t.shape, t.rank));
  // A symbolic dim (an input's AIC_DIM_DYNAMIC) takes any size, as long as
  // the tensor's bytes stay countable.
  uint64_t bytes = meta.bytes;
  if (meta.dynamic)
    bytes = dtypeSize(meta.dtype);
  for (int64_t i = 0; i < rank; ++i) {
    bool dynamic = meta.shape[i] == AIC_DIM_DYNAMIC;
    if (dynamic ? t.shape[i] < 0 : t.shape[i] != meta.shape[i])
      fail(AIC_ERROR_SHAPE_MISMATCH, what + ": expected shape " +
                                         shapeStr(meta.shape.data(), rank) +
                                         ", got " + shapeStr(t.shape, rank));
    uint64_t d = static_cast<uint64_t>(t.shape[i]);
    if (meta.dynamic && d != 0 && bytes > (uint64_t(1) << 62) / d)
      fail(AIC_ERROR_SHAPE_MISMATCH,
           what + ": shape " + shapeStr(t.shape, rank) + " is too large");
    if (meta.dynamic)
      bytes *= d;
  }
  // An empty tensor has no bytes to point at (e.g. numpy's empty arrays).
  bool empty = std::find(t.shape, t.shape + rank, 0) != t.shape + rank;
  if (!t.data && !empty)
    fail(AIC_ERROR_INVALID_ARGUMENT, what + ": data is NULL");
  // Compiled code reads every input string's bytes: only an empty one may
  // be NULL. (Outputs are written, not read.)
  if (meta.dtype == AIC_DTYPE_STRING && std::string(kind) == "input") {
    const auto *strings = static_cast<const aic_string_t *>(t.data);
    for (uint64_t i = 0, n = bytes / sizeof(aic_string_t); i < n; ++i)
      if (!strings[i].data && strings[i].size != 0)
        fail(AIC_ERROR_INVALID_ARGUMENT,
             what + ": string " + std::to_string(i) + " has " +
                 std::to_string(strings[i].size) + " bytes at NULL");
  }
  if (!meta.value.empty() &&
      std::memcmp(t.data, meta.value.data(), meta.value.size()) != 0)
    fail(AIC_ERROR_INVALID_ARGUMENT,
         what + ": the model was compiled for the value " +
             formatValues(meta.dtype, meta.value.data(), meta.bytes) +
             " of this input (--input-value) and accepts no other, got " +
             formatValues(meta.dtype, t.data, meta.bytes));
}

void validateAll(const char *kind, const std::vector<TensorMeta> &metas,
                 const aic_tensor_t *tensors, size_t count) {
  if (count != metas.size())
    fail(AIC_ERROR_INVALID_ARGUMENT,
         "expected " + std::to_string(metas.size()) + " " + kind + "s, got " +
             std::to_string(count));
  if (count > 0 && !tensors)
    fail(AIC_ERROR_INVALID_ARGUMENT, std::string(kind) + "s is NULL");
  for (size_t i = 0; i < count; ++i)
    validate(kind, i, metas[i], tensors[i]);
  // Symbolic dims of one name are one value across the inputs.
  std::unordered_map<std::string, std::pair<size_t, size_t>> first;
  for (size_t i = 0; i < count; ++i)
    for (size_t d = 0; d < metas[i].dimNames.size(); ++d) {
      const std::string &name = metas[i].dimNames[d];
      if (name.empty())
        continue;
      auto [it, added] = first.try_emplace(name, i, d);
      auto [j, e] = it->second;
      if (!added && tensors[i].shape[d] != tensors[j].shape[e])
        fail(AIC_ERROR_SHAPE_MISMATCH,
             std::string(kind) + " '" + metas[i].name + "' has " +
                 std::to_string(tensors[i].shape[d]) + " in dim " +
                 std::to_string(d) + " ('" + name + "'), " + kind + " '" +
                 metas[j].name + "' " + std::to_string(tensors[j].shape[e]) +
                 " in dim " + std::to_string(e) +
                 ": dims of one name must be equal");
    }
}

/// The bytes a validated tensor spans.
uint64_t spanBytes(const TensorMeta &meta, const aic_tensor_t &t) {
  if (!meta.dynamic)
    return meta.bytes;
  uint64_t bytes = dtypeSize(meta.dtype);
  for (int32_t i = 0; i < t.rank; ++i)
    bytes *= static_cast<uint64_t>(t.shape[i]);
  return bytes;
}

/// Outputs share no memory with inputs or other outputs: compiled code
/// reads its inputs while writing its outputs, in ranges on several threads,
/// so an overlap would give wrong answers rather than an in-place run.
void checkNoOverlap(const aic_model &model, const aic_tensor_t *inputs,
                    size_t numInputs, const aic_tensor_t *outputs,
                    size_t numOutputs) {
  // Outputs first, then inputs; names are built only for an error (this
  // runs on every run).
  auto tensorAt =
      [&](size_t k) -> std::pair<const TensorMeta &, const aic_tensor_t &> {
    if (k < numOutputs)
      return {model.meta.outputs[k], outputs[k]};
    return {model.meta.inputs[k - numOutputs], inputs[k - numOutputs]};
  };
  auto span = [&](size_t k) {
    auto [meta, t] = tensorAt(k);
    auto begin = reinterpret_cast<uintptr_t>(t.data);
    return std::make_pair(begin, t.data ? begin + spanBytes(meta, t) : begin);
  };
  auto describe = [&](size_t k) {
    bool output = k < numOutputs;
    size_t index = output ? k : k - numOutputs;
    return std::string(output ? "output" : "input") + " '" +
           tensorAt(k).first.name + "' (#" + std::to_string(index) + ")";
  };
  for (size_t o = 0; o < numOutputs; ++o) {
    auto [begin, end] = span(o);
    for (size_t j = o + 1; begin < end && j < numOutputs + numInputs; ++j) {
      auto [otherBegin, otherEnd] = span(j);
      if (otherBegin < otherEnd && begin < otherEnd && otherBegin < end)
        fail(AIC_ERROR_INVALID_ARGUMENT,
             describe(o) + " overlaps " + describe(j) +
                 ": an output's buffer must not share memory with an input "
                 "or another output");
    }
  }
}

/// Copies the bytes of the STRING outputs into `context` and points the
/// outputs' elements at the copies: the run's strings may be the inputs'
/// (which the caller may free), constants, or the exec state's (which the
/// next run using it overwrites). Built aside and then swapped in, since an
/// output may point into the context's previous bytes (an output fed back
/// as an input).
void adoptStringOutputs(const aic_model &model, aic_run_context &context,
                        const aic_tensor_t *outputs) {
  std::vector<std::pair<aic_string_t *, uint64_t>> lists;
  size_t total = 0;
  for (size_t i = 0; i < model.meta.outputs.size(); ++i) {
    const TensorMeta &meta = model.meta.outputs[i];
    if (meta.dtype != AIC_DTYPE_STRING || meta.bytes == 0)
      continue;
    auto *strings = static_cast<aic_string_t *>(outputs[i].data);
    uint64_t n = meta.bytes / sizeof(aic_string_t);
    for (uint64_t k = 0; k < n; ++k)
      total += strings[k].size;
    lists.push_back({strings, n});
  }
  std::unique_ptr<char[]> bytes(new char[std::max<size_t>(total, 1)]);
  size_t offset = 0;
  for (auto [strings, n] : lists)
    for (uint64_t k = 0; k < n; ++k) {
      if (strings[k].size)
        std::memcpy(bytes.get() + offset, strings[k].data, strings[k].size);
      strings[k].data = bytes.get() + offset;
      offset += strings[k].size;
    }
  context.bytes = std::move(bytes);
}

bool hasStringOutput(const aic_model &model) {
  for (const TensorMeta &meta : model.meta.outputs)
    if (meta.dtype == AIC_DTYPE_STRING)
      return true;
  return false;
}

/// An output a run handed over (aicrt_output): its buffer and dims.
struct HandedOutput {
  AlignedBuffer data;
  std::vector<int64_t> shape;
};

/// Calls the model's run entry point on validated `inputs` and the output
/// pointers `outs` (NULL for the outputs of a dynamic dim), and moves the
/// outputs the run handed over into `handed` (one per output, empty for
/// static ones). Every other buffer the run allocated is released.
aic_status_t execute(aic_model &model, const aic_tensor_t *inputs,
                     void *const *outs, std::vector<HandedOutput> &handed) {
  std::shared_lock<std::shared_mutex> running(model.rebuildMutex);
  StateLease lease(model);
  aicrt_exec_state &st = *lease;
  size_t numOutputs = model.meta.outputs.size();
  for (size_t i = 0; i < model.meta.inputs.size(); ++i)
    st.inputs[i] = inputs[i].data;
  st.runInputs = inputs;
  for (size_t i = 0; i < numOutputs; ++i)
    st.outputs[i] = outs[i];
  st.status = AIC_OK;
  st.profiling = model.profiling.load(std::memory_order_relaxed);
  st.tracing = model.tracing;
  st.epoch = model.traceEpoch;
  st.threadId = callingThreadId();
  st.outputMetas = &model.meta.outputs;
  struct Release {
    aicrt_exec_state &st;
    ~Release() { st.releaseBuffers(); }
  } release{st};
  st.handed.assign(numOutputs, {});
  handed.resize(numOutputs);

  ThreadScope threads(model.primThreads);
  IeeeFpScope ieee;
  auto start = std::chrono::steady_clock::now();
  // Relu and clip post-ops run fast unless the FPU saw a NaN meet one
  // (NanGuard.h): then the run is made again with their exact forms.
  bool guarded = model.ctx->nanGuarded.load(std::memory_order_relaxed);
  bool checkFlags = guarded && fpFlagsWork();
  // The caller's exception flags are its own: put back as they were.
  struct GuardScope {
    aicrt_exec_state &st;
    bool restore;
    unsigned callerFlags;
    ~GuardScope() {
      st.nanExact = false;
      if (restore)
        restoreFpFlags(callerFlags);
    }
  } guardScope{st, checkFlags, checkFlags ? clearFpFlags() : 0u};
  st.nanExact = guarded && !checkFlags;
  int32_t rc =
      model.run(&st, st.inputs.data(), st.outputs.data(), st.arena.get());
  st.stream.wait();
  if (checkFlags && rc == 0 && invalidRaised(model.primThreads)) {
    st.releaseBuffers();
    st.handed.assign(numOutputs, {});
    st.nanExact = true;
    rc = model.run(&st, st.inputs.data(), st.outputs.data(), st.arena.get());
    st.stream.wait();
  }
  if (st.tracing)
    st.trace(-1, start);
  if (rc != 0) {
    if (st.status != AIC_OK)
      return report(st.status, st.error);
    return report(AIC_ERROR_RUNTIME,
                  "model run failed with status " + std::to_string(rc));
  }
  for (size_t i = 0; i < numOutputs; ++i) {
    if (!model.meta.outputs[i].dynamic)
      continue;
    aicrt_exec_state::Handed &h = st.handed[i];
    if (!h.data)
      fail(AIC_ERROR_INVALID_MODEL,
           "the model's run did not hand over output '" +
               model.meta.outputs[i].name + "'");
    handed[i].shape = std::move(h.shape);
    st.buffers.erase(h.data);
    handed[i].data.reset(h.data);
    h.data = nullptr;
  }
  return AIC_OK;
}

/// The first output with a dynamic dim, or null.
const TensorMeta *firstDynamicOutput(const aic_model &model) {
  for (const TensorMeta &meta : model.meta.outputs)
    if (meta.dynamic)
      return &meta;
  return nullptr;
}

aic_status_t run(aic_model &model, aic_run_context *context,
                 const aic_tensor_t *inputs, size_t numInputs,
                 const aic_tensor_t *outputs, size_t numOutputs) {
  if (const TensorMeta *meta = firstDynamicOutput(model))
    fail(AIC_ERROR_INVALID_ARGUMENT,
         "output '" + meta->name +
             "' has a shape known only at run time (it depends on the "
             "input data): run the model with aic_model_run_alloc");
  if (!context && hasStringOutput(model))
    fail(AIC_ERROR_INVALID_ARGUMENT,
         "the model has STRING outputs, whose bytes need an owner: run it "
         "with aic_model_run_in and an aic_run_context_t");
  validateAll("input", model.meta.inputs, inputs, numInputs);
  validateAll("output", model.meta.outputs, outputs, numOutputs);
  checkNoOverlap(model, inputs, numInputs, outputs, numOutputs);
  std::vector<void *> outs;
  for (size_t i = 0; i < numOutputs; ++i)
    outs.push_back(outputs[i].data);
  std::vector<HandedOutput> handed;
  aic_status_t status = execute(model, inputs, outs.data(), handed);
  if (status == AIC_OK && context)
    adoptStringOutputs(model, *context, outputs);
  return status;
}

/// An output of aic_model_run_alloc being built: freed unless released to
/// the caller.
struct OwnedTensor {
  AlignedBuffer data;
  std::unique_ptr<int64_t, FreeDeleter> shape;
};

/// Copies the strings of a STRING tensor of `count` elements at `data` and
/// their bytes into one new buffer, whose elements point into it.
AlignedBuffer ownStrings(const void *data, uint64_t count) {
  const auto *strings = static_cast<const aic_string_t *>(data);
  uint64_t total = count * sizeof(aic_string_t);
  for (uint64_t k = 0; k < count; ++k)
    total += strings[k].size;
  AlignedBuffer copy = allocAligned(total);
  auto *out = static_cast<aic_string_t *>(copy.get());
  char *bytes = reinterpret_cast<char *>(out + count);
  for (uint64_t k = 0; k < count; ++k) {
    if (strings[k].size)
      std::memcpy(bytes, strings[k].data, strings[k].size);
    out[k] = {bytes, strings[k].size};
    bytes += strings[k].size;
  }
  return copy;
}

aic_status_t runAlloc(aic_model &model, const aic_tensor_t *inputs,
                      size_t numInputs, aic_tensor_t *outputs,
                      size_t numOutputs) {
  if (!outputs && numOutputs > 0)
    fail(AIC_ERROR_INVALID_ARGUMENT, "aic_model_run_alloc: outputs is NULL");
  for (size_t i = 0; i < numOutputs; ++i)
    outputs[i] = {nullptr, AIC_DTYPE_UNDEFINED, 0, nullptr};
  const std::vector<TensorMeta> &metas = model.meta.outputs;
  if (numOutputs != metas.size())
    fail(AIC_ERROR_INVALID_ARGUMENT,
         "expected " + std::to_string(metas.size()) + " outputs, got " +
             std::to_string(numOutputs));
  validateAll("input", model.meta.inputs, inputs, numInputs);

  std::vector<OwnedTensor> owned(numOutputs);
  std::vector<void *> outs(numOutputs, nullptr);
  for (size_t i = 0; i < numOutputs; ++i)
    if (!metas[i].dynamic) {
      owned[i].data = allocAligned(metas[i].bytes);
      outs[i] = owned[i].data.get();
    }
  std::vector<HandedOutput> handed;
  aic_status_t status = execute(model, inputs, outs.data(), handed);
  if (status != AIC_OK)
    return status;
  for (size_t i = 0; i < numOutputs; ++i) {
    const TensorMeta &meta = metas[i];
    const std::vector<int64_t> &dims =
        meta.dynamic ? handed[i].shape : meta.shape;
    if (meta.dynamic)
      owned[i].data = std::move(handed[i].data);
    uint64_t count = 1;
    for (int64_t d : dims)
      count *= static_cast<uint64_t>(d);
    // The run's strings may point at inputs, constants or the exec state.
    if (meta.dtype == AIC_DTYPE_STRING)
      owned[i].data = ownStrings(owned[i].data.get(), count);
    void *shape =
        std::malloc(std::max<size_t>(dims.size(), 1) * sizeof(int64_t));
    if (!shape)
      throw std::bad_alloc();
    owned[i].shape.reset(static_cast<int64_t *>(shape));
    std::copy(dims.begin(), dims.end(), owned[i].shape.get());
  }
  for (size_t i = 0; i < numOutputs; ++i)
    outputs[i] = {owned[i].data.release(), metas[i].dtype,
                  static_cast<int32_t>(metas[i].shape.size()),
                  owned[i].shape.release()};
  return AIC_OK;
}

} // namespace

//===--- C API ------------------------------------------------------------===//

AIC_RT_EXPORT aic_status_t aic_model_run(aic_model_t *model,
                                         const aic_tensor_t *inputs,
                                         size_t num_inputs,
                                         const aic_tensor_t *outputs,
                                         size_t num_outputs) {
  return guarded([&] {
    if (!model)
      return nullModel("aic_model_run");
    return run(*model, nullptr, inputs, num_inputs, outputs, num_outputs);
  });
}

AIC_RT_EXPORT aic_status_t aic_model_run_in(
    aic_model_t *model, aic_run_context_t *context, const aic_tensor_t *inputs,
    size_t num_inputs, const aic_tensor_t *outputs, size_t num_outputs) {
  return guarded([&] {
    if (!model)
      return nullModel("aic_model_run_in");
    return run(*model, context, inputs, num_inputs, outputs, num_outputs);
  });
}

AIC_RT_EXPORT aic_status_t aic_model_run_alloc(aic_model_t *model,
                                               const aic_tensor_t *inputs,
                                               size_t num_inputs,
                                               aic_tensor_t *outputs,
                                               size_t num_outputs) {
  return guarded([&] {
    if (!model) {
      for (size_t i = 0; outputs && i < num_outputs; ++i)
        outputs[i] = {nullptr, AIC_DTYPE_UNDEFINED, 0, nullptr};
      return nullModel("aic_model_run_alloc");
    }
    return runAlloc(*model, inputs, num_inputs, outputs, num_outputs);
  });
}

AIC_RT_EXPORT void aic_tensor_free(aic_tensor_t *tensor) {
  if (!tensor)
    return;
  std::free(tensor->data);
  std::free(const_cast<int64_t *>(tensor->shape));
  *tensor = {nullptr, AIC_DTYPE_UNDEFINED, 0, nullptr};
}
