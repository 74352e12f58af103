//===- DataDependentRules.cpp - Outputs whose shape depends on data -------===//
//
// NonZero, Compress and Unique (NonMaxSuppression: NonMaxSuppression.cpp):
// how many elements their outputs have is known only once the input data
// is. Each rule computes the output into a tensor of its static upper
// bound (every element nonzero, every slice kept or distinct) in one pass
// of scf.for loops, counting as it goes, and the output is the
// tensor.extract_slice of the counted part: a tensor with a `?` dim, which
// aic-plan-memory gives a buffer of its own at run time and the runtime
// hands to the caller (aic_model_run_alloc). Inputs may have run-time dims:
// the upper bound is then computed per run (NonZero, Unique and Compress of
// a flattened input take any; along an axis, that axis may be one).
//
//===----------------------------------------------------------------------===//
#include "ScfBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Copies the slice at `from` along `axis` of `source` to `to` along the
/// same axis of `dest` (equal shapes but for that axis).
static Value copySlice(OpBuilder &b, Location loc, Value source, Value from,
                       Value dest, Value to, int64_t axis) {
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(type.getRank(), b.getIndexAttr(1));
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(d == axis ? OpFoldResult(b.getIndexAttr(1))
                              : tensor::getMixedSize(b, loc, source, d));
  offsets[axis] = from;
  Value slice =
      b.create<tensor::ExtractSliceOp>(loc, source, offsets, sizes, strides);
  offsets[axis] = to;
  return b.create<tensor::InsertSliceOp>(loc, slice, dest, offsets, sizes,
                                         strides);
}

/// `v` flattened to 1-D (a view).
static Value flatten(NodeImporter &imp, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.hasStaticShape())
    return imp.reshapeTo(v, {type.getNumElements()});
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return imp.create<tensor::CollapseShapeOp>(
      v, ArrayRef<ReassociationIndices>{all});
}

/// Errors unless every dim of input `i` (`v`) but `axis` is static: the
/// rules compute along one axis of run-time size.
static LogicalResult checkStaticBut(NodeImporter &imp, Value v, int i,
                                    int64_t axis) {
  auto type = cast<RankedTensorType>(v.getType());
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d != axis && type.isDynamicDim(d))
      return imp.emitError()
             << "input " << i << " has a run-time dim " << d
             << " besides the axis " << axis
             << ", which is not supported yet (fix the model's symbolic "
                "dims with --input-shape)";
  return success();
}

/// A destination of `type` whose only run-time dim, if any, is `size`.
static Value emptyWith(NodeImporter &imp, RankedTensorType type, Value size) {
  if (type.hasStaticShape())
    return imp.emptyTensor(type);
  buildRuntimeSizeCheck(imp, type, size);
  return imp.emptyTensor(type, size);
}

//===----------------------------------------------------------------------===//
// NonZero
//===----------------------------------------------------------------------===//

/// NonZero: the [rank, count] indices of the nonzero elements in row-major
/// order (NaN is nonzero, as in numpy).
static LogicalResult importNonZero(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  int64_t rank = type.getRank();
  SmallVector<Value> lbs, ubs, steps;
  Value n = cIndex(b, loc, 1);
  for (int64_t d = 0; d < rank; ++d) {
    lbs.push_back(cIndex(b, loc, 0));
    ubs.push_back(buildDimValue(imp, *input, d));
    steps.push_back(cIndex(b, loc, 1));
    n = b.create<arith::MulIOp>(loc, n, ubs.back());
  }
  Value all =
      emptyWith(imp,
                RankedTensorType::get({rank, type.hasStaticShape()
                                                 ? type.getNumElements()
                                                 : ShapedType::kDynamic},
                                      b.getI64Type()),
                n);
  Value x = *input;
  Type elementType = type.getElementType();
  auto nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{all, cIndex(b, loc, 0)},
      [&](OpBuilder &nb, Location nloc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value v = nb.create<tensor::ExtractOp>(nloc, x, ivs);
        Value nonzero;
        if (isa<FloatType>(elementType))
          nonzero = nb.create<arith::CmpFOp>(
              nloc, arith::CmpFPredicate::UNE, v,
              buildScalarConstant(nb, nloc, elementType, 0));
        else
          nonzero = nb.create<arith::CmpIOp>(
              nloc, arith::CmpIPredicate::ne, v,
              buildScalarConstant(nb, nloc, elementType, 0));
        return ifElse(
            nb, nloc, nonzero,
            [&](OpBuilder &tb, Location tloc) -> SmallVector<Value> {
              Value t = args[0];
              for (int64_t d = 0; d < rank; ++d)
                t = tb.create<tensor::InsertOp>(
                    tloc, toI64(tb, tloc, ivs[d]), t,
                    ValueRange{cIndex(tb, tloc, d), args[1]});
              return {t, increment(tb, tloc, args[1])};
            },
            [&](OpBuilder &, Location) -> SmallVector<Value> {
              return {args[0], args[1]};
            });
      });
  imp.setOutput(0, takeFirst(b, loc, nest.results[0], 1, nest.results[1]));
  return success();
}

//===----------------------------------------------------------------------===//
// Compress
//===----------------------------------------------------------------------===//

/// Compress: the slices along `axis` (of the flattened input without one)
/// whose condition entry is true, in order.
static LogicalResult importCompress(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0), condition = imp.getInput(1);
  if (failed(input) || failed(condition))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  auto condType = cast<RankedTensorType>(condition->getType());
  if (condType.getRank() != 1 || !condType.getElementType().isInteger(1))
    return imp.emitError() << "expects a 1-D boolean condition";
  Value data = *input;
  int64_t axis = 0;
  if (imp.getAttr("axis")) {
    FailureOr<int64_t> a =
        normalizeAxis(imp, imp.getIntAttr("axis", 0), type.getRank());
    if (failed(a))
      return failure();
    axis = *a;
    if (failed(checkStaticBut(imp, data, 0, axis)))
      return failure();
  } else {
    data = flatten(imp, data);
    type = cast<RankedTensorType>(data.getType());
  }
  int64_t size = type.getDimSize(axis), length = condType.getDimSize(0);
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  Value cond = *condition;
  // numpy.compress rejects a condition longer than the axis; a shorter one
  // drops the slices past its end.
  if (!ShapedType::isDynamic(size) && !ShapedType::isDynamic(length)) {
    if (length > size)
      return imp.emitError()
             << "the condition has " << length << " entries, more than the "
             << size << " slices along the axis";
  } else {
    Value condLength = buildDimValue(imp, cond, 0);
    Value axisSize = buildDimValue(imp, data, axis);
    buildRuntimeCheck(
        imp,
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::ule, condLength,
                                  axisSize),
        "the condition has more entries than the slices along the axis");
  }
  SmallVector<Value> result =
      forLoop(b, loc, buildDimValue(imp, cond, 0),
              ValueRange{emptyWith(imp, type, buildDimValue(imp, data, axis)),
                         cIndex(b, loc, 0)},
              [&](OpBuilder &nb, Location nloc, Value i, ValueRange args) {
                Value keep = nb.create<tensor::ExtractOp>(nloc, cond, i);
                return ifElse(
                    nb, nloc, keep,
                    [&](OpBuilder &tb, Location tloc) -> SmallVector<Value> {
                      Value t =
                          copySlice(tb, tloc, data, i, args[0], args[1], axis);
                      return {t, increment(tb, tloc, args[1])};
                    },
                    [&](OpBuilder &, Location) -> SmallVector<Value> {
                      return {args[0], args[1]};
                    });
              });
  imp.setOutput(0, takeFirst(b, loc, result[0], axis, result[1]));
  return success();
}

//===----------------------------------------------------------------------===//
// Unique
//===----------------------------------------------------------------------===//

namespace {
/// The slices Unique compares: the input viewed as [outer, n, inner],
/// slice i being [:, i, :] read in row-major order.
struct SliceView {
  Value view;
  int64_t outer, n, inner;
  Type elementType;
  bool isUnsigned;

  /// -1, 0 or 1 (i32) as slice i orders before, equal to or after slice j,
  /// lexicographically; NaN equals NaN and orders after every number (as
  /// numpy.unique sorts).
  Value compare(OpBuilder &b, Location loc, Value i, Value j) const {
    Value zero = b.create<arith::ConstantIntOp>(loc, 0, 32);
    Value inner = cIndex(b, loc, this->inner);
    return forLoop(
               b, loc, cIndex(b, loc, outer * this->inner), ValueRange{zero},
               [&](OpBuilder &nb, Location nloc, Value m, ValueRange args) {
                 Value settled = nb.create<arith::CmpIOp>(
                     nloc, arith::CmpIPredicate::ne, args[0],
                     nb.create<arith::ConstantIntOp>(nloc, 0, 32));
                 return ifElse(
                     nb, nloc, settled,
                     [&](OpBuilder &, Location) -> SmallVector<Value> {
                       return {args[0]};
                     },
                     [&](OpBuilder &eb, Location eloc) -> SmallVector<Value> {
                       Value o = eb.create<arith::DivUIOp>(eloc, m, inner);
                       Value e = eb.create<arith::RemUIOp>(eloc, m, inner);
                       Value x = eb.create<tensor::ExtractOp>(
                           eloc, view, ValueRange{o, i, e});
                       Value y = eb.create<tensor::ExtractOp>(
                           eloc, view, ValueRange{o, j, e});
                       return {compareElements(eb, eloc, x, y)};
                     });
               })
        .front();
  }

  Value compareElements(OpBuilder &b, Location loc, Value x, Value y) const {
    ScalarBuilder s(b, loc, elementType, isUnsigned);
    Value less = s.cmp(CmpKind::lt, x, y), more = s.cmp(CmpKind::gt, x, y);
    if (s.isFloat()) {
      auto isNaN = [&](Value v) -> Value {
        return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, v, v);
      };
      Value xNaN = isNaN(x), yNaN = isNaN(y);
      Value one = b.create<arith::ConstantIntOp>(loc, 1, 1);
      less = b.create<arith::OrIOp>(
          loc, less,
          b.create<arith::AndIOp>(loc, yNaN,
                                  b.create<arith::XOrIOp>(loc, xNaN, one)));
      more = b.create<arith::OrIOp>(
          loc, more,
          b.create<arith::AndIOp>(loc, xNaN,
                                  b.create<arith::XOrIOp>(loc, yNaN, one)));
    }
    Value minus = b.create<arith::ConstantIntOp>(loc, -1, 32);
    Value plus = b.create<arith::ConstantIntOp>(loc, 1, 32);
    Value zero = b.create<arith::ConstantIntOp>(loc, 0, 32);
    return b.create<arith::SelectOp>(
        loc, less, minus, b.create<arith::SelectOp>(loc, more, plus, zero));
  }

  Value equal(OpBuilder &b, Location loc, Value i, Value j) const {
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                   compare(b, loc, i, j),
                                   b.create<arith::ConstantIntOp>(loc, 0, 32));
  }
};
} // namespace

/// Unique: the distinct elements (or slices along `axis`), sorted or in
/// order of first occurrence, with the index of each one's first
/// occurrence, the index into them of every input element (slice), and how
/// often each occurs. Quadratic in the number of slices: every slice is
/// compared with the ones before it, and (sorted) with every distinct one.
static LogicalResult importUnique(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  int64_t sorted = imp.getIntAttr("sorted", 1);
  if (sorted != 0 && sorted != 1)
    return imp.emitError() << "'sorted' must be 0 or 1, got " << sorted;
  Value data = *input;
  bool hasAxis = imp.getAttr("axis") != nullptr;
  int64_t axis = 0;
  if (hasAxis) {
    FailureOr<int64_t> a =
        normalizeAxis(imp, imp.getIntAttr("axis", 0), type.getRank());
    if (failed(a))
      return failure();
    axis = *a;
    if (failed(checkStaticBut(imp, data, 0, axis)))
      return failure();
  } else {
    data = flatten(imp, data);
  }
  auto dataType = cast<RankedTensorType>(data.getType());
  ArrayRef<int64_t> shape = dataType.getShape();
  int64_t outer = 1, inner = 1, n = shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
    inner *= shape[d];
  Type elementType = type.getElementType();
  if (isa<StringType>(elementType))
    return imp.emitError() << "STRING elements are not supported";
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  Value cn = buildDimValue(imp, data, axis);
  // The [outer, n, inner] view (n may be the only run-time dim).
  Value view;
  if (!ShapedType::isDynamic(n)) {
    view = imp.reshapeTo(data, {outer, n, inner});
  } else {
    Value shape3 = imp.create<tensor::FromElementsOp>(
        ValueRange{cIndex(b, loc, outer), cn, cIndex(b, loc, inner)});
    view = imp.create<tensor::ReshapeOp>(
        RankedTensorType::get({outer, n, inner}, elementType), data, shape3);
  }
  SliceView slices{view, outer, n, inner, elementType, imp.isUnsignedInput(0)};

  auto i64Vector = RankedTensorType::get({n}, b.getI64Type());
  // first[i]: the first slice equal to slice i.
  Value first =
      forLoop(b, loc, cn, ValueRange{emptyWith(imp, i64Vector, cn)},
              [&](OpBuilder &nb, Location nloc, Value i, ValueRange args) {
                Value found =
                    forLoop(
                        nb, nloc, i, ValueRange{i},
                        [&](OpBuilder &lb, Location lloc, Value j,
                            ValueRange f) -> SmallVector<Value> {
                          Value open = lb.create<arith::CmpIOp>(
                              lloc, arith::CmpIPredicate::eq, f[0], i);
                          return ifElse(
                              lb, lloc, open,
                              [&](OpBuilder &tb,
                                  Location tloc) -> SmallVector<Value> {
                                Value same = slices.equal(tb, tloc, j, i);
                                return {tb.create<arith::SelectOp>(tloc, same,
                                                                   j, i)};
                              },
                              [&](OpBuilder &, Location) -> SmallVector<Value> {
                                return {f[0]};
                              });
                        })
                        .front();
                return SmallVector<Value>{nb.create<tensor::InsertOp>(
                    nloc, toI64(nb, nloc, found), args[0], i)};
              })
          .front();
  auto isFirst = [&](OpBuilder &nb, Location nloc, Value i) -> Value {
    Value f = nb.create<tensor::ExtractOp>(nloc, first, i);
    return nb.create<arith::CmpIOp>(nloc, arith::CmpIPredicate::eq, f,
                                    toI64(nb, nloc, i));
  };
  // place[i], for a first occurrence: its index among the distinct slices
  // (how many distinct ones order before it, or occur before it).
  SmallVector<Value> placed = forLoop(
      b, loc, cn, ValueRange{emptyWith(imp, i64Vector, cn), cIndex(b, loc, 0)},
      [&](OpBuilder &nb, Location nloc, Value i, ValueRange args) {
        return ifElse(
            nb, nloc, isFirst(nb, nloc, i),
            [&](OpBuilder &tb, Location tloc) -> SmallVector<Value> {
              Value p = args[1];
              if (sorted)
                p = forLoop(tb, tloc, cn, ValueRange{cIndex(tb, tloc, 0)},
                            [&](OpBuilder &lb, Location lloc, Value j,
                                ValueRange c) -> SmallVector<Value> {
                              return ifElse(
                                  lb, lloc, isFirst(lb, lloc, j),
                                  [&](OpBuilder &ib,
                                      Location iloc) -> SmallVector<Value> {
                                    Value before = ib.create<arith::CmpIOp>(
                                        iloc, arith::CmpIPredicate::slt,
                                        slices.compare(ib, iloc, j, i),
                                        ib.create<arith::ConstantIntOp>(iloc, 0,
                                                                        32));
                                    return {ib.create<arith::SelectOp>(
                                        iloc, before, increment(ib, iloc, c[0]),
                                        c[0])};
                                  },
                                  [&](OpBuilder &, Location)
                                      -> SmallVector<Value> { return {c[0]}; });
                            })
                        .front();
              Value t = tb.create<tensor::InsertOp>(tloc, toI64(tb, tloc, p),
                                                    args[0], i);
              return {t, increment(tb, tloc, args[1])};
            },
            [&](OpBuilder &, Location) -> SmallVector<Value> {
              return {args[0], args[1]};
            });
      });
  Value place = placed[0], count = placed[1];

  // The outputs, at their upper bound of n distinct slices.
  Value zeros =
      buildFill(imp, i64Vector, b.create<arith::ConstantIntOp>(loc, 0, 64),
                i64Vector.hasStaticShape() ? ValueRange{} : ValueRange{cn});
  SmallVector<Value> outputs = forLoop(
      b, loc, cn,
      ValueRange{emptyWith(imp, dataType, cn), emptyWith(imp, i64Vector, cn),
                 emptyWith(imp, i64Vector, cn), zeros},
      [&](OpBuilder &nb, Location nloc, Value i, ValueRange args) {
        Value f = nb.create<arith::IndexCastOp>(
            nloc, nb.getIndexType(),
            nb.create<tensor::ExtractOp>(nloc, first, i));
        Value p64 = nb.create<tensor::ExtractOp>(nloc, place, f);
        Value p = nb.create<arith::IndexCastOp>(nloc, nb.getIndexType(), p64);
        Value inverse = nb.create<tensor::InsertOp>(nloc, p64, args[2], i);
        Value c = nb.create<tensor::ExtractOp>(nloc, args[3], p);
        Value counts = nb.create<tensor::InsertOp>(
            nloc,
            nb.create<arith::AddIOp>(
                nloc, c, nb.create<arith::ConstantIntOp>(nloc, 1, 64)),
            args[3], p);
        SmallVector<Value> firsts = ifElse(
            nb, nloc, isFirst(nb, nloc, i),
            [&](OpBuilder &tb, Location tloc) -> SmallVector<Value> {
              Value y = copySlice(tb, tloc, data, i, args[0], p, axis);
              Value idx = tb.create<tensor::InsertOp>(tloc, toI64(tb, tloc, i),
                                                      args[1], p);
              return {y, idx};
            },
            [&](OpBuilder &, Location) -> SmallVector<Value> {
              return {args[0], args[1]};
            });
        return SmallVector<Value>{firsts[0], firsts[1], inverse, counts};
      });
  imp.setOutput(0, takeFirst(b, loc, outputs[0], axis, count));
  if (imp.isOutputUsed(1))
    imp.setOutput(1, takeFirst(b, loc, outputs[1], 0, count));
  if (imp.isOutputUsed(2))
    imp.setOutput(2, outputs[2]);
  if (imp.isOutputUsed(3))
    imp.setOutput(3, takeFirst(b, loc, outputs[3], 0, count));
  return success();
}

ArrayRef<OpRuleInfo> aic::importer::getDataDependentRules() {
  using DT = onnx::TensorProto;
  // bfloat16 is left out: nothing here was run on it.
  constexpr TypeSet kTensor =
      (types::kNumeric | types::kBool) & ~typeBit(DT::BFLOAT16);
  static const OpRuleInfo rules[] = {
      {"Compress", importCompress, 9, kTensor, "", true},
      {"NonMaxSuppression", importNonMaxSuppression, 10, typeBit(DT::FLOAT), "",
       true},
      {"NonZero", importNonZero, 9, kTensor, "", true},
      {"Unique", importUnique, 11, kTensor, "", true},
  };
  return rules;
}
