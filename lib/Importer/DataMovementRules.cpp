//===- DataMovementRules.cpp - Import rules for indexing and shapes -------===//
//
// Gather*, Pad, Expand and Tile, and the operators whose result is a shape
// or a constant (Shape, Size, ConstantOfShape, Range); Slice and Split are
// in SliceRules.cpp.
// Inputs that determine a result shape (starts, pads, repeats, ...) must be
// constants, but for the shapes of Expand and ConstantOfShape, read at run
// time when they are not;
// ONNX shape inference with data propagation folds most shape arithmetic
// into constants before these rules run.
//
// Reads at run-time indices (Gather, GatherElements, GatherND) are clamped
// into range: ONNX leaves out-of-range indices undefined, and a bad index
// must never read outside the tensor.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSwitch.h"

#include <cstring>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

/// Registers output 0 as a constant computed at import.
static void setConstantOutput(NodeImporter &imp, ConstTensor tensor) {
  imp.getState().addConstant(imp.getNode().output(0), std::move(tensor),
                             imp.getLoc());
}

static ConstTensor makeInt64Tensor(MLIRContext *ctx, ArrayRef<int64_t> shape,
                                   ArrayRef<int64_t> values) {
  ConstTensor tensor{RankedTensorType::get(shape, IntegerType::get(ctx, 64)),
                     {}};
  tensor.data.resize(values.size() * sizeof(int64_t));
  // An empty shape slice has no data pointer, which memcpy must not get.
  if (!values.empty())
    std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
  return tensor;
}

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

/// An index read at run time as an `index` in [0, size): negative indices
/// count from the end (ONNX), then out-of-range ones are clamped.
static Value wrapIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  if (!index.getType().isIndex())
    index = b.create<arith::IndexCastOp>(loc, b.getIndexType(), index);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value sizeValue = b.create<arith::ConstantIndexOp>(loc, size);
  Value last = b.create<arith::ConstantIndexOp>(loc, size - 1);
  Value negative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = b.create<arith::SelectOp>(
      loc, negative, b.create<arith::AddIOp>(loc, index, sizeValue), index);
  Value clamped = b.create<arith::MaxSIOp>(loc, wrapped, zero);
  return b.create<arith::MinSIOp>(loc, clamped, last);
}

static Value outputIndex(OpBuilder &b, Location loc, int64_t dim) {
  return b.create<linalg::IndexOp>(loc, dim);
}

/// Checks that the indices are integers and that a non-empty result does not
/// index an empty axis (no element could be read).
static LogicalResult checkIndices(NodeImporter &imp, Value indices,
                                  RankedTensorType type, int64_t axisSize) {
  if (!isa<IntegerType>(getElementTypeOrSelf(indices.getType())))
    return imp.emitError() << "expects integer indices";
  if (axisSize == 0 && (!type.hasStaticShape() || type.getNumElements() != 0))
    return imp.emitError() << "indexes an empty axis";
  return success();
}

static LogicalResult importGather(NodeImporter &imp) {
  FailureOr<Value> data = imp.getInput(0), indices = imp.getInput(1);
  if (failed(data) || failed(indices))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  // Indices may have dims known only at run time (NonZero's, ...): the
  // output has them at the axis. So may the data, off the axis (a symbolic
  // batch): the output has them where the data has.
  FailureOr<int64_t> axis =
      normalizeAxis(imp, imp.getIntAttr("axis", 0), dataType.getRank());
  if (failed(axis))
    return failure();
  if (dataType.isDynamicDim(*axis))
    return imp.emitError() << "data of shape "
                           << formatShape(dataType.getShape())
                           << ": gathering along a run-time dim (axis " << *axis
                           << ") is not supported yet (fix the "
                              "model's symbolic dims with --input-shape)";
  SmallVector<int64_t> shape(dataType.getShape().take_front(*axis));
  llvm::append_range(shape, indicesType.getShape());
  llvm::append_range(shape, dataType.getShape().drop_front(*axis + 1));
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, dataType.getElementType()));
  if (failed(type))
    return failure();
  int64_t axisSize = dataType.getDimSize(*axis);
  if (failed(checkIndices(imp, *indices, *type, axisSize)))
    return failure();
  if (type->hasStaticShape() && type->getNumElements() == 0) {
    imp.setOutput(0, imp.emptyTensor(*type));
    return success();
  }
  int64_t q = indicesType.getRank();
  // out[d0.., i0..i(q-1), dk..] = data[d0.., indices[i0..], dk..]
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < q; ++i)
    exprs.push_back(getAffineDimExpr(*axis + i, imp.getContext()));
  AffineMap map = AffineMap::get(type->getRank(), 0, exprs, imp.getContext());
  Value source = *data;
  // The run-time dims of the output: the indices' at the axis, else the
  // data's.
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type->getRank(); ++d) {
    if (!type->isDynamicDim(d))
      continue;
    if (d >= *axis && d < *axis + q)
      sizes.push_back(imp.create<tensor::DimOp>(*indices, d - *axis));
    else
      sizes.push_back(
          imp.create<tensor::DimOp>(source, d < *axis ? d : d - q + 1));
  }
  imp.setOutput(
      0,
      buildGeneric(imp, *type, *indices, map, sizes,
                   [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                     SmallVector<Value> at;
                     for (int64_t d = 0; d < *axis; ++d)
                       at.push_back(outputIndex(b, loc, d));
                     at.push_back(wrapIndex(b, loc, args[0], axisSize));
                     for (int64_t d = *axis + 1; d < dataType.getRank(); ++d)
                       at.push_back(outputIndex(b, loc, d + q - 1));
                     return b.create<tensor::ExtractOp>(loc, source, at);
                   }));
  return success();
}

static LogicalResult importGatherElements(NodeImporter &imp) {
  FailureOr<Value> data = imp.getInput(0), indices = imp.getInput(1);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(data) || failed(indices) || failed(type))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  if (indicesType.getRank() != dataType.getRank())
    return imp.emitError() << "expects indices of the data's rank";
  FailureOr<int64_t> axis =
      normalizeAxis(imp, imp.getIntAttr("axis", 0), dataType.getRank());
  if (failed(axis))
    return failure();
  int64_t axisSize = dataType.getDimSize(*axis);
  if (failed(checkIndices(imp, *indices, *type, axisSize)))
    return failure();
  for (int64_t d = 0; d < dataType.getRank(); ++d)
    if (d != *axis && indicesType.getDimSize(d) > dataType.getDimSize(d))
      return imp.emitError()
             << "indices of shape " << formatShape(indicesType.getShape())
             << " exceed the data of shape "
             << formatShape(dataType.getShape());
  if (type->getNumElements() == 0) {
    imp.setOutput(0, imp.emptyTensor(*type));
    return success();
  }
  Value source = *data;
  imp.setOutput(
      0, buildGeneric(
             imp, *type, *indices,
             imp.getBuilder().getMultiDimIdentityMap(type->getRank()),
             [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
               SmallVector<Value> at;
               for (int64_t d = 0; d < dataType.getRank(); ++d)
                 at.push_back(d == *axis ? wrapIndex(b, loc, args[0], axisSize)
                                         : outputIndex(b, loc, d));
               return b.create<tensor::ExtractOp>(loc, source, at);
             }));
  return success();
}

static LogicalResult importGatherND(NodeImporter &imp) {
  FailureOr<Value> data = imp.getInput(0), indices = imp.getInput(1);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(data) || failed(indices) || failed(type))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  int64_t batchDims = imp.getIntAttr("batch_dims", 0);
  int64_t q = indicesType.getRank();
  if (q < 1 || batchDims < 0 || batchDims >= q ||
      batchDims >= dataType.getRank())
    return imp.emitError() << "invalid batch_dims " << batchDims;
  int64_t k = indicesType.getShape().back();
  if (k < 1 || batchDims + k > dataType.getRank())
    return imp.emitError() << "index tuples of " << k
                           << " elements do not fit the data's rank";
  if (!isa<IntegerType>(indicesType.getElementType()))
    return imp.emitError() << "expects integer indices";
  for (int64_t j = 0; j < k; ++j)
    if (dataType.getDimSize(batchDims + j) == 0 && type->getNumElements() != 0)
      return imp.emitError() << "indexes an empty axis";
  if (type->getNumElements() == 0) {
    imp.setOutput(0, imp.emptyTensor(*type));
    return success();
  }
  // out[b.., i.., r..] = data[b.., indices[b.., i.., 0..k-1], r..]: the
  // leading q-1 result dims index `indices`, the rest the data's trailing
  // dims.
  Value source = *data, tuples = *indices;
  imp.setOutput(
      0,
      buildGeneric(
          imp, *type, ValueRange{}, {},
          [&](OpBuilder &b, Location loc, ValueRange) -> Value {
            SmallVector<Value> prefix;
            for (int64_t d = 0; d < q - 1; ++d)
              prefix.push_back(outputIndex(b, loc, d));
            SmallVector<Value> at(prefix.begin(), prefix.begin() + batchDims);
            for (int64_t j = 0; j < k; ++j) {
              SmallVector<Value> tupleAt(prefix);
              tupleAt.push_back(b.create<arith::ConstantIndexOp>(loc, j));
              Value index = b.create<tensor::ExtractOp>(loc, tuples, tupleAt);
              at.push_back(
                  wrapIndex(b, loc, index, dataType.getDimSize(batchDims + j)));
            }
            for (int64_t d = batchDims + k; d < dataType.getRank(); ++d)
              at.push_back(outputIndex(b, loc, q - 1 + d - batchDims - k));
            return b.create<tensor::ExtractOp>(loc, source, at);
          }));
  return success();
}

//===----------------------------------------------------------------------===//
// Slice and Split
//===----------------------------------------------------------------------===//

/// The source index of a reflect/edge padded dim for output index `i`.
static Value paddedSourceIndex(OpBuilder &b, Location loc, Value i, int64_t low,
                               int64_t size, bool reflect) {
  Value j = b.create<arith::SubIOp>(loc, i,
                                    b.create<arith::ConstantIndexOp>(loc, low));
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value last = b.create<arith::ConstantIndexOp>(loc, size - 1);
  if (!reflect || size == 1)
    return b.create<arith::MinSIOp>(loc, b.create<arith::MaxSIOp>(loc, j, zero),
                                    last);
  // numpy's reflect (no edge repeat) is periodic with period 2 * (size - 1).
  int64_t period = 2 * (size - 1);
  Value periodValue = b.create<arith::ConstantIndexOp>(loc, period);
  Value m = b.create<arith::RemSIOp>(loc, j, periodValue);
  Value negative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, m, zero);
  m = b.create<arith::SelectOp>(
      loc, negative, b.create<arith::AddIOp>(loc, m, periodValue), m);
  Value upper =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, m, last);
  return b.create<arith::SelectOp>(
      loc, upper, b.create<arith::SubIOp>(loc, periodValue, m), m);
}

/// The scalar padding value of constant mode.
static FailureOr<Value> getPadValue(NodeImporter &imp, Type elementType) {
  OpBuilder &b = imp.getBuilder();
  if (imp.getOpset() < 11)
    return buildScalarConstant(b, imp.getLoc(), elementType,
                               imp.getFloatAttr("value", 0.0f));
  if (!imp.hasInput(2))
    return buildScalarConstant(b, imp.getLoc(), elementType, 0);
  if (const ConstTensor *value = imp.getConstantInput(2)) {
    if (value->getNumElements() != 1) {
      imp.emitError() << "'constant_value' input must be a scalar";
      return failure();
    }
    if (value->type.getElementType() != elementType) {
      imp.emitError() << "'constant_value' has another type than the data";
      return failure();
    }
    return imp.create<arith::ConstantOp>(getElementAttr(*value, 0)).getResult();
  }
  return getScalarInput(imp, 2, "constant_value", elementType);
}

static LogicalResult importPad(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  int64_t rank = inType.getRank();
  SmallVector<int64_t> pads;
  if (imp.getOpset() >= 11) {
    FailureOr<SmallVector<int64_t>> values = imp.getConstantInts(1, "pads");
    if (failed(values))
      return failure();
    pads = std::move(*values);
    if (imp.hasInput(3))
      return imp.emitError() << "the 'axes' input is not supported";
  } else {
    // Pad-1 names the attribute 'paddings'.
    pads = imp.getIntsAttr(imp.getAttr("pads") ? "pads" : "paddings");
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return imp.emitError() << "expects " << 2 * rank << " pads, got "
                           << pads.size();
  std::string mode = imp.getStringAttr("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return imp.emitError() << "unsupported mode '" << mode << "'";

  // Negative pads crop: slice those off first, then pad by the rest.
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1), cropped;
  SmallVector<int64_t> low(rank), high(rank), shape(rank);
  bool crops = false;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t begin = pads[d], end = pads[rank + d];
    int64_t dim = inType.getDimSize(d);
    // A run-time dim passes through unpadded (a symbolic batch).
    if (ShapedType::isDynamic(dim) &&
        (begin != 0 || end != 0 || mode != "constant"))
      return imp.emitError()
             << "input of shape " << formatShape(inType.getShape())
             << ": padding along a run-time dim (" << d
             << "), or other than constant padding of an input with "
                "run-time dims, is not supported yet (fix the model's "
                "symbolic dims with --input-shape)";
    int64_t keep =
        dim + std::min<int64_t>(begin, 0) + std::min<int64_t>(end, 0);
    if (keep < 0 && !ShapedType::isDynamic(dim))
      return imp.emitError() << "pads crop more than dim " << d << " holds";
    crops |= keep != dim;
    offsets[d] = -std::min<int64_t>(begin, 0);
    cropped.push_back(keep);
    low[d] = std::max<int64_t>(begin, 0);
    high[d] = std::max<int64_t>(end, 0);
    shape[d] = keep + low[d] + high[d];
    if (mode != "constant" && keep == 0 && shape[d] != 0)
      return imp.emitError() << mode << " padding of an empty dim " << d;
  }
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, inType.getElementType()));
  if (failed(type))
    return failure();
  Value source = *input;
  if (crops)
    source = buildStridedSlice(
        imp, source, RankedTensorType::get(cropped, inType.getElementType()),
        offsets, strides);

  if (mode == "constant") {
    FailureOr<Value> value = getPadValue(imp, inType.getElementType());
    if (failed(value))
      return failure();
    imp.setOutput(0, buildConstantPad(imp, *type, source, low, high, *value));
    return success();
  }
  if (type->getNumElements() == 0) {
    imp.setOutput(0, imp.emptyTensor(*type));
    return success();
  }
  bool reflect = mode == "reflect";
  imp.setOutput(
      0, buildGeneric(imp, *type, ValueRange{}, {},
                      [&](OpBuilder &nb, Location loc, ValueRange) -> Value {
                        SmallVector<Value> at;
                        for (int64_t d = 0; d < rank; ++d)
                          at.push_back(paddedSourceIndex(
                              nb, loc, outputIndex(nb, loc, d), low[d],
                              cropped[d], reflect));
                        return nb.create<tensor::ExtractOp>(loc, source, at);
                      }));
  return success();
}

//===----------------------------------------------------------------------===//
// Expand and Tile
//===----------------------------------------------------------------------===//

/// Expand to a shape known only at run time (computed from a symbolic
/// batch, as `cls_token.expand(batch, -1, -1)` exports). Each result dim is
/// the shape's value where the input dim is 1 (checked equal to the dim
/// ONNX's inference knows, else a run-time dim, checked not negative), else
/// the input's, the shape's value checked to be 1 or equal:
/// an input dim of 1 only at run time, which ONNX would broadcast, fails
/// the check instead.
static LogicalResult importRuntimeExpand(NodeImporter &imp, Value input,
                                         Value shape) {
  auto inType = cast<RankedTensorType>(input.getType());
  auto shapeType = cast<RankedTensorType>(shape.getType());
  if (shapeType.getRank() != 1 || shapeType.isDynamicDim(0) ||
      !shapeType.getElementType().isInteger(64))
    return imp.emitError() << "'shape' must be a 1-D int64 tensor of a static "
                              "length, got "
                           << shapeType;
  int64_t rank = std::max(inType.getRank(), shapeType.getDimSize(0));
  int64_t inOffset = rank - inType.getRank();
  int64_t shapeOffset = rank - shapeType.getDimSize(0);
  // The result dims ONNX's inference (with data propagation) knows.
  SmallVector<int64_t> known(rank, ShapedType::kDynamic);
  const onnx::TypeProto *onnxType =
      imp.getState().getOnnxType(imp.getNode().output(0));
  if (onnxType && onnxType->has_tensor_type() &&
      onnxType->tensor_type().has_shape() &&
      onnxType->tensor_type().shape().dim_size() == rank)
    for (int64_t d = 0; d < rank; ++d) {
      const auto &dim = onnxType->tensor_type().shape().dim(d);
      if (dim.has_dim_value() && dim.dim_value() >= 0)
        known[d] = dim.dim_value();
    }
  MLIRContext *ctx = imp.getContext();
  SmallVector<int64_t> dims;
  SmallVector<Value> sizes;
  SmallVector<AffineExpr> inExprs;
  auto check = [&](Value ok, int64_t d) {
    buildRuntimeCheck(imp, ok,
                      "'shape' entry " + std::to_string(d - shapeOffset) +
                          " does not expand dim " + std::to_string(d) +
                          " of the input");
  };
  auto cmp = [&](arith::CmpIPredicate predicate, Value a, Value b) -> Value {
    return imp.create<arith::CmpIOp>(predicate, a, b);
  };
  for (int64_t d = 0; d < rank; ++d) {
    int64_t in = d < inOffset ? 1 : inType.getDimSize(d - inOffset);
    Value inDim;
    if (d >= inOffset)
      inDim = ShapedType::isDynamic(in)
                  ? imp.create<tensor::DimOp>(input, d - inOffset).getResult()
                  : imp.create<arith::ConstantIndexOp>(in).getResult();
    Value wanted;
    if (d >= shapeOffset)
      wanted = imp.create<arith::IndexCastOp>(
          imp.getBuilder().getIndexType(),
          imp.create<tensor::ExtractOp>(
              shape,
              ValueRange{imp.create<arith::ConstantIndexOp>(d - shapeOffset)}));
    Value one = imp.create<arith::ConstantIndexOp>(1);
    if (in == 1) {
      // The shape's value (1 where the shape is shorter).
      if (!wanted) {
        dims.push_back(1);
      } else if (!ShapedType::isDynamic(known[d])) {
        check(cmp(arith::CmpIPredicate::eq, wanted,
                  imp.create<arith::ConstantIndexOp>(known[d])),
              d);
        dims.push_back(known[d]);
      } else {
        check(cmp(arith::CmpIPredicate::sge, wanted,
                  imp.create<arith::ConstantIndexOp>(0)),
              d);
        dims.push_back(ShapedType::kDynamic);
        sizes.push_back(wanted);
      }
      if (d >= inOffset)
        inExprs.push_back(getAffineConstantExpr(0, ctx));
      continue;
    }
    // The input's dim; the shape's value is 1 or it.
    if (wanted)
      check(imp.create<arith::OrIOp>(
                cmp(arith::CmpIPredicate::eq, wanted, one),
                cmp(arith::CmpIPredicate::eq, wanted, inDim)),
            d);
    dims.push_back(in);
    if (ShapedType::isDynamic(in))
      sizes.push_back(inDim);
    inExprs.push_back(getAffineDimExpr(d, ctx));
  }
  auto type = RankedTensorType::get(dims, inType.getElementType());
  buildRuntimeSizeCheck(imp, type, sizes);
  Value init = imp.emptyTensor(type, sizes);
  AffineMap inMap = AffineMap::get(rank, 0, inExprs, ctx);
  auto generic = imp.create<linalg::GenericOp>(
      TypeRange{type}, ValueRange{input}, ValueRange{init},
      ArrayRef<AffineMap>{inMap, imp.getBuilder().getMultiDimIdentityMap(rank)},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [](OpBuilder &b, Location loc, ValueRange args) {
        b.create<linalg::YieldOp>(loc, args[0]);
      });
  imp.setOutput(0, generic.getResult(0));
  return success();
}

static LogicalResult importExpand(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  if (!imp.getConstantInput(1)) {
    FailureOr<Value> shape = imp.getInput(1);
    if (failed(shape))
      return failure();
    return importRuntimeExpand(imp, *input, *shape);
  }
  FailureOr<SmallVector<int64_t>> shape = imp.getConstantInts(1, "shape");
  if (failed(shape))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  FailureOr<SmallVector<int64_t>> broadcast =
      broadcastShapes(inType.getShape(), *shape);
  if (failed(broadcast))
    return imp.emitError() << "cannot expand " << formatShape(inType.getShape())
                           << " to " << formatShape(*shape);
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(*broadcast, inType.getElementType()));
  if (failed(type))
    return failure();
  if (*type == inType) {
    imp.setOutput(0, *input);
    return success();
  }
  FailureOr<Value> result = buildElementwise(
      imp, *type, *input,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

static LogicalResult importTile(NodeImporter &imp) {
  if (imp.getOpset() < 6)
    return imp.emitError() << "Tile before opset 6 is not supported";
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> repeats = imp.getConstantInts(1, "repeats");
  if (failed(repeats))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  if (static_cast<int64_t>(repeats->size()) != inType.getRank())
    return imp.emitError() << repeats->size() << " repeats for rank "
                           << inType.getRank();
  MLIRContext *ctx = imp.getContext();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> exprs;
  for (auto [d, dim, repeat] : llvm::enumerate(inType.getShape(), *repeats)) {
    if (repeat < 0)
      return imp.emitError() << "negative repeat " << repeat;
    shape.push_back(dim * repeat);
    AffineExpr i = getAffineDimExpr(d, ctx);
    exprs.push_back(repeat == 1 || dim == 0 ? i
                    : dim == 1              ? getAffineConstantExpr(0, ctx)
                                            : i % dim);
  }
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, inType.getElementType()));
  if (failed(type))
    return failure();
  imp.setOutput(0, buildGeneric(imp, *type, *input,
                                AffineMap::get(shape.size(), 0, exprs, ctx),
                                [](OpBuilder &, Location, ValueRange args) {
                                  return args[0];
                                }));
  return success();
}

//===----------------------------------------------------------------------===//
// Shapes and constants
//===----------------------------------------------------------------------===//

/// The int64 vector of the sizes of `input`'s dims [start, end), some
/// known only at run time.
static Value buildDims(NodeImporter &imp, Value input, int64_t start,
                       int64_t end) {
  SmallVector<Value> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(imp.create<arith::IndexCastOp>(
        imp.getBuilder().getI64Type(),
        imp.create<tensor::DimOp>(input, d).getResult()));
  return imp.create<tensor::FromElementsOp>(
      RankedTensorType::get({end - start}, imp.getBuilder().getI64Type()),
      dims);
}

static LogicalResult importShape(NodeImporter &imp) {
  RankedTensorType inType = imp.getInputType(0);
  if (!inType)
    return failure();
  if (!inType.hasStaticShape()) {
    // Known at run time only (after NonZero, ...): read from the tensor.
    int64_t rank = inType.getRank();
    auto clampDim = [&](int64_t v) {
      return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
    };
    int64_t start = clampDim(imp.getIntAttr("start", 0));
    int64_t end = std::max(start, clampDim(imp.getIntAttr("end", rank)));
    FailureOr<Value> input = imp.getInput(0);
    if (failed(input))
      return failure();
    imp.setOutput(0, buildDims(imp, *input, start, end));
    return success();
  }
  // Opset 15 slices the shape with start/end (clamped, negative from the
  // back).
  int64_t rank = inType.getRank();
  auto clampDim = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
  };
  int64_t start = clampDim(imp.getIntAttr("start", 0));
  int64_t end = clampDim(imp.getIntAttr("end", rank));
  SmallVector<int64_t> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(inType.getDimSize(d));
  ConstTensor tensor = makeInt64Tensor(
      imp.getContext(), {static_cast<int64_t>(dims.size())}, dims);
  if (failed(imp.getOutputTypeOr(0, tensor.type)))
    return failure();
  setConstantOutput(imp, std::move(tensor));
  return success();
}

static LogicalResult importSize(NodeImporter &imp) {
  RankedTensorType inType = imp.getInputType(0);
  if (!inType)
    return failure();
  if (!inType.hasStaticShape()) {
    FailureOr<Value> input = imp.getInput(0);
    if (failed(input))
      return failure();
    Value count = imp.create<arith::ConstantIntOp>(1, 64);
    for (int64_t d = 0; d < inType.getRank(); ++d)
      count = imp.create<arith::MulIOp>(
          count, imp.create<arith::IndexCastOp>(
                     imp.getBuilder().getI64Type(),
                     imp.create<tensor::DimOp>(*input, d).getResult()));
    Value size = imp.create<tensor::FromElementsOp>(
        RankedTensorType::get({}, count.getType()), count);
    imp.setOutput(0, size);
    return success();
  }
  ConstTensor tensor =
      makeInt64Tensor(imp.getContext(), {}, {inType.getNumElements()});
  if (failed(imp.getOutputTypeOr(0, tensor.type)))
    return failure();
  setConstantOutput(imp, std::move(tensor));
  return success();
}

/// The result type and run-time sizes of a tensor whose shape input `i` is
/// known only at run time (`full((seq, seq), v)`): a 1-D int64 of a static
/// length, each entry read per run and checked to be a dim (at least 0) and,
/// where ONNX's inference (with aic's propagation) typed it static, that
/// size. The run-time dims keep the symbols ONNX gave them.
static FailureOr<RankedTensorType>
getRuntimeShapedType(NodeImporter &imp, int i, Type elementType,
                     SmallVectorImpl<Value> &sizes) {
  FailureOr<Value> shape = imp.getInput(i);
  if (failed(shape))
    return failure();
  auto shapeType = cast<RankedTensorType>(shape->getType());
  if (shapeType.getRank() != 1 || shapeType.isDynamicDim(0) ||
      !shapeType.getElementType().isInteger(64))
    return imp.emitError() << "the shape must be a 1-D int64 tensor of a "
                              "static length, got "
                           << shapeType;
  int64_t rank = shapeType.getDimSize(0);
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                               elementType));
  if (failed(type))
    return failure();
  for (int64_t d = 0; d < rank; ++d) {
    Value wanted = imp.create<arith::IndexCastOp>(
        imp.getBuilder().getIndexType(),
        imp.create<tensor::ExtractOp>(
            *shape, ValueRange{imp.create<arith::ConstantIndexOp>(d)}));
    bool known = !type->isDynamicDim(d);
    Value ok = imp.create<arith::CmpIOp>(
        known ? arith::CmpIPredicate::eq : arith::CmpIPredicate::sge, wanted,
        imp.create<arith::ConstantIndexOp>(known ? type->getDimSize(d) : 0));
    buildRuntimeCheck(imp, ok,
                      "shape entry " + std::to_string(d) +
                          (known ? " is not the " +
                                       std::to_string(type->getDimSize(d)) +
                                       " shape inference gave"
                                 : " is negative"));
    if (!known)
      sizes.push_back(wanted);
  }
  buildRuntimeSizeCheck(imp, *type, sizes);
  return type;
}

static LogicalResult importConstantOfShape(NodeImporter &imp) {
  bool runtime = !imp.getConstantInput(0);
  FailureOr<SmallVector<int64_t>> shape =
      runtime ? SmallVector<int64_t>() : imp.getConstantInts(0, "input");
  if (failed(shape))
    return failure();
  for (int64_t dim : *shape)
    if (dim < 0)
      return imp.emitError() << "negative dimension " << dim;
  MLIRContext *ctx = imp.getContext();
  TypedAttr value = FloatAttr::get(Float32Type::get(ctx), 0.0);
  if (const onnx::AttributeProto *attr = imp.getAttr("value")) {
    std::string why;
    FailureOr<ConstTensor> tensor =
        decodeTensor(attr->t(), imp.getState().getModelDir(), ctx, why);
    if (failed(tensor))
      return imp.emitError() << "'value' tensor: " << why;
    if (tensor->getNumElements() != 1)
      return imp.emitError() << "'value' must have one element";
    value = getElementAttr(*tensor, 0);
  }
  SmallVector<Value> sizes;
  FailureOr<RankedTensorType> type =
      runtime ? getRuntimeShapedType(imp, 0, value.getType(), sizes)
              : imp.getOutputTypeOr(
                    0, RankedTensorType::get(*shape, value.getType()));
  if (failed(type))
    return failure();
  imp.setOutput(
      0, buildFill(imp, *type, imp.create<arith::ConstantOp>(value), sizes));
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getDataMovementRules() {
  static const OpRuleInfo rules[] = {
      {"Gather", importGather, 1, types::kTensor | types::kString, "", true},
      {"GatherElements", importGatherElements, 11, types::kTensor},
      {"GatherND", importGatherND, 11, types::kTensor},
      {"Pad", importPad, 1, types::kNumeric, "", true},
      {"Expand", importExpand, 8, types::kTensor | types::kString, "", true},
      {"Tile", importTile, 6, types::kTensor | types::kString},
      {"Shape", importShape, 1, types::kTensor, "", true},
      {"Size", importSize, 1, types::kTensor, "", true},
      {"ConstantOfShape", importConstantOfShape, 9,
       typeBit(onnx::TensorProto::INT64)},
  };
  return rules;
}
