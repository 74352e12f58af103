//===- SliceRules.cpp - Import rules for Slice and Split ------------------===//
//
// Slice and Split take windows of their input. Constant bounds along static
// dims give a static window (negative steps read backwards); bounds the
// shape arithmetic computes at run time (`pos[:, :seq]` as exporters write
// it), or a run-time dim, give a window of a run-time size, clamped per run
// as ONNX says.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

Value aic::importer::buildStridedSlice(NodeImporter &imp, Value input,
                                       RankedTensorType type,
                                       ArrayRef<int64_t> offsets,
                                       ArrayRef<int64_t> strides) {
  OpBuilder &b = imp.getBuilder();
  if (llvm::all_of(strides, [](int64_t s) { return s > 0; })) {
    // Run-time dims are whole dims of the input.
    SmallVector<OpFoldResult> sizes =
        getAsIndexOpFoldResult(b.getContext(), type.getShape());
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        sizes[d] = tensor::getMixedSize(b, imp.getLoc(), input, d);
    return imp.create<tensor::ExtractSliceOp>(
        type, input, getAsIndexOpFoldResult(b.getContext(), offsets), sizes,
        getAsIndexOpFoldResult(b.getContext(), strides));
  }
  MLIRContext *ctx = imp.getContext();
  SmallVector<AffineExpr> exprs;
  for (auto [d, offset, stride] : llvm::enumerate(offsets, strides))
    exprs.push_back(getAffineConstantExpr(offset, ctx) +
                    getAffineDimExpr(d, ctx) * stride);
  AffineMap map = AffineMap::get(type.getRank(), 0, exprs, ctx);
  return buildGeneric(
      imp, type, input, map,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// The dims `axes` name (possibly negative), each at most once.
static FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeImporter &imp, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  SmallVector<bool> seen(rank, false);
  for (int64_t a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(imp, a, rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return imp.emitError() << "axis " << a << " is sliced twice";
    seen[*axis] = true;
    result.push_back(*axis);
  }
  return result;
}

/// A slice whose bounds are known only at run time (computed from shapes,
/// as `pos[:, :seq]` exports), or along a run-time dim: `starts` and `ends`
/// give entry `i` of the bounds (constants, or read from the inputs), along
/// `axes` with constant `steps`. The bounds are clamped as ONNX says; a
/// size that ONNX's inference typed static is checked at run time. Steps of
/// 1 make a tensor.extract_slice (a view); others (x[:, ::2], a flip) a
/// loop nest reading start + i * step.
static LogicalResult
importRuntimeSlice(NodeImporter &imp, Value input, ArrayRef<int64_t> axes,
                   ArrayRef<int64_t> steps,
                   llvm::function_ref<Value(size_t i, bool start)> bound) {
  OpBuilder &b = imp.getBuilder();
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t rank = inType.getRank();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
      strides(rank, b.getIndexAttr(1));
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(tensor::getMixedSize(b, imp.getLoc(), input, d));
  SmallVector<int64_t> shape(inType.getShape());
  auto index = [&](int64_t v) {
    return imp.create<arith::ConstantIndexOp>(v).getResult();
  };
  FailureOr<SmallVector<int64_t>> normalized = normalizeAxes(imp, axes, rank);
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> axisSteps(rank, 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t axis = (*normalized)[i];
    int64_t step = steps[i];
    if (step == 0)
      return imp.emitError() << "steps must not be 0";
    if (step != 1) {
      // ONNX's clamping for a step other than 1: [0, dim] going up,
      // [-1, dim - 1] going down, after negative bounds count from the
      // end; then ceil((end - start) / step) elements, at least 0.
      Value dim = getValueOrCreateConstantIndexOp(b, imp.getLoc(), sizes[axis]);
      Value zero = index(0);
      Value low = step > 0 ? zero : index(-1);
      Value high =
          step > 0 ? dim : imp.create<arith::SubIOp>(dim, index(1)).getResult();
      auto clamp = [&](Value v, bool start) {
        Value negative =
            imp.create<arith::CmpIOp>(arith::CmpIPredicate::slt, v, zero);
        v = imp.create<arith::SelectOp>(negative,
                                        imp.create<arith::AddIOp>(v, dim), v);
        v = imp.create<arith::MaxSIOp>(v, start && step < 0 ? zero : low);
        return imp.create<arith::MinSIOp>(v, high).getResult();
      };
      Value start = clamp(bound(i, true), true),
            end = clamp(bound(i, false), false);
      int64_t magnitude = step > 0 ? step : -step;
      Value span = step > 0 ? imp.create<arith::SubIOp>(end, start)
                            : imp.create<arith::SubIOp>(start, end);
      // One statement per op: argument evaluation order is unspecified.
      Value nonNegative = imp.create<arith::MaxSIOp>(span, zero);
      Value roundUp = index(magnitude - 1);
      Value rounded = imp.create<arith::AddIOp>(nonNegative, roundUp);
      Value size = imp.create<arith::DivSIOp>(rounded, index(magnitude));
      offsets[axis] = start;
      sizes[axis] = size;
      shape[axis] = ShapedType::kDynamic;
      axisSteps[axis] = step;
      continue;
    }
    Value dim = getValueOrCreateConstantIndexOp(b, imp.getLoc(), sizes[axis]);
    Value zero = index(0);
    // Negative bounds count from the end; then both are clamped to the dim
    // (INT64_MIN + dim and INT64_MAX cannot overflow).
    auto clamp = [&](Value v) {
      Value negative =
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::slt, v, zero);
      Value fromEnd = imp.create<arith::AddIOp>(v, dim);
      v = imp.create<arith::SelectOp>(negative, fromEnd, v);
      v = imp.create<arith::MaxSIOp>(v, zero);
      return imp.create<arith::MinSIOp>(v, dim).getResult();
    };
    Value rawStart = bound(i, true), rawEnd = bound(i, false);
    Value start = clamp(rawStart), end = clamp(rawEnd);
    Value size =
        imp.create<arith::MaxSIOp>(imp.create<arith::SubIOp>(end, start), zero);
    offsets[axis] = start;
    sizes[axis] = size;
    shape[axis] = ShapedType::kDynamic;
    // Constant bounds one apart ([k, k + 1), [-k - 1, -k), [-1, end)) take
    // one entry of any dim long enough: typed 1, so that the slice
    // broadcasts (x - x[:, :1]); a dim too short would give an empty
    // tensor, which fails the run instead (aic does not take them yet).
    std::optional<int64_t> cs = getConstantIntValue(rawStart),
                           ce = getConstantIntValue(rawEnd);
    if (cs && ce &&
        ((*cs >= 0 && *ce == *cs + 1) || (*cs < -1 && *ce == *cs + 1) ||
         (*cs == -1 && *ce >= std::numeric_limits<int32_t>::max()))) {
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, size, index(1)),
          "slicing [" + std::to_string(*cs) + ", " + std::to_string(*ce) +
              ") along axis " + std::to_string(axis) +
              " gives an empty tensor at run time (the dim is too short; "
              "aic does not take empty tensors yet)");
      sizes[axis] = b.getIndexAttr(1);
      shape[axis] = 1;
    }
  }
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, inType.getElementType()));
  if (failed(type))
    return failure();
  // Sizes ONNX's inference knows statically (it may, from propagated
  // shapes) must be what the bounds give.
  for (int64_t d = 0; d < rank; ++d) {
    if (type->isDynamicDim(d))
      continue;
    if (auto v = dyn_cast<Value>(sizes[d]))
      buildRuntimeCheck(imp,
                        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, v,
                                                  index(type->getDimSize(d))),
                        "the slice along axis " + std::to_string(d) +
                            " has another size than the " +
                            std::to_string(type->getDimSize(d)) +
                            " shape inference gave");
    sizes[d] = b.getIndexAttr(type->getDimSize(d));
  }
  if (llvm::all_of(axisSteps, [](int64_t step) { return step == 1; })) {
    imp.setOutput(0, imp.create<tensor::ExtractSliceOp>(*type, input, offsets,
                                                        sizes, strides)
                         .getResult());
    return success();
  }
  SmallVector<Value> dynamicSizes, starts;
  for (int64_t d = 0; d < rank; ++d) {
    if (type->isDynamicDim(d))
      dynamicSizes.push_back(
          getValueOrCreateConstantIndexOp(b, imp.getLoc(), sizes[d]));
    starts.push_back(
        getValueOrCreateConstantIndexOp(b, imp.getLoc(), offsets[d]));
  }
  imp.setOutput(
      0, buildGeneric(
             imp, *type, ValueRange{}, {}, dynamicSizes,
             [&](OpBuilder &nb, Location loc, ValueRange) -> Value {
               SmallVector<Value> at;
               for (int64_t d = 0; d < rank; ++d) {
                 Value i = nb.create<linalg::IndexOp>(loc, d);
                 if (axisSteps[d] != 1)
                   i = nb.create<arith::MulIOp>(
                       loc, i,
                       nb.create<arith::ConstantIndexOp>(loc, axisSteps[d]));
                 at.push_back(nb.create<arith::AddIOp>(loc, starts[d], i));
               }
               return nb.create<tensor::ExtractOp>(loc, input, at);
             }));
  return success();
}

/// Slice's constant inputs `axes` and `steps` (opset 10 on), where given.
static LogicalResult getAxesAndSteps(NodeImporter &imp,
                                     SmallVectorImpl<int64_t> &axes,
                                     SmallVectorImpl<int64_t> &steps) {
  for (auto [i, name, out] : {std::make_tuple(3, "axes", &axes),
                              std::make_tuple(4, "steps", &steps)}) {
    if (!imp.hasInput(i))
      continue;
    FailureOr<SmallVector<int64_t>> values = imp.getConstantInts(i, name);
    if (failed(values))
      return failure();
    out->assign(values->begin(), values->end());
  }
  return success();
}

/// The default axes (the first `n`) and steps (1) where not given; errors
/// unless both have `n` entries.
static LogicalResult completeAxesAndSteps(NodeImporter &imp, size_t n,
                                          SmallVectorImpl<int64_t> &axes,
                                          SmallVectorImpl<int64_t> &steps) {
  if (axes.empty())
    for (size_t i = 0; i < n; ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(n, 1);
  if (axes.size() != n || steps.size() != n)
    return imp.emitError() << "starts, ends, axes and steps differ in length";
  return success();
}

/// Entry `i` of the 1-D integer tensor `v` as an index.
static Value extractIndex(NodeImporter &imp, Value v, size_t i) {
  Value at = imp.create<arith::ConstantIndexOp>(static_cast<int64_t>(i));
  Value x = imp.create<tensor::ExtractOp>(v, ValueRange{at});
  return imp.create<arith::IndexCastOp>(imp.getBuilder().getIndexType(), x);
}

static LogicalResult importSlice(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  int64_t rank = inType.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  // Bounds computed at run time (from shapes): read per run.
  if (imp.getOpset() >= 10 &&
      (!imp.getConstantInput(1) || !imp.getConstantInput(2))) {
    FailureOr<Value> s = imp.getInput(1), e = imp.getInput(2);
    if (failed(s) || failed(e))
      return failure();
    auto sType = cast<RankedTensorType>(s->getType());
    auto eType = cast<RankedTensorType>(e->getType());
    if (sType.getRank() != 1 || !sType.hasStaticShape() || eType != sType ||
        !sType.getElementType().isSignlessInteger())
      return imp.emitError() << "'starts' and 'ends' must be 1-D integer "
                                "tensors of one static length";
    if (failed(getAxesAndSteps(imp, axes, steps)))
      return failure();
    if (failed(completeAxesAndSteps(imp, sType.getDimSize(0), axes, steps)))
      return failure();
    return importRuntimeSlice(imp, *input, axes, steps,
                              [&](size_t i, bool start) {
                                return extractIndex(imp, start ? *s : *e, i);
                              });
  }
  if (imp.getOpset() < 10) {
    starts = imp.getIntsAttr("starts");
    ends = imp.getIntsAttr("ends");
    axes = imp.getIntsAttr("axes");
  } else {
    FailureOr<SmallVector<int64_t>> s = imp.getConstantInts(1, "starts");
    if (failed(s))
      return failure();
    FailureOr<SmallVector<int64_t>> e = imp.getConstantInts(2, "ends");
    if (failed(e))
      return failure();
    starts = std::move(*s);
    ends = std::move(*e);
    if (failed(getAxesAndSteps(imp, axes, steps)))
      return failure();
  }
  if (ends.size() != starts.size())
    return imp.emitError() << "starts, ends, axes and steps differ in length";
  if (failed(completeAxesAndSteps(imp, starts.size(), axes, steps)))
    return failure();

  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
  SmallVector<int64_t> shape(inType.getShape());
  FailureOr<SmallVector<int64_t>> normalized = normalizeAxes(imp, axes, rank);
  if (failed(normalized))
    return failure();
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = (*normalized)[i];
    if (inType.isDynamicDim(axis))
      return importRuntimeSlice(
          imp, *input, axes, steps, [&](size_t k, bool start) {
            return imp
                .create<arith::ConstantIndexOp>(start ? starts[k] : ends[k])
                .getResult();
          });
    int64_t step = steps[i], dim = inType.getDimSize(axis);
    if (step == 0)
      return imp.emitError() << "steps must not be 0";
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t size;
    if (dim == 0) {
      size = 0;
    } else if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      size = start > end ? (start - end - step - 1) / -step : 0;
    }
    offsets[axis] = size > 0 ? start : 0;
    strides[axis] = size > 0 ? step : 1;
    shape[axis] = size;
  }
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, inType.getElementType()));
  if (failed(type))
    return failure();
  imp.setOutput(0, buildStridedSlice(imp, *input, *type, offsets, strides));
  return success();
}

/// Split along a run-time dim, or by sizes read at run time: the sizes are
/// index values (a run whose sizes are negative or do not add up to the
/// dim fails), and each output is a slice at their running sum.
static LogicalResult importRuntimeSplit(NodeImporter &imp, Value input,
                                        int64_t axis) {
  auto inType = cast<RankedTensorType>(input.getType());
  OpBuilder &b = imp.getBuilder();
  auto index = [&](int64_t v) -> Value {
    return imp.create<arith::ConstantIndexOp>(v);
  };
  int64_t numOutputs = imp.getNode().output_size();
  Value dim = buildDimValue(imp, input, axis);
  SmallVector<OpFoldResult> sizes;
  if (imp.hasInput(1)) {
    FailureOr<Value> split = imp.getInput(1);
    if (failed(split))
      return failure();
    auto splitType = cast<RankedTensorType>(split->getType());
    if (splitType.getRank() != 1 || splitType.isDynamicDim(0) ||
        splitType.getDimSize(0) != numOutputs)
      return imp.emitError() << "expects 'split' of " << numOutputs
                             << " values, got " << splitType;
    for (int64_t i = 0; i < numOutputs; ++i) {
      Value v = imp.create<tensor::ExtractOp>(*split, ValueRange{index(i)});
      Value size = imp.create<arith::IndexCastOp>(b.getIndexType(), v);
      // Unsigned: a negative size fails too. Each at most the dim, so the
      // sum checked below cannot wrap around.
      buildRuntimeCheck(
          imp, imp.create<arith::CmpIOp>(arith::CmpIPredicate::ule, size, dim),
          "split size " + std::to_string(i) +
              " read at run time is negative or above the dim");
      sizes.push_back(size);
    }
  } else if (imp.getAttr("split")) {
    for (int64_t size : imp.getIntsAttr("split")) {
      if (size < 0)
        return imp.emitError() << "negative split size " << size;
      sizes.push_back(b.getIndexAttr(size));
    }
    if (static_cast<int64_t>(sizes.size()) != numOutputs)
      return imp.emitError()
             << sizes.size() << " split sizes for " << numOutputs << " outputs";
  } else {
    // Equal parts, the last one smaller with opset 18's num_outputs.
    bool numOutputsAttr = imp.getAttr("num_outputs") != nullptr;
    int64_t parts = imp.getIntAttr("num_outputs", numOutputs);
    if (parts != numOutputs)
      return imp.emitError()
             << "num_outputs " << parts << " for " << numOutputs << " outputs";
    if (parts <= 0)
      return imp.emitError() << "cannot split into " << parts << " parts";
    if (!numOutputsAttr) {
      // One op per statement: the IR's order must not depend on the order
      // the compiler evaluates arguments in.
      Value rest = imp.create<arith::RemUIOp>(dim, index(parts));
      Value zero = index(0);
      buildRuntimeCheck(
          imp, imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, rest, zero),
          "cannot split dim " + std::to_string(axis) + " into " +
              std::to_string(parts) + " equal parts at run time");
    }
    Value chunk = imp.create<arith::CeilDivUIOp>(dim, index(parts));
    for (int64_t i = 0; i < parts; ++i) {
      Value rest = imp.create<arith::SubIOp>(
          dim, imp.create<arith::MinUIOp>(
                   dim, imp.create<arith::MulIOp>(chunk, index(i))));
      sizes.push_back(imp.create<arith::MinUIOp>(rest, chunk).getResult());
    }
  }
  // The sizes add up to the dim; then every slice is inside the input.
  Value total = index(0);
  for (OpFoldResult size : sizes)
    total = imp.create<arith::AddIOp>(
        total, getValueOrCreateConstantIndexOp(b, imp.getLoc(), size));
  buildRuntimeCheck(
      imp, imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, total, dim),
      "the split sizes do not add up to dim " + std::to_string(axis) +
          " of the input at run time");

  SmallVector<OpFoldResult> offsets(inType.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(inType.getRank(), b.getIndexAttr(1));
  SmallVector<OpFoldResult> extents;
  for (int64_t d = 0; d < inType.getRank(); ++d)
    extents.push_back(inType.isDynamicDim(d)
                          ? OpFoldResult(buildDimValue(imp, input, d))
                          : OpFoldResult(b.getIndexAttr(inType.getDimSize(d))));
  for (int64_t i = 0; i < numOutputs; ++i) {
    // A size the model declares (or ONNX inferred) is checked per run.
    RankedTensorType inferred = imp.getInferredOutputType(i);
    if (inferred && inferred.getRank() == inType.getRank() &&
        !inferred.isDynamicDim(axis) && !getConstantIntValue(sizes[i])) {
      Value want = index(inferred.getDimSize(axis));
      Value got = getValueOrCreateConstantIndexOp(b, imp.getLoc(), sizes[i]);
      buildRuntimeCheck(
          imp, imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, got, want),
          "split size " + std::to_string(i) + " is not " +
              std::to_string(inferred.getDimSize(axis)) +
              ", the output's declared dim, at run time");
      sizes[i] = b.getIndexAttr(inferred.getDimSize(axis));
    }
    SmallVector<int64_t> shape(inType.getShape());
    shape[axis] = getConstantIntValue(sizes[i]).value_or(ShapedType::kDynamic);
    FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
        i, RankedTensorType::get(shape, inType.getElementType()));
    if (failed(type))
      return failure();
    extents[axis] = sizes[i];
    auto sliceType = RankedTensorType::get(shape, inType.getElementType());
    if (imp.isOutputUsed(i)) {
      Value slice = imp.create<tensor::ExtractSliceOp>(
          sliceType, input, offsets, extents, strides);
      if (*type != sliceType)
        slice = imp.create<tensor::CastOp>(*type, slice);
      imp.setOutput(i, slice);
    }
    Value offset =
        getValueOrCreateConstantIndexOp(b, imp.getLoc(), offsets[axis]);
    Value size = getValueOrCreateConstantIndexOp(b, imp.getLoc(), sizes[i]);
    offsets[axis] = imp.create<arith::AddIOp>(offset, size).getResult();
  }
  return success();
}

static LogicalResult importSplit(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(imp, imp.getIntAttr("axis", 0), inType.getRank());
  if (failed(axis))
    return failure();
  int64_t dim = inType.getDimSize(*axis);
  if (ShapedType::isDynamic(dim) ||
      (imp.hasInput(1) && !imp.getConstantInput(1)))
    return importRuntimeSplit(imp, *input, *axis);
  int64_t numOutputs = imp.getNode().output_size();
  // The sizes: an input (Split-1 and from opset 13), an attribute (opsets
  // 1 to 12), else equal parts.
  SmallVector<int64_t> sizes;
  if (imp.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> values = imp.getConstantInts(1, "split");
    if (failed(values))
      return failure();
    sizes = std::move(*values);
  } else if (imp.getAttr("split")) {
    sizes = imp.getIntsAttr("split");
  } else {
    // Opset 18's num_outputs lets the last part be smaller; before it the
    // parts must be equal.
    bool numOutputsAttr = imp.getAttr("num_outputs") != nullptr;
    int64_t parts = imp.getIntAttr("num_outputs", numOutputs);
    if (parts <= 0 || (!numOutputsAttr && dim % parts != 0))
      return imp.emitError() << "cannot split a dim of " << dim << " into "
                             << parts << " equal parts";
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::clamp<int64_t>(dim - i * chunk, 0, chunk));
  }
  if (static_cast<int64_t>(sizes.size()) != numOutputs)
    return imp.emitError() << sizes.size() << " split sizes for " << numOutputs
                           << " outputs";
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 0)
      return imp.emitError() << "negative split size " << size;
    total += size;
  }
  if (total != dim)
    return imp.emitError() << "split sizes add up to " << total
                           << ", not the dim " << dim;
  SmallVector<int64_t> offsets(inType.getRank(), 0);
  SmallVector<int64_t> strides(inType.getRank(), 1);
  for (int64_t i = 0; i < numOutputs; ++i) {
    SmallVector<int64_t> shape(inType.getShape());
    shape[*axis] = sizes[i];
    FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
        i, RankedTensorType::get(shape, inType.getElementType()));
    if (failed(type))
      return failure();
    if (imp.isOutputUsed(i))
      imp.setOutput(i, buildStridedSlice(imp, *input, *type, offsets, strides));
    offsets[*axis] += sizes[i];
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getSliceRules() {
  static const OpRuleInfo rules[] = {
      {"Slice", importSlice, 1, types::kTensor | types::kString, "", true},
      {"Split", importSplit, 1, types::kTensor, "", true},
  };
  return rules;
}
