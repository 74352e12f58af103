//===- UnaryRules.cpp - Import rules for unary elementwise operators ------===//
//
// Math functions and activations. On f32, Relu, Sigmoid, Tanh and Exp
// become the aic ops a oneDNN eltwise primitive (or post-op) executes;
// everything else is a linalg.generic over math and arith ops. Float math
// on f16 and bf16 is computed in f32 and rounded (computeInF32).
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

namespace {
/// Computes one element from the input's element (`s` has its type and
/// signedness, or f32 for f16 input of a float function).
using UnaryFn = function_ref<Value(ScalarBuilder &s, Value x)>;
} // namespace

/// Which element types a unary rule accepts and how it computes them.
enum class Domain {
  /// Any number type, in its own type (Abs, Neg, Relu, Sign).
  number,
  /// Float types only, computed in at least f32.
  floatMath,
};

static LogicalResult importUnaryFn(NodeImporter &imp, Domain domain,
                                   UnaryFn fn) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(0, inType);
  if (failed(type))
    return failure();
  Type elementType = inType.getElementType();
  if (elementType.isInteger(1) ||
      (domain == Domain::floatMath && !isa<FloatType>(elementType)))
    return imp.emitError() << "element type " << elementType
                           << " is not supported";
  bool isUnsigned = imp.isUnsignedInput(0);
  FailureOr<Value> result = buildElementwise(
      imp, *type, *input, [&](OpBuilder &b, Location loc, ValueRange args) {
        if (domain == Domain::floatMath)
          return computeInF32(
              b, loc, args,
              [&](ScalarBuilder &s, ValueRange x) { return fn(s, x[0]); });
        ScalarBuilder s(b, loc, elementType, isUnsigned);
        return fn(s, args[0]);
      });
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

/// The aic op on f32, `fn` otherwise.
template <typename OpTy>
static LogicalResult importLibraryUnary(NodeImporter &imp, Domain domain,
                                        UnaryFn fn) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  if (!type.getElementType().isF32())
    return importUnaryFn(imp, domain, fn);
  FailureOr<RankedTensorType> outType = imp.getOutputTypeOr(0, type);
  if (failed(outType))
    return failure();
  // Run-time dims (symbolic ones, or after NonZero, ...): the primitive is
  // created per shape, or the op becomes a post-op of its producer.
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(imp.create<tensor::DimOp>(*input, d));
  imp.setOutput(0,
                imp.create<OpTy>(type, *input, imp.emptyTensor(type, sizes)));
  return success();
}

/// A float function of one math op.
template <typename MathOp> static LogicalResult importMath(NodeImporter &imp) {
  return importUnaryFn(imp, Domain::floatMath, [](ScalarBuilder &s, Value x) {
    return s.getBuilder().create<MathOp>(s.getLoc(), x).getResult();
  });
}

static Value expOf(ScalarBuilder &s, Value x) {
  return s.getBuilder().create<math::ExpOp>(s.getLoc(), x);
}

/// exp(x) - 1 without the cancellation near 0.
static Value expm1Of(ScalarBuilder &s, Value x) {
  return s.getBuilder().create<math::ExpM1Op>(s.getLoc(), x);
}

static Value sigmoid(ScalarBuilder &s, Value x) {
  Value one = s.constant(1);
  return s.div(one, s.add(one, expOf(s, s.neg(x))));
}

/// alpha * x + beta clamped to [0, 1].
static Value hardSigmoid(ScalarBuilder &s, Value x, double alpha, double beta) {
  // One op per statement: argument evaluation order is unspecified, and
  // the IR must not depend on the host compiler.
  Value a = s.constant(alpha), b = s.constant(beta);
  Value y = s.add(s.mul(a, x), b);
  Value zero = s.constant(0), one = s.constant(1);
  return s.min(s.max(y, zero), one);
}

//===----------------------------------------------------------------------===//
// Rules
//===----------------------------------------------------------------------===//

static LogicalResult importRelu(NodeImporter &imp) {
  return importLibraryUnary<ReluOp>(
      imp, Domain::number,
      [](ScalarBuilder &s, Value x) { return s.max(x, s.constant(0)); });
}

static LogicalResult importSigmoid(NodeImporter &imp) {
  return importLibraryUnary<SigmoidOp>(imp, Domain::floatMath, sigmoid);
}

static LogicalResult importTanh(NodeImporter &imp) {
  return importLibraryUnary<TanhOp>(
      imp, Domain::floatMath, [](ScalarBuilder &s, Value x) -> Value {
        return s.getBuilder().create<math::TanhOp>(s.getLoc(), x);
      });
}

static LogicalResult importExp(NodeImporter &imp) {
  return importLibraryUnary<ExpOp>(imp, Domain::floatMath, expOf);
}

static LogicalResult importAbs(NodeImporter &imp) {
  // |x| of an unsigned integer is x.
  if (imp.isUnsignedInput(0)) {
    FailureOr<Value> input = imp.getInput(0);
    if (failed(input))
      return failure();
    imp.setOutput(0, *input);
    return success();
  }
  return importUnaryFn(imp, Domain::number,
                       [](ScalarBuilder &s, Value x) { return s.abs(x); });
}

static LogicalResult importNeg(NodeImporter &imp) {
  return importUnaryFn(imp, Domain::number,
                       [](ScalarBuilder &s, Value x) { return s.neg(x); });
}

/// -1, 0 or 1 (NaN stays NaN).
static LogicalResult importSign(NodeImporter &imp) {
  return importUnaryFn(imp, Domain::number, [](ScalarBuilder &s, Value x) {
    Value zero = s.constant(0);
    Value one = s.constant(1);
    Value positive = s.select(s.cmp(CmpKind::gt, x, zero), one, x);
    if (s.isUnsigned())
      return positive;
    Value minusOne = s.constant(-1);
    return s.select(s.cmp(CmpKind::lt, x, zero), minusOne, positive);
  });
}

static LogicalResult importReciprocal(NodeImporter &imp) {
  return importUnaryFn(imp, Domain::floatMath, [](ScalarBuilder &s, Value x) {
    return s.div(s.constant(1), x);
  });
}

static LogicalResult importLeakyRelu(NodeImporter &imp) {
  double alpha = imp.getFloatAttr("alpha", 0.01f);
  return importUnaryFn(imp, Domain::floatMath, [&](ScalarBuilder &s, Value x) {
    Value negative = s.mul(s.constant(alpha), x);
    Value isNegative = s.cmp(CmpKind::lt, x, s.constant(0));
    return s.select(isNegative, negative, x);
  });
}

static LogicalResult importThresholdedRelu(NodeImporter &imp) {
  double alpha = imp.getFloatAttr("alpha", 1.0f);
  return importUnaryFn(imp, Domain::floatMath, [&](ScalarBuilder &s, Value x) {
    Value above = s.cmp(CmpKind::gt, x, s.constant(alpha));
    return s.select(above, x, s.constant(0));
  });
}

static LogicalResult importHardSigmoid(NodeImporter &imp) {
  double alpha = imp.getFloatAttr("alpha", 0.2f);
  double beta = imp.getFloatAttr("beta", 0.5f);
  return importUnaryFn(imp, Domain::floatMath, [&](ScalarBuilder &s, Value x) {
    return hardSigmoid(s, x, alpha, beta);
  });
}

static LogicalResult importHardSwish(NodeImporter &imp) {
  return importLibraryUnary<HardSwishOp>(
      imp, Domain::floatMath, [](ScalarBuilder &s, Value x) {
        return s.mul(x, hardSigmoid(s, x, 1.0 / 6.0, 0.5));
      });
}

static LogicalResult importElu(NodeImporter &imp) {
  double alpha = imp.getFloatAttr("alpha", 1.0f);
  return importUnaryFn(imp, Domain::floatMath, [&](ScalarBuilder &s, Value x) {
    Value a = s.constant(alpha), zero = s.constant(0);
    Value negative = s.mul(a, expm1Of(s, x));
    return s.select(s.cmp(CmpKind::lt, x, zero), negative, x);
  });
}

static LogicalResult importSelu(NodeImporter &imp) {
  double alpha = imp.getFloatAttr("alpha", 1.67326319217681884765625f);
  double gamma = imp.getFloatAttr("gamma", 1.05070102214813232421875f);
  return importUnaryFn(imp, Domain::floatMath, [&](ScalarBuilder &s, Value x) {
    Value a = s.constant(alpha), g = s.constant(gamma), zero = s.constant(0);
    Value negative = s.mul(a, expm1Of(s, x));
    Value y = s.select(s.cmp(CmpKind::le, x, zero), negative, x);
    return s.mul(g, y);
  });
}

static LogicalResult importCelu(NodeImporter &imp) {
  double alpha = imp.getFloatAttr("alpha", 1.0f);
  return importUnaryFn(imp, Domain::floatMath, [&](ScalarBuilder &s, Value x) {
    Value a = s.constant(alpha);
    Value negative = s.mul(a, expm1Of(s, s.div(x, a)));
    Value zero = s.constant(0);
    Value positive = s.max(x, zero);
    return s.add(positive, s.min(negative, zero));
  });
}

/// log(1 + exp(x)) as max(x, 0) + log1p(exp(-|x|)), which neither
/// overflows for large x nor loses small values.
static LogicalResult importSoftplus(NodeImporter &imp) {
  return importUnaryFn(imp, Domain::floatMath, [](ScalarBuilder &s, Value x) {
    Value tail = s.getBuilder().create<math::Log1pOp>(
        s.getLoc(), expOf(s, s.neg(s.abs(x))));
    Value positive = s.max(x, s.constant(0));
    return s.add(positive, tail);
  });
}

static LogicalResult importSoftsign(NodeImporter &imp) {
  return importUnaryFn(imp, Domain::floatMath, [](ScalarBuilder &s, Value x) {
    Value one = s.constant(1);
    return s.div(x, s.add(one, s.abs(x)));
  });
}

/// Shrink: x + bias below -lambd, x - bias above lambd, 0 between; integers
/// are compared and shifted in f64 (lambd and bias are floats).
static LogicalResult importShrink(NodeImporter &imp) {
  double lambd = imp.getFloatAttr("lambd", 0.5f);
  double bias = imp.getFloatAttr("bias", 0.0f);
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  Type elementType = type.getElementType();
  if (elementType.isInteger(1))
    return imp.emitError() << "boolean operands are not supported";
  bool isUnsigned = imp.isUnsignedInput(0);
  FailureOr<Value> result = buildElementwise(
      imp, type, *input, [&](OpBuilder &b, Location loc, ValueRange args) {
        Type f64 = b.getF64Type();
        Value x = isa<FloatType>(elementType)
                      ? args[0]
                      : convertScalar(b, loc, args[0], f64, isUnsigned, false);
        Value y = computeInF32(b, loc, x, [&](ScalarBuilder &s, ValueRange v) {
          Value lo = s.constant(-lambd), hi = s.constant(lambd);
          Value b0 = s.constant(bias), zero = s.constant(0);
          Value below = s.cmp(CmpKind::lt, v[0], lo);
          Value above = s.cmp(CmpKind::gt, v[0], hi);
          Value up = s.add(v[0], b0), down = s.sub(v[0], b0);
          return s.select(below, up, s.select(above, down, zero));
        });
        return convertScalar(b, loc, y, elementType, false, isUnsigned);
      });
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

static LogicalResult importIsNaN(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  if (!isa<FloatType>(inType.getElementType()))
    return imp.emitError() << "expects a float operand";
  auto type =
      RankedTensorType::get(inType.getShape(), imp.getBuilder().getI1Type());
  FailureOr<Value> result = buildElementwise(
      imp, type, *input, [](OpBuilder &b, Location loc, ValueRange args) {
        return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, args[0],
                                       args[0]);
      });
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

static LogicalResult importIsInf(NodeImporter &imp) {
  bool positive = imp.getIntAttr("detect_positive", 1);
  bool negative = imp.getIntAttr("detect_negative", 1);
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  Type elementType = inType.getElementType();
  if (!isa<FloatType>(elementType))
    return imp.emitError() << "expects a float operand";
  auto type =
      RankedTensorType::get(inType.getShape(), imp.getBuilder().getI1Type());
  FailureOr<Value> result = buildElementwise(
      imp, type, *input, [&](OpBuilder &b, Location loc, ValueRange args) {
        ScalarBuilder s(b, loc, elementType);
        if (!positive && !negative)
          return b.create<arith::ConstantOp>(loc, b.getBoolAttr(false))
              .getResult();
        Value isPos, isNeg;
        if (positive)
          isPos = s.cmp(CmpKind::eq, args[0], s.highest());
        if (negative)
          isNeg = s.cmp(CmpKind::eq, args[0], s.lowest());
        if (isPos && isNeg)
          return b.create<arith::OrIOp>(loc, isPos, isNeg).getResult();
        return isPos ? isPos : isNeg;
      });
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

/// PRelu: the slope broadcasts to the input (unidirectionally).
static LogicalResult importPRelu(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0), slope = imp.getInput(1);
  if (failed(input) || failed(slope))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(0, inType);
  if (failed(type))
    return failure();
  Type elementType = inType.getElementType();
  if (elementType.isInteger(1))
    return imp.emitError() << "boolean operands are not supported";
  // Before opset 7 a slope of one element per channel applies along dim 1.
  Value slopeValue = *slope;
  auto slopeType = cast<RankedTensorType>(slopeValue.getType());
  if (imp.getOpset() < 7 && inType.getRank() >= 2 && slopeType.getRank() == 1 &&
      slopeType.getDimSize(0) == inType.getDimSize(1) &&
      slopeType.getDimSize(0) != 1) {
    SmallVector<int64_t> shape(inType.getRank() - 1, 1);
    shape[0] = slopeType.getDimSize(0);
    slopeValue = imp.reshapeTo(slopeValue, shape);
  }
  if (failed(checkRuntimeBroadcast(imp, *input, slopeValue)))
    return failure();
  bool isUnsigned = imp.isUnsignedInput(0);
  FailureOr<Value> result =
      buildElementwise(imp, *type, {*input, slopeValue},
                       [&](OpBuilder &b, Location loc, ValueRange args) {
                         ScalarBuilder s(b, loc, elementType, isUnsigned);
                         Value x = args[0];
                         Value negative = s.mul(args[1], x);
                         Value isNegative =
                             s.cmp(CmpKind::lt, x, s.constant(0));
                         return s.select(isNegative, negative, x);
                       });
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getUnaryRules() {
  // Every unary function (and PRelu, whose slope broadcasts to the input)
  // also takes inputs of a run-time shape (`true`).
  static const OpRuleInfo rules[] = {
      {"Relu", importRelu, 1, types::kNumeric, "", true},
      {"Sigmoid", importSigmoid, 1, types::kFloat, "", true},
      {"Tanh", importTanh, 1, types::kFloat, "", true},
      {"Exp", importExp, 1, types::kFloat, "", true},
      {"Abs", importAbs, 1, types::kNumeric, "", true},
      {"Neg", importNeg, 1, types::kNumeric, "", true},
      {"Sign", importSign, 9, types::kNumeric, "", true},
      {"Reciprocal", importReciprocal, 1, types::kFloat, "", true},
      {"Sqrt", importMath<math::SqrtOp>, 1, types::kFloat, "", true},
      {"Log", importMath<math::LogOp>, 1, types::kFloat, "", true},
      {"Floor", importMath<math::FloorOp>, 1, types::kFloat, "", true},
      {"Ceil", importMath<math::CeilOp>, 1, types::kFloat, "", true},
      {"Round", importMath<math::RoundEvenOp>, 11, types::kFloat, "", true},
      {"Erf", importMath<math::ErfOp>, 9, types::kFloat, "", true},
      {"Sin", importMath<math::SinOp>, 7, types::kFloat, "", true},
      {"Cos", importMath<math::CosOp>, 7, types::kFloat, "", true},
      {"Tan", importMath<math::TanOp>, 7, types::kFloat, "", true},
      {"Asin", importMath<math::AsinOp>, 7, types::kFloat, "", true},
      {"Acos", importMath<math::AcosOp>, 7, types::kFloat, "", true},
      {"Atan", importMath<math::AtanOp>, 7, types::kFloat, "", true},
      {"Sinh", importMath<math::SinhOp>, 9, types::kFloat, "", true},
      {"Cosh", importMath<math::CoshOp>, 9, types::kFloat, "", true},
      {"Asinh", importMath<math::AsinhOp>, 9, types::kFloat, "", true},
      {"Acosh", importMath<math::AcoshOp>, 9, types::kFloat, "", true},
      {"Atanh", importMath<math::AtanhOp>, 9, types::kFloat, "", true},
      {"LeakyRelu", importLeakyRelu, 1, types::kFloat, "", true},
      {"ThresholdedRelu", importThresholdedRelu, 10, types::kFloat, "", true},
      {"PRelu", importPRelu, 1, types::kNumeric, "", true},
      {"HardSigmoid", importHardSigmoid, 1, types::kFloat, "", true},
      {"HardSwish", importHardSwish, 14, types::kFloat, "", true},
      {"Elu", importElu, 1, types::kFloat, "", true},
      {"Selu", importSelu, 1, types::kFloat, "", true},
      {"Celu", importCelu, 12, types::kFloat, "", true},
      {"Softplus", importSoftplus, 1, types::kFloat, "", true},
      {"Softsign", importSoftsign, 1, types::kFloat, "", true},
      {"Shrink", importShrink, 9, types::kNumeric, "", true},
      {"IsNaN", importIsNaN, 9, types::kFloat, "", true},
      {"IsInf", importIsInf, 10, types::kFloat, "", true},
  };
  return rules;
}
