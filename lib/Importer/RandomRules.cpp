//===- RandomRules.cpp - Import rules for random operators ----------------===//
//
// RandomUniform, RandomNormal, RandomUniformLike, RandomNormalLike,
// Bernoulli and Dropout (inference mode, its mask, and training mode).
//
// Random numbers come from Philox4x32-10 (Salmon et al., "Parallel random
// numbers: as easy as 1, 2, 3", SC'11), a counter-based generator: the
// four 32-bit words of element i are a pure function of (key, i), computed
// in the body of the linalg.generic that writes the element. So the ops
// stay parallel, vectorizable and reproducible whatever the threading.
// Uniforms take the top 24 (f32) or 53 (f64) bits; normals use Box-Muller.
//
// The key comes from the `seed` attribute when the node has one, so a
// seeded node gives the same values on every run and every compile.
// Without a seed ONNX asks for one to be generated; the compiled library
// has no run-time entropy source in its contract with the runtime, so the
// key is drawn at COMPILE time (std::random_device, per node): two compiles
// give different values, but every run of one compiled library repeats
// them (and aic-run, whose cache is keyed by the model's bytes, reuses one
// library per model). Fresh values per run need a run-time seed (a future
// field of the runtime contract).
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Philox4x32-10
//===----------------------------------------------------------------------===//

namespace {
/// Emits Philox4x32-10 and the conversions of its words to uniform and
/// normal variates in a linalg.generic body. The round keys are constants.
class PhiloxBuilder {
public:
  PhiloxBuilder(OpBuilder &b, Location loc, uint64_t key)
      : b(b), loc(loc), key(key) {}

  /// The four words for the 64-bit counter `index` (an i64).
  std::array<Value, 4> generate(Value index) {
    Type i32 = b.getI32Type();
    Value hi = b.create<arith::ShRUIOp>(loc, index, i64Constant(32));
    std::array<Value, 4> c = {b.create<arith::TruncIOp>(loc, i32, index),
                              b.create<arith::TruncIOp>(loc, i32, hi),
                              i32Constant(0), i32Constant(0)};
    uint32_t k0 = static_cast<uint32_t>(key);
    uint32_t k1 = static_cast<uint32_t>(key >> 32);
    for (int round = 0; round < 10; ++round) {
      auto p0 =
          b.create<arith::MulUIExtendedOp>(loc, i32Constant(0xD2511F53), c[0]);
      auto p1 =
          b.create<arith::MulUIExtendedOp>(loc, i32Constant(0xCD9E8D57), c[2]);
      Value x0 = b.create<arith::XOrIOp>(loc, p1.getHigh(), c[1]);
      Value x2 = b.create<arith::XOrIOp>(loc, p0.getHigh(), c[3]);
      c = {b.create<arith::XOrIOp>(loc, x0, i32Constant(k0)), p1.getLow(),
           b.create<arith::XOrIOp>(loc, x2, i32Constant(k1)), p0.getLow()};
      k0 += 0x9E3779B9;
      k1 += 0xBB67AE85;
    }
    return c;
  }

  /// A uniform variate in [0, 1) of `type` (f32 or f64) from words[first]
  /// (and words[first + 1] for f64).
  Value uniform(ArrayRef<Value> words, unsigned first, FloatType type) {
    if (type.isF32()) {
      Value top = b.create<arith::ShRUIOp>(loc, words[first], i32Constant(8));
      Value f = b.create<arith::UIToFPOp>(loc, type, top);
      return b.create<arith::MulFOp>(loc, f, floatConstant(type, 0x1p-24));
    }
    Type i64 = b.getI64Type();
    Value hi = b.create<arith::ShRUIOp>(loc, words[first], i32Constant(5));
    Value lo = b.create<arith::ShRUIOp>(loc, words[first + 1], i32Constant(6));
    Value hi64 = b.create<arith::ExtUIOp>(loc, i64, hi);
    Value lo64 = b.create<arith::ExtUIOp>(loc, i64, lo);
    Value shifted = b.create<arith::ShLIOp>(loc, hi64, i64Constant(26));
    Value bits = b.create<arith::OrIOp>(loc, shifted, lo64);
    Value f = b.create<arith::UIToFPOp>(loc, type, bits);
    return b.create<arith::MulFOp>(loc, f, floatConstant(type, 0x1p-53));
  }

  /// A standard normal variate of `type` (f32 or f64) by Box-Muller.
  Value normal(ArrayRef<Value> words, FloatType type) {
    unsigned second = type.isF32() ? 1 : 2;
    // 1 - u is in (0, 1], so its logarithm is finite.
    Value u1 = b.create<arith::SubFOp>(loc, floatConstant(type, 1),
                                       uniform(words, 0, type));
    Value u2 = uniform(words, second, type);
    Value log = b.create<math::LogOp>(loc, u1);
    Value radius = b.create<math::SqrtOp>(
        loc, b.create<arith::MulFOp>(loc, floatConstant(type, -2), log));
    Value angle =
        b.create<arith::MulFOp>(loc, floatConstant(type, 2 * M_PI), u2);
    return b.create<arith::MulFOp>(loc, radius,
                                   b.create<math::CosOp>(loc, angle));
  }

private:
  Value i32Constant(uint32_t v) {
    return b.create<arith::ConstantOp>(
        loc, b.getIntegerAttr(b.getI32Type(), APInt(32, v)));
  }
  Value i64Constant(int64_t v) {
    return b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(v));
  }
  Value floatConstant(FloatType type, double v) {
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(type, v));
  }

  OpBuilder &b;
  Location loc;
  uint64_t key;
};
} // namespace

/// The Philox key of the node: from its `seed` attribute (an integer for
/// Dropout, a float elsewhere: an integral float gives the key of the same
/// integer, others one from their bits), or drawn now (see the file
/// header).
static uint64_t getKey(NodeImporter &imp) {
  if (const onnx::AttributeProto *seed = imp.getAttr("seed")) {
    if (seed->type() == onnx::AttributeProto::INT)
      return static_cast<uint64_t>(seed->i());
    float value = seed->f();
    if (std::trunc(value) == value && std::abs(value) < 0x1p62f)
      return static_cast<uint64_t>(static_cast<int64_t>(value));
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    return (uint64_t(1) << 63) | bits;
  }
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) | device();
}

/// The row-major position of the current element of a linalg.generic over
/// `shape`, as an i64: the generator's counter.
static Value buildLinearIndex(OpBuilder &b, Location loc,
                              ArrayRef<int64_t> shape) {
  if (shape.empty())
    return b.create<arith::ConstantIntOp>(loc, 0, 64);
  Value index = b.create<linalg::IndexOp>(loc, 0);
  for (int64_t d = 1, e = shape.size(); d < e; ++d) {
    Value scaled = b.create<arith::MulIOp>(
        loc, index, b.create<arith::ConstantIndexOp>(loc, shape[d]));
    index =
        b.create<arith::AddIOp>(loc, scaled, b.create<linalg::IndexOp>(loc, d));
  }
  return b.create<arith::IndexCastOp>(loc, b.getI64Type(), index);
}

/// The type variates are drawn in for results of `type`: f64 for f64, f32
/// for narrower floats.
static FloatType getDrawType(OpBuilder &b, Type type) {
  return type.isF64() ? cast<FloatType>(b.getF64Type())
                      : cast<FloatType>(b.getF32Type());
}

//===----------------------------------------------------------------------===//
// RandomUniform, RandomNormal and their Like forms
//===----------------------------------------------------------------------===//

/// The element type of a random op's output: its `dtype` attribute, else
/// `fallback` (the input's type of the Like forms, FLOAT otherwise).
static Type getRandomElementType(NodeImporter &imp, Type fallback) {
  Type type = fallback;
  if (const onnx::AttributeProto *dtype = imp.getAttr("dtype"))
    type = convertElementType(dtype->i(), imp.getContext());
  if (!type || !(type.isF16() || type.isF32() || type.isF64())) {
    imp.emitError() << "random values of type "
                    << (type ? elementTypeName(getOnnxElementType(type))
                             : "UNDEFINED")
                    << " are not supported (FLOAT16, FLOAT or DOUBLE)";
    return Type();
  }
  return type;
}

/// RandomUniform(Like) with `normal` false, RandomNormal(Like) with it set;
/// `like` reads the shape and default type from input 0.
static LogicalResult importRandom(NodeImporter &imp, bool normal, bool like) {
  SmallVector<int64_t> shape;
  Type fallback = imp.getBuilder().getF32Type();
  if (like) {
    RankedTensorType inType = imp.getInputType(0);
    if (!inType)
      return failure();
    shape.assign(inType.getShape().begin(), inType.getShape().end());
    fallback = inType.getElementType();
  } else {
    if (!imp.getAttr("shape"))
      return imp.emitError() << "missing 'shape' attribute";
    shape = imp.getIntsAttr("shape");
    for (int64_t dim : shape)
      if (dim < 0)
        return imp.emitError() << "invalid shape " << formatShape(shape);
  }
  Type elementType = getRandomElementType(imp, fallback);
  if (!elementType)
    return failure();
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, RankedTensorType::get(shape, elementType));
  if (failed(type))
    return failure();
  double a = imp.getFloatAttr(normal ? "mean" : "low", 0.0f);
  double b = imp.getFloatAttr(normal ? "scale" : "high", 1.0f);
  uint64_t key = getKey(imp);
  FloatType drawType = getDrawType(imp.getBuilder(), elementType);
  imp.setOutput(
      0, buildGeneric(imp, *type, ValueRange{}, {},
                      [&](OpBuilder &nb, Location loc, ValueRange) {
                        PhiloxBuilder philox(nb, loc, key);
                        std::array<Value, 4> words = philox.generate(
                            buildLinearIndex(nb, loc, type->getShape()));
                        ScalarBuilder s(nb, loc, drawType);
                        // mean + scale * z, or low + (high - low) * u.
                        Value x = normal ? philox.normal(words, drawType)
                                         : philox.uniform(words, 0, drawType);
                        Value spread = s.constant(normal ? b : b - a);
                        Value value = s.add(s.constant(a), s.mul(spread, x));
                        return convertScalar(nb, loc, value, elementType, false,
                                             false);
                      }));
  return success();
}

//===----------------------------------------------------------------------===//
// Bernoulli
//===----------------------------------------------------------------------===//

/// 1 where a uniform variate is below the probability, else 0.
static LogicalResult importBernoulli(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  Type inElement = inType.getElementType();
  if (!isa<FloatType>(inElement))
    return imp.emitError() << "expects float probabilities";
  Type elementType = inElement;
  bool isUnsigned = false;
  if (failed(applyDtypeAttr(imp, elementType, isUnsigned)))
    return failure();
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(inType.getShape(), elementType));
  if (failed(type))
    return failure();
  uint64_t key = getKey(imp);
  FloatType drawType = getDrawType(imp.getBuilder(), inElement);
  imp.setOutput(
      0, buildGeneric(imp, *type, *input,
                      imp.getBuilder().getMultiDimIdentityMap(inType.getRank()),
                      [&](OpBuilder &nb, Location loc, ValueRange args) {
                        PhiloxBuilder philox(nb, loc, key);
                        std::array<Value, 4> words = philox.generate(
                            buildLinearIndex(nb, loc, inType.getShape()));
                        Value u = philox.uniform(words, 0, drawType);
                        Value p = convertScalar(nb, loc, args[0], drawType,
                                                false, false);
                        ScalarBuilder s(nb, loc, drawType);
                        Value one = s.cmp(CmpKind::lt, u, p);
                        return convertScalar(nb, loc, one, elementType, false,
                                             isUnsigned);
                      }));
  return success();
}

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

/// Dropout. In inference mode the output is the input and the mask all
/// true (ones before opset 10, where the mask has the input's type). In
/// training mode (is_test = 0 before opset 7, its default; none in opsets
/// 7-11; the training_mode input from opset 12) an element is kept with
/// probability 1 - ratio and scaled by 1 / (1 - ratio). training_mode and
/// ratio may be run-time scalars.
static LogicalResult importDropout(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  Type elementType = type.getElementType();
  if (!isa<FloatType>(elementType))
    return imp.emitError() << "expects a float input";
  int64_t opset = imp.getOpset();
  OpBuilder &b = imp.getBuilder();
  FloatType drawType = getDrawType(b, elementType);

  // Training: a constant, or an i1 known at run time (`training`).
  bool mayTrain = false;
  Value training;
  if (opset < 7) {
    mayTrain = imp.getIntAttr("is_test", 0) == 0;
  } else if (opset >= 12 && imp.hasInput(2)) {
    if (const ConstTensor *flag = imp.getConstantInput(2)) {
      if (flag->getNumElements() != 1)
        return imp.emitError() << "'training_mode' input must be a scalar";
      mayTrain = getValuesAsInt(*flag).front() != 0;
    } else {
      FailureOr<Value> runTimeFlag =
          getScalarInput(imp, 2, "training_mode", b.getI1Type());
      if (failed(runTimeFlag))
        return failure();
      mayTrain = true;
      training = *runTimeFlag;
    }
  }
  // The ratio, as a scalar of the draw type.
  Value ratio;
  if (mayTrain) {
    std::optional<double> constRatio;
    if (opset < 12)
      constRatio = imp.getFloatAttr("ratio", 0.5f);
    else if (!imp.hasInput(1))
      constRatio = 0.5;
    else if (const ConstTensor *r = imp.getConstantInput(1)) {
      if (r->getNumElements() != 1)
        return imp.emitError() << "'ratio' input must be a scalar";
      constRatio = getValuesAsDouble(*r).front();
    }
    if (constRatio && !(*constRatio >= 0 && *constRatio <= 1)) {
      std::ostringstream text;
      text << *constRatio;
      return imp.emitError() << "ratio " << text.str() << " is not in [0, 1]";
    }
    if (constRatio == 0.0) {
      // Keeps every element (u >= 0) and scales by 1: the identity, as
      // exporters write a training-mode dropout of ratio 0.
      mayTrain = false;
      training = Value();
    } else if (constRatio) {
      ratio = buildScalarConstant(b, imp.getLoc(), drawType, *constRatio);
    } else {
      FailureOr<Value> r = getScalarInput(imp, 1, "ratio", drawType);
      if (failed(r))
        return failure();
      ratio = *r;
    }
  }

  bool wantMask = imp.isOutputUsed(1);
  RankedTensorType maskType;
  if (wantMask) {
    Type maskElement = opset >= 10 ? b.getI1Type() : elementType;
    FailureOr<RankedTensorType> t = imp.getOutputTypeOr(
        1, RankedTensorType::get(type.getShape(), maskElement));
    if (failed(t))
      return failure();
    maskType = *t;
  }
  if (!type.hasStaticShape() && mayTrain)
    return imp.emitError() << "input of shape " << formatShape(type.getShape())
                           << ": Dropout in training mode over run-time dims "
                              "is not supported yet (fix the model's symbolic "
                              "dims with --input-shape)";
  if (!mayTrain) {
    imp.setOutput(0, *input);
    if (wantMask) {
      ScalarBuilder s(b, imp.getLoc(), maskType.getElementType());
      SmallVector<Value> sizes;
      for (int64_t d = 0; d < maskType.getRank(); ++d)
        if (maskType.isDynamicDim(d))
          sizes.push_back(imp.create<tensor::DimOp>(*input, d));
      imp.setOutput(1, buildFill(imp, maskType, s.constant(1), sizes));
    }
    return success();
  }

  // keep = u >= ratio; y = keep ? x / (1 - ratio) : 0. A ratio of 1 keeps
  // nothing (u < 1), so the infinite scale is never used.
  Location loc = imp.getLoc();
  ScalarBuilder outer(b, loc, drawType);
  // One statement per op: argument evaluation order is unspecified.
  Value keepRate = outer.sub(outer.constant(1), ratio);
  Value scale = outer.div(outer.constant(1), keepRate);
  uint64_t key = getKey(imp);
  int64_t rank = type.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<Type> resultTypes{type};
  SmallVector<Value> inits{imp.emptyTensor(type)};
  if (wantMask) {
    resultTypes.push_back(maskType);
    inits.push_back(imp.emptyTensor(maskType));
  }
  SmallVector<AffineMap> maps(1 + inits.size(), identity);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = imp.create<linalg::GenericOp>(
      resultTypes, ValueRange{*input}, inits, maps, iterators,
      [&](OpBuilder &nb, Location bodyLoc, ValueRange args) {
        PhiloxBuilder philox(nb, bodyLoc, key);
        std::array<Value, 4> words =
            philox.generate(buildLinearIndex(nb, bodyLoc, type.getShape()));
        ScalarBuilder s(nb, bodyLoc, drawType);
        Value u = philox.uniform(words, 0, drawType);
        Value keep = s.cmp(CmpKind::ge, u, ratio);
        Value x = convertScalar(nb, bodyLoc, args[0], drawType, false, false);
        Value y = s.select(keep, s.mul(x, scale), s.constant(0));
        y = convertScalar(nb, bodyLoc, y, elementType, false, false);
        if (training) {
          y = nb.create<arith::SelectOp>(bodyLoc, training, y, args[0]);
          Value notTraining = nb.create<arith::XOrIOp>(
              bodyLoc, training,
              nb.create<arith::ConstantOp>(bodyLoc, nb.getBoolAttr(true)));
          keep = nb.create<arith::OrIOp>(bodyLoc, keep, notTraining);
        }
        SmallVector<Value> results{y};
        if (wantMask)
          results.push_back(convertScalar(
              nb, bodyLoc, keep, maskType.getElementType(), false, false));
        nb.create<linalg::YieldOp>(bodyLoc, results);
      });
  imp.setOutput(0, generic.getResult(0));
  if (wantMask)
    imp.setOutput(1, generic.getResult(1));
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

namespace {
using DT = onnx::TensorProto;
constexpr TypeSet kRandomTypes =
    typeBit(DT::FLOAT16) | typeBit(DT::FLOAT) | typeBit(DT::DOUBLE);
} // namespace

ArrayRef<OpRuleInfo> aic::importer::getRandomRules() {
  static const OpRuleInfo rules[] = {
      {"Bernoulli", importBernoulli, 15, kRandomTypes},
      {"Dropout", importDropout, 1, types::kFloat, "", true},
      {"RandomNormal",
       [](NodeImporter &imp) { return importRandom(imp, true, false); }, 1,
       kRandomTypes},
      {"RandomNormalLike",
       [](NodeImporter &imp) { return importRandom(imp, true, true); }, 1,
       types::kTensor},
      {"RandomUniform",
       [](NodeImporter &imp) { return importRandom(imp, false, false); }, 1,
       kRandomTypes},
      {"RandomUniformLike",
       [](NodeImporter &imp) { return importRandom(imp, false, true); }, 1,
       types::kTensor},
  };
  return rules;
}
