//===- Shaped.cpp - Primitives with run-time dims -------------------------===//
//
// See Shaped.h. The cache is bounded because a service sees many distinct
// sequence lengths: each cached shape holds a oneDNN primitive (and its
// reordered constant weights) and, per exec state, scratchpad memory.
//
//===----------------------------------------------------------------------===//
#include "Shaped.h"

#include "Context.h"
#include "Errors.h"
#include "OwnBuffers.h"

#include <algorithm>
#include <cstdlib>

using namespace aic::rt;

namespace {
/// One cached shape of one exec state.
struct ShapeEntry {
  std::vector<int64_t> dims;
  std::shared_ptr<Primitive> prim;
  AlignedBuffer scratchpad, staging[kNumStages];
  std::unique_ptr<PrimState> state;
};

struct ShapedState : PrimState {
  std::list<ShapeEntry> entries; // most recently used first
};
} // namespace

size_t aic::rt::defaultShapeCache() {
  if (const char *env = std::getenv("AIC_SHAPE_CACHE")) {
    char *end = nullptr;
    unsigned long long n = std::strtoull(env, &end, 10);
    if (end != env && *end == '\0' && n > 0 && n < (1ull << 20))
      return static_cast<size_t>(n);
  }
  return 16;
}

size_t ShapedPrimitive::capacity() const {
  return std::max<size_t>(capacity_.load(std::memory_order_relaxed), 1);
}

std::unique_ptr<PrimState>
ShapedPrimitive::makeState(aicrt_exec_state &) const {
  return std::make_unique<ShapedState>();
}

void ShapedPrimitive::exec(aicrt_exec_state &, PrimState *, void *const *) {
  fail(AIC_ERROR_INVALID_MODEL,
       label_ + ": has run-time dims, which aicrt_exec does not pass (the "
                "model must call aicrt_exec_dims)");
}

size_t ShapedPrimitive::cachedShapes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lru_.size();
}

std::shared_ptr<Primitive>
ShapedPrimitive::lookup(const std::vector<int64_t> &dims) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = lru_.begin(); it != lru_.end(); ++it)
      if (it->first == dims) {
        lru_.splice(lru_.begin(), lru_, it);
        return it->second;
      }
  }
  // Created outside the lock: creating a oneDNN primitive takes a while,
  // and other shapes need not wait. Two runs missing on one shape at once
  // both create it; the second keeps the first's.
  std::shared_ptr<Primitive> prim(factory_(dims.data()));
  created_.fetch_add(1);
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = lru_.begin(); it != lru_.end(); ++it)
    if (it->first == dims) {
      lru_.splice(lru_.begin(), lru_, it);
      return it->second;
    }
  lru_.emplace_front(dims, prim);
  // An evicted primitive lives on while an exec state still holds it.
  while (lru_.size() > capacity())
    lru_.pop_back();
  return prim;
}

void ShapedPrimitive::execDims(aicrt_exec_state &st, PrimState *ps,
                               void *const *args, const int64_t *dims) {
  auto &s = *static_cast<ShapedState *>(ps);
  auto same = [&](const ShapeEntry &e) {
    return std::equal(e.dims.begin(), e.dims.end(), dims);
  };
  // Steady state: the shape of the previous run.
  if (s.entries.empty() || !same(s.entries.front())) {
    auto it = std::find_if(s.entries.begin(), s.entries.end(), same);
    if (it != s.entries.end()) {
      s.entries.splice(s.entries.begin(), s.entries, it);
    } else {
      // Empty tensors (dims of 0) are the factory's to take or refuse.
      for (size_t i = 0; i < numDims_; ++i)
        if (dims[i] < 0)
          fail(AIC_ERROR_RUNTIME, label_ + ": run-time dim #" +
                                      std::to_string(i) + " is " +
                                      std::to_string(dims[i]));
      ShapeEntry e;
      e.dims.assign(dims, dims + numDims_);
      e.prim = lookup(e.dims);
      e.state = makeStateWithOwnBuffers(*e.prim, st, e.scratchpad, e.staging);
      s.entries.push_front(std::move(e));
      while (s.entries.size() > capacity())
        s.entries.pop_back();
    }
  }
  ShapeEntry &e = s.entries.front();
  if (e.prim->numArgs() != numArgs_)
    fail(AIC_ERROR_RUNTIME, label_ + ": the primitive at this shape takes " +
                                std::to_string(e.prim->numArgs()) +
                                " arguments, not " + std::to_string(numArgs_));
  e.prim->exec(st, e.state.get(), args);
}

namespace {
/// The inner primitive's state, and room for the arguments picked for it
/// (allocated once, not per run).
struct ArgSubsetState : PrimState {
  std::unique_ptr<PrimState> inner;
  std::vector<void *> picked;
};
} // namespace

std::unique_ptr<PrimState>
ArgSubsetPrimitive::makeState(aicrt_exec_state &st) const {
  auto s = std::make_unique<ArgSubsetState>();
  s->inner = inner_->makeState(st);
  s->picked.resize(pick_.size());
  return s;
}

void ArgSubsetPrimitive::exec(aicrt_exec_state &st, PrimState *ps,
                              void *const *args) {
  auto &s = *static_cast<ArgSubsetState *>(ps);
  for (size_t i = 0; i < pick_.size(); ++i)
    s.picked[i] = args[pick_[i]];
  inner_->exec(st, s.inner.get(), s.picked.data());
}
