//===- FuseBinaryIntoLoops.cpp - Binary ops into their producer's loops ---===//
//
// A binary library op on the result of a loop nest (a linalg.generic, which
// is how the importer expresses Gather, Where and the other ops without a
// primitive) reads and writes the whole tensor once more, through a library
// call. When the generic writes its result elementwise in order, the binary
// op is one more scalar step of its body instead. A linalg.transpose is such
// a loop nest too (a copy that reads through a permutation): a residual add
// on a transposed sequence-first result is one pass over memory, not two.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aic {
#define GEN_PASS_DEF_FUSEBINARYINTOLOOPS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
/// The all-parallel single-result generic or transpose that `v` is the only
/// use of, writing its result through the identity map, if any.
linalg::LinalgOp fusableLoops(Value v) {
  if (!v.hasOneUse())
    return {};
  if (auto transpose = v.getDefiningOp<linalg::TransposeOp>())
    return transpose.hasPureTensorSemantics() ? transpose : linalg::LinalgOp();
  auto generic = v.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic->getNumResults() != 1 ||
      !generic.hasPureTensorSemantics() ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return {};
  OpOperand *init = generic.getDpsInitOperand(0);
  if (!generic.getMatchingIndexingMap(init).isIdentity())
    return {};
  // The body may read the old contents of the destination; the fused body
  // keeps doing so, on the same destination.
  return generic;
}

/// `v` is available before `op` (constants can be hoisted there).
bool availableBefore(Value v, Operation *op) {
  if (auto arg = dyn_cast<BlockArgument>(v))
    return arg.getOwner() == op->getBlock();
  Operation *def = v.getDefiningOp();
  return def->getBlock() == op->getBlock() &&
         (def->isBeforeInBlock(op) || def->hasTrait<OpTrait::ConstantLike>());
}

/// The map reading an operand of `shape` broadcast numpy-style to a result
/// of `outShape` (rank >= the operand's).
AffineMap broadcastMap(ArrayRef<int64_t> shape, ArrayRef<int64_t> outShape,
                       MLIRContext *ctx) {
  int64_t offset = outShape.size() - shape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, d] : llvm::enumerate(shape))
    exprs.push_back(d == 1 && outShape[offset + i] != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(offset + i, ctx));
  return AffineMap::get(outShape.size(), 0, exprs, ctx);
}

struct FuseIntoGeneric : public OpInterfaceRewritePattern<BinaryFunction> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(BinaryFunction op,
                                PatternRewriter &rewriter) const override {
    BinaryKind kind = op.getKind();
    Value output = op.getOutput();
    if (!output || !op.getPostOps().empty() ||
        (kind != BinaryKind::add && kind != BinaryKind::sub &&
         kind != BinaryKind::mul && kind != BinaryKind::div))
      return failure();
    auto outType = cast<RankedTensorType>(output.getType());
    // A run-time dim of the output is one of the result's: the importer
    // checks that a run-time dim of the other operand equals it (aic does
    // not broadcast a run-time dim of 1), so only a static 1 broadcasts.
    if (!outType.getElementType().isF32())
      return failure();
    for (int side = 0; side < 2; ++side) {
      Value produced = side == 0 ? op.getLhs() : op.getRhs();
      Value other = side == 0 ? op.getRhs() : op.getLhs();
      linalg::LinalgOp loops = fusableLoops(produced);
      auto otherType = cast<RankedTensorType>(other.getType());
      if (!loops || produced.getType() != outType || produced == other ||
          otherType.getRank() > outType.getRank() ||
          !availableBefore(other, loops))
        continue;
      if (Operation *def = other.getDefiningOp())
        if (!def->isBeforeInBlock(loops))
          rewriter.moveOpBefore(def, loops);
      auto generic = dyn_cast<linalg::GenericOp>(loops.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> general =
            linalg::generalizeNamedOp(rewriter, loops);
        if (failed(general))
          continue;
        generic = *general;
      }

      MLIRContext *ctx = op.getContext();
      SmallVector<Value> inputs(generic.getDpsInputs());
      inputs.push_back(other);
      SmallVector<AffineMap> maps;
      for (OpOperand *in : generic.getDpsInputOperands())
        maps.push_back(generic.getMatchingIndexingMap(in));
      maps.push_back(
          broadcastMap(otherType.getShape(), outType.getShape(), ctx));
      maps.push_back(
          generic.getMatchingIndexingMap(generic.getDpsInitOperand(0)));
      rewriter.setInsertionPoint(generic);
      auto fused = rewriter.create<linalg::GenericOp>(
          generic.getLoc(), TypeRange{outType}, inputs,
          ValueRange{generic.getDpsInits()}, maps,
          generic.getIteratorTypesArray());
      // The old body with one more argument (the other operand's element,
      // before the destination's) and one more step before its yield.
      Region &region = fused.getRegion();
      rewriter.inlineRegionBefore(generic.getRegion(), region, region.end());
      Block &body = region.front();
      unsigned inputCount = generic.getNumDpsInputs();
      BlockArgument element = body.insertArgument(
          inputCount, otherType.getElementType(), other.getLoc());
      auto yield = cast<linalg::YieldOp>(body.getTerminator());
      rewriter.setInsertionPoint(yield);
      Value x = yield.getOperand(0);
      Value lhs = side == 0 ? x : element, rhs = side == 0 ? element : x;
      Location loc = op.getLoc();
      Value combined;
      switch (kind) {
      case BinaryKind::add:
        combined = rewriter.create<arith::AddFOp>(loc, lhs, rhs);
        break;
      case BinaryKind::sub:
        combined = rewriter.create<arith::SubFOp>(loc, lhs, rhs);
        break;
      case BinaryKind::mul:
        combined = rewriter.create<arith::MulFOp>(loc, lhs, rhs);
        break;
      default:
        combined = rewriter.create<arith::DivFOp>(loc, lhs, rhs);
        break;
      }
      rewriter.modifyOpInPlace(yield, [&] { yield->setOperand(0, combined); });
      rewriter.replaceOp(op, fused->getResults());
      rewriter.eraseOp(generic);
      return success();
    }
    return failure();
  }
};

struct FuseBinaryIntoLoopsPass
    : public aic::impl::FuseBinaryIntoLoopsBase<FuseBinaryIntoLoopsPass> {
  using FuseBinaryIntoLoopsBase::FuseBinaryIntoLoopsBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseIntoGeneric>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
