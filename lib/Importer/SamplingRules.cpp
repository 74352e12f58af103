//===- SamplingRules.cpp - Import rules for Resize and Upsample -----------===//
//
// Resize (opsets 10, 11, 13) and the deprecated Upsample (7, 9): a
// linalg.generic over the result whose body computes, on each resized axis,
// the input position of the element and the indices and weights of its
// taps (nearest, linear or cubic; indices clamped into the input, as the
// reference's edge padding), and blends the taps read with tensor.extract.
// Axes whose positions map onto themselves are read directly.
//
// scales and roi must be constants; sizes may be read at run time. Over
// run-time dims (and run-time sizes) the output sizes and the coordinate
// maps' values are computed at run time, with the same operations.
// The positions are computed in f64 from constants derived as the ONNX
// reference derives them (the resized length of align_corners is input *
// scale, possibly fractional, for `scales`), so that nearest-mode ties
// round as there; the taps are blended in the data type (at least f32).
//
// Also the shared pieces of Sampling.h and the family's rule table.
//
//===----------------------------------------------------------------------===//
#include "Sampling.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <functional>
#include <optional>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Shared pieces (Sampling.h)
//===----------------------------------------------------------------------===//

Type aic::importer::getComputeType(Type elementType) {
  if (isa<FloatType>(elementType) && elementType.getIntOrFloatBitWidth() < 32)
    return Float32Type::get(elementType.getContext());
  return elementType;
}

Value aic::importer::castFloat(OpBuilder &b, Location loc, Value x, Type to) {
  unsigned from = x.getType().getIntOrFloatBitWidth();
  if (x.getType() == to)
    return x;
  if (from < to.getIntOrFloatBitWidth())
    return b.create<arith::ExtFOp>(loc, to, x);
  return b.create<arith::TruncFOp>(loc, to, x);
}

Value aic::importer::toClampedIndex(OpBuilder &b, Location loc, Value x,
                                    int64_t size) {
  return toClampedIndex(b, loc, x,
                        ScalarBuilder(b, loc, x.getType()).constant(size - 1));
}

Value aic::importer::toClampedIndex(OpBuilder &b, Location loc, Value x,
                                    Value last) {
  ScalarBuilder s(b, loc, x.getType());
  x = b.create<arith::MaxNumFOp>(loc, x, s.constant(0));
  x = b.create<arith::MinNumFOp>(loc, x, last);
  Value i = b.create<arith::FPToSIOp>(loc, b.getI64Type(), x);
  return b.create<arith::IndexCastOp>(loc, b.getIndexType(), i);
}

Value aic::importer::indexAsFloat(OpBuilder &b, Location loc, Value index,
                                  Type type) {
  Value i = b.create<arith::IndexCastOp>(loc, b.getI64Type(), index);
  return b.create<arith::SIToFPOp>(loc, type, i);
}

Value aic::importer::isInRange(ScalarBuilder &s, Value x, int64_t size) {
  return isInRange(s, x, s.constant(size - 1));
}

Value aic::importer::isInRange(ScalarBuilder &s, Value x, Value last) {
  Value low = s.cmp(CmpKind::ge, x, s.constant(0));
  Value high = s.cmp(CmpKind::le, x, last);
  return s.getBuilder().create<arith::AndIOp>(s.getLoc(), low, high);
}

FailureOr<RankedTensorType>
aic::importer::getSampledOutputType(NodeImporter &imp, RankedTensorType inType,
                                    ArrayRef<int64_t> shape) {
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, inType.getElementType()));
  if (failed(type))
    return failure();
  if (!type->hasStaticShape() || !inType.hasStaticShape())
    return type;
  if (type->getNumElements() == 0) {
    imp.setOutput(0, imp.emptyTensor(*type));
    return RankedTensorType();
  }
  if (inType.getNumElements() == 0) {
    imp.emitError() << "expects a non-empty input for a non-empty result";
    return failure();
  }
  return type;
}

std::array<Value, 4> aic::importer::getCubicWeights(ScalarBuilder &s, Value t,
                                                    double a) {
  // |x| <= 1: ((a + 2) x - (a + 3)) x x + 1
  auto near = [&](Value x) {
    Value p = s.sub(s.mul(s.constant(a + 2), x), s.constant(a + 3));
    return s.add(s.mul(s.mul(p, x), x), s.constant(1));
  };
  // 1 < |x| < 2: ((a x - 5a) x + 8a) x - 4a
  auto far = [&](Value x) {
    Value p = s.sub(s.mul(s.constant(a), x), s.constant(5 * a));
    p = s.add(s.mul(p, x), s.constant(8 * a));
    return s.sub(s.mul(p, x), s.constant(4 * a));
  };
  Value one = s.constant(1);
  Value u = s.sub(one, t);
  return {far(s.add(t, one)), near(t), near(u), far(s.add(u, one))};
}

//===----------------------------------------------------------------------===//
// Resize and Upsample
//===----------------------------------------------------------------------===//

namespace {
enum class ResizeMode { Nearest, Linear, Cubic };
enum class CoordMode {
  HalfPixel,
  PytorchHalfPixel,
  AlignCorners,
  Asymmetric,
  TfHalfPixelForNN,
  TfCropAndResize
};
enum class NearestMode { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

struct ResizeOptions {
  ResizeMode mode = ResizeMode::Nearest;
  CoordMode coord = CoordMode::HalfPixel;
  NearestMode nearest = NearestMode::RoundPreferFloor;
  double cubicA = -0.75;
  bool excludeOutside = false;
  double extrapolation = 0.0;
  /// roi is f64 (else its arithmetic is rounded to f32).
  bool roiInDouble = false;
};

/// The coordinate transformation of one axis: the input position of output
/// position x is `fixed`, or ((x + add0) * mul0 * mul1) / div + add1 with
/// the constants of the mode, evaluated in f64 in this order (that of the
/// ONNX reference). A constant of 0 or 1 is an exact no-op and not built.
struct AxisMap {
  int64_t inSize = 0, outSize = 0;
  std::optional<double> fixed;
  double add0 = 0, mul0 = 1, mul1 = 1, div = 1, add1 = 0;
  /// An axis whose sizes are known only at run time (not tf_crop_and_resize):
  /// the f64 values the map takes from them (makeRuntimeAxisMap), in place
  /// of the constants.
  struct Runtime {
    Value last;   // input size - 1
    Value scale;  // the given scale, or output / input size for `sizes`
    Value length; // the resized length, as for makeAxisMap
    Value single; // i1: output size <= 1 (pytorch_half_pixel)
  };
  std::optional<Runtime> runtime;

  double evaluate(double x) const {
    if (fixed)
      return *fixed;
    return ((x + add0) * mul0 * mul1) / div + add1;
  }
  /// Output position x reads input position x: no sampling needed.
  bool isIdentity(CoordMode mode) const {
    if (runtime || inSize != outSize)
      return false;
    // A single element is read whatever the position, unless it can fall
    // outside the crop.
    if (inSize == 1 && mode != CoordMode::TfCropAndResize)
      return true;
    for (int64_t x = 0; x < outSize; ++x)
      if (evaluate(double(x)) != double(x))
        return false;
    return true;
  }
};
} // namespace

/// `scale` is the given scale (or sizes / input for `sizes`); `length` the
/// resized length as the reference sees it: the output size for `sizes`,
/// input * scale (in f32, possibly fractional) for `scales`.
static AxisMap makeAxisMap(const ResizeOptions &opts, int64_t in, int64_t out,
                           double scale, double length, double roiStart,
                           double roiEnd) {
  AxisMap m;
  m.inSize = in;
  m.outSize = out;
  switch (opts.coord) {
  case CoordMode::PytorchHalfPixel:
    if (out <= 1) {
      m.fixed = 0.0;
      break;
    }
    [[fallthrough]];
  case CoordMode::HalfPixel:
    m.add0 = 0.5;
    m.div = scale;
    m.add1 = -0.5;
    break;
  case CoordMode::AlignCorners:
    if (length == 1) {
      m.fixed = 0.0;
      break;
    }
    m.mul0 = double(in - 1);
    m.div = length - 1;
    break;
  case CoordMode::Asymmetric:
    m.div = scale;
    break;
  case CoordMode::TfHalfPixelForNN:
    m.add0 = 0.5;
    m.div = scale;
    break;
  case CoordMode::TfCropAndResize: {
    // The reference computes the crop's extent and offset in the type of
    // roi (f32 unless f64): nearest-mode ties depend on it.
    auto inRoiType = [&](double v) {
      return opts.roiInDouble ? v : double(float(v));
    };
    double extent = inRoiType(roiEnd - roiStart);
    double offset = inRoiType(roiStart * double(in - 1));
    if (length == 1) {
      m.fixed = inRoiType(inRoiType(extent * double(in - 1) / 2) + offset);
      break;
    }
    m.mul0 = extent;
    m.mul1 = double(in - 1);
    m.div = length - 1;
    m.add1 = offset;
    break;
  }
  }
  return m;
}

/// The map of an axis whose input size `in` or output size `out` (index
/// values) is known only at run time, with `scale` (f32) for `scales`, else
/// the scale output / input; the values are those makeAxisMap derives.
static AxisMap makeRuntimeAxisMap(NodeImporter &imp, Value in, Value out,
                                  std::optional<float> scale) {
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  ScalarBuilder s(b, loc, b.getF64Type());
  Value inSize = indexAsFloat(b, loc, in, b.getF64Type());
  AxisMap::Runtime r;
  r.last = s.sub(inSize, s.constant(1));
  if (scale) {
    ScalarBuilder f32(b, loc, b.getF32Type());
    r.scale = s.constant(double(*scale));
    Value length = f32.mul(f32.constant(double(*scale)),
                           indexAsFloat(b, loc, in, b.getF32Type()));
    r.length = castFloat(b, loc, length, b.getF64Type());
  } else {
    r.length = indexAsFloat(b, loc, out, b.getF64Type());
    r.scale = s.div(r.length, inSize);
  }
  r.single = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sle, out,
                                     b.create<arith::ConstantIndexOp>(loc, 1));
  AxisMap m;
  m.runtime = r;
  return m;
}

/// The input position of output index `index` on an axis of run-time sizes,
/// with the operations of makeAxisMap's constants in the same order.
static Value buildRuntimeSourcePosition(ScalarBuilder &s, CoordMode coord,
                                        const AxisMap::Runtime &r,
                                        Value index) {
  OpBuilder &b = s.getBuilder();
  Value x = indexAsFloat(b, s.getLoc(), index, s.getType());
  switch (coord) {
  case CoordMode::PytorchHalfPixel:
  case CoordMode::HalfPixel: {
    Value y =
        s.add(s.div(s.add(x, s.constant(0.5)), r.scale), s.constant(-0.5));
    return coord == CoordMode::HalfPixel ? y
                                         : s.select(r.single, s.constant(0), y);
  }
  case CoordMode::AlignCorners: {
    Value one = s.cmp(CmpKind::eq, r.length, s.constant(1));
    Value y = s.div(s.mul(x, r.last), s.sub(r.length, s.constant(1)));
    return s.select(one, s.constant(0), y);
  }
  case CoordMode::Asymmetric:
    return s.div(x, r.scale);
  case CoordMode::TfHalfPixelForNN:
    return s.div(s.add(x, s.constant(0.5)), r.scale);
  case CoordMode::TfCropAndResize:
    break;
  }
  llvm_unreachable("tf_crop_and_resize takes static sizes");
}

/// Builds the input position of output index `index` on one axis (f64).
static Value buildSourcePosition(ScalarBuilder &s, const AxisMap &m,
                                 CoordMode coord, Value index) {
  if (m.runtime)
    return buildRuntimeSourcePosition(s, coord, *m.runtime, index);
  if (m.fixed)
    return s.constant(*m.fixed);
  Value x = indexAsFloat(s.getBuilder(), s.getLoc(), index, s.getType());
  if (m.add0 != 0)
    x = s.add(x, s.constant(m.add0));
  for (double factor : {m.mul0, m.mul1})
    if (factor != 1)
      x = s.mul(x, s.constant(factor));
  if (m.div != 1)
    x = s.div(x, s.constant(m.div));
  if (m.add1 != 0)
    x = s.add(x, s.constant(m.add1));
  return x;
}

/// The samples of one axis: input indices, and their weights (in the
/// compute type) unless a single index is read.
struct AxisTaps {
  SmallVector<Value, 4> indices;
  SmallVector<Value, 4> weights;
};

/// The taps of output position `index` on a resized axis, in the manner of
/// the ONNX reference: edge padding (clamped indices), nearest rounding of
/// t = x - floor(x) by the mode, and for cubic optionally zero weights
/// outside the input renormalized to sum 1. Sets `outside` for positions
/// outside the crop of tf_crop_and_resize.
static AxisTaps buildAxisTaps(OpBuilder &b, Location loc, const AxisMap &m,
                              const ResizeOptions &opts, Value index,
                              Type computeType, Value &outside) {
  ScalarBuilder s(b, loc, b.getF64Type());
  Value x = buildSourcePosition(s, m, opts.coord, index);
  // The largest input index, built where used.
  auto last = [&] {
    return m.runtime ? m.runtime->last : s.constant(m.inSize - 1);
  };
  if (opts.coord == CoordMode::TfCropAndResize) {
    Value below = s.cmp(CmpKind::lt, x, s.constant(0));
    Value above = s.cmp(CmpKind::gt, x, last());
    Value out = b.create<arith::OrIOp>(loc, below, above);
    outside = outside ? b.create<arith::OrIOp>(loc, outside, out) : out;
  }
  Value floor = b.create<math::FloorOp>(loc, x);
  Value t = s.sub(x, floor);
  AxisTaps taps;
  if (opts.mode == ResizeMode::Nearest) {
    // Rounds up above 0.5 (round_prefer_floor), from 0.5
    // (round_prefer_ceil) or above 0 (ceil); t == 0 reads floor(x) in
    // every mode.
    Value nearest = floor;
    if (opts.nearest != NearestMode::Floor) {
      bool upAtTie = opts.nearest == NearestMode::RoundPreferCeil;
      Value tie = s.constant(opts.nearest == NearestMode::Ceil ? 0 : 0.5);
      Value up = s.cmp(upAtTie ? CmpKind::ge : CmpKind::gt, t, tie);
      nearest = s.select(up, s.add(floor, s.constant(1)), floor);
    }
    taps.indices.push_back(toClampedIndex(b, loc, nearest, last()));
    return taps;
  }
  SmallVector<Value, 4> weights;
  int64_t first = 0;
  if (opts.mode == ResizeMode::Linear) {
    weights = {s.sub(s.constant(1), t), t};
  } else {
    std::array<Value, 4> cubic = getCubicWeights(s, t, opts.cubicA);
    weights.assign(cubic.begin(), cubic.end());
    first = -1;
  }
  SmallVector<Value, 4> positions;
  for (int64_t k = first; k < first + int64_t(weights.size()); ++k)
    positions.push_back(k == 0 ? floor : s.add(floor, s.constant(double(k))));
  if (opts.excludeOutside) {
    Value sum;
    for (auto [w, p] : llvm::zip(weights, positions)) {
      Value inside = isInRange(s, p, last());
      w = s.select(inside, w, s.constant(0));
      sum = sum ? s.add(sum, w) : w;
    }
    for (Value &w : weights)
      w = s.div(w, sum);
  }
  for (auto [w, p] : llvm::zip(weights, positions)) {
    taps.indices.push_back(toClampedIndex(b, loc, p, last()));
    taps.weights.push_back(castFloat(b, loc, w, computeType));
  }
  return taps;
}

/// The taps of every output position of axis `d` of `type` (whose run-time
/// dims are `sizes`), one 1-D tensor per tap index (i64), per tap weight
/// and, for tf_crop_and_resize, for the positions outside the crop (i1):
/// computed once per axis instead of once per output element.
static SmallVector<Value> buildAxisTables(NodeImporter &imp,
                                          RankedTensorType type, int64_t d,
                                          ValueRange sizes, const AxisMap &m,
                                          const ResizeOptions &opts,
                                          Type computeType) {
  SmallVector<Value> dynamicSize;
  if (type.isDynamicDim(d))
    dynamicSize.push_back(
        sizes[llvm::count_if(type.getShape().take_front(d), [](int64_t n) {
          return ShapedType::isDynamic(n);
        })]);
  OpBuilder &builder = imp.getBuilder();
  auto table = [&](Type elementType, auto pick) {
    return buildGeneric(
        imp, RankedTensorType::get({type.getDimSize(d)}, elementType),
        ValueRange{}, {}, dynamicSize,
        [&](OpBuilder &b, Location loc, ValueRange) -> Value {
          Value outside;
          AxisTaps taps =
              buildAxisTaps(b, loc, m, opts, b.create<linalg::IndexOp>(loc, 0),
                            computeType, outside);
          return pick(b, loc, taps, outside);
        });
  };
  // The number of taps does not depend on the position.
  size_t count = opts.mode == ResizeMode::Nearest  ? 1
                 : opts.mode == ResizeMode::Linear ? 2
                                                   : 4;
  SmallVector<Value> tables;
  for (size_t k = 0; k < count; ++k)
    tables.push_back(table(
        builder.getI64Type(),
        [&](OpBuilder &b, Location loc, const AxisTaps &taps, Value) -> Value {
          return b.create<arith::IndexCastOp>(loc, b.getI64Type(),
                                              taps.indices[k]);
        }));
  if (count > 1)
    for (size_t k = 0; k < count; ++k)
      tables.push_back(
          table(computeType, [&](OpBuilder &, Location, const AxisTaps &taps,
                                 Value) { return taps.weights[k]; }));
  if (opts.coord == CoordMode::TfCropAndResize)
    tables.push_back(
        table(builder.getI1Type(), [](OpBuilder &, Location, const AxisTaps &,
                                      Value outside) { return outside; }));
  return tables;
}

/// Resizes `input` to `type`, whose run-time dims are `sizes`: one
/// linalg.generic whose body blends the taps of every resized axis,
/// innermost axis first as the reference does, reading each axis' taps
/// from its tables (buildAxisTables).
static Value buildResize(NodeImporter &imp, Value input, RankedTensorType type,
                         ArrayRef<AxisMap> maps, const ResizeOptions &opts,
                         ValueRange sizes) {
  Type elementType = type.getElementType();
  Type computeType = getComputeType(elementType);
  bool isUnsigned = imp.isUnsignedInput(0);
  int64_t rank = type.getRank();
  MLIRContext *ctx = imp.getBuilder().getContext();
  // The tables of each resized axis, read along that axis.
  SmallVector<Value> tables;
  SmallVector<AffineMap> tableMaps;
  SmallVector<size_t> firstTable(rank, 0), tableCount(rank, 0);
  for (int64_t d = 0; d < rank; ++d) {
    firstTable[d] = tables.size();
    if (maps[d].isIdentity(opts.coord))
      continue;
    SmallVector<Value> axis =
        buildAxisTables(imp, type, d, sizes, maps[d], opts, computeType);
    tableCount[d] = axis.size();
    for (Value t : axis) {
      tables.push_back(t);
      tableMaps.push_back(
          AffineMap::get(rank, 0, getAffineDimExpr(d, ctx), ctx));
    }
  }
  bool crop = opts.coord == CoordMode::TfCropAndResize;
  return buildGeneric(
      imp, type, tables, tableMaps, sizes,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        SmallVector<AxisTaps> taps(rank);
        Value outside;
        for (int64_t d = 0; d < rank; ++d) {
          if (!tableCount[d]) {
            taps[d].indices.push_back(b.create<linalg::IndexOp>(loc, d));
            continue;
          }
          ValueRange axis = args.slice(firstTable[d], tableCount[d]);
          if (crop) {
            outside = outside
                          ? b.create<arith::OrIOp>(loc, outside, axis.back())
                          : axis.back();
            axis = axis.drop_back();
          }
          size_t count = axis.size() == 1 ? 1 : axis.size() / 2;
          for (size_t k = 0; k < count; ++k)
            taps[d].indices.push_back(
                b.create<arith::IndexCastOp>(loc, b.getIndexType(), axis[k]));
          if (count > 1)
            llvm::append_range(taps[d].weights, axis.drop_front(count));
        }
        ScalarBuilder s(b, loc, computeType, isUnsigned);
        SmallVector<Value> at(rank);
        std::function<Value(int64_t)> blend = [&](int64_t d) -> Value {
          if (d == rank) {
            Value v = b.create<tensor::ExtractOp>(loc, input, at);
            return s.isFloat() ? castFloat(b, loc, v, computeType) : v;
          }
          const AxisTaps &axis = taps[d];
          if (axis.weights.empty()) {
            at[d] = axis.indices.front();
            return blend(d + 1);
          }
          Value sum;
          for (auto [index, weight] : llvm::zip(axis.indices, axis.weights)) {
            at[d] = index;
            Value term = s.mul(weight, blend(d + 1));
            sum = sum ? s.add(sum, term) : term;
          }
          return sum;
        };
        Value result = blend(0);
        if (outside)
          result = s.select(outside, s.constant(opts.extrapolation), result);
        return s.isFloat() ? castFloat(b, loc, result, elementType) : result;
      });
}

/// Reads a constant float input (scales, roi) as doubles.
static FailureOr<std::vector<double>> getConstantFloats(NodeImporter &imp,
                                                        int i, StringRef what) {
  const ConstTensor *tensor = imp.getConstantInput(i);
  if (!tensor) {
    imp.emitError() << "'" << what
                    << "' input must be a constant (aic needs static shapes)";
    return failure();
  }
  return getValuesAsDouble(*tensor);
}

/// Input `i` is given and has elements (Resize-11 passes an empty tensor
/// for the unused one of scales and sizes).
static bool hasNonEmptyInput(NodeImporter &imp, int i) {
  if (!imp.hasInput(i))
    return false;
  if (const ConstTensor *tensor = imp.getConstantInput(i))
    return tensor->getNumElements() != 0;
  RankedTensorType type = imp.getInputType(i);
  return type && (!type.hasStaticShape() || type.getNumElements() != 0);
}

/// The resize of input 0 by `scales` or to `sizes` (exactly one given, or
/// neither and `runtimeSizes`, a 1-D int64 tensor of sizes read at run
/// time), with `roi` (start..., end...) for tf_crop_and_resize. Over run-time
/// dims the output sizes and the coordinate maps are computed at run time.
static LogicalResult importResizeWith(NodeImporter &imp,
                                      const ResizeOptions &opts,
                                      std::optional<std::vector<double>> scales,
                                      std::optional<SmallVector<int64_t>> sizes,
                                      std::vector<double> roi,
                                      Value runtimeSizes = {}) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  int64_t rank = inType.getRank();
  if (opts.mode != ResizeMode::Nearest &&
      !isa<FloatType>(inType.getElementType()))
    return imp.emitError() << "linear and cubic modes need float data";
  size_t count =
      scales ? scales->size()
      : sizes
          ? sizes->size()
          : size_t(
                cast<RankedTensorType>(runtimeSizes.getType()).getDimSize(0));
  if (int64_t(count) != rank)
    return imp.emitError() << "'" << (scales ? "scales" : "sizes") << "' has "
                           << count << " elements for an input of rank "
                           << rank;
  if (roi.empty())
    for (int k = 0; k < 2; ++k)
      roi.insert(roi.end(), rank, double(k));
  if (int64_t(roi.size()) != 2 * rank)
    return imp.emitError() << "'roi' has " << roi.size()
                           << " elements, expected " << 2 * rank;
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  auto indexConstant = [&](int64_t v) -> Value {
    return imp.create<arith::ConstantIndexOp>(v);
  };
  // Per dim: the output size, static or (outSizes) computed at run time. A
  // run-time dim of scale 1 whose coordinate map is the identity at every
  // size passes through.
  SmallVector<std::optional<int64_t>> knownSizes(rank);
  if (const ShapeData *data = imp.getState().getShapeData();
      runtimeSizes && data)
    if (auto it = data->find(imp.getNode().input(3)); it != data->end())
      for (int64_t d = 0; d < rank && d < it->second.dim_size(); ++d)
        if (it->second.dim(d).has_dim_value() &&
            it->second.dim(d).dim_value() >= 0)
          knownSizes[d] = it->second.dim(d).dim_value();
  SmallVector<int64_t> shape;
  SmallVector<Value> outSizes(rank);
  SmallVector<bool> passThrough(rank, false);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t in = inType.getDimSize(d);
    bool runtimeIn = ShapedType::isDynamic(in);
    if (runtimeIn && opts.coord == CoordMode::TfCropAndResize)
      return imp.emitError()
             << "input of shape " << formatShape(inType.getShape())
             << ": tf_crop_and_resize over a run-time dim (" << d
             << ") is not supported yet (fix the model's symbolic dims with "
                "--input-shape)";
    if (runtimeSizes) {
      Value size = imp.create<tensor::ExtractOp>(runtimeSizes,
                                                 ValueRange{indexConstant(d)});
      // An entry ONNX's data propagation knows (the channels, say) is a
      // static size, checked at run time.
      if (std::optional<int64_t> known = knownSizes[d]) {
        buildRuntimeCheck(
            imp,
            imp.create<arith::CmpIOp>(
                arith::CmpIPredicate::eq, size,
                imp.create<arith::ConstantIntOp>(*known, size.getType())),
            "'sizes' entry " + std::to_string(d) + " differs from the " +
                std::to_string(*known) + " inferred at compile time");
        shape.push_back(*known);
        continue;
      }
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(
              arith::CmpIPredicate::sge, size,
              imp.create<arith::ConstantIntOp>(0, size.getType())),
          "'sizes' entry " + std::to_string(d) + " is negative");
      outSizes[d] = imp.create<arith::IndexCastOp>(b.getIndexType(), size);
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (sizes) {
      if ((*sizes)[d] < 0)
        return imp.emitError() << "sizes must not be negative";
      shape.push_back((*sizes)[d]);
      continue;
    }
    float scale = float((*scales)[d]);
    if (!(scale > 0))
      return imp.emitError() << "scale " << double(scale) << " on dim " << d
                             << " is not positive";
    if (runtimeIn) {
      bool identity = scale == 1.0f;
      for (int64_t n : {1, 2, 3, 5, 16, 1000})
        identity &=
            makeAxisMap(opts, n, n, 1.0, double(n), roi[d], roi[rank + d])
                .isIdentity(opts.coord);
      passThrough[d] = identity;
      Value inSize = imp.create<tensor::DimOp>(*input, d);
      if (identity) {
        outSizes[d] = inSize;
      } else {
        // floor(input * scale) in f32, as the reference computes it.
        ScalarBuilder f32(b, loc, b.getF32Type());
        Value size = imp.create<math::FloorOp>(f32.mul(
            indexAsFloat(b, loc, inSize, b.getF32Type()), f32.constant(scale)));
        outSizes[d] = imp.create<arith::IndexCastOp>(
            b.getIndexType(),
            imp.create<arith::FPToSIOp>(b.getI64Type(), size));
      }
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    float size = std::floor(float(in) * scale);
    if (!(size < 0x1p62f))
      return imp.emitError()
             << "scale " << double(scale) << " on dim " << d << " is too large";
    shape.push_back(int64_t(size));
  }
  FailureOr<RankedTensorType> type = getSampledOutputType(imp, inType, shape);
  if (failed(type))
    return failure();
  if (!*type)
    return success();
  SmallVector<Value> runtimeDims;
  for (int64_t d = 0; d < rank; ++d)
    if (type->isDynamicDim(d))
      runtimeDims.push_back(outSizes[d]);
  // Before any use of the sizes: a scale or `sizes` entry read from the
  // data must not make the result huge.
  if (!llvm::all_of(passThrough, [](bool p) { return p; }))
    buildRuntimeSizeCheck(imp, *type, runtimeDims);
  SmallVector<AxisMap> maps;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t in = inType.getDimSize(d), out = type->getDimSize(d);
    if (passThrough[d]) {
      maps.push_back(makeAxisMap(opts, 1, 1, 1.0, 1.0, 0.0, 1.0));
      continue;
    }
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(out)) {
      Value inSize = ShapedType::isDynamic(in)
                         ? Value(imp.create<tensor::DimOp>(*input, d))
                         : indexConstant(in);
      Value outSize =
          ShapedType::isDynamic(out) ? outSizes[d] : indexConstant(out);
      // An empty input has no element to sample from.
      Value zero = indexConstant(0);
      buildRuntimeCheck(imp,
                        imp.create<arith::OrIOp>(
                            imp.create<arith::CmpIOp>(arith::CmpIPredicate::sgt,
                                                      inSize, zero),
                            imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq,
                                                      outSize, zero)),
                        "input dim " + std::to_string(d) +
                            " is empty but the resized one is not");
      std::optional<float> scale;
      if (scales)
        scale = float((*scales)[d]);
      maps.push_back(makeRuntimeAxisMap(imp, inSize, outSize, scale));
      continue;
    }
    double scale, length;
    if (scales) {
      float s = float((*scales)[d]);
      scale = s;
      length = double(s * float(in));
    } else {
      scale = double(out) / double(in);
      length = double(out);
    }
    maps.push_back(
        makeAxisMap(opts, in, out, scale, length, roi[d], roi[rank + d]));
  }
  imp.setOutput(0, buildResize(imp, *input, *type, maps, opts, runtimeDims));
  return success();
}

/// The mode of Upsample and Resize-10: nearest or linear.
static FailureOr<ResizeMode> getLegacyMode(NodeImporter &imp) {
  return getEnumAttr<ResizeMode>(
      imp, "mode", "nearest",
      {{"nearest", ResizeMode::Nearest}, {"linear", ResizeMode::Linear}});
}

/// Upsample (7: scales attribute; 9: scales input) and Resize-10: the
/// coordinate mode is asymmetric and nearest rounds down (what ONNX's
/// version converter gives them in Resize-11 terms).
static LogicalResult importLegacyResize(NodeImporter &imp) {
  FailureOr<ResizeMode> mode = getLegacyMode(imp);
  if (failed(mode))
    return failure();
  ResizeOptions opts;
  opts.mode = *mode;
  opts.coord = CoordMode::Asymmetric;
  opts.nearest = NearestMode::Floor;
  std::vector<double> scales;
  if (imp.getNode().op_type() == "Upsample" && imp.getOpset() < 9) {
    const onnx::AttributeProto *attr = imp.getAttr("scales");
    if (!attr)
      return imp.emitError() << "missing 'scales' attribute";
    scales.assign(attr->floats().begin(), attr->floats().end());
  } else {
    FailureOr<std::vector<double>> values = getConstantFloats(imp, 1, "scales");
    if (failed(values))
      return failure();
    scales = std::move(*values);
  }
  return importResizeWith(imp, opts, std::move(scales), std::nullopt, {});
}

static FailureOr<ResizeOptions> getResizeOptions(NodeImporter &imp) {
  FailureOr<ResizeMode> mode =
      getEnumAttr<ResizeMode>(imp, "mode", "nearest",
                              {{"nearest", ResizeMode::Nearest},
                               {"linear", ResizeMode::Linear},
                               {"cubic", ResizeMode::Cubic}});
  FailureOr<CoordMode> coord = getEnumAttr<CoordMode>(
      imp, "coordinate_transformation_mode", "half_pixel",
      {{"half_pixel", CoordMode::HalfPixel},
       {"pytorch_half_pixel", CoordMode::PytorchHalfPixel},
       {"align_corners", CoordMode::AlignCorners},
       {"asymmetric", CoordMode::Asymmetric},
       {"tf_half_pixel_for_nn", CoordMode::TfHalfPixelForNN},
       {"tf_crop_and_resize", CoordMode::TfCropAndResize}});
  FailureOr<NearestMode> nearest = getEnumAttr<NearestMode>(
      imp, "nearest_mode", "round_prefer_floor",
      {{"round_prefer_floor", NearestMode::RoundPreferFloor},
       {"round_prefer_ceil", NearestMode::RoundPreferCeil},
       {"floor", NearestMode::Floor},
       {"ceil", NearestMode::Ceil}});
  if (failed(mode) || failed(coord) || failed(nearest))
    return failure();
  ResizeOptions opts;
  opts.mode = *mode;
  opts.coord = *coord;
  opts.nearest = *nearest;
  opts.cubicA = imp.getFloatAttr("cubic_coeff_a", -0.75f);
  opts.excludeOutside = imp.getIntAttr("exclude_outside", 0) != 0;
  opts.extrapolation = imp.getFloatAttr("extrapolation_value", 0.0f);
  return opts;
}

/// Resize-11 and -13: X, roi, scales, sizes.
static LogicalResult importResize(NodeImporter &imp) {
  if (imp.getOpset() < 11)
    return importLegacyResize(imp);
  FailureOr<ResizeOptions> opts = getResizeOptions(imp);
  if (failed(opts))
    return failure();
  bool hasScales = hasNonEmptyInput(imp, 2);
  bool hasSizes = hasNonEmptyInput(imp, 3);
  if (hasScales == hasSizes)
    return imp.emitError() << "expects exactly one of 'scales' and 'sizes'";
  std::vector<double> roi;
  // roi is read only where it has an effect.
  if (opts->coord == CoordMode::TfCropAndResize && hasNonEmptyInput(imp, 1)) {
    FailureOr<std::vector<double>> values = getConstantFloats(imp, 1, "roi");
    if (failed(values))
      return failure();
    roi = std::move(*values);
    opts->roiInDouble = imp.getConstantInput(1)->type.getElementType().isF64();
  }
  if (hasScales) {
    FailureOr<std::vector<double>> scales = getConstantFloats(imp, 2, "scales");
    if (failed(scales))
      return failure();
    return importResizeWith(imp, *opts, std::move(*scales), std::nullopt,
                            std::move(roi));
  }
  if (!imp.getConstantInput(3)) {
    // Sizes read at run time (a shape computed from another tensor's).
    FailureOr<Value> sizes = imp.getInput(3);
    if (failed(sizes))
      return failure();
    auto sizesType = cast<RankedTensorType>(sizes->getType());
    if (sizesType.getRank() != 1 || sizesType.isDynamicDim(0) ||
        !sizesType.getElementType().isInteger(64))
      return imp.emitError()
             << "expects 'sizes' of one int64 per dim, got " << sizesType;
    return importResizeWith(imp, *opts, std::nullopt, std::nullopt,
                            std::move(roi), *sizes);
  }
  FailureOr<SmallVector<int64_t>> sizes = imp.getConstantInts(3, "sizes");
  if (failed(sizes))
    return failure();
  return importResizeWith(imp, *opts, std::nullopt, std::move(*sizes),
                          std::move(roi));
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getSamplingRules() {
  using DT = onnx::TensorProto;
  // Not bfloat16: untested (aic's Cast does not produce it, and ONNX's
  // GridSample does not take it).
  constexpr TypeSet kFloat =
      typeBit(DT::FLOAT16) | typeBit(DT::FLOAT) | typeBit(DT::DOUBLE);
  constexpr TypeSet kAny = kFloat | types::kInt | types::kBool;
  static const OpRuleInfo rules[] = {
      {"GridSample", importGridSample, 16, kFloat, "", true},
      {"Resize", importResize, 10, kAny, "", true},
      {"RoiAlign", importRoiAlign, 10, kFloat, "", true},
      {"Upsample", importLegacyResize, 7, kAny},
  };
  return rules;
}
