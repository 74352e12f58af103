//===- Model.cpp - Loading, describing and running compiled models --------===//

#include "Context.h"
#include "Dtype.h"
#include "Errors.h"
#include "FpMode.h"
#include "Metadata.h"
#include "ModelImpl.h"

#include "aic/abi.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <mutex>
#include <shared_mutex>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace aic::rt;

void aicrt_exec_state::trace(
    int64_t op, std::chrono::steady_clock::time_point start) noexcept {
  if (events.size() >= kMaxTraceEvents)
    return;
  auto end = std::chrono::steady_clock::now();
  using Us = std::chrono::duration<double, std::micro>;
  try {
    events.push_back(
        {op, threadId, Us(start - epoch).count(), Us(end - start).count()});
  } catch (...) {
    tracing = false; // out of memory: the trace ends here
  }
}

aic_model::~aic_model() {
  // States and primitives hold oneDNN objects created by code paths inside
  // the model's init; release them before the library goes away.
  freeStates.clear();
  ctx.reset();
  if (handle)
    dlclose(handle);
}

namespace {

/// Makes libaicrt's own symbols globally visible so that dlopen can bind a
/// model's references to aicrt_create/aicrt_exec even when the application
/// itself loaded libaicrt with RTLD_LOCAL (as Python's ctypes does).
void promoteSelfToGlobal() {
  static std::once_flag once;
  std::call_once(once, [] {
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&aicrt_create), &info) &&
        info.dli_fname)
      if (void *self =
              dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL))
        dlclose(self); // drop the extra reference; the promotion stays
  });
}

/// Maps the read-only segments of the loaded library `handle` (its code and
/// the weights in .rodata) into the process now: the first run would
/// otherwise fault them in page by page. One madvise populates a segment
/// for less than those faults cost (ResNet-18's 46 MB: about 1.6 ms, against
/// 3.4 ms more in the first run). A kernel without MADV_POPULATE_READ
/// (before Linux 5.14) refuses it, and the pages come as before.
void populateReadOnlySegments(void *handle) {
#ifdef __linux__
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
  struct link_map *map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map)
    return;
  dl_iterate_phdr(
      [](struct dl_phdr_info *info, size_t, void *data) -> int {
        if (info->dlpi_addr != static_cast<struct link_map *>(data)->l_addr)
          return 0;
        auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) || ph.p_memsz == 0)
            continue;
          uintptr_t start = info->dlpi_addr + ph.p_vaddr;
          uintptr_t begin = start & ~(page - 1);
          (void)madvise(reinterpret_cast<void *>(begin),
                        start + ph.p_memsz - begin, MADV_POPULATE_READ);
        }
        return 1;
      },
      map);
#else
  (void)handle;
#endif
}

/// Size of the symbol at `addr` in the dynamic symbol table, 0 if unknown.
size_t symbolSize(void *addr) {
  Dl_info info;
  void *entry = nullptr;
  if (!dladdr1(addr, &info, &entry, RTLD_DL_SYMENT) || !entry)
    return 0;
  // dladdr finds the nearest symbol at or below `addr`; only an exact match
  // describes the metadata.
  if (info.dli_saddr != addr)
    return 0;
  return static_cast<const ElfW(Sym) *>(entry)->st_size;
}

aic_tensor_info_t infoOf(const TensorMeta &t) {
  return {t.name.c_str(), t.dtype, static_cast<int32_t>(t.shape.size()),
          t.shape.data()};
}

aic_value_info_t infoOf(const ValueMeta &v) {
  return {v.name.c_str(),    v.kind,  v.elemDtype,
          v.present ? 1 : 0, v.first, v.count};
}

/// Runs the model's init for `threads` threads; on success replaces the
/// primitives and drops the exec states built for the old ones.
void createPrimitives(aic_model &model, int threads) {
  ThreadScope scope(threads);
  // OpenMP workers started here inherit the calling thread's FP mode.
  IeeeFpScope ieee;
  auto ctx = std::make_unique<aicrt_context>();
  ctx->prims.resize(model.meta.numPrimitives);
  ctx->shapeCache = model.shapeCache.load();
  const std::string &path = model.path;
  int32_t rc = model.init(ctx.get());
  if (rc != 0) {
    if (ctx->status != AIC_OK)
      fail(ctx->status, "'" + path + "': " + ctx->error);
    fail(AIC_ERROR_INVALID_MODEL, "aic_model_init of '" + path +
                                      "' failed with status " +
                                      std::to_string(rc));
  }
  size_t scratchpad = 0, staging[kNumStages] = {};
  for (size_t i = 0; i < ctx->prims.size(); ++i) {
    if (!ctx->prims[i])
      fail(AIC_ERROR_INVALID_MODEL, "'" + path + "': primitive #" +
                                        std::to_string(i) + " of " +
                                        std::to_string(ctx->prims.size()) +
                                        " was not created by aic_model_init");
    scratchpad = std::max(scratchpad, ctx->prims[i]->scratchpadBytes());
    for (int s = 0; s < kNumStages; ++s)
      staging[s] = std::max(staging[s], ctx->prims[i]->stagingBytes(s));
  }
  std::lock_guard<std::mutex> lock(model.poolMutex);
  model.freeStates.clear();
  model.numStates = 0;
  model.ctx = std::move(ctx);
  model.scratchpadBytes = scratchpad;
  std::copy(staging, staging + kNumStages, model.stagingBytes);
  model.primThreads = threads;
}

/// The part of loading shared by files and linked models: validates the
/// metadata (`metaBytes` is the symbol's size, 0 if unknown) and creates
/// the primitives.
void setUp(aic_model &model, const aic_model_meta *meta, size_t metaBytes,
           aic_model_init_fn init, aic_model_run_fn run,
           const std::string &label) {
  try {
    model.meta = readMetadata(meta, metaBytes);
  } catch (const Error &e) {
    fail(e.status(), "'" + label + "': " + e.message());
  }
  for (const TensorMeta &t : model.meta.inputs)
    model.inputInfo.push_back(infoOf(t));
  for (const TensorMeta &t : model.meta.outputs)
    model.outputInfo.push_back(infoOf(t));
  for (const ValueMeta &v : model.meta.inputValues)
    model.inputValueInfo.push_back(infoOf(v));
  for (const ValueMeta &v : model.meta.outputValues)
    model.outputValueInfo.push_back(infoOf(v));

  model.init = init;
  model.run = run;
  model.path = label;
  createPrimitives(model, omp_get_max_threads());
}

std::unique_ptr<aic_model> load(const char *path) {
  // dlopen searches the library path for names without a slash; a model
  // path is a file path, so make it one.
  std::string file = path;
  if (file.find('/') == std::string::npos)
    file = "./" + file;
  struct stat sb;
  if (stat(file.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode))
    fail(AIC_ERROR_IO,
         "cannot open model '" + std::string(path) + "': no such file");

  promoteSelfToGlobal();
  auto model = std::make_unique<aic_model>();
  dlerror();
  model->handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle) {
    const char *why = dlerror();
    fail(AIC_ERROR_IO, "cannot load model '" + std::string(path) +
                           "': " + (why ? why : "dlopen failed"));
  }
  populateReadOnlySegments(model->handle);
  auto symbol = [&](const char *name) {
    void *p = dlsym(model->handle, name);
    if (!p)
      fail(AIC_ERROR_INVALID_MODEL, "'" + std::string(path) +
                                        "' is not an aic model: symbol '" +
                                        name + "' is missing");
    return p;
  };
  // A named model's entry points are aic_NAME_*, NAME in aic_model_name.
  std::string prefix;
  if (!dlsym(model->handle, AIC_MODEL_META_SYMBOL))
    if (auto *name = static_cast<const char *>(
            dlsym(model->handle, AIC_MODEL_NAME_SYMBOL)))
      prefix = "aic_" + std::string(name, strnlen(name, 256)) + "_";
  auto entry = [&](const char *abiName, const char *suffix) {
    return prefix.empty() ? symbol(abiName) : symbol((prefix + suffix).c_str());
  };
  // The metadata symbol is the struct itself, not a pointer to it.
  void *metaSymbol = entry(AIC_MODEL_META_SYMBOL, "meta");
  auto init =
      reinterpret_cast<aic_model_init_fn>(entry(AIC_MODEL_INIT_SYMBOL, "init"));
  auto run =
      reinterpret_cast<aic_model_run_fn>(entry(AIC_MODEL_RUN_SYMBOL, "run"));
  setUp(*model, static_cast<const aic_model_meta *>(metaSymbol),
        symbolSize(metaSymbol), init, run, path);
  return model;
}

std::unique_ptr<aic_model> loadLinked(const aic_linked_model_t &linked) {
  std::string label = linked.name ? linked.name : "linked model";
  if (!linked.meta || !linked.init || !linked.run)
    fail(AIC_ERROR_INVALID_ARGUMENT,
         "aic_model_load_linked: '" + label +
             "' lacks its metadata, init or run entry point (NULL)");
  auto model = std::make_unique<aic_model>();
  setUp(*model, linked.meta, 0, linked.init, linked.run, label);
  return model;
}

/// Fails unless `actual` equals `expected` (name, dtype, shape).
void checkTensor(const char *kind, size_t index,
                 const aic_tensor_info_t &actual,
                 const aic_tensor_info_t &expected) {
  std::string what = std::string(kind) + " #" + std::to_string(index);
  if (!expected.name || (expected.rank > 0 && !expected.shape) ||
      expected.rank < 0)
    fail(AIC_ERROR_INVALID_ARGUMENT,
         "aic_model_check_signature: expected " + what +
             " has a NULL name or shape, or a negative rank");
  if (std::strcmp(actual.name, expected.name) != 0)
    fail(AIC_ERROR_SHAPE_MISMATCH, what + " of the model is '" + actual.name +
                                       "', expected '" + expected.name + "'");
  what += " '" + std::string(actual.name) + "'";
  if (actual.dtype != expected.dtype)
    fail(AIC_ERROR_DTYPE_MISMATCH, what + " has dtype " +
                                       dtypeName(actual.dtype) + ", expected " +
                                       dtypeName(expected.dtype));
  if (actual.rank != expected.rank ||
      !std::equal(actual.shape, actual.shape + actual.rank, expected.shape))
    fail(AIC_ERROR_SHAPE_MISMATCH,
         what + " has shape " + shapeStr(actual.shape, actual.rank) +
             ", expected " + shapeStr(expected.shape, expected.rank));
}

void checkTensors(const char *kind, const std::vector<aic_tensor_info_t> &have,
                  const aic_tensor_info_t *expected, size_t count) {
  if (count > 0 && !expected)
    fail(AIC_ERROR_INVALID_ARGUMENT, "aic_model_check_signature: expected " +
                                         std::string(kind) + "s are NULL");
  if (have.size() != count)
    fail(AIC_ERROR_SHAPE_MISMATCH,
         "the model has " + std::to_string(have.size()) + " " + kind +
             "s, expected " + std::to_string(count));
  for (size_t i = 0; i < count; ++i)
    checkTensor(kind, i, have[i], expected[i]);
}

} // namespace

//===--- C API ------------------------------------------------------------===//

AIC_RT_EXPORT aic_status_t aic_model_load(const char *path,
                                          aic_model_t **model) {
  return guarded([&] {
    if (!model)
      fail(AIC_ERROR_INVALID_ARGUMENT, "aic_model_load: model is NULL");
    *model = nullptr;
    if (!path)
      fail(AIC_ERROR_INVALID_ARGUMENT, "aic_model_load: path is NULL");
    *model = load(path).release();
    return AIC_OK;
  });
}

AIC_RT_EXPORT aic_status_t
aic_model_load_linked(const aic_linked_model_t *linked, aic_model_t **model) {
  return guarded([&] {
    if (!model)
      fail(AIC_ERROR_INVALID_ARGUMENT, "aic_model_load_linked: model is NULL");
    *model = nullptr;
    if (!linked)
      fail(AIC_ERROR_INVALID_ARGUMENT, "aic_model_load_linked: linked is NULL");
    *model = loadLinked(*linked).release();
    return AIC_OK;
  });
}

AIC_RT_EXPORT aic_status_t aic_model_check_signature(
    const aic_model_t *model, const aic_tensor_info_t *inputs,
    size_t num_inputs, const aic_tensor_info_t *outputs, size_t num_outputs) {
  return guarded([&] {
    if (!model)
      return nullModel("aic_model_check_signature");
    checkTensors("input", model->inputInfo, inputs, num_inputs);
    checkTensors("output", model->outputInfo, outputs, num_outputs);
    return AIC_OK;
  });
}

AIC_RT_EXPORT void aic_model_free(aic_model_t *model) {
  try {
    delete model;
  } catch (...) {
    // Destructors of oneDNN objects do not throw; nothing to report.
  }
}

AIC_RT_EXPORT size_t aic_model_num_inputs(const aic_model_t *model) {
  return model ? model->meta.inputs.size() : 0;
}

AIC_RT_EXPORT size_t aic_model_num_outputs(const aic_model_t *model) {
  return model ? model->meta.outputs.size() : 0;
}

template <typename Info>
static aic_status_t tensorInfo(const char *fn, const aic_model_t *model,
                               const std::vector<Info> *list, size_t index,
                               Info *info) {
  if (!model)
    return nullModel(fn);
  if (!info)
    return report(AIC_ERROR_INVALID_ARGUMENT,
                  std::string(fn) + ": info is NULL");
  if (index >= list->size())
    return report(AIC_ERROR_INVALID_ARGUMENT,
                  std::string(fn) + ": index " + std::to_string(index) +
                      " is out of range (model has " +
                      std::to_string(list->size()) + ")");
  *info = (*list)[index];
  return AIC_OK;
}

AIC_RT_EXPORT aic_status_t aic_model_input_info(const aic_model_t *model,
                                                size_t index,
                                                aic_tensor_info_t *info) {
  return guarded([&] {
    return tensorInfo("aic_model_input_info", model,
                      model ? &model->inputInfo : nullptr, index, info);
  });
}

AIC_RT_EXPORT aic_status_t aic_model_output_info(const aic_model_t *model,
                                                 size_t index,
                                                 aic_tensor_info_t *info) {
  return guarded([&] {
    return tensorInfo("aic_model_output_info", model,
                      model ? &model->outputInfo : nullptr, index, info);
  });
}

AIC_RT_EXPORT size_t aic_model_num_input_values(const aic_model_t *model) {
  return model ? model->meta.inputValues.size() : 0;
}

AIC_RT_EXPORT size_t aic_model_num_output_values(const aic_model_t *model) {
  return model ? model->meta.outputValues.size() : 0;
}

AIC_RT_EXPORT aic_status_t aic_model_input_value_info(const aic_model_t *model,
                                                      size_t index,
                                                      aic_value_info_t *info) {
  return guarded([&] {
    return tensorInfo("aic_model_input_value_info", model,
                      model ? &model->inputValueInfo : nullptr, index, info);
  });
}

AIC_RT_EXPORT aic_status_t aic_model_output_value_info(const aic_model_t *model,
                                                       size_t index,
                                                       aic_value_info_t *info) {
  return guarded([&] {
    return tensorInfo("aic_model_output_value_info", model,
                      model ? &model->outputValueInfo : nullptr, index, info);
  });
}

AIC_RT_EXPORT uint64_t aic_model_arena_bytes(const aic_model_t *model) {
  if (!model)
    return 0;
  return std::max<uint64_t>(model->meta.arenaBytes,
                            model->ctx ? model->ctx->plannedArenaBytes.load()
                                       : 0);
}

AIC_RT_EXPORT aic_status_t aic_model_set_profiling(aic_model_t *model,
                                                   int32_t enable) {
  return guarded([&] {
    if (!model)
      return nullModel("aic_model_set_profiling");
    // Exclusive of runs, so every exec state's counters start from zero.
    std::unique_lock<std::shared_mutex> exclusive(model->rebuildMutex);
    std::lock_guard<std::mutex> lock(model->poolMutex);
    for (auto &st : model->freeStates) {
      std::fill(st->calls.begin(), st->calls.end(), 0);
      std::fill(st->nanos.begin(), st->nanos.end(), 0);
      st->events.clear();
      st->events.shrink_to_fit();
    }
    model->profiling.store(enable != 0);
    model->tracing = enable == AIC_PROFILE_TRACE;
    model->traceEpoch = std::chrono::steady_clock::now();
    return AIC_OK;
  });
}

/// Fills up to `capacity` rows of the profile, one per primitive, with
/// `make(i, calls, ms)`; the shared body of the two profile queries.
template <class Row, class Make>
static aic_status_t getProfileRows(const char *fn, aic_model_t *model,
                                   Row *rows, size_t capacity, size_t *count,
                                   Make make) {
  return guarded([&] {
    if (!model)
      return nullModel(fn);
    if (!count || (capacity > 0 && !rows))
      fail(AIC_ERROR_INVALID_ARGUMENT,
           std::string(fn) + ": entries or count is NULL");
    std::unique_lock<std::shared_mutex> exclusive(model->rebuildMutex);
    std::lock_guard<std::mutex> lock(model->poolMutex);
    *count = model->ctx->prims.size();
    for (size_t i = 0; i < std::min(capacity, *count); ++i) {
      uint64_t calls = 0, nanos = 0;
      for (auto &st : model->freeStates) {
        calls += st->calls[i];
        nanos += st->nanos[i];
      }
      rows[i] = make(*model->ctx, i, calls, nanos * 1e-6);
    }
    return AIC_OK;
  });
}

AIC_RT_EXPORT aic_status_t aic_model_get_profile(aic_model_t *model,
                                                 aic_profile_entry_t *entries,
                                                 size_t capacity,
                                                 size_t *count) {
  return getProfileRows(
      "aic_model_get_profile", model, entries, capacity, count,
      [](const aicrt_context &ctx, size_t i, uint64_t calls, double ms) {
        const Primitive::Profile &p = ctx.prims[i]->profile();
        return aic_profile_entry_t{p.name.c_str(), p.kind, calls, ms};
      });
}

AIC_RT_EXPORT aic_status_t aic_model_get_profile_ops(aic_model_t *model,
                                                     aic_profile_op_t *ops,
                                                     size_t capacity,
                                                     size_t *count) {
  return getProfileRows(
      "aic_model_get_profile_ops", model, ops, capacity, count,
      [](const aicrt_context &ctx, size_t i, uint64_t calls, double ms) {
        const Primitive::Profile &p = ctx.prims[i]->profile();
        return aic_profile_op_t{p.name.c_str(), p.kind, p.info.shapes.c_str(),
                                p.info.flops,   calls,  ms};
      });
}

AIC_RT_EXPORT aic_status_t aic_model_get_trace(aic_model_t *model,
                                               aic_trace_event_t *events,
                                               size_t capacity, size_t *count) {
  return guarded([&] {
    if (!model)
      return nullModel("aic_model_get_trace");
    if (!count || (capacity > 0 && !events))
      fail(AIC_ERROR_INVALID_ARGUMENT,
           "aic_model_get_trace: events or count is NULL");
    std::unique_lock<std::shared_mutex> exclusive(model->rebuildMutex);
    std::lock_guard<std::mutex> lock(model->poolMutex);
    std::vector<aic_trace_event_t> all;
    for (auto &st : model->freeStates)
      all.insert(all.end(), st->events.begin(), st->events.end());
    // By start; a run before the primitives it contains.
    std::stable_sort(all.begin(), all.end(), [](const auto &a, const auto &b) {
      return a.start_us != b.start_us ? a.start_us < b.start_us : a.op < b.op;
    });
    *count = all.size();
    std::copy_n(all.begin(), std::min(capacity, all.size()), events);
    return AIC_OK;
  });
}

AIC_RT_EXPORT int32_t aic_model_num_threads(aic_model_t *model) {
  if (!model)
    return 0;
  std::shared_lock<std::shared_mutex> lock(model->rebuildMutex);
  return model->primThreads;
}

AIC_RT_EXPORT aic_status_t aic_model_set_num_threads(aic_model_t *model,
                                                     int32_t threads) {
  return guarded([&] {
    if (!model)
      return nullModel("aic_model_set_num_threads");
    if (threads < 0)
      fail(AIC_ERROR_INVALID_ARGUMENT,
           "aic_model_set_num_threads: negative thread count " +
               std::to_string(threads));
    int n = threads == 0 ? omp_get_num_procs() : threads;
    std::unique_lock<std::shared_mutex> exclusive(model->rebuildMutex);
    if (n != model->primThreads)
      createPrimitives(*model, n);
    return AIC_OK;
  });
}

AIC_RT_EXPORT aic_status_t aic_run_context_create(aic_run_context_t **context) {
  return guarded([&] {
    if (!context)
      fail(AIC_ERROR_INVALID_ARGUMENT,
           "aic_run_context_create: context is NULL");
    *context = new aic_run_context();
    return AIC_OK;
  });
}

AIC_RT_EXPORT void aic_run_context_free(aic_run_context_t *context) {
  delete context;
}

AIC_RT_EXPORT aic_status_t aic_model_set_shape_cache(aic_model_t *model,
                                                     size_t shapes) {
  return guarded([&] {
    if (!model)
      return nullModel("aic_model_set_shape_cache");
    if (shapes == 0)
      fail(AIC_ERROR_INVALID_ARGUMENT,
           "aic_model_set_shape_cache: the cache needs at least 1 shape");
    std::shared_lock<std::shared_mutex> lock(model->rebuildMutex);
    model->shapeCache = shapes;
    model->ctx->shapeCache = shapes;
    return AIC_OK;
  });
}
