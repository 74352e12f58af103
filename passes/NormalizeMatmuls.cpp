//===- NormalizeMatmuls.cpp - Put matmuls in the form oneDNN runs fastest -===//
//
// Exporters wrap matmuls in data movement that costs more than it says:
// PyTorch's sequence-first attention transposes [1, S, D] activations to
// [S, 1, D] and multiplies them by a 2-D weight as S batches of one row. A
// transpose that moves only unit dims is a reshape (a view); a matmul whose
// batch dims belong to its left operand alone is one 2-D GEMM with the batch
// folded into M; a transpose whose last two dims are swapped becomes the
// matmul's own transpose flag; a scalar scale of an operand or of the result
// becomes the matmul's alpha; a head split of a slice of a fused Q/K/V
// projection is a strided view of the projection instead of a copy or, over
// a batch (whose heads merge with it into one dim without a stride), one
// transpose of that view instead of a copy and a transpose.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"
#include "passes/Utils/ConstantElements.h"
#include "passes/Utils/Matchers.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aic {
#define GEN_PASS_DEF_NORMALIZEMATMULS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
Value reshapeTo(PatternRewriter &rewriter, Location loc, Value v,
                ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return rewriter.create<ReshapeOp>(loc, type.clone(shape), v);
}

/// The reassociation that collapses the dims of a rank-`rank` shape before
/// the last into one: [[0, .., rank - 2], [rank - 1]].
SmallVector<ReassociationIndices> rowGroups(int64_t rank) {
  SmallVector<ReassociationIndices> groups(2);
  for (int64_t d = 0; d + 1 < rank; ++d)
    groups[0].push_back(d);
  groups[1].push_back(rank - 1);
  return groups;
}

/// `v` (rank >= 2) with its dims before the last collapsed into one: an
/// aic.reshape of a static shape, a tensor.collapse_shape (a view of a
/// dense buffer) of a run-time one.
Value collapseIntoRows(PatternRewriter &rewriter, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 2)
    return v;
  if (!type.hasStaticShape())
    return rewriter.create<tensor::CollapseShapeOp>(loc, v,
                                                    rowGroups(type.getRank()));
  int64_t last = type.getShape().back();
  return reshapeTo(rewriter, loc, v,
                   {type.getNumElements() / std::max<int64_t>(last, 1), last});
}

/// transpose(x) that keeps the order of x's non-unit dims -> reshape(x).
struct TransposeOfUnitDims : public OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    auto in = cast<RankedTensorType>(op.getInput().getType());
    if (!in.hasStaticShape())
      return failure();
    int64_t last = -1;
    for (int64_t d : op.getPermutation()) {
      if (in.getDimSize(d) == 1)
        continue;
      if (d < last)
        return failure();
      last = d;
    }
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getResult()[0].getType(),
                                           op.getInput());
    return success();
  }
};

/// A dim of the common refinement of a reshape's source and result: its
/// size, and the source and result dims it is part of.
struct FineDim {
  int64_t size;
  int64_t sourceDim, resultDim;
};

/// Refines one group of a reshape: source dims `a` (sizes `as`) and result
/// dims `b` (sizes `bs`) of equal product into dims that make up both, from
/// the innermost: equal static sizes match, a static size divisible by the
/// other splits, and a run-time dim matches only a run-time dim or, as the
/// last one left on its side, all that is left on the other. Appends them
/// to `fine` in order; fails where the sizes do not say how the dims split.
static LogicalResult refineGroup(ArrayRef<int64_t> a, ArrayRef<int64_t> as,
                                 ArrayRef<int64_t> b, ArrayRef<int64_t> bs,
                                 SmallVectorImpl<FineDim> &fine) {
  SmallVector<FineDim> reversed;
  int64_t ia = a.size() - 1, ib = b.size() - 1;
  int64_t ra = as[ia], rb = bs[ib];
  auto dynamic = [](int64_t v) { return ShapedType::isDynamic(v); };
  while (ia >= 0 && ib >= 0) {
    if (dynamic(ra) || dynamic(rb)) {
      if (ib == 0 && dynamic(rb)) {
        // The result's last dim is all the source has left.
        for (; ia >= 0; --ia, ra = ia >= 0 ? as[ia] : 0)
          reversed.push_back({ra, a[ia], b[0]});
        ib = -1;
      } else if (ia == 0 && dynamic(ra)) {
        for (; ib >= 0; --ib, rb = ib >= 0 ? bs[ib] : 0)
          reversed.push_back({rb, a[0], b[ib]});
        ia = -1;
      } else {
        return failure();
      }
      break;
    }
    if (ra == rb) {
      reversed.push_back({ra, a[ia], b[ib]});
      if (--ia >= 0)
        ra = as[ia];
      if (--ib >= 0)
        rb = bs[ib];
    } else if (rb != 0 && ra % rb == 0) {
      reversed.push_back({rb, a[ia], b[ib]});
      ra /= rb;
      if (--ib >= 0)
        rb = bs[ib];
    } else if (ra != 0 && rb % ra == 0) {
      reversed.push_back({ra, a[ia], b[ib]});
      rb /= ra;
      if (--ia >= 0)
        ra = as[ia];
    } else {
      return failure();
    }
  }
  // Unit dims left on one side join the outermost dim of the other.
  for (; ia >= 0; --ia) {
    if (as[ia] != 1)
      return failure();
    reversed.push_back({1, a[ia], b.front()});
  }
  for (; ib >= 0; --ib) {
    if (bs[ib] != 1)
      return failure();
    reversed.push_back({1, a.front(), b[ib]});
  }
  fine.append(reversed.rbegin(), reversed.rend());
  return success();
}

/// transpose(y, p) with y = expand(collapse(x)) (or a collapse alone, or a
/// static aic.reshape) and x a slice, y merging dims of x ->
/// collapse(transpose(expand(x), p')): the reshape regroups x's
/// dims, which a strided slice cannot do as a view (bufferization copies
/// it, then the transpose copies again); on the dims that make up both x's
/// and y's (their common refinement), x is split by a view, and the
/// transpose, moving y's dims as blocks of them, writes its dense result
/// once, which collapses as a view. This is the head split of a slice of a
/// fused Q/K/V projection over a batch ([S, B, 3D] -> [S, B, D] ->
/// [S, B*H, d] -> [B*H, S, d]), where the merged B*H dim has no stride.
struct TransposeOfSliceReshape : public OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    Value y = op.getInput(), x = y;
    auto xType = cast<RankedTensorType>(x.getType());
    auto yType = cast<RankedTensorType>(y.getType());
    auto all = [](int64_t rank) {
      SmallVector<ReassociationIndices, 4> groups(1);
      for (int64_t d = 0; d < rank; ++d)
        groups[0].push_back(d);
      return groups;
    };
    // The reshape as groups of x's dims that become groups of y's: of a
    // static aic.reshape, one group of all dims each.
    SmallVector<ReassociationIndices, 4> sourceGroups, resultGroups;
    if (auto reshape = y.getDefiningOp<ReshapeOp>()) {
      x = reshape.getInput();
      xType = cast<RankedTensorType>(x.getType());
      if (!xType.hasStaticShape() || !yType.hasStaticShape() ||
          xType.getRank() == 0 || yType.getRank() == 0)
        return failure();
      sourceGroups = all(xType.getRank());
      resultGroups = all(yType.getRank());
    } else {
      auto expand = x.getDefiningOp<tensor::ExpandShapeOp>();
      if (expand)
        x = expand.getSrc();
      auto collapse = x.getDefiningOp<tensor::CollapseShapeOp>();
      // Without a collapse, y is already a strided view of the slice.
      if (!collapse)
        return failure();
      x = collapse.getSrc();
      xType = cast<RankedTensorType>(x.getType());
      sourceGroups = collapse.getReassociationIndices();
      if (expand) {
        resultGroups = expand.getReassociationIndices();
      } else {
        for (int64_t d = 0; d < yType.getRank(); ++d)
          resultGroups.push_back({d});
      }
    }
    if (!x.getDefiningOp<tensor::ExtractSliceOp>())
      return failure();
    SmallVector<FineDim> fine;
    for (auto [a, b] : llvm::zip(sourceGroups, resultGroups)) {
      SmallVector<int64_t> as, bs;
      for (int64_t d : a)
        as.push_back(xType.getDimSize(d));
      for (int64_t d : b)
        bs.push_back(yType.getDimSize(d));
      if (failed(refineGroup(a, as, b, bs, fine)))
        return failure();
    }
    // Only where y merges dims of x (other than 1s): else y is a view of
    // the slice (SliceAfterReshape makes a static one so).
    bool merges =
        llvm::any_of(llvm::seq<int64_t>(0, yType.getRank()), [&](int64_t d) {
          int64_t from = -1;
          for (const FineDim &f : fine)
            if (f.resultDim == d && f.size != 1) {
              if (from >= 0 && from != f.sourceDim)
                return true;
              from = f.sourceDim;
            }
          return false;
        });
    if (!merges)
      return failure();
    // The refinement's dims, grouped by x's dims and by y's (contiguous).
    SmallVector<ReassociationIndices> byX(xType.getRank()),
        byY(yType.getRank());
    SmallVector<int64_t> fineShape;
    for (auto [k, f] : llvm::enumerate(fine)) {
      byX[f.sourceDim].push_back(k);
      byY[f.resultDim].push_back(k);
      fineShape.push_back(f.size);
    }
    // Bufferization (MLIR 19) cannot split one dim of x into several
    // run-time dims (it rebuilds the expand_shape from its result type).
    if (llvm::any_of(byX, [&](const ReassociationIndices &group) {
          return group.size() > 1 &&
                 llvm::count_if(group, [&](int64_t k) {
                   return ShapedType::isDynamic(fineShape[k]);
                 }) > 1;
        }))
      return failure();
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> fineSizes;
    for (auto [k, f] : llvm::enumerate(fine)) {
      if (!ShapedType::isDynamic(f.size)) {
        fineSizes.push_back(rewriter.getIndexAttr(f.size));
        continue;
      }
      // A run-time dim is a whole dim of x or of y.
      Value size =
          byX[f.sourceDim].size() == 1
              ? rewriter.create<tensor::DimOp>(loc, x, f.sourceDim).getResult()
              : rewriter.create<tensor::DimOp>(loc, y, f.resultDim).getResult();
      fineSizes.push_back(size);
    }
    auto fineType = RankedTensorType::get(fineShape, xType.getElementType());
    Value split = x;
    if (fineType.getRank() != xType.getRank())
      split = rewriter.create<tensor::ExpandShapeOp>(loc, fineType, x, byX,
                                                     fineSizes);
    SmallVector<int64_t> perm;
    SmallVector<OpFoldResult> movedSizes;
    SmallVector<ReassociationIndices> outGroups;
    for (int64_t d : op.getPermutation()) {
      outGroups.emplace_back();
      for (int64_t k : byY[d]) {
        outGroups.back().push_back(perm.size());
        perm.push_back(k);
        movedSizes.push_back(fineSizes[k]);
      }
    }
    Value init = rewriter.create<tensor::EmptyOp>(loc, movedSizes,
                                                  xType.getElementType());
    Value moved = rewriter.create<linalg::TransposeOp>(loc, split, init, perm)
                      ->getResult(0);
    Value result = moved;
    if (perm.size() != static_cast<size_t>(yType.getRank()))
      result = rewriter.create<tensor::CollapseShapeOp>(loc, moved, outGroups);
    Type want = op->getResult(0).getType();
    if (result.getType() != want)
      result = rewriter.create<tensor::CastOp>(loc, want, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A matmul operand transpose(x, p) whose permutation moves x's innermost
/// dim becomes transpose(x, p') with p' = p with its last two entries
/// swapped, and the matmul's transpose flag flips: the copy then moves
/// whole rows (or disappears when p' is the identity) and the matmul reads
/// the operand transposed through strides.
struct TransposeIntoFlag : public OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getOutput())
      return failure();
    for (int side = 0; side < 2; ++side) {
      OpOperand &operand = side == 0 ? op.getLhsMutable() : op.getRhsMutable();
      auto transpose = operand.get().getDefiningOp<linalg::TransposeOp>();
      if (!transpose || !transpose.hasPureTensorSemantics() ||
          !transpose->getResult(0).hasOneUse())
        continue;
      SmallVector<int64_t> perm(transpose.getPermutation());
      int64_t rank = perm.size();
      if (rank < 2 || perm.back() == rank - 1 || perm[rank - 2] != rank - 1)
        continue;
      std::swap(perm[rank - 2], perm[rank - 1]);
      Location loc = transpose.getLoc();
      rewriter.setInsertionPoint(transpose);
      Value input = transpose.getInput();
      auto inType = cast<RankedTensorType>(input.getType());
      if (!llvm::equal(perm, llvm::seq<int64_t>(0, rank))) {
        SmallVector<OpFoldResult> sizes;
        for (int64_t d : perm)
          sizes.push_back(tensor::getMixedSize(rewriter, loc, input, d));
        Value empty = rewriter.create<tensor::EmptyOp>(loc, sizes,
                                                       inType.getElementType());
        input = rewriter.create<linalg::TransposeOp>(loc, input, empty, perm)
                    ->getResult(0);
      }
      rewriter.modifyOpInPlace(op, [&] {
        operand.set(input);
        if (side == 0)
          op.setTransposeLhs(!op.getTransposeLhs());
        else
          op.setTransposeRhs(!op.getTransposeRhs());
      });
      rewriter.eraseOp(transpose);
      return success();
    }
    return failure();
  }
};

/// The factor `v` scales by when `op` is mul(v, c), mul(c, v) or div(v, c)
/// with c a splat constant that does not broadcast v, without post-ops.
std::optional<double> getScaleFactor(Operation *op, Value &scaled) {
  auto binary = dyn_cast_or_null<BinaryFunction>(op);
  if (!binary || !binary.getPostOps().empty() ||
      !isa<MulOp, DivOp>(binary.getOperation()))
    return std::nullopt;
  bool isDiv = isa<DivOp>(binary.getOperation());
  Type resultType = binary.getInit().getType();
  for (int side = 0; side < (isDiv ? 1 : 2); ++side) {
    Value x = side == 0 ? binary.getLhs() : binary.getRhs();
    Value c = side == 0 ? binary.getRhs() : binary.getLhs();
    std::optional<double> factor = getSplatFloat(c);
    if (!factor || x.getType() != resultType)
      continue;
    if (isDiv && *factor == 0)
      return std::nullopt;
    scaled = x;
    return isDiv ? 1.0 / *factor : *factor;
  }
  return std::nullopt;
}

/// matmul(x * c, y), matmul(x, y / c), ... -> matmul(x, y) with alpha
/// scaled; and s(matmul(x, y)) for such a scale s, on a matmul without bias
/// or post-ops, -> matmul with alpha scaled.
struct ScaleIntoAlpha : public OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    Value output = op.getOutput();
    if (!output || !cast<ShapedType>(output.getType()).getElementType().isF32())
      return failure();
    double alpha = op.getAlpha().convertToDouble();
    for (int side = 0; side < 2; ++side) {
      OpOperand &operand = side == 0 ? op.getLhsMutable() : op.getRhsMutable();
      Value scaled;
      std::optional<double> factor =
          getScaleFactor(operand.get().getDefiningOp(), scaled);
      if (!factor || !operand.get().hasOneUse())
        continue;
      Operation *scale = operand.get().getDefiningOp();
      rewriter.modifyOpInPlace(op, [&] {
        operand.set(scaled);
        op.setAlpha(APFloat(alpha * *factor));
      });
      rewriter.eraseOp(scale);
      return success();
    }
    if (op.getBias() || !op.getPostOps().empty() || !output.hasOneUse())
      return failure();
    Operation *user = *output.getUsers().begin();
    Value scaled;
    std::optional<double> factor = getScaleFactor(user, scaled);
    if (!factor || scaled != output)
      return failure();
    rewriter.modifyOpInPlace(op,
                             [&] { op.setAlpha(APFloat(alpha * *factor)); });
    rewriter.replaceOp(user, output);
    return success();
  }
};

/// How `v`, broadcast to a result of shape `outShape`, collapses when the
/// result's dims before the last collapse into rows.
enum class RowsForm {
  /// `v` broadcasts along all of them: it becomes [last] (a static shape).
  Vector,
  /// `v` has all of them: its own dims before the last collapse alike.
  Rows,
};

std::optional<RowsForm> getRowsForm(Value v, ArrayRef<int64_t> outShape) {
  auto type = cast<RankedTensorType>(v.getType());
  ArrayRef<int64_t> shape = type.getShape();
  if (shape.size() > outShape.size())
    return std::nullopt;
  SmallVector<int64_t> padded(outShape.size() - shape.size(), 1);
  padded.append(shape.begin(), shape.end());
  ArrayRef<int64_t> lead = ArrayRef(padded).drop_back();
  if (llvm::all_of(lead, [](int64_t d) { return d == 1; }))
    return type.hasStaticShape() ? std::optional(RowsForm::Vector)
                                 : std::nullopt;
  // A run-time dim against a run-time dim is the same size: aic checks
  // operands' run-time dims equal where it cannot prove them so, and never
  // broadcasts one.
  if (lead == outShape.drop_back() && shape.size() >= 2)
    return RowsForm::Rows;
  return std::nullopt;
}

/// matmul(a[b..., M, K], w[K, N]) -> reshape(matmul(a[b * M, K], w)): one
/// GEMM instead of a batch of small ones, on weights aic-assign-layouts can
/// pack. The bias and post operands collapse alike; those that broadcast
/// along only some batch dims keep the matmul batched. With run-time dims
/// the collapse is a tensor.collapse_shape and the reshape back a
/// tensor.expand_shape or tensor.reshape (PyTorch's sequence-first attention
/// over a symbolic batch multiplies [S, B, D] by its projection weights: S
/// batches of B rows without this).
struct CollapseBatchIntoRows : public OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    Value output = op.getOutput();
    if (!output || op.getTransposeLhs())
      return failure();
    auto outType = cast<RankedTensorType>(output.getType());
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
    int64_t rank = outType.getRank();
    if (rank < 3 || lhsType.getRank() != rank ||
        lhsType.getShape().drop_back(2) != outType.getShape().drop_back(2) ||
        !llvm::all_of(rhsType.getShape().drop_back(2),
                      [](int64_t d) { return d == 1; }))
      return failure();
    SmallVector<Value> extra;
    if (op.getBias())
      extra.push_back(op.getBias());
    extra.append(op.getPostOperands().begin(), op.getPostOperands().end());
    SmallVector<RowsForm> forms;
    for (Value v : extra) {
      std::optional<RowsForm> form = getRowsForm(v, outType.getShape());
      if (!form)
        return failure();
      forms.push_back(*form);
    }

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Value lhs = collapseIntoRows(rewriter, loc, op.getLhs());
    Value rhs =
        reshapeTo(rewriter, loc, op.getRhs(), rhsType.getShape().take_back(2));
    Value init = collapseIntoRows(rewriter, loc, op.getInit());
    SmallVector<Value> collapsed;
    for (auto [v, form] : llvm::zip(extra, forms))
      collapsed.push_back(
          form == RowsForm::Rows
              ? collapseIntoRows(rewriter, loc, v)
              : reshapeTo(rewriter, loc, v,
                          {cast<ShapedType>(v.getType()).getShape().back()}));
    auto matmul = cast<MatmulOp>(rewriter.clone(*op));
    matmul.getLhsMutable().assign(lhs);
    matmul.getRhsMutable().assign(rhs);
    matmul.getInitMutable().assign(init);
    ArrayRef<Value> rest(collapsed);
    if (op.getBias()) {
      matmul.getBiasMutable().assign(rest.front());
      rest = rest.drop_front();
    }
    matmul.getPostOperandsMutable().assign(rest);
    matmul.getOutput().setType(cast<RankedTensorType>(init.getType()));
    if (outType.hasStaticShape()) {
      rewriter.replaceOpWithNewOp<ReshapeOp>(op, outType, matmul.getOutput());
      return success();
    }
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, op.getInit());
    // MLIR 19 bufferizes an expand_shape by inferring its sizes, which
    // fails for two run-time dims in one group: then a tensor.reshape by
    // the sizes (both are views of the matmul's buffer).
    if (llvm::count_if(outType.getShape().drop_back(), ShapedType::isDynamic) <=
        1) {
      rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
          op, outType, matmul.getOutput(), rowGroups(rank), sizes);
      return success();
    }
    SmallVector<Value> dims;
    for (OpFoldResult size : sizes)
      dims.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
    Value shape = rewriter.create<tensor::FromElementsOp>(loc, dims);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, outType,
                                                   matmul.getOutput(), shape);
    return success();
  }
};

/// reshape(extract_slice(x)) with the slice a range of x's last dim that
/// the reshape splits (the Q, K or V third of a fused projection split into
/// heads), read only by linalg ops (loops, which take strided operands) ->
/// extract_slice(reshape(x)): the reshape of x is a view and the slice a
/// strided view, where reshaping the slice would copy it.
struct SliceAfterReshape : public OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto slice = op.getInput().getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice || !slice.hasUnitStride() ||
        !llvm::all_of(op->getUsers(),
                      [](Operation *u) { return isa<linalg::LinalgOp>(u); }))
      return failure();
    auto source = cast<RankedTensorType>(slice.getSource().getType());
    auto sliced = cast<RankedTensorType>(slice.getType());
    int64_t rank = source.getRank();
    if (!source.hasStaticShape() || sliced.getRank() != rank ||
        slice.getStaticOffsets().size() != static_cast<size_t>(rank))
      return failure();
    ArrayRef<int64_t> offsets = slice.getStaticOffsets();
    for (int64_t d = 0; d + 1 < rank; ++d)
      if (offsets[d] != 0 || sliced.getDimSize(d) != source.getDimSize(d))
        return failure();
    int64_t length = source.getShape().back(), size = sliced.getShape().back();
    int64_t offset = offsets.back();
    if (ShapedType::isDynamic(offset) || size <= 0 || length % size ||
        offset % size || size == length)
      return failure();
    // The result's shape is P ++ Q with Q the shortest suffix of `size`
    // elements: x is reshaped to P ++ [length / size] ++ Q and the slice
    // takes one index of the middle dim.
    ArrayRef<int64_t> shape = op.getType().getShape();
    int64_t split = shape.size(), product = 1;
    while (split > 0 && product < size)
      product *= shape[--split];
    if (product != size)
      return failure();
    SmallVector<int64_t> expanded(shape.take_front(split));
    expanded.push_back(length / size);
    expanded.append(shape.begin() + split, shape.end());
    Location loc = op.getLoc();
    Value whole = rewriter.create<ReshapeOp>(loc, op.getType().clone(expanded),
                                             slice.getSource());
    SmallVector<OpFoldResult> newOffsets(expanded.size(),
                                         rewriter.getIndexAttr(0));
    newOffsets[split] = rewriter.getIndexAttr(offset / size);
    SmallVector<OpFoldResult> sizes,
        strides(expanded.size(), rewriter.getIndexAttr(1));
    for (int64_t d : expanded)
      sizes.push_back(rewriter.getIndexAttr(d));
    sizes[split] = rewriter.getIndexAttr(1);
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, op.getType(), whole, newOffsets, sizes, strides);
    return success();
  }
};

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// A matmul by a constant 2-D f32 weight [K, N] without transposes, scale,
/// bias or post-ops: one that can share its left operand's pass with others.
bool isPlainWeightMatmul(MatmulOp op) {
  if (!op.getOutput() || op.getTransposeLhs() || op.getTransposeRhs() ||
      op.getBias() || !op.getPostOps().empty() ||
      op.getAlpha().convertToDouble() != 1.0)
    return false;
  auto rhs = cast<RankedTensorType>(op.getRhs().getType());
  std::optional<ElementsReader> w = ElementsReader::of(op.getRhs());
  return rhs.getRank() == 2 && rhs.getElementType().isF32() && w &&
         cast<RankedTensorType>(op.getOutput().getType()).hasStaticShape();
}

/// The constant vector over the last dim of `v`'s matmul that its single
/// user adds (aic.add without post-ops that keeps v's type), if any.
AddOp getBiasAdd(Value v) {
  if (!v.hasOneUse())
    return {};
  auto add = dyn_cast<AddOp>(*v.getUsers().begin());
  if (!add || !add.getPostOps().empty() ||
      add.getInit().getType() != v.getType())
    return {};
  Value bias = add.getLhs() == v ? add.getRhs() : add.getLhs();
  auto type = cast<ShapedType>(bias.getType());
  int64_t n = cast<ShapedType>(v.getType()).getShape().back();
  if (bias == v || type.getRank() != 1 || type.getDimSize(0) != n ||
      !ElementsReader::of(bias))
    return {};
  return add;
}

/// Matmuls of one left operand by constant weights (the Q, K and V
/// projections of exports that keep them apart) -> one matmul by the
/// weights side by side, each result a slice of it: one pass over the
/// operand and a wider GEMM. When each result gets a constant bias added,
/// the biases are merged too, so fusion makes them one post-op.
struct MergeSiblingMatmuls : public OpRewritePattern<MatmulOp> {
  // Before any sibling is collapsed into rows (a reshape of its own).
  MergeSiblingMatmuls(MLIRContext *ctx)
      : OpRewritePattern<MatmulOp>(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!isPlainWeightMatmul(op))
      return failure();
    Value lhs = op.getLhs();
    SmallVector<MatmulOp> siblings;
    for (Operation *user : lhs.getUsers()) {
      auto other = dyn_cast<MatmulOp>(user);
      if (other && other.getLhs() == lhs &&
          other->getBlock() == op->getBlock() && isPlainWeightMatmul(other) &&
          shapeOf(other.getOutput()).drop_back() ==
              shapeOf(op.getOutput()).drop_back() &&
          cast<ShapedType>(other.getRhs().getType()).getDimSize(0) ==
              cast<ShapedType>(op.getRhs().getType()).getDimSize(0) &&
          !llvm::is_contained(siblings, other))
        siblings.push_back(other);
    }
    if (siblings.size() < 2)
      return failure();
    llvm::sort(siblings,
               [](MatmulOp a, MatmulOp b) { return a->isBeforeInBlock(b); });
    // The merged matmul takes the place of the first.
    op = siblings.front();
    SmallVector<AddOp> adds;
    for (MatmulOp m : siblings)
      if (AddOp add = getBiasAdd(m.getOutput()))
        adds.push_back(add);
    bool mergeBias = adds.size() == siblings.size();

    auto outType = cast<RankedTensorType>(op.getOutput().getType());
    int64_t k = cast<ShapedType>(op.getRhs().getType()).getDimSize(0);
    int64_t total = 0;
    for (MatmulOp m : siblings)
      total += shapeOf(m.getOutput()).back();
    Type f32 = outType.getElementType();
    ElementsBuilder weights(RankedTensorType::get({k, total}, f32));
    ElementsBuilder bias(RankedTensorType::get({total}, f32));
    int64_t column = 0;
    for (auto [i, m] : llvm::enumerate(siblings)) {
      ElementsReader w = *ElementsReader::of(m.getRhs());
      int64_t n = w.getType().getDimSize(1);
      for (int64_t r = 0; r < k; ++r)
        for (int64_t c = 0; c < n; ++c)
          weights.copyElement(r * total + column + c, w, r * n + c);
      if (mergeBias) {
        Value b = adds[i].getLhs() == m.getOutput() ? adds[i].getRhs()
                                                    : adds[i].getLhs();
        ElementsReader br = *ElementsReader::of(b);
        for (int64_t c = 0; c < n; ++c)
          bias.copyElement(column + c, br, c);
      }
      column += n;
    }

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    std::string hint = getNameHint(op.getRhs().getLoc(), "merged");
    Value w = rewriter.create<arith::ConstantOp>(
        loc, weights.build(hint + ".merged"));
    SmallVector<int64_t> shape(outType.getShape());
    shape.back() = total;
    auto mergedType = outType.clone(shape);
    Value empty = rewriter.create<tensor::EmptyOp>(loc, shape, f32);
    auto merged = cast<MatmulOp>(rewriter.clone(*op));
    rewriter.modifyOpInPlace(merged, [&] {
      merged.getRhsMutable().assign(w);
      merged.getInitMutable().assign(empty);
      merged.getOutput().setType(mergedType);
    });
    Value result = merged.getOutput();
    if (mergeBias) {
      Value b = rewriter.create<arith::ConstantOp>(
          loc, bias.build(hint + ".merged_bias"));
      Value e = rewriter.create<tensor::EmptyOp>(loc, shape, f32);
      result =
          rewriter.create<AddOp>(loc, mergedType, result, b, ValueRange{}, e)
              .getOutput();
    }
    // All slices first: replacing the first sibling erases the op the
    // insertion point is at.
    column = 0;
    int64_t rank = outType.getRank();
    SmallVector<Value> slices;
    for (MatmulOp m : siblings) {
      auto type = cast<RankedTensorType>(m.getOutput().getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes,
          strides(rank, rewriter.getIndexAttr(1));
      for (int64_t d : type.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      offsets.back() = rewriter.getIndexAttr(column);
      slices.push_back(rewriter.create<tensor::ExtractSliceOp>(
          loc, type, result, offsets, sizes, strides));
      column += type.getShape().back();
    }
    for (auto [i, m] : llvm::enumerate(siblings)) {
      if (mergeBias)
        rewriter.replaceOp(adds[i], slices[i]);
      rewriter.replaceOp(m, slices[i]);
    }
    return success();
  }
};

struct NormalizeMatmulsPass
    : public aic::impl::NormalizeMatmulsBase<NormalizeMatmulsPass> {
  using NormalizeMatmulsBase::NormalizeMatmulsBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<TransposeOfUnitDims, TransposeOfSliceReshape,
                 TransposeIntoFlag, ScaleIntoAlpha, CollapseBatchIntoRows,
                 SliceAfterReshape, MergeSiblingMatmuls>(ctx);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
