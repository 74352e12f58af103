//===- RecognizeLayerNorm.cpp - Decomposed layer norms to aic.layer_norm --===//
//
// Before opset 17 exporters write layer normalization out: PyTorch as
// ReduceMean, Sub, Pow (or Mul), ReduceMean, Add epsilon, Sqrt, Div, then
// Mul by the weight and Add of the bias. Eleven ops, seven passes over the
// activations; recognized, it is one oneDNN layer normalization.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"
#include "passes/Utils/Matchers.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aic {
#define GEN_PASS_DEF_RECOGNIZELAYERNORM
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
/// If `d` is x - mean(x) over x's last dim (aic.sub without post-ops): x.
Value matchCentered(Value d) {
  auto sub = d.getDefiningOp<SubOp>();
  if (!sub || !sub.getPostOps().empty() ||
      sub.getLhs().getType() != d.getType())
    return {};
  Value x = matchMeanOverLastDim(sub.getRhs());
  return x == sub.getLhs() ? x : Value();
}

/// If `v` is the square of a centered x (Pow(d, 2) or d * d, with d
/// centered as matchCentered): x.
Value matchSquaredCentered(Value v) {
  SmallVector<double> exponent;
  if (Value d =
          matchElementwise(v, math::PowFOp::getOperationName(), &exponent))
    return exponent[0] == 2.0 ? matchCentered(d) : Value();
  auto mul = v.getDefiningOp<MulOp>();
  if (mul && mul.getPostOps().empty() && mul.getLhs() == mul.getRhs())
    return matchCentered(mul.getLhs());
  return {};
}

/// If `s` is sqrt(var(x) + epsilon), var over x's last dim: x and epsilon.
Value matchStdDev(Value s, double &epsilon) {
  Value w = matchElementwise(s, math::SqrtOp::getOperationName());
  auto add = w ? w.getDefiningOp<AddOp>() : nullptr;
  if (!add || !add.getPostOps().empty())
    return {};
  for (auto [var, eps] : {std::pair(add.getLhs(), add.getRhs()),
                          std::pair(add.getRhs(), add.getLhs())}) {
    std::optional<double> c = getSplatFloat(eps);
    if (!c || !(*c >= 0) || var.getType() != w.getType())
      continue;
    Value sq = matchMeanOverLastDim(var);
    if (Value x = sq ? matchSquaredCentered(sq) : Value()) {
      epsilon = *c;
      return x;
    }
  }
  return {};
}

/// If `v` is the single-use result of op(y, p) or op(p, y), OpTy an aic
/// binary op without post-ops that keeps y's type, and p a vector over y's
/// last dim (of shape [..., 1, N]): that op, with p in `param`.
template <typename OpTy> OpTy matchAffineStep(Value y, Value &param) {
  if (!y.hasOneUse())
    return {};
  auto op = dyn_cast<OpTy>(*y.getUsers().begin());
  if (!op || !op.getPostOps().empty() || op.getInit().getType() != y.getType())
    return {};
  Value p = op.getLhs() == y ? op.getRhs() : op.getLhs();
  auto pType = cast<ShapedType>(p.getType());
  int64_t n = cast<ShapedType>(y.getType()).getShape().back();
  if (p == y || pType.getRank() < 1 || !pType.hasStaticShape() ||
      pType.getShape().back() != n || pType.getNumElements() != n)
    return {};
  param = p;
  return op;
}

/// The root of a layer norm: (x - mean) / sqrt(var + epsilon), then an
/// optional scale and bias.
struct RecognizeLayerNormPattern : public OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DivOp op,
                                PatternRewriter &rewriter) const override {
    Value output = op.getOutput();
    if (!output || !op.getPostOps().empty() || !op.getLayouts().empty())
      return failure();
    auto type = cast<RankedTensorType>(output.getType());
    // Run-time dims other than the normalized one: the primitive takes
    // them per shape.
    if (!type.getElementType().isF32() || type.getRank() < 1 ||
        type.isDynamicDim(type.getRank() - 1))
      return failure();
    double epsilon = 0;
    Value x = matchCentered(op.getLhs());
    if (!x || x.getType() != type || matchStdDev(op.getRhs(), epsilon) != x)
      return failure();

    Operation *last = op;
    Value scale, bias;
    if (auto mul = matchAffineStep<MulOp>(output, scale)) {
      last = mul;
      if (auto add = matchAffineStep<AddOp>(mul.getOutput(), bias))
        last = add;
    }
    rewriter.setInsertionPoint(last);
    auto vector = [&](Value p) -> Value {
      if (!p)
        return p;
      auto pType = cast<RankedTensorType>(p.getType());
      if (pType.getRank() == 1)
        return p;
      return rewriter.create<ReshapeOp>(
          p.getLoc(), pType.clone({pType.getNumElements()}), p);
    };
    scale = vector(scale);
    bias = vector(bias);
    Value init = cast<DestinationStyleOpInterface>(last).getDpsInits()[0];
    auto norm = rewriter.create<LayerNormOp>(op.getLoc(), TypeRange{type}, x,
                                             scale, bias, ValueRange{init},
                                             rewriter.getF64FloatAttr(epsilon));
    rewriter.replaceOp(last, norm.getOutputs()[0]);
    return success();
  }
};

struct RecognizeLayerNormPass
    : public aic::impl::RecognizeLayerNormBase<RecognizeLayerNormPass> {
  using RecognizeLayerNormBase::RecognizeLayerNormBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RecognizeLayerNormPattern>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
