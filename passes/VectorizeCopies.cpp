//===- VectorizeCopies.cpp - Whole-vector moves in copy loops -------------===//
//
// An innermost scf.for that copies a row, `B[..., i] = A[..., i]` for i in
// [0, N) with N static and both rows contiguous, moves it in 64-byte
// vectors (vector.load / vector.store), the rest of it element by element.
// Such loops are what copies and transposes whose innermost dim stays
// innermost lower to. LLVM vectorizes them itself only where it can tell
// the two buffers apart: not inside the bodies aic-parallelize-loops
// outlines (the buffers come from a context struct), nor between views of
// an arena planned per shape (offsets known at run time). There it
// unrolled the loop into one load and store per element, and the head
// split of an encoder over a symbolic batch took twice as long as over a
// static one. Generated code never copies between overlapping rows of
// distinct buffers (the memory plan keeps live buffers apart), so the
// vector moves compute what the loop does. Ops that only compute where
// the row starts (a table row from a loaded index) move out of the loop.
//
//===----------------------------------------------------------------------===//
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

namespace aic {
#define GEN_PASS_DEF_VECTORIZECOPIES
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;

namespace {

/// The bits of one vector move.
constexpr int64_t kVectorBits = 512;

/// Whether `indices` end with `loop`'s induction variable and the others
/// are defined outside it.
bool rowIndexedBy(ValueRange indices, scf::ForOp loop) {
  return !indices.empty() && indices.back() == loop.getInductionVar() &&
         llvm::all_of(indices.drop_back(),
                      [&](Value v) { return loop.isDefinedOutsideOfLoop(v); });
}

/// Moves the ops of `loop`'s body that compute the copied row's position
/// (all but `load`, `store` and the terminator) before the loop, if none
/// depends on the induction variable and each is free of memory effects
/// or a load from another buffer than the one the loop stores to (an
/// embedding lookup computes its table row from an index it loads).
bool hoistRowPosition(scf::ForOp loop, memref::LoadOp load,
                      memref::StoreOp store) {
  SmallVector<Operation *> hoisted;
  llvm::SmallPtrSet<Operation *, 8> moved;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (&op == load || &op == store)
      continue;
    auto otherLoad = dyn_cast<memref::LoadOp>(op);
    if (op.getNumRegions() != 0 ||
        (otherLoad ? otherLoad.getMemRef() == store.getMemRef()
                   : !isMemoryEffectFree(&op)))
      return false;
    for (Value operand : op.getOperands())
      if (!loop.isDefinedOutsideOfLoop(operand) &&
          !moved.contains(operand.getDefiningOp()))
        return false;
    hoisted.push_back(&op);
    moved.insert(&op);
  }
  for (Operation *op : hoisted)
    op->moveBefore(loop);
  return true;
}

/// Rewrites `loop` if it is a row copy; see the file comment.
void vectorize(scf::ForOp loop) {
  Block *body = loop.getBody();
  if (body->getOperations().size() < 3 || !loop.getInitArgs().empty())
    return;
  auto store = dyn_cast<memref::StoreOp>(*std::prev(body->end(), 2));
  if (!store)
    return;
  auto load = store.getValueToStore().getDefiningOp<memref::LoadOp>();
  if (!load || load->getBlock() != body ||
      !rowIndexedBy(store.getIndices(), loop) || load.getIndices().empty() ||
      load.getIndices().back() != loop.getInductionVar())
    return;
  std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> upper = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lower || !upper || !step || *lower != 0 || *step != 1)
    return;
  MemRefType from = load.getMemRefType(), to = store.getMemRefType();
  Type element = from.getElementType();
  if (!element.isIntOrFloat() || !isLastMemrefDimUnitStride(from) ||
      !isLastMemrefDimUnitStride(to))
    return;
  unsigned bits = element.getIntOrFloatBitWidth();
  if (bits < 8 || kVectorBits % bits != 0)
    return;
  int64_t n = *upper, lanes = kVectorBits / bits;
  if (n < lanes || !hoistRowPosition(loop, load, store) ||
      !rowIndexedBy(load.getIndices(), loop))
    return;

  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto vectorType = VectorType::get({lanes}, element);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value width = b.create<arith::ConstantIndexOp>(loc, lanes);
  Value full = b.create<arith::ConstantIndexOp>(loc, n / lanes * lanes);
  SmallVector<Value> fromAt(load.getIndices()), toAt(store.getIndices());
  b.create<scf::ForOp>(
      loc, zero, full, width, ValueRange{},
      [&](OpBuilder &vb, Location vl, Value column, ValueRange) {
        fromAt.back() = column;
        toAt.back() = column;
        Value v =
            vb.create<vector::LoadOp>(vl, vectorType, load.getMemRef(), fromAt);
        vb.create<vector::StoreOp>(vl, v, store.getMemRef(), toAt);
        vb.create<scf::YieldOp>(vl);
      });
  // The rest, if any, stays the scalar loop.
  if (n % lanes == 0)
    loop.erase();
  else
    loop.getLowerBoundMutable().assign(full);
}

struct VectorizeCopiesPass
    : public aic::impl::VectorizeCopiesBase<VectorizeCopiesPass> {
  using VectorizeCopiesBase::VectorizeCopiesBase;

  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      vectorize(loop);
  }
};
} // namespace
