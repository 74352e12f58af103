//===- ContractionsToMatmuls.cpp - Tensor contractions as aic.matmul ------===//
//
// The importer builds an Einsum as one linalg.generic over the equation's
// labels, which becomes a scalar loop nest. When the equation is a batched
// matrix product in disguise ("bhid,bhjd->bhij" in attention, "bij,jk->bik"
// in a projection), each label is a batch, row, column or contracted dim,
// and the product runs as one oneDNN matmul: its operands are transposed
// where their dims are not already in [batch..., rows..., contracted...]
// (or [batch..., contracted..., columns...]) order, collapsed to 3-D (2-D
// without a batch) and multiplied, and the result is reshaped to the
// labels' dims and transposed to the output's order where needed. With
// run-time sizes (a symbolic batch or sequence), nothing is reshaped: the
// batch dims stay, and there must be one row, column and contracted label.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

namespace aic {
#define GEN_PASS_DEF_CONTRACTIONSTOMATMULS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {

/// Whether `op`'s body computes out + lhs * rhs (f32, in either order).
bool isMultiplyAccumulate(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 3)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  auto mul = dyn_cast<arith::MulFOp>(&body.front());
  if (!add || !mul || add->getBlock() != &body)
    return false;
  Value lhs = body.getArgument(0), rhs = body.getArgument(1),
        acc = body.getArgument(2);
  bool operands = (mul.getLhs() == lhs && mul.getRhs() == rhs) ||
                  (mul.getLhs() == rhs && mul.getRhs() == lhs);
  bool sum = (add.getLhs() == acc && add.getRhs() == mul) ||
             (add.getLhs() == mul && add.getRhs() == acc);
  // Fast-math flags would let the product be computed in another way than
  // oneDNN does; the importer sets none.
  return operands && sum && mul.getFastmath() == arith::FastMathFlags::none &&
         add.getFastmath() == arith::FastMathFlags::none;
}

/// Whether `init` is a tensor filled with zeros.
bool isZeroFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  return fill && matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
}

/// The loops `map` reads, in its order.
SmallVector<unsigned> loopsOf(AffineMap map) {
  SmallVector<unsigned> loops;
  for (unsigned i = 0; i < map.getNumResults(); ++i)
    loops.push_back(map.getDimPosition(i));
  return loops;
}

/// The permutation that makes `from` (loops, in an operand's order) into
/// `to` (the same loops in another order): to[i] = from[perm[i]].
SmallVector<int64_t> permutationTo(ArrayRef<unsigned> from,
                                   ArrayRef<unsigned> to) {
  SmallVector<int64_t> perm;
  for (unsigned loop : to)
    perm.push_back(llvm::find(from, loop) - from.begin());
  return perm;
}

bool isIdentity(ArrayRef<int64_t> perm) {
  for (auto [i, p] : llvm::enumerate(perm))
    if (p != static_cast<int64_t>(i))
      return false;
  return true;
}

struct ContractionToMatmul : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
        !op.hasPureTensorSemantics() || !isMultiplyAccumulate(op) ||
        !isZeroFill(op.getDpsInits()[0]))
      return failure();
    for (Value v :
         {op.getDpsInputs()[0], op.getDpsInputs()[1], op.getDpsInits()[0]}) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type || !type.getElementType().isF32())
        return failure();
    }
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    // Each operand reads each of its loops once, and no dim is broadcast
    // (a constant index) or a diagonal (a loop read twice).
    for (AffineMap map : maps)
      if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
        return failure();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<unsigned> lhsLoops = loopsOf(maps[0]),
                          rhsLoops = loopsOf(maps[1]),
                          outLoops = loopsOf(maps[2]);
    // Every loop is a batch (in all three), row (lhs and output), column
    // (rhs and output) or contracted (both operands) loop. Batch, row and
    // column loops in the output's order, contracted ones in lhs's.
    SmallVector<unsigned> batch, rows, cols, contracted;
    auto in = [](ArrayRef<unsigned> loops, unsigned l) {
      return llvm::is_contained(loops, l);
    };
    for (unsigned l : outLoops) {
      bool a = in(lhsLoops, l), b = in(rhsLoops, l);
      if (a && b)
        batch.push_back(l);
      else if (a)
        rows.push_back(l);
      else if (b)
        cols.push_back(l);
      else
        return failure();
    }
    for (unsigned l : lhsLoops)
      if (!in(outLoops, l)) {
        if (!in(rhsLoops, l))
          return failure();
        contracted.push_back(l);
      }
    if (batch.size() + rows.size() + cols.size() + contracted.size() !=
        ranges.size())
      return failure();
    // A product without rows and columns is a dot product per batch entry,
    // no matrix product: left to the loops.
    if (rows.empty() && cols.empty())
      return failure();
    // With static sizes, each group of loops collapses into one dim (the
    // batch into one, or none); with run-time sizes nothing is reshaped:
    // batch dims stay as they are, and there must be one row, one column
    // and one contracted loop.
    bool collapse = !llvm::any_of(ranges, ShapedType::isDynamic);
    if (!collapse &&
        (rows.size() != 1 || cols.size() != 1 || contracted.size() != 1))
      return failure();

    // The collapsed sizes (only used when collapsing); one that overflows
    // leaves the loops alone.
    bool overflow = false;
    auto product = [&](ArrayRef<unsigned> loops) {
      int64_t n = 1;
      if (collapse)
        for (unsigned l : loops)
          overflow |= llvm::MulOverflow(n, ranges[l], n);
      return n;
    };
    int64_t batchSize = product(batch), m = product(rows), n = product(cols),
            k = product(contracted);
    if (overflow)
      return failure();
    Location loc = op.getLoc();
    // An empty tensor over `loops`, run-time sizes read from an operand.
    auto emptyOver = [&](ArrayRef<unsigned> loops) -> Value {
      SmallVector<OpFoldResult> sizes;
      for (unsigned l : loops) {
        if (!ShapedType::isDynamic(ranges[l])) {
          sizes.push_back(rewriter.getIndexAttr(ranges[l]));
          continue;
        }
        unsigned input = in(lhsLoops, l) ? 0 : 1;
        ArrayRef<unsigned> read = input == 0 ? lhsLoops : rhsLoops;
        sizes.push_back(
            rewriter
                .create<tensor::DimOp>(loc, op.getDpsInputs()[input],
                                       llvm::find(read, l) - read.begin())
                .getResult());
      }
      return rewriter.create<tensor::EmptyOp>(loc, sizes,
                                              rewriter.getF32Type());
    };
    Type f32 = rewriter.getF32Type();
    auto concat = [](ArrayRef<unsigned> a, ArrayRef<unsigned> b,
                     ArrayRef<unsigned> c) {
      SmallVector<unsigned> all(a);
      all.append(b.begin(), b.end());
      all.append(c.begin(), c.end());
      return all;
    };
    auto shapeOf = [&](ArrayRef<unsigned> loops) {
      SmallVector<int64_t> shape;
      for (unsigned l : loops)
        shape.push_back(ranges[l]);
      return shape;
    };
    // An operand as a [batch, outer, inner] matrix stack (no batch dim
    // without batch loops), where (outer, inner) is (first, second) or,
    // with `transposed` set, (second, first): whichever order needs no
    // transpose, else the first after a transpose.
    auto matrices = [&](Value operand, ArrayRef<unsigned> loops,
                        ArrayRef<unsigned> first, int64_t firstSize,
                        ArrayRef<unsigned> second, int64_t secondSize,
                        bool &transposed) -> Value {
      SmallVector<unsigned> plain = concat(batch, first, second),
                            swapped = concat(batch, second, first);
      transposed = false;
      SmallVector<unsigned> order = plain;
      if (!isIdentity(permutationTo(loops, plain)) &&
          isIdentity(permutationTo(loops, swapped))) {
        transposed = true;
        order = swapped;
      }
      SmallVector<int64_t> perm = permutationTo(loops, order);
      if (!isIdentity(perm))
        operand = rewriter
                      .create<linalg::TransposeOp>(loc, operand,
                                                   emptyOver(order), perm)
                      ->getResult(0);
      if (!collapse)
        return operand;
      SmallVector<int64_t> shape;
      if (!batch.empty())
        shape.push_back(batchSize);
      shape.push_back(transposed ? secondSize : firstSize);
      shape.push_back(transposed ? firstSize : secondSize);
      auto type = RankedTensorType::get(shape, f32);
      if (type == operand.getType())
        return operand;
      return rewriter.create<ReshapeOp>(loc, type, operand).getResult();
    };
    bool transposeLhs, transposeRhs;
    Value lhs = matrices(op.getDpsInputs()[0], lhsLoops, rows, m, contracted, k,
                         transposeLhs);
    Value rhs = matrices(op.getDpsInputs()[1], rhsLoops, contracted, k, cols, n,
                         transposeRhs);
    SmallVector<unsigned> resultLoops = concat(batch, rows, cols);
    Value empty;
    if (collapse) {
      SmallVector<int64_t> shape;
      if (!batch.empty())
        shape.push_back(batchSize);
      shape.append({m, n});
      empty = rewriter.create<tensor::EmptyOp>(loc, shape, f32);
    } else {
      empty = emptyOver(resultLoops);
    }
    auto matmulType = cast<RankedTensorType>(empty.getType());
    Value result =
        rewriter
            .create<MatmulOp>(
                loc, matmulType, lhs, rhs, /*bias=*/Value(), ValueRange{},
                empty, transposeLhs ? rewriter.getUnitAttr() : UnitAttr(),
                transposeRhs ? rewriter.getUnitAttr() : UnitAttr(), FloatAttr())
            .getOutput();
    // Back to the labels' dims, then the output's order.
    auto labelsType = RankedTensorType::get(shapeOf(resultLoops), f32);
    if (labelsType != matmulType)
      result = rewriter.create<ReshapeOp>(loc, labelsType, result);
    SmallVector<int64_t> perm = permutationTo(resultLoops, outLoops);
    if (!isIdentity(perm))
      result = rewriter
                   .create<linalg::TransposeOp>(loc, result,
                                                emptyOver(outLoops), perm)
                   ->getResult(0);
    // The generic's result type may know a size its operands leave to the
    // run.
    Type type = op->getResult(0).getType();
    if (result.getType() != type)
      result = rewriter.create<tensor::CastOp>(loc, type, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ContractionsToMatmulsPass
    : public aic::impl::ContractionsToMatmulsBase<ContractionsToMatmulsPass> {
  using ContractionsToMatmulsBase::ContractionsToMatmulsBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ContractionToMatmul>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
