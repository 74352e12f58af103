//===- PrefetchNextSlices.cpp - Prefetch the next step's slices -----------===//
//
// A sequential loop (a recurrent cell's steps) reads one slice per step of
// a buffer computed before it, the input projections of every step. The
// slice is read late in the step, after the recurrent product, and with
// several threads half of the buffer was written by another core: each
// step then waits on those lines. This pass prefetches the next step's
// slices at the start of each step, so that the wait overlaps the step's
// work.
//
//===----------------------------------------------------------------------===//
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

namespace aic {
#define GEN_PASS_DEF_PREFETCHNEXTSLICES
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;

namespace {

constexpr int64_t kLineBytes = 64;

/// Whether `view` is a slice the loop takes per step: a view of a buffer
/// defined outside `loop` at an offset that is the induction variable, of
/// static shape (rank 1 or more: a single element is one line anyway) and
/// at most `maxBytes`.
bool isStepSlice(memref::SubViewOp view, scf::ForOp loop, int64_t maxBytes) {
  // The source, sizes and strides come from outside the loop; the offsets
  // too, but for the induction variable.
  if (!llvm::is_contained(view.getOffsets(), loop.getInductionVar()))
    return false;
  for (Value v : view->getOperands())
    if (v != loop.getInductionVar() && !loop.isDefinedOutsideOfLoop(v))
      return false;
  MemRefType type = view.getType();
  if (type.getRank() == 0 || !type.hasStaticShape() ||
      !type.getElementType().isIntOrFloat())
    return false;
  int64_t bits = type.getElementType().getIntOrFloatBitWidth();
  return bits >= 8 && type.getNumElements() * bits / 8 <= maxBytes;
}

void prefetchNextSlices(scf::ForOp loop, int64_t maxBytes) {
  SmallVector<memref::SubViewOp> slices;
  for (auto view : loop.getBody()->getOps<memref::SubViewOp>())
    if (isStepSlice(view, loop, maxBytes))
      slices.push_back(view);
  if (slices.empty())
    return;
  Location loc = loop.getLoc();
  OpBuilder b(loop);
  // The last step prefetches its own slices again: no view outside the
  // buffer, whatever the bounds and step.
  b.setInsertionPointToStart(loop.getBody());
  Value iv = loop.getInductionVar();
  Value next = b.create<arith::AddIOp>(loc, iv, loop.getStep());
  Value inRange = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, next,
                                          loop.getUpperBound());
  next = b.create<arith::SelectOp>(loc, inRange, next, iv);
  IRMapping atNext;
  atNext.map(loop.getInductionVar(), next);
  for (memref::SubViewOp view : slices) {
    auto nextView = cast<memref::SubViewOp>(b.clone(*view, atNext));
    MemRefType type = view.getType();
    int64_t rank = type.getRank();
    int64_t perLine =
        kLineBytes * 8 / type.getElementType().getIntOrFloatBitWidth();
    ArrayRef<int64_t> shape = type.getShape();
    // One prefetch per line of each contiguous row (the innermost dim);
    // rows are whole lines apart in the cells this is for.
    SmallVector<int64_t> at(rank, 0);
    while (true) {
      for (int64_t i = 0; i < std::max<int64_t>(shape.back(), 1);
           i += perLine) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d + 1 < rank; ++d)
          indices.push_back(b.create<arith::ConstantIndexOp>(loc, at[d]));
        indices.push_back(b.create<arith::ConstantIndexOp>(loc, i));
        b.create<memref::PrefetchOp>(loc, nextView, indices,
                                     /*isWrite=*/false, /*localityHint=*/3,
                                     /*isDataCache=*/true);
      }
      int64_t d = rank - 2;
      for (; d >= 0; --d) {
        if (++at[d] < shape[d])
          break;
        at[d] = 0;
      }
      if (d < 0)
        break;
    }
  }
}

struct PrefetchNextSlicesPass
    : public aic::impl::PrefetchNextSlicesBase<PrefetchNextSlicesPass> {
  using PrefetchNextSlicesBase::PrefetchNextSlicesBase;

  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      prefetchNextSlices(loop, maxBytes);
  }
};
} // namespace
