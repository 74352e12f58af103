//===- NonMaxSuppression.cpp - Import rule for NonMaxSuppression ----------===//
//
// ONNX NonMaxSuppression as generated code: per batch and class the boxes
// sorted by score, then kept unless one kept before overlaps them too much.
// Like the other data-dependent rules (DataDependentRules.cpp) the output
// is written into a tensor of its upper bound (every box of every batch and
// class) and the counted part is its result; the counts of batches,
// classes and boxes may be known only at run time (boxes that a score
// threshold kept, as torchvision's detection models compute them).
//
//===----------------------------------------------------------------------===//
#include "ScfBuilders.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

namespace {
/// The boxes of one batch and their overlap test, as ONNX Runtime computes
/// it: a pair whose intersection or either area is empty never suppresses.
struct BoxSet {
  Value boxes; // [batches, boxes, 4] f32
  bool centerPoint;

  /// [x min, y min, x max, y max] of box `i` of batch `batch`.
  SmallVector<Value> corners(OpBuilder &b, Location loc, Value batch,
                             Value i) const {
    SmallVector<Value> c;
    for (int64_t k = 0; k < 4; ++k)
      c.push_back(b.create<tensor::ExtractOp>(
          loc, boxes, ValueRange{batch, i, cIndex(b, loc, k)}));
    if (centerPoint) {
      // [x center, y center, width, height]
      Value half = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0.5f));
      Value w = b.create<arith::MulFOp>(loc, c[2], half);
      Value h = b.create<arith::MulFOp>(loc, c[3], half);
      return {b.create<arith::SubFOp>(loc, c[0], w),
              b.create<arith::SubFOp>(loc, c[1], h),
              b.create<arith::AddFOp>(loc, c[0], w),
              b.create<arith::AddFOp>(loc, c[1], h)};
    }
    // [y1, x1, y2, x2], any diagonal pair of corners.
    return {b.create<arith::MinimumFOp>(loc, c[1], c[3]),
            b.create<arith::MinimumFOp>(loc, c[0], c[2]),
            b.create<arith::MaximumFOp>(loc, c[1], c[3]),
            b.create<arith::MaximumFOp>(loc, c[0], c[2])};
  }

  /// The corners of box `i` of batch `batch` and its area.
  SmallVector<Value> geometry(OpBuilder &b, Location loc, Value batch,
                              Value i) const {
    SmallVector<Value> g = corners(b, loc, batch, i);
    Value w = b.create<arith::SubFOp>(loc, g[2], g[0]);
    Value h = b.create<arith::SubFOp>(loc, g[3], g[1]);
    g.push_back(b.create<arith::MulFOp>(loc, w, h));
    return g;
  }

  /// Whether boxes of geometries `p` and `q` overlap by more than
  /// `threshold` (IoU).
  static Value overlaps(OpBuilder &b, Location loc, ArrayRef<Value> p,
                        ArrayRef<Value> q, Value threshold) {
    auto sub = [&](Value x, Value y) -> Value {
      return b.create<arith::SubFOp>(loc, x, y);
    };
    auto mul = [&](Value x, Value y) -> Value {
      return b.create<arith::MulFOp>(loc, x, y);
    };
    auto gt = [&](Value x, Value y) -> Value {
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, y);
    };
    auto andI = [&](Value x, Value y) -> Value {
      return b.create<arith::AndIOp>(loc, x, y);
    };
    Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
    Value ix0 = b.create<arith::MaximumFOp>(loc, p[0], q[0]);
    Value iy0 = b.create<arith::MaximumFOp>(loc, p[1], q[1]);
    Value ix1 = b.create<arith::MinimumFOp>(loc, p[2], q[2]);
    Value iy1 = b.create<arith::MinimumFOp>(loc, p[3], q[3]);
    Value inter = mul(sub(ix1, ix0), sub(iy1, iy0));
    Value areaP = p[4], areaQ = q[4];
    Value uni = sub(b.create<arith::AddFOp>(loc, areaP, areaQ), inter);
    Value valid = andI(andI(gt(ix1, ix0), gt(iy1, iy0)),
                       andI(andI(gt(inter, zero), gt(uni, zero)),
                            andI(gt(areaP, zero), gt(areaQ, zero))));
    Value iou = b.create<arith::DivFOp>(loc, inter, uni);
    return andI(valid, gt(iou, threshold));
  }
};
} // namespace

/// The indices [0, n) of the boxes of `batch` and class `cls`, stably
/// sorted by decreasing score (ties: lower index first): a bottom-up merge
/// sort, runs of 1, 2, 4, ... merged between two buffers.
static Value sortByScore(OpBuilder &b, Location loc, Value scores, Value batch,
                         Value cls, Value n, RankedTensorType indicesType,
                         ValueRange sizes) {
  auto empty = [&](OpBuilder &eb, Location eloc) -> Value {
    return eb.create<tensor::EmptyOp>(eloc, indicesType, sizes);
  };
  Value iota =
      forLoop(b, loc, n, ValueRange{empty(b, loc)},
              [&](OpBuilder &lb, Location lloc, Value i, ValueRange acc) {
                return SmallVector<Value>{
                    lb.create<tensor::InsertOp>(lloc, i, acc[0], i)};
              })
          .front();
  Type indexType = b.getIndexType();
  auto loop = b.create<scf::WhileOp>(
      loc, TypeRange{indicesType, indicesType, indexType},
      ValueRange{iota, empty(b, loc), cIndex(b, loc, 1)},
      [&](OpBuilder &cb, Location cloc, ValueRange args) {
        Value more = cb.create<arith::CmpIOp>(cloc, arith::CmpIPredicate::ult,
                                              args[2], n);
        cb.create<scf::ConditionOp>(cloc, more, args);
      },
      [&](OpBuilder &wb, Location wloc, ValueRange args) {
        Value src = args[0], width = args[2];
        Value span = wb.create<arith::MulIOp>(wloc, width, cIndex(wb, wloc, 2));
        Value last = wb.create<arith::SubIOp>(wloc, n, cIndex(wb, wloc, 1));
        auto key = [&](OpBuilder &kb, Location kloc, Value index) -> Value {
          return kb.create<tensor::ExtractOp>(kloc, scores,
                                              ValueRange{batch, cls, index});
        };
        auto runs = wb.create<scf::ForOp>(
            wloc, cIndex(wb, wloc, 0), n, span, ValueRange{args[1]},
            [&](OpBuilder &rb, Location rloc, Value lo, ValueRange dst) {
              Value mid = rb.create<arith::MinUIOp>(
                  rloc, rb.create<arith::AddIOp>(rloc, lo, width), n);
              Value hi = rb.create<arith::MinUIOp>(
                  rloc, rb.create<arith::AddIOp>(rloc, lo, span), n);
              auto merge = rb.create<scf::ForOp>(
                  rloc, lo, hi, cIndex(rb, rloc, 1),
                  ValueRange{dst[0], lo, mid},
                  [&](OpBuilder &mb, Location mloc, Value k, ValueRange st) {
                    Value i = st[1], j = st[2];
                    // Both reads stay inside: past its run a side is not
                    // taken.
                    Value left = mb.create<tensor::ExtractOp>(
                        mloc, src,
                        mb.create<arith::MinUIOp>(mloc, i, last).getResult());
                    Value right = mb.create<tensor::ExtractOp>(
                        mloc, src,
                        mb.create<arith::MinUIOp>(mloc, j, last).getResult());
                    Value leftOpen = mb.create<arith::CmpIOp>(
                        mloc, arith::CmpIPredicate::ult, i, mid);
                    Value rightOpen = mb.create<arith::CmpIOp>(
                        mloc, arith::CmpIPredicate::ult, j, hi);
                    Value rightKey = key(mb, mloc, right);
                    Value leftKey = key(mb, mloc, left);
                    Value higher = mb.create<arith::CmpFOp>(
                        mloc, arith::CmpFPredicate::OGT, rightKey, leftKey);
                    Value leftDone = mb.create<arith::XOrIOp>(
                        mloc, leftOpen,
                        mb.create<arith::ConstantIntOp>(mloc, 1, 1));
                    Value takeRight = mb.create<arith::AndIOp>(
                        mloc, rightOpen,
                        mb.create<arith::OrIOp>(mloc, leftDone, higher));
                    Value v = mb.create<arith::SelectOp>(mloc, takeRight, right,
                                                         left);
                    Value out = mb.create<tensor::InsertOp>(mloc, v, st[0], k);
                    Value nextI = mb.create<arith::SelectOp>(
                        mloc, takeRight, i, increment(mb, mloc, i));
                    Value nextJ = mb.create<arith::SelectOp>(
                        mloc, takeRight, increment(mb, mloc, j), j);
                    mb.create<scf::YieldOp>(mloc,
                                            ValueRange{out, nextI, nextJ});
                  });
              rb.create<scf::YieldOp>(rloc, merge.getResult(0));
            });
        wb.create<scf::YieldOp>(wloc, ValueRange{runs.getResult(0), src, span});
      });
  return loop.getResult(0);
}

/// NonMaxSuppression: per batch and class, the boxes whose score passes the
/// threshold, taken by decreasing score (ties: lower index first) unless
/// one taken before overlaps it by more than the IoU threshold, at most
/// max_output_boxes_per_class of them; output rows [batch, class, box] in
/// that order. The boxes are sorted by score once (sortByScore), then each
/// is tested against those kept so far: O(n log n + n * kept) per class.
/// The counts of batches, classes and boxes may be known only at run time
/// (boxes kept by a score threshold before): the two inputs' are checked
/// equal per run.
LogicalResult aic::importer::importNonMaxSuppression(NodeImporter &imp) {
  FailureOr<Value> boxesIn = imp.getInput(0), scoresIn = imp.getInput(1);
  if (failed(boxesIn) || failed(scoresIn))
    return failure();
  auto boxesType = cast<RankedTensorType>(boxesIn->getType());
  auto scoresType = cast<RankedTensorType>(scoresIn->getType());
  auto differ = [](int64_t a, int64_t b) {
    return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
  };
  if (boxesType.getRank() != 3 || scoresType.getRank() != 3 ||
      boxesType.getDimSize(2) != 4 ||
      differ(scoresType.getDimSize(0), boxesType.getDimSize(0)) ||
      differ(scoresType.getDimSize(2), boxesType.getDimSize(1)))
    return imp.emitError() << "expects boxes [batches, boxes, 4] and scores "
                              "[batches, classes, boxes], got "
                           << formatShape(boxesType.getShape()) << " and "
                           << formatShape(scoresType.getShape());
  if (!boxesType.getElementType().isF32() ||
      !scoresType.getElementType().isF32())
    return imp.emitError() << "expects float32 boxes and scores";
  int64_t centerPoint = imp.getIntAttr("center_point_box", 0);
  if (centerPoint != 0 && centerPoint != 1)
    return imp.emitError() << "'center_point_box' must be 0 or 1, got "
                           << centerPoint;
  OpBuilder &b = imp.getBuilder();
  Location loc = imp.getLoc();
  Value maxOut = b.create<arith::ConstantIntOp>(loc, 0, 64);
  Value iouThreshold = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
  Value scoreThreshold;
  auto scalar = [&](int i, StringRef what, Type type, Value &out) {
    if (!imp.hasInput(i))
      return success();
    FailureOr<Value> v = getScalarInput(imp, i, what, type);
    if (failed(v))
      return failure();
    out = *v;
    return success();
  };
  if (failed(scalar(2, "max_output_boxes_per_class", b.getI64Type(), maxOut)) ||
      failed(scalar(3, "iou_threshold", b.getF32Type(), iouThreshold)) ||
      failed(scalar(4, "score_threshold", b.getF32Type(), scoreThreshold)))
    return failure();

  // The counts, checked equal where they are known only at run time.
  Value batches = buildDimValue(imp, *scoresIn, 0);
  Value classes = buildDimValue(imp, *scoresIn, 1);
  Value cn = buildDimValue(imp, *scoresIn, 2);
  for (auto [scoresDim, boxesDim, what] :
       {std::tuple<int64_t, int64_t, StringRef>{0, 0, "batches"},
        {2, 1, "boxes"}}) {
    if (!scoresType.isDynamicDim(scoresDim) &&
        !boxesType.isDynamicDim(boxesDim))
      continue;
    Value ofScores = scoresDim == 0 ? batches : cn;
    Value ofBoxes = buildDimValue(imp, *boxesIn, boxesDim);
    buildRuntimeCheck(
        imp,
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, ofScores, ofBoxes),
        "the counts of " + what.str() +
            " of the boxes and the scores differ at run time");
  }
  BoxSet boxSet{*boxesIn, centerPoint == 1};
  Value scores = *scoresIn;
  // At most every box of every batch and class is kept.
  Value pairs = imp.create<arith::MulIOp>(batches, classes);
  Value maxRows = imp.create<arith::MulIOp>(pairs, cn);
  bool isStatic = scoresType.hasStaticShape();
  int64_t n = scoresType.getDimSize(2);
  auto rowsType = RankedTensorType::get(
      {isStatic ? scoresType.getNumElements() : ShapedType::kDynamic, 3},
      b.getI64Type());
  SmallVector<Value> rowsSizes;
  if (!isStatic) {
    buildRuntimeSizeCheck(imp, rowsType, maxRows);
    rowsSizes.push_back(maxRows);
  }
  auto orderType = RankedTensorType::get({n}, b.getIndexType());
  auto keptBoxesType = RankedTensorType::get({n, 5}, b.getF32Type());
  SmallVector<Value> perBox;
  if (ShapedType::isDynamic(n))
    perBox.push_back(cn);

  SmallVector<Value> lbs(2, cIndex(b, loc, 0)), steps(2, cIndex(b, loc, 1));
  SmallVector<Value> ubs{batches, classes};
  auto nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps,
      ValueRange{imp.emptyTensor(rowsType, rowsSizes), cIndex(b, loc, 0)},
      [&](OpBuilder &nb, Location nloc, ValueRange bc,
          ValueRange rows) -> scf::ValueVector {
        Value batch = bc[0], cls = bc[1];
        Value order =
            sortByScore(nb, nloc, scores, batch, cls, cn, orderType, perBox);
        // The geometry of each box kept so far, one row each: the test of a
        // candidate reads them in order.
        Value kept = nb.create<tensor::EmptyOp>(nloc, keptBoxesType, perBox);
        // The boxes by decreasing score; one below the threshold, or past
        // the limit, changes nothing.
        SmallVector<Value> picks = forLoop(
            nb, nloc, cn,
            ValueRange{kept, cIndex(nb, nloc, 0), rows[0], rows[1]},
            [&](OpBuilder &rb, Location rloc, Value p, ValueRange st) {
              Value i = rb.create<tensor::ExtractOp>(rloc, order, p);
              Value open =
                  rb.create<arith::CmpIOp>(rloc, arith::CmpIPredicate::slt,
                                           toI64(rb, rloc, st[1]), maxOut);
              if (scoreThreshold) {
                Value s = rb.create<tensor::ExtractOp>(
                    rloc, scores, ValueRange{batch, cls, i});
                open = rb.create<arith::AndIOp>(
                    rloc, open,
                    rb.create<arith::CmpFOp>(rloc, arith::CmpFPredicate::OGT, s,
                                             scoreThreshold));
              }
              auto same = [&](OpBuilder &, Location) -> SmallVector<Value> {
                return {st[0], st[1], st[2], st[3]};
              };
              return ifElse(
                  rb, rloc, open,
                  [&](OpBuilder &tb, Location tloc) -> SmallVector<Value> {
                    SmallVector<Value> mine =
                        boxSet.geometry(tb, tloc, batch, i);
                    Value suppressed =
                        forLoop(
                            tb, tloc, st[1],
                            ValueRange{
                                tb.create<arith::ConstantIntOp>(tloc, 0, 1)},
                            [&](OpBuilder &lb, Location lloc, Value q,
                                ValueRange any) -> SmallVector<Value> {
                              SmallVector<Value> other;
                              for (int64_t k = 0; k < 5; ++k)
                                other.push_back(lb.create<tensor::ExtractOp>(
                                    lloc, st[0],
                                    ValueRange{q, cIndex(lb, lloc, k)}));
                              return {lb.create<arith::OrIOp>(
                                  lloc, any[0],
                                  BoxSet::overlaps(lb, lloc, mine, other,
                                                   iouThreshold))};
                            })
                            .front();
                    return ifElse(
                        tb, tloc, suppressed, same,
                        [&](OpBuilder &kb,
                            Location kloc) -> SmallVector<Value> {
                          Value keptNow = st[0];
                          for (auto [k, v] : llvm::enumerate(mine))
                            keptNow = kb.create<tensor::InsertOp>(
                                kloc, v, keptNow,
                                ValueRange{st[1], cIndex(kb, kloc, k)});
                          Value out = st[2];
                          Value fields[] = {batch, cls, i};
                          for (auto [k, field] : llvm::enumerate(fields))
                            out = kb.create<tensor::InsertOp>(
                                kloc, toI64(kb, kloc, field), out,
                                ValueRange{st[3], cIndex(kb, kloc, k)});
                          return {keptNow, increment(kb, kloc, st[1]), out,
                                  increment(kb, kloc, st[3])};
                        });
                  },
                  same);
            });
        return {picks[2], picks[3]};
      });
  imp.setOutput(0, takeFirst(b, loc, nest.results[0], 0, nest.results[1]));
  return success();
}
