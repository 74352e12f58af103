//===- AicFolds.cpp - aic folders and canonicalization patterns -----------===//
#include "dialects/Aic/AicDialect.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace aic;

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) -> reshape(x): only the final shape matters.
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  // DenseElementsAttr::reshape handles ints and floats only.
  if (auto strings =
          dyn_cast_or_null<DenseStringElementsAttr>(adaptor.getInput()))
    return DenseStringElementsAttr::get(
        getType(), llvm::to_vector(strings.getValues<StringRef>()));
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

/// concat(x) -> x: one input is the result, when its type and layout are.
LogicalResult ConcatOp::fold(FoldAdaptor,
                             SmallVectorImpl<OpFoldResult> &results) {
  if (getInputs().size() != 1 || !getOutput() ||
      getInputs().front().getType() != getOutput().getType() ||
      getOperandLayout(*this, 0u) != getOperandLayout(*this, 1u))
    return failure();
  results.push_back(getInputs().front());
  return success();
}

namespace {
/// reshape(from_elements(a, b, ...)) -> from_elements(a, b, ...) of the new
/// shape: the elements keep their row-major order. Shapes computed from
/// symbolic dims (Shape, Gather, Unsqueeze, Concat) then fold to the dims.
struct ReshapeOfFromElements : public OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto elements = op.getInput().getDefiningOp<tensor::FromElementsOp>();
    if (!elements)
      return failure();
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(),
                                                        elements.getElements());
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<ReshapeOfFromElements>(context);
}

namespace {
/// x + 0 -> x and x * 1 -> x when the constant does not broadcast x to a
/// bigger shape and no post-op is fused.
template <typename BinOp>
struct EraseIdentityOperand : public OpRewritePattern<BinOp> {
  EraseIdentityOperand(MLIRContext *ctx, double identity)
      : OpRewritePattern<BinOp>(ctx), identity(identity) {}

  LogicalResult matchAndRewrite(BinOp op,
                                PatternRewriter &rewriter) const override {
    Value output = op.getOutput();
    if (!output || !op.getPostOps().empty())
      return failure();
    for (auto [value, other] : {std::pair(op.getLhs(), op.getRhs()),
                                std::pair(op.getRhs(), op.getLhs())}) {
      DenseFPElementsAttr dense;
      if (other.getType() != output.getType() ||
          !matchPattern(value, m_Constant(&dense)) || !dense.isSplat() ||
          dense.getSplatValue<APFloat>().convertToDouble() != identity)
        continue;
      rewriter.replaceOp(op, other);
      return success();
    }
    return failure();
  }
  double identity;
};
} // namespace

void AddOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                        MLIRContext *context) {
  results.add<EraseIdentityOperand<AddOp>>(context, 0.0);
}

namespace {
/// x * sigmoid(x) -> swish(x) (SiLU), one primitive that can also be a
/// post-op, when the sigmoid has no other use and x is not broadcast.
struct RecognizeSwish : public OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getOutput() || !op.getPostOps().empty() || !op.getLayouts().empty())
      return failure();
    for (auto [x, s] : {std::pair(op.getLhs(), op.getRhs()),
                        std::pair(op.getRhs(), op.getLhs())}) {
      auto sigmoid = s.getDefiningOp<SigmoidOp>();
      if (!sigmoid || sigmoid.getInput() != x || !s.hasOneUse() ||
          x.getType() != op.getInit().getType() ||
          !sigmoid.getLayouts().empty())
        continue;
      rewriter.replaceOpWithNewOp<SwishOp>(op, op.getInit().getType(), x,
                                           op.getInit());
      rewriter.eraseOp(sigmoid);
      return success();
    }
    return failure();
  }
};
} // namespace

void MulOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                        MLIRContext *context) {
  results.add<EraseIdentityOperand<MulOp>>(context, 1.0);
  results.add<RecognizeSwish>(context);
}
