//===- FusePostOps.cpp - Fuse elementwise consumers into post-op chains ---===//
//
// Elementwise consumers of a chain owner (conv, matmul, binary) become
// entries of its post-op chain; a full-shape add becomes a sum post-op that
// accumulates in place; and a matmul's leading add of a per-column vector
// becomes the matmul's own bias, which oneDNN adds in its GEMM kernel at no
// measurable cost where a binary post-op costs a few percent.
//
// Only where the chain computes what the consumer does, NaN included:
// oneDNN 2.6's relu (alpha 0), clip, exp and binary max/min post-ops lose
// NaN on every ISA (relu and clip give their lower bound, exp +inf, max and
// min the operand). Relu and a clip whose bounds hold 0 (ReLU6) are fused
// all the same: the runtime runs them fast, sees in the FPU's flags whether
// a NaN met one, and then computes the run again with their exact forms
// (runtime/NanGuard.h), which for a clip runs after the primitive: a clip
// ends its chain. Exp and max/min stay unfused (aic-propagate-nan).
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

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

static bool isEltwise(Attribute entry, EltwiseKind kind) {
  auto eltwise = dyn_cast<EltwisePostOpAttr>(entry);
  return eltwise && eltwise.getKind() == kind;
}

/// A chain ending with a clip takes no more entries (the runtime's exact
/// form clips after the primitive).
static bool endsWithClip(ArrayRef<Attribute> chain) {
  return !chain.empty() && isEltwise(chain.back(), EltwiseKind::clip);
}

/// Returns the single-use chain owner producing `v`, if the chain has room
/// for `extra` more fused ops.
static PostOpChainOwner fusableProducer(Value v, unsigned maxChain,
                                        size_t extra) {
  Operation *def = v.getDefiningOp();
  // Post-op chains run inside oneDNN primitives, which aic uses for f32;
  // other element types are computed by loops without chains.
  if (!def || !v.hasOneUse() ||
      !cast<ShapedType>(v.getType()).getElementType().isF32())
    return {};
  auto owner = dyn_cast<PostOpChainOwner>(def);
  if (!owner || owner.getPostOps().size() + extra > maxChain ||
      endsWithClip(owner.getPostOps().getValue()))
    return {};
  return owner;
}

/// How the dims of a reshape's result group into the dims of its input,
/// for the reshapes behind a matmul whose batch dims were collapsed into
/// rows (aic-normalize-matmuls): a tensor.expand_shape's own, and for a
/// tensor.reshape of a 2-D input that keeps its last dim, the rows.
static std::optional<SmallVector<ReassociationIndices>>
getRowGroups(Operation *reshape) {
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(reshape))
    return expand.getReassociationIndices();
  auto generic = dyn_cast<tensor::ReshapeOp>(reshape);
  if (!generic)
    return std::nullopt;
  auto from = cast<ShapedType>(generic.getSource().getType());
  auto to = cast<ShapedType>(generic.getType());
  if (from.getRank() != 2 || to.getRank() < 2 ||
      ShapedType::isDynamic(from.getShape().back()) ||
      from.getShape().back() != to.getShape().back())
    return std::nullopt;
  SmallVector<ReassociationIndices> groups(2);
  for (int64_t d = 0; d + 1 < to.getRank(); ++d)
    groups[0].push_back(d);
  groups[1].push_back(to.getRank() - 1);
  return groups;
}

/// The single-use reshape of a chain owner's result that `v` is, if any: a
/// matmul whose batch dims were collapsed into rows (aic-normalize-matmuls)
/// reaches its consumers through one, an aic.reshape or, over run-time
/// dims, a tensor.expand_shape or tensor.reshape. The consumer then fuses
/// into the owner, on the owner's shape.
static Operation *ownerReshape(Value v) {
  Operation *reshape = v.getDefiningOp();
  if (!reshape || !v.hasOneUse() ||
      !(isa<ReshapeOp>(reshape) || getRowGroups(reshape)) ||
      !isa_and_nonnull<PostOpChainOwner>(
          reshape->getOperand(0).getDefiningOp()))
    return nullptr;
  return reshape;
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// Whether `v`, an operand of a consumer of `reshape`'s result, has a form
/// on the reshape's input shape: the full shape (reshaped alike: a
/// run-time dim against a run-time dim is the same size, aic never
/// broadcasts one), or a static broadcast along every dim but the last
/// when the reshape keeps the last dim (then 1-D).
static bool fitsBeforeReshape(Value v, Operation *reshape) {
  ArrayRef<int64_t> shape = shapeOf(v);
  ArrayRef<int64_t> from = shapeOf(reshape->getOperand(0));
  ArrayRef<int64_t> to = shapeOf(reshape->getResult(0));
  if (shape == to)
    return true;
  if (shape.size() > to.size() || ShapedType::isDynamicShape(shape) ||
      (!shape.empty() &&
       !llvm::all_of(shape.drop_back(), [](int64_t d) { return d == 1; })))
    return false;
  int64_t last = shape.empty() ? 1 : shape.back();
  return last == 1 ||
         (!from.empty() && !to.empty() && from.back() == to.back());
}

/// `v` (fitsBeforeReshape) on the reshape's input shape, built before
/// `before`.
static Value beforeReshape(Value v, Operation *reshape, Operation *before,
                           PatternRewriter &rewriter) {
  auto type = cast<RankedTensorType>(v.getType());
  auto fromType = cast<RankedTensorType>(reshape->getOperand(0).getType());
  SmallVector<int64_t> shape(fromType.getShape());
  bool full = type.getShape() == shapeOf(reshape->getResult(0));
  if (!full) {
    if (type.getRank() <= 1)
      return v;
    shape.assign({type.getShape().back()});
  }
  if (type.getShape() == ArrayRef(shape))
    return v;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(before);
  if (std::optional<SmallVector<ReassociationIndices>> groups =
          getRowGroups(reshape);
      groups && full)
    return rewriter.create<tensor::CollapseShapeOp>(
        v.getLoc(), fromType.clone(type.getElementType()), v, *groups);
  return rewriter.create<ReshapeOp>(v.getLoc(), type.clone(shape), v);
}

/// The post-ops computing `entry` as ONNX does, NaN included (for relu and
/// clip, with the runtime's check of the FPU); failure if there are none.
static FailureOr<SmallVector<Attribute>> nanExactChain(Attribute entry) {
  if (auto binary = dyn_cast<BinaryPostOpAttr>(entry)) {
    if (binary.getKind() == BinaryKind::max ||
        binary.getKind() == BinaryKind::min)
      return failure();
    return SmallVector<Attribute>{entry};
  }
  auto eltwise = dyn_cast<EltwisePostOpAttr>(entry);
  if (!eltwise)
    return SmallVector<Attribute>{entry};
  double alpha = eltwise.getAlpha().convertToDouble();
  double beta = eltwise.getBeta().convertToDouble();
  double inf = std::numeric_limits<double>::infinity();
  MLIRContext *ctx = entry.getContext();
  bool relu =
      (eltwise.getKind() == EltwiseKind::relu && alpha == 0) ||
      (eltwise.getKind() == EltwiseKind::clip && alpha == 0 && beta == inf);
  if (relu)
    return SmallVector<Attribute>{
        EltwisePostOpAttr::get(ctx, EltwiseKind::relu, 0, 0)};
  if (eltwise.getKind() == EltwiseKind::clip) {
    // Unbounded: the identity.
    if (alpha == -inf && beta == inf)
      return SmallVector<Attribute>{};
    // The exact form clips the whole destination, a blocked layout's zero
    // padding too, which must stay 0.
    if (alpha <= 0 && beta >= 0)
      return SmallVector<Attribute>{entry};
    return failure();
  }
  if (eltwise.getKind() == EltwiseKind::exp)
    return failure();
  return SmallVector<Attribute>{entry};
}

static LogicalResult nanExactChain(ArrayRef<Attribute> entries,
                                   SmallVectorImpl<Attribute> &chain) {
  for (Attribute entry : entries) {
    FailureOr<SmallVector<Attribute>> exact = nanExactChain(entry);
    if (failed(exact) || endsWithClip(chain))
      return failure();
    chain.append(exact->begin(), exact->end());
  }
  return success();
}

struct FuseEltwise : public OpInterfaceRewritePattern<EltwiseFunction> {
  FuseEltwise(MLIRContext *ctx, unsigned maxChain)
      : OpInterfaceRewritePattern<EltwiseFunction>(ctx), maxChain(maxChain) {}
  LogicalResult matchAndRewrite(EltwiseFunction op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    Operation *reshape = ownerReshape(input);
    if (reshape)
      input = reshape->getOperand(0);
    SmallVector<Attribute> chain;
    if (failed(nanExactChain({op.getPostOp()}, chain)))
      return failure();
    auto owner = fusableProducer(input, maxChain, 1);
    if (!owner)
      return failure();
    Value fused = extendChain(rewriter, owner, chain, {});
    rewriter.replaceOp(op, reshape ? reshape->getResult(0) : fused);
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
    SmallVector<Attribute> entries{
        BinaryPostOpAttr::get(op.getContext(), op.getKind())};
    entries.append(op.getPostOps().begin(), op.getPostOps().end());
    SmallVector<Attribute> exact;
    if (failed(nanExactChain(entries, exact)) || exact != entries)
      return failure();
    size_t extra = 1 + op.getPostOps().size();
    for (unsigned side = 0; side < (commutative ? 2 : 1); ++side) {
      Value producer = side == 0 ? op.getLhs() : op.getRhs();
      Value other = side == 0 ? op.getRhs() : op.getLhs();
      // The result keeps the producer's shape: `other` may only broadcast.
      if (producer.getType() != op.getInit().getType() || producer == other)
        continue;
      Operation *reshape = ownerReshape(producer);
      if (reshape) {
        if (!fitsBeforeReshape(other, reshape) ||
            !llvm::all_of(op.getPostOperands(), [&](Value v) {
              return fitsBeforeReshape(v, reshape);
            }))
          continue;
        producer = reshape->getOperand(0);
      }
      auto owner = fusableProducer(producer, maxChain, extra);
      if (!owner || (!intoConv && isa<ConvOp>(owner)) ||
          !availableBefore(other, owner) ||
          !llvm::all_of(op.getPostOperands(),
                        [&](Value v) { return availableBefore(v, owner); }))
        continue;
      hoistBefore(other, owner, rewriter);
      hoistBefore(op.getPostOperands(), owner, rewriter);
      SmallVector<Value> operands{other};
      operands.append(op.getPostOperands().begin(), op.getPostOperands().end());
      if (reshape)
        for (Value &v : operands)
          v = beforeReshape(v, reshape, owner, rewriter);
      Value result = reshape ? reshape->getResult(0) : owner.getOutput();
      if (accumulate(owner, op, operands, result, rewriter))
        return success();
      SmallVector<Attribute> chain{
          BinaryPostOpAttr::get(op.getContext(), op.getKind())};
      chain.append(op.getPostOps().begin(), op.getPostOps().end());
      extendChain(rewriter, owner, chain, operands);
      rewriter.replaceOp(op, result);
      return success();
    }
    return failure();
  }
  /// add(producer, r) with r of the result's shape -> producer writing
  /// into r with a sum post-op: oneDNN adds the destination's old contents
  /// in place, and bufferization reuses r's buffer when r dies here. Not for
  /// binary producers, whose runtime may expand a broadcast operand into
  /// the destination first. `operands` are r and op's post operands, on the
  /// owner's shape; `result` stands for op's result once fused.
  bool accumulate(PostOpChainOwner owner, BinaryFunction op,
                  ArrayRef<Value> operands, Value result,
                  PatternRewriter &rewriter) const {
    Operation *producer = owner.getOperation();
    auto dps = cast<DestinationStyleOpInterface>(producer);
    Value other = operands.front();
    if (op.getKind() != BinaryKind::add ||
        other.getType() != owner.getOutput().getType() ||
        isa<BinaryFunction>(producer) || hasSumPostOp(producer) ||
        dps.getNumDpsInits() != 1)
      return false;
    SmallVector<Attribute> chain(owner.getPostOps().begin(),
                                 owner.getPostOps().end());
    chain.push_back(SumPostOpAttr::get(op.getContext()));
    chain.append(op.getPostOps().begin(), op.getPostOps().end());
    rewriter.modifyOpInPlace(producer, [&] {
      owner.getPostOperandsMutable().append(operands.drop_front());
      owner.setPostOpsAttr(rewriter.getArrayAttr(chain));
      dps.getDpsInitOperand(0)->set(other);
    });
    rewriter.replaceOp(op, result);
    return true;
  }

  unsigned maxChain;
  bool intoConv;
};

/// matmul(a, b) post([x, ...]) {post_ops = [binary<add>, ...]} with x a
/// vector along the output's last dim (shape [N] or [1, ..., 1, N]) and no
/// bias -> matmul(a, b, x) post([...]): alpha * a x b + x is the matmul's
/// bias term, so the result is the same.
struct LeadingAddIntoBias : public OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getOutput() || op.getBias() || op.getPostOps().empty())
      return failure();
    auto add = dyn_cast<BinaryPostOpAttr>(op.getPostOps()[0]);
    if (!add || add.getKind() != BinaryKind::add)
      return failure();
    Value operand = op.getPostOperands().front();
    ArrayRef<int64_t> shape = cast<ShapedType>(operand.getType()).getShape();
    ArrayRef<int64_t> out =
        cast<ShapedType>(op.getOutput().getType()).getShape();
    if (shape.empty() || shape.size() > out.size() ||
        shape.back() != out.back() ||
        !llvm::all_of(shape.drop_back(), [](int64_t d) { return d == 1; }))
      return failure();
    SmallVector<Attribute> rest(llvm::drop_begin(op.getPostOps()));
    rewriter.modifyOpInPlace(op, [&] {
      op.getPostOperandsMutable().erase(0);
      op.getBiasMutable().assign(operand);
      op.setPostOpsAttr(rewriter.getArrayAttr(rest));
    });
    return success();
  }
};

struct FusePostOpsPass : public aic::impl::FusePostOpsBase<FusePostOpsPass> {
  using FusePostOpsBase::FusePostOpsBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<FuseEltwise>(ctx, maxChain);
    patterns.add<FuseBinary>(ctx, maxChain, convBinary);
    patterns.add<LeadingAddIntoBias>(ctx);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
