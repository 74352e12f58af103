//===- PositionalRules.cpp - Import rules computed from positions ---------===//
//
// Operators whose elements depend on their own position: Trilu, EyeLike,
// OneHot, Range (linalg.generic bodies reading linalg.index; Range is
// computed at import when its inputs are constants), and DepthToSpace /
// SpaceToDepth, which are a view, a linalg.transpose and a view.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

static Value indexAsI64(OpBuilder &b, Location loc, int64_t dim) {
  Value index = b.create<linalg::IndexOp>(loc, dim);
  return b.create<arith::IndexCastOp>(loc, b.getI64Type(), index);
}

/// Trilu: keeps the elements on and above (upper) or on and below the k-th
/// diagonal of the two innermost dims and zeroes the others; k may be
/// known only at run time.
static LogicalResult importTrilu(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  int64_t rank = type.getRank();
  if (rank < 2)
    return imp.emitError() << "expects an input of rank >= 2";
  bool upper = imp.getIntAttr("upper", 1);
  SmallVector<Value> operands{*input};
  if (imp.hasInput(1)) {
    FailureOr<Value> k = imp.getInput(1);
    if (failed(k))
      return failure();
    auto kType = cast<RankedTensorType>(k->getType());
    if (!kType.hasStaticShape() || kType.getNumElements() != 1)
      return imp.emitError() << "'k' input must be a scalar";
    operands.push_back(imp.reshapeTo(*k, {}));
  }
  Type elementType = type.getElementType();
  FailureOr<Value> result = buildElementwise(
      imp, type, operands, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value i = indexAsI64(b, loc, rank - 2);
        Value j = indexAsI64(b, loc, rank - 1);
        Value offset = b.create<arith::SubIOp>(loc, j, i);
        Value k = args.size() > 1
                      ? args[1]
                      : b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(0))
                            .getResult();
        Value keep = b.create<arith::CmpIOp>(
            loc, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
            offset, k);
        ScalarBuilder s(b, loc, elementType);
        Value zero = s.constant(0);
        return s.select(keep, args[0], zero);
      });
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

/// EyeLike: ones on the k-th diagonal of a matrix of the input's shape.
static LogicalResult importEyeLike(NodeImporter &imp) {
  RankedTensorType inType = imp.getInputType(0);
  if (!inType)
    return failure();
  if (inType.getRank() != 2)
    return imp.emitError() << "expects a 2-D input";
  Type elementType = inType.getElementType();
  bool isUnsigned = imp.isUnsignedInput(0);
  if (failed(applyDtypeAttr(imp, elementType, isUnsigned)))
    return failure();
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(inType.getShape(), elementType));
  if (failed(type))
    return failure();
  int64_t k = imp.getIntAttr("k", 0);
  // Run-time dims are the input's.
  SmallVector<Value> sizes;
  if (!type->hasStaticShape()) {
    FailureOr<Value> input = imp.getInput(0);
    if (failed(input))
      return failure();
    for (int64_t d = 0; d < 2; ++d)
      if (type->isDynamicDim(d))
        sizes.push_back(buildDimValue(imp, *input, d));
  }
  imp.setOutput(
      0, buildGeneric(imp, *type, ValueRange{}, {}, sizes,
                      [&](OpBuilder &b, Location loc, ValueRange) {
                        Value i = indexAsI64(b, loc, 0);
                        Value j = indexAsI64(b, loc, 1);
                        Value offset = b.create<arith::SubIOp>(loc, j, i);
                        Value kValue = b.create<arith::ConstantOp>(
                            loc, b.getI64IntegerAttr(k));
                        Value onDiagonal = b.create<arith::CmpIOp>(
                            loc, arith::CmpIPredicate::eq, offset, kValue);
                        ScalarBuilder s(b, loc, elementType, isUnsigned);
                        Value one = s.constant(1), zero = s.constant(0);
                        return s.select(onDiagonal, one, zero);
                      }));
  return success();
}

/// OneHot: a new dim of `depth` (a constant) at `axis` holding values[1]
/// where it equals the index (negative indices count from the end) and
/// values[0] elsewhere.
static LogicalResult importOneHot(NodeImporter &imp) {
  FailureOr<Value> indices = imp.getInput(0);
  FailureOr<Value> values = imp.getInput(2);
  if (failed(indices) || failed(values))
    return failure();
  const ConstTensor *depthTensor = imp.getConstantInput(1);
  if (!depthTensor)
    return imp.emitError()
           << "'depth' input must be a constant (aic needs static shapes)";
  if (depthTensor->getNumElements() != 1)
    return imp.emitError() << "'depth' must be a scalar";
  int64_t depth = static_cast<int64_t>(getValuesAsDouble(*depthTensor)[0]);
  if (depth < 0)
    return imp.emitError() << "negative depth " << depth;
  auto indicesType = cast<RankedTensorType>(indices->getType());
  auto valuesType = cast<RankedTensorType>(values->getType());
  if (!valuesType.hasStaticShape() || valuesType.getNumElements() != 2)
    return imp.emitError() << "'values' must have two elements";
  int64_t rank = indicesType.getRank() + 1;
  int64_t axis = imp.getIntAttr("axis", -1);
  if (axis < -rank || axis >= rank)
    return imp.emitError() << "axis " << axis << " is out of range for rank "
                           << rank;
  if (axis < 0)
    axis += rank;
  SmallVector<int64_t> shape(indicesType.getShape());
  shape.insert(shape.begin() + axis, depth);
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, valuesType.getElementType()));
  if (failed(type))
    return failure();

  // off and on are read once, outside the generic; the indices drop the
  // new dim.
  Value flat = imp.reshapeTo(*values, {2});
  Value zeroIndex = imp.create<arith::ConstantIndexOp>(0);
  Value oneIndex = imp.create<arith::ConstantIndexOp>(1);
  Value off = imp.create<tensor::ExtractOp>(flat, zeroIndex);
  Value on = imp.create<tensor::ExtractOp>(flat, oneIndex);
  MLIRContext *ctx = imp.getContext();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      exprs.push_back(getAffineDimExpr(d, ctx));
  AffineMap map = AffineMap::get(rank, 0, exprs, ctx);
  bool isUnsigned = imp.isUnsignedInput(0);
  imp.setOutput(
      0, buildGeneric(imp, *type, *indices, map,
                      [&](OpBuilder &nb, Location loc, ValueRange args) {
                        // Float indices truncate toward zero, as a cast to
                        // int64 would.
                        Value index =
                            convertScalar(nb, loc, args[0], nb.getI64Type(),
                                          isUnsigned, false);
                        if (!isUnsigned) {
                          ScalarBuilder s(nb, loc, nb.getI64Type());
                          Value zero = s.constant(0);
                          Value size = s.constant(depth);
                          Value negative = s.cmp(CmpKind::lt, index, zero);
                          Value wrapped = s.add(index, size);
                          index = s.select(negative, wrapped, index);
                        }
                        Value position = indexAsI64(nb, loc, axis);
                        Value hot = nb.create<arith::CmpIOp>(
                            loc, arith::CmpIPredicate::eq, index, position);
                        return nb.create<arith::SelectOp>(loc, hot, on, off);
                      }));
  return success();
}

/// DepthToSpace / SpaceToDepth of `input` with run-time dims (the batch
/// and image; the channels are static): `split` and `perm` as for static
/// shapes, the views an expand_shape and a collapse_shape whose run-time
/// sizes are read from the input (SpaceToDepth checks at run time that the
/// image dims are multiples of the blocksize).
static LogicalResult importRuntimeSpaceDepth(NodeImporter &imp, Value input,
                                             bool toSpace, int64_t bs,
                                             ArrayRef<int64_t> split,
                                             ArrayRef<int64_t> perm) {
  auto inType = cast<RankedTensorType>(input.getType());
  if (inType.isDynamicDim(1))
    return imp.emitError() << "input of shape "
                           << formatShape(inType.getShape())
                           << ": run-time channels are not supported yet (fix "
                              "the model's symbolic dims with --input-shape)";
  OpBuilder &b = imp.getBuilder();
  auto index = [&](int64_t v) -> Value {
    return imp.create<arith::ConstantIndexOp>(v);
  };
  // The sizes of the split view, and its grouping into the input's dims.
  SmallVector<OpFoldResult> sizes;
  SmallVector<ReassociationIndices> inGroups, outGroups;
  auto dim = [&](int64_t d) -> Value {
    return imp.create<tensor::DimOp>(input, d);
  };
  if (toSpace) {
    for (int64_t v : split)
      sizes.push_back(b.getIndexAttr(v));
    sizes[0] = inType.isDynamicDim(0) ? OpFoldResult(dim(0)) : sizes[0];
    for (int64_t d : {2, 3})
      if (inType.isDynamicDim(d))
        sizes[d + 2] = dim(d);
    inGroups = {{0}, {1, 2, 3}, {4}, {5}};
    outGroups = {{0}, {1}, {2, 3}, {4, 5}};
  } else {
    sizes = {inType.isDynamicDim(0) ? OpFoldResult(dim(0))
                                    : b.getIndexAttr(split[0]),
             b.getIndexAttr(split[1])};
    for (int64_t d : {2, 3}) {
      if (!inType.isDynamicDim(d)) {
        sizes.push_back(b.getIndexAttr(split[2 * d - 2]));
      } else {
        Value size = dim(d);
        buildRuntimeCheck(
            imp,
            imp.create<arith::CmpIOp>(
                arith::CmpIPredicate::eq,
                imp.create<arith::RemUIOp>(size, index(bs)), index(0)),
            "spatial dim " + std::to_string(d - 2) +
                " of the input is not a multiple of the blocksize (" +
                std::to_string(bs) + ")");
        sizes.push_back(
            imp.create<arith::DivUIOp>(size, index(bs)).getResult());
      }
      sizes.push_back(b.getIndexAttr(bs));
    }
    inGroups = {{0}, {1}, {2, 3}, {4, 5}};
    outGroups = {{0}, {1, 2, 3}, {4}, {5}};
  }
  SmallVector<int64_t> splitShape;
  for (OpFoldResult size : sizes) {
    std::optional<int64_t> v = getConstantIntValue(size);
    splitShape.push_back(v ? *v : ShapedType::kDynamic);
  }
  Type elementType = inType.getElementType();
  Value view = imp.create<tensor::ExpandShapeOp>(
      RankedTensorType::get(splitShape, elementType), input, inGroups, sizes);
  SmallVector<int64_t> transposed;
  SmallVector<Value> transposedSizes;
  for (int64_t p : perm) {
    transposed.push_back(splitShape[p]);
    if (ShapedType::isDynamic(splitShape[p]))
      transposedSizes.push_back(imp.create<tensor::DimOp>(view, p));
  }
  auto transposedType = RankedTensorType::get(transposed, elementType);
  Value moved =
      imp.create<linalg::TransposeOp>(
             view, imp.emptyTensor(transposedType, transposedSizes), perm)
          .getResult()
          .front();
  SmallVector<int64_t> shape;
  for (const ReassociationIndices &group : outGroups) {
    int64_t size = 1;
    for (int64_t d : group)
      size = ShapedType::isDynamic(transposed[d]) || ShapedType::isDynamic(size)
                 ? ShapedType::kDynamic
                 : size * transposed[d];
    shape.push_back(size);
  }
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, RankedTensorType::get(shape, elementType));
  if (failed(type))
    return failure();
  Value result = imp.create<tensor::CollapseShapeOp>(
      RankedTensorType::get(shape, elementType), moved, outGroups);
  imp.setOutput(0, result);
  return success();
}

/// DepthToSpace (DCR or CRD) and SpaceToDepth on NCHW: a view splitting
/// the moved dims, a linalg.transpose, and a view merging them.
static LogicalResult importSpaceDepth(NodeImporter &imp, bool toSpace) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  if (inType.getRank() != 4)
    return imp.emitError() << "expects a 4-D input";
  int64_t bs = imp.getIntAttr("blocksize", 0);
  if (bs <= 0)
    return imp.emitError() << "expects a positive blocksize";
  int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
  int64_t h = inType.getDimSize(2), w = inType.getDimSize(3);
  SmallVector<int64_t> split, perm;
  if (toSpace) {
    if (c % (bs * bs) != 0)
      return imp.emitError()
             << "channels " << c << " are not a multiple of blocksize^2";
    std::string mode = imp.getStringAttr("mode", "DCR");
    if (mode == "DCR") {
      split = {n, bs, bs, c / (bs * bs), h, w};
      perm = {0, 3, 4, 1, 5, 2};
    } else if (mode == "CRD") {
      split = {n, c / (bs * bs), bs, bs, h, w};
      perm = {0, 1, 4, 2, 5, 3};
    } else {
      return imp.emitError() << "unknown mode '" << mode << "'";
    }
  } else {
    if ((!ShapedType::isDynamic(h) && h % bs != 0) ||
        (!ShapedType::isDynamic(w) && w % bs != 0))
      return imp.emitError() << "spatial dims are not multiples of blocksize";
    split = {n, c, h / bs, bs, w / bs, bs};
    perm = {0, 3, 5, 1, 2, 4};
  }
  if (!inType.hasStaticShape())
    return importRuntimeSpaceDepth(imp, *input, toSpace, bs, split, perm);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(type))
    return failure();
  Value view = imp.reshapeTo(*input, split);
  SmallVector<int64_t> transposed;
  for (int64_t p : perm)
    transposed.push_back(split[p]);
  auto transposedType =
      RankedTensorType::get(transposed, inType.getElementType());
  Value moved = imp.create<linalg::TransposeOp>(
                       view, imp.emptyTensor(transposedType), perm)
                    .getResult()
                    .front();
  if (transposedType.getNumElements() != type->getNumElements())
    return imp.emitError() << "the result shape does not match the input";
  imp.setOutput(0, imp.reshapeTo(moved, type->getShape()));
  return success();
}

/// Bounds the elements of a range: a constant one is computed at import
/// (the memory a model can make the compiler allocate), a run-time one per
/// run (a hostile input value must not make a run allocate terabytes).
static constexpr int64_t kMaxRangeElements = int64_t(1) << 26;

/// Range whose start, limit or delta is known only at run time (position
/// ids, `arange(seq)`, as exporters write them): its length, numpy's
/// max(0, ceil((limit - start) / delta)), is computed per run, and a delta
/// of 0 or a length over kMaxRangeElements fails the run. ONNX's inference
/// (with aic's propagation) may know the length as a symbol or a value; a
/// value is checked.
static LogicalResult importRuntimeRange(NodeImporter &imp) {
  static const char *const names[] = {"start", "limit", "delta"};
  RankedTensorType limitType = imp.getInputType(1);
  if (!limitType)
    return failure();
  Type elementType = limitType.getElementType();
  bool isFloat = isa<FloatType>(elementType);
  OpBuilder &b = imp.getBuilder();
  Type i64 = b.getI64Type();
  Type computeType = isFloat ? elementType : i64;
  Value args[3];
  for (int i = 0; i < 3; ++i) {
    FailureOr<Value> v = getScalarInput(imp, i, names[i], computeType);
    if (failed(v))
      return failure();
    args[i] = *v;
  }
  Value start = args[0], limit = args[1], delta = args[2];
  auto i64Constant = [&](int64_t v) -> Value {
    return imp.create<arith::ConstantIntOp>(v, 64);
  };
  auto cmpI = [&](arith::CmpIPredicate p, Value x, Value y) -> Value {
    return imp.create<arith::CmpIOp>(p, x, y);
  };
  Value zero = i64Constant(0), one = i64Constant(1);
  Value count;
  if (isFloat) {
    ScalarBuilder s(b, imp.getLoc(), elementType);
    Value steps = imp.create<math::CeilOp>(s.div(s.sub(limit, start), delta));
    auto cmpF = [&](arith::CmpFPredicate p, Value x, Value y) -> Value {
      return imp.create<arith::CmpFOp>(p, x, y);
    };
    // Ordered comparisons: NaN fails them.
    Value clamped =
        s.select(cmpF(arith::CmpFPredicate::OGT, steps, s.constant(0)), steps,
                 s.constant(0));
    Value inRange =
        imp.create<arith::AndIOp>(cmpF(arith::CmpFPredicate::ORD, steps, steps),
                                  cmpF(arith::CmpFPredicate::OLE, clamped,
                                       s.constant(double(kMaxRangeElements))));
    buildRuntimeCheck(
        imp,
        imp.create<arith::AndIOp>(
            inRange, cmpF(arith::CmpFPredicate::ONE, delta, s.constant(0))),
        "the range's delta is 0, or its length is not a number or over " +
            std::to_string(kMaxRangeElements));
    count = imp.create<arith::FPToSIOp>(
        i64, s.select(inRange, clamped, s.constant(0)));
  } else {
    buildRuntimeCheck(imp, cmpI(arith::CmpIPredicate::ne, delta, zero),
                      "the range's delta is 0");
    // In unsigned arithmetic: limit - start can exceed int64_t.
    Value up = cmpI(arith::CmpIPredicate::sgt, delta, zero);
    Value span = imp.create<arith::SelectOp>(
        up,
        imp.create<arith::SelectOp>(
            cmpI(arith::CmpIPredicate::sgt, limit, start),
            imp.create<arith::SubIOp>(limit, start), zero),
        imp.create<arith::SelectOp>(
            cmpI(arith::CmpIPredicate::sgt, start, limit),
            imp.create<arith::SubIOp>(start, limit), zero));
    Value stride = imp.create<arith::SelectOp>(
        up, delta, imp.create<arith::SubIOp>(zero, delta));
    // A delta of 0 has failed the run; it must not divide.
    stride = imp.create<arith::SelectOp>(
        cmpI(arith::CmpIPredicate::eq, delta, zero), one, stride);
    Value steps = imp.create<arith::AddIOp>(
        imp.create<arith::DivUIOp>(span, stride),
        imp.create<arith::ExtUIOp>(
            i64, cmpI(arith::CmpIPredicate::ne,
                      imp.create<arith::RemUIOp>(span, stride), zero)));
    Value inRange =
        cmpI(arith::CmpIPredicate::ule, steps, i64Constant(kMaxRangeElements));
    buildRuntimeCheck(imp, inRange,
                      "the range's length is over " +
                          std::to_string(kMaxRangeElements));
    count = imp.create<arith::SelectOp>(inRange, steps, zero);
  }
  count = imp.create<arith::IndexCastOp>(b.getIndexType(), count);
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get({ShapedType::kDynamic}, elementType));
  if (failed(type))
    return failure();
  SmallVector<Value> sizes;
  if (type->isDynamicDim(0)) {
    sizes.push_back(count);
  } else {
    buildRuntimeCheck(
        imp,
        cmpI(arith::CmpIPredicate::eq, count,
             imp.create<arith::ConstantIndexOp>(type->getDimSize(0))),
        "the range has another length than the " +
            std::to_string(type->getDimSize(0)) + " shape inference gave");
  }
  // start + i * delta, in the element type (integers wrap as numpy's do).
  imp.setOutput(
      0, buildGeneric(
             imp, *type, ValueRange{start, delta},
             {AffineMap::get(1, 0, imp.getContext()),
              AffineMap::get(1, 0, imp.getContext())},
             sizes, [&](OpBuilder &nb, Location loc, ValueRange a) -> Value {
               Value i = indexAsI64(nb, loc, 0);
               Value x;
               if (isFloat) {
                 Value fi = nb.create<arith::SIToFPOp>(loc, elementType, i);
                 x = nb.create<arith::AddFOp>(
                     loc, a[0], nb.create<arith::MulFOp>(loc, fi, a[1]));
                 return x;
               }
               x = nb.create<arith::AddIOp>(
                   loc, a[0], nb.create<arith::MulIOp>(loc, i, a[1]));
               return convertScalar(nb, loc, x, elementType,
                                    /*isUnsigned=*/false,
                                    /*toUnsigned=*/false);
             }));
  return success();
}

/// Range of constant start, limit and delta, computed at import like
/// numpy.arange: start + i * delta for i < ceil((limit - start) / delta).
static LogicalResult importRange(NodeImporter &imp) {
  static const char *const names[] = {"start", "limit", "delta"};
  const ConstTensor *inputs[3];
  for (int i = 0; i < 3; ++i) {
    inputs[i] = imp.getConstantInput(i);
    if (!inputs[i])
      return importRuntimeRange(imp);
  }
  for (int i = 0; i < 3; ++i) {
    if (inputs[i]->getNumElements() != 1)
      return imp.emitError() << "'" << names[i] << "' must be a scalar";
  }
  Type elementType = inputs[0]->type.getElementType();
  bool isFloat = isa<FloatType>(elementType);
  SmallVector<double> values;
  SmallVector<int64_t> ints;
  int64_t count;
  if (isFloat) {
    double start = getValuesAsDouble(*inputs[0]).front();
    double limit = getValuesAsDouble(*inputs[1]).front();
    double delta = getValuesAsDouble(*inputs[2]).front();
    double steps = std::ceil((limit - start) / delta);
    if (delta == 0 || !std::isfinite(steps))
      return imp.emitError() << "invalid range";
    if (steps > kMaxRangeElements)
      return imp.emitError() << "a range of " << steps
                             << " elements is too large to compute at import";
    count = std::max<int64_t>(0, steps);
    for (int64_t i = 0; i < count; ++i)
      values.push_back(start + i * delta);
  } else {
    int64_t start = getValuesAsInt(*inputs[0]).front();
    int64_t limit = getValuesAsInt(*inputs[1]).front();
    int64_t delta = getValuesAsInt(*inputs[2]).front();
    if (delta == 0)
      return imp.emitError() << "delta must not be 0";
    // In uint64_t: limit - start and i * delta can exceed int64_t, the
    // values themselves cannot.
    bool up = delta > 0;
    uint64_t span =
        up ? (limit > start ? uint64_t(limit) - uint64_t(start) : 0)
           : (start > limit ? uint64_t(start) - uint64_t(limit) : 0);
    uint64_t stride = up ? uint64_t(delta) : -uint64_t(delta);
    uint64_t steps = span / stride + (span % stride != 0);
    if (steps > uint64_t(kMaxRangeElements))
      return imp.emitError() << "a range of " << steps
                             << " elements is too large to compute at import";
    count = steps;
    for (int64_t i = 0; i < count; ++i)
      ints.push_back(uint64_t(start) + uint64_t(i) * uint64_t(delta));
  }
  auto type = RankedTensorType::get({count}, elementType);
  if (failed(imp.getOutputTypeOr(0, type)))
    return failure();
  ConstTensor tensor;
  if (isFloat) {
    tensor = makeFloatTensor(type, values);
  } else {
    tensor.type = type;
    int64_t size = elementByteSize(elementType);
    tensor.data.resize(count * size);
    // Little-endian: the low bytes of each int64.
    for (int64_t i = 0; i < count; ++i)
      std::memcpy(tensor.data.data() + i * size, &ints[i], size);
  }
  imp.getState().addConstant(imp.getNode().output(0), std::move(tensor),
                             imp.getLoc());
  return success();
}

ArrayRef<OpRuleInfo> aic::importer::getPositionalRules() {
  static const OpRuleInfo rules[] = {
      {"Trilu", importTrilu, 14, types::kTensor, "", true},
      {"EyeLike", importEyeLike, 9, types::kTensor, "", true},
      {"OneHot", importOneHot, 9, types::kNumeric, "", true},
      {"Range", importRange, 11, types::kNumeric},
      {"DepthToSpace",
       [](NodeImporter &imp) { return importSpaceDepth(imp, true); }, 1,
       types::kTensor, "", true},
      {"SpaceToDepth",
       [](NodeImporter &imp) { return importSpaceDepth(imp, false); }, 1,
       types::kTensor, "", true},
  };
  return rules;
}
