//===- FusePostOps.cpp - Fuse elementwise consumers into post-op chains ---===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

namespace aic {
#define GEN_PASS_DEF_FUSEPOSTOPS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
/// An op that owns a post-op chain: conv, matmul, or a binary op.
struct ChainOwner {
  Operation *op = nullptr;
  ArrayAttr chain;
  OperandRange postOperands{nullptr, 0};

  static std::optional<ChainOwner> get(Operation *op) {
    return TypeSwitch<Operation *, std::optional<ChainOwner>>(op)
        .Case<ConvOp, MatmulOp, AddOp, SubOp, MulOp, DivOp, MaxOp,
              MinOp>([&](auto typed) {
          return ChainOwner{op, typed.getPostOps(), typed.getPostOperands()};
        })
        .Default([](Operation *) { return std::nullopt; });
  }

  /// Rebuilds the owner with a longer chain and extra post operands.
  Value rebuild(PatternRewriter &rewriter, ArrayRef<Attribute> extraChain,
                ValueRange extraOperands) const {
    SmallVector<Attribute> entries(chain.begin(), chain.end());
    entries.append(extraChain.begin(), extraChain.end());
    ArrayAttr newChain = rewriter.getArrayAttr(entries);
    SmallVector<Value> operands(postOperands);
    operands.append(extraOperands.begin(), extraOperands.end());
    rewriter.setInsertionPoint(op);
    return TypeSwitch<Operation *, Value>(op)
        .Case([&](ConvOp c) {
          return rewriter.create<ConvOp>(
              c.getLoc(), c.getType(), c.getInput(), c.getWeight(), c.getBias(),
              operands, c.getStridesAttr(), c.getDilationsAttr(),
              c.getPadsAttr(), c.getGroupAttr(), newChain);
        })
        .Case([&](MatmulOp m) {
          return rewriter.create<MatmulOp>(
              m.getLoc(), m.getType(), m.getLhs(), m.getRhs(), m.getBias(),
              operands, m.getTransposeLhsAttr(), m.getTransposeRhsAttr(),
              m.getAlphaAttr(), newChain);
        })
        .Case<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp>([&](auto b) -> Value {
          return rewriter.create<decltype(b)>(b.getLoc(), b.getType(),
                                              b.getLhs(), b.getRhs(), operands,
                                              newChain);
        });
  }
};

/// `v` is available before `op` executes (constants can be hoisted there).
static bool availableBefore(Value v, Operation *op) {
  if (auto arg = dyn_cast<BlockArgument>(v))
    return arg.getOwner() == op->getBlock();
  Operation *def = v.getDefiningOp();
  return def->getBlock() == op->getBlock() &&
         (def->isBeforeInBlock(op) || isa<ConstantOp>(def));
}

static void hoistBefore(ValueRange values, Operation *op,
                        PatternRewriter &rewriter) {
  for (Value v : values)
    if (Operation *def = v.getDefiningOp())
      if (!def->isBeforeInBlock(op))
        rewriter.moveOpBefore(def, op);
}

/// Returns the single-use chain owner producing `v`, if the chain has room.
static std::optional<ChainOwner> fusableProducer(Value v, unsigned maxChain,
                                                 size_t extra) {
  Operation *def = v.getDefiningOp();
  // Post-op chains run inside oneDNN primitives, which aic uses for f32;
  // other element types are computed by loops without chains.
  if (!def || !v.hasOneUse() ||
      !cast<ShapedType>(v.getType()).getElementType().isF32())
    return std::nullopt;
  auto owner = ChainOwner::get(def);
  if (!owner || owner->chain.size() + extra > maxChain)
    return std::nullopt;
  return owner;
}

template <typename UnaryOp>
struct FuseEltwise : public OpRewritePattern<UnaryOp> {
  FuseEltwise(MLIRContext *ctx, unsigned maxChain)
      : OpRewritePattern<UnaryOp>(ctx), maxChain(maxChain) {}
  LogicalResult matchAndRewrite(UnaryOp op,
                                PatternRewriter &rewriter) const override {
    auto owner = fusableProducer(op.getInput(), maxChain, 1);
    if (!owner)
      return failure();
    Value fused = owner->rebuild(rewriter, {op.getPostOp()}, {});
    rewriter.replaceOp(op, fused);
    rewriter.eraseOp(owner->op);
    return success();
  }
  unsigned maxChain;
};

/// binary(producer, r) -> producer with post-ops [binary, binary's chain...]
template <typename BinOp> struct FuseBinary : public OpRewritePattern<BinOp> {
  FuseBinary(MLIRContext *ctx, unsigned maxChain, bool commutative,
             bool intoConv)
      : OpRewritePattern<BinOp>(ctx), maxChain(maxChain),
        commutative(commutative), intoConv(intoConv) {}
  LogicalResult matchAndRewrite(BinOp op,
                                PatternRewriter &rewriter) const override {
    size_t extra = 1 + op.getPostOps().size();
    for (unsigned side = 0; side < (commutative ? 2 : 1); ++side) {
      Value producer = side == 0 ? op.getLhs() : op.getRhs();
      Value other = side == 0 ? op.getRhs() : op.getLhs();
      // The result keeps the producer's shape: `other` may only broadcast.
      if (producer.getType() != op.getType() || producer == other)
        continue;
      auto owner = fusableProducer(producer, maxChain, extra);
      if (!owner || (!intoConv && isa<ConvOp>(owner->op)) ||
          !availableBefore(other, owner->op) ||
          !llvm::all_of(op.getPostOperands(),
                        [&](Value v) { return availableBefore(v, owner->op); }))
        continue;
      hoistBefore(other, owner->op, rewriter);
      hoistBefore(op.getPostOperands(), owner->op, rewriter);
      SmallVector<Attribute> chain{
          BinaryPostOpAttr::get(op.getContext(), op.getKind())};
      chain.append(op.getPostOps().begin(), op.getPostOps().end());
      SmallVector<Value> operands{other};
      operands.append(op.getPostOperands().begin(), op.getPostOperands().end());
      Value fused = owner->rebuild(rewriter, chain, operands);
      rewriter.replaceOp(op, fused);
      rewriter.eraseOp(owner->op);
      return success();
    }
    return failure();
  }
  unsigned maxChain;
  bool commutative, intoConv;
};

struct FusePostOpsPass : public aic::impl::FusePostOpsBase<FusePostOpsPass> {
  using FusePostOpsBase::FusePostOpsBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<FuseEltwise<ReluOp>, FuseEltwise<SigmoidOp>,
                 FuseEltwise<TanhOp>, FuseEltwise<ExpOp>, FuseEltwise<ClipOp>>(
        ctx, maxChain);
    patterns.add<FuseBinary<AddOp>, FuseBinary<MulOp>, FuseBinary<MaxOp>,
                 FuseBinary<MinOp>>(ctx, maxChain, true, convBinary);
    patterns.add<FuseBinary<SubOp>, FuseBinary<DivOp>>(ctx, maxChain, false,
                                                       convBinary);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
