//===- VectorizeTransposes.cpp - Transposes in 16x16 register tiles -------===//
//
// A transpose that moves the innermost dim (NCHW to channels-last windows
// and back, as MaxViT partitions its images; a head dim moved outward)
// lowers to loops whose innermost one writes a row of the result and
// reads a column of the source: one element per load and store, which
// LLVM either leaves scalar or vectorizes into gathers and scatters, code
// that also takes long to compile. This pass tiles such a loop nest by 16
// along the source's innermost dim and the result's innermost dim: each
// tile reads 16 source rows of 16 elements, transposes them in registers
// (vector.transpose, lowered to the shuffles of a 16x16 AVX-512
// transpose) and writes 16 result rows of 16 elements, masked at the
// edges.
//
//===----------------------------------------------------------------------===//
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorTransforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aic {
#define GEN_PASS_DEF_VECTORIZETRANSPOSES
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;

namespace {

/// Elements per side of a tile: one 512-bit vector of 32-bit elements.
constexpr int64_t kTile = 16;

/// The loop `v` is the induction variable of, if it is one.
scf::ForOp loopOf(Value v) {
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg)
    return {};
  auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
  return loop && loop.getInductionVar() == v ? loop : scf::ForOp();
}

/// The position of `v` in `indices` if it occurs there exactly once and
/// not last.
std::optional<unsigned> onceNotLast(ValueRange indices, Value v) {
  if (llvm::count(indices, v) != 1 || indices.back() == v)
    return std::nullopt;
  return llvm::find(indices, v) - indices.begin();
}

/// If `loop` runs from 0 in steps of 1 without carried values: its upper
/// bound, kDynamic unless static.
std::optional<int64_t> simpleLoop(scf::ForOp loop) {
  std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lower || !step || *lower != 0 || *step != 1 ||
      !loop.getInitArgs().empty())
    return std::nullopt;
  return getConstantIntValue(loop.getUpperBound())
      .value_or(ShapedType::kDynamic);
}

/// Rewrites the nest `inner` is the innermost loop of if it is a transpose
/// moving the innermost dim; see the file comment. Returns whether it did.
bool vectorize(scf::ForOp inner) {
  Block *body = inner.getBody();
  if (body->getOperations().size() != 3)
    return false;
  auto load = dyn_cast<memref::LoadOp>(body->front());
  auto store = dyn_cast<memref::StoreOp>(*std::next(body->begin()));
  if (!load || !store || store.getValueToStore() != load.getResult() ||
      load.getMemRef() == store.getMemRef())
    return false;
  ValueRange from = load.getIndices(), to = store.getIndices();
  Value b = inner.getInductionVar();
  if (to.empty() || to.back() != b || from.empty())
    return false;
  // The loop along the source's rows, a loop around this one.
  scf::ForOp outer = loopOf(from.back());
  if (!outer || !outer->isProperAncestor(inner))
    return false;
  Value a = outer.getInductionVar();
  if (outer.getBody()->getOperations().size() != 2)
    return false;
  std::optional<unsigned> bAt = onceNotLast(from, b), aAt = onceNotLast(to, a);
  if (!bAt || !aAt || llvm::count(from, a) != 1 || llvm::count(to, b) != 1)
    return false;
  // Loops between them: perfectly nested, bounds from outside.
  for (Operation *op = inner->getParentOp(); op != outer;
       op = op->getParentOp()) {
    auto mid = dyn_cast<scf::ForOp>(op);
    if (!mid || mid.getBody()->getOperations().size() != 2 || !simpleLoop(mid))
      return false;
  }
  for (Operation *op = inner; op != outer; op = op->getParentOp())
    for (Value bound : cast<scf::ForOp>(op)->getOperands())
      if (!outer.isDefinedOutsideOfLoop(bound))
        return false;
  std::optional<int64_t> bSize = simpleLoop(inner), aSize = simpleLoop(outer);
  MemRefType source = load.getMemRefType(), result = store.getMemRefType();
  Type element = source.getElementType();
  // The loops cover the rows they move whole: the masks come from the
  // buffers' dims.
  if (!bSize || !aSize || ShapedType::isDynamic(*bSize) ||
      ShapedType::isDynamic(*aSize) || *aSize < 2 || *bSize < 2 ||
      source.getShape().back() != *aSize ||
      result.getShape().back() != *bSize || !element.isIntOrFloat() ||
      element.getIntOrFloatBitWidth() != 32 ||
      !isLastMemrefDimUnitStride(source) || !isLastMemrefDimUnitStride(result))
    return false;

  Location loc = inner.getLoc();
  OpBuilder builder(outer);
  Value tile = builder.create<arith::ConstantIndexOp>(loc, kTile);
  outer.getStepMutable().assign(tile);
  builder.setInsertionPoint(inner);
  Value zero = builder.create<arith::ConstantIndexOp>(loc, 0);
  Value bEnd = builder.create<arith::ConstantIndexOp>(loc, *bSize);
  Value aEnd = builder.create<arith::ConstantIndexOp>(loc, *aSize);
  Value bLast = builder.create<arith::ConstantIndexOp>(loc, *bSize - 1);
  Value padding = builder.create<arith::ConstantOp>(
      loc, element, builder.getZeroAttr(element));
  auto rowType = VectorType::get({kTile}, element);
  auto tileType = VectorType::get({kTile, kTile}, element);
  bool aWhole = *aSize % kTile == 0, bWhole = *bSize % kTile == 0;
  SmallVector<Value> fromAt(from), toAt(to);
  builder.create<scf::ForOp>(
      loc, zero, bEnd, tile, ValueRange{},
      [&](OpBuilder &b, Location l, Value b0, ValueRange) {
        // Source rows b0 .. b0 + 15 (past the end: the last row again,
        // never written), columns a .. a + 15 (zeros past the end).
        Value block =
            b.create<arith::ConstantOp>(l, tileType, b.getZeroAttr(tileType));
        for (int64_t k = 0; k < kTile; ++k) {
          Value row = b.create<arith::AddIOp>(
              l, b0, b.create<arith::ConstantIndexOp>(l, k));
          if (!bWhole)
            row = b.create<arith::MinUIOp>(l, row, bLast);
          fromAt[*bAt] = row;
          Value v = b.create<vector::TransferReadOp>(
              l, rowType, load.getMemRef(), fromAt, padding,
              ArrayRef<bool>{aWhole});
          block = b.create<vector::InsertOp>(l, v, block, k);
        }
        Value transposed =
            b.create<vector::TransposeOp>(l, block, ArrayRef<int64_t>{1, 0});
        // Result rows a .. a + 15 (those before the end), columns
        // b0 .. b0 + 15 (masked past the end).
        toAt.back() = b0;
        for (int64_t m = 0; m < kTile; ++m) {
          Value row = b.create<arith::AddIOp>(
              l, a, b.create<arith::ConstantIndexOp>(l, m));
          toAt[*aAt] = row;
          auto write = [&](OpBuilder &w, Location wl) {
            Value v = w.create<vector::ExtractOp>(wl, transposed, m);
            w.create<vector::TransferWriteOp>(wl, v, store.getMemRef(), toAt,
                                              ArrayRef<bool>{bWhole});
          };
          if (aWhole) {
            write(b, l);
            continue;
          }
          Value inside =
              b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ult, row, aEnd);
          b.create<scf::IfOp>(l, inside, [&](OpBuilder &w, Location wl) {
            write(w, wl);
            w.create<scf::YieldOp>(wl);
          });
        }
        b.create<scf::YieldOp>(l);
      });
  inner.erase();
  return true;
}

struct VectorizeTransposesPass
    : public aic::impl::VectorizeTransposesBase<VectorizeTransposesPass> {
  using VectorizeTransposesBase::VectorizeTransposesBase;

  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    bool changed = false;
    for (scf::ForOp loop : loops)
      changed |= vectorize(loop);
    if (!changed)
      return;
    // The 16x16 transposes as the shuffles AVX-512 runs them in (the
    // default lowering moves them element by element).
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransposeLoweringPatterns(
        patterns, vector::VectorTransformsOptions().setVectorTransposeLowering(
                      vector::VectorTransposeLowering::Shuffle16x16));
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
