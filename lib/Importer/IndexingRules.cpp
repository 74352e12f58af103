//===- IndexingRules.cpp - Import rules for scatters, TopK, scans ---------===//
//
// Operators that write at run-time positions or carry state along an axis:
// ScatterElements (and its old name Scatter), ScatterND and MaxUnpool copy
// their data and insert the updates one by one in a nest of scf.for loops
// whose iter_args thread the tensor, which one-shot bufferization turns into
// in-place stores (copying the data only when it is read elsewhere). TopK
// keeps a sorted buffer of the k best elements of each row, CumSum carries a
// running sum across the axis, ReverseSequence is a linalg.generic reading
// mirrored positions.
//
// Scatter indices are checked before the loops (constant ones at import,
// run-time ones per run: an index out of range fails the run with one line,
// checkIndicesInRange), and so are MaxUnpool's flat positions, which must
// lie in [0, size). The loops still clamp every index they use, so that no
// access leaves a tensor.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static FailureOr<int64_t> getAxis(NodeImporter &imp, int64_t axis,
                                  int64_t rank) {
  if (axis < -rank || axis >= rank) {
    imp.emitError() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

static Value constIndex(OpBuilder &b, Location loc, int64_t value) {
  return b.create<arith::ConstantIndexOp>(loc, value);
}

/// A run-time index (any integer type, or `index`) as an `index` in
/// [0, size): negative values count from the end, then the result is clamped.
/// `size` must be positive.
static Value clampIndex(OpBuilder &b, Location loc, Value index, int64_t size,
                        bool wrapNegative = true) {
  if (!index.getType().isIndex())
    index = b.create<arith::IndexCastOp>(loc, b.getIndexType(), index);
  Value zero = constIndex(b, loc, 0);
  if (wrapNegative) {
    Value negative =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, index, zero);
    Value wrapped =
        b.create<arith::AddIOp>(loc, index, constIndex(b, loc, size));
    index = b.create<arith::SelectOp>(loc, negative, wrapped, index);
  }
  Value low = b.create<arith::MaxSIOp>(loc, index, zero);
  return b.create<arith::MinSIOp>(loc, low, constIndex(b, loc, size - 1));
}

/// clampIndex along a dim of run-time size `size` (an `index`, positive).
static Value clampIndex(OpBuilder &b, Location loc, Value index, Value size) {
  if (std::optional<int64_t> known = getConstantIntValue(size))
    return clampIndex(b, loc, index, *known);
  if (!index.getType().isIndex())
    index = b.create<arith::IndexCastOp>(loc, b.getIndexType(), index);
  Value zero = constIndex(b, loc, 0);
  Value negative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = b.create<arith::AddIOp>(loc, index, size);
  index = b.create<arith::SelectOp>(loc, negative, wrapped, index);
  Value low = b.create<arith::MaxSIOp>(loc, index, zero);
  Value last = b.create<arith::SubIOp>(loc, size, constIndex(b, loc, 1));
  return b.create<arith::MinSIOp>(loc, low, last);
}

/// Dims `da` of `a` and `db` of `b` related by `pred` (eq or sle): an error
/// if both are static and are not, a run-time check if either is not
/// static.
static LogicalResult requireDims(NodeImporter &imp, Value a, int64_t da,
                                 Value b, int64_t db, arith::CmpIPredicate pred,
                                 const std::string &what) {
  int64_t sa = cast<RankedTensorType>(a.getType()).getDimSize(da);
  int64_t sb = cast<RankedTensorType>(b.getType()).getDimSize(db);
  if (!ShapedType::isDynamic(sa) && !ShapedType::isDynamic(sb)) {
    if (pred == arith::CmpIPredicate::eq ? sa == sb : sa <= sb)
      return success();
    return imp.emitError() << what << " (" << sa << " and " << sb << ")";
  }
  Value va = buildDimValue(imp, a, da);
  Value vb = buildDimValue(imp, b, db);
  buildRuntimeCheck(imp, imp.create<arith::CmpIOp>(pred, va, vb),
                    what + " at run time");
  return success();
}

using LoopBodyFn = function_ref<SmallVector<Value>(
    OpBuilder &, Location, ValueRange ivs, ValueRange iterArgs)>;

/// A nest of scf.for loops over every position of `shape` (outermost dim
/// first) threading `inits` through iter_args; returns the final values. An
/// empty shape builds the body once, without loops.
static SmallVector<Value> buildLoops(OpBuilder &b, Location loc, ValueRange ubs,
                                     ValueRange inits, LoopBodyFn body) {
  SmallVector<Value> lbs, steps;
  for (size_t d = 0; d < ubs.size(); ++d) {
    lbs.push_back(constIndex(b, loc, 0));
    steps.push_back(constIndex(b, loc, 1));
  }
  return scf::buildLoopNest(b, loc, lbs, ubs, steps, inits,
                            [&](OpBuilder &nb, Location nloc, ValueRange ivs,
                                ValueRange iterArgs) -> scf::ValueVector {
                              return body(nb, nloc, ivs, iterArgs);
                            })
      .results;
}

/// The same over a static `shape`.
static SmallVector<Value> buildLoops(OpBuilder &b, Location loc,
                                     ArrayRef<int64_t> shape, ValueRange inits,
                                     LoopBodyFn body) {
  SmallVector<Value> ubs;
  for (int64_t size : shape)
    ubs.push_back(constIndex(b, loc, size));
  return buildLoops(b, loc, ValueRange(ubs), inits, body);
}

/// The reduction of a scatter: how an update combines with the element it
/// lands on.
enum class Reduction { None, Add, Mul };

static FailureOr<Reduction> getReduction(NodeImporter &imp, Type elementType) {
  std::string name = imp.getStringAttr("reduction", "none");
  Reduction reduction;
  if (name == "none")
    reduction = Reduction::None;
  else if (name == "add")
    reduction = Reduction::Add;
  else if (name == "mul")
    reduction = Reduction::Mul;
  else {
    imp.emitError() << "unsupported reduction '" << name << "'";
    return failure();
  }
  if (reduction != Reduction::None && elementType.isInteger(1)) {
    imp.emitError() << "reduction '" << name << "' on booleans is unsupported";
    return failure();
  }
  return reduction;
}

/// Writes `update` at `at` of `dest` (combining it with the element there
/// for a reduction) and returns the new tensor.
static Value scatterOne(OpBuilder &b, Location loc, Reduction reduction,
                        Value dest, Value update, ValueRange at) {
  if (reduction != Reduction::None) {
    Value old = b.create<tensor::ExtractOp>(loc, dest, at);
    ScalarBuilder s(b, loc, update.getType());
    update =
        reduction == Reduction::Add ? s.add(old, update) : s.mul(old, update);
  }
  return b.create<tensor::InsertOp>(loc, update, dest, at);
}

static LogicalResult checkIntegerIndices(NodeImporter &imp, Value indices) {
  if (!isa<IntegerType>(getElementTypeOrSelf(indices.getType())))
    return imp.emitError() << "expects integer indices";
  return success();
}

namespace {
/// What the scatter operators share: data, integer indices, updates and
/// the reduction.
struct ScatterOperands {
  Value data, indices, updates;
  RankedTensorType dataType, indicesType, updatesType;
  Reduction reduction;
};
} // namespace

static FailureOr<ScatterOperands> getScatterOperands(NodeImporter &imp) {
  FailureOr<Value> data = imp.getInput(0), indices = imp.getInput(1),
                   updates = imp.getInput(2);
  if (failed(data) || failed(indices) || failed(updates) ||
      failed(checkIntegerIndices(imp, *indices)))
    return failure();
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, cast<RankedTensorType>(data->getType()));
  if (failed(type))
    return failure();
  ScatterOperands ops{*data,
                      *indices,
                      *updates,
                      cast<RankedTensorType>(data->getType()),
                      cast<RankedTensorType>(indices->getType()),
                      cast<RankedTensorType>(updates->getType()),
                      Reduction::None};
  if (*type != ops.dataType)
    return imp.emitError() << "expects an output of the data's type";
  FailureOr<Reduction> reduction =
      getReduction(imp, ops.dataType.getElementType());
  if (failed(reduction))
    return failure();
  ops.reduction = *reduction;
  return ops;
}

//===----------------------------------------------------------------------===//
// ScatterElements, Scatter, ScatterND
//===----------------------------------------------------------------------===//

/// ScatterElements (and Scatter, its name before opset 11): for each
/// position p of the indices, out[p with p[axis] = indices[p]] = updates[p],
/// in the order of the positions (the last duplicate wins). Run-time dims
/// are checked as static ones are, per run.
static LogicalResult importScatterElements(NodeImporter &imp) {
  FailureOr<ScatterOperands> ops = getScatterOperands(imp);
  if (failed(ops))
    return failure();
  RankedTensorType dataType = ops->dataType, indicesType = ops->indicesType;
  int64_t rank = dataType.getRank();
  if (indicesType.getRank() != rank || ops->updatesType.getRank() != rank)
    return imp.emitError()
           << "expects indices and updates of one shape and the data's rank";
  FailureOr<int64_t> axis = getAxis(imp, imp.getIntAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < rank; ++d) {
    if (failed(requireDims(imp, ops->indices, d, ops->updates, d,
                           arith::CmpIPredicate::eq,
                           "dim " + std::to_string(d) +
                               " of the indices and the updates differ")))
      return failure();
    if (d != *axis &&
        failed(requireDims(
            imp, ops->indices, d, ops->data, d, arith::CmpIPredicate::sle,
            "dim " + std::to_string(d) + " of the indices exceeds the data's")))
      return failure();
  }
  bool empty =
      indicesType.hasStaticShape() && indicesType.getNumElements() == 0;
  int64_t axisSize = dataType.getDimSize(*axis);
  Value axisValue = buildDimValue(imp, ops->data, *axis);
  if (!ShapedType::isDynamic(axisSize)) {
    if (axisSize == 0 && !empty)
      return imp.emitError() << "scatters into an empty axis";
    if (!empty && failed(checkIndicesInRange(imp, 1, ops->indices, {axisSize})))
      return failure();
  } else {
    checkIndicesInRange(imp, ops->indices, axisValue);
  }

  SmallVector<Value> ubs;
  for (int64_t d = 0; d < rank; ++d)
    ubs.push_back(buildDimValue(imp, ops->indices, d));
  Value idx = ops->indices, upd = ops->updates;
  Reduction reduction = ops->reduction;
  SmallVector<Value> result = buildLoops(
      imp.getBuilder(), imp.getLoc(), ValueRange(ubs), ops->data,
      [&](OpBuilder &b, Location loc, ValueRange ivs, ValueRange args) {
        Value index = b.create<tensor::ExtractOp>(loc, idx, ivs);
        SmallVector<Value> at(ivs);
        at[*axis] = clampIndex(b, loc, index, axisValue);
        Value update = b.create<tensor::ExtractOp>(loc, upd, ivs);
        return SmallVector<Value>{
            scatterOne(b, loc, reduction, args[0], update, at)};
      });
  imp.setOutput(0, result[0]);
  return success();
}

/// ScatterND: indices[i.., :] (k integers) select a slice data[idx, ...] of
/// rank r - k that updates[i.., ...] replaces or combines with. Run-time
/// dims are checked per run; k must be static.
static LogicalResult importScatterND(NodeImporter &imp) {
  FailureOr<ScatterOperands> ops = getScatterOperands(imp);
  if (failed(ops))
    return failure();
  RankedTensorType dataType = ops->dataType, indicesType = ops->indicesType;
  int64_t q = indicesType.getRank();
  if (q < 1)
    return imp.emitError() << "expects indices of rank >= 1";
  int64_t k = indicesType.getShape().back();
  if (ShapedType::isDynamic(k))
    return imp.emitError() << "the length of the index tuples (the indices' "
                              "last dim) must be known when compiling";
  if (k < 1 || k > dataType.getRank())
    return imp.emitError() << "index tuples of " << k
                           << " elements do not fit the data's rank";
  int64_t sliceRank = dataType.getRank() - k;
  if (ops->updatesType.getRank() != q - 1 + sliceRank)
    return imp.emitError() << "updates of shape "
                           << formatShape(ops->updatesType.getShape())
                           << " do not have rank " << q - 1 + sliceRank;
  // updates: [indices' leading dims, data's trailing dims]
  for (int64_t d = 0; d < q - 1 + sliceRank; ++d) {
    bool fromIndices = d < q - 1;
    if (failed(requireDims(
            imp, ops->updates, d, fromIndices ? ops->indices : ops->data,
            fromIndices ? d : d - (q - 1) + k, arith::CmpIPredicate::eq,
            "dim " + std::to_string(d) + " of the updates differs from the " +
                (fromIndices ? "indices'" : "data's"))))
      return failure();
  }
  ArrayRef<int64_t> indexed = dataType.getShape().take_front(k);
  bool empty =
      indicesType.hasStaticShape() && indicesType.getNumElements() == 0;
  SmallVector<Value> indexedSizes;
  for (int64_t j = 0; j < k; ++j)
    indexedSizes.push_back(buildDimValue(imp, ops->data, j));
  if (llvm::any_of(indexed, ShapedType::isDynamic)) {
    checkIndicesInRange(imp, ops->indices, indexedSizes);
  } else if (!empty) {
    for (int64_t j = 0; j < k; ++j)
      if (indexed[j] == 0)
        return imp.emitError() << "scatters into an empty axis";
    if (failed(checkIndicesInRange(imp, 1, ops->indices, indexed)))
      return failure();
  }

  SmallVector<Value> outerUbs, sliceUbs;
  for (int64_t d = 0; d < q - 1; ++d)
    outerUbs.push_back(buildDimValue(imp, ops->indices, d));
  for (int64_t d = k; d < dataType.getRank(); ++d)
    sliceUbs.push_back(buildDimValue(imp, ops->data, d));
  Value idx = ops->indices, upd = ops->updates;
  Reduction reduction = ops->reduction;
  SmallVector<Value> result = buildLoops(
      imp.getBuilder(), imp.getLoc(), ValueRange(outerUbs), ops->data,
      [&](OpBuilder &b, Location loc, ValueRange outerIvs, ValueRange args) {
        SmallVector<Value> prefix;
        for (int64_t j = 0; j < k; ++j) {
          SmallVector<Value> tupleAt(outerIvs);
          tupleAt.push_back(constIndex(b, loc, j));
          Value index = b.create<tensor::ExtractOp>(loc, idx, tupleAt);
          prefix.push_back(clampIndex(b, loc, index, indexedSizes[j]));
        }
        return buildLoops(
            b, loc, ValueRange(sliceUbs), args[0],
            [&](OpBuilder &ib, Location iloc, ValueRange innerIvs,
                ValueRange innerArgs) {
              SmallVector<Value> at(prefix), updateAt(outerIvs);
              llvm::append_range(at, innerIvs);
              llvm::append_range(updateAt, innerIvs);
              Value update = ib.create<tensor::ExtractOp>(iloc, upd, updateAt);
              return SmallVector<Value>{
                  scatterOne(ib, iloc, reduction, innerArgs[0], update, at)};
            });
      });
  imp.setOutput(0, result[0]);
  return success();
}

//===----------------------------------------------------------------------===//
// TopK
//===----------------------------------------------------------------------===//

namespace {
/// Builds the scan of one TopK row: the output slices of the row (values
/// and indices) are a buffer of the best elements seen so far, in order;
/// `count` of them are filled.
struct TopKRowBuilder {
  Value input;
  ValueRange rowIvs;
  int64_t axis;
  Value n, k; // the row's length and the count kept (index, at least 1)
  Type elementType;
  bool isUnsigned, largest;

  Value index(OpBuilder &b, Location loc, int64_t v) const {
    return b.create<arith::ConstantIndexOp>(loc, v);
  }
  /// k - 1, the buffer's last position (folded for a constant k).
  Value lastPosition(OpBuilder &b, Location loc) const {
    if (std::optional<int64_t> constant = getConstantIntValue(k))
      return index(b, loc, *constant - 1);
    return b.create<arith::SubIOp>(loc, k, index(b, loc, 1));
  }
  /// The position of the row's element `position` in the input / outputs.
  SmallVector<Value> at(Value position) const {
    SmallVector<Value> result(rowIvs);
    result.insert(result.begin() + axis, position);
    return result;
  }

  /// Whether `x` goes before `y`: greater (smaller if not `largest`). NaN
  /// orders above every number, as in torch.topk. Equal elements keep their
  /// order: `x` is the later one.
  Value goesBefore(OpBuilder &b, Location loc, Value x, Value y) const {
    ScalarBuilder s(b, loc, elementType, isUnsigned);
    Value before = s.cmp(largest ? CmpKind::gt : CmpKind::lt, x, y);
    if (!s.isFloat())
      return before;
    auto isNaN = [&](Value v) -> Value {
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, v, v);
    };
    Value high = largest ? x : y, low = largest ? y : x;
    Value notNaN = b.create<arith::XOrIOp>(
        loc, isNaN(low), b.create<arith::ConstantIntOp>(loc, 1, 1));
    Value nanFirst = b.create<arith::AndIOp>(loc, isNaN(high), notNaN);
    return b.create<arith::OrIOp>(loc, before, nanFirst);
  }

  /// Whether `x` enters the buffer: it is not full, or x goes before its
  /// last element (read only when the buffer is full).
  Value accepts(OpBuilder &b, Location loc, Value vals, Value count,
                Value x) const {
    Value full =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, count, k);
    auto accept = b.create<scf::IfOp>(
        loc, full,
        [&](OpBuilder &tb, Location tloc) {
          Value last = tb.create<tensor::ExtractOp>(tloc, vals,
                                                    at(lastPosition(tb, tloc)));
          tb.create<scf::YieldOp>(tloc, goesBefore(tb, tloc, x, last));
        },
        [&](OpBuilder &eb, Location eloc) {
          Value yes = eb.create<arith::ConstantIntOp>(eloc, 1, 1);
          eb.create<scf::YieldOp>(eloc, yes);
        });
    return accept.getResult(0);
  }

  /// The place of `x` among the `count` buffered elements: how many it does
  /// not go before.
  Value place(OpBuilder &b, Location loc, Value vals, Value count,
              Value x) const {
    Value zero = index(b, loc, 0);
    auto loop = b.create<scf::ForOp>(
        loc, zero, count, index(b, loc, 1), ValueRange{zero},
        [&](OpBuilder &nb, Location nloc, Value j, ValueRange sum) {
          Value y = nb.create<tensor::ExtractOp>(nloc, vals, at(j));
          Value inc = nb.create<arith::SelectOp>(
              nloc, goesBefore(nb, nloc, x, y), index(nb, nloc, 0),
              index(nb, nloc, 1));
          Value next = nb.create<arith::AddIOp>(nloc, sum[0], inc);
          nb.create<scf::YieldOp>(nloc, next);
        });
    return loop.getResult(0);
  }

  /// Moves the buffered elements at [p, end - 1) one place down (the one at
  /// end - 1 falls out when the buffer is full), from the end.
  SmallVector<Value> shiftDown(OpBuilder &b, Location loc, ValueRange bufs,
                               Value p, Value end) const {
    Value one = index(b, loc, 1);
    Value moves = b.create<arith::SubIOp>(loc, end, p);
    auto loop = b.create<scf::ForOp>(
        loc, index(b, loc, 0), moves, one, bufs,
        [&](OpBuilder &nb, Location nloc, Value t, ValueRange current) {
          Value to = nb.create<arith::SubIOp>(nloc, end, t);
          Value from = nb.create<arith::SubIOp>(nloc, to, one);
          SmallVector<Value> moved;
          for (Value buf : current) {
            Value v = nb.create<tensor::ExtractOp>(nloc, buf, at(from));
            moved.push_back(nb.create<tensor::InsertOp>(nloc, v, buf, at(to)));
          }
          nb.create<scf::YieldOp>(nloc, moved);
        });
    return loop.getResults();
  }

  /// Scans the row, threading the values and indices outputs.
  SmallVector<Value> build(OpBuilder &b, Location loc, Value values,
                           Value indices) const {
    Value zero = index(b, loc, 0), one = index(b, loc, 1);
    auto scan = b.create<scf::ForOp>(
        loc, zero, n, one, ValueRange{values, indices, zero},
        [&](OpBuilder &nb, Location nloc, Value i, ValueRange state) {
          Value vals = state[0], idxs = state[1], count = state[2];
          Value x = nb.create<tensor::ExtractOp>(nloc, input, at(i));
          auto insert = nb.create<scf::IfOp>(
              nloc, accepts(nb, nloc, vals, count, x),
              [&](OpBuilder &tb, Location tloc) {
                Value p = place(tb, tloc, vals, count, x);
                Value end = tb.create<arith::MinSIOp>(tloc, count,
                                                      lastPosition(tb, tloc));
                SmallVector<Value> bufs =
                    shiftDown(tb, tloc, ValueRange{vals, idxs}, p, end);
                Value position =
                    tb.create<arith::IndexCastOp>(tloc, tb.getI64Type(), i);
                bufs[0] = tb.create<tensor::InsertOp>(tloc, x, bufs[0], at(p));
                bufs[1] =
                    tb.create<tensor::InsertOp>(tloc, position, bufs[1], at(p));
                tb.create<scf::YieldOp>(tloc, bufs);
              },
              [&](OpBuilder &eb, Location eloc) {
                eb.create<scf::YieldOp>(eloc, ValueRange{vals, idxs});
              });
          Value next = nb.create<arith::AddIOp>(nloc, count, one);
          next = nb.create<arith::MinSIOp>(nloc, next, k);
          nb.create<scf::YieldOp>(
              nloc, ValueRange{insert.getResult(0), insert.getResult(1), next});
        });
    return {scan.getResult(0), scan.getResult(1)};
  }
};
} // namespace

/// TopK: per row along the axis, a buffer of the k best elements kept in
/// order (the output slices themselves): each element that beats the
/// buffer's last (or finds it not full) is inserted at its place, the worse
/// ones shifting down. O(n) for a row whose elements mostly miss, O(n * k)
/// at worst; ties keep the lower index first, as ONNX and ORT do.
static LogicalResult importTopK(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  int64_t rank = inType.getRank();
  if (rank < 1)
    return imp.emitError() << "expects an input of rank >= 1";
  FailureOr<int64_t> axis = getAxis(imp, imp.getIntAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  // k: an attribute, a constant input, or an input read at run time (the
  // outputs' axis dim is then known only at run time).
  std::optional<int64_t> k;
  Value kValue;
  if (imp.getOpset() < 10) {
    if (!imp.getAttr("k"))
      return imp.emitError() << "missing 'k' attribute";
    k = imp.getIntAttr("k", 0);
  } else if (imp.getConstantInput(1)) {
    FailureOr<SmallVector<int64_t>> kValues = imp.getConstantInts(1, "K");
    if (failed(kValues))
      return failure();
    if (kValues->size() != 1)
      return imp.emitError() << "'K' must have one element";
    k = kValues->front();
  } else {
    FailureOr<Value> kInput = imp.getInput(1);
    if (failed(kInput))
      return failure();
    auto kType = cast<RankedTensorType>(kInput->getType());
    if (kType.getRank() != 1 || kType.getShape() != ArrayRef<int64_t>{1} ||
        !kType.getElementType().isInteger(64))
      return imp.emitError() << "'K' must be a 1-D int64 tensor of one "
                                "element, got "
                             << kType;
    kValue = imp.create<arith::IndexCastOp>(imp.getBuilder().getIndexType(),
                                            extractScalar(imp, *kInput));
  }
  Value nValue = buildDimValue(imp, *input, *axis);
  if (k && !inType.isDynamicDim(*axis) &&
      (*k < 0 || *k > inType.getDimSize(*axis)))
    return imp.emitError() << "k = " << *k << " is out of range for an axis of "
                           << inType.getDimSize(*axis) << " elements";
  if (k && *k < 0)
    return imp.emitError() << "k = " << *k << " is negative";
  if (k) {
    kValue = imp.create<arith::ConstantIndexOp>(*k);
    if (inType.isDynamicDim(*axis))
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::sle, kValue, nValue),
          "k = " + std::to_string(*k) +
              " is more than the elements of the axis (" +
              std::to_string(*axis) + ")");
  } else {
    // One op per statement: the IR's order must not depend on the
    // compiler's order of evaluating arguments.
    Value notNegative =
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::sge, kValue,
                                  imp.create<arith::ConstantIndexOp>(0));
    Value notAbove =
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::sle, kValue, nValue);
    Value inRange = imp.create<arith::AndIOp>(notNegative, notAbove);
    buildRuntimeCheck(imp, inRange,
                      "input 'K' is negative or more than the elements of "
                      "the axis (" +
                          std::to_string(*axis) + ")");
  }
  SmallVector<int64_t> shape(inType.getShape());
  shape[*axis] = k ? *k : ShapedType::kDynamic;
  Type elementType = inType.getElementType();
  FailureOr<RankedTensorType> valuesType =
      imp.getOutputTypeOr(0, RankedTensorType::get(shape, elementType));
  FailureOr<RankedTensorType> indicesType = imp.getOutputTypeOr(
      1, RankedTensorType::get(shape, imp.getBuilder().getI64Type()));
  if (failed(valuesType) || failed(indicesType))
    return failure();
  if (valuesType->getShape() != indicesType->getShape() ||
      !indicesType->getElementType().isInteger(64))
    return imp.emitError() << "unexpected output types";
  if (!k && !valuesType->isDynamicDim(*axis)) {
    // ONNX's propagation knows the run-time k: checked at run time.
    k = valuesType->getDimSize(*axis);
    Value known = imp.create<arith::ConstantIndexOp>(*k);
    buildRuntimeCheck(
        imp, imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, kValue, known),
        "input 'K' is not " + std::to_string(*k) +
            ", the size ONNX's shape inference gave the "
            "outputs' axis");
    kValue = known;
  }
  if (k && valuesType->isDynamicDim(*axis))
    return imp.emitError() << "expects outputs of " << *k
                           << " elements along the axis, got " << *valuesType;
  // Run-time dims off the axis are the input's; so are the row loops'.
  SmallVector<Value> sizes, rowSizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (d == *axis) {
      if (!k)
        sizes.push_back(kValue);
      continue;
    }
    Value size = buildDimValue(imp, *input, d);
    if (inType.isDynamicDim(d))
      sizes.push_back(size);
    rowSizes.push_back(size);
  }
  Value values = imp.emptyTensor(*valuesType, sizes);
  Value indices = imp.emptyTensor(*indicesType, sizes);
  if (k == 0 ||
      (valuesType->hasStaticShape() && valuesType->getNumElements() == 0)) {
    imp.setOutput(0, values);
    imp.setOutput(1, indices);
    return success();
  }
  // A run-time k of 0 scans nothing (the buffer has no last element).
  Value scanned = nValue;
  if (!k) {
    Value zero = imp.create<arith::ConstantIndexOp>(0);
    Value none =
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, kValue, zero);
    scanned = imp.create<arith::SelectOp>(none, zero, nValue);
  }

  // The rows: every position with the axis dim left out.
  bool largest = imp.getOpset() < 11 || imp.getIntAttr("largest", 1);
  SmallVector<Value> result = buildLoops(
      imp.getBuilder(), imp.getLoc(), ValueRange(rowSizes),
      ValueRange{values, indices},
      [&](OpBuilder &b, Location loc, ValueRange rowIvs, ValueRange args) {
        TopKRowBuilder row{*input,
                           rowIvs,
                           *axis,
                           scanned,
                           kValue,
                           elementType,
                           imp.isUnsignedInput(0),
                           largest};
        return row.build(b, loc, args[0], args[1]);
      });
  imp.setOutput(0, result[0]);
  imp.setOutput(1, result[1]);
  return success();
}

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

/// CumSum: an scf.for along the axis carrying the running sum of the slices
/// seen so far (a tensor of the input's shape with the axis of size 1), each
/// step adding a slice to it and writing it into the result before
/// (exclusive) or after the addition.
static LogicalResult importCumSum(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, cast<RankedTensorType>(input->getType()));
  if (failed(type))
    return failure();
  FailureOr<SmallVector<int64_t>> axisValues = imp.getConstantInts(1, "axis");
  if (failed(axisValues))
    return failure();
  if (axisValues->size() != 1)
    return imp.emitError() << "'axis' must have one element";
  auto inType = cast<RankedTensorType>(input->getType());
  int64_t rank = inType.getRank();
  if (rank < 1)
    return imp.emitError() << "expects an input of rank >= 1";
  FailureOr<int64_t> axis = getAxis(imp, axisValues->front(), rank);
  if (failed(axis))
    return failure();
  bool exclusive = imp.getIntAttr("exclusive", 0);
  bool reverse = imp.getIntAttr("reverse", 0);
  Type elementType = inType.getElementType();
  bool isUnsigned = imp.isUnsignedInput(0);
  if (*type != inType)
    return imp.emitError() << "expects an output of the input's type";
  OpBuilder &builder = imp.getBuilder();
  // Dims known at run time only (a symbolic batch or sequence) are the
  // input's, the axis's too (the loop's trip count).
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < rank; ++d)
    dims.push_back(tensor::getMixedSize(builder, imp.getLoc(), *input, d));
  Value n = getValueOrCreateConstantIndexOp(builder, imp.getLoc(), dims[*axis]);
  // The position of the last slice, where a reverse sum starts.
  Value last =
      inType.isDynamicDim(*axis)
          ? imp.create<arith::SubIOp>(n, constIndex(builder, imp.getLoc(), 1))
                .getResult()
          : constIndex(builder, imp.getLoc(), inType.getDimSize(*axis) - 1);

  SmallVector<int64_t> sliceShape(inType.getShape());
  sliceShape[*axis] = 1;
  auto sliceType = RankedTensorType::get(sliceShape, elementType);
  SmallVector<OpFoldResult> sliceSizes(dims);
  sliceSizes[*axis] = builder.getIndexAttr(1);
  SmallVector<Value> runningSizes;
  for (OpFoldResult size : sliceSizes)
    if (auto value = dyn_cast<Value>(size))
      runningSizes.push_back(value);
  Value zeroValue =
      ScalarBuilder(builder, imp.getLoc(), elementType, isUnsigned).constant(0);
  Value running = buildFill(imp, sliceType, zeroValue, runningSizes);
  Value source = *input;
  int64_t sliceRank = sliceType.getRank();
  AffineMap identity = builder.getMultiDimIdentityMap(sliceRank);
  SmallVector<utils::IteratorType> parallel(sliceRank,
                                            utils::IteratorType::parallel);
  SmallVector<Value> result = buildLoops(
      builder, imp.getLoc(), ValueRange{n},
      ValueRange{running, imp.emptyTensorLike(source)},
      [&](OpBuilder &b, Location loc, ValueRange ivs, ValueRange args) {
        Value position = ivs[0];
        if (reverse)
          position = b.create<arith::SubIOp>(loc, last, position);
        SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
        offsets[*axis] = position;
        SmallVector<OpFoldResult> sizes(sliceSizes),
            strides(rank, b.getIndexAttr(1));
        Value slice = b.create<tensor::ExtractSliceOp>(loc, sliceType, source,
                                                       offsets, sizes, strides);
        Value sum = args[0], out = args[1];
        auto write = [&](Value from) {
          return b.create<tensor::InsertSliceOp>(loc, from, out, offsets, sizes,
                                                 strides);
        };
        if (exclusive)
          out = write(sum);
        sum =
            b.create<linalg::GenericOp>(
                 loc, TypeRange{sliceType}, ValueRange{slice}, ValueRange{sum},
                 ArrayRef<AffineMap>{identity, identity}, parallel,
                 [&](OpBuilder &nb, Location nloc, ValueRange elems) {
                   ScalarBuilder s(nb, nloc, elementType, isUnsigned);
                   nb.create<linalg::YieldOp>(nloc, s.add(elems[1], elems[0]));
                 })
                .getResult(0);
        if (!exclusive)
          out = write(sum);
        return SmallVector<Value>{sum, out};
      });
  imp.setOutput(0, result[1]);
  return success();
}

//===----------------------------------------------------------------------===//
// ReverseSequence
//===----------------------------------------------------------------------===//

/// ReverseSequence: out[.., t, ..] = x[.., len - 1 - t, ..] for t < len (the
/// sequence length of the position's batch), x itself elsewhere; lengths are
/// clamped into [0, time steps].
static LogicalResult importReverseSequence(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0), lens = imp.getInput(1);
  if (failed(input) || failed(lens))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  auto lensType = cast<RankedTensorType>(lens->getType());
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(0, inType);
  if (failed(type))
    return failure();
  if (*type != inType)
    return imp.emitError() << "expects the output's type to be the input's "
                           << inType << ", got " << *type;
  if (inType.getRank() < 2)
    return imp.emitError() << "expects an input of rank >= 2";
  int64_t batchAxis = imp.getIntAttr("batch_axis", 1);
  int64_t timeAxis = imp.getIntAttr("time_axis", 0);
  if (!((batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0)))
    return imp.emitError() << "expects batch_axis and time_axis to be 0 and 1";
  if (!isa<IntegerType>(lensType.getElementType()))
    return imp.emitError() << "expects integer sequence lengths";
  int64_t batch = inType.getDimSize(batchAxis);
  if (lensType.getRank() != 1 ||
      (!ShapedType::isDynamic(batch) && !lensType.isDynamicDim(0) &&
       lensType.getDimSize(0) != batch))
    return imp.emitError() << "expects one sequence length per batch entry";
  // Over run-time dims: the lengths' count is checked per run.
  if (ShapedType::isDynamic(batch) || lensType.isDynamicDim(0)) {
    // One op per statement: the IR's order must not depend on the order
    // the compiler evaluates arguments in.
    Value count = buildDimValue(imp, *lens, 0);
    Value batchSize = buildDimValue(imp, *input, batchAxis);
    buildRuntimeCheck(
        imp,
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, count, batchSize),
        "expects one sequence length per batch entry at run "
        "time");
  }
  Value steps = buildDimValue(imp, *input, timeAxis);
  Value source = *input;
  int64_t rank = inType.getRank();
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < rank; ++d)
    if (inType.isDynamicDim(d))
      sizes.push_back(buildDimValue(imp, *input, d));
  AffineMap lensMap =
      AffineMap::get(rank, 0, getAffineDimExpr(batchAxis, imp.getContext()));
  imp.setOutput(
      0,
      buildGeneric(
          imp, *type, *lens, lensMap, sizes,
          [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
            SmallVector<Value> at;
            for (int64_t d = 0; d < rank; ++d)
              at.push_back(b.create<linalg::IndexOp>(loc, d));
            Value len =
                b.create<arith::IndexCastOp>(loc, b.getIndexType(), args[0]);
            len = b.create<arith::MaxSIOp>(loc, len, constIndex(b, loc, 0));
            len = b.create<arith::MinSIOp>(loc, len, steps);
            Value t = at[timeAxis];
            Value inside =
                b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, t, len);
            Value mirrored = b.create<arith::SubIOp>(
                loc, b.create<arith::SubIOp>(loc, len, t),
                constIndex(b, loc, 1));
            at[timeAxis] = b.create<arith::SelectOp>(loc, inside, mirrored, t);
            return b.create<tensor::ExtractOp>(loc, source, at);
          }));
  return success();
}

//===----------------------------------------------------------------------===//
// MaxUnpool
//===----------------------------------------------------------------------===//

/// MaxUnpool: a zero tensor of the shape the window gives, viewed flat,
/// receives each input element at its index (flat over the whole tensor, as
/// MaxPool's Indices are). A larger output_shape puts that tensor in the
/// leading corner of a zero tensor of its shape, as ONNX's reference does.
static LogicalResult importMaxUnpool(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0), indices = imp.getInput(1);
  if (failed(input) || failed(indices))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  if (failed(checkIntegerIndices(imp, *indices)))
    return failure();
  if (inType.getRank() < 3 || indicesType.getShape() != inType.getShape())
    return imp.emitError()
           << "expects an input of rank >= 3 and indices of its shape";
  size_t n = inType.getRank() - 2;
  SmallVector<int64_t> kernel = imp.getIntsAttr("kernel_shape");
  SmallVector<int64_t> strides = imp.getIntsAttr("strides");
  SmallVector<int64_t> pads = imp.getIntsAttr("pads");
  if (strides.empty())
    strides.assign(n, 1);
  if (pads.empty())
    pads.assign(2 * n, 0);
  if (kernel.size() != n || strides.size() != n || pads.size() != 2 * n)
    return imp.emitError() << "kernel_shape, strides and pads do not match "
                              "the spatial rank";
  for (size_t i = 0; i < n; ++i)
    if (kernel[i] < 1 || strides[i] < 1 || pads[i] < 0 || pads[n + i] < 0)
      return imp.emitError() << "kernel_shape and strides must be positive "
                                "and pads not negative";
  SmallVector<int64_t> unpooled(inType.getShape().take_front(2));
  for (size_t i = 0; i < n; ++i) {
    // (in - 1) * stride + kernel - pads, which a model's attributes could
    // make overflow.
    int64_t dim;
    if (llvm::MulOverflow(inType.getDimSize(2 + i) - 1, strides[i], dim) ||
        llvm::AddOverflow(dim, kernel[i], dim) ||
        llvm::SubOverflow(dim, pads[i], dim) ||
        llvm::SubOverflow(dim, pads[n + i], dim))
      return imp.emitError()
             << "the unpooled size of spatial dim " << i << " overflows";
    unpooled.push_back(dim);
  }
  if (llvm::any_of(unpooled, [](int64_t d) { return d < 0; }))
    return imp.emitError() << "invalid unpooled shape "
                           << formatShape(unpooled);
  SmallVector<int64_t> shape(unpooled);
  if (imp.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> outputShape =
        imp.getConstantInts(2, "output_shape");
    if (failed(outputShape))
      return failure();
    if (outputShape->size() != shape.size())
      return imp.emitError() << "'output_shape' has " << outputShape->size()
                             << " entries, expected " << shape.size();
    // ONNX's reference once derived the indices' shape from the pads, now
    // ignores them when output_shape is given.
    if (llvm::any_of(pads, [](int64_t p) { return p != 0; }) &&
        ArrayRef<int64_t>(*outputShape) != ArrayRef<int64_t>(unpooled))
      return imp.emitError()
             << "'output_shape' with non-zero pads is not supported";
    for (auto [want, have] : llvm::zip(*outputShape, unpooled))
      if (want < have)
        return imp.emitError() << "'output_shape' " << formatShape(*outputShape)
                               << " is smaller than the unpooled shape "
                               << formatShape(unpooled);
    shape.assign(outputShape->begin(), outputShape->end());
  }
  Type elementType = inType.getElementType();
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, RankedTensorType::get(shape, elementType));
  if (failed(type))
    return failure();
  auto unpooledType = RankedTensorType::get(unpooled, elementType);
  int64_t total = unpooledType.getNumElements();
  if (total == 0 && inType.getNumElements() != 0)
    return imp.emitError() << "unpools into an empty tensor";
  if (failed(checkIndicesInRange(imp, 1, *indices, {total},
                                 /*negative=*/false)))
    return failure();

  OpBuilder &builder = imp.getBuilder();
  Value zero =
      ScalarBuilder(builder, imp.getLoc(), elementType, imp.isUnsignedInput(0))
          .constant(0);
  Value flat = imp.reshapeTo(buildFill(imp, unpooledType, zero), {total});
  Value source = *input, idx = *indices;
  SmallVector<Value> result = buildLoops(
      builder, imp.getLoc(), inType.getShape(), flat,
      [&](OpBuilder &b, Location loc, ValueRange ivs, ValueRange args) {
        Value index = b.create<tensor::ExtractOp>(loc, idx, ivs);
        Value at = clampIndex(b, loc, index, total, /*wrapNegative=*/false);
        Value x = b.create<tensor::ExtractOp>(loc, source, ivs);
        return SmallVector<Value>{
            b.create<tensor::InsertOp>(loc, x, args[0], at)};
      });
  Value unpool = imp.reshapeTo(result[0], unpooled);
  if (type->getShape() != ArrayRef<int64_t>(unpooled)) {
    SmallVector<OpFoldResult> offsets(unpooled.size(), builder.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes,
        steps(unpooled.size(), builder.getIndexAttr(1));
    for (int64_t d : unpooled)
      sizes.push_back(builder.getIndexAttr(d));
    unpool = imp.create<tensor::InsertSliceOp>(
        unpool, buildFill(imp, *type, zero), offsets, sizes, steps);
  }
  imp.setOutput(0, unpool);
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getIndexingRules() {
  using DT = onnx::TensorProto;
  // bfloat16 is left out: nothing here was run on it.
  constexpr TypeSet kNumeric = types::kNumeric & ~typeBit(DT::BFLOAT16);
  constexpr TypeSet kTensor = kNumeric | types::kBool;
  constexpr TypeSet kCumSum = typeBit(DT::FLOAT) | typeBit(DT::DOUBLE) |
                              typeBit(DT::FLOAT16) | typeBit(DT::INT32) |
                              typeBit(DT::INT64) | typeBit(DT::UINT32) |
                              typeBit(DT::UINT64);
  constexpr TypeSet kUnpool =
      typeBit(DT::FLOAT) | typeBit(DT::DOUBLE) | typeBit(DT::FLOAT16);
  static const OpRuleInfo rules[] = {
      {"CumSum", importCumSum, 11, kCumSum, "", true},
      {"MaxUnpool", importMaxUnpool, 9, kUnpool},
      {"ReverseSequence", importReverseSequence, 10, kTensor, "", true},
      {"Scatter", importScatterElements, 9, kTensor, "", true},
      {"ScatterElements", importScatterElements, 11, kTensor, "", true},
      {"ScatterND", importScatterND, 11, kTensor, "", true},
      {"TopK", importTopK, 1, kNumeric, "", true},
  };
  return rules;
}
