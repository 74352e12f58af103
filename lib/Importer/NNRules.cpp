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

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

namespace {
/// Explicit window attributes; pads are [begin..., end...] and include
/// `ceilPadding`, the end padding added for ceil_mode.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads, ceilPadding;
};
} // namespace

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

/// Resolves strides, dilations, pads and auto_pad for input spatial sizes
/// `in` and the given kernel. `allowEndPadding` (pooling with ceil_mode) adds
/// end padding until the window count equals the inferred `out`.
static FailureOr<Window> resolveWindow(NodeImporter &imp, ArrayRef<int64_t> in,
                                       ArrayRef<int64_t> out,
                                       ArrayRef<int64_t> kernel,
                                       bool hasDilations,
                                       bool allowEndPadding) {
  size_t n = in.size();
  Window w;
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
    for (size_t i = 0; i < n; ++i) {
      int64_t window = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t target = (in[i] + w.strides[i] - 1) / w.strides[i];
      int64_t total =
          std::max<int64_t>(0, (target - 1) * w.strides[i] + window - in[i]);
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
    int64_t padded = in[i] + w.pads[i] + w.pads[n + i];
    if (allowEndPadding && out[i] >= 1)
      w.ceilPadding[i] =
          std::max<int64_t>(0, (out[i] - 1) * w.strides[i] + window - padded);
    w.pads[n + i] += w.ceilPadding[i];
    padded += w.ceilPadding[i];
    int64_t count = padded < window ? 0 : (padded - window) / w.strides[i] + 1;
    if (count != out[i]) {
      imp.emitError() << "the window gives " << count
                      << " outputs in spatial dim " << i
                      << " but ONNX inferred " << out[i];
      return failure();
    }
  }
  return w;
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
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  if (imp.getAttr("kernel_shape") &&
      ArrayRef<int64_t>(imp.getIntsAttr("kernel_shape")) != kernel)
    return imp.emitError() << "'kernel_shape' does not match the weight shape";
  FailureOr<Window> w =
      resolveWindow(imp, inType.getShape().drop_front(2),
                    type->getShape().drop_front(2), kernel,
                    /*hasDilations=*/true, /*allowEndPadding=*/false);
  if (failed(w))
    return failure();
  Value bias;
  if (imp.hasInput(2)) {
    FailureOr<Value> b = imp.getInput(2);
    if (failed(b))
      return failure();
    bias = *b;
  }
  Builder &b = imp.getBuilder();
  imp.setOutput(
      0, imp.create<ConvOp>(*type, *input, *weight, bias, ValueRange{},
                            imp.emptyTensor(*type),
                            b.getDenseI64ArrayAttr(w->strides),
                            b.getDenseI64ArrayAttr(w->dilations),
                            b.getDenseI64ArrayAttr(w->pads),
                            b.getI64IntegerAttr(imp.getIntAttr("group", 1))));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Input, output type and window of MaxPool/AveragePool.
static LogicalResult getPoolOperands(NodeImporter &imp, Value &input,
                                     RankedTensorType &type, Window &window,
                                     bool hasDilations) {
  FailureOr<Value> in = imp.getInput(0);
  FailureOr<RankedTensorType> outType = imp.getOutputType(0);
  if (failed(in) || failed(outType))
    return failure();
  input = *in;
  type = *outType;
  auto inType = cast<RankedTensorType>(input.getType());
  if (inType.getRank() < 3 || type.getRank() != inType.getRank())
    return imp.emitError() << "expects an input of rank >= 3";
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
                                      hasDilations, ceilMode);
  if (failed(w))
    return failure();
  window = std::move(*w);
  return success();
}

/// Max pooling of element types the library does not run (integers, f16,
/// f64): the input padded with the type's lowest value, then a
/// linalg.generic over the output and kernel positions (a tensor.empty of
/// the kernel's shape gives the reduction loops their bounds, as in
/// linalg's pooling ops) reading input[o * stride + k * dilation].
static LogicalResult importGenericMaxPool(NodeImporter &imp, Value input,
                                          RankedTensorType type,
                                          const Window &w) {
  auto inType = cast<RankedTensorType>(input.getType());
  Type elementType = inType.getElementType();
  if (elementType.isInteger(1))
    return imp.emitError() << "boolean max pooling is not supported";
  size_t n = w.kernel.size();
  bool isUnsigned = imp.isUnsignedInput(0);
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  ScalarBuilder outer(b, loc, elementType, isUnsigned);
  Value lowest = outer.lowest();
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)), high(low);
  SmallVector<int64_t> paddedShape(inType.getShape());
  for (size_t i = 0; i < n; ++i) {
    low.push_back(b.getIndexAttr(w.pads[i]));
    high.push_back(b.getIndexAttr(w.pads[n + i]));
    paddedShape[2 + i] += w.pads[i] + w.pads[n + i];
  }
  Value padded =
      imp.create<tensor::PadOp>(RankedTensorType::get(paddedShape, elementType),
                                input, low, high, lowest);

  // Loops: the output dims, then one per kernel dim.
  MLIRContext *ctx = imp.getContext();
  int64_t rank = type.getRank();
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
                              AffineMap::get(loops, 0, kernelExprs, ctx),
                              AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.append(n, utils::IteratorType::reduction);
  Value window = imp.create<tensor::EmptyOp>(w.kernel, elementType);
  Value init = buildFill(imp, type, lowest);
  auto pool = imp.create<linalg::GenericOp>(
      TypeRange{type}, ValueRange{padded, window}, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        ScalarBuilder s(nb, nloc, elementType, isUnsigned);
        nb.create<linalg::YieldOp>(nloc, s.max(args[2], args[0]));
      });
  imp.setOutput(0, pool.getResult(0));
  return success();
}

LogicalResult aic::importer::importMaxPool(NodeImporter &imp) {
  // storage_order only shapes the Indices output.
  if (imp.isOutputUsed(1))
    return imp.emitError() << "the 'Indices' output is not supported";
  Value input;
  RankedTensorType type;
  Window w;
  if (failed(getPoolOperands(imp, input, type, w,
                             /*hasDilations=*/imp.getOpset() >= 10)))
    return failure();
  if (!type.getElementType().isF32())
    return importGenericMaxPool(imp, input, type, w);
  imp.setOutput(0, imp.create<MaxPoolOp>(type, input, imp.emptyTensor(type),
                                         w.kernel, w.strides, w.dilations,
                                         w.pads, /*layouts=*/ArrayAttr()));
  return success();
}

LogicalResult aic::importer::importAveragePool(NodeImporter &imp) {
  Value input;
  RankedTensorType type;
  Window w;
  if (failed(getPoolOperands(imp, input, type, w, /*hasDilations=*/false)))
    return failure();
  bool countIncludePad =
      imp.getOpset() >= 7 && imp.getIntAttr("count_include_pad", 0);
  // The end padding added for ceil_mode must not count in the divisor, but
  // aic.avg_pool cannot tell it from the model's own padding.
  if (countIncludePad &&
      llvm::any_of(w.ceilPadding, [](int64_t p) { return p > 0; }))
    return imp.emitError() << "ceil_mode=1 with count_include_pad=1 is not "
                              "supported when the last window overhangs the "
                              "padded input";
  imp.setOutput(0, imp.create<AvgPoolOp>(type, input, imp.emptyTensor(type),
                                         w.kernel, w.strides, w.dilations,
                                         w.pads, countIncludePad));
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
  SmallVector<int64_t> ones(n, 1), zeros(2 * n, 0);
  MLIRContext *ctx = inType.getContext();
  auto attr = [&](ArrayRef<int64_t> v) {
    return DenseI64ArrayAttr::get(ctx, v);
  };
  imp.setOutput(0, imp.create<PoolOp>(*type, *input, imp.emptyTensor(*type),
                                      attr(kernel), attr(ones), attr(ones),
                                      attr(zeros)));
  return success();
}

LogicalResult aic::importer::importGlobalAveragePool(NodeImporter &imp) {
  return importGlobalPool<AvgPoolOp>(imp);
}

LogicalResult aic::importer::importGlobalMaxPool(NodeImporter &imp) {
  return importGlobalPool<MaxPoolOp>(imp);
}
