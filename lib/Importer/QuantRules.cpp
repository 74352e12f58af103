//===- QuantRules.cpp - Import rules for quantized operators --------------===//
//
// Linear quantization and the integer matrix products and convolutions, in
// upstream dialects. QuantizeLinear, DequantizeLinear and
// DynamicQuantizeLinear (after a min/max reduction) are elementwise
// linalg.generic ops whose scale and zero point are read per tensor or per
// axis. MatMulInteger, QLinearMatMul, ConvInteger and QLinearConv are each one
// linalg.generic contraction into i32: both operands are extended by their
// ONNX signedness and their zero points subtracted in its body, so uint8 and
// int8 operands mix and zero points may be per tensor, per row, per column or
// per output channel (linalg's named matmul and convolution ops extend all
// operands alike, do not broadcast batch dims and have grouped convolutions
// in 2-D only). The QLinear forms then requantize the sums. Scales and zero
// points may be run-time values. With constant weights, the sums of the
// four products run on oneDNN's int8 primitives where those are exact
// (QuantPrimitives.cpp).
//
//===----------------------------------------------------------------------===//
#include "Builders.h"
#include "QuantPrimitives.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Shared pieces
//===----------------------------------------------------------------------===//

/// saturate(round(v) + zeroPoint) in the float type of `v`, converted to the
/// 8-bit `type`: rounds half to even, adds the zero point (a float, or null
/// for none) and clamps to the type's range. NaN becomes the lowest value,
/// as with x86's min/max instructions.
static Value roundAndSaturate(OpBuilder &b, Location loc, Value v,
                              Value zeroPoint, Type type, bool isUnsigned) {
  Value r = b.create<math::RoundEvenOp>(loc, v);
  if (zeroPoint)
    r = b.create<arith::AddFOp>(loc, r, zeroPoint);
  unsigned width = type.getIntOrFloatBitWidth();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi = std::ldexp(1.0, isUnsigned ? width : width - 1) - 1.0;
  Type floatType = v.getType();
  r = b.create<arith::MaxNumFOp>(loc, r,
                                 buildScalarConstant(b, loc, floatType, lo));
  r = b.create<arith::MinNumFOp>(loc, r,
                                 buildScalarConstant(b, loc, floatType, hi));
  return convertScalar(b, loc, r, type, /*fromUnsigned=*/false, isUnsigned);
}

/// Input `i` if present, else null (an absent zero point is 0).
static FailureOr<Value> getOptionalInput(NodeImporter &imp, int i) {
  if (!imp.hasInput(i))
    return Value();
  return imp.getInput(i);
}

static bool isPerTensor(Value param) {
  auto type = cast<RankedTensorType>(param.getType());
  return type.hasStaticShape() && type.getNumElements() == 1;
}

/// A map of `numDims` dims reading the only element of `param`.
static AffineMap getPerTensorMap(Value param, unsigned numDims) {
  auto type = cast<RankedTensorType>(param.getType());
  MLIRContext *ctx = type.getContext();
  SmallVector<AffineExpr> zeros(type.getRank(), getAffineConstantExpr(0, ctx));
  return AffineMap::get(numDims, 0, zeros, ctx);
}

/// Checks that a scale is float and a zero point 8-bit.
static LogicalResult checkParamType(NodeImporter &imp, Value param,
                                    StringRef what, bool isScale) {
  Type type = getElementTypeOrSelf(param.getType());
  if (isScale ? type.isF32() : type.isInteger(8))
    return success();
  return imp.emitError() << "'" << what << "' must be "
                         << (isScale ? "float" : "int8 or uint8");
}

//===----------------------------------------------------------------------===//
// QuantizeLinear, DequantizeLinear
//===----------------------------------------------------------------------===//

/// The map reading a scale or zero point for an element of a tensor of
/// `shape`: its one element (per tensor), or element [d_axis] of a 1-D
/// tensor as long as dim `axis` (per axis, from opset 13).
static FailureOr<AffineMap> getAxisParamMap(NodeImporter &imp, Value param,
                                            ArrayRef<int64_t> shape,
                                            int64_t axis, StringRef what) {
  int64_t rank = shape.size();
  if (isPerTensor(param))
    return getPerTensorMap(param, rank);
  ArrayRef<int64_t> paramShape =
      cast<RankedTensorType>(param.getType()).getShape();
  if (imp.getOpset() < 13) {
    imp.emitError() << "'" << what << "' of shape " << formatShape(paramShape)
                    << " is not a scalar (per-axis quantization needs opset "
                       "13)";
    return failure();
  }
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank) {
    imp.emitError() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (paramShape.size() != 1 || paramShape[0] != shape[normalized]) {
    imp.emitError() << "'" << what << "' of shape " << formatShape(paramShape)
                    << " is neither a scalar nor a 1-D tensor of the "
                    << shape[normalized] << " entries of axis " << normalized;
    return failure();
  }
  return AffineMap::get(rank, 0,
                        getAffineDimExpr(normalized, imp.getContext()));
}

namespace {
/// A (de)quantization read from inputs x, scale and the optional zero
/// point: the linalg.generic operands (x, scale[, zero point]) with their
/// maps from the dims of x, and the output type.
struct AxisQuant {
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  RankedTensorType type;
  Value zeroPoint;
};
} // namespace

static FailureOr<AxisQuant> getAxisQuant(NodeImporter &imp, StringRef scaleName,
                                         StringRef zeroPointName) {
  FailureOr<Value> x = imp.getInput(0), scale = imp.getInput(1);
  FailureOr<Value> zeroPoint = getOptionalInput(imp, 2);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(x) || failed(scale) || failed(zeroPoint) || failed(type) ||
      failed(checkParamType(imp, *scale, scaleName, true)))
    return failure();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(x->getType()).getShape();
  int64_t axis = imp.getIntAttr("axis", 1);
  AxisQuant q{{*x},
              {imp.getBuilder().getMultiDimIdentityMap(shape.size())},
              *type,
              *zeroPoint};
  for (auto [param, name] : {std::make_pair(*scale, scaleName),
                             std::make_pair(*zeroPoint, zeroPointName)}) {
    if (!param)
      continue;
    FailureOr<AffineMap> map = getAxisParamMap(imp, param, shape, axis, name);
    if (failed(map))
      return failure();
    q.inputs.push_back(param);
    q.maps.push_back(*map);
  }
  return q;
}

/// y = saturate(round(x / y_scale) + y_zero_point); int32 inputs are
/// divided in f64, which holds them exactly.
static LogicalResult importQuantizeLinear(NodeImporter &imp) {
  FailureOr<AxisQuant> q = getAxisQuant(imp, "y_scale", "y_zero_point");
  if (failed(q))
    return failure();
  Type inElement = getElementTypeOrSelf(q->inputs[0].getType());
  Type outElement = q->type.getElementType();
  if (!inElement.isF32() && !inElement.isInteger(32))
    return imp.emitError() << "expects a float or int32 input";
  if (!outElement.isInteger(8) ||
      (q->zeroPoint &&
       getElementTypeOrSelf(q->zeroPoint.getType()) != outElement))
    return imp.emitError() << "expects an int8 or uint8 output and zero point";
  // Without a zero point the output is uint8.
  bool outUnsigned = !q->zeroPoint || imp.isUnsignedInput(2);
  imp.setOutput(
      0, buildGeneric(
             imp, q->type, q->inputs, q->maps,
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Type ft = inElement.isF32() ? b.getF32Type() : b.getF64Type();
               Value xf = convertScalar(b, loc, args[0], ft, false, false);
               Value s = convertScalar(b, loc, args[1], ft, false, false);
               Value zp;
               if (args.size() > 2)
                 zp = convertScalar(b, loc, args[2], ft, outUnsigned, false);
               Value quotient = b.create<arith::DivFOp>(loc, xf, s);
               return roundAndSaturate(b, loc, quotient, zp, outElement,
                                       outUnsigned);
             }));
  return success();
}

/// y = (x - x_zero_point) * x_scale: 8-bit inputs subtract in i32 and
/// multiply in f32 (both exact before the final rounding), int32 inputs in
/// i64 and f64.
static LogicalResult importDequantizeLinear(NodeImporter &imp) {
  FailureOr<AxisQuant> q = getAxisQuant(imp, "x_scale", "x_zero_point");
  if (failed(q))
    return failure();
  Type inElement = getElementTypeOrSelf(q->inputs[0].getType());
  if (!inElement.isInteger(8) && !inElement.isInteger(32))
    return imp.emitError() << "expects an int8, uint8 or int32 input";
  if (q->zeroPoint && getElementTypeOrSelf(q->zeroPoint.getType()) != inElement)
    return imp.emitError() << "'x_zero_point' must have the type of 'x'";
  bool xUnsigned = imp.isUnsignedInput(0);
  bool zpUnsigned = q->zeroPoint && imp.isUnsignedInput(2);
  bool wide = inElement.isInteger(32);
  Type outElement = q->type.getElementType();
  imp.setOutput(
      0, buildGeneric(
             imp, q->type, q->inputs, q->maps,
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Type it = wide ? b.getI64Type() : b.getI32Type();
               Type ft = wide ? b.getF64Type() : b.getF32Type();
               Value diff =
                   convertScalar(b, loc, args[0], it, xUnsigned, false);
               if (args.size() > 2)
                 diff = b.create<arith::SubIOp>(
                     loc, diff,
                     convertScalar(b, loc, args[2], it, zpUnsigned, false));
               Value df = convertScalar(b, loc, diff, ft, false, false);
               Value s = convertScalar(b, loc, args[1], ft, false, false);
               Value y = b.create<arith::MulFOp>(loc, df, s);
               return convertScalar(b, loc, y, outElement, false, false);
             }));
  return success();
}

/// The range [min(x, 0), max(x, 0)] maps onto [0, 255]: y_scale = range /
/// 255 (a range of 0 counts as 1, as in the ONNX reference and ONNX
/// Runtime), y_zero_point = saturate(round(-min / y_scale)), y =
/// saturate(round(x / y_scale) + y_zero_point).
static LogicalResult importDynamicQuantizeLinear(NodeImporter &imp) {
  FailureOr<Value> x = imp.getInput(0);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(x) || failed(type))
    return failure();
  auto inType = cast<RankedTensorType>(x->getType());
  Type f32 = imp.getBuilder().getF32Type();
  if (inType.getElementType() != f32 || !type->getElementType().isInteger(8))
    return imp.emitError() << "expects a float input and a uint8 output";
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  MLIRContext *ctx = imp.getContext();
  int64_t rank = inType.getRank();

  // Both bounds start at 0, which includes 0 in the range.
  auto boundType = RankedTensorType::get({}, f32);
  Value zero = buildScalarConstant(b, loc, f32, 0.0);
  AffineMap scalarMap = AffineMap::get(rank, 0, {}, ctx);
  auto bounds = imp.create<linalg::GenericOp>(
      TypeRange{boundType, boundType}, ValueRange{*x},
      ValueRange{buildFill(imp, boundType, zero),
                 buildFill(imp, boundType, zero)},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank), scalarMap, scalarMap},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value lo = nb.create<arith::MinimumFOp>(nloc, args[1], args[0]);
        Value hi = nb.create<arith::MaximumFOp>(nloc, args[2], args[0]);
        nb.create<linalg::YieldOp>(nloc, ValueRange{lo, hi});
      });
  Value lo = extractScalar(imp, bounds.getResult(0));
  Value hi = extractScalar(imp, bounds.getResult(1));

  Value range = b.create<arith::SubFOp>(loc, hi, lo);
  Value empty =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, range, zero);
  range = b.create<arith::SelectOp>(
      loc, empty, buildScalarConstant(b, loc, f32, 1.0), range);
  Value scale = b.create<arith::DivFOp>(
      loc, range, buildScalarConstant(b, loc, f32, 255.0));
  Value zeroPointF = b.create<arith::SubFOp>(
      loc, zero, b.create<arith::DivFOp>(loc, lo, scale));
  Type u8 = type->getElementType();
  Value zeroPoint =
      roundAndSaturate(b, loc, zeroPointF, Value(), u8, /*isUnsigned=*/true);
  Value zeroPointAsFloat = convertScalar(b, loc, zeroPoint, f32, true, false);

  imp.setOutput(
      0, buildGeneric(
             imp, *type, ValueRange{*x}, {b.getMultiDimIdentityMap(rank)},
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value q = nb.create<arith::DivFOp>(nloc, args[0], scale);
               return roundAndSaturate(nb, nloc, q, zeroPointAsFloat, u8, true);
             }));
  Value results[] = {scale, zeroPoint};
  for (int i : {1, 2}) {
    if (!imp.isOutputUsed(i))
      continue;
    FailureOr<RankedTensorType> outType = imp.getOutputType(i);
    if (failed(outType))
      return failure();
    if (outType->getNumElements() != 1)
      return imp.emitError() << "output #" << i << " is not a scalar";
    Value scalar = results[i - 1];
    Value tensor = imp.create<tensor::FromElementsOp>(
        RankedTensorType::get({}, scalar.getType()), ValueRange{scalar});
    imp.setOutput(i, imp.reshapeTo(tensor, outType->getShape()));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Requantization
//===----------------------------------------------------------------------===//

/// y = saturate(round(float(acc + bias) * (scaleA * scaleB / scaleY)) +
/// zeroPointY) over i32 sums `acc` of the output's shape, as ONNX Runtime
/// computes it. `params` are scaleA, scaleB, scaleY, zeroPointY and any i32
/// terms added to the sums (the bias, the sums' zero-point correction),
/// each read through its map of the output dims.
static Value buildRequantize(NodeImporter &imp, RankedTensorType type,
                             Value acc, ValueRange params,
                             ArrayRef<AffineMap> paramMaps,
                             bool zeroPointUnsigned, bool outUnsigned) {
  SmallVector<Value> inputs{acc};
  inputs.append(params.begin(), params.end());
  SmallVector<AffineMap> maps{
      imp.getBuilder().getMultiDimIdentityMap(type.getRank())};
  maps.append(paramMaps.begin(), paramMaps.end());
  Type outElement = type.getElementType();
  return buildGeneric(
      imp, type, inputs, maps,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value sum = args[0];
        for (Value term : args.drop_front(5))
          sum = b.create<arith::AddIOp>(loc, sum, term);
        Value multiplier = b.create<arith::DivFOp>(
            loc, b.create<arith::MulFOp>(loc, args[1], args[2]), args[3]);
        Type f32 = b.getF32Type();
        Value v = b.create<arith::MulFOp>(
            loc, convertScalar(b, loc, sum, f32, false, false), multiplier);
        Value zp =
            convertScalar(b, loc, args[4], f32, zeroPointUnsigned, false);
        return roundAndSaturate(b, loc, v, zp, outElement, outUnsigned);
      });
}

/// Reads input `i`, a per-tensor scale (float) or zero point (8-bit
/// integer), reshaped to 0-d.
static FailureOr<Value> getPerTensorParam(NodeImporter &imp, int i,
                                          StringRef what, bool isScale) {
  FailureOr<Value> param = imp.getInput(i);
  if (failed(param) || failed(checkParamType(imp, *param, what, isScale)))
    return failure();
  if (!isPerTensor(*param)) {
    imp.emitError() << "'" << what << "' must be a scalar (per tensor)";
    return failure();
  }
  return imp.reshapeTo(*param, {});
}

//===----------------------------------------------------------------------===//
// Integer contractions
//===----------------------------------------------------------------------===//

/// Reads 8-bit input `i` and its zero point, input `zeroPointIndex`.
static FailureOr<QuantOperand>
getQuantOperand(NodeImporter &imp, int i, int zeroPointIndex, StringRef what) {
  FailureOr<Value> value = imp.getInput(i);
  FailureOr<Value> zeroPoint = getOptionalInput(imp, zeroPointIndex);
  if (failed(value) || failed(zeroPoint))
    return failure();
  if (!getElementTypeOrSelf(value->getType()).isInteger(8)) {
    imp.emitError() << "expects int8 or uint8 operands";
    return failure();
  }
  if (*zeroPoint && failed(checkParamType(imp, *zeroPoint, what, false)))
    return failure();
  return QuantOperand{*value, *zeroPoint, imp.isUnsignedInput(i),
                      *zeroPoint && imp.isUnsignedInput(zeroPointIndex)};
}

/// A linalg.generic summing (a - a_zero_point) * (b - b_zero_point) in i32
/// from 0 into a tensor of `accType`, each element extended by its ONNX
/// signedness. `maps` read a, b, then the zero points present.
static Value buildIntegerContraction(NodeImporter &imp,
                                     RankedTensorType accType,
                                     const QuantOperand &a,
                                     const QuantOperand &b,
                                     ArrayRef<AffineMap> maps,
                                     ArrayRef<utils::IteratorType> iterators) {
  SmallVector<Value> inputs{a.value, b.value};
  for (Value zeroPoint : {a.zeroPoint, b.zeroPoint})
    if (zeroPoint)
      inputs.push_back(zeroPoint);
  OpBuilder &builder = imp.getBuilder();
  Type i32 = builder.getI32Type();
  Value init = buildFill(imp, accType,
                         buildScalarConstant(builder, imp.getLoc(), i32, 0));
  auto generic = imp.create<linalg::GenericOp>(
      TypeRange{accType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        // args: a, b, [a zero point], [b zero point], acc.
        unsigned next = 2;
        auto centered = [&](const QuantOperand &operand, Value x) {
          Value v = convertScalar(nb, loc, x, i32, operand.isUnsigned, false);
          if (!operand.zeroPoint)
            return v;
          Value zp = convertScalar(nb, loc, args[next++], i32,
                                   operand.zeroPointUnsigned, false);
          return nb.create<arith::SubIOp>(loc, v, zp).getResult();
        };
        Value av = centered(a, args[0]);
        Value bv = centered(b, args[1]);
        Value product = nb.create<arith::MulIOp>(loc, av, bv);
        nb.create<linalg::YieldOp>(loc, ValueRange{nb.create<arith::AddIOp>(
                                            loc, args.back(), product)});
      });
  return generic.getResult(0);
}

//===----------------------------------------------------------------------===//
// MatMulInteger, QLinearMatMul
//===----------------------------------------------------------------------===//

/// Brings a scale or zero point of operand A (`isLhs`) or B of a matrix
/// product, whose promoted shape is `shape`, to 0-d (per tensor) or to the
/// operand's rank with the reduced dim 1: [..., M, 1] per row of A,
/// [..., 1, N] per column of B (a 2-D operand also takes an M or N vector).
static FailureOr<Value> normalizeMatmulParam(NodeImporter &imp, Value param,
                                             ArrayRef<int64_t> shape,
                                             bool isLhs, StringRef what) {
  if (isPerTensor(param))
    return imp.reshapeTo(param, {});
  ArrayRef<int64_t> paramShape =
      cast<RankedTensorType>(param.getType()).getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t> expected(shape);
  expected[isLhs ? rank - 1 : rank - 2] = 1;
  if (rank == 2 && paramShape.size() == 1 &&
      paramShape[0] == shape[isLhs ? 0 : 1])
    return imp.reshapeTo(param, expected);
  bool matches = static_cast<int64_t>(paramShape.size()) == rank;
  for (int64_t d = 0; matches && d < rank; ++d)
    matches =
        paramShape[d] == expected[d] || (d < rank - 2 && paramShape[d] == 1);
  if (!matches) {
    imp.emitError() << "'" << what << "' of shape " << formatShape(paramShape)
                    << " is neither a scalar nor per "
                    << (isLhs ? "row" : "column") << " of an operand of shape "
                    << formatShape(shape);
    return failure();
  }
  return param;
}

/// Reads operand `i` of a matrix product and its zero point, and promotes
/// a 1-D operand to a matrix: [1, K] for A, [K, 1] for B.
static FailureOr<QuantOperand> getMatmulOperand(NodeImporter &imp, int i,
                                                int zeroPointIndex, bool isLhs,
                                                StringRef what) {
  FailureOr<QuantOperand> operand =
      getQuantOperand(imp, i, zeroPointIndex, what);
  if (failed(operand))
    return failure();
  auto type = cast<RankedTensorType>(operand->value.getType());
  if (type.getRank() == 0) {
    imp.emitError() << "scalar operands are not supported";
    return failure();
  }
  if (type.getRank() == 1) {
    int64_t k = type.getDimSize(0);
    operand->value =
        imp.reshapeTo(operand->value, isLhs ? ArrayRef<int64_t>{1, k}
                                            : ArrayRef<int64_t>{k, 1});
  }
  if (!operand->zeroPoint)
    return operand;
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(operand->value.getType()).getShape();
  FailureOr<Value> normalized =
      normalizeMatmulParam(imp, operand->zeroPoint, shape, isLhs, what);
  if (failed(normalized))
    return failure();
  operand->zeroPoint = *normalized;
  return operand;
}

/// The i32 sums numpy.matmul(A - a_zero_point, B - b_zero_point), of shape
/// [batch..., M, N], over loops (batch..., m, n, k) whose maps broadcast the
/// batch dims and the zero points.
static FailureOr<Value> buildIntegerMatmul(NodeImporter &imp,
                                           const QuantOperand &a,
                                           const QuantOperand &b, int bIndex,
                                           int bZeroPointIndex,
                                           Value *offsets) {
  ArrayRef<int64_t> aShape =
      cast<RankedTensorType>(a.value.getType()).getShape();
  ArrayRef<int64_t> bShape =
      cast<RankedTensorType>(b.value.getType()).getShape();
  FailureOr<SmallVector<int64_t>> batch =
      broadcastShapes(aShape.drop_back(2), bShape.drop_back(2));
  if (failed(batch) || aShape.back() != bShape[bShape.size() - 2]) {
    imp.emitError() << "operands of shapes " << formatShape(aShape) << " and "
                    << formatShape(bShape) << " do not multiply";
    return failure();
  }
  MLIRContext *ctx = imp.getContext();
  int64_t batchRank = batch->size(), loops = batchRank + 3;
  auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
  AffineExpr m = dim(batchRank), n = dim(batchRank + 1), k = dim(batchRank + 2);
  auto operandMap = [&](ArrayRef<int64_t> shape, AffineExpr row,
                        AffineExpr col) {
    SmallVector<AffineExpr> exprs;
    int64_t lead = batchRank - (shape.size() - 2);
    for (size_t i = 0; i + 2 < shape.size(); ++i)
      exprs.push_back(shape[i] == (*batch)[lead + i]
                          ? dim(lead + i)
                          : getAffineConstantExpr(0, ctx));
    exprs.append({row, col});
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps{operandMap(aShape, m, k),
                              operandMap(bShape, k, n)};
  for (auto [zeroPoint, shape, map] :
       {std::make_tuple(a.zeroPoint, aShape, maps[0]),
        std::make_tuple(b.zeroPoint, bShape, maps[1])}) {
    if (!zeroPoint)
      continue;
    ArrayRef<int64_t> zpShape =
        cast<RankedTensorType>(zeroPoint.getType()).getShape();
    maps.push_back(getBroadcastMap(ctx, zpShape, shape)->compose(map));
  }
  SmallVector<int64_t> accShape(*batch);
  accShape.append({aShape[aShape.size() - 2], bShape.back()});
  // A constant 2-D B: oneDNN's int8 matmul where it is exact.
  if (imp.getInputType(bIndex).getRank() == 2 && bShape.size() == 2)
    if (Value acc = buildInt8Matmul(imp, a, 2, bIndex, bZeroPointIndex,
                                    accShape, offsets))
      return acc;
  SmallVector<AffineExpr> accExprs;
  for (int64_t d = 0; d < batchRank; ++d)
    accExprs.push_back(dim(d));
  accExprs.append({m, n});
  maps.push_back(AffineMap::get(loops, 0, accExprs, ctx));
  SmallVector<utils::IteratorType> iterators(loops - 1,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  auto accType = RankedTensorType::get(accShape, imp.getBuilder().getI32Type());
  return buildIntegerContraction(imp, accType, a, b, maps, iterators);
}

/// MatMulInteger gives the i32 sums; QLinearMatMul requantizes them with
/// per-tensor, per-row (A) or per-column (B) scales and a per-tensor output
/// scale and zero point.
template <bool quantized>
static LogicalResult importIntegerMatmul(NodeImporter &imp) {
  int bIndex = quantized ? 3 : 1, bZeroPointIndex = quantized ? 5 : 3;
  // Constant i32 terms the requantization adds to the sums, if any.
  Value offsets;
  FailureOr<QuantOperand> a = getMatmulOperand(imp, 0, 2, true, "a_zero_point");
  FailureOr<QuantOperand> b =
      getMatmulOperand(imp, bIndex, bZeroPointIndex, false, "b_zero_point");
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(a) || failed(b) || failed(type))
    return failure();
  FailureOr<Value> acc = buildIntegerMatmul(
      imp, *a, *b, bIndex, bZeroPointIndex, quantized ? &offsets : nullptr);
  if (failed(acc))
    return failure();
  if (!quantized) {
    imp.setOutput(0, imp.reshapeTo(*acc, type->getShape()));
    return success();
  }
  ArrayRef<int64_t> accShape =
      cast<RankedTensorType>(acc->getType()).getShape();
  MLIRContext *ctx = imp.getContext();
  SmallVector<Value> params;
  SmallVector<AffineMap> maps;
  for (auto [i, operand, isLhs, what] :
       {std::make_tuple(1, &*a, true, "a_scale"),
        std::make_tuple(4, &*b, false, "b_scale")}) {
    FailureOr<Value> scale = imp.getInput(i);
    if (failed(scale) || failed(checkParamType(imp, *scale, what, true)))
      return failure();
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(operand->value.getType()).getShape();
    FailureOr<Value> normalized =
        normalizeMatmulParam(imp, *scale, shape, isLhs, what);
    if (failed(normalized))
      return failure();
    ArrayRef<int64_t> scaleShape =
        cast<RankedTensorType>(normalized->getType()).getShape();
    params.push_back(*normalized);
    maps.push_back(*getBroadcastMap(ctx, scaleShape, accShape));
  }
  FailureOr<Value> yScale = getPerTensorParam(imp, 6, "y_scale", true);
  FailureOr<Value> yZeroPoint =
      getPerTensorParam(imp, 7, "y_zero_point", false);
  if (failed(yScale) || failed(yZeroPoint))
    return failure();
  params.append({*yScale, *yZeroPoint});
  AffineMap scalarMap = AffineMap::get(accShape.size(), 0, {}, ctx);
  maps.append({scalarMap, scalarMap});
  if (offsets) {
    params.push_back(offsets);
    maps.push_back(AffineMap::get(accShape.size(), 0,
                                  getAffineDimExpr(accShape.size() - 1, ctx)));
  }
  bool zpUnsigned = imp.isUnsignedInput(7);
  auto requantType = RankedTensorType::get(accShape, type->getElementType());
  Value y = buildRequantize(imp, requantType, *acc, params, maps, zpUnsigned,
                            zpUnsigned);
  imp.setOutput(0, imp.reshapeTo(y, type->getShape()));
  return success();
}

//===----------------------------------------------------------------------===//
// ConvInteger, QLinearConv
//===----------------------------------------------------------------------===//

/// The i32 sums of an N-d grouped convolution of x - x_zero_point (per
/// tensor) and w - w_zero_point (per tensor or per output channel), of the
/// shape of `type`. x is padded with its zero point, which then contributes
/// nothing; input, weight and sums are viewed as [N, G, C/G, ...],
/// [G, M/G, C/G, ...] and [N, G, M/G, ...] for loops (n, g, m, out...,
/// c, kernel...).
static FailureOr<Value>
buildIntegerConv(NodeImporter &imp, QuantOperand x, QuantOperand w, int wIndex,
                 int wZeroPointIndex, RankedTensorType type, Value *offsets) {
  auto xType = cast<RankedTensorType>(x.value.getType());
  auto wType = cast<RankedTensorType>(w.value.getType());
  int64_t rank = xType.getRank();
  if (rank < 3 || wType.getRank() != rank || type.getRank() != rank) {
    imp.emitError() << "expects input and weight of equal rank >= 3";
    return failure();
  }
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  if (imp.getAttr("kernel_shape") &&
      ArrayRef<int64_t>(imp.getIntsAttr("kernel_shape")) != kernel) {
    imp.emitError() << "'kernel_shape' does not match the weight shape";
    return failure();
  }
  FailureOr<Window> window = resolveWindow(
      imp, xType.getShape().drop_front(2), type.getShape().drop_front(2),
      kernel, /*hasDilations=*/true, /*allowEndPadding=*/false);
  if (failed(window))
    return failure();
  int64_t group = imp.getIntAttr("group", 1);
  int64_t batch = xType.getDimSize(0), channels = xType.getDimSize(1);
  int64_t features = wType.getDimSize(0), groupChannels = wType.getDimSize(1);
  if (group < 1 || channels != groupChannels * group || features % group ||
      type.getDimSize(1) != features) {
    imp.emitError() << "input of shape " << formatShape(xType.getShape())
                    << " and weight of shape " << formatShape(wType.getShape())
                    << " do not convolve with group " << group;
    return failure();
  }
  if (x.zeroPoint && !isPerTensor(x.zeroPoint)) {
    imp.emitError() << "'x_zero_point' must be a scalar (per tensor)";
    return failure();
  }
  int64_t groupFeatures = features / group;
  OpBuilder &b = imp.getBuilder();
  size_t n = kernel.size();
  ArrayRef<int64_t> pads = window->pads;
  SmallVector<int64_t> xShape{batch, group, groupChannels};
  for (size_t i = 0; i < n; ++i)
    xShape.push_back(xType.getDimSize(2 + i) + pads[i] + pads[n + i]);
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
    SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)), high(low);
    for (size_t i = 0; i < n; ++i) {
      low.push_back(b.getIndexAttr(pads[i]));
      high.push_back(b.getIndexAttr(pads[n + i]));
    }
    Type elementType = xType.getElementType();
    Value padValue = x.zeroPoint
                         ? extractScalar(imp, x.zeroPoint)
                         : buildScalarConstant(b, imp.getLoc(), elementType, 0);
    SmallVector<int64_t> paddedShape{batch, channels};
    paddedShape.append(xShape.begin() + 3, xShape.end());
    x.value = imp.create<tensor::PadOp>(
        RankedTensorType::get(paddedShape, elementType), x.value, low, high,
        padValue);
  }
  Value padded = x.value;
  x.value = imp.reshapeTo(x.value, xShape);
  SmallVector<int64_t> wShape{group, groupFeatures, groupChannels};
  wShape.append(kernel.begin(), kernel.end());
  w.value = imp.reshapeTo(w.value, wShape);

  MLIRContext *ctx = imp.getContext();
  int64_t loops = 4 + 2 * n;
  auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
  SmallVector<AffineExpr> xExprs{dim(0), dim(1), dim(3 + n)};
  SmallVector<AffineExpr> wExprs{dim(1), dim(2), dim(3 + n)};
  SmallVector<AffineExpr> accExprs{dim(0), dim(1), dim(2)};
  SmallVector<int64_t> accShape{batch, group, groupFeatures};
  for (size_t i = 0; i < n; ++i) {
    xExprs.push_back(dim(3 + i) * window->strides[i] +
                     dim(4 + n + i) * window->dilations[i]);
    wExprs.push_back(dim(4 + n + i));
    accExprs.push_back(dim(3 + i));
    accShape.push_back(type.getDimSize(2 + i));
  }
  SmallVector<AffineMap> maps{AffineMap::get(loops, 0, xExprs, ctx),
                              AffineMap::get(loops, 0, wExprs, ctx)};
  if (x.zeroPoint)
    maps.push_back(getPerTensorMap(x.zeroPoint, loops));
  if (w.zeroPoint && isPerTensor(w.zeroPoint)) {
    maps.push_back(getPerTensorMap(w.zeroPoint, loops));
  } else if (w.zeroPoint) {
    ArrayRef<int64_t> zpShape =
        cast<RankedTensorType>(w.zeroPoint.getType()).getShape();
    if (zpShape.size() != 1 || zpShape[0] != features) {
      imp.emitError() << "'w_zero_point' of shape " << formatShape(zpShape)
                      << " is neither a scalar nor per output channel";
      return failure();
    }
    w.zeroPoint = imp.reshapeTo(w.zeroPoint, {group, groupFeatures});
    maps.push_back(AffineMap::get(loops, 0, {dim(1), dim(2)}, ctx));
  }
  // Constant weights: oneDNN's int8 convolution on the padded input where
  // it is exact.
  QuantOperand paddedX = x;
  paddedX.value = padded;
  if (Value acc =
          buildInt8Conv(imp, paddedX, 2, wIndex, wZeroPointIndex, type,
                        window->strides, window->dilations, group, offsets))
    return acc;
  maps.push_back(AffineMap::get(loops, 0, accExprs, ctx));
  SmallVector<utils::IteratorType> iterators(3 + n,
                                             utils::IteratorType::parallel);
  iterators.append(1 + n, utils::IteratorType::reduction);
  auto accType = RankedTensorType::get(accShape, b.getI32Type());
  Value acc = buildIntegerContraction(imp, accType, x, w, maps, iterators);
  return imp.reshapeTo(acc, type.getShape());
}

/// ConvInteger gives the i32 sums; QLinearConv adds the optional i32 bias
/// and requantizes them with per-tensor input and output scales and a
/// per-tensor or per-output-channel weight scale.
template <bool quantized>
static LogicalResult importIntegerConv(NodeImporter &imp) {
  int wIndex = quantized ? 3 : 1, wZeroPointIndex = quantized ? 5 : 3;
  // Constant i32 terms the requantization adds to the sums, if any.
  Value offsets;
  FailureOr<QuantOperand> x = getQuantOperand(imp, 0, 2, "x_zero_point");
  FailureOr<QuantOperand> w =
      getQuantOperand(imp, wIndex, wZeroPointIndex, "w_zero_point");
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(x) || failed(w) || failed(type))
    return failure();
  auto accType =
      RankedTensorType::get(type->getShape(), imp.getBuilder().getI32Type());
  FailureOr<Value> acc =
      buildIntegerConv(imp, *x, *w, wIndex, wZeroPointIndex, accType,
                       quantized ? &offsets : nullptr);
  if (failed(acc))
    return failure();
  if (!quantized) {
    imp.setOutput(0, *acc);
    return success();
  }
  int64_t rank = type->getRank(), features = type->getDimSize(1);
  MLIRContext *ctx = imp.getContext();
  AffineMap scalarMap = AffineMap::get(rank, 0, {}, ctx);
  AffineMap channelMap = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
  FailureOr<Value> xScale = getPerTensorParam(imp, 1, "x_scale", true);
  FailureOr<Value> wScale = imp.getInput(4);
  FailureOr<Value> yScale = getPerTensorParam(imp, 6, "y_scale", true);
  FailureOr<Value> yZeroPoint =
      getPerTensorParam(imp, 7, "y_zero_point", false);
  if (failed(xScale) || failed(wScale) || failed(yScale) ||
      failed(yZeroPoint) ||
      failed(checkParamType(imp, *wScale, "w_scale", true)))
    return failure();
  auto isPerChannel = [&](Value param) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(param.getType()).getShape();
    return shape.size() == 1 && shape[0] == features;
  };
  SmallVector<Value> params{*xScale, *wScale, *yScale, *yZeroPoint};
  SmallVector<AffineMap> maps{scalarMap, getPerTensorMap(*wScale, rank),
                              scalarMap, scalarMap};
  if (!isPerTensor(*wScale)) {
    if (!isPerChannel(*wScale))
      return imp.emitError() << "'w_scale' is neither a scalar nor per "
                                "output channel";
    maps[1] = channelMap;
  }
  if (imp.hasInput(8)) {
    FailureOr<Value> bias = imp.getInput(8);
    if (failed(bias))
      return failure();
    if (!getElementTypeOrSelf(bias->getType()).isInteger(32) ||
        !isPerChannel(*bias))
      return imp.emitError() << "'B' must be an int32 vector of the "
                             << features << " output channels";
    params.push_back(*bias);
    maps.push_back(channelMap);
  }
  if (offsets) {
    params.push_back(offsets);
    maps.push_back(channelMap);
  }
  bool zpUnsigned = imp.isUnsignedInput(7);
  imp.setOutput(0, buildRequantize(imp, *type, *acc, params, maps, zpUnsigned,
                                   zpUnsigned));
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getQuantRules() {
  using DT = onnx::TensorProto;
  constexpr TypeSet k8Bit = typeBit(DT::INT8) | typeBit(DT::UINT8);
  static const OpRuleInfo rules[] = {
      {"ConvInteger", importIntegerConv<false>, 10, k8Bit},
      {"DequantizeLinear", importDequantizeLinear, 10,
       k8Bit | typeBit(DT::INT32)},
      {"DynamicQuantizeLinear", importDynamicQuantizeLinear, 11,
       typeBit(DT::FLOAT)},
      {"MatMulInteger", importIntegerMatmul<false>, 10, k8Bit},
      {"QLinearConv", importIntegerConv<true>, 10, k8Bit},
      {"QLinearMatMul", importIntegerMatmul<true>, 10, k8Bit},
      {"QuantizeLinear", importQuantizeLinear, 10,
       typeBit(DT::FLOAT) | typeBit(DT::INT32)},
  };
  return rules;
}
