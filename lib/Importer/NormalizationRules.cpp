//===- NormalizationRules.cpp - LRN, instance, MVN and training BN --------===//
//
// LRN of an odd size on f32 is aic.lrn (oneDNN centers its window).
// InstanceNormalization on f32 is aic.layer_norm on an [N * C, rest] view,
// then the per-channel scale and bias: the library runs it in parallel over
// the rows, and its statistics are as exact as PyTorch's f32 ones (oneDNN
// batch normalization's are 40x less: 4e-5 on unit outputs for 100 +- 10
// over 64k elements, which fails ONNX's rtol 1e-3 near zero). Everything
// else is linalg: the mean and then the mean squared deviation from it (two
// passes, which stay exact where E[x^2] - E[x]^2 cancels), accumulated in
// f64, in one thread. That is training-mode BatchNormalization, the other
// element types, and MeanVarianceNormalization, which adds its epsilon to
// the standard deviation (as its ONNX function body), which no library
// primitive does, over any axes.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

namespace {
/// The mean and the population variance of a tensor over some of its axes
/// (computed in f64 by buildMoments, or given), shaped as the tensor without
/// those axes.
struct Moments {
  Value mean, var;
  /// From the tensor's dims to the statistics' dims.
  AffineMap keptMap;
  /// The type the normalization computes in.
  Type accType;
};

/// The scalar computation of one normalized element from the element
/// minus its mean, its variance and the parameters' elements, in the
/// accumulator type.
using NormalizeFn = function_ref<Value(ScalarBuilder &, Value centered,
                                       Value var, ValueRange params)>;
} // namespace

/// f32 for 16-bit floats, else the type itself.
static Type getAccumulatorType(Type elementType) {
  return elementType.getIntOrFloatBitWidth() < 32
             ? Float32Type::get(elementType.getContext())
             : elementType;
}

static Value widen(OpBuilder &b, Location loc, Value v, Type to) {
  return convertScalar(b, loc, v, to, /*fromUnsigned=*/false,
                       /*toUnsigned=*/false);
}

static Moments buildMoments(NodeImporter &imp, Value x,
                            ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(x.getType());
  OpBuilder &b = imp.getBuilder();
  MLIRContext *ctx = imp.getContext();
  int64_t rank = type.getRank();
  // Sums of many f32 values lose digits where the mean is large against
  // the spread; f64 keeps the statistics exact at the cost of wider vectors
  // (the loops are memory-bound).
  Type acc = b.getF64Type();
  SmallVector<int64_t> keptShape;
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators;
  // The statistics' run-time dims, and the count of the reduced elements:
  // a constant, or the product of the reduced run-time dims times it.
  SmallVector<Value> keptSizes;
  int64_t count = 1;
  Value runtimeCount;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    Value size = type.isDynamicDim(d)
                     ? imp.create<tensor::DimOp>(x, d).getResult()
                     : Value();
    if (reduced) {
      if (!size)
        count *= type.getDimSize(d);
      else
        runtimeCount =
            runtimeCount ? imp.create<arith::MulIOp>(runtimeCount, size) : size;
      continue;
    }
    if (size)
      keptSizes.push_back(size);
    keptShape.push_back(type.getDimSize(d));
    keptExprs.push_back(getAffineDimExpr(d, ctx));
  }
  Value countValue;
  if (runtimeCount) {
    Value elements = imp.create<arith::MulIOp>(
        runtimeCount, imp.create<arith::ConstantIndexOp>(count));
    countValue = imp.create<arith::UIToFPOp>(
        acc, imp.create<arith::IndexCastUIOp>(b.getI64Type(), elements));
  }
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap kept = AffineMap::get(rank, 0, keptExprs, ctx);
  auto statType = RankedTensorType::get(keptShape, acc);
  // The mean over the axes of term(inputs).
  auto meanOf =
      [&](ValueRange inputs, ArrayRef<AffineMap> inputMaps,
          function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
        SmallVector<AffineMap> maps(inputMaps);
        maps.push_back(kept);
        Value zero = buildScalarConstant(b, imp.getLoc(), acc, 0);
        auto sum = imp.create<linalg::GenericOp>(
            TypeRange{statType}, inputs,
            ValueRange{buildFill(imp, statType, zero, keptSizes)}, maps,
            iterators, [&](OpBuilder &nb, Location loc, ValueRange args) {
              Value t = term(nb, loc, args.drop_back());
              nb.create<linalg::YieldOp>(
                  loc,
                  nb.create<arith::AddFOp>(loc, args.back(), t).getResult());
            });
        return buildGeneric(
            imp, statType, sum.getResult(0),
            b.getMultiDimIdentityMap(keptShape.size()),
            [&](OpBuilder &nb, Location loc, ValueRange args) {
              Value n = countValue ? countValue
                                   : buildScalarConstant(nb, loc, acc, count);
              return nb.create<arith::DivFOp>(loc, args[0], n).getResult();
            });
      };
  Value mean =
      meanOf(x, identity, [&](OpBuilder &nb, Location loc, ValueRange args) {
        return widen(nb, loc, args[0], acc);
      });
  Value var = meanOf({x, mean}, {identity, kept},
                     [&](OpBuilder &nb, Location loc, ValueRange args) {
                       Value d = nb.create<arith::SubFOp>(
                           loc, widen(nb, loc, args[0], acc), args[1]);
                       return nb.create<arith::MulFOp>(loc, d, d).getResult();
                     });
  return {mean, var, kept, acc};
}

/// The tensor of x's type whose elements `fn` computes in m.accType from
/// x, its moments (or given statistics) and `params` (read through
/// `paramMaps`).
static Value buildNormalized(NodeImporter &imp, Value x, const Moments &m,
                             ValueRange params, ArrayRef<AffineMap> paramMaps,
                             NormalizeFn fn) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<Value> inputs{x, m.mean, m.var};
  inputs.append(params.begin(), params.end());
  SmallVector<AffineMap> maps{
      imp.getBuilder().getMultiDimIdentityMap(type.getRank()), m.keptMap,
      m.keptMap};
  maps.append(paramMaps.begin(), paramMaps.end());
  return buildGeneric(
      imp, type, inputs, maps,
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        ScalarBuilder s(nb, loc, m.accType);
        SmallVector<Value> wideParams;
        for (Value p : args.drop_front(3))
          wideParams.push_back(widen(nb, loc, p, m.accType));
        Value centered = s.sub(widen(nb, loc, args[0], m.accType),
                               widen(nb, loc, args[1], m.accType));
        Value y =
            fn(s, centered, widen(nb, loc, args[2], m.accType), wideParams);
        return widen(nb, loc, y, type.getElementType());
      });
}

/// scale * centered / sqrt(var + epsilon) + bias.
static Value scaleShift(ScalarBuilder &s, Value centered, Value var,
                        double epsilon, Value scale, Value bias) {
  OpBuilder &b = s.getBuilder();
  Value stddev =
      b.create<math::SqrtOp>(s.getLoc(), s.add(var, s.constant(epsilon)));
  return s.add(s.mul(scale, s.div(centered, stddev)), bias);
}

/// Normalizes x over `axes` with its own statistics, then scales and
/// shifts by the per-channel (dim 1) scale and bias: linalg ops, and the
/// moments they computed.
static std::pair<Value, Moments> buildChannelNorm(NodeImporter &imp, Value x,
                                                  ArrayRef<int64_t> axes,
                                                  Value scale, Value bias,
                                                  double epsilon) {
  Moments m = buildMoments(imp, x, axes);
  int64_t rank = cast<ShapedType>(x.getType()).getRank();
  AffineMap channel =
      AffineMap::get(rank, 0, getAffineDimExpr(1, imp.getContext()));
  Value y = buildNormalized(
      imp, x, m, {scale, bias}, {channel, channel},
      [&](ScalarBuilder &s, Value centered, Value var, ValueRange p) {
        return scaleShift(s, centered, var, epsilon, p[0], p[1]);
      });
  return {y, m};
}

/// Reads the float inputs `first`.. of a normalization node, each of shape
/// [channels]; errors name them by `names`.
static FailureOr<SmallVector<Value>>
getChannelParams(NodeImporter &imp, int first, ArrayRef<const char *> names,
                 int64_t channels) {
  SmallVector<Value> params;
  for (auto [i, name] : llvm::enumerate(names)) {
    FailureOr<Value> param = imp.getInput(first + i);
    if (failed(param))
      return failure();
    auto type = cast<RankedTensorType>(param->getType());
    if (type.getRank() != 1 || type.getDimSize(0) != channels ||
        !isa<FloatType>(type.getElementType())) {
      imp.emitError() << "'" << name << "' has type " << type << ", expected "
                      << channels << " floats";
      return failure();
    }
    params.push_back(*param);
  }
  return params;
}

static bool allF32(ValueRange values) {
  return llvm::all_of(values, [](Value v) {
    return cast<ShapedType>(v.getType()).getElementType().isF32();
  });
}

/// The float input 0 and the type of output 0 (of its shape), of rank at
/// least `minRank`.
static LogicalResult getFloatInput(NodeImporter &imp, int64_t minRank,
                                   Value &input, RankedTensorType &type) {
  FailureOr<Value> in = imp.getInput(0);
  if (failed(in))
    return failure();
  input = *in;
  auto inType = cast<RankedTensorType>(input.getType());
  FailureOr<RankedTensorType> outType = imp.getOutputTypeOr(0, inType);
  if (failed(outType))
    return failure();
  type = *outType;
  if (!isa<FloatType>(inType.getElementType()) || inType.getRank() < minRank ||
      type != inType)
    return imp.emitError() << "expects a float input of rank >= " << minRank
                           << " and an output of its type";
  return success();
}

//===----------------------------------------------------------------------===//
// LRN
//===----------------------------------------------------------------------===//

/// LRN as linalg: squares padded with zeros along the channels, summed over
/// the window [c - (size - 1) / 2, c + size / 2] by a reduction loop, then
/// x / (bias + alpha / size * sum)^beta. The window's reach is cut at C - 1
/// channels each way: beyond, it would only add padding.
static Value buildLrnLoops(NodeImporter &imp, Value x, int64_t size,
                           double alpha, double beta, double bias) {
  auto type = cast<RankedTensorType>(x.getType());
  OpBuilder &b = imp.getBuilder();
  MLIRContext *ctx = imp.getContext();
  Location loc = imp.getLoc();
  int64_t rank = type.getRank();
  Type acc = getAccumulatorType(type.getElementType());
  auto accType = RankedTensorType::get(type.getShape(), acc);
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  Value squares = buildGeneric(
      imp, accType, x, identity, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value v = widen(nb, l, a[0], acc);
        return nb.create<arith::MulFOp>(l, v, v).getResult();
      });
  int64_t reach = std::max<int64_t>(type.getDimSize(1) - 1, 0);
  int64_t before = std::min((size - 1) / 2, reach);
  int64_t after = std::min(size / 2, reach);
  SmallVector<int64_t> paddedShape(type.getShape());
  paddedShape[1] += before + after;
  SmallVector<OpFoldResult> low(rank, b.getIndexAttr(0)), high(low);
  low[1] = b.getIndexAttr(before);
  high[1] = b.getIndexAttr(after);
  Value zero = buildScalarConstant(b, loc, acc, 0);
  Value padded = imp.create<tensor::PadOp>(
      RankedTensorType::get(paddedShape, acc), squares, low, high, zero);

  // Loops: the tensor's dims, then the window.
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < rank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  AffineExpr w = getAffineDimExpr(rank, ctx);
  SmallVector<AffineExpr> paddedExprs(outExprs);
  paddedExprs[1] = paddedExprs[1] + w;
  SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, paddedExprs, ctx),
                              AffineMap::get(rank + 1, 0, w),
                              AffineMap::get(rank + 1, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value window =
      imp.create<tensor::EmptyOp>(ArrayRef<int64_t>{before + after + 1}, acc);
  auto sums = imp.create<linalg::GenericOp>(
      TypeRange{accType}, ValueRange{padded, window},
      ValueRange{buildFill(imp, accType, zero)}, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        nb.create<linalg::YieldOp>(
            l, nb.create<arith::AddFOp>(l, a[2], a[0]).getResult());
      });
  return buildGeneric(
      imp, type, {x, sums.getResult(0)}, {identity, identity},
      [&](OpBuilder &nb, Location l, ValueRange a) {
        ScalarBuilder s(nb, l, acc);
        Value base =
            s.add(s.constant(bias), s.mul(s.constant(alpha / size), a[1]));
        Value denom = nb.create<math::PowFOp>(l, base, s.constant(beta));
        return widen(nb, l, s.div(widen(nb, l, a[0], acc), denom),
                     type.getElementType());
      });
}

static LogicalResult importLrn(NodeImporter &imp) {
  Value input;
  RankedTensorType type;
  if (failed(getFloatInput(imp, 2, input, type)))
    return failure();
  int64_t size = imp.getIntAttr("size", 0);
  if (!imp.getAttr("size") || size < 1 || size > (int64_t(1) << 30))
    return imp.emitError() << "'size' must be in [1, 2^30], got " << size;
  double alpha = imp.getFloatAttr("alpha", 1e-4f);
  double beta = imp.getFloatAttr("beta", 0.75f);
  double bias = imp.getFloatAttr("bias", 1.0f);
  if (!std::isfinite(alpha) || !std::isfinite(beta) || !std::isfinite(bias))
    return imp.emitError() << "expects finite alpha, beta and bias";
  // oneDNN centers its window, which ONNX's is for odd sizes only.
  if (type.getElementType().isF32() && size % 2 == 1) {
    Builder &b = imp.getBuilder();
    imp.setOutput(0, imp.create<LrnOp>(
                         type, input, imp.emptyTensorLike(input),
                         b.getI64IntegerAttr(size), b.getF64FloatAttr(alpha),
                         b.getF64FloatAttr(beta), b.getF64FloatAttr(bias)));
    return success();
  }
  if (!type.hasStaticShape())
    return imp.emitError() << "input of shape " << formatShape(type.getShape())
                           << ": LRN over run-time dims is supported for "
                              "float32 and an odd size only (fix the model's "
                              "symbolic dims with --input-shape)";
  imp.setOutput(0, buildLrnLoops(imp, input, size, alpha, beta, bias));
  return success();
}

//===----------------------------------------------------------------------===//
// InstanceNormalization
//===----------------------------------------------------------------------===//

/// y [N, C, rest] times the per-channel scale plus the bias (`params`,
/// each of C elements): an aic.mul and an aic.add, which aic-fuse-post-ops
/// makes a post-op of the multiply.
static Value scaleAndShift(NodeImporter &imp, Value y, ArrayRef<Value> params,
                           int64_t c) {
  auto yType = cast<RankedTensorType>(y.getType());
  Value scale = imp.reshapeTo(params[0], {c, 1});
  Value bias = imp.reshapeTo(params[1], {c, 1});
  y = imp.create<MulOp>(yType, y, scale, ValueRange{}, imp.emptyTensorLike(y))
          .getOutput();
  return imp.create<AddOp>(yType, y, bias, ValueRange{}, imp.emptyTensorLike(y))
      .getOutput();
}

static LogicalResult importInstanceNormalization(NodeImporter &imp) {
  Value input;
  RankedTensorType type;
  if (failed(getFloatInput(imp, 2, input, type)))
    return failure();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t n = shape[0], c = shape[1];
  FailureOr<SmallVector<Value>> params =
      getChannelParams(imp, 1, {"scale", "B"}, c);
  if (failed(params))
    return failure();
  double epsilon = imp.getFloatAttr("epsilon", 1e-5f);
  if (!(epsilon >= 0) || std::isinf(epsilon))
    return imp.emitError() << "expects a non-negative finite epsilon";

  if (!type.hasStaticShape()) {
    if (type.isDynamicDim(1))
      return imp.emitError() << "input of shape " << formatShape(shape)
                             << ": a run-time number of channels (dim 1) is "
                                "not supported yet (fix the model's symbolic "
                                "dims with --input-shape)";
    if (!allF32({input, (*params)[0], (*params)[1]}))
      return imp.emitError() << "InstanceNormalization over run-time dims "
                                "is supported for float32 only";
    // As below, with run-time dims: [N, C, rest...] collapses to rows
    // [N * C, prod(rest)] and expands back by the input's dims.
    int64_t rank = type.getRank();
    SmallVector<ReassociationIndices> toRows{{0, 1}, {}};
    for (int64_t d = 2; d < rank; ++d)
      toRows[1].push_back(d);
    Value rows = imp.create<tensor::CollapseShapeOp>(input, toRows);
    auto norm =
        imp.create<LayerNormOp>(TypeRange{rows.getType()}, rows, Value(),
                                Value(), ValueRange{imp.emptyTensorLike(rows)},
                                imp.getBuilder().getF64FloatAttr(epsilon));
    OpBuilder &b = imp.getBuilder();
    auto sizeOf = [&](Value v, int64_t d) -> OpFoldResult {
      auto t = cast<RankedTensorType>(v.getType());
      if (!t.isDynamicDim(d))
        return b.getIndexAttr(t.getDimSize(d));
      return imp.create<tensor::DimOp>(v, d).getResult();
    };
    int64_t rest = cast<RankedTensorType>(rows.getType()).getDimSize(1);
    auto yType =
        RankedTensorType::get({shape[0], c, rest}, type.getElementType());
    Value y = imp.create<tensor::ExpandShapeOp>(
        yType, norm.getOutputs()[0],
        SmallVector<ReassociationIndices>{{0, 1}, {2}},
        SmallVector<OpFoldResult>{sizeOf(input, 0), b.getIndexAttr(c),
                                  sizeOf(rows, 1)});
    y = scaleAndShift(imp, y, *params, c);
    if (rank != 3) {
      SmallVector<ReassociationIndices> toShape{{0}, {1}, {}};
      SmallVector<OpFoldResult> sizes{sizeOf(input, 0), b.getIndexAttr(c)};
      int64_t runtimeSpatial = 0;
      for (int64_t d = 2; d < rank; ++d) {
        toShape[2].push_back(d);
        sizes.push_back(sizeOf(input, d));
        runtimeSpatial += type.isDynamicDim(d);
      }
      if (runtimeSpatial > 1) {
        // Bufferization cannot split one dim into several run-time ones:
        // reshape by the sizes as values.
        SmallVector<Value> values;
        for (OpFoldResult size : sizes)
          values.push_back(
              getValueOrCreateConstantIndexOp(b, imp.getLoc(), size));
        y = imp.create<tensor::ReshapeOp>(
            type, y, imp.create<tensor::FromElementsOp>(values));
      } else {
        y = imp.create<tensor::ExpandShapeOp>(type, y, toShape, sizes);
      }
    }
    imp.setOutput(0, y);
    return success();
  }

  if (allF32({input, (*params)[0], (*params)[1]})) {
    // Each (instance, channel) pair is a row of an [N * C, rest] view, which
    // aic.layer_norm normalizes without a scale; the per-channel scale and
    // bias are then applied over an [N, C, rest] view (scaleAndShift).
    int64_t rest = type.getNumElements() / std::max<int64_t>(n * c, 1);
    Value rows = imp.reshapeTo(input, {n * c, rest});
    auto rowsType = cast<RankedTensorType>(rows.getType());
    auto norm =
        imp.create<LayerNormOp>(TypeRange{rowsType}, rows, Value(), Value(),
                                ValueRange{imp.emptyTensor(rowsType)},
                                imp.getBuilder().getF64FloatAttr(epsilon));
    Value y = imp.reshapeTo(norm.getOutputs()[0], {n, c, rest});
    y = scaleAndShift(imp, y, *params, c);
    imp.setOutput(0, imp.reshapeTo(y, shape));
    return success();
  }

  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < type.getRank(); ++d)
    axes.push_back(d);
  imp.setOutput(
      0, buildChannelNorm(imp, input, axes, (*params)[0], (*params)[1], epsilon)
             .first);
  return success();
}

//===----------------------------------------------------------------------===//
// MeanVarianceNormalization
//===----------------------------------------------------------------------===//

/// (x - mean) / (sqrt(var) + 1e-9) over `axes` (default [0, 2, 3]), as the
/// ONNX function body defines it.
static LogicalResult importMeanVarianceNormalization(NodeImporter &imp) {
  Value input;
  RankedTensorType type;
  if (failed(getFloatInput(imp, 1, input, type)))
    return failure();
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes = imp.getAttr("axes")
                                  ? imp.getIntsAttr("axes")
                                  : SmallVector<int64_t>{0, 2, 3};
  for (int64_t &axis : axes) {
    int64_t normalized = axis < 0 ? axis + rank : axis;
    if (normalized < 0 || normalized >= rank)
      return imp.emitError()
             << "axis " << axis << " is out of range for rank " << rank;
    axis = normalized;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  Moments m = buildMoments(imp, input, axes);
  imp.setOutput(
      0, buildNormalized(
             imp, input, m, {}, {},
             [](ScalarBuilder &s, Value centered, Value var, ValueRange) {
               Value stddev =
                   s.getBuilder().create<math::SqrtOp>(s.getLoc(), var);
               return s.div(centered, s.add(stddev, s.constant(1e-9)));
             }));
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

/// Training mode (opset 14+): Y uses the batch statistics over every dim
/// but the channels; the optional outputs are the running statistics
/// input * momentum + batch * (1 - momentum), with the population variance.
static LogicalResult importTrainingBatchNormalization(NodeImporter &imp) {
  Value input;
  RankedTensorType type;
  if (failed(getFloatInput(imp, 2, input, type)))
    return failure();
  int64_t rank = type.getRank(), c = type.getDimSize(1);
  FailureOr<SmallVector<Value>> params =
      getChannelParams(imp, 1, {"scale", "B", "input_mean", "input_var"}, c);
  if (failed(params))
    return failure();
  double epsilon = imp.getFloatAttr("epsilon", 1e-5f);
  double momentum = imp.getFloatAttr("momentum", 0.9f);
  if (!(epsilon >= 0) || std::isinf(epsilon) || !std::isfinite(momentum))
    return imp.emitError() << "expects a non-negative finite epsilon and a "
                              "finite momentum";
  Value scale = (*params)[0], bias = (*params)[1];

  SmallVector<int64_t> axes{0};
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  auto [y, m] = buildChannelNorm(imp, input, axes, scale, bias, epsilon);
  imp.setOutput(0, y);
  // running = input * momentum + batch * (1 - momentum), in the type of
  // the running statistics.
  for (int i : {1, 2}) {
    if (!imp.isOutputUsed(i))
      continue;
    FailureOr<RankedTensorType> outType = imp.getOutputType(i);
    if (failed(outType))
      return failure();
    Value running = (*params)[1 + i], batch = i == 1 ? m.mean : m.var;
    if (outType->getShape() != ArrayRef<int64_t>{c} ||
        outType->getElementType() !=
            cast<ShapedType>(running.getType()).getElementType())
      return imp.emitError() << "output #" << i << " has type " << *outType
                             << ", expected that of its running statistic";
    AffineMap identity = imp.getBuilder().getMultiDimIdentityMap(1);
    imp.setOutput(
        i, buildGeneric(imp, *outType, {running, batch}, {identity, identity},
                        [&](OpBuilder &nb, Location loc, ValueRange a) {
                          Type acc =
                              getAccumulatorType(outType->getElementType());
                          ScalarBuilder s(nb, loc, acc);
                          Value old = s.mul(widen(nb, loc, a[0], acc),
                                            s.constant(momentum));
                          Value now = s.mul(widen(nb, loc, a[1], acc),
                                            s.constant(1.0 - momentum));
                          return widen(nb, loc, s.add(old, now),
                                       outType->getElementType());
                        }));
  }
  return success();
}

/// Inference mode, with the given statistics: aic.batch_norm on f32 (which
/// aic-fold-batch-norm folds into a preceding convolution or one
/// scale-shift), linalg in at least f32 for the other types.
static LogicalResult importInferenceBatchNormalization(NodeImporter &imp) {
  for (int i = 1; i < imp.getNode().output_size(); ++i)
    if (imp.isOutputUsed(i))
      return imp.emitError()
             << "training outputs (output #" << i << ") are not supported";
  if (imp.getOpset() < 9 && imp.getIntAttr("spatial", 1) != 1)
    return imp.emitError() << "spatial=0 is not supported";
  // Before opset 7 the mode is an attribute that defaults to training.
  if (imp.getOpset() < 7 && !imp.getIntAttr("is_test", 0))
    return imp.emitError() << "is_test=0 (training mode) is not supported";
  Value input;
  RankedTensorType type;
  // ONNX infers no output type before opset 6: getFloatInput takes the
  // input's.
  if (failed(getFloatInput(imp, 2, input, type)))
    return failure();
  int64_t rank = type.getRank();
  FailureOr<SmallVector<Value>> params = getChannelParams(
      imp, 1, {"scale", "B", "mean", "var"}, type.getDimSize(1));
  if (failed(params))
    return failure();
  double epsilon = imp.getFloatAttr("epsilon", 1e-5f);
  if (!(epsilon >= 0) || std::isinf(epsilon))
    return imp.emitError() << "expects a non-negative finite epsilon";
  Value scale = (*params)[0], bias = (*params)[1], mean = (*params)[2],
        var = (*params)[3];
  bool f32 = allF32({input, scale, bias, mean, var});
  if (!type.hasStaticShape() && (!f32 || type.isDynamicDim(1)))
    return imp.emitError()
           << "input of shape " << formatShape(type.getShape())
           << ": over run-time dims, BatchNormalization takes float32 with "
              "static channels (dim 1) only (fix the model's symbolic dims "
              "with --input-shape)";
  if (f32) {
    imp.setOutput(
        0, imp.create<BatchNormOp>(type, input, scale, bias, mean, var,
                                   imp.emptyTensorLike(input),
                                   imp.getBuilder().getF64FloatAttr(epsilon)));
    return success();
  }
  AffineMap channel =
      AffineMap::get(rank, 0, getAffineDimExpr(1, imp.getContext()));
  Moments given{mean, var, channel, getAccumulatorType(type.getElementType())};
  imp.setOutput(
      0, buildNormalized(
             imp, input, given, {scale, bias}, {channel, channel},
             [&](ScalarBuilder &s, Value centered, Value v, ValueRange p) {
               return scaleShift(s, centered, v, epsilon, p[0], p[1]);
             }));
  return success();
}

static LogicalResult importAnyBatchNormalization(NodeImporter &imp) {
  if (imp.getOpset() >= 14 && imp.getIntAttr("training_mode", 0)) {
    for (int i = 0; i < imp.getNode().input_size(); ++i) {
      if (!imp.hasInput(i))
        continue;
      FailureOr<Value> input = imp.getInput(i);
      if (failed(input))
        return failure();
      auto type = cast<RankedTensorType>(input->getType());
      if (!type.hasStaticShape())
        return imp.emitError()
               << "input " << i << " of shape " << formatShape(type.getShape())
               << ": training-mode BatchNormalization over run-time dims is "
                  "not supported yet (fix the model's symbolic dims with "
                  "--input-shape)";
    }
    return importTrainingBatchNormalization(imp);
  }
  return importInferenceBatchNormalization(imp);
}

ArrayRef<OpRuleInfo> aic::importer::getNormalizationRules() {
  using DT = onnx::TensorProto;
  constexpr TypeSet floats =
      typeBit(DT::FLOAT) | typeBit(DT::DOUBLE) | typeBit(DT::FLOAT16);
  static const OpRuleInfo rules[] = {
      {"BatchNormalization", importAnyBatchNormalization, 1, floats, "", true},
      {"InstanceNormalization", importInstanceNormalization, 1, floats, "",
       true},
      {"LRN", importLrn, 1, floats, "", true},
      {"MeanVarianceNormalization", importMeanVarianceNormalization, 9, floats,
       "", true},
  };
  return rules;
}
