//===- NNRules.cpp - Import rules for convolution and pooling -------------===//
//
// ONNX describes sliding windows with auto_pad, ceil_mode and per-opset
// defaults; aic ops take explicit kernel/strides/dilations/pads. These rules
// resolve the former into the latter and check that the window arithmetic
// reproduces the output shape ONNX inferred, so an unsupported corner turns
// into an error at the node rather than a wrong result.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

FailureOr<SmallVector<int64_t>>
aic::importer::getSpatialAttr(NodeImporter &imp, StringRef name, size_t count,
                              int64_t fill, int64_t min) {
  if (!imp.getAttr(name))
    return SmallVector<int64_t>(count, fill);
  SmallVector<int64_t> values = imp.getIntsAttr(name);
  if (values.size() != count) {
    imp.emitError() << "'" << name << "' has " << values.size()
                    << " entries, expected " << count;
    return failure();
  }
  for (int64_t v : values) {
    if (v < min) {
      imp.emitError() << "'" << name << "' has an invalid entry " << v;
      return failure();
    }
  }
  return values;
}

FailureOr<Window>
aic::importer::resolveWindow(NodeImporter &imp, ArrayRef<int64_t> in,
                             ArrayRef<int64_t> out, ArrayRef<int64_t> kernel,
                             bool hasDilations, bool allowEndPadding,
                             bool allowRuntimeSame) {
  size_t n = in.size();
  Window w;
  w.runtimeSame.assign(n, false);
  w.kernel.assign(kernel.begin(), kernel.end());
  FailureOr<SmallVector<int64_t>> strides =
      getSpatialAttr(imp, "strides", n, 1);
  FailureOr<SmallVector<int64_t>> dilations =
      hasDilations
          ? getSpatialAttr(imp, "dilations", n, 1)
          : FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>(n, 1));
  if (failed(strides) || failed(dilations))
    return failure();
  w.strides = std::move(*strides);
  w.dilations = std::move(*dilations);

  std::string autoPad = imp.getStringAttr("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    FailureOr<SmallVector<int64_t>> pads =
        getSpatialAttr(imp, "pads", 2 * n, 0, 0);
    if (failed(pads))
      return failure();
    w.pads = std::move(*pads);
  } else if (autoPad == "VALID") {
    w.pads.assign(2 * n, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    w.pads.assign(2 * n, 0);
    w.sameUpper = autoPad == "SAME_UPPER";
    for (size_t i = 0; i < n; ++i) {
      int64_t window = (w.kernel[i] - 1) * w.dilations[i] + 1;
      // With stride 1 the padding is window - 1 at any size; otherwise it
      // depends on the size, which aic ops take as attributes: the rule
      // pads the input at run time.
      if (ShapedType::isDynamic(in[i]) && w.strides[i] != 1 &&
          allowRuntimeSame) {
        w.runtimeSame[i] = true;
        continue;
      }
      if (ShapedType::isDynamic(in[i]) && w.strides[i] != 1) {
        imp.emitError() << "auto_pad " << autoPad << " with stride "
                        << w.strides[i] << " over spatial dim " << i
                        << ", whose size is known only at run time, is not "
                           "supported yet (fix the model's symbolic dims "
                           "with --input-shape)";
        return failure();
      }
      int64_t target = ShapedType::isDynamic(in[i])
                           ? 0
                           : (in[i] + w.strides[i] - 1) / w.strides[i];
      int64_t total = ShapedType::isDynamic(in[i])
                          ? window - 1
                          : std::max<int64_t>(0, (target - 1) * w.strides[i] +
                                                     window - in[i]);
      int64_t small = total / 2, large = total - total / 2;
      bool upper = autoPad == "SAME_UPPER";
      w.pads[i] = upper ? small : large;
      w.pads[n + i] = upper ? large : small;
    }
  } else {
    imp.emitError() << "unknown auto_pad '" << autoPad << "'";
    return failure();
  }

  w.ceilPadding.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t window = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (ShapedType::isDynamic(in[i])) {
      // The output's size follows at run time (windowDestination). ceil_mode
      // pads the end by up to stride - 1, which gives ceil's count of
      // windows: the runtime takes the least end padding that gives the
      // output's size (aic/primitives.def, Pool).
      if (allowEndPadding && w.strides[i] > 1) {
        w.ceilPadding[i] = w.strides[i] - 1;
        w.pads[n + i] += w.ceilPadding[i];
      }
      if (!ShapedType::isDynamic(out[i])) {
        imp.emitError() << "spatial dim " << i
                        << " of the input is known only at run time, but "
                           "the output's is declared "
                        << out[i];
        return failure();
      }
      continue;
    }
    int64_t padded = in[i] + w.pads[i] + w.pads[n + i];
    // ceil_mode's count of windows where ONNX left the output unknown.
    int64_t wanted = out[i];
    if (allowEndPadding && ShapedType::isDynamic(wanted))
      wanted = padded < window
                   ? 0
                   : (padded - window + w.strides[i] - 1) / w.strides[i] + 1;
    if (allowEndPadding && wanted >= 1)
      w.ceilPadding[i] =
          std::max<int64_t>(0, (wanted - 1) * w.strides[i] + window - padded);
    w.pads[n + i] += w.ceilPadding[i];
    padded += w.ceilPadding[i];
    int64_t count = padded < window ? 0 : (padded - window) / w.strides[i] + 1;
    if (count != out[i] && !ShapedType::isDynamic(out[i])) {
      imp.emitError() << "the window gives " << count
                      << " outputs in spatial dim " << i
                      << " but ONNX inferred " << out[i];
      return failure();
    }
  }
  return w;
}

/// Checks the dims of a window op (conv, pooling) producing `type` from
/// `inType`: the channels are static; a run-time batch (dim 0) or spatial
/// dim of the input gives a run-time dim of the output, whose size
/// windowDestination computes.
static LogicalResult checkWindowDims(NodeImporter &imp, RankedTensorType inType,
                                     RankedTensorType type) {
  if (inType.isDynamicDim(1) || type.isDynamicDim(1))
    return imp.emitError() << "input of shape "
                           << formatShape(inType.getShape())
                           << ": run-time channels are not supported yet "
                              "(fix the model's symbolic dims with "
                              "--input-shape)";
  if (type.isDynamicDim(0) && !inType.isDynamicDim(0))
    return imp.emitError() << "the output's batch is known only at run time, "
                              "the input's is not";
  if (!type.isDynamicDim(0) && inType.isDynamicDim(0))
    return imp.emitError() << "the input's batch is known only at run time, "
                              "the output's is declared "
                           << type.getDimSize(0);
  return success();
}

/// `input` padded at run time as auto_pad SAME pads the spatial dims of
/// Window::runtimeSame: per dim the total padding that makes the windows
/// ceil(size / stride), max(0, (ceil(size / stride) - 1) * stride + window -
/// size), split as ONNX splits it; the padding holds `padValue`. The
/// window op then runs without padding over these dims.
static Value padSameAtRunTime(NodeImporter &imp, Value input, const Window &w,
                              Value padValue) {
  if (llvm::none_of(w.runtimeSame, [](bool same) { return same; }))
    return input;
  auto inType = cast<RankedTensorType>(input.getType());
  OpBuilder &b = imp.getBuilder();
  auto index = [&](int64_t v) -> Value {
    return imp.create<arith::ConstantIndexOp>(v);
  };
  SmallVector<OpFoldResult> offsets(inType.getRank(), b.getIndexAttr(0));
  SmallVector<Value> paddedSizes;
  for (int64_t d = 0; d < inType.getRank(); ++d) {
    if (!inType.isDynamicDim(d))
      continue;
    Value size = imp.create<tensor::DimOp>(input, d);
    if (d < 2 || !w.runtimeSame[d - 2]) {
      paddedSizes.push_back(size);
      continue;
    }
    size_t i = d - 2;
    int64_t window = (w.kernel[i] - 1) * w.dilations[i] + 1;
    Value stride = index(w.strides[i]);
    // One op per statement: the IR's order must not depend on the
    // compiler's order of evaluating arguments.
    Value up = imp.create<arith::AddIOp>(size, index(w.strides[i] - 1));
    Value count = imp.create<arith::DivUIOp>(up, stride);
    // (count - 1) * stride + window - size, in signed arithmetic: count is
    // 0 for an empty dim.
    Value last = imp.create<arith::SubIOp>(count, index(1));
    Value span = imp.create<arith::MulIOp>(last, stride);
    Value need = imp.create<arith::AddIOp>(span, index(window));
    Value more = imp.create<arith::SubIOp>(need, size);
    Value total = imp.create<arith::MaxSIOp>(more, index(0));
    Value half = imp.create<arith::DivUIOp>(total, index(2));
    offsets[d] =
        w.sameUpper ? half : imp.create<arith::SubIOp>(total, half).getResult();
    paddedSizes.push_back(imp.create<arith::AddIOp>(size, total));
  }
  return buildPadInto(imp, inType, input, offsets, paddedSizes, padValue);
}

/// The destination of a window op producing `type` from `input` through
/// window `w`: a run-time batch takes the input's, a run-time spatial dim
/// counts the windows over the input's at run time, where a run whose
/// padded input is smaller than one window fails.
static FailureOr<Value> windowDestination(NodeImporter &imp, Value input,
                                          RankedTensorType type,
                                          const Window &w) {
  auto inType = cast<RankedTensorType>(input.getType());
  if (failed(checkWindowDims(imp, inType, type)))
    return failure();
  size_t n = w.kernel.size();
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    if (d == 0) {
      sizes.push_back(imp.create<tensor::DimOp>(input, 0));
      continue;
    }
    size_t i = d - 2;
    int64_t window = (w.kernel[i] - 1) * w.dilations[i] + 1;
    auto index = [&](int64_t v) -> Value {
      return imp.create<arith::ConstantIndexOp>(v);
    };
    if (!inType.isDynamicDim(d)) {
      // ONNX left the output's dim unknown; the input's is static.
      int64_t size = inType.getDimSize(d) + w.pads[i] + w.pads[n + i];
      sizes.push_back(
          index(size < window ? 0 : (size - window) / w.strides[i] + 1));
      continue;
    }
    Value size = imp.create<tensor::DimOp>(input, d);
    Value padded =
        imp.create<arith::AddIOp>(size, index(w.pads[i] + w.pads[n + i]));
    // ONNX names the dims its inference made up unk__N: no help to a user.
    std::string symbol = getDimSymbol(imp, input, d, 0);
    if (StringRef(symbol).starts_with("unk__"))
      symbol.clear();
    // The model's padding, without ceil_mode's.
    int64_t pads = w.pads[i] + w.pads[n + i] - w.ceilPadding[i];
    buildRuntimeCheck(imp,
                      imp.create<arith::CmpIOp>(arith::CmpIPredicate::sge, size,
                                                index(window - pads)),
                      "spatial dim " + std::to_string(i) + " of the input (" +
                          (symbol.empty()
                               ? std::string("a size computed at run time")
                               : "'" + symbol + "'") +
                          ") with its padding is smaller than the window (" +
                          std::to_string(window) + ")");
    sizes.push_back(imp.create<arith::AddIOp>(
        imp.create<arith::DivUIOp>(
            imp.create<arith::SubIOp>(padded, index(window)),
            index(w.strides[i])),
        index(1)));
  }
  return imp.emptyTensor(type, sizes);
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

LogicalResult aic::importer::importConv(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0), weight = imp.getInput(1);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(input) || failed(weight) || failed(type))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  auto wType = cast<RankedTensorType>(weight->getType());
  if (inType.getRank() < 3 || wType.getRank() != inType.getRank() ||
      type->getRank() != inType.getRank())
    return imp.emitError() << "expects input and weight of equal rank >= 3";
  if (failed(checkWindowDims(imp, inType, *type)))
    return failure();
  if (!wType.hasStaticShape())
    return imp.emitError() << "expects a weight of a static shape";
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  if (imp.getAttr("kernel_shape") &&
      ArrayRef<int64_t>(imp.getIntsAttr("kernel_shape")) != kernel)
    return imp.emitError() << "'kernel_shape' does not match the weight shape";
  FailureOr<Window> w =
      resolveWindow(imp, inType.getShape().drop_front(2),
                    type->getShape().drop_front(2), kernel,
                    /*hasDilations=*/true, /*allowEndPadding=*/false,
                    /*allowRuntimeSame=*/true);
  if (failed(w))
    return failure();
  *input = padSameAtRunTime(imp, *input, *w,
                            buildScalarConstant(imp.getBuilder(), imp.getLoc(),
                                                inType.getElementType(), 0));
  // Run-time dims: the primitive is created per shape.
  FailureOr<Value> init = windowDestination(imp, *input, *type, *w);
  if (failed(init))
    return failure();
  Value bias;
  if (imp.hasInput(2)) {
    FailureOr<Value> b = imp.getInput(2);
    if (failed(b))
      return failure();
    bias = *b;
  }
  // ONNX's inference leaves the channels unchecked.
  int64_t group = imp.getIntAttr("group", 1);
  int64_t inChannels = inType.getDimSize(1), outChannels = wType.getDimSize(0);
  if (group < 1 || outChannels % group != 0 ||
      inChannels != wType.getDimSize(1) * group ||
      type->getDimSize(1) != outChannels ||
      type->getDimSize(0) != inType.getDimSize(0))
    return imp.emitError() << "input " << inType << ", weight " << wType
                           << ", output " << *type << " and group " << group
                           << " do not match";
  if (bias && cast<RankedTensorType>(bias.getType()).getShape() !=
                  ArrayRef<int64_t>{outChannels})
    return imp.emitError() << "bias " << bias.getType() << " should be ["
                           << outChannels << "]";
  Builder &b = imp.getBuilder();
  imp.setOutput(0,
                imp.create<ConvOp>(*type, *input, *weight, bias, ValueRange{},
                                   *init, b.getDenseI64ArrayAttr(w->strides),
                                   b.getDenseI64ArrayAttr(w->dilations),
                                   b.getDenseI64ArrayAttr(w->pads),
                                   b.getI64IntegerAttr(group)));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Input, output type and window of MaxPool/AveragePool.
static LogicalResult getPoolOperands(NodeImporter &imp, Value &input,
                                     RankedTensorType &type, Window &window,
                                     bool hasDilations,
                                     bool allowRuntimeSame = false) {
  FailureOr<Value> in = imp.getInput(0);
  FailureOr<RankedTensorType> outType = imp.getOutputType(0);
  if (failed(in) || failed(outType))
    return failure();
  input = *in;
  type = *outType;
  auto inType = cast<RankedTensorType>(input.getType());
  if (inType.getRank() < 3 || type.getRank() != inType.getRank())
    return imp.emitError() << "expects an input of rank >= 3";
  if (failed(checkWindowDims(imp, inType, type)))
    return failure();
  size_t n = inType.getRank() - 2;
  if (!imp.getAttr("kernel_shape"))
    return imp.emitError() << "missing 'kernel_shape' attribute";
  FailureOr<SmallVector<int64_t>> kernel =
      getSpatialAttr(imp, "kernel_shape", n, 1);
  if (failed(kernel))
    return failure();
  bool ceilMode = imp.getOpset() >= 10 && imp.getIntAttr("ceil_mode", 0);
  FailureOr<Window> w = resolveWindow(imp, inType.getShape().drop_front(2),
                                      type.getShape().drop_front(2), *kernel,
                                      hasDilations, ceilMode, allowRuntimeSame);
  if (failed(w))
    return failure();
  window = std::move(*w);
  return success();
}

/// The input of a max pooling padded with `lowest`, the lowest value of its
/// type.
static Value padWithLowest(NodeImporter &imp, Value input, const Window &w,
                           Value lowest) {
  auto inType = cast<RankedTensorType>(input.getType());
  Type elementType = inType.getElementType();
  OpBuilder &b = imp.getBuilder();
  size_t n = w.kernel.size();
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)), high(low);
  SmallVector<int64_t> paddedShape(inType.getShape());
  for (size_t i = 0; i < n; ++i) {
    low.push_back(b.getIndexAttr(w.pads[i]));
    high.push_back(b.getIndexAttr(w.pads[n + i]));
    paddedShape[2 + i] += w.pads[i] + w.pads[n + i];
  }
  return imp.create<tensor::PadOp>(
      RankedTensorType::get(paddedShape, elementType), input, low, high,
      lowest);
}

/// A linalg.generic reducing pooling windows: its loops are the output dims,
/// then one per kernel dim (a tensor.empty of the kernel's shape gives them
/// their bounds, as in linalg's pooling ops); it reads the padded input at
/// o * stride + k * dilation and writes `inits` (one per result).
static linalg::GenericOp buildWindowReduction(
    NodeImporter &imp, Value padded, const Window &w, ValueRange inits,
    function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = imp.getContext();
  size_t n = w.kernel.size();
  int64_t rank = n + 2;
  int64_t loops = rank + n;
  SmallVector<AffineExpr> inExprs{getAffineDimExpr(0, ctx),
                                  getAffineDimExpr(1, ctx)};
  SmallVector<AffineExpr> kernelExprs, outExprs;
  for (size_t i = 0; i < n; ++i) {
    AffineExpr o = getAffineDimExpr(2 + i, ctx);
    AffineExpr k = getAffineDimExpr(rank + i, ctx);
    inExprs.push_back(o * w.strides[i] + k * w.dilations[i]);
    kernelExprs.push_back(k);
  }
  for (int64_t d = 0; d < rank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineMap> maps{AffineMap::get(loops, 0, inExprs, ctx),
                              AffineMap::get(loops, 0, kernelExprs, ctx)};
  maps.append(inits.size(), AffineMap::get(loops, 0, outExprs, ctx));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.append(n, utils::IteratorType::reduction);
  Value window = imp.create<tensor::EmptyOp>(
      w.kernel, getElementTypeOrSelf(padded.getType()));
  return imp.create<linalg::GenericOp>(TypeRange(inits),
                                       ValueRange{padded, window}, inits, maps,
                                       iterators, body);
}

/// Max pooling of element types the library does not run (integers, f16,
/// f64): a window reduction of the input padded with the type's lowest
/// value.
static LogicalResult importGenericMaxPool(NodeImporter &imp, Value input,
                                          RankedTensorType type,
                                          const Window &w) {
  Type elementType = type.getElementType();
  bool isUnsigned = imp.isUnsignedInput(0);
  Value lowest =
      ScalarBuilder(imp.getBuilder(), imp.getLoc(), elementType, isUnsigned)
          .lowest();
  Value padded = padWithLowest(imp, input, w, lowest);
  auto pool = buildWindowReduction(
      imp, padded, w, buildFill(imp, type, lowest),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        ScalarBuilder s(nb, nloc, elementType, isUnsigned);
        nb.create<linalg::YieldOp>(nloc, s.max(args[2], args[0]));
      });
  imp.setOutput(0, pool.getResult(0));
  return success();
}

/// MaxPool's Indices output: per window the flat index (over the whole
/// input, (n * C + c) * plane + spatial) of its largest element, the first
/// in row-major order on ties as ONNX Runtime picks it. A window reduction
/// keeps (value, row-major index) pairs, the smaller index winning ties so
/// that the order of the reduction does not matter; storage_order = 1 then
/// renumbers the spatial part column-major.
static LogicalResult importMaxPoolIndices(NodeImporter &imp, Value input,
                                          RankedTensorType type,
                                          const Window &w) {
  FailureOr<RankedTensorType> indicesType = imp.getOutputType(1);
  if (failed(indicesType))
    return failure();
  if (!indicesType->getElementType().isInteger(64) ||
      indicesType->getShape() != type.getShape())
    return imp.emitError() << "expects int64 'Indices' of the output's shape";
  int64_t storageOrder = imp.getIntAttr("storage_order", 0);
  if (storageOrder != 0 && storageOrder != 1)
    return imp.emitError() << "invalid storage_order " << storageOrder;
  auto inType = cast<RankedTensorType>(input.getType());
  Type elementType = inType.getElementType();
  if (elementType.isInteger(1))
    return imp.emitError() << "boolean max pooling is not supported";
  ArrayRef<int64_t> spatial = inType.getShape().drop_front(2);
  size_t n = spatial.size();
  int64_t rank = n + 2;
  int64_t channels = inType.getDimSize(1);
  int64_t plane = inType.getNumElements() /
                  std::max<int64_t>(1, inType.getDimSize(0) * channels);
  bool isUnsigned = imp.isUnsignedInput(0);
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  Value lowest = ScalarBuilder(b, loc, elementType, isUnsigned).lowest();
  Value none = buildScalarConstant(b, loc, b.getI64Type(), -1);
  auto valueType = RankedTensorType::get(type.getShape(), elementType);
  Value padded = padWithLowest(imp, input, w, lowest);
  auto reduction = buildWindowReduction(
      imp, padded, w,
      ValueRange{buildFill(imp, valueType, lowest),
                 buildFill(imp, *indicesType, none)},
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value x = args[0], best = args[2], bestIndex = args[3];
        ScalarBuilder s(nb, nloc, elementType, isUnsigned);
        ScalarBuilder i64(nb, nloc, nb.getI64Type());
        auto index = [&](int64_t d) -> Value {
          return nb.create<arith::IndexCastOp>(
              nloc, nb.getI64Type(), nb.create<linalg::IndexOp>(nloc, d));
        };
        // The unpadded position and whether it is inside the input.
        Value inside = nb.create<arith::ConstantIntOp>(nloc, 1, 1);
        Value flat =
            i64.add(i64.mul(index(0), i64.constant(channels)), index(1));
        for (size_t i = 0; i < n; ++i) {
          Value pos = i64.sub(
              i64.add(i64.mul(index(2 + i), i64.constant(w.strides[i])),
                      i64.mul(index(rank + i), i64.constant(w.dilations[i]))),
              i64.constant(w.pads[i]));
          Value lo = i64.cmp(CmpKind::ge, pos, i64.constant(0));
          Value hi = i64.cmp(CmpKind::lt, pos, i64.constant(spatial[i]));
          inside = nb.create<arith::AndIOp>(
              nloc, inside, nb.create<arith::AndIOp>(nloc, lo, hi));
          flat = i64.add(i64.mul(flat, i64.constant(spatial[i])), pos);
        }
        Value first = i64.cmp(CmpKind::lt, bestIndex, i64.constant(0));
        Value greater = s.cmp(CmpKind::gt, x, best);
        // One statement per op: argument evaluation order is unspecified.
        Value smaller = i64.cmp(CmpKind::lt, flat, bestIndex);
        Value equal = s.cmp(CmpKind::eq, x, best);
        Value tie = nb.create<arith::AndIOp>(nloc, equal, smaller);
        Value take = nb.create<arith::OrIOp>(
            nloc, first, nb.create<arith::OrIOp>(nloc, greater, tie));
        take = nb.create<arith::AndIOp>(nloc, inside, take);
        nb.create<linalg::YieldOp>(
            nloc, ValueRange{s.select(take, x, best),
                             i64.select(take, flat, bestIndex)});
      });
  Value indices = reduction.getResult(1);
  if (storageOrder == 1 && n > 1) {
    indices = buildGeneric(
        imp, *indicesType, indices, b.getMultiDimIdentityMap(rank),
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          ScalarBuilder i64(nb, nloc, nb.getI64Type());
          // Row-major spatial digits, last first, re-weighted with the
          // first spatial dim fastest; -1 (a window all in the padding)
          // stays.
          Value rest = args[0];
          SmallVector<Value> digits(n);
          for (size_t i = n; i-- > 0;) {
            Value size = i64.constant(spatial[i]);
            digits[i] = nb.create<arith::RemUIOp>(nloc, rest, size);
            rest = nb.create<arith::DivUIOp>(nloc, rest, size);
          }
          Value result = i64.mul(rest, i64.constant(plane));
          int64_t weight = 1;
          for (size_t i = 0; i < n; ++i) {
            result = i64.add(result, i64.mul(digits[i], i64.constant(weight)));
            weight *= spatial[i];
          }
          Value none = i64.cmp(CmpKind::lt, args[0], i64.constant(0));
          return i64.select(none, args[0], result);
        });
  }
  imp.setOutput(1, indices);
  return success();
}

LogicalResult aic::importer::importMaxPool(NodeImporter &imp) {
  Value input;
  RankedTensorType type;
  Window w;
  if (failed(getPoolOperands(imp, input, type, w,
                             /*hasDilations=*/imp.getOpset() >= 10,
                             /*allowRuntimeSame=*/true)))
    return failure();
  bool dynamic = !cast<RankedTensorType>(input.getType()).hasStaticShape();
  if (dynamic && (imp.isOutputUsed(1) || !type.getElementType().isF32()))
    return imp.emitError() << "run-time dims are supported for the float32 "
                              "output only yet (fix the model's symbolic dims "
                              "with --input-shape)";
  if (imp.isOutputUsed(1) && failed(importMaxPoolIndices(imp, input, type, w)))
    return failure();
  if (!type.getElementType().isF32())
    return importGenericMaxPool(imp, input, type, w);
  // Padding never wins a maximum.
  input = padSameAtRunTime(
      imp, input, w,
      ScalarBuilder(imp.getBuilder(), imp.getLoc(), type.getElementType())
          .lowest());
  FailureOr<Value> init = windowDestination(imp, input, type, w);
  if (failed(init))
    return failure();
  imp.setOutput(0, imp.create<MaxPoolOp>(type, input, *init, w.kernel,
                                         w.strides, w.dilations, w.pads,
                                         /*layouts=*/ArrayAttr()));
  return success();
}

/// AveragePool without its padding in the divisor where auto_pad SAME pads
/// at run time: the padding is part of the input then, so the pooling
/// counts it; divided by the same pooling of a mask (1 over the input, 0 in
/// the padding) the average is over the input's elements alone.
static LogicalResult importRuntimeSameAveragePool(NodeImporter &imp,
                                                  Value input,
                                                  RankedTensorType type,
                                                  const Window &w) {
  auto inType = cast<RankedTensorType>(input.getType());
  Type elementType = inType.getElementType();
  OpBuilder &b = imp.getBuilder();
  Value zero = buildScalarConstant(b, imp.getLoc(), elementType, 0);
  Value one = buildScalarConstant(b, imp.getLoc(), elementType, 1);
  // The mask: one image of one channel.
  SmallVector<int64_t> maskShape{1, 1};
  SmallVector<Value> maskSizes;
  for (int64_t d = 2; d < inType.getRank(); ++d) {
    maskShape.push_back(inType.getDimSize(d));
    if (inType.isDynamicDim(d))
      maskSizes.push_back(imp.create<tensor::DimOp>(input, d));
  }
  Value mask = buildFill(imp, RankedTensorType::get(maskShape, elementType),
                         one, maskSizes);
  SmallVector<int64_t> countShape(type.getShape());
  countShape[0] = countShape[1] = 1;
  auto countType = RankedTensorType::get(countShape, elementType);
  auto pool = [&](Value in, RankedTensorType resultType) -> FailureOr<Value> {
    in = padSameAtRunTime(imp, in, w, zero);
    FailureOr<Value> init = windowDestination(imp, in, resultType, w);
    if (failed(init))
      return failure();
    return imp
        .create<AvgPoolOp>(resultType, in, *init, w.kernel, w.strides,
                           w.dilations, w.pads, /*count_include_pad=*/true)
        ->getResult(0);
  };
  FailureOr<Value> sum = pool(input, type);
  FailureOr<Value> count = pool(mask, countType);
  if (failed(sum) || failed(count))
    return failure();
  // SAME leaves no window without an input element: the count is positive.
  FailureOr<Value> mean = buildElementwise(
      imp, type, ValueRange{*sum, *count},
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        return ScalarBuilder(nb, loc, elementType).div(args[0], args[1]);
      });
  if (failed(mean))
    return failure();
  imp.setOutput(0, *mean);
  return success();
}

LogicalResult aic::importer::importAveragePool(NodeImporter &imp) {
  Value input;
  RankedTensorType type;
  Window w;
  bool countIncludePad =
      imp.getOpset() >= 7 && imp.getIntAttr("count_include_pad", 0);
  if (failed(getPoolOperands(imp, input, type, w, /*hasDilations=*/false,
                             /*allowRuntimeSame=*/true)))
    return failure();
  if (!countIncludePad && llvm::is_contained(w.runtimeSame, true))
    return importRuntimeSameAveragePool(imp, input, type, w);
  // The end padding added for ceil_mode must not count in the divisor, but
  // aic.avg_pool cannot tell it from the model's own padding.
  if (countIncludePad &&
      llvm::any_of(w.ceilPadding, [](int64_t p) { return p > 0; })) {
    if (!cast<RankedTensorType>(input.getType()).hasStaticShape())
      return imp.emitError() << "ceil_mode=1 with count_include_pad=1 and a "
                                "stride above 1 is not supported over "
                                "run-time spatial dims (fix the model's "
                                "symbolic dims with --input-shape)";
    return imp.emitError() << "ceil_mode=1 with count_include_pad=1 is not "
                              "supported when the last window overhangs the "
                              "padded input";
  }
  // Padding at run time counts in the divisor: what count_include_pad asks.
  input = padSameAtRunTime(imp, input, w,
                           buildScalarConstant(imp.getBuilder(), imp.getLoc(),
                                               type.getElementType(), 0));
  FailureOr<Value> init = windowDestination(imp, input, type, w);
  if (failed(init))
    return failure();
  imp.setOutput(0,
                imp.create<AvgPoolOp>(type, input, *init, w.kernel, w.strides,
                                      w.dilations, w.pads, countIncludePad));
  return success();
}

/// Global pooling over spatial dims known only at run time: a float32
/// linalg.reduce into [N, C] (the mean divides by the run-time count), viewed
/// as `type`.
static LogicalResult importRuntimeGlobalPool(NodeImporter &imp, Value input,
                                             RankedTensorType type,
                                             bool isMax) {
  auto inType = cast<RankedTensorType>(input.getType());
  Type elementType = inType.getElementType();
  if (!elementType.isF32())
    return imp.emitError() << "global pooling over run-time spatial dims is "
                              "supported for float32 only yet (fix the "
                              "model's symbolic dims with --input-shape)";
  if (failed(checkWindowDims(imp, inType, type)))
    return failure();
  for (int64_t d = 2; d < type.getRank(); ++d)
    if (type.getDimSize(d) != 1)
      return imp.emitError()
             << "expects an output of spatial size 1, not " << type;
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  SmallVector<int64_t> axes;
  Value count = imp.create<arith::ConstantIndexOp>(1);
  for (int64_t d = 2; d < inType.getRank(); ++d) {
    axes.push_back(d);
    count =
        imp.create<arith::MulIOp>(count, imp.create<tensor::DimOp>(input, d));
  }
  SmallVector<Value> sizes;
  if (inType.isDynamicDim(0))
    sizes.push_back(imp.create<tensor::DimOp>(input, 0));
  auto reducedType = RankedTensorType::get(
      {inType.getDimSize(0), inType.getDimSize(1)}, elementType);
  ScalarBuilder outer(b, loc, elementType);
  Value init = buildFill(imp, reducedType,
                         isMax ? outer.lowest() : outer.constant(0), sizes);
  Value reduced = imp.create<linalg::ReduceOp>(
                         ValueRange{input}, ValueRange{init}, axes,
                         [&](OpBuilder &nb, Location nloc, ValueRange args) {
                           ScalarBuilder s(nb, nloc, elementType);
                           nb.create<linalg::YieldOp>(
                               nloc, isMax ? s.max(args[1], args[0])
                                           : s.add(args[1], args[0]));
                         })
                      .getResult(0);
  if (!isMax) {
    Value divisor = imp.create<arith::UIToFPOp>(
        elementType, imp.create<arith::IndexCastOp>(b.getI64Type(), count));
    FailureOr<Value> mean = buildElementwise(
        imp, reducedType, reduced,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          return ScalarBuilder(nb, nloc, elementType).div(args[0], divisor);
        });
    if (failed(mean))
      return failure();
    reduced = *mean;
  }
  imp.setOutput(0, imp.reshapeTo(reduced, type.getShape()));
  return success();
}

template <typename PoolOp>
static LogicalResult importGlobalPool(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(input) || failed(type))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  if (inType.getRank() < 3)
    return imp.emitError() << "expects an input of rank >= 3";
  size_t n = inType.getRank() - 2;
  SmallVector<int64_t> kernel(inType.getShape().drop_front(2));
  if (llvm::any_of(kernel, ShapedType::isDynamic))
    return importRuntimeGlobalPool(imp, *input, *type,
                                   std::is_same_v<PoolOp, MaxPoolOp>);
  SmallVector<int64_t> ones(n, 1), zeros(2 * n, 0);
  MLIRContext *ctx = inType.getContext();
  auto attr = [&](ArrayRef<int64_t> v) {
    return DenseI64ArrayAttr::get(ctx, v);
  };
  Window w{kernel, ones, ones, zeros, SmallVector<int64_t>(n, 0)};
  FailureOr<Value> init = windowDestination(imp, *input, *type, w);
  if (failed(init))
    return failure();
  imp.setOutput(0, imp.create<PoolOp>(*type, *input, *init, attr(kernel),
                                      attr(ones), attr(ones), attr(zeros)));
  return success();
}

LogicalResult aic::importer::importGlobalAveragePool(NodeImporter &imp) {
  return importGlobalPool<AvgPoolOp>(imp);
}

LogicalResult aic::importer::importGlobalMaxPool(NodeImporter &imp) {
  return importGlobalPool<MaxPoolOp>(imp);
}
