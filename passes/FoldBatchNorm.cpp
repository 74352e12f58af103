//===- FoldBatchNorm.cpp - Fold inference batch norm into constants -------===//
//
// An inference batch norm with constant parameters is an affine map per
// channel, y = s * x + t with s = gamma / sqrt(var + eps) and
// t = beta - mean * s. Behind a convolution it disappears into the conv's
// weights and bias; elsewhere it becomes one multiply and one add, which
// aic-fuse-post-ops then turns into a single binary primitive.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"
#include "passes/Utils/ConstantElements.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace aic {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
/// The elements of `v` if it is a constant of floats.
static std::optional<ElementsReader> getFloatConstant(Value v) {
  std::optional<ElementsReader> reader = ElementsReader::of(v);
  if (!reader || !isa<FloatType>(reader->getElementType()))
    return std::nullopt;
  return reader;
}

/// The per-channel scale s and shift t of y = s * x + t, in double.
struct ChannelAffine {
  std::vector<double> scale, shift;
  /// The original mean and beta, for the conv bias formula.
  std::vector<double> mean, beta;
};

/// The convolution `bn` can be folded into: the single-use producer of its
/// input, with constant float weights (and bias, if any) and no post-ops
/// (they apply before the batch norm and are not affine).
static ConvOp getFoldableConv(BatchNormOp bn) {
  auto conv = bn.getInput().getDefiningOp<ConvOp>();
  if (!conv || !conv.getOutput() || !conv.getOutput().hasOneUse() ||
      !conv.getPostOps().empty() || !getFloatConstant(conv.getWeight()) ||
      (conv.getBias() && !getFloatConstant(conv.getBias())))
    return {};
  return conv;
}

struct FoldBatchNormPattern : public OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    Value output = bn.getOutput();
    if (!output)
      return rewriter.notifyMatchFailure(bn, "on buffers");
    auto type = cast<RankedTensorType>(output.getType());
    if (!isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(bn, "not a float batch norm");
    std::optional<ElementsReader> gamma = getFloatConstant(bn.getScale());
    std::optional<ElementsReader> beta = getFloatConstant(bn.getBias());
    std::optional<ElementsReader> mean = getFloatConstant(bn.getMean());
    std::optional<ElementsReader> var = getFloatConstant(bn.getVariance());
    if (!gamma || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");

    int64_t channels = type.getDimSize(1);
    double eps = bn.getEpsilon().convertToDouble();
    ChannelAffine affine;
    for (int64_t c = 0; c < channels; ++c) {
      double s = gamma->getDouble(c) / std::sqrt(var->getDouble(c) + eps);
      affine.scale.push_back(s);
      affine.mean.push_back(mean->getDouble(c));
      affine.beta.push_back(beta->getDouble(c));
      affine.shift.push_back(affine.beta[c] - affine.mean[c] * s);
    }
    std::string hint = getNameHint(bn.getLoc(), "batch_norm");

    if (ConvOp conv = getFoldableConv(bn)) {
      foldIntoConv(bn, conv, affine, hint, rewriter);
      return success();
    }
    // The runtime multiplies and adds in f32 only; it has a batch norm
    // primitive for the rest.
    if (!type.getElementType().isF32())
      return rewriter.notifyMatchFailure(bn, "scale-shift needs f32");
    replaceWithScaleShift(bn, affine, hint, rewriter);
    return success();
  }

  /// conv(x, w, b) -> conv(x, w * s[oc], (b - mean) * s + beta). The output
  /// channel is dim 0 of the weights whatever the group count.
  static void foldIntoConv(BatchNormOp bn, ConvOp conv,
                           const ChannelAffine &affine, StringRef hint,
                           PatternRewriter &rewriter) {
    ElementsReader weight = *getFloatConstant(conv.getWeight());
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    int64_t outChannels = weightType.getDimSize(0);
    int64_t perChannel =
        outChannels ? weightType.getNumElements() / outChannels : 0;
    ElementsBuilder newWeight(weightType);
    for (int64_t oc = 0; oc < outChannels; ++oc)
      for (int64_t i = oc * perChannel, e = i + perChannel; i < e; ++i)
        newWeight.setDouble(i, weight.getDouble(i) * affine.scale[oc]);

    std::optional<ElementsReader> bias;
    if (conv.getBias())
      bias = getFloatConstant(conv.getBias());
    auto biasType =
        RankedTensorType::get({outChannels}, weightType.getElementType());
    ElementsBuilder newBias(biasType);
    for (int64_t oc = 0; oc < outChannels; ++oc) {
      double b = bias ? bias->getDouble(oc) : 0.0;
      newBias.setDouble(oc, (b - affine.mean[oc]) * affine.scale[oc] +
                                affine.beta[oc]);
    }

    rewriter.setInsertionPoint(conv);
    Value w = rewriter.create<arith::ConstantOp>(
        bn.getLoc(), newWeight.build((hint + ".weight").str()));
    Value b = rewriter.create<arith::ConstantOp>(
        bn.getLoc(), newBias.build((hint + ".bias").str()));
    auto folded = rewriter.create<ConvOp>(
        conv.getLoc(), conv.getOutput().getType(), conv.getInput(), w, b,
        ValueRange{}, conv.getInit(), conv.getStridesAttr(),
        conv.getDilationsAttr(), conv.getPadsAttr(), conv.getGroupAttr());
    rewriter.replaceOp(bn, folded.getOutput());
    rewriter.eraseOp(conv);
  }

  /// bn(x) -> add(mul(x, s), t) with s and t of shape [C, 1, ..., 1], which
  /// broadcast over the batch and spatial dims.
  static void replaceWithScaleShift(BatchNormOp bn, const ChannelAffine &affine,
                                    StringRef hint, PatternRewriter &rewriter) {
    auto type = cast<RankedTensorType>(bn.getOutput().getType());
    int64_t channels = type.getDimSize(1);
    SmallVector<int64_t> shape(type.getRank() - 1, 1);
    shape[0] = channels;
    auto paramType = RankedTensorType::get(shape, type.getElementType());
    ElementsBuilder scale(paramType), shift(paramType);
    for (int64_t c = 0; c < channels; ++c) {
      scale.setDouble(c, affine.scale[c]);
      shift.setDouble(c, affine.shift[c]);
    }

    Location loc = bn.getLoc();
    rewriter.setInsertionPoint(bn);
    Value s = rewriter.create<arith::ConstantOp>(
        loc, scale.build((hint + ".scale").str()));
    Value t = rewriter.create<arith::ConstantOp>(
        loc, shift.build((hint + ".shift").str()));
    Value empty = rewriter.create<tensor::EmptyOp>(
        loc, tensor::getMixedSizes(rewriter, loc, bn.getInput()),
        type.getElementType());
    Value scaled =
        rewriter.create<MulOp>(loc, type, bn.getInput(), s, ValueRange{}, empty)
            .getOutput();
    // The add writes where the batch norm would have.
    rewriter.replaceOpWithNewOp<AddOp>(bn, type, scaled, t, ValueRange{},
                                       bn.getInit());
  }
};

struct FoldBatchNormPass
    : public aic::impl::FoldBatchNormBase<FoldBatchNormPass> {
  using FoldBatchNormBase::FoldBatchNormBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormPattern>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
