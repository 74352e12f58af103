//===- RecognizeHardSwish.cpp - x * HardSigmoid(x) to aic.hard_swish -----===//
//
// Before opset 14 there is no HardSwish operator: PyTorch exports
// nn.Hardswish (MobileNetV3's activation) as Mul(x, HardSigmoid(x)) with
// alpha 1/6 and beta 1/2. The importer builds the HardSigmoid as compiled
// loops, which run in plain layout between two convolutions in blocked
// layouts (two reorders each). Recognized, the product is one
// aic.hard_swish, which aic-fuse-post-ops makes an eltwise post-op of the
// convolution producing x.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"
#include "passes/Utils/Matchers.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aic {
#define GEN_PASS_DEF_RECOGNIZEHARDSWISH
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
/// x * HardSigmoid(x) with alpha 1/6 and beta 1/2, in either order.
struct RecognizeHardSwishPattern : public OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    Value output = op.getOutput();
    if (!output || !op.getPostOps().empty() || !op.getLayouts().empty() ||
        !cast<ShapedType>(output.getType()).getElementType().isF32())
      return failure();
    for (auto [x, h] : {std::pair(op.getLhs(), op.getRhs()),
                        std::pair(op.getRhs(), op.getLhs())}) {
      double alpha = 0, beta = 0;
      if (x.getType() != output.getType() || !h.hasOneUse() ||
          matchHardSigmoid(h, alpha, beta) != x ||
          !nearlyEqual(alpha, 1.0 / 6.0) || !nearlyEqual(beta, 0.5))
        continue;
      rewriter.replaceOpWithNewOp<HardSwishOp>(op, output.getType(), x,
                                               op.getInit());
      return success();
    }
    return failure();
  }
};

struct RecognizeHardSwishPass
    : public aic::impl::RecognizeHardSwishBase<RecognizeHardSwishPass> {
  using RecognizeHardSwishBase::RecognizeHardSwishBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RecognizeHardSwishPattern>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
