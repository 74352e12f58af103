//===- PropagateNaN.cpp - NaN through unfused relu, clip and exp ----------===//
//
// oneDNN 2.6's f32 relu and clip return their lower bound for NaN, and its
// exp +inf (every ISA: the kernels use maxps/minps with the bound as the
// second operand, which returns it for NaN). aic-fuse-post-ops fuses these
// only in NaN-exact forms; the standalone ones become generated
// compare-selects equal to oneDNN's bit for bit but for NaN, or keep the
// library op and get a NaN fix-up.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace aic {
#define GEN_PASS_DEF_PROPAGATENAN
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {

/// An elementwise linalg.generic over `inputs` (all of `init`'s type)
/// writing into `init`, each element `body(inputs...)`.
Value elementwise(OpBuilder &b, Location loc, Value init, ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(init.getType());
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, type, inputs, init, maps, iterators,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            nb.create<linalg::YieldOp>(nloc, body(nb, nloc, args.drop_back()));
          })
      .getResult(0);
}

/// oneDNN's max(x, bound) (maxps x, bound: x > bound ? x : bound) except
/// that NaN stays NaN: the unordered compare is true for NaN.
Value maxKeepNaN(OpBuilder &b, Location loc, Value x, Value bound) {
  Value keep =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UGT, x, bound);
  return b.create<arith::SelectOp>(loc, keep, x, bound);
}

/// oneDNN's min(x, bound) (minps: x < bound ? x : bound), NaN kept.
Value minKeepNaN(OpBuilder &b, Location loc, Value x, Value bound) {
  Value keep =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ULT, x, bound);
  return b.create<arith::SelectOp>(loc, keep, x, bound);
}

Value f32Constant(OpBuilder &b, Location loc, double v) {
  return b.create<arith::ConstantOp>(loc,
                                     b.getF32FloatAttr(static_cast<float>(v)));
}

/// x clamped to [lo, hi] as oneDNN does it, NaN kept.
void replaceByClamp(Operation *op, Value x, std::optional<double> lo,
                    std::optional<double> hi, RewriterBase &rewriter) {
  // Into the op's destination.
  Value init =
      cast<DestinationStyleOpInterface>(op).getDpsInitOperand(0)->get();
  Value y = elementwise(rewriter, op->getLoc(), init, x,
                        [&](OpBuilder &b, Location loc, ValueRange args) {
                          Value v = args[0];
                          if (lo)
                            v = maxKeepNaN(b, loc, v, f32Constant(b, loc, *lo));
                          if (hi)
                            v = minKeepNaN(b, loc, v, f32Constant(b, loc, *hi));
                          return v;
                        });
  rewriter.replaceOp(op, y);
}

/// relu(x) as the oneDNN binary max(x, x) with the post-ops elu (alpha 0),
/// abs: max(x, x) is x bit for bit (NaN and -0 included; no constant
/// needed) and the chain is the one aic-fuse-post-ops fuses for a relu, so
/// the result is oneDNN's relu but NaN for NaN, computed as fast.
void replaceReluByBinary(ReluOp op, RewriterBase &rewriter) {
  MLIRContext *ctx = op.getContext();
  Value x = op.getInput();
  auto max = rewriter.create<MaxOp>(op.getLoc(), op.getInit().getType(), x, x,
                                    ValueRange{}, op.getInit());
  max.setPostOpsAttr(rewriter.getArrayAttr(
      {EltwisePostOpAttr::get(ctx, EltwiseKind::elu, 0, 0),
       EltwisePostOpAttr::get(ctx, EltwiseKind::abs, 0, 0)}));
  // Operands x, x, destination.
  ArrayAttr layouts = op.getLayouts();
  if (!layouts.empty())
    max.setLayoutsAttr(
        rewriter.getArrayAttr({layouts[0], layouts[0], layouts[1]}));
  rewriter.replaceOp(op, max.getOutput());
}

/// The library op stays; where its input is NaN, the result is that NaN.
void addNaNFixup(Operation *op, Value x, RewriterBase &rewriter) {
  Value y = op->getResult(0);
  rewriter.setInsertionPointAfter(op);
  auto type = cast<RankedTensorType>(y.getType());
  Value init = rewriter.create<tensor::EmptyOp>(op->getLoc(), type.getShape(),
                                                type.getElementType());
  Value fixed = elementwise(
      rewriter, op->getLoc(), init, {x, y},
      [](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value isNaN = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO,
                                              args[0], args[0]);
        return b.create<arith::SelectOp>(loc, isNaN, args[0], args[1]);
      });
  rewriter.replaceAllUsesExcept(y, fixed, fixed.getDefiningOp());
}

bool isF32Tensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getElementType().isF32();
}

struct PropagateNaNPass : public aic::impl::PropagateNaNBase<PropagateNaNPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<ReluOp, ClipOp, ExpOp>(op) && isF32Tensor(op->getResult(0)))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : ops) {
      rewriter.setInsertionPoint(op);
      if (auto relu = dyn_cast<ReluOp>(op)) {
        replaceReluByBinary(relu, rewriter);
      } else if (auto clip = dyn_cast<ClipOp>(op)) {
        double lo = clip.getMin().convertToDouble();
        double hi = clip.getMax().convertToDouble();
        if (lo <= 0 && hi >= 0)
          replaceByClamp(op, clip.getInput(), lo, hi, rewriter);
        else
          addNaNFixup(op, clip.getInput(), rewriter);
      } else {
        addNaNFixup(op, cast<ExpOp>(op).getInput(), rewriter);
      }
    }
  }
};
} // namespace
