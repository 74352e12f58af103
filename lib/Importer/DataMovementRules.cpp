//===- DataMovementRules.cpp - Import rules for gathers, pads, expands ----===//
//
// Gather*, Pad, Expand and Tile; Slice and Split are in SliceRules.cpp,
// Shape, Size and ConstantOfShape in ShapeRules.cpp.
// Inputs that determine a result shape (pads, repeats, ...) must be
// constants, but for Expand's shape, read at run time when it is not;
// ONNX shape inference with data propagation folds most shape arithmetic
// into constants before these rules run.
//
// Indices out of range are an error in ONNX: constant ones are rejected at
// import, ones read at run time fail the run (checked before the read).
// The reads (Gather, GatherElements, GatherND) clamp them into range all
// the same: a bad index must never read outside the tensor.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

/// An index read at run time as an `index` in [0, size): negative indices
/// count from the end (ONNX), then out-of-range ones are clamped. `size`
/// and `last` (size - 1) are `index` values.
static Value wrapIndex(OpBuilder &b, Location loc, Value index, Value size,
                       Value last) {
  if (!index.getType().isIndex())
    index = b.create<arith::IndexCastOp>(loc, b.getIndexType(), index);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value negative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = b.create<arith::SelectOp>(
      loc, negative, b.create<arith::AddIOp>(loc, index, size), index);
  Value clamped = b.create<arith::MaxSIOp>(loc, wrapped, zero);
  return b.create<arith::MinSIOp>(loc, clamped, last);
}

static Value wrapIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  Value sizeValue = b.create<arith::ConstantIndexOp>(loc, size);
  Value last = b.create<arith::ConstantIndexOp>(loc, size - 1);
  return wrapIndex(b, loc, index, sizeValue, last);
}

/// wrapIndex along a dim of run-time size `size`.
static Value wrapIndex(OpBuilder &b, Location loc, Value index, Value size) {
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  Value last = b.create<arith::SubIOp>(loc, size, one);
  return wrapIndex(b, loc, index, size, last);
}

static Value outputIndex(OpBuilder &b, Location loc, int64_t dim) {
  return b.create<linalg::IndexOp>(loc, dim);
}

/// The run-time half of checkIndicesInRange: a reduction over `indices`
/// that fails the run when one lies outside [-size, size) ([0, size)
/// without `negative`); `sizeAt` gives the size, as an i64, for an element
/// of the reduction's body.
static void buildRangeCheck(
    NodeImporter &imp, Value indices, bool negative,
    function_ref<Value(OpBuilder &, Location, int64_t rank)> sizeAt) {
  auto type = cast<RankedTensorType>(indices.getType());
  OpBuilder &b = imp.getBuilder();
  int64_t rank = type.getRank();
  auto boolType = RankedTensorType::get({}, b.getI1Type());
  Value init = buildFill(imp, boolType,
                         imp.create<arith::ConstantIntOp>(1, 1).getResult());
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank),
                              AffineMap::get(rank, 0, b.getContext())};
  auto all = imp.create<linalg::GenericOp>(
      TypeRange{boolType}, ValueRange{indices}, ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        Value index = args[0];
        if (!index.getType().isInteger(64))
          index = nb.create<arith::ExtSIOp>(loc, nb.getI64Type(), index);
        Value size = sizeAt(nb, loc, rank);
        Value zero = nb.create<arith::ConstantIntOp>(loc, 0, 64);
        Value lowest =
            negative ? nb.create<arith::SubIOp>(loc, zero, size).getResult()
                     : zero;
        Value low = nb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge,
                                             index, lowest);
        Value high = nb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt,
                                              index, size);
        Value ok = nb.create<arith::AndIOp>(loc, low, high);
        nb.create<linalg::YieldOp>(
            loc, ValueRange{nb.create<arith::AndIOp>(loc, args[1], ok)});
      });
  buildRuntimeCheck(imp, imp.create<tensor::ExtractOp>(all.getResult(0)),
                    "an index is out of range of the dim it indexes");
}

/// buildRangeCheck with the i64 size `sizes64[j]` for entry j of the
/// indices' last dim (one size: for every entry).
static void buildTupleRangeCheck(NodeImporter &imp, Value indices,
                                 bool negative, ArrayRef<Value> sizes64) {
  buildRangeCheck(imp, indices, negative,
                  [&](OpBuilder &nb, Location loc, int64_t rank) {
                    Value size = sizes64.back();
                    if (sizes64.size() == 1)
                      return size;
                    Value position = nb.create<linalg::IndexOp>(loc, rank - 1);
                    for (int64_t j = sizes64.size() - 2; j >= 0; --j)
                      size = nb.create<arith::SelectOp>(
                          loc,
                          nb.create<arith::CmpIOp>(
                              loc, arith::CmpIPredicate::eq, position,
                              nb.create<arith::ConstantIndexOp>(loc, j)),
                          sizes64[j], size);
                    return size;
                  });
}

LogicalResult aic::importer::checkIndicesInRange(NodeImporter &imp, int input,
                                                 Value indices,
                                                 ArrayRef<int64_t> sizes,
                                                 bool negative) {
  auto type = cast<RankedTensorType>(indices.getType());
  auto sizeAt = [&](int64_t flat) {
    return sizes.size() == 1 ? sizes[0] : sizes[flat % sizes.size()];
  };
  if (const ConstTensor *constant = imp.getConstantInput(input)) {
    std::vector<int64_t> values = getValuesAsInt(*constant);
    for (auto [k, v] : llvm::enumerate(values))
      if (v < (negative ? -sizeAt(k) : 0) || v >= sizeAt(k))
        return imp.emitError()
               << "index " << v << " is out of range for a dim of size "
               << sizeAt(k);
    return success();
  }
  if (type.hasStaticShape() && type.getNumElements() == 0)
    return success();
  SmallVector<Value> sizes64;
  for (int64_t size : sizes)
    sizes64.push_back(imp.create<arith::ConstantIntOp>(size, 64));
  buildTupleRangeCheck(imp, indices, negative, sizes64);
  return success();
}

void aic::importer::checkIndicesInRange(NodeImporter &imp, Value indices,
                                        Value size) {
  checkIndicesInRange(imp, indices, ValueRange{size});
}

void aic::importer::checkIndicesInRange(NodeImporter &imp, Value indices,
                                        ValueRange sizes) {
  auto type = cast<RankedTensorType>(indices.getType());
  if (type.hasStaticShape() && type.getNumElements() == 0)
    return;
  SmallVector<Value> sizes64;
  for (Value size : sizes)
    sizes64.push_back(
        imp.create<arith::IndexCastOp>(imp.getBuilder().getI64Type(), size));
  buildTupleRangeCheck(imp, indices, /*negative=*/true, sizes64);
}

/// Checks Gather's and GatherElements' `indices` (node input 1) along dim
/// `axis` of `data`: integers, not into an empty axis when the result `type`
/// has elements, in range (see checkIndicesInRange). Along a run-time dim (a
/// pooler's x[:, 0] over a symbolic sequence) they are checked at run time,
/// constant ones too; returns that dim's size then, else a null Value.
static FailureOr<Value> checkGatherIndices(NodeImporter &imp, Value data,
                                           Value indices, RankedTensorType type,
                                           int64_t axis) {
  if (!isa<IntegerType>(getElementTypeOrSelf(indices.getType())))
    return imp.emitError() << "expects integer indices";
  int64_t axisSize = cast<RankedTensorType>(data.getType()).getDimSize(axis);
  if (ShapedType::isDynamic(axisSize)) {
    Value size = imp.create<tensor::DimOp>(data, axis);
    checkIndicesInRange(imp, indices, size);
    return size;
  }
  if (axisSize == 0 && (!type.hasStaticShape() || type.getNumElements() != 0))
    return imp.emitError() << "indexes an empty axis";
  if (failed(checkIndicesInRange(imp, 1, indices, {axisSize})))
    return failure();
  return Value();
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
  SmallVector<int64_t> shape(dataType.getShape().take_front(*axis));
  llvm::append_range(shape, indicesType.getShape());
  llvm::append_range(shape, dataType.getShape().drop_front(*axis + 1));
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, dataType.getElementType()));
  if (failed(type))
    return failure();
  int64_t axisSize = dataType.getDimSize(*axis);
  FailureOr<Value> checked =
      checkGatherIndices(imp, *data, *indices, *type, *axis);
  if (failed(checked))
    return failure();
  Value runTimeSize = *checked;
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
                     at.push_back(runTimeSize
                                      ? wrapIndex(b, loc, args[0], runTimeSize)
                                      : wrapIndex(b, loc, args[0], axisSize));
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
  // Run-time dims elsewhere (a batch, a sequence) are read at their index.
  int64_t axisSize = dataType.getDimSize(*axis);
  FailureOr<Value> checked =
      checkGatherIndices(imp, *data, *indices, *type, *axis);
  if (failed(checked))
    return failure();
  Value runTimeSize = *checked;
  for (int64_t d = 0; d < dataType.getRank(); ++d) {
    int64_t have = dataType.getDimSize(d), want = indicesType.getDimSize(d);
    if (d == *axis)
      continue;
    if (!ShapedType::isDynamic(have) && !ShapedType::isDynamic(want)) {
      if (want > have)
        return imp.emitError()
               << "indices of shape " << formatShape(indicesType.getShape())
               << " exceed the data of shape "
               << formatShape(dataType.getShape());
      continue;
    }
    // One statement per op: argument evaluation order is unspecified.
    Value indicesDim = imp.create<tensor::DimOp>(*indices, d);
    Value dataDim = imp.create<tensor::DimOp>(*data, d);
    buildRuntimeCheck(imp,
                      imp.create<arith::CmpIOp>(arith::CmpIPredicate::sle,
                                                indicesDim, dataDim),
                      "dim " + std::to_string(d) +
                          " of the indices exceeds the data's at run time");
  }
  if (type->hasStaticShape() && type->getNumElements() == 0) {
    imp.setOutput(0, imp.emptyTensor(*type));
    return success();
  }
  Value source = *data;
  imp.setOutput(
      0,
      buildGeneric(imp, *type, *indices,
                   imp.getBuilder().getMultiDimIdentityMap(type->getRank()),
                   [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                     SmallVector<Value> at;
                     for (int64_t d = 0; d < dataType.getRank(); ++d)
                       if (d != *axis)
                         at.push_back(outputIndex(b, loc, d));
                       else if (runTimeSize)
                         at.push_back(wrapIndex(b, loc, args[0], runTimeSize));
                       else
                         at.push_back(wrapIndex(b, loc, args[0], axisSize));
                     return b.create<tensor::ExtractOp>(loc, source, at);
                   }));
  return success();
}

/// GatherND. Data and indices may have run-time dims (the indices of a
/// NonZero, a symbolic batch); the length of the index tuples (the indices'
/// last dim) must be static. Indices are checked in range (at run time
/// where not constant), batch dims equal.
static LogicalResult importGatherND(NodeImporter &imp) {
  FailureOr<Value> data = imp.getInput(0), indices = imp.getInput(1);
  if (failed(data) || failed(indices))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  int64_t batchDims = imp.getIntAttr("batch_dims", 0);
  int64_t q = indicesType.getRank();
  if (q < 1 || batchDims < 0 || batchDims >= q ||
      batchDims >= dataType.getRank())
    return imp.emitError() << "invalid batch_dims " << batchDims;
  int64_t k = indicesType.getShape().back();
  if (ShapedType::isDynamic(k))
    return imp.emitError() << "the length of the index tuples (the indices' "
                              "last dim) must be known when compiling";
  if (k < 1 || batchDims + k > dataType.getRank())
    return imp.emitError() << "index tuples of " << k
                           << " elements do not fit the data's rank";
  if (!isa<IntegerType>(indicesType.getElementType()))
    return imp.emitError() << "expects integer indices";
  SmallVector<int64_t> shape(indicesType.getShape().drop_back());
  llvm::append_range(shape, dataType.getShape().drop_front(batchDims + k));
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, dataType.getElementType()));
  if (failed(type))
    return failure();
  // The batch dims index both: equal.
  for (int64_t d = 0; d < batchDims; ++d) {
    int64_t a = indicesType.getDimSize(d), b = dataType.getDimSize(d);
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b)) {
      if (a != b)
        return imp.emitError() << "batch dim " << d << " of the indices (" << a
                               << ") differs from the data's (" << b << ")";
      continue;
    }
    Value indicesDim = imp.create<tensor::DimOp>(*indices, d);
    Value dataDim = imp.create<tensor::DimOp>(*data, d);
    buildRuntimeCheck(
        imp,
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, indicesDim,
                                  dataDim),
        "batch dim " + std::to_string(d) +
            " of the indices differs from the data's at run time");
  }
  // The sizes the tuples index, constants or read at run time.
  SmallVector<int64_t> indexed(dataType.getShape().slice(batchDims, k));
  bool runtimeIndexed = llvm::any_of(indexed, ShapedType::isDynamic);
  if (!runtimeIndexed) {
    for (int64_t size : indexed)
      if (size == 0 && !(type->hasStaticShape() && type->getNumElements() == 0))
        return imp.emitError() << "indexes an empty axis";
    if (failed(checkIndicesInRange(imp, 1, *indices, indexed)))
      return failure();
  }
  SmallVector<Value> indexedSizes;
  for (int64_t j = 0; j < k; ++j)
    indexedSizes.push_back(buildDimValue(imp, *data, batchDims + j));
  if (runtimeIndexed)
    checkIndicesInRange(imp, *indices, indexedSizes);
  if (type->hasStaticShape() && type->getNumElements() == 0) {
    imp.setOutput(0, imp.emptyTensor(*type));
    return success();
  }
  // The result's run-time dims: the indices' leading ones, then the data's
  // trailing ones.
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type->getRank(); ++d)
    if (type->isDynamicDim(d))
      sizes.push_back(d < q - 1 ? imp.create<tensor::DimOp>(*indices, d)
                                : imp.create<tensor::DimOp>(
                                      *data, d - (q - 1) + batchDims + k));
  // out[b.., i.., r..] = data[b.., indices[b.., i.., 0..k-1], r..]: the
  // leading q-1 result dims index `indices`, the rest the data's trailing
  // dims.
  Value source = *data, tuples = *indices;
  imp.setOutput(
      0,
      buildGeneric(
          imp, *type, ValueRange{}, {}, sizes,
          [&](OpBuilder &b, Location loc, ValueRange) -> Value {
            SmallVector<Value> prefix;
            for (int64_t d = 0; d < q - 1; ++d)
              prefix.push_back(outputIndex(b, loc, d));
            SmallVector<Value> at(prefix.begin(), prefix.begin() + batchDims);
            for (int64_t j = 0; j < k; ++j) {
              SmallVector<Value> tupleAt(prefix);
              tupleAt.push_back(b.create<arith::ConstantIndexOp>(loc, j));
              Value index = b.create<tensor::ExtractOp>(loc, tuples, tupleAt);
              at.push_back(ShapedType::isDynamic(indexed[j])
                               ? wrapIndex(b, loc, index, indexedSizes[j])
                               : wrapIndex(b, loc, index, indexed[j]));
            }
            for (int64_t d = batchDims + k; d < dataType.getRank(); ++d)
              at.push_back(outputIndex(b, loc, q - 1 + d - batchDims - k));
            return b.create<tensor::ExtractOp>(loc, source, at);
          }));
  return success();
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

/// The source index of a reflect/edge padded dim for output index `i`;
/// `size` is the source dim's (a constant, or a run-time value at least 1).
static Value paddedSourceIndex(OpBuilder &b, Location loc, Value i, int64_t low,
                               Value size, bool reflect) {
  auto constant = [&](int64_t v) -> Value {
    return b.create<arith::ConstantIndexOp>(loc, v);
  };
  std::optional<int64_t> staticSize = getConstantIntValue(size);
  Value j = b.create<arith::SubIOp>(loc, i, constant(low));
  Value zero = constant(0), one = constant(1);
  Value last = staticSize ? constant(*staticSize - 1)
                          : b.create<arith::SubIOp>(loc, size, one).getResult();
  if (!reflect || staticSize == 1)
    return b.create<arith::MinSIOp>(loc, b.create<arith::MaxSIOp>(loc, j, zero),
                                    last);
  // numpy's reflect (no edge repeat) is periodic with period 2 * (size - 1);
  // a run-time size of 1 has none (every index reads element 0).
  Value single, period;
  if (staticSize) {
    period = constant(2 * (*staticSize - 1));
  } else {
    single = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, size, one);
    period = b.create<arith::SelectOp>(
        loc, single, one, b.create<arith::AddIOp>(loc, last, last));
  }
  Value m = b.create<arith::RemSIOp>(loc, j, period);
  Value negative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, m, zero);
  m = b.create<arith::SelectOp>(loc, negative,
                                b.create<arith::AddIOp>(loc, m, period), m);
  Value upper =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, m, last);
  Value reflected = b.create<arith::SelectOp>(
      loc, upper, b.create<arith::SubIOp>(loc, period, m), m);
  return single ? b.create<arith::SelectOp>(loc, single, zero, reflected)
                : reflected;
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

/// Constant padding by pads read at run time (a 'pads' input computed from
/// shapes: a sequence padded up to a multiple of 8). A run-time dim grows
/// by its pads; a static dim keeps its size, which the run checks (its
/// pads must be 0), as it does that no pad is negative (a crop).
static LogicalResult importRuntimePad(NodeImporter &imp, Value input) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t rank = inType.getRank();
  if (imp.getStringAttr("mode", "constant") != "constant")
    return imp.emitError() << "'pads' read at run time are supported in "
                              "constant mode only";
  if (imp.hasInput(3))
    return imp.emitError() << "the 'axes' input is not supported";
  FailureOr<Value> pads = imp.getInput(1);
  if (failed(pads))
    return failure();
  auto padsType = cast<RankedTensorType>(pads->getType());
  if (padsType.getShape() != ArrayRef<int64_t>{2 * rank} ||
      !padsType.getElementType().isInteger(64))
    return imp.emitError() << "expects 'pads' of " << 2 * rank
                           << " int64 values, got " << padsType;
  FailureOr<Value> value = getPadValue(imp, inType.getElementType());
  if (failed(value))
    return failure();
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(0, inType);
  if (failed(type))
    return failure();
  if (*type != inType)
    return imp.emitError() << "expects the output's type to be the input's "
                           << inType << ", got " << *type;
  auto read = [&](int64_t k) -> Value {
    Value at = imp.create<arith::ConstantIndexOp>(k);
    Value v = imp.create<tensor::ExtractOp>(*pads, ValueRange{at});
    return imp.create<arith::IndexCastOp>(imp.getBuilder().getIndexType(), v);
  };
  Value zero = imp.create<arith::ConstantIndexOp>(0);
  SmallVector<OpFoldResult> low;
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < rank; ++d) {
    Value begin = read(d);
    Value end = read(rank + d);
    Value both = imp.create<arith::AddIOp>(begin, end);
    Value beginOk =
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::sge, begin, zero);
    Value endOk =
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::sge, end, zero);
    buildRuntimeCheck(imp, imp.create<arith::AndIOp>(beginOk, endOk),
                      "a pad of dim " + std::to_string(d) +
                          " read at run time is negative (a crop), which is "
                          "not supported");
    if (!inType.isDynamicDim(d)) {
      buildRuntimeCheck(
          imp, imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, both, zero),
          "pads dim " + std::to_string(d) + " (of static size " +
              std::to_string(inType.getDimSize(d)) +
              ") by amounts read at run time, which is not supported");
      low.push_back(imp.getBuilder().getIndexAttr(0));
      continue;
    }
    low.push_back(begin);
    Value size = imp.create<tensor::DimOp>(input, d);
    sizes.push_back(imp.create<arith::AddIOp>(size, both));
  }
  imp.setOutput(0, buildPadInto(imp, inType, input, low, sizes, *value));
  return success();
}

static LogicalResult importPad(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  int64_t rank = inType.getRank();
  SmallVector<int64_t> pads;
  if (imp.getOpset() >= 11 && imp.hasInput(1) && !imp.getConstantInput(1) &&
      !inType.hasStaticShape())
    return importRuntimePad(imp, *input);
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

  // Crops of run-time dims: sliced off first (a view), the rest of the
  // pads applied to the slice; a run where a dim is shorter than its crops
  // fails.
  Value input0 = *input;
  if (llvm::any_of(llvm::seq<int64_t>(0, rank), [&](int64_t d) {
        return inType.isDynamicDim(d) && (pads[d] < 0 || pads[rank + d] < 0);
      })) {
    OpBuilder &b = imp.getBuilder();
    SmallVector<OpFoldResult> offsets, sizes, strides(rank, b.getIndexAttr(1));
    for (int64_t d = 0; d < rank; ++d) {
      int64_t begin = std::min<int64_t>(pads[d], 0),
              end = std::min<int64_t>(pads[rank + d], 0);
      if (!inType.isDynamicDim(d) || (begin == 0 && end == 0)) {
        offsets.push_back(b.getIndexAttr(0));
        sizes.push_back(tensor::getMixedSize(b, imp.getLoc(), input0, d));
        continue;
      }
      Value dim = imp.create<tensor::DimOp>(input0, d);
      Value crop = imp.create<arith::ConstantIndexOp>(begin + end);
      Value keep = imp.create<arith::AddIOp>(dim, crop);
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::sge, keep,
                                    imp.create<arith::ConstantIndexOp>(0)),
          "pads crop more than run-time dim " + std::to_string(d) + " holds");
      offsets.push_back(b.getIndexAttr(-begin));
      sizes.push_back(keep);
      pads[d] -= begin;
      pads[rank + d] -= end;
    }
    *input = imp.create<tensor::ExtractSliceOp>(inType, input0, offsets, sizes,
                                                strides)
                 .getResult();
  }

  // Negative pads crop: slice those off first, then pad by the rest.
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1), cropped;
  SmallVector<int64_t> low(rank), high(rank), shape(rank);
  bool crops = false;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t begin = pads[d], end = pads[rank + d];
    int64_t dim = inType.getDimSize(d);
    // A run-time dim grows by its pads, sized at run time (its crops are
    // sliced off above).
    int64_t keep =
        dim + std::min<int64_t>(begin, 0) + std::min<int64_t>(end, 0);
    if (keep < 0 && !ShapedType::isDynamic(dim))
      return imp.emitError() << "pads crop more than dim " << d << " holds";
    crops |= keep != dim;
    offsets[d] = -std::min<int64_t>(begin, 0);
    cropped.push_back(keep);
    low[d] = std::max<int64_t>(begin, 0);
    high[d] = std::max<int64_t>(end, 0);
    shape[d] = ShapedType::isDynamic(dim) ? ShapedType::kDynamic
                                          : keep + low[d] + high[d];
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

  bool pads0 = llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
               llvm::all_of(high, [](int64_t v) { return v == 0; });
  if (pads0 && cast<RankedTensorType>(source.getType()) == *type) {
    // A crop alone: the slice.
    imp.setOutput(0, source);
    return success();
  }
  if (mode == "constant") {
    FailureOr<Value> value = getPadValue(imp, inType.getElementType());
    if (failed(value))
      return failure();
    imp.setOutput(0, buildConstantPad(imp, *type, source, low, high, *value));
    return success();
  }
  if (type->hasStaticShape() && type->getNumElements() == 0) {
    imp.setOutput(0, imp.emptyTensor(*type));
    return success();
  }
  // The run-time dims' sizes, and of the padded ones, a check that there
  // is something to reflect or repeat.
  SmallVector<Value> runtimeSizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (!inType.isDynamicDim(d))
      continue;
    Value size = imp.create<tensor::DimOp>(source, d);
    if (low[d] + high[d] != 0)
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::sgt, size,
                                    imp.create<arith::ConstantIndexOp>(0)),
          mode + " padding of an empty dim " + std::to_string(d));
    runtimeSizes.push_back(size);
  }
  SmallVector<Value> resultSizes;
  for (auto [i, d] : llvm::enumerate(
           llvm::make_filter_range(llvm::seq<int64_t>(0, rank), [&](int64_t d) {
             return inType.isDynamicDim(d);
           })))
    resultSizes.push_back(imp.create<arith::AddIOp>(
        runtimeSizes[i], imp.create<arith::ConstantIndexOp>(low[d] + high[d])));
  if (llvm::any_of(llvm::seq<int64_t>(0, rank), [&](int64_t d) {
        return inType.isDynamicDim(d) != type->isDynamicDim(d);
      }))
    return imp.emitError() << "expects the output's run-time dims to be the "
                              "input's, got "
                           << *type;
  bool reflect = mode == "reflect";
  imp.setOutput(
      0, buildGeneric(imp, *type, ValueRange{}, {}, resultSizes,
                      [&](OpBuilder &nb, Location loc, ValueRange) -> Value {
                        SmallVector<Value> at;
                        size_t runtime = 0;
                        for (int64_t d = 0; d < rank; ++d) {
                          Value runtimeSize = inType.isDynamicDim(d)
                                                  ? runtimeSizes[runtime++]
                                                  : Value();
                          Value i = outputIndex(nb, loc, d);
                          // An unpadded dim reads where it writes.
                          if (low[d] == 0 && high[d] == 0) {
                            at.push_back(i);
                            continue;
                          }
                          Value size = runtimeSize
                                           ? runtimeSize
                                           : nb.create<arith::ConstantIndexOp>(
                                                 loc, cropped[d]);
                          at.push_back(paddedSourceIndex(nb, loc, i, low[d],
                                                         size, reflect));
                        }
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

/// Tile of an input with run-time dims, or by repeats read at run time
/// (x.repeat(y.size(0), 1)): `repeats` has the constant ones, `runtime`
/// the repeats input where they are not. A run-time dim or repeat sizes
/// the result by their product, whose elements read the input at their
/// position modulo the input's size.
static LogicalResult importRuntimeTile(NodeImporter &imp, Value input,
                                       ArrayRef<int64_t> repeats,
                                       Value runtime) {
  auto inType = cast<RankedTensorType>(input.getType());
  RankedTensorType inferred = imp.getInferredOutputType(0);
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes, dims;
  for (int64_t d = 0; d < inType.getRank(); ++d) {
    int64_t dim = inType.getDimSize(d);
    dims.push_back(buildDimValue(imp, input, d));
    if (!runtime && !ShapedType::isDynamic(dim)) {
      if (llvm::MulOverflow(dim, repeats[d], shape.emplace_back()))
        return imp.emitError() << "the result's dim " << d << " overflows";
      continue;
    }
    if (!runtime && repeats[d] == 0) {
      shape.push_back(0);
      continue;
    }
    Value repeat;
    if (runtime) {
      repeat = imp.create<arith::IndexCastOp>(
          imp.getBuilder().getIndexType(),
          imp.create<tensor::ExtractOp>(
              runtime,
              ValueRange{imp.create<arith::ConstantIndexOp>(d).getResult()}));
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::sge, repeat,
                                    imp.create<arith::ConstantIndexOp>(0)),
          "repeat " + std::to_string(d) + " is negative at run time");
    } else {
      repeat = imp.create<arith::ConstantIndexOp>(repeats[d]);
    }
    Value size = imp.create<arith::MulIOp>(dims[d], repeat);
    // A dim ONNX inferred statically from repeats it knows symbolically
    // (x.repeat(b, 1) of an x of 5 columns: 5 * 1) is that, checked.
    if (inferred && inferred.getRank() == inType.getRank() &&
        !inferred.isDynamicDim(d)) {
      int64_t extent = inferred.getDimSize(d);
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, size,
                                    imp.create<arith::ConstantIndexOp>(extent)),
          "dim " + std::to_string(d) + " of the result is not " +
              std::to_string(extent) + " at run time, as ONNX inferred");
      shape.push_back(extent);
      continue;
    }
    shape.push_back(ShapedType::kDynamic);
    sizes.push_back(size);
  }
  auto type = RankedTensorType::get(shape, inType.getElementType());
  buildRuntimeSizeCheck(imp, type, sizes);
  imp.setOutput(
      0,
      buildGeneric(
          imp, type, ValueRange{}, {}, sizes,
          [&](OpBuilder &b, Location loc, ValueRange) -> Value {
            SmallVector<Value> at;
            for (int64_t d = 0; d < inType.getRank(); ++d) {
              Value i = b.create<linalg::IndexOp>(loc, d);
              at.push_back(
                  !runtime && repeats[d] == 1
                      ? i
                      : b.create<arith::RemUIOp>(loc, i, dims[d]).getResult());
            }
            return b.create<tensor::ExtractOp>(loc, input, at);
          }));
  return success();
}

static LogicalResult importTile(NodeImporter &imp) {
  if (imp.getOpset() < 6)
    return imp.emitError() << "Tile before opset 6 is not supported";
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  if (!imp.getConstantInput(1)) {
    FailureOr<Value> runtime = imp.getInput(1);
    if (failed(runtime))
      return failure();
    auto repeatsType = cast<RankedTensorType>(runtime->getType());
    if (repeatsType.getRank() != 1 ||
        repeatsType.getDimSize(0) != inType.getRank() ||
        !repeatsType.getElementType().isInteger(64))
      return imp.emitError() << "expects 1-D int64 repeats, one per dim of "
                                "the input";
    return importRuntimeTile(imp, *input, {}, *runtime);
  }
  FailureOr<SmallVector<int64_t>> repeats = imp.getConstantInts(1, "repeats");
  if (failed(repeats))
    return failure();
  if (static_cast<int64_t>(repeats->size()) != inType.getRank())
    return imp.emitError() << repeats->size() << " repeats for rank "
                           << inType.getRank();
  for (int64_t repeat : *repeats)
    if (repeat < 0)
      return imp.emitError() << "negative repeat " << repeat;
  if (!inType.hasStaticShape())
    return importRuntimeTile(imp, *input, *repeats, Value());
  MLIRContext *ctx = imp.getContext();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> exprs;
  for (auto [d, dim, repeat] : llvm::enumerate(inType.getShape(), *repeats)) {
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
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getDataMovementRules() {
  static const OpRuleInfo rules[] = {
      {"Gather", importGather, 1, types::kTensor | types::kString, "", true},
      {"GatherElements", importGatherElements, 11, types::kTensor, "", true},
      {"GatherND", importGatherND, 11, types::kTensor, "", true},
      {"Pad", importPad, 1, types::kNumeric, "", true},
      {"Expand", importExpand, 8, types::kTensor | types::kString, "", true},
      {"Tile", importTile, 6, types::kTensor | types::kString, "", true},
  };
  return rules;
}
