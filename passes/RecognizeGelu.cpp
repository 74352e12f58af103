//===- RecognizeGelu.cpp - GELU formulas to aic.gelu ----------------------===//
//
// Exporters without a Gelu operator write it out: PyTorch as
// x * 0.5 * (1 + Erf(x / sqrt(2))) or, approximated, as
// x * 0.5 * (1 + Tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))), in whatever
// order the model's author multiplied. Recognized, the formula is one
// aic.gelu, which aic-fuse-post-ops makes an eltwise post-op of the matmul
// producing x.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"
#include "passes/Utils/Matchers.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace aic {
#define GEN_PASS_DEF_RECOGNIZEGELU
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
constexpr double kSqrtHalf = 0.70710678118654752440;
constexpr double kSqrtTwoOverPi = 0.79788456080286535588;
constexpr double kTanhCubic = 0.044715;

/// If `v` is 1 + e (aic.add without post-ops and of a single use, the 1 a
/// splat that does not broadcast e): e.
Value matchOnePlus(Value v) {
  auto add = v.getDefiningOp<AddOp>();
  if (!add || !add.getPostOps().empty() || !v.hasOneUse())
    return {};
  for (auto [one, e] : {std::pair(add.getLhs(), add.getRhs()),
                        std::pair(add.getRhs(), add.getLhs())}) {
    std::optional<double> c = getSplatFloat(one);
    if (c && *c == 1.0 && e.getType() == v.getType())
      return e;
  }
  return {};
}

/// Whether `v` is x times `factor` (a product, or x divided by 1 / factor).
bool isScaled(Value v, Value x, double factor) {
  if (auto div = v.getDefiningOp<DivOp>()) {
    std::optional<double> c = getSplatFloat(div.getRhs());
    return div.getPostOps().empty() && v.hasOneUse() && div.getLhs() == x &&
           c && *c != 0 && nearlyEqual(1.0 / *c, factor) &&
           v.getType() == x.getType();
  }
  SmallVector<Value> leaves;
  double constant = 1.0;
  collectFactors(v, leaves, constant);
  return leaves.size() == 1 && leaves[0] == x && nearlyEqual(constant, factor);
}

/// Whether `v` is x^3: Pow(x, 3) or x * x * x.
bool isCube(Value v, Value x) {
  SmallVector<double> exponent;
  if (matchElementwise(v, math::PowFOp::getOperationName(), &exponent) == x)
    return exponent[0] == 3.0;
  SmallVector<Value> leaves;
  double constant = 1.0;
  collectFactors(v, leaves, constant);
  return constant == 1.0 && leaves.size() == 3 &&
         llvm::all_of(leaves, [&](Value l) { return l == x; });
}

/// Whether `v` is tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)).
bool isTanhArgument(Value v, Value x) {
  SmallVector<Value> leaves;
  double constant = 1.0;
  collectFactors(v, leaves, constant);
  if (leaves.size() != 1 || !nearlyEqual(constant, kSqrtTwoOverPi))
    return false;
  auto sum = leaves[0].getDefiningOp<AddOp>();
  if (!sum || !sum.getPostOps().empty() || !leaves[0].hasOneUse())
    return false;
  for (auto [a, b] : {std::pair(sum.getLhs(), sum.getRhs()),
                      std::pair(sum.getRhs(), sum.getLhs())}) {
    if (a != x)
      continue;
    SmallVector<Value> cubic;
    double c = 1.0;
    collectFactors(b, cubic, c);
    if (cubic.size() == 1 && b.hasOneUse() && nearlyEqual(c, kTanhCubic) &&
        isCube(cubic[0], x))
      return true;
    // 0.044715 * x * x * x as one product.
    if (cubic.size() == 3 && nearlyEqual(c, kTanhCubic) &&
        llvm::all_of(cubic, [&](Value l) { return l == x; }))
      return true;
  }
  return false;
}

/// The root of a GELU formula: the product x * 0.5 * (1 + f(x)).
struct RecognizeGeluPattern : public OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    Value output = op.getOutput();
    if (!output || !op.getPostOps().empty() || !op.getLayouts().empty() ||
        !cast<ShapedType>(output.getType()).getElementType().isF32())
      return failure();
    SmallVector<Value> leaves;
    double constant = 1.0;
    collectFactors(output, leaves, constant);
    if (leaves.size() != 2 || !nearlyEqual(constant, 0.5))
      return failure();
    for (auto [x, t] :
         {std::pair(leaves[0], leaves[1]), std::pair(leaves[1], leaves[0])}) {
      Value e = matchOnePlus(t);
      if (!e || x.getType() != output.getType())
        continue;
      bool tanhForm = false;
      if (Value u = matchElementwise(e, math::ErfOp::getOperationName())) {
        if (!e.hasOneUse() || !isScaled(u, x, kSqrtHalf))
          continue;
      } else if (auto tanh = e.getDefiningOp<TanhOp>()) {
        if (!e.hasOneUse() || !tanh.getLayouts().empty() ||
            !isTanhArgument(tanh.getInput(), x))
          continue;
        tanhForm = true;
      } else {
        continue;
      }
      auto gelu = rewriter.replaceOpWithNewOp<GeluOp>(op, output.getType(), x,
                                                      op.getInit());
      gelu.setTanhApproximation(tanhForm);
      return success();
    }
    return failure();
  }
};

struct RecognizeGeluPass
    : public aic::impl::RecognizeGeluBase<RecognizeGeluPass> {
  using RecognizeGeluBase::RecognizeGeluBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RecognizeGeluPattern>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
