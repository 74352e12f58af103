//===- Shaped.h - Primitives with run-time dims -----------------*- C++ -*-===//
//
// A descriptor whose Tensors have AIC_DIM_DYNAMIC dims (a symbolic batch)
// cannot be created when the model loads. A ShapedPrimitive keeps it and
// creates the concrete primitive the first time a set of dims is executed
// (aicrt_exec_dims): the most recent sets stay in a bounded LRU cache shared
// by every exec state of the model, so a repeated shape pays nothing extra.
// Each exec state keeps, per cached shape, the concrete primitive's state
// and its own scratchpad and staging buffers (their sizes depend on the
// shape, so the exec state's shared ones, sized at load, may be too small),
// also for the most recent shapes up to the same bound. A run at a shape its
// exec state keeps takes no lock; the model-wide cache is consulted (and
// reordered) only on the exec state's misses.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_SHAPED_H
#define AIC_RUNTIME_SHAPED_H

#include "Primitive.h"

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <vector>

namespace aic::rt {

/// The number of shapes a ShapedPrimitive keeps by default: AIC_SHAPE_CACHE
/// if set to a positive number, else 16.
size_t defaultShapeCache();

/// The concrete primitive for the run-time dims `dims` (as aicrt_exec_dims
/// passes them); throws on a bad shape.
using ShapedFactory = std::function<PrimitivePtr(const int64_t *dims)>;

class ShapedPrimitive : public Primitive {
public:
  /// The dims of one exec argument: the indices of its run-time ones among
  /// the dims aicrt_exec_dims passes, and whether a static one is 0.
  struct ArgShape {
    std::vector<size_t> dims;
    bool empty = false;
  };

  /// `args`: one per exec argument, in order (missing ones count as
  /// static and not empty). `capacity` is the model's setting, read at every
  /// miss (at least 1).
  ShapedPrimitive(std::string label, int numArgs, size_t numDims,
                  std::vector<ArgShape> args, ShapedFactory factory,
                  const std::atomic<size_t> &capacity)
      : Primitive(std::move(label), numArgs), numDims_(numDims),
        args_(std::move(args)), factory_(std::move(factory)),
        capacity_(capacity) {}

  /// Number of run-time dims aicrt_exec_dims must pass.
  size_t numDims() const { return numDims_; }
  /// Whether exec argument `arg` has no elements at `dims`.
  bool isEmptyArg(size_t arg, const int64_t *dims) const {
    if (arg >= args_.size())
      return false;
    bool empty = args_[arg].empty;
    for (size_t i : args_[arg].dims)
      empty |= dims[i] == 0;
    return empty;
  }
  std::unique_ptr<PrimState> makeState(aicrt_exec_state &st) const override;
  /// Fails: the primitive needs its dims (aicrt_exec_dims).
  void exec(aicrt_exec_state &st, PrimState *ps, void *const *args) override;
  /// Executes at `dims` (numDims() values, each >= 0).
  void execDims(aicrt_exec_state &st, PrimState *ps, void *const *args,
                const int64_t *dims);
  /// Number of shapes currently cached (for tests and profiles).
  size_t cachedShapes() const;
  /// Number of concrete primitives created so far.
  size_t createdShapes() const { return created_.load(); }

private:
  std::shared_ptr<Primitive> lookup(const std::vector<int64_t> &dims);
  size_t capacity() const;

  size_t numDims_;
  std::vector<ArgShape> args_;
  ShapedFactory factory_;
  const std::atomic<size_t> &capacity_;
  mutable std::mutex mutex_;
  // Most recently used first.
  std::list<std::pair<std::vector<int64_t>, std::shared_ptr<Primitive>>> lru_;
  std::atomic<size_t> created_{0};
};

/// The primitive of a shape whose result has no elements: nothing to do.
class NoOpPrimitive : public Primitive {
public:
  using Primitive::Primitive;
  void exec(aicrt_exec_state &, PrimState *, void *const *) override {}
};

/// `inner` run on some of its exec arguments: argument i of `inner` is
/// argument `pick[i]` of this one (a Concat without its empty inputs).
class ArgSubsetPrimitive : public Primitive {
public:
  ArgSubsetPrimitive(std::string label, int numArgs, PrimitivePtr inner,
                     std::vector<int> pick)
      : Primitive(std::move(label), numArgs), inner_(std::move(inner)),
        pick_(std::move(pick)) {}
  size_t scratchpadBytes() const override { return inner_->scratchpadBytes(); }
  size_t stagingBytes(int stage) const override {
    return inner_->stagingBytes(stage);
  }
  std::unique_ptr<PrimState> makeState(aicrt_exec_state &st) const override;
  void exec(aicrt_exec_state &st, PrimState *ps, void *const *args) override;

private:
  PrimitivePtr inner_;
  std::vector<int> pick_;
};

} // namespace aic::rt

#endif // AIC_RUNTIME_SHAPED_H
