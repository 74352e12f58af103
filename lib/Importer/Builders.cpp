//===- Builders.cpp - Upstream-dialect building blocks of rules -----------===//
//
// Scalar arithmetic with ONNX semantics, element type conversion and
// broadcasting linalg.generic ops, shared by the rules of every operator
// that has no library primitive.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <optional>

using namespace mlir;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// ScalarBuilder
//===----------------------------------------------------------------------===//

Value ScalarBuilder::intConstant(const APInt &value) {
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(type, value));
}

Value ScalarBuilder::constant(double value) {
  return buildScalarConstant(b, loc, type, value, unsignedInt);
}

Value ScalarBuilder::lowest() {
  if (isFloat())
    return constant(-std::numeric_limits<double>::infinity());
  unsigned width = type.getIntOrFloatBitWidth();
  return intConstant(unsignedInt ? APInt::getMinValue(width)
                                 : APInt::getSignedMinValue(width));
}

Value ScalarBuilder::highest() {
  if (isFloat())
    return constant(std::numeric_limits<double>::infinity());
  unsigned width = type.getIntOrFloatBitWidth();
  return intConstant(unsignedInt ? APInt::getMaxValue(width)
                                 : APInt::getSignedMaxValue(width));
}

Value ScalarBuilder::add(Value x, Value y) {
  if (isFloat())
    return b.create<arith::AddFOp>(loc, x, y);
  return b.create<arith::AddIOp>(loc, x, y);
}

Value ScalarBuilder::sub(Value x, Value y) {
  if (isFloat())
    return b.create<arith::SubFOp>(loc, x, y);
  return b.create<arith::SubIOp>(loc, x, y);
}

Value ScalarBuilder::mul(Value x, Value y) {
  if (isFloat())
    return b.create<arith::MulFOp>(loc, x, y);
  return b.create<arith::MulIOp>(loc, x, y);
}

Value ScalarBuilder::div(Value x, Value y) {
  if (isFloat())
    return b.create<arith::DivFOp>(loc, x, y);
  // Division by zero and INT_MIN / -1 trap on x86: divide by a safe
  // divisor and select the defined result.
  Value zero = constant(0), one = constant(1);
  Value byZero =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, y, zero);
  Value safe = b.create<arith::SelectOp>(loc, byZero, one, y);
  if (unsignedInt) {
    Value q = b.create<arith::DivUIOp>(loc, x, safe);
    return b.create<arith::SelectOp>(loc, byZero, zero, q);
  }
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return b.create<arith::SelectOp>(loc, byZero, zero, x);
  Value minusOne = intConstant(APInt::getAllOnes(width));
  Value minInt = intConstant(APInt::getSignedMinValue(width));
  Value isMin =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x, minInt);
  Value isMinusOne =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, y, minusOne);
  Value overflow = b.create<arith::AndIOp>(loc, isMin, isMinusOne);
  safe = b.create<arith::SelectOp>(loc, overflow, one, safe);
  Value q = b.create<arith::DivSIOp>(loc, x, safe);
  q = b.create<arith::SelectOp>(loc, overflow, minInt, q);
  return b.create<arith::SelectOp>(loc, byZero, zero, q);
}

Value ScalarBuilder::rem(Value x, Value y, bool floor) {
  Value r;
  if (isFloat()) {
    r = b.create<arith::RemFOp>(loc, x, y);
    if (!floor)
      return r;
  }
  Value zero = constant(0);
  if (!isFloat()) {
    // x % 0 and INT_MIN % -1 trap on x86: 1 and -1 leave no remainder, so
    // divide by 1 instead of either and select 0 for a zero divisor.
    Value one = constant(1);
    Value byZero =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, y, zero);
    Value safe = b.create<arith::SelectOp>(loc, byZero, one, y);
    if (unsignedInt) {
      r = b.create<arith::RemUIOp>(loc, x, safe);
      return b.create<arith::SelectOp>(loc, byZero, zero, r);
    }
    unsigned width = type.getIntOrFloatBitWidth();
    Value minusOne = intConstant(APInt::getAllOnes(width));
    Value isMinusOne =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, y, minusOne);
    safe = b.create<arith::SelectOp>(loc, isMinusOne, one, safe);
    r = b.create<arith::RemSIOp>(loc, x, safe);
    r = b.create<arith::SelectOp>(loc, byZero, zero, r);
  }
  if (!floor || unsignedInt)
    return r;
  // A nonzero remainder whose sign differs from y's moves by y.
  Value negative = cmp(CmpKind::lt, r, zero);
  Value positive = cmp(CmpKind::gt, r, zero);
  Value yNegative = cmp(CmpKind::lt, y, zero);
  Value yPositive = cmp(CmpKind::gt, y, zero);
  Value belowZero = b.create<arith::AndIOp>(loc, negative, yPositive);
  Value aboveZero = b.create<arith::AndIOp>(loc, positive, yNegative);
  Value fix = b.create<arith::OrIOp>(loc, belowZero, aboveZero);
  Value moved = add(r, y);
  return b.create<arith::SelectOp>(loc, fix, moved, r);
}

Value ScalarBuilder::max(Value x, Value y) {
  if (isFloat())
    return b.create<arith::MaximumFOp>(loc, x, y);
  if (unsignedInt)
    return b.create<arith::MaxUIOp>(loc, x, y);
  return b.create<arith::MaxSIOp>(loc, x, y);
}

Value ScalarBuilder::min(Value x, Value y) {
  if (isFloat())
    return b.create<arith::MinimumFOp>(loc, x, y);
  if (unsignedInt)
    return b.create<arith::MinUIOp>(loc, x, y);
  return b.create<arith::MinSIOp>(loc, x, y);
}

Value ScalarBuilder::neg(Value x) {
  if (isFloat())
    return b.create<arith::NegFOp>(loc, x);
  return b.create<arith::SubIOp>(loc, constant(0), x);
}

Value ScalarBuilder::abs(Value x) {
  if (isFloat())
    return b.create<math::AbsFOp>(loc, x);
  if (unsignedInt)
    return x;
  return b.create<math::AbsIOp>(loc, x);
}

Value ScalarBuilder::cmp(CmpKind kind, Value x, Value y) {
  if (isFloat()) {
    arith::CmpFPredicate predicate;
    switch (kind) {
    case CmpKind::eq:
      predicate = arith::CmpFPredicate::OEQ;
      break;
    case CmpKind::lt:
      predicate = arith::CmpFPredicate::OLT;
      break;
    case CmpKind::le:
      predicate = arith::CmpFPredicate::OLE;
      break;
    case CmpKind::gt:
      predicate = arith::CmpFPredicate::OGT;
      break;
    case CmpKind::ge:
      predicate = arith::CmpFPredicate::OGE;
      break;
    }
    return b.create<arith::CmpFOp>(loc, predicate, x, y);
  }
  // Booleans compare as unsigned (false < true).
  bool isUnsignedCmp = unsignedInt || type.isInteger(1);
  arith::CmpIPredicate predicate;
  switch (kind) {
  case CmpKind::eq:
    predicate = arith::CmpIPredicate::eq;
    break;
  case CmpKind::lt:
    predicate =
        isUnsignedCmp ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
    break;
  case CmpKind::le:
    predicate =
        isUnsignedCmp ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
    break;
  case CmpKind::gt:
    predicate =
        isUnsignedCmp ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
    break;
  case CmpKind::ge:
    predicate =
        isUnsignedCmp ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
    break;
  }
  return b.create<arith::CmpIOp>(loc, predicate, x, y);
}

Value ScalarBuilder::select(Value cond, Value x, Value y) {
  return b.create<arith::SelectOp>(loc, cond, x, y);
}

Value aic::importer::buildScalarConstant(OpBuilder &b, Location loc, Type type,
                                         double value, bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(floatType, value));
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return b.create<arith::ConstantOp>(loc, b.getBoolAttr(value != 0));
  APInt lo =
      isUnsigned ? APInt::getMinValue(width) : APInt::getSignedMinValue(width);
  APInt hi =
      isUnsigned ? APInt::getMaxValue(width) : APInt::getSignedMaxValue(width);
  double loD = isUnsigned ? lo.roundToDouble(false) : lo.roundToDouble(true);
  double hiD = isUnsigned ? hi.roundToDouble(false) : hi.roundToDouble(true);
  APInt result = std::isnan(value) ? APInt(width, 0)
                 : value <= loD    ? lo
                 : value >= hiD    ? hi
                 : isUnsigned      ? APInt(width, static_cast<uint64_t>(value))
                                   : APInt(width, static_cast<int64_t>(value),
                                           /*isSigned=*/true);
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(type, result));
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

Value aic::importer::convertScalar(OpBuilder &b, Location loc, Value x, Type to,
                                   bool fromUnsigned, bool toUnsigned) {
  Type from = x.getType();
  if (from == to)
    return x;
  if (to.isInteger(1)) {
    if (isa<FloatType>(from)) {
      // NaN is true, as in C and numpy.
      Value zero = b.create<arith::ConstantOp>(loc, b.getFloatAttr(from, 0));
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, x, zero);
    }
    Value zero = b.create<arith::ConstantOp>(loc, b.getIntegerAttr(from, 0));
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, x, zero);
  }
  // A boolean is 0 or 1.
  if (from.isInteger(1))
    fromUnsigned = true;
  if (auto toFloat = dyn_cast<FloatType>(to)) {
    if (auto fromFloat = dyn_cast<FloatType>(from)) {
      if (fromFloat.getWidth() < toFloat.getWidth())
        return b.create<arith::ExtFOp>(loc, to, x);
      if (fromFloat.getWidth() > toFloat.getWidth())
        return b.create<arith::TruncFOp>(loc, to, x);
      // f16 <-> bf16: through f32, which holds both exactly.
      Value wide = b.create<arith::ExtFOp>(loc, b.getF32Type(), x);
      return b.create<arith::TruncFOp>(loc, to, wide);
    }
    if (fromUnsigned)
      return b.create<arith::UIToFPOp>(loc, to, x);
    return b.create<arith::SIToFPOp>(loc, to, x);
  }
  if (isa<FloatType>(from)) {
    if (toUnsigned)
      return b.create<arith::FPToUIOp>(loc, to, x);
    return b.create<arith::FPToSIOp>(loc, to, x);
  }
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth > toWidth)
    return b.create<arith::TruncIOp>(loc, to, x);
  if (fromWidth == toWidth)
    return x;
  if (fromUnsigned)
    return b.create<arith::ExtUIOp>(loc, to, x);
  return b.create<arith::ExtSIOp>(loc, to, x);
}

Value aic::importer::computeInF32(
    OpBuilder &b, Location loc, ValueRange args,
    function_ref<Value(ScalarBuilder &, ValueRange)> fn) {
  Type type = args.front().getType();
  if (type.getIntOrFloatBitWidth() >= 32) {
    ScalarBuilder s(b, loc, type);
    return fn(s, args);
  }
  SmallVector<Value> wide;
  for (Value arg : args)
    wide.push_back(arg.getType() == type
                       ? b.create<arith::ExtFOp>(loc, b.getF32Type(), arg)
                       : arg);
  ScalarBuilder s(b, loc, b.getF32Type());
  return b.create<arith::TruncFOp>(loc, type, fn(s, wide));
}

//===----------------------------------------------------------------------===//
// linalg ops
//===----------------------------------------------------------------------===//

/// The input and dim a linalg op reading `inputs` through `maps` takes the
/// run-time dim `d` of its result from: an input dim a map reads it from.
static std::optional<std::pair<Value, int64_t>>
findDimSource(int64_t d, ValueRange inputs, ArrayRef<AffineMap> maps) {
  for (auto [input, map] : llvm::zip(inputs, maps)) {
    auto inputType = cast<RankedTensorType>(input.getType());
    for (auto [k, expr] : llvm::enumerate(map.getResults()))
      if (inputType.isDynamicDim(k) && isa<AffineDimExpr>(expr) &&
          cast<AffineDimExpr>(expr).getPosition() == d)
        return std::make_pair(input, static_cast<int64_t>(k));
  }
  return std::nullopt;
}

Value aic::importer::buildGeneric(NodeImporter &imp,
                                  RankedTensorType resultType,
                                  ValueRange inputs,
                                  ArrayRef<AffineMap> inputMaps,
                                  ScalarBodyFn body) {
  OpBuilder &b = imp.getBuilder();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  // Callers check that the inputs give every run-time dim
  // (buildElementwise does).
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < resultType.getRank(); ++d) {
    if (!resultType.isDynamicDim(d)) {
      sizes.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      continue;
    }
    auto source = findDimSource(d, inputs, inputMaps);
    assert(source && "no input gives the run-time dim");
    sizes.push_back(
        imp.create<tensor::DimOp>(source->first, source->second).getResult());
  }
  Value init = imp.create<tensor::EmptyOp>(sizes, resultType.getElementType());
  auto generic = imp.create<linalg::GenericOp>(
      TypeRange{resultType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        Value result = body(nb, loc, args.drop_back());
        nb.create<linalg::YieldOp>(loc, result);
      });
  return generic.getResult(0);
}

Value aic::importer::buildGeneric(NodeImporter &imp,
                                  RankedTensorType resultType,
                                  ValueRange inputs,
                                  ArrayRef<AffineMap> inputMaps,
                                  ValueRange dynamicSizes, ScalarBodyFn body) {
  OpBuilder &b = imp.getBuilder();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  auto generic = imp.create<linalg::GenericOp>(
      TypeRange{resultType}, inputs,
      ValueRange{imp.emptyTensor(resultType, dynamicSizes)}, maps,
      SmallVector<utils::IteratorType>(resultType.getRank(),
                                       utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        nb.create<linalg::YieldOp>(loc, body(nb, loc, args.drop_back()));
      });
  return generic.getResult(0);
}

FailureOr<int64_t> aic::importer::normalizeAxis(NodeImporter &imp, int64_t axis,
                                                int64_t rank, StringRef what) {
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank) {
    imp.emitError() << what << " " << axis << " is out of range for rank "
                    << rank;
    return failure();
  }
  return normalized;
}

FailureOr<AffineMap> aic::importer::getBroadcastMap(MLIRContext *ctx,
                                                    ArrayRef<int64_t> in,
                                                    ArrayRef<int64_t> out) {
  if (in.size() > out.size())
    return failure();
  SmallVector<AffineExpr> exprs;
  size_t lead = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) {
    int64_t dim = out[lead + i];
    if (in[i] == dim)
      exprs.push_back(getAffineDimExpr(lead + i, ctx));
    else if (in[i] == 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      return failure();
  }
  return AffineMap::get(out.size(), 0, exprs, ctx);
}

/// The maps reading each input broadcast to `resultType`; errors at the node
/// if an input does not broadcast or no input gives a run-time dim.
static FailureOr<SmallVector<AffineMap>>
getElementwiseMaps(NodeImporter &imp, RankedTensorType resultType,
                   ValueRange inputs) {
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(input.getType()).getShape();
    FailureOr<AffineMap> map =
        getBroadcastMap(imp.getContext(), shape, resultType.getShape());
    if (failed(map)) {
      imp.emitError() << "operand of shape " << formatShape(shape)
                      << " does not broadcast to the result shape "
                      << formatShape(resultType.getShape());
      return failure();
    }
    maps.push_back(*map);
  }
  // A run-time dim of the result must be one of an input's.
  for (int64_t d = 0; d < resultType.getRank(); ++d)
    if (resultType.isDynamicDim(d) && !findDimSource(d, inputs, maps)) {
      imp.emitError() << "no operand gives dim " << d << " of the result shape "
                      << formatShape(resultType.getShape());
      return failure();
    }
  return maps;
}

FailureOr<Value> aic::importer::buildBroadcastInit(NodeImporter &imp,
                                                   RankedTensorType resultType,
                                                   ValueRange inputs) {
  if (resultType.hasStaticShape())
    return imp.emptyTensor(resultType);
  FailureOr<SmallVector<AffineMap>> maps =
      getElementwiseMaps(imp, resultType, inputs);
  if (failed(maps))
    return failure();
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < resultType.getRank(); ++d) {
    if (!resultType.isDynamicDim(d))
      continue;
    auto source = findDimSource(d, inputs, *maps);
    sizes.push_back(imp.create<tensor::DimOp>(source->first, source->second));
  }
  return imp.emptyTensor(resultType, sizes);
}

FailureOr<Value> aic::importer::buildElementwise(NodeImporter &imp,
                                                 RankedTensorType resultType,
                                                 ValueRange inputs,
                                                 ScalarBodyFn body) {
  FailureOr<SmallVector<AffineMap>> maps =
      getElementwiseMaps(imp, resultType, inputs);
  if (failed(maps))
    return failure();
  return buildGeneric(imp, resultType, inputs, *maps, body);
}

Value aic::importer::buildSoftmax(NodeImporter &imp, Value input, int64_t axis,
                                  bool log) {
  auto type = cast<RankedTensorType>(input.getType());
  OpBuilder &b = imp.getBuilder();
  if (type.getElementType().isF32())
    return imp
        .create<aic::SoftmaxOp>(type, input, imp.emptyTensorLike(input),
                                b.getI64IntegerAttr(axis),
                                log ? b.getUnitAttr() : UnitAttr())
        .getOutput();
  Type elementType = type.getElementType();
  Type accType =
      elementType.getIntOrFloatBitWidth() < 32 ? b.getF32Type() : elementType;
  int64_t rank = type.getRank();
  MLIRContext *ctx = imp.getContext();
  SmallVector<int64_t> reducedShape;
  SmallVector<AffineExpr> exprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    iterators.push_back(d == axis ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
    if (d == axis)
      continue;
    reducedShape.push_back(type.getDimSize(d));
    exprs.push_back(getAffineDimExpr(d, ctx));
  }
  auto reducedType = RankedTensorType::get(reducedShape, accType);
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap reducedMap = AffineMap::get(rank, 0, exprs, ctx);
  auto widen = [&](OpBuilder &nb, Location loc, Value x) {
    return convertScalar(nb, loc, x, accType, false, false);
  };

  ScalarBuilder outer(b, imp.getLoc(), accType);
  Value maxInit = buildFill(imp, reducedType, outer.lowest());
  Value max =
      imp.create<linalg::GenericOp>(
             TypeRange{reducedType}, ValueRange{input}, ValueRange{maxInit},
             ArrayRef<AffineMap>{identity, reducedMap}, iterators,
             [&](OpBuilder &nb, Location loc, ValueRange args) {
               ScalarBuilder s(nb, loc, accType);
               nb.create<linalg::YieldOp>(
                   loc, s.max(args[1], widen(nb, loc, args[0])));
             })
          .getResult(0);
  Value sumInit = buildFill(imp, reducedType, outer.constant(0));
  Value sum =
      imp.create<linalg::GenericOp>(
             TypeRange{reducedType}, ValueRange{input, max},
             ValueRange{sumInit},
             ArrayRef<AffineMap>{identity, reducedMap, reducedMap}, iterators,
             [&](OpBuilder &nb, Location loc, ValueRange args) {
               ScalarBuilder s(nb, loc, accType);
               Value shifted = s.sub(widen(nb, loc, args[0]), args[1]);
               Value e = nb.create<math::ExpOp>(loc, shifted);
               nb.create<linalg::YieldOp>(loc, s.add(args[2], e));
             })
          .getResult(0);
  return buildGeneric(
      imp, type, ValueRange{input, max, sum},
      {identity, reducedMap, reducedMap},
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        ScalarBuilder s(nb, loc, accType);
        Value shifted = s.sub(widen(nb, loc, args[0]), args[1]);
        Value result =
            log ? s.sub(shifted, nb.create<math::LogOp>(loc, args[2]))
                : s.div(nb.create<math::ExpOp>(loc, shifted), args[2]);
        return convertScalar(nb, loc, result, elementType, false, false);
      });
}

Value aic::importer::buildDimValue(NodeImporter &imp, Value v, int64_t d) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(d))
    return imp.create<arith::ConstantIndexOp>(type.getDimSize(d));
  return imp.create<tensor::DimOp>(v, d);
}

Value aic::importer::buildFill(NodeImporter &imp, RankedTensorType type,
                               Value value, ValueRange dynamicSizes) {
  Value init = type.hasStaticShape() ? imp.emptyTensor(type)
                                     : imp.emptyTensor(type, dynamicSizes);
  return imp.create<linalg::FillOp>(ValueRange{value}, ValueRange{init})
      .getResult(0);
}

Value aic::importer::buildConstantPad(NodeImporter &imp, RankedTensorType type,
                                      Value source, ArrayRef<int64_t> low,
                                      ArrayRef<int64_t> high, Value value) {
  MLIRContext *ctx = imp.getContext();
  if (type.hasStaticShape())
    return imp
        .create<tensor::PadOp>(type, source, getAsIndexOpFoldResult(ctx, low),
                               getAsIndexOpFoldResult(ctx, high), value)
        .getResult();
  // MLIR 19 sizes the buffer of a tensor.pad with run-time dims by itself
  // (a dominance error at bufferization): a fill and a copy into it.
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value size = imp.create<tensor::DimOp>(source, d);
    if (low[d] + high[d] != 0)
      size = imp.create<arith::AddIOp>(
          size, imp.create<arith::ConstantIndexOp>(low[d] + high[d]));
    sizes.push_back(size);
  }
  return buildPadInto(imp, type, source, getAsIndexOpFoldResult(ctx, low),
                      sizes, value);
}

Value aic::importer::buildPadInto(NodeImporter &imp, RankedTensorType type,
                                  Value source, ArrayRef<OpFoldResult> low,
                                  ValueRange sizes, Value value) {
  Value filled = buildFill(imp, type, value, sizes);
  OpBuilder &b = imp.getBuilder();
  return imp
      .create<tensor::InsertSliceOp>(
          source, filled, low, tensor::getMixedSizes(b, imp.getLoc(), source),
          SmallVector<OpFoldResult>(type.getRank(), b.getIndexAttr(1)))
      .getResult();
}

Value aic::importer::extractScalar(NodeImporter &imp, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> indices;
  if (type.getRank() > 0)
    indices.assign(type.getRank(),
                   imp.create<arith::ConstantIndexOp>(0).getResult());
  return imp.create<tensor::ExtractOp>(tensor, indices);
}

FailureOr<Value> aic::importer::getScalarInput(NodeImporter &imp, int i,
                                               StringRef what, Type type) {
  FailureOr<Value> input = imp.getInput(i);
  if (failed(input))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  // A run-time size could be anything: a scalar input has one element.
  if (!inputType.hasStaticShape() || inputType.getNumElements() != 1) {
    imp.emitError() << "'" << what << "' input must be a scalar";
    return failure();
  }
  Value scalar = extractScalar(imp, *input);
  return convertScalar(imp.getBuilder(), imp.getLoc(), scalar, type,
                       imp.isUnsignedInput(i), /*toUnsigned=*/false);
}

LogicalResult aic::importer::applyDtypeAttr(NodeImporter &imp,
                                            Type &elementType,
                                            bool &isUnsigned) {
  const onnx::AttributeProto *dtype = imp.getAttr("dtype");
  if (!dtype)
    return success();
  elementType = convertElementType(dtype->i(), imp.getContext());
  if (!elementType)
    return imp.emitError() << "unsupported dtype "
                           << elementTypeName(dtype->i());
  isUnsigned = isUnsignedElementType(dtype->i());
  return success();
}
