//===- SamplingGridRules.cpp - Import rules for GridSample and RoiAlign ---===//
//
// Operators that sample the input at positions read at run time: GridSample
// (from its grid) and RoiAlign (from its boxes). Each is a linalg.generic
// over the result whose body computes the positions in the data type (at
// least f32), reads the neighbours with tensor.extract at indices clamped
// into the input, and blends them. GridSample follows PyTorch's
// grid_sampler_2d (which produced the ONNX test data), RoiAlign the ONNX
// reference (whose max mode takes the largest weighted neighbour, as
// ONNX Runtime does); its adaptive sample counts are scf.for loops.
//
//===----------------------------------------------------------------------===//
#include "Sampling.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <optional>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

namespace {
enum class GridMode { Bilinear, Nearest, Bicubic };
enum class PaddingMode { Zeros, Border, Reflection };

/// Builds the sampling of one 4-D input at float positions, as PyTorch's
/// grid_sampler_2d does on CPU.
struct GridSampler {
  OpBuilder &b;
  Location loc;
  ScalarBuilder &s;
  Value input;
  Value batch, channel;
  /// The input's height and width: as floats of the compute type, static
  /// ones constants.
  Value height, width;
  PaddingMode padding;
  bool alignCorners;

  Value minusOne(Value size) { return s.sub(size, s.constant(1)); }

  /// Grid coordinate in [-1, 1] to a pixel position.
  Value unnormalize(Value coord, Value size) {
    Value one = s.constant(1);
    if (alignCorners)
      return s.mul(s.div(s.add(coord, one), s.constant(2)), minusOne(size));
    return s.div(s.sub(s.mul(s.add(coord, one), size), one), s.constant(2));
  }

  /// Clamps to [0, size - 1] (NaN to 0).
  Value clip(Value x, Value size) {
    x = b.create<arith::MaxNumFOp>(loc, x, s.constant(0));
    return b.create<arith::MinNumFOp>(loc, x, minusOne(size));
  }

  /// Reflects x into [low, low + span] until it is in range; 0 for an empty
  /// span.
  Value reflect(Value x, double low, Value span) {
    // x + low and x - low are exact no-ops for low == 0.
    auto addLow = [&](Value v, double sign) {
      return low == 0 ? v : s.add(v, s.constant(sign * low));
    };
    x = b.create<math::AbsFOp>(loc, addLow(x, -1));
    Value extra = b.create<arith::RemFOp>(loc, x, span);
    Value flips = b.create<math::FloorOp>(loc, s.div(x, span));
    Value parity = b.create<arith::RemFOp>(loc, flips, s.constant(2));
    Value even = s.cmp(CmpKind::eq, parity, s.constant(0));
    Value forward = addLow(extra, 1);
    Value backward = addLow(s.sub(span, extra), 1);
    return s.select(s.cmp(CmpKind::eq, span, s.constant(0)), s.constant(0),
                    s.select(even, forward, backward));
  }

  /// Applies the padding mode to a pixel position.
  Value pad(Value x, Value size) {
    switch (padding) {
    case PaddingMode::Zeros:
      return x;
    case PaddingMode::Border:
      return clip(x, size);
    case PaddingMode::Reflection:
      return clip(alignCorners ? reflect(x, 0, minusOne(size))
                               : reflect(x, -0.5, size),
                  size);
    }
    return x;
  }

  /// The input at integer-valued position (x, y), 0 outside.
  Value read(Value x, Value y) {
    Value lastX = minusOne(width), lastY = minusOne(height);
    Value insideX = isInRange(s, x, lastX);
    Value insideY = isInRange(s, y, lastY);
    Value inside = b.create<arith::AndIOp>(loc, insideX, insideY);
    Value v = b.create<tensor::ExtractOp>(
        loc, input,
        ValueRange{batch, channel, toClampedIndex(b, loc, y, lastY),
                   toClampedIndex(b, loc, x, lastX)});
    return s.select(inside, castFloat(b, loc, v, s.getType()), s.constant(0));
  }

  /// Cubic interpolation (a = -0.75) of four samples at t.
  Value cubic(ArrayRef<Value> values, Value t) {
    std::array<Value, 4> w = getCubicWeights(s, t, -0.75);
    Value sum;
    for (auto [v, wk] : llvm::zip(values, w))
      sum = sum ? s.add(sum, s.mul(v, wk)) : s.mul(v, wk);
    return sum;
  }

  /// The sample at grid position (gx, gy).
  Value sample(GridMode mode, Value gx, Value gy) {
    Value ix = unnormalize(gx, width), iy = unnormalize(gy, height);
    if (mode == GridMode::Bicubic) {
      // The padding applies to each of the 4x4 taps.
      Value x0 = b.create<math::FloorOp>(loc, ix);
      Value y0 = b.create<math::FloorOp>(loc, iy);
      SmallVector<Value, 4> xs, ys, rows;
      for (int k = -1; k <= 2; ++k) {
        xs.push_back(pad(k == 0 ? x0 : s.add(x0, s.constant(k)), width));
        ys.push_back(pad(k == 0 ? y0 : s.add(y0, s.constant(k)), height));
      }
      Value tx = s.sub(ix, x0), ty = s.sub(iy, y0);
      for (Value y : ys) {
        SmallVector<Value, 4> row;
        for (Value x : xs)
          row.push_back(read(x, y));
        rows.push_back(cubic(row, tx));
      }
      return cubic(rows, ty);
    }
    ix = pad(ix, width);
    iy = pad(iy, height);
    if (mode == GridMode::Nearest) {
      Value x = b.create<math::RoundEvenOp>(loc, ix);
      Value y = b.create<math::RoundEvenOp>(loc, iy);
      return read(x, y);
    }
    Value x0 = b.create<math::FloorOp>(loc, ix);
    Value y0 = b.create<math::FloorOp>(loc, iy);
    Value one = s.constant(1);
    Value x1 = s.add(x0, one), y1 = s.add(y0, one);
    Value wx0 = s.sub(x1, ix), wx1 = s.sub(ix, x0);
    Value wy0 = s.sub(y1, iy), wy1 = s.sub(iy, y0);
    // PyTorch's order: nw, ne, sw, se.
    Value sum;
    for (auto [y, wy] : {std::pair(y0, wy0), {y1, wy1}})
      for (auto [x, wx] : {std::pair(x0, wx0), {x1, wx1}}) {
        Value v = read(x, y);
        Value term = s.mul(v, s.mul(wx, wy));
        sum = sum ? s.add(sum, term) : term;
      }
    return sum;
  }
};
} // namespace

/// GridSample-16 on (N, C, H, W) with a grid (N, Ho, Wo, 2) of (x, y).
LogicalResult aic::importer::importGridSample(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0), grid = imp.getInput(1);
  if (failed(input) || failed(grid))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  auto gridType = cast<RankedTensorType>(grid->getType());
  if (inType.getRank() != 4 || gridType.getRank() != 4 ||
      gridType.getDimSize(3) != 2 ||
      (!inType.isDynamicDim(0) && !gridType.isDynamicDim(0) &&
       gridType.getDimSize(0) != inType.getDimSize(0)))
    return imp.emitError() << "expects a 4-D input and a grid of shape "
                              "[N, H_out, W_out, 2]";
  if (inType.isDynamicDim(1))
    return imp.emitError() << "a run-time number of channels (dim 1 of the "
                              "input) is not supported yet";
  if (!isa<FloatType>(gridType.getElementType()))
    return imp.emitError() << "expects a float grid";
  FailureOr<GridMode> mode =
      getEnumAttr<GridMode>(imp, "mode", "bilinear",
                            {{"bilinear", GridMode::Bilinear},
                             {"nearest", GridMode::Nearest},
                             {"bicubic", GridMode::Bicubic}});
  if (failed(mode))
    return failure();
  FailureOr<PaddingMode> padding =
      getEnumAttr<PaddingMode>(imp, "padding_mode", "zeros",
                               {{"zeros", PaddingMode::Zeros},
                                {"border", PaddingMode::Border},
                                {"reflection", PaddingMode::Reflection}});
  if (failed(padding))
    return failure();
  bool alignCorners = imp.getIntAttr("align_corners", 0) != 0;
  Type elementType = inType.getElementType();
  // The batch is the grid's where the input's is known only at run time;
  // the two are checked equal per run.
  int64_t batch =
      gridType.isDynamicDim(0) ? inType.getDimSize(0) : gridType.getDimSize(0);
  FailureOr<RankedTensorType> type =
      getSampledOutputType(imp, inType,
                           {batch, inType.getDimSize(1), gridType.getDimSize(1),
                            gridType.getDimSize(2)});
  if (failed(type))
    return failure();
  if (!*type)
    return success();
  if (inType.isDynamicDim(0) || gridType.isDynamicDim(0))
    buildRuntimeCheck(
        imp,
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq,
                                  imp.create<tensor::DimOp>(*input, 0),
                                  imp.create<tensor::DimOp>(*grid, 0)),
        "the input's and the grid's batch (dim 0) differ at "
        "run time");
  // The input's run-time height and width, read in the body. Reads clamp
  // their indices into the input, which therefore must not be empty unless
  // the result is (a grid with no positions reads nothing).
  Value dims[2];
  Value noPositions;
  for (int k = 0; k < 2; ++k) {
    if (!inType.isDynamicDim(2 + k))
      continue;
    dims[k] = imp.create<tensor::DimOp>(*input, 2 + k);
    if (!noPositions)
      for (int64_t g = 0; g < 3; ++g) {
        Value empty = imp.create<arith::CmpIOp>(
            arith::CmpIPredicate::eq, imp.create<tensor::DimOp>(*grid, g),
            imp.create<arith::ConstantIndexOp>(0));
        noPositions =
            noPositions ? imp.create<arith::OrIOp>(noPositions, empty) : empty;
      }
    Value positive =
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::sgt, dims[k],
                                  imp.create<arith::ConstantIndexOp>(0));
    buildRuntimeCheck(imp, imp.create<arith::OrIOp>(positive, noPositions),
                      std::string("the input's ") + (k ? "width" : "height") +
                          " is 0 at run time: there is nothing to sample");
  }
  // The grid is read twice, at (n, h, w, 0) for x and (n, h, w, 1) for y.
  MLIRContext *ctx = imp.getContext();
  SmallVector<AffineMap> maps;
  for (int64_t k : {0, 1})
    maps.push_back(AffineMap::get(
        4, 0,
        {getAffineDimExpr(0, ctx), getAffineDimExpr(2, ctx),
         getAffineDimExpr(3, ctx), getAffineConstantExpr(k, ctx)},
        ctx));
  Type computeType = getComputeType(elementType);
  Value source = *input;
  imp.setOutput(
      0,
      buildGeneric(imp, *type, ValueRange{*grid, *grid}, maps,
                   [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                     ScalarBuilder s(b, loc, computeType);
                     Value sizes[2];
                     for (int k = 0; k < 2; ++k)
                       sizes[k] =
                           dims[k] ? indexAsFloat(b, loc, dims[k], computeType)
                                   : s.constant(static_cast<double>(
                                         inType.getDimSize(2 + k)));
                     GridSampler sampler{b,
                                         loc,
                                         s,
                                         source,
                                         b.create<linalg::IndexOp>(loc, 0),
                                         b.create<linalg::IndexOp>(loc, 1),
                                         sizes[0],
                                         sizes[1],
                                         *padding,
                                         alignCorners};
                     Value gx = castFloat(b, loc, args[0], computeType);
                     Value gy = castFloat(b, loc, args[1], computeType);
                     Value result = sampler.sample(*mode, gx, gy);
                     return castFloat(b, loc, result, elementType);
                   }));
  return success();
}

//===----------------------------------------------------------------------===//
// RoiAlign
//===----------------------------------------------------------------------===//

namespace {
/// The attributes of RoiAlign.
struct RoiAlignOptions {
  bool max = false;
  bool halfPixel = true;
  int64_t samplingRatio = 0;
  double spatialScale = 1.0;
  int64_t outHeight = 1, outWidth = 1;
};
} // namespace

/// One output element of RoiAlign, as the ONNX reference computes it: the
/// bin's grid of samples (fixed, or ceil(bin size) per axis when
/// sampling_ratio is 0, so a run-time loop), each bilinear from its four
/// neighbours (0 outside [-1, size]); avg averages the samples, max takes
/// the largest weighted neighbour of any sample. `height` and `width` are
/// the input's, as floats of `computeType`.
static Value buildRoiAlignElement(OpBuilder &b, Location loc, Value input,
                                  Value height, Value width, ValueRange box,
                                  Value batch, const RoiAlignOptions &opts,
                                  Type computeType) {
  ScalarBuilder s(b, loc, computeType);
  Value channel = b.create<linalg::IndexOp>(loc, 1);
  Value ph =
      indexAsFloat(b, loc, b.create<linalg::IndexOp>(loc, 2), computeType);
  Value pw =
      indexAsFloat(b, loc, b.create<linalg::IndexOp>(loc, 3), computeType);
  Value offset = s.constant(opts.halfPixel ? 0.5 : 0.0);
  Value scale = s.constant(opts.spatialScale);
  SmallVector<Value, 4> corner;
  for (Value v : box)
    corner.push_back(
        s.sub(s.mul(castFloat(b, loc, v, computeType), scale), offset));
  Value roiWidth = s.sub(corner[2], corner[0]);
  Value roiHeight = s.sub(corner[3], corner[1]);
  if (!opts.halfPixel) {
    // Malformed boxes become 1x1.
    roiWidth = s.max(roiWidth, s.constant(1));
    roiHeight = s.max(roiHeight, s.constant(1));
  }
  Value binHeight = s.div(roiHeight, s.constant(opts.outHeight));
  Value binWidth = s.div(roiWidth, s.constant(opts.outWidth));
  // The sample count per axis, as a float (for positions) and an index.
  auto gridSize = [&](Value bin) -> std::pair<Value, Value> {
    if (opts.samplingRatio > 0)
      return {s.constant(opts.samplingRatio),
              b.create<arith::ConstantIndexOp>(loc, opts.samplingRatio)};
    Value n = b.create<math::CeilOp>(loc, bin);
    n = b.create<arith::MaxNumFOp>(loc, n, s.constant(0));
    n = b.create<arith::MinNumFOp>(loc, n, s.constant(1 << 30));
    Value i = b.create<arith::FPToSIOp>(loc, b.getI64Type(), n);
    return {n, b.create<arith::IndexCastOp>(loc, b.getIndexType(), i)};
  };
  auto [gridH, gridHIndex] = gridSize(binHeight);
  auto [gridW, gridWIndex] = gridSize(binWidth);

  // Per axis: the two neighbours (clamped), their weights, and whether the
  // sample lies in [-1, size] (false for NaN).
  struct Axis {
    Value low, high, wLow, wHigh, inside;
  };
  // The sample position is binStart + (i + 0.5) * bin / grid.
  auto sampleAxis = [&](OpBuilder &nb, Value binStart, Value bin, Value grid,
                        Value i, Value size) {
    ScalarBuilder ns(nb, loc, computeType);
    Value k = indexAsFloat(nb, loc, i, computeType);
    Value offset = ns.div(ns.mul(ns.add(k, ns.constant(0.5)), bin), grid);
    Value pos = ns.add(binStart, offset);
    Axis a;
    Value aboveMin = ns.cmp(CmpKind::ge, pos, ns.constant(-1));
    Value belowMax = ns.cmp(CmpKind::le, pos, size);
    a.inside = nb.create<arith::AndIOp>(loc, aboveMin, belowMax);
    pos = nb.create<arith::MaxNumFOp>(loc, pos, ns.constant(0));
    pos = nb.create<arith::MinNumFOp>(loc, pos, size);
    Value last = ns.sub(size, ns.constant(1));
    Value low = nb.create<math::FloorOp>(loc, pos);
    Value atEnd = ns.cmp(CmpKind::ge, low, last);
    low = ns.select(atEnd, last, low);
    pos = ns.select(atEnd, last, pos);
    Value high = ns.select(atEnd, last, ns.add(low, ns.constant(1)));
    a.wHigh = ns.sub(pos, low);
    a.wLow = ns.sub(ns.constant(1), a.wHigh);
    a.low = toClampedIndex(nb, loc, low, last);
    a.high = toClampedIndex(nb, loc, high, last);
    return a;
  };

  Value zeroIndex = b.create<arith::ConstantIndexOp>(loc, 0);
  Value oneIndex = b.create<arith::ConstantIndexOp>(loc, 1);
  Value yStart = s.add(corner[1], s.mul(ph, binHeight));
  Value xStart = s.add(corner[0], s.mul(pw, binWidth));
  Value init = opts.max ? s.lowest() : s.constant(0);
  auto rows = b.create<scf::ForOp>(
      loc, zeroIndex, gridHIndex, oneIndex, ValueRange{init},
      [&](OpBuilder &ob, Location, Value iy, ValueRange rowAcc) {
        Axis y = sampleAxis(ob, yStart, binHeight, gridH, iy, height);
        auto cols = ob.create<scf::ForOp>(
            loc, zeroIndex, gridWIndex, oneIndex, rowAcc,
            [&](OpBuilder &ib, Location, Value ix, ValueRange acc) {
              Axis x = sampleAxis(ib, xStart, binWidth, gridW, ix, width);
              ScalarBuilder is(ib, loc, computeType);
              // The weighted neighbours, summed (avg) or their largest
              // (max).
              Value sample;
              for (auto [yi, wy] :
                   {std::pair(y.low, y.wLow), {y.high, y.wHigh}})
                for (auto [xi, wx] :
                     {std::pair(x.low, x.wLow), {x.high, x.wHigh}}) {
                  Value v = ib.create<tensor::ExtractOp>(
                      loc, input, ValueRange{batch, channel, yi, xi});
                  v = castFloat(ib, loc, v, computeType);
                  Value term = is.mul(is.mul(wy, wx), v);
                  sample = !sample    ? term
                           : opts.max ? is.max(sample, term)
                                      : is.add(sample, term);
                }
              Value inside = ib.create<arith::AndIOp>(loc, y.inside, x.inside);
              sample = is.select(inside, sample, is.constant(0));
              Value next =
                  opts.max ? is.max(acc[0], sample) : is.add(acc[0], sample);
              ib.create<scf::YieldOp>(loc, next);
            });
        ob.create<scf::YieldOp>(loc, cols.getResults());
      });
  Value result = rows.getResult(0);
  Value count = s.mul(gridH, gridW);
  if (opts.max)
    // No sample leaves the reference's initial 0.
    return s.select(s.cmp(CmpKind::gt, count, s.constant(0)), result,
                    s.constant(0));
  return s.div(result, s.max(count, s.constant(1)));
}

/// RoiAlign-10 and -16: X (N, C, H, W), rois (R, 4) as [x1, y1, x2, y2],
/// batch_indices (R). Batch indices are clamped into [0, N): ONNX leaves
/// others undefined and no read may leave the input. Any dim may be known
/// only at run time (a detector pools a data-dependent number of boxes);
/// the box counts and the 4 are then checked per run.
LogicalResult aic::importer::importRoiAlign(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0), rois = imp.getInput(1),
                   indices = imp.getInput(2);
  if (failed(input) || failed(rois) || failed(indices))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  auto roisType = cast<RankedTensorType>(rois->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  if (inType.getRank() != 4)
    return imp.emitError() << "expects a 4-D input";
  auto mayDiffer = [](int64_t a, int64_t b) {
    return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
  };
  if (roisType.getRank() != 2 || mayDiffer(roisType.getDimSize(1), 4) ||
      indicesType.getRank() != 1 ||
      mayDiffer(indicesType.getDimSize(0), roisType.getDimSize(0)))
    return imp.emitError()
           << "expects rois of shape [R, 4] and batch_indices of shape [R]";
  if (!isa<FloatType>(roisType.getElementType()) ||
      !isa<IntegerType>(indicesType.getElementType()))
    return imp.emitError() << "expects float rois and integer batch_indices";
  FailureOr<bool> max =
      getEnumAttr<bool>(imp, "mode", "avg", {{"avg", false}, {"max", true}});
  // Opset 10 has no attribute and behaves as output_half_pixel.
  FailureOr<bool> halfPixel =
      imp.getOpset() < 16
          ? false
          : getEnumAttr<bool>(
                imp, "coordinate_transformation_mode", "half_pixel",
                {{"half_pixel", true}, {"output_half_pixel", false}});
  if (failed(max) || failed(halfPixel))
    return failure();
  RoiAlignOptions opts;
  opts.max = *max;
  opts.halfPixel = *halfPixel;
  opts.samplingRatio = imp.getIntAttr("sampling_ratio", 0);
  opts.spatialScale = imp.getFloatAttr("spatial_scale", 1.0f);
  opts.outHeight = imp.getIntAttr("output_height", 1);
  opts.outWidth = imp.getIntAttr("output_width", 1);
  if (opts.samplingRatio < 0 || opts.outHeight <= 0 || opts.outWidth <= 0)
    return imp.emitError() << "expects positive output sizes and a "
                              "non-negative sampling_ratio";
  Type elementType = inType.getElementType();
  int64_t boxes = roisType.isDynamicDim(0) ? indicesType.getDimSize(0)
                                           : roisType.getDimSize(0);
  FailureOr<RankedTensorType> type = getSampledOutputType(
      imp, inType,
      {boxes, inType.getDimSize(1), opts.outHeight, opts.outWidth});
  if (failed(type))
    return failure();
  if (!*type)
    return success();
  auto dim = [&](Value v, int64_t d) -> Value {
    return imp.create<tensor::DimOp>(v, d);
  };
  auto index = [&](int64_t v) -> Value {
    return imp.create<arith::ConstantIndexOp>(v);
  };
  // (One op created per statement, so that the IR's order is fixed.)
  auto compare = [&](arith::CmpIPredicate predicate, Value a,
                     int64_t b) -> Value {
    Value constant = index(b);
    return imp.create<arith::CmpIOp>(predicate, a, constant);
  };
  Value count = dim(*rois, 0);
  if (roisType.isDynamicDim(1)) {
    Value four = dim(*rois, 1);
    buildRuntimeCheck(imp, compare(arith::CmpIPredicate::eq, four, 4),
                      "dim 1 of rois is not 4 at run time");
  }
  if (roisType.isDynamicDim(0) || indicesType.isDynamicDim(0)) {
    Value indexCount = dim(*indices, 0);
    buildRuntimeCheck(
        imp,
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, count, indexCount),
        "rois and batch_indices hold different numbers of boxes at run time");
  }
  // Reads clamp their indices into the input, which therefore must not be
  // empty where there are boxes to pool (a static shape was checked).
  SmallVector<Value, 3> inDims;
  bool nonEmpty = true;
  for (int64_t d : {0, 2, 3}) {
    nonEmpty &= !inType.isDynamicDim(d) && inType.getDimSize(d) > 0;
    inDims.push_back(inType.isDynamicDim(d) ? dim(*input, d)
                                            : index(inType.getDimSize(d)));
  }
  if (!nonEmpty) {
    Value ok = compare(arith::CmpIPredicate::eq, count, 0);
    Value positive = compare(arith::CmpIPredicate::sgt, inDims[0], 0);
    for (Value size : ArrayRef<Value>(inDims).drop_front()) {
      Value sizePositive = compare(arith::CmpIPredicate::sgt, size, 0);
      positive = imp.create<arith::AndIOp>(positive, sizePositive);
    }
    buildRuntimeCheck(imp, imp.create<arith::OrIOp>(ok, positive),
                      "the input is empty at run time but there are boxes "
                      "to pool");
  }
  Value one = index(1);
  Value lastBatch = imp.create<arith::SubIOp>(inDims[0], one);
  Type computeType = getComputeType(elementType);
  Value sizes[2];
  for (int k = 0; k < 2; ++k) {
    Value i64 = imp.create<arith::IndexCastOp>(imp.getBuilder().getI64Type(),
                                               inDims[1 + k]);
    sizes[k] = imp.create<arith::SIToFPOp>(computeType, i64);
  }
  SmallVector<Value, 2> runtimeSizes;
  if (type->isDynamicDim(0))
    runtimeSizes.push_back(count);
  if (type->isDynamicDim(1))
    runtimeSizes.push_back(dim(*input, 1));
  // The run-time sample loops are scf.for.
  imp.getContext()->getOrLoadDialect<scf::SCFDialect>();
  MLIRContext *ctx = imp.getContext();
  SmallVector<AffineMap> maps;
  for (int64_t k = 0; k < 4; ++k)
    maps.push_back(AffineMap::get(
        4, 0, {getAffineDimExpr(0, ctx), getAffineConstantExpr(k, ctx)}, ctx));
  maps.push_back(AffineMap::get(4, 0, {getAffineDimExpr(0, ctx)}, ctx));
  Value source = *input;
  imp.setOutput(
      0, buildGeneric(
             imp, *type, ValueRange{*rois, *rois, *rois, *rois, *indices}, maps,
             runtimeSizes,
             [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
               Value batch =
                   b.create<arith::IndexCastOp>(loc, b.getIndexType(), args[4]);
               batch = b.create<arith::MaxSIOp>(
                   loc, batch, b.create<arith::ConstantIndexOp>(loc, 0));
               batch = b.create<arith::MinSIOp>(loc, batch, lastBatch);
               Value result = buildRoiAlignElement(b, loc, source, sizes[0],
                                                   sizes[1], args.take_front(4),
                                                   batch, opts, computeType);
               return castFloat(b, loc, result, elementType);
             }));
  return success();
}
