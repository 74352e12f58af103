//===- FoldInputScale.cpp - Per-channel input scales into conv weights ----===//
//
// conv(x * s, W) with s one factor per input channel (a squeeze-and-excite
// block's scale) equals conv(x, W * s) with W scaled along its input-channel
// dim: zero padding stays zero either way. When W has far fewer elements
// than x, scaling W each run replaces a pass over the activation.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aic {
#define GEN_PASS_DEF_FOLDINPUTSCALE
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
/// The per-channel factors of `v` as a [1, C, 1, ...] tensor of rank
/// `rank` for a tensor of `channels` channels (dim 1), if `v` broadcasts
/// to it along every other dim.
bool perChannel(Value v, int64_t rank, int64_t channels) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape() || type.getRank() > rank)
    return false;
  int64_t lead = rank - type.getRank();
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t full = d + lead;
    int64_t size = type.getDimSize(d);
    if (size != 1 && !(full == 1 && size == channels))
      return false;
  }
  return true;
}

struct FoldScaleIntoWeights : public OpRewritePattern<ConvOp> {
  FoldScaleIntoWeights(MLIRContext *ctx, int64_t ratio)
      : OpRewritePattern<ConvOp>(ctx), ratio(ratio) {}

  LogicalResult matchAndRewrite(ConvOp conv,
                                PatternRewriter &rewriter) const override {
    auto mul = conv.getInput().getDefiningOp<MulOp>();
    if (!mul || !mul->hasOneUse() || !mul.getPostOps().empty() ||
        conv.getGroup() != 1 || !matchPattern(conv.getWeight(), m_Constant()))
      return failure();
    auto in = cast<RankedTensorType>(conv.getInput().getType());
    auto w = cast<RankedTensorType>(conv.getWeight().getType());
    if (!in.hasStaticShape() || !w.hasStaticShape() ||
        !in.getElementType().isF32() || w.getRank() != in.getRank() ||
        w.getDimSize(1) != in.getDimSize(1) ||
        w.getNumElements() * ratio > in.getNumElements())
      return failure();
    Value x, scale;
    for (auto [a, b] : {std::pair(mul.getLhs(), mul.getRhs()),
                        std::pair(mul.getRhs(), mul.getLhs())})
      if (a.getType() == in && perChannel(b, in.getRank(), in.getDimSize(1))) {
        x = a;
        scale = b;
        break;
      }
    if (!x)
      return failure();
    // The factors as [C, 1, ...], which multiply W [OC, C, k...] along its
    // input channels (one rank less than W: aic-assign-layouts then leaves
    // this small product in W's plain layout rather than in the layout of
    // the factors' producer).
    Location loc = mul.getLoc();
    SmallVector<int64_t> shape(w.getRank() - 1, 1);
    shape[0] = w.getDimSize(1);
    auto scaleType = RankedTensorType::get(shape, w.getElementType());
    rewriter.setInsertionPoint(conv);
    Value factors = scale;
    if (scale.getType() != scaleType)
      factors = rewriter.create<ReshapeOp>(loc, scaleType, scale);
    Value empty =
        rewriter.create<tensor::EmptyOp>(loc, w.getShape(), w.getElementType());
    Value weights = rewriter
                        .create<MulOp>(loc, w, conv.getWeight(), factors,
                                       ValueRange{}, empty)
                        .getOutput();
    rewriter.modifyOpInPlace(conv, [&] {
      conv.getInputMutable().set(x);
      conv.getWeightMutable().set(weights);
    });
    rewriter.eraseOp(mul);
    return success();
  }
  int64_t ratio;
};

struct FoldInputScalePass
    : public aic::impl::FoldInputScaleBase<FoldInputScalePass> {
  using FoldInputScaleBase::FoldInputScaleBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<FoldScaleIntoWeights>(ctx, ratio);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
