//===- ElementwiseLoops.cpp - Elementwise ops as linalg loops -------------===//
#include "passes/ElementwiseLoops.h"
#include "dialects/Aic/AicDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace aic;

bool aic::needsElementwiseLoops(Operation *op) {
  if (!isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, ReluOp, ClipOp>(op))
    return false;
  auto type = cast<ShapedType>(op->getResult(0).getType());
  if (type.getElementType().isF32())
    return false;
  // Fusion only builds chains for ops with primitives.
  auto chain = op->getAttrOfType<ArrayAttr>("post_ops");
  return !chain || chain.empty();
}

/// Maps the output's iteration space onto an operand broadcast to it.
static AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> in,
                              ArrayRef<int64_t> out) {
  SmallVector<AffineExpr> exprs;
  size_t lead = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i)
    exprs.push_back(in[i] == 1 && out[lead + i] != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(lead + i, ctx));
  return AffineMap::get(out.size(), 0, exprs, ctx);
}

namespace {
/// Scalar arithmetic on one element type, with ONNX semantics for integers
/// (wrap-around) and no undefined behaviour: integer division by zero yields
/// 0 and INT_MIN / -1 wraps, instead of trapping the host process.
struct Scalar {
  OpBuilder &b;
  Location loc;
  Type type;
  bool isUnsigned;

  bool isFloat() const { return isa<FloatType>(type); }
  Value constant(double v) {
    if (isFloat())
      return b.create<arith::ConstantOp>(loc, b.getFloatAttr(type, v));
    // Saturate to the type's range: clip bounds default to +-infinity.
    unsigned width = type.getIntOrFloatBitWidth();
    APInt lo = isUnsigned ? APInt::getMinValue(width)
                          : APInt::getSignedMinValue(width);
    APInt hi = isUnsigned ? APInt::getMaxValue(width)
                          : APInt::getSignedMaxValue(width);
    double loD = isUnsigned ? lo.roundToDouble(false) : lo.roundToDouble(true);
    double hiD = isUnsigned ? hi.roundToDouble(false) : hi.roundToDouble(true);
    APInt value = v <= loD     ? lo
                  : v >= hiD   ? hi
                  : isUnsigned ? APInt(width, static_cast<uint64_t>(v))
                               : APInt(width, static_cast<int64_t>(v), true);
    return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(type, value));
  }
  Value max(Value x, Value y) {
    if (isFloat())
      return b.create<arith::MaximumFOp>(loc, x, y);
    return isUnsigned ? b.create<arith::MaxUIOp>(loc, x, y).getResult()
                      : b.create<arith::MaxSIOp>(loc, x, y).getResult();
  }
  Value min(Value x, Value y) {
    if (isFloat())
      return b.create<arith::MinimumFOp>(loc, x, y);
    return isUnsigned ? b.create<arith::MinUIOp>(loc, x, y).getResult()
                      : b.create<arith::MinSIOp>(loc, x, y).getResult();
  }
  Value div(Value x, Value y) {
    if (isFloat())
      return b.create<arith::DivFOp>(loc, x, y);
    Value zero = constant(0), one = constant(1);
    Value byZero =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, y, zero);
    Value safe = b.create<arith::SelectOp>(loc, byZero, one, y);
    if (!isUnsigned) {
      // INT_MIN / -1 overflows: divide by 1 and negate (wraps to INT_MIN).
      unsigned width = type.getIntOrFloatBitWidth();
      Value minusOne = b.create<arith::ConstantOp>(
          loc, b.getIntegerAttr(type, APInt::getAllOnes(width)));
      Value minInt = b.create<arith::ConstantOp>(
          loc, b.getIntegerAttr(type, APInt::getSignedMinValue(width)));
      Value overflow = b.create<arith::AndIOp>(
          loc,
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x, minInt),
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, y, minusOne));
      safe = b.create<arith::SelectOp>(loc, overflow, one, safe);
      Value q = b.create<arith::DivSIOp>(loc, x, safe);
      q = b.create<arith::SelectOp>(loc, overflow, minInt, q);
      return b.create<arith::SelectOp>(loc, byZero, zero, q);
    }
    Value q = b.create<arith::DivUIOp>(loc, x, safe);
    return b.create<arith::SelectOp>(loc, byZero, zero, q);
  }
  Value binary(BinaryKind kind, Value x, Value y) {
    switch (kind) {
    case BinaryKind::add:
      return isFloat() ? b.create<arith::AddFOp>(loc, x, y).getResult()
                       : b.create<arith::AddIOp>(loc, x, y).getResult();
    case BinaryKind::sub:
      return isFloat() ? b.create<arith::SubFOp>(loc, x, y).getResult()
                       : b.create<arith::SubIOp>(loc, x, y).getResult();
    case BinaryKind::mul:
      return isFloat() ? b.create<arith::MulFOp>(loc, x, y).getResult()
                       : b.create<arith::MulIOp>(loc, x, y).getResult();
    case BinaryKind::div:
      return div(x, y);
    case BinaryKind::max:
      return max(x, y);
    case BinaryKind::min:
      return min(x, y);
    }
    return {};
  }
};
} // namespace

LogicalResult aic::buildElementwiseLoops(OpBuilder &b, Operation *op,
                                         ValueRange inputs, Value output) {
  Location loc = op->getLoc();
  auto resultType = cast<ShapedType>(op->getResult(0).getType());
  Type elementType = resultType.getElementType();
  if (elementType.isInteger(1) || !elementType.isIntOrFloat())
    return op->emitError() << "element type " << elementType
                           << " is not supported by '" << op->getName() << "'";
  auto outType = cast<MemRefType>(output.getType());
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(b.getContext(),
                                cast<MemRefType>(in.getType()).getShape(),
                                outType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(outType.getRank()));
  SmallVector<utils::IteratorType> iterators(outType.getRank(),
                                             utils::IteratorType::parallel);
  b.create<linalg::GenericOp>(
      loc, inputs, ValueRange{output}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Scalar s{nb, nloc, outType.getElementType(),
                 elementType.isUnsignedInteger()};
        Value result =
            TypeSwitch<Operation *, Value>(op)
                .Case<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp>([&](auto bin) {
                  return s.binary(bin.getKind(), args[0], args[1]);
                })
                .Case([&](ReluOp) { return s.max(args[0], s.constant(0)); })
                .Case([&](ClipOp clip) {
                  return s.min(
                      s.max(args[0],
                            s.constant(clip.getMin().convertToDouble())),
                      s.constant(clip.getMax().convertToDouble()));
                });
        nb.create<linalg::YieldOp>(nloc, result);
      });
  return success();
}
