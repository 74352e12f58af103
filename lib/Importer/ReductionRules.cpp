//===- ReductionRules.cpp - Import rules for Reduce* operators ------------===//
//
// Every ReduceXxx is one linalg.reduce over the reduced axes, whose body may
// map each element first (ReduceL1: |x|, ReduceSumSquare: x*x, ReduceLogSumExp:
// exp x), then an elementwise op for what follows the reduction (mean's
// division, L2's sqrt, LogSum's log) and a view that keeps the reduced dims
// as 1 when keepdims is set. f16 and bf16 accumulate in f32. ArgMax,
// ArgMin and Hardmax reduce into a value and an index at once.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

namespace {
enum class Reduction {
  sum,
  mean,
  max,
  min,
  prod,
  l1,
  l2,
  logSum,
  logSumExp,
  sumSquare
};
} // namespace

static bool needsFloat(Reduction kind) {
  return kind == Reduction::l2 || kind == Reduction::logSum ||
         kind == Reduction::logSumExp;
}

/// The reduced axes, sorted and unique: opset 13 ReduceSum and opset 18
/// others take them as a (constant) input, older ones as an attribute.
/// Empty means all axes unless noop_with_empty_axes is set.
static FailureOr<SmallVector<int64_t>>
getReducedAxes(NodeImporter &imp, int64_t rank, bool &noop) {
  SmallVector<int64_t> axes;
  if (imp.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> values = imp.getConstantInts(1, "axes");
    if (failed(values))
      return failure();
    axes = std::move(*values);
  } else {
    axes = imp.getIntsAttr("axes");
  }
  noop = axes.empty() && imp.getIntAttr("noop_with_empty_axes", 0);
  if (axes.empty()) {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
    return axes;
  }
  for (int64_t &axis : axes) {
    int64_t normalized = axis < 0 ? axis + rank : axis;
    if (normalized < 0 || normalized >= rank) {
      imp.emitError() << "axis " << axis << " is out of range for rank "
                      << rank;
      return failure();
    }
    axis = normalized;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

template <Reduction kind> static LogicalResult importReduce(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  Type elementType = inType.getElementType();
  if (elementType.isInteger(1) ||
      (needsFloat(kind) && !isa<FloatType>(elementType)))
    return imp.emitError() << "element type " << elementType
                           << " is not supported";
  bool noop = false;
  FailureOr<SmallVector<int64_t>> axes =
      getReducedAxes(imp, inType.getRank(), noop);
  if (failed(axes))
    return failure();
  if (noop) {
    FailureOr<RankedTensorType> type = imp.getOutputTypeOr(0, inType);
    if (failed(type))
      return failure();
    imp.setOutput(0, *input);
    return success();
  }
  bool keepDims = imp.getIntAttr("keepdims", 1);
  SmallVector<int64_t> reducedShape, keptShape;
  int64_t count = 1;
  // The sizes of the result's run-time dims (the input's, where kept).
  SmallVector<Value> dynamicSizes;
  // The product of the reduced run-time dims (the mean's divisor).
  Value runtimeCount;
  for (auto [i, dim] : llvm::enumerate(inType.getShape())) {
    bool reduced = llvm::is_contained(*axes, static_cast<int64_t>(i));
    if (reduced) {
      count *= ShapedType::isDynamic(dim) ? 1 : dim;
      if (ShapedType::isDynamic(dim) && kind == Reduction::mean) {
        Value size = imp.create<tensor::DimOp>(*input, i);
        runtimeCount =
            runtimeCount ? imp.create<arith::MulIOp>(runtimeCount, size) : size;
      }
    } else {
      reducedShape.push_back(dim);
      if (ShapedType::isDynamic(dim))
        dynamicSizes.push_back(imp.create<tensor::DimOp>(*input, i));
    }
    keptShape.push_back(reduced ? 1 : dim);
  }
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0,
      RankedTensorType::get(keepDims ? keptShape : reducedShape, elementType));
  if (failed(type))
    return failure();

  bool isUnsigned = imp.isUnsignedInput(0);
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  Type accType =
      isa<FloatType>(elementType) && elementType.getIntOrFloatBitWidth() < 32
          ? b.getF32Type()
          : elementType;
  auto accTensorType = RankedTensorType::get(reducedShape, accType);
  ScalarBuilder outer(b, loc, accType, isUnsigned);
  Value initValue = kind == Reduction::max    ? outer.lowest()
                    : kind == Reduction::min  ? outer.highest()
                    : kind == Reduction::prod ? outer.constant(1)
                                              : outer.constant(0);
  Value init = buildFill(imp, accTensorType, initValue, dynamicSizes);
  Value reduced = imp.create<linalg::ReduceOp>(
                         ValueRange{*input}, ValueRange{init}, *axes,
                         [&](OpBuilder &nb, Location nloc, ValueRange args) {
                           ScalarBuilder s(nb, nloc, accType, isUnsigned);
                           Value x = convertScalar(nb, nloc, args[0], accType,
                                                   isUnsigned, isUnsigned);
                           Value acc = args[1], result;
                           switch (kind) {
                           case Reduction::sum:
                           case Reduction::mean:
                           case Reduction::logSum:
                             result = s.add(acc, x);
                             break;
                           case Reduction::l1:
                             result = s.add(acc, s.abs(x));
                             break;
                           case Reduction::l2:
                           case Reduction::sumSquare:
                             result = s.add(acc, s.mul(x, x));
                             break;
                           case Reduction::logSumExp:
                             result =
                                 s.add(acc, nb.create<math::ExpOp>(nloc, x));
                             break;
                           case Reduction::max:
                             result = s.max(acc, x);
                             break;
                           case Reduction::min:
                             result = s.min(acc, x);
                             break;
                           case Reduction::prod:
                             result = s.mul(acc, x);
                             break;
                           }
                           nb.create<linalg::YieldOp>(nloc, result);
                         })
                      .getResult(0);

  // The divisor in the accumulator type; an integer mean over no elements
  // divides by 1 (its sum is 0) rather than by 0.
  Value divisor;
  if (kind == Reduction::mean) {
    ScalarBuilder s(b, loc, accType, isUnsigned);
    divisor = s.constant(isa<FloatType>(accType) ? count
                                                 : std::max<int64_t>(count, 1));
    if (runtimeCount) {
      Value n = imp.create<arith::IndexCastOp>(b.getI64Type(), runtimeCount);
      if (isa<FloatType>(accType)) {
        n = imp.create<arith::UIToFPOp>(accType, n);
      } else {
        n = imp.create<arith::MaxUIOp>(n,
                                       imp.create<arith::ConstantIntOp>(1, 64));
        if (accType.getIntOrFloatBitWidth() < 64)
          n = imp.create<arith::TruncIOp>(accType, n);
      }
      divisor = s.mul(divisor, n);
    }
  }
  bool hasEpilogue = kind == Reduction::mean || needsFloat(kind);
  if (hasEpilogue || accType != elementType) {
    FailureOr<Value> finished = buildElementwise(
        imp, RankedTensorType::get(reducedShape, elementType), reduced,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          ScalarBuilder s(nb, nloc, accType, isUnsigned);
          Value x = args[0];
          if (kind == Reduction::mean)
            x = s.div(x, divisor);
          else if (kind == Reduction::l2)
            x = nb.create<math::SqrtOp>(nloc, x);
          else if (kind == Reduction::logSum || kind == Reduction::logSumExp)
            x = nb.create<math::LogOp>(nloc, x);
          return convertScalar(nb, nloc, x, elementType, isUnsigned,
                               isUnsigned);
        });
    if (failed(finished))
      return failure();
    reduced = *finished;
  }
  imp.setOutput(0, imp.reshapeTo(reduced, type->getShape()));
  return success();
}

/// The index (int64) of the largest (`isMax`) or smallest element along
/// `axis`, in a tensor without that dim: one linalg.generic reducing value
/// and index together. Ties keep the first index, or the last with `last`;
/// NaN counts as the extreme, as in numpy.
static Value buildArgExtremum(NodeImporter &imp, Value input, int64_t axis,
                              bool isMax, bool last) {
  auto inType = cast<RankedTensorType>(input.getType());
  Type elementType = inType.getElementType();
  int64_t rank = inType.getRank();
  SmallVector<int64_t> reducedShape;
  SmallVector<AffineExpr> exprs;
  SmallVector<utils::IteratorType> iterators;
  MLIRContext *ctx = imp.getContext();
  for (int64_t d = 0; d < rank; ++d) {
    iterators.push_back(d == axis ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
    if (d == axis)
      continue;
    reducedShape.push_back(inType.getDimSize(d));
    exprs.push_back(getAffineDimExpr(d, ctx));
  }
  OpBuilder &b = imp.getBuilder();
  bool isUnsigned = imp.isUnsignedInput(0);
  ScalarBuilder outer(b, imp.getLoc(), elementType, isUnsigned);
  auto valueType = RankedTensorType::get(reducedShape, elementType);
  auto indexType = RankedTensorType::get(reducedShape, b.getI64Type());
  // Run-time dims off the axis are the input's.
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && inType.isDynamicDim(d))
      sizes.push_back(imp.create<tensor::DimOp>(input, d));
  Value values = buildFill(imp, valueType,
                           isMax ? outer.lowest() : outer.highest(), sizes);
  Value zero = imp.create<arith::ConstantOp>(b.getI64IntegerAttr(0));
  Value indices = buildFill(imp, indexType, zero, sizes);
  AffineMap reducedMap = AffineMap::get(rank, 0, exprs, ctx);
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank), reducedMap,
                              reducedMap};
  auto generic = imp.create<linalg::GenericOp>(
      TypeRange{valueType, indexType}, ValueRange{input},
      ValueRange{values, indices}, maps, iterators,
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        ScalarBuilder s(nb, loc, elementType, isUnsigned);
        Value x = args[0], best = args[1];
        CmpKind kind = isMax ? (last ? CmpKind::ge : CmpKind::gt)
                             : (last ? CmpKind::le : CmpKind::lt);
        Value better = s.cmp(kind, x, best);
        if (s.isFloat()) {
          Value xNaN =
              nb.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
          if (!last) {
            Value bestNumber = nb.create<arith::CmpFOp>(
                loc, arith::CmpFPredicate::ORD, best, best);
            xNaN = nb.create<arith::AndIOp>(loc, xNaN, bestNumber);
          }
          better = nb.create<arith::OrIOp>(loc, better, xNaN);
        }
        Value position = nb.create<linalg::IndexOp>(loc, axis);
        Value index =
            nb.create<arith::IndexCastOp>(loc, nb.getI64Type(), position);
        Value newBest = s.select(better, x, best);
        Value newIndex = s.select(better, index, args[2]);
        nb.create<linalg::YieldOp>(loc, ValueRange{newBest, newIndex});
      });
  return generic.getResult(1);
}

/// Checks that `axis` of `input` can be reduced to an index and normalizes
/// it.
static FailureOr<int64_t> getArgAxis(NodeImporter &imp, Value input,
                                     int64_t axis) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t rank = inType.getRank();
  if (inType.getElementType().isInteger(1) || rank == 0) {
    imp.emitError() << "expects a number tensor of rank >= 1";
    return failure();
  }
  if (axis < -rank || axis >= rank) {
    imp.emitError() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (axis < 0)
    axis += rank;
  if (inType.getDimSize(axis) == 0) {
    imp.emitError() << "expects a non-empty axis";
    return failure();
  }
  return axis;
}

template <bool isMax>
static LogicalResult importArgExtremum(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  FailureOr<int64_t> axis = getArgAxis(imp, *input, imp.getIntAttr("axis", 0));
  if (failed(axis))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  SmallVector<int64_t> shape(inType.getShape());
  if (imp.getIntAttr("keepdims", 1))
    shape[*axis] = 1;
  else
    shape.erase(shape.begin() + *axis);
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, imp.getBuilder().getI64Type()));
  if (failed(type))
    return failure();
  Value indices = buildArgExtremum(imp, *input, *axis, isMax,
                                   imp.getIntAttr("select_last_index", 0));
  imp.setOutput(0, imp.reshapeTo(indices, type->getShape()));
  return success();
}

/// Hardmax: 1 at the first maximum along the axis, 0 elsewhere. Before
/// opset 13 the input is coerced to 2-D at the axis (default 1).
static LogicalResult importHardmax(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  bool coerce2D = imp.getOpset() < 13;
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis =
      getArgAxis(imp, *input, imp.getIntAttr("axis", coerce2D ? 1 : -1));
  if (failed(axis))
    return failure();
  Value x = *input;
  if (coerce2D && !type.hasStaticShape())
    return imp.emitError() << "Hardmax before opset 13 (2-D at the axis) over "
                              "run-time dims is not supported";
  if (coerce2D) {
    ArrayRef<int64_t> shape = type.getShape();
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < *axis ? outer : inner) *= shape[d];
    x = imp.reshapeTo(x, {outer, inner});
    axis = 1;
  }
  auto xType = cast<RankedTensorType>(x.getType());
  Value indices = buildArgExtremum(imp, x, *axis, /*isMax=*/true, false);
  MLIRContext *ctx = imp.getContext();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < xType.getRank(); ++d)
    if (d != *axis)
      exprs.push_back(getAffineDimExpr(d, ctx));
  Type elementType = xType.getElementType();
  bool isUnsigned = imp.isUnsignedInput(0);
  int64_t axisDim = *axis;
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < xType.getRank(); ++d)
    if (xType.isDynamicDim(d))
      sizes.push_back(imp.create<tensor::DimOp>(x, d));
  Value result = buildGeneric(
      imp, xType, indices, AffineMap::get(xType.getRank(), 0, exprs, ctx),
      sizes, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value position = b.create<linalg::IndexOp>(loc, axisDim);
        Value index =
            b.create<arith::IndexCastOp>(loc, b.getI64Type(), position);
        Value hot = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                            index, args[0]);
        ScalarBuilder s(b, loc, elementType, isUnsigned);
        Value one = s.constant(1), zero = s.constant(0);
        return s.select(hot, one, zero);
      });
  imp.setOutput(0, imp.reshapeTo(result, type.getShape()));
  return success();
}

ArrayRef<OpRuleInfo> aic::importer::getReductionRules() {
  static const OpRuleInfo rules[] = {
      {"ReduceSum", importReduce<Reduction::sum>, 1, types::kNumeric, "", true},
      {"ReduceMean", importReduce<Reduction::mean>, 1, types::kNumeric, "",
       true},
      {"ReduceMax", importReduce<Reduction::max>, 1, types::kNumeric, "", true},
      {"ReduceMin", importReduce<Reduction::min>, 1, types::kNumeric, "", true},
      {"ReduceProd", importReduce<Reduction::prod>, 1, types::kNumeric, "",
       true},
      {"ReduceL1", importReduce<Reduction::l1>, 1, types::kNumeric, "", true},
      {"ReduceL2", importReduce<Reduction::l2>, 1, types::kFloat, "", true},
      {"ReduceLogSum", importReduce<Reduction::logSum>, 1, types::kFloat, "",
       true},
      {"ReduceLogSumExp", importReduce<Reduction::logSumExp>, 1, types::kFloat,
       "", true},
      {"ReduceSumSquare", importReduce<Reduction::sumSquare>, 1,
       types::kNumeric, "", true},
      {"ArgMax", importArgExtremum</*isMax=*/true>, 1, types::kNumeric, "",
       true},
      {"ArgMin", importArgExtremum</*isMax=*/false>, 1, types::kNumeric, "",
       true},
      {"Hardmax", importHardmax, 1, types::kFloat, "", true},
  };
  return rules;
}
