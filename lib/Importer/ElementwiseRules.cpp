//===- ElementwiseRules.cpp - Import rules for elementwise operators ------===//
//
// Binary and variadic arithmetic (with Pow, Mod, BitShift), Clip,
// comparisons, logic, Where and Cast.
// On f32, the operators a oneDNN primitive executes (Add, Sub, Mul, Div,
// Max, Min, Clip) become aic ops, which aic-fuse-post-ops can fold into
// their producer; any other element type, and every other operator here,
// becomes a linalg.generic (buildElementwise) with numpy broadcasting.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "passes/PassDetail.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

/// Before opset 7, A and B broadcast only with broadcast=1, and then B
/// matches the dims of A from `axis` on (default: A's trailing dims) rather
/// than numpy-style; the result has A's shape. Gives B trailing unit dims so
/// that numpy broadcasting computes the same thing.
static FailureOr<Value> alignLegacyBroadcast(NodeImporter &imp, Value lhs,
                                             Value rhs) {
  ArrayRef<int64_t> a = cast<RankedTensorType>(lhs.getType()).getShape();
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  ArrayRef<int64_t> b = rhsType.getShape();
  if (!imp.getIntAttr("broadcast", 0)) {
    if (a == b)
      return rhs;
    imp.emitError() << "operand shapes " << formatShape(a) << " and "
                    << formatShape(b) << " differ and broadcast is not set";
    return failure();
  }
  if (!rhsType.hasStaticShape() ||
      !cast<RankedTensorType>(lhs.getType()).hasStaticShape()) {
    imp.emitError() << "broadcast=1 (before opset 7) with run-time dims in "
                       "operand shapes "
                    << formatShape(a) << " and " << formatShape(b)
                    << " is not supported";
    return failure();
  }
  if (rhsType.getNumElements() == 1)
    return imp.reshapeTo(rhs, {});
  int64_t rankA = a.size(), rankB = b.size();
  int64_t axis = imp.getIntAttr("axis", rankA - rankB);
  if (axis < 0 || axis + rankB > rankA) {
    imp.emitError() << "B of shape " << formatShape(b)
                    << " does not fit in A of shape " << formatShape(a)
                    << " at axis " << axis;
    return failure();
  }
  for (int64_t i = 0; i < rankB; ++i) {
    if (b[i] != a[axis + i] && b[i] != 1) {
      imp.emitError() << "B of shape " << formatShape(b)
                      << " does not match A of shape " << formatShape(a)
                      << " at axis " << axis;
      return failure();
    }
  }
  SmallVector<int64_t> shape(b);
  shape.append(rankA - axis - rankB, 1);
  return imp.reshapeTo(rhs, shape);
}

/// The inputs of a binary elementwise operator and its result type with
/// element type `elementType` (default: the operands'); opset < 7 models
/// use the legacy broadcast attributes.
static LogicalResult getBinaryOperands(NodeImporter &imp, Value &lhs,
                                       Value &rhs, RankedTensorType &type,
                                       Type elementType = {}) {
  FailureOr<Value> a = imp.getInput(0), b = imp.getInput(1);
  if (failed(a) || failed(b))
    return failure();
  lhs = *a;
  rhs = *b;
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  if (!elementType)
    elementType = lhsType.getElementType();
  SmallVector<int64_t> shape;
  if (imp.getOpset() < 7) {
    FailureOr<Value> aligned = alignLegacyBroadcast(imp, lhs, rhs);
    if (failed(aligned))
      return failure();
    rhs = *aligned;
    shape.assign(lhsType.getShape().begin(), lhsType.getShape().end());
  } else {
    Value operands[] = {lhs, rhs};
    broadcastToStaticDims(imp, operands);
    lhs = operands[0];
    rhs = operands[1];
    lhsType = cast<RankedTensorType>(lhs.getType());
    rhsType = cast<RankedTensorType>(rhs.getType());
    FailureOr<SmallVector<int64_t>> broadcast =
        broadcastShapes(lhsType.getShape(), rhsType.getShape());
    if (failed(broadcast))
      return imp.emitError()
             << "operand shapes " << formatShape(lhsType.getShape()) << " and "
             << formatShape(rhsType.getShape()) << " do not broadcast";
    shape = std::move(*broadcast);
  }
  FailureOr<RankedTensorType> result =
      imp.getOutputTypeOr(0, RankedTensorType::get(shape, elementType));
  if (failed(result))
    return failure();
  type = *result;
  return success();
}

/// All inputs of a variadic operator and the shape they broadcast to.
static LogicalResult getVariadicOperands(NodeImporter &imp,
                                         SmallVectorImpl<Value> &inputs,
                                         RankedTensorType &type) {
  if (imp.getNumInputs() == 0)
    return imp.emitError() << "expects at least one input";
  SmallVector<int64_t> shape;
  for (int i = 0; i < imp.getNumInputs(); ++i) {
    FailureOr<Value> input = imp.getInput(i);
    if (failed(input))
      return failure();
    inputs.push_back(*input);
  }
  broadcastToStaticDims(imp, inputs);
  for (auto [i, input] : llvm::enumerate(inputs)) {
    ArrayRef<int64_t> inShape =
        cast<RankedTensorType>(input.getType()).getShape();
    FailureOr<SmallVector<int64_t>> broadcast =
        i == 0 ? FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>(inShape))
               : broadcastShapes(shape, inShape);
    if (failed(broadcast))
      return imp.emitError() << "input shapes " << formatShape(shape) << " and "
                             << formatShape(inShape) << " do not broadcast";
    shape = std::move(*broadcast);
  }
  FailureOr<RankedTensorType> result = imp.getOutputTypeOr(
      0,
      RankedTensorType::get(
          shape,
          cast<RankedTensorType>(inputs.front().getType()).getElementType()));
  if (failed(result))
    return failure();
  type = *result;
  return success();
}

static LogicalResult setElementwise(NodeImporter &imp, RankedTensorType type,
                                    ValueRange inputs, ScalarBodyFn body) {
  FailureOr<Value> result = buildElementwise(imp, type, inputs, body);
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

namespace {
enum class Arith { add, sub, mul, div, max, min };
} // namespace

static Value applyArith(ScalarBuilder &s, Arith kind, Value x, Value y) {
  switch (kind) {
  case Arith::add:
    return s.add(x, y);
  case Arith::sub:
    return s.sub(x, y);
  case Arith::mul:
    return s.mul(x, y);
  case Arith::div:
    return s.div(x, y);
  case Arith::max:
    return s.max(x, y);
  case Arith::min:
    return s.min(x, y);
  }
  return {};
}

/// The aic op of a binary f32 operator; others are linalg.generic.
template <typename OpTy, Arith kind>
static LogicalResult importArith(NodeImporter &imp) {
  Value lhs, rhs;
  RankedTensorType type;
  if (failed(getBinaryOperands(imp, lhs, rhs, type)) ||
      failed(checkRuntimeBroadcast(imp, lhs, rhs)))
    return failure();
  Type elementType = type.getElementType();
  // The binary primitive takes run-time dims per shape.
  if (elementType.isF32()) {
    FailureOr<Value> init = buildBroadcastInit(imp, type, {lhs, rhs});
    if (failed(init))
      return failure();
    imp.setOutput(0, imp.create<OpTy>(type, lhs, rhs, ValueRange{}, *init));
    return success();
  }
  if (elementType.isInteger(1))
    return imp.emitError() << "boolean operands are not supported";
  bool isUnsigned = imp.isUnsignedInput(0);
  return setElementwise(imp, type, {lhs, rhs},
                        [&](OpBuilder &b, Location loc, ValueRange args) {
                          ScalarBuilder s(b, loc, elementType, isUnsigned);
                          return applyArith(s, kind, args[0], args[1]);
                        });
}

/// Sum, Mean, Max and Min of any number of inputs; two f32 inputs of Sum
/// become the aic op. Max and Min are always generated code: oneDNN 2.6's
/// binary max and min (alone and as post-ops) return the other operand
/// where their first one is NaN, and ONNX's propagate NaN.
template <typename OpTy, Arith kind, bool isMean = false>
static LogicalResult importVariadic(NodeImporter &imp) {
  SmallVector<Value> inputs;
  RankedTensorType type;
  if (failed(getVariadicOperands(imp, inputs, type)))
    return failure();
  for (size_t i = 0; i < inputs.size(); ++i)
    for (size_t j = i + 1; j < inputs.size(); ++j)
      if (failed(checkRuntimeBroadcast(imp, inputs[i], inputs[j], i, j)))
        return failure();
  Type elementType = type.getElementType();
  if (inputs.size() == 1 && inputs.front().getType() == type) {
    imp.setOutput(0, inputs.front());
    return success();
  }
  bool nanExactInLibrary = kind != Arith::max && kind != Arith::min;
  if (!isMean && nanExactInLibrary && elementType.isF32() &&
      inputs.size() == 2) {
    FailureOr<Value> init = buildBroadcastInit(imp, type, inputs);
    if (failed(init))
      return failure();
    imp.setOutput(
        0, imp.create<OpTy>(type, inputs[0], inputs[1], ValueRange{}, *init));
    return success();
  }
  if (elementType.isInteger(1))
    return imp.emitError() << "boolean operands are not supported";
  bool isUnsigned = imp.isUnsignedInput(0);
  return setElementwise(imp, type, inputs,
                        [&](OpBuilder &b, Location loc, ValueRange args) {
                          ScalarBuilder s(b, loc, elementType, isUnsigned);
                          Value result = args.front();
                          for (Value arg : args.drop_front())
                            result = applyArith(s, kind, result, arg);
                          if (isMean)
                            result = s.div(result, s.constant(args.size()));
                          return result;
                        });
}

/// Pow: float bases use math.powf (f16 in f32); integer bases are raised in
/// f64, exact while the result fits in 53 bits, and converted back.
static LogicalResult importPow(NodeImporter &imp) {
  Value lhs, rhs;
  RankedTensorType type;
  if (failed(getBinaryOperands(imp, lhs, rhs, type)) ||
      failed(checkRuntimeBroadcast(imp, lhs, rhs)))
    return failure();
  Type elementType = type.getElementType();
  bool baseUnsigned = imp.isUnsignedInput(0);
  bool exponentUnsigned = imp.isUnsignedInput(1);
  if (elementType.isInteger(1))
    return imp.emitError() << "boolean operands are not supported";
  return setElementwise(
      imp, type, {lhs, rhs}, [&](OpBuilder &b, Location loc, ValueRange args) {
        if (isa<FloatType>(elementType)) {
          return computeInF32(
              b, loc, args[0], [&](ScalarBuilder &s, ValueRange x) -> Value {
                Value exponent = convertScalar(b, loc, args[1], s.getType(),
                                               exponentUnsigned, false);
                return b.create<math::PowFOp>(loc, x[0], exponent);
              });
        }
        Type f64 = b.getF64Type();
        Value base = convertScalar(b, loc, args[0], f64, baseUnsigned, false);
        Value exponent =
            convertScalar(b, loc, args[1], f64, exponentUnsigned, false);
        Value power = b.create<math::PowFOp>(loc, base, exponent);
        return convertScalar(b, loc, power, elementType, false, baseUnsigned);
      });
}

/// Mod: fmod=1 keeps the sign of the dividend (C fmod), fmod=0 takes the
/// divisor's (Python); f16 is computed in f32.
static LogicalResult importMod(NodeImporter &imp) {
  Value lhs, rhs;
  RankedTensorType type;
  if (failed(getBinaryOperands(imp, lhs, rhs, type)) ||
      failed(checkRuntimeBroadcast(imp, lhs, rhs)))
    return failure();
  Type elementType = type.getElementType();
  if (elementType.isInteger(1))
    return imp.emitError() << "boolean operands are not supported";
  bool floor = !imp.getIntAttr("fmod", 0);
  bool isUnsigned = imp.isUnsignedInput(0);
  return setElementwise(
      imp, type, {lhs, rhs}, [&](OpBuilder &b, Location loc, ValueRange args) {
        if (isa<FloatType>(elementType))
          return computeInF32(b, loc, args,
                              [&](ScalarBuilder &s, ValueRange x) {
                                return s.rem(x[0], x[1], floor);
                              });
        ScalarBuilder s(b, loc, elementType, isUnsigned);
        return s.rem(args[0], args[1], floor);
      });
}

/// BitShift of unsigned integers; shifting by the width or more gives 0
/// (LLVM leaves it undefined).
static LogicalResult importBitShift(NodeImporter &imp) {
  Value lhs, rhs;
  RankedTensorType type;
  if (failed(getBinaryOperands(imp, lhs, rhs, type)) ||
      failed(checkRuntimeBroadcast(imp, lhs, rhs)))
    return failure();
  Type elementType = type.getElementType();
  std::string direction = imp.getStringAttr("direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    return imp.emitError() << "direction must be LEFT or RIGHT";
  if (!isa<IntegerType>(elementType) || elementType.isInteger(1))
    return imp.emitError() << "expects integer operands";
  bool left = direction == "LEFT";
  return setElementwise(
      imp, type, {lhs, rhs}, [&](OpBuilder &b, Location loc, ValueRange args) {
        ScalarBuilder s(b, loc, elementType, /*isUnsigned=*/true);
        Value width = s.constant(elementType.getIntOrFloatBitWidth());
        Value inRange = s.cmp(CmpKind::lt, args[1], width);
        Value shifted =
            left ? b.create<arith::ShLIOp>(loc, args[0], args[1]).getResult()
                 : b.create<arith::ShRUIOp>(loc, args[0], args[1]).getResult();
        return s.select(inRange, shifted, s.constant(0));
      });
}

//===----------------------------------------------------------------------===//
// Clip
//===----------------------------------------------------------------------===//

/// Reads the scalar of a constant bound input of Clip (opset >= 11).
static LogicalResult getClipBound(NodeImporter &imp, int index, StringRef name,
                                  double &bound) {
  const ConstTensor *tensor = imp.getConstantInput(index);
  if (!tensor)
    return success();
  if (tensor->getNumElements() != 1)
    return imp.emitError() << "'" << name << "' input must be a scalar";
  bound = getValuesAsDouble(*tensor).front();
  return success();
}

/// The present bound inputs of Clip (opset >= 11) as rank-0 tensors, so
/// that broadcasting cannot change the result shape.
static LogicalResult getClipBoundInputs(NodeImporter &imp,
                                        SmallVectorImpl<Value> &bounds,
                                        SmallVectorImpl<bool> &isMin) {
  for (int i : {1, 2}) {
    if (!imp.hasInput(i))
      continue;
    FailureOr<Value> bound = imp.getInput(i);
    if (failed(bound))
      return failure();
    auto type = cast<RankedTensorType>(bound->getType());
    // A run-time size could be anything: the bound must be one element.
    if (!type.hasStaticShape() || type.getNumElements() != 1)
      return imp.emitError()
             << "'" << (i == 1 ? "min" : "max") << "' input must be a scalar";
    bounds.push_back(imp.reshapeTo(*bound, {}));
    isMin.push_back(i == 1);
  }
  return success();
}

/// Clip of other element types, and f32 Clip with a bound known only at
/// run time: min(max(x, lo), hi) in a linalg.generic (IEEE maximum and
/// minimum, which propagate NaN), with attribute bounds as constants and
/// bound inputs as operands.
static LogicalResult importGenericClip(NodeImporter &imp, Value input,
                                       std::optional<double> lo,
                                       std::optional<double> hi) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getElementType().isInteger(1))
    return imp.emitError() << "boolean operands are not supported";
  SmallVector<Value> operands{input};
  SmallVector<bool> isMin;
  if (imp.getOpset() >= 11 && failed(getClipBoundInputs(imp, operands, isMin)))
    return failure();
  bool isUnsigned = imp.isUnsignedInput(0);
  return setElementwise(
      imp, type, operands, [&](OpBuilder &b, Location loc, ValueRange args) {
        ScalarBuilder s(b, loc, type.getElementType(), isUnsigned);
        Value result = args[0];
        if (lo)
          result = s.max(result, s.constant(*lo));
        if (hi)
          result = s.min(result, s.constant(*hi));
        for (auto [bound, min] : llvm::zip(args.drop_front(), isMin))
          result = min ? s.max(result, bound) : s.min(result, bound);
        return result;
      });
}

static LogicalResult importClip(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  bool isF32 = getElementTypeOrSelf(input->getType()).isF32();
  double lo, hi;
  if (imp.getOpset() < 11) {
    // Clip-6 defaults the bounds to the float range; in Clip-1 a missing
    // bound is no bound.
    double inf = std::numeric_limits<double>::infinity();
    lo = imp.getFloatAttr("min", imp.getOpset() < 6
                                     ? -inf
                                     : std::numeric_limits<float>::lowest());
    hi = imp.getFloatAttr(
        "max", imp.getOpset() < 6 ? inf : std::numeric_limits<float>::max());
  } else {
    // Constant bounds become aic.clip, which fuses into its producer as a
    // post-op; any run-time bound needs elementwise max/min.
    if (!isF32)
      return importGenericClip(imp, *input, std::nullopt, std::nullopt);
    for (int i : {1, 2})
      if (imp.hasInput(i) && !imp.getConstantInput(i))
        return importGenericClip(imp, *input, std::nullopt, std::nullopt);
    lo = -std::numeric_limits<double>::infinity();
    hi = std::numeric_limits<double>::infinity();
    if (failed(getClipBound(imp, 1, "min", lo)) ||
        failed(getClipBound(imp, 2, "max", hi)))
      return failure();
  }
  if (std::isnan(lo) || std::isnan(hi))
    return imp.emitError() << "NaN bounds are not supported";
  if (!isF32)
    return importGenericClip(imp, *input, lo, hi);
  Builder &b = imp.getBuilder();
  auto type = cast<RankedTensorType>(input->getType());
  imp.setOutput(0, imp.create<ClipOp>(type, *input, imp.emptyTensorLike(*input),
                                      b.getF64FloatAttr(lo),
                                      b.getF64FloatAttr(hi)));
  return success();
}

//===----------------------------------------------------------------------===//
// Comparison and logic
//===----------------------------------------------------------------------===//

template <CmpKind kind> static LogicalResult importCompare(NodeImporter &imp) {
  Value lhs, rhs;
  RankedTensorType type;
  if (failed(getBinaryOperands(imp, lhs, rhs, type,
                               imp.getBuilder().getI1Type())) ||
      failed(checkRuntimeBroadcast(imp, lhs, rhs)))
    return failure();
  Type operandType = getElementTypeOrSelf(lhs.getType());
  bool isUnsigned = imp.isUnsignedInput(0);
  return setElementwise(imp, type, {lhs, rhs},
                        [&](OpBuilder &b, Location loc, ValueRange args) {
                          ScalarBuilder s(b, loc, operandType, isUnsigned);
                          return s.cmp(kind, args[0], args[1]);
                        });
}

namespace {
enum class Logic { And, Or, Xor };
} // namespace

template <Logic kind> static LogicalResult importLogic(NodeImporter &imp) {
  Value lhs, rhs;
  RankedTensorType type;
  if (failed(getBinaryOperands(imp, lhs, rhs, type)) ||
      failed(checkRuntimeBroadcast(imp, lhs, rhs)))
    return failure();
  if (!type.getElementType().isInteger(1))
    return imp.emitError() << "expects boolean operands";
  return setElementwise(
      imp, type, {lhs, rhs},
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        switch (kind) {
        case Logic::And:
          return b.create<arith::AndIOp>(loc, args[0], args[1]);
        case Logic::Or:
          return b.create<arith::OrIOp>(loc, args[0], args[1]);
        case Logic::Xor:
          return b.create<arith::XOrIOp>(loc, args[0], args[1]);
        }
        return {};
      });
}

static LogicalResult importNot(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  if (!type.getElementType().isInteger(1))
    return imp.emitError() << "expects a boolean operand";
  return setElementwise(
      imp, type, *input, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value one = b.create<arith::ConstantOp>(loc, b.getBoolAttr(true));
        return b.create<arith::XOrIOp>(loc, args[0], one);
      });
}

static LogicalResult importWhere(NodeImporter &imp) {
  SmallVector<Value> inputs;
  SmallVector<int64_t> shape;
  for (int i = 0; i < 3; ++i) {
    FailureOr<Value> input = imp.getInput(i);
    if (failed(input))
      return failure();
    inputs.push_back(*input);
  }
  broadcastToStaticDims(imp, inputs);
  for (Value input : inputs) {
    ArrayRef<int64_t> inShape =
        cast<RankedTensorType>(input.getType()).getShape();
    FailureOr<SmallVector<int64_t>> broadcast = broadcastShapes(shape, inShape);
    if (failed(broadcast))
      return imp.emitError() << "input shapes " << formatShape(shape) << " and "
                             << formatShape(inShape) << " do not broadcast";
    shape = std::move(*broadcast);
  }
  if (!getElementTypeOrSelf(inputs[0].getType()).isInteger(1))
    return imp.emitError() << "expects a boolean condition";
  for (auto [i, j] : {std::pair(0, 1), std::pair(0, 2), std::pair(1, 2)})
    if (failed(checkRuntimeBroadcast(imp, inputs[i], inputs[j], i, j)))
      return failure();
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0,
      RankedTensorType::get(shape, getElementTypeOrSelf(inputs[1].getType())));
  if (failed(type))
    return failure();
  return setElementwise(
      imp, *type, inputs, [&](OpBuilder &b, Location loc, ValueRange args) {
        return b.create<arith::SelectOp>(loc, args[0], args[1], args[2]);
      });
}

//===----------------------------------------------------------------------===//
// Cast
//===----------------------------------------------------------------------===//

/// Rounds a float32 to bfloat16 toward zero (its upper 16 bits), as ONNX
/// 1.12 defines Cast to BFLOAT16: its reference implementation and backend
/// test data (test_cast_FLOAT_to_BFLOAT16) truncate, and so did ONNX
/// Runtime then; later ONNX versions round to nearest even instead. A NaN
/// stays a NaN (its quiet bit set, which truncating a payload held in the
/// low bits would lose, making it infinite). Other types convert to float32
/// first, as Cast to FLOAT does, and then truncate.
static Value truncateToBF16(OpBuilder &b, Location loc, Value x) {
  Type i32 = b.getI32Type(), i16 = b.getI16Type();
  Value bits = b.create<arith::BitcastOp>(loc, i32, x);
  Value high = b.create<arith::TruncIOp>(
      loc, i16,
      b.create<arith::ShRUIOp>(loc, bits,
                               buildScalarConstant(b, loc, i32, 16)));
  Value quiet =
      b.create<arith::OrIOp>(loc, high, buildScalarConstant(b, loc, i16, 0x40));
  Value isNaN = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
  Value result = b.create<arith::SelectOp>(loc, isNaN, quiet, high);
  return b.create<arith::BitcastOp>(loc, b.getBF16Type(), result);
}

static LogicalResult importCastTo(NodeImporter &imp, int32_t to) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  Type toType = convertElementType(to, imp.getContext());
  if (!toType)
    return imp.emitError() << "cast to " << elementTypeName(to)
                           << " is not supported";
  auto inType = cast<RankedTensorType>(input->getType());
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, RankedTensorType::get(inType.getShape(), toType));
  if (failed(type))
    return failure();
  bool fromUnsigned = imp.isUnsignedInput(0);
  bool toUnsigned = isUnsignedElementType(to);
  // Same bits (e.g. INT8 -> UINT8): a view of the same values.
  if (*type == inType) {
    imp.setOutput(0, *input);
    return success();
  }
  bool stringCast =
      isa<StringType>(inType.getElementType()) || isa<StringType>(toType);
  if (stringCast && !inType.hasStaticShape())
    return imp.emitError() << "a cast from or to STRING needs a static shape";
  if (isa<StringType>(inType.getElementType()))
    return importStringCast(imp, *input, *type, toUnsigned);
  if (isa<StringType>(toType))
    return importStringCast(imp, *input, *type, fromUnsigned);
  return setElementwise(
      imp, *type, *input, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value x = args[0];
        Type f32 = b.getF32Type();
        // bfloat16 converts through float32, which holds it exactly.
        if (x.getType().isBF16())
          x = b.create<arith::ExtFOp>(loc, f32, x);
        if (!toType.isBF16())
          return convertScalar(b, loc, x, toType, fromUnsigned, toUnsigned);
        return truncateToBF16(
            b, loc, convertScalar(b, loc, x, f32, fromUnsigned, false));
      });
}

static LogicalResult importCast(NodeImporter &imp) {
  const onnx::AttributeProto *to = imp.getAttr("to");
  if (!to)
    return imp.emitError() << "missing 'to' attribute";
  // Cast-1 names the type as a string.
  if (to->has_s()) {
    onnx::TensorProto::DataType type;
    if (!onnx::TensorProto::DataType_Parse(to->s(), &type))
      return imp.emitError() << "unknown 'to' type '" << to->s() << "'";
    return importCastTo(imp, type);
  }
  return importCastTo(imp, static_cast<int32_t>(to->i()));
}

static LogicalResult importCastLike(NodeImporter &imp) {
  return importCastTo(imp, imp.getInputElementType(1));
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getElementwiseRules() {
  static const OpRuleInfo rules[] = {
      {"Add", importArith<AddOp, Arith::add>, 1, types::kNumeric, "", true},
      {"Sub", importArith<SubOp, Arith::sub>, 1, types::kNumeric, "", true},
      {"Mul", importArith<MulOp, Arith::mul>, 1, types::kNumeric, "", true},
      {"Div", importArith<DivOp, Arith::div>, 1, types::kNumeric, "", true},
      {"Pow", importPow, 1, types::kNumeric, "", true},
      {"Mod", importMod, 10, types::kNumeric, "", true},
      {"BitShift", importBitShift, 11, types::kInt, "", true},
      {"Sum", importVariadic<AddOp, Arith::add>, 1, types::kNumeric, "", true},
      {"Mean", importVariadic<AddOp, Arith::add, /*isMean=*/true>, 1,
       types::kNumeric, "", true},
      {"Max", importVariadic<MaxOp, Arith::max>, 1, types::kNumeric, "", true},
      {"Min", importVariadic<MinOp, Arith::min>, 1, types::kNumeric, "", true},
      {"Clip", importClip, 1, types::kNumeric, "", true},
      {"Equal", importCompare<CmpKind::eq>, 1, types::kTensor, "", true},
      {"Less", importCompare<CmpKind::lt>, 1, types::kNumeric, "", true},
      {"LessOrEqual", importCompare<CmpKind::le>, 12, types::kNumeric, "",
       true},
      {"Greater", importCompare<CmpKind::gt>, 1, types::kNumeric, "", true},
      {"GreaterOrEqual", importCompare<CmpKind::ge>, 12, types::kNumeric, "",
       true},
      {"And", importLogic<Logic::And>, 1, types::kBool, "", true},
      {"Or", importLogic<Logic::Or>, 1, types::kBool, "", true},
      {"Xor", importLogic<Logic::Xor>, 1, types::kBool, "", true},
      {"Not", importNot, 1, types::kBool, "", true},
      {"Where", importWhere, 9, types::kBool, "", true},
      {"Cast", importCast, 1, types::kTensor | types::kString, "", true},
      {"CastLike", importCastLike, 15, types::kTensor | types::kString},
  };
  return rules;
}
