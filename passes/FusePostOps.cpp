//===- FusePostOps.cpp - Fuse elementwise consumers into post-op chains ---===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aic {
#define GEN_PASS_DEF_FUSEPOSTOPS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
/// Appends `extraChain` and its operands to the chain of `owner`, whose
/// result then stands for the fused consumer.
static Value extendChain(PatternRewriter &rewriter, PostOpChainOwner owner,
                         ArrayRef<Attribute> extraChain,
                         ValueRange extraOperands) {
  SmallVector<Attribute> entries(owner.getPostOps().begin(),
                                 owner.getPostOps().end());
  entries.append(extraChain.begin(), extraChain.end());
  rewriter.modifyOpInPlace(owner, [&] {
    owner.getPostOperandsMutable().append(extraOperands);
    owner.setPostOpsAttr(rewriter.getArrayAttr(entries));
  });
  return owner.getOutput();
}

/// `v` is available before `op` executes (constants can be hoisted there).
static bool availableBefore(Value v, Operation *op) {
  if (auto arg = dyn_cast<BlockArgument>(v))
    return arg.getOwner() == op->getBlock();
  Operation *def = v.getDefiningOp();
  return def->getBlock() == op->getBlock() &&
         (def->isBeforeInBlock(op) || matchPattern(v, m_Constant()));
}

static void hoistBefore(ValueRange values, Operation *op,
                        PatternRewriter &rewriter) {
  for (Value v : values)
    if (Operation *def = v.getDefiningOp())
      if (!def->isBeforeInBlock(op))
        rewriter.moveOpBefore(def, op);
}

/// Returns the single-use chain owner producing `v`, if the chain has room.
static PostOpChainOwner fusableProducer(Value v, unsigned maxChain,
                                        size_t extra) {
  Operation *def = v.getDefiningOp();
  // Post-op chains run inside oneDNN primitives, which aic uses for f32;
  // other element types are computed by loops without chains.
  if (!def || !v.hasOneUse() ||
      !cast<ShapedType>(v.getType()).getElementType().isF32())
    return {};
  auto owner = dyn_cast<PostOpChainOwner>(def);
  if (!owner || owner.getPostOps().size() + extra > maxChain)
    return {};
  return owner;
}

struct FuseEltwise : public OpInterfaceRewritePattern<EltwiseFunction> {
  FuseEltwise(MLIRContext *ctx, unsigned maxChain)
      : OpInterfaceRewritePattern<EltwiseFunction>(ctx), maxChain(maxChain) {}
  LogicalResult matchAndRewrite(EltwiseFunction op,
                                PatternRewriter &rewriter) const override {
    auto owner = fusableProducer(op.getInput(), maxChain, 1);
    if (!owner)
      return failure();
    Value fused = extendChain(rewriter, owner, {op.getPostOp()}, {});
    rewriter.replaceOp(op, fused);
    return success();
  }
  unsigned maxChain;
};

/// binary(producer, r) -> producer with post-ops [binary, binary's chain...]
struct FuseBinary : public OpInterfaceRewritePattern<BinaryFunction> {
  FuseBinary(MLIRContext *ctx, unsigned maxChain, bool intoConv)
      : OpInterfaceRewritePattern<BinaryFunction>(ctx), maxChain(maxChain),
        intoConv(intoConv) {}
  LogicalResult matchAndRewrite(BinaryFunction op,
                                PatternRewriter &rewriter) const override {
    bool commutative = op.isCommutative();
    size_t extra = 1 + op.getPostOps().size();
    for (unsigned side = 0; side < (commutative ? 2 : 1); ++side) {
      Value producer = side == 0 ? op.getLhs() : op.getRhs();
      Value other = side == 0 ? op.getRhs() : op.getLhs();
      // The result keeps the producer's shape: `other` may only broadcast.
      if (producer.getType() != op.getInit().getType() || producer == other)
        continue;
      auto owner = fusableProducer(producer, maxChain, extra);
      if (!owner || (!intoConv && isa<ConvOp>(owner)) ||
          !availableBefore(other, owner) ||
          !llvm::all_of(op.getPostOperands(),
                        [&](Value v) { return availableBefore(v, owner); }))
        continue;
      hoistBefore(other, owner, rewriter);
      hoistBefore(op.getPostOperands(), owner, rewriter);
      if (accumulate(owner, op, other, rewriter))
        return success();
      SmallVector<Attribute> chain{
          BinaryPostOpAttr::get(op.getContext(), op.getKind())};
      chain.append(op.getPostOps().begin(), op.getPostOps().end());
      SmallVector<Value> operands{other};
      operands.append(op.getPostOperands().begin(), op.getPostOperands().end());
      Value fused = extendChain(rewriter, owner, chain, operands);
      rewriter.replaceOp(op, fused);
      return success();
    }
    return failure();
  }
  /// add(producer, r) with r of the result's shape -> producer writing
  /// into r with a sum post-op: oneDNN adds the destination's old contents
  /// in place, and bufferization reuses r's buffer when r dies here. Not for
  /// binary producers, whose runtime may expand a broadcast operand into
  /// the destination first.
  bool accumulate(PostOpChainOwner owner, BinaryFunction op, Value other,
                  PatternRewriter &rewriter) const {
    Operation *producer = owner.getOperation();
    auto dps = cast<DestinationStyleOpInterface>(producer);
    if (op.getKind() != BinaryKind::add ||
        other.getType() != op.getInit().getType() ||
        isa<BinaryFunction>(producer) || hasSumPostOp(producer) ||
        dps.getNumDpsInits() != 1)
      return false;
    SmallVector<Attribute> chain(owner.getPostOps().begin(),
                                 owner.getPostOps().end());
    chain.push_back(SumPostOpAttr::get(op.getContext()));
    chain.append(op.getPostOps().begin(), op.getPostOps().end());
    rewriter.modifyOpInPlace(producer, [&] {
      owner.getPostOperandsMutable().append(op.getPostOperands());
      owner.setPostOpsAttr(rewriter.getArrayAttr(chain));
      dps.getDpsInitOperand(0)->set(other);
    });
    rewriter.replaceOp(op, owner.getOutput());
    return true;
  }

  unsigned maxChain;
  bool intoConv;
};

struct FusePostOpsPass : public aic::impl::FusePostOpsBase<FusePostOpsPass> {
  using FusePostOpsBase::FusePostOpsBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<FuseEltwise>(ctx, maxChain);
    patterns.add<FuseBinary>(ctx, maxChain, convBinary);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
