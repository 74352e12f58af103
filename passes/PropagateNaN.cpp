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
/// writing into `init`, each element `body(inputs...)`. It runs as one
/// flat loop over the (contiguous) elements, collapsed and expanded back:
/// faster to compile and as easy to vectorize as a nest over the stored
/// shape's dims. Over run-time dims it runs over the shape's dims (MLIR 19
/// does not bufferize an expand_shape to several run-time dims).
Value elementwise(OpBuilder &b, Location loc, Value init, ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(init.getType());
  SmallVector<ReassociationIndices> all;
  if (type.getRank() > 1 && type.hasStaticShape())
    all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())));
  auto flat = [&](Value v) -> Value {
    if (all.empty())
      return v;
    return b.create<tensor::CollapseShapeOp>(loc, v, all);
  };
  SmallVector<Value> flatInputs = llvm::map_to_vector(inputs, flat);
  Value flatInit = flat(init);
  int64_t rank = cast<RankedTensorType>(flatInit.getType()).getRank();
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value result =
      b.create<linalg::GenericOp>(
           loc, flatInit.getType(), flatInputs, flatInit, maps, iterators,
           [&](OpBuilder &nb, Location nloc, ValueRange args) {
             nb.create<linalg::YieldOp>(nloc, body(nb, nloc, args.drop_back()));
           })
          .getResult(0);
  if (all.empty())
    return result;
  return b.create<tensor::ExpandShapeOp>(loc, type, result, all);
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

/// The library op stays; where its input is NaN, the result is that NaN.
void addNaNFixup(Operation *op, Value x, RewriterBase &rewriter) {
  Value y = op->getResult(0);
  // The uses to redirect: those before the fix-up, which itself reads y.
  SmallPtrSet<Operation *, 4> users(y.getUsers().begin(), y.getUsers().end());
  rewriter.setInsertionPointAfter(op);
  auto type = cast<RankedTensorType>(y.getType());
  Value init = rewriter.create<tensor::EmptyOp>(
      op->getLoc(), tensor::getMixedSizes(rewriter, op->getLoc(), y),
      type.getElementType());
  Value fixed = elementwise(
      rewriter, op->getLoc(), init, {x, y},
      [](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value isNaN = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO,
                                              args[0], args[0]);
        return b.create<arith::SelectOp>(loc, isNaN, args[0], args[1]);
      });
  rewriter.replaceUsesWithIf(
      y, fixed, [&](OpOperand &use) { return users.contains(use.getOwner()); });
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
        replaceByClamp(op, relu.getInput(), 0.0, std::nullopt, rewriter);
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
