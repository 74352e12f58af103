//===- InlineSmallMatmuls.cpp - Small matrix products as generated loops --===//
//
// A library call costs about a microsecond of fixed overhead (argument
// binding, oneDNN's dispatch), which dominates a product as small as the
// 1x64 by 64x256 step of a recurrent cell. This pass computes such products
// in generated code instead: per output row and block of 128 columns, a loop
// over k carries the block in vector registers and adds
// broadcast(lhs[m, k]) * rhs[k, block] with fused multiply-adds. A constant
// right operand given transposed ([N, K]) is transposed at compile time.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"
#include "passes/Utils/ConstantElements.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace aic {
#define GEN_PASS_DEF_INLINESMALLMATMULS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {

/// Output columns carried through the loop over k: eight AVX-512
/// registers, enough independent fused multiply-adds to hide their latency.
constexpr int64_t kBlock = 128;

/// The map from the (m, n) output space to `type`, a tensor that
/// broadcasts numpy-style to [M, N]: size-1 dims read index 0.
AffineMap broadcastMap(RankedTensorType type, ArrayRef<int64_t> outShape,
                       MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  int64_t rank = type.getRank(), offset = 2 - rank;
  for (int64_t i = 0; i < rank; ++i) {
    bool broadcast = type.getDimSize(i) == 1 && outShape[offset + i] != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(2, 0, exprs, ctx);
}

/// How many rows of `op`, a plain f32 2-D product, are small enough to
/// inline: 0 if none (or it is not such a product). Only M may be a
/// run-time dim; the caller then checks M against the bound per run.
int64_t inlinableRows(MatmulOp op, int64_t maxMacs) {
  if (!op.getOutput() || !op.getPostOps().empty())
    return 0;
  auto lhs = dyn_cast<RankedTensorType>(op.getLhs().getType());
  auto rhs = dyn_cast<RankedTensorType>(op.getRhs().getType());
  auto out = dyn_cast<RankedTensorType>(op.getOutput().getType());
  if (!lhs || !rhs || !out || lhs.getRank() != 2 || rhs.getRank() != 2 ||
      !rhs.hasStaticShape() || ShapedType::isDynamic(out.getDimSize(1)) ||
      !out.getElementType().isF32() || !lhs.getElementType().isF32() ||
      !rhs.getElementType().isF32())
    return 0;
  if (Value bias = op.getBias()) {
    auto type = dyn_cast<RankedTensorType>(bias.getType());
    if (!type || type.getRank() > 2 || !type.getElementType().isF32() ||
        (type.getRank() == 2 && type.isDynamicDim(0)))
      return 0;
  }
  // A transposed right operand would make the innermost loop stride; a
  // constant one is transposed at compile time instead.
  if (op.getTransposeRhs() && !ElementsReader::of(op.getRhs()))
    return 0;
  int64_t k = rhs.getDimSize(op.getTransposeRhs() ? 1 : 0);
  int64_t perRow = out.getDimSize(1) * k;
  if (perRow <= 0 || perRow > maxMacs)
    return 0;
  int64_t rows = out.getDimSize(0);
  if (ShapedType::isDynamic(rows))
    return maxMacs / perRow;
  return rows * perRow <= maxMacs ? rows : 0;
}

/// Per constant right operand and whether it is given transposed: its full
/// column blocks ([blocks, K, kBlock]) and its remaining columns ([K, tail],
/// null without any), made once.
using BlockedConstants =
    DenseMap<std::pair<Value, unsigned>, std::pair<Value, Value>>;

/// The constant `value` ([N, K]) transposed to [K, N], made once per value.
Value transposeConstant(Value value, OpBuilder &b,
                        DenseMap<Value, Value> &transposed) {
  Value &result = transposed[value];
  if (result)
    return result;
  ElementsReader reader = *ElementsReader::of(value);
  int64_t n = reader.getType().getDimSize(0);
  int64_t k = reader.getType().getDimSize(1);
  ElementsBuilder builder(
      RankedTensorType::get({k, n}, reader.getElementType()));
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j)
      builder.copyElement(i * n + j, reader, j * k + i);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfterValue(value);
  Location loc = value.getLoc();
  result = b.create<arith::ConstantOp>(
      loc, builder.build(getNameHint(loc, "weights") + "_kn"));
  return result;
}

/// Builds `op`'s product at `b` as: out = bias broadcast (or 0); out[m, n]
/// += a[m, k] * b[k, n] over (m, k, n); then out *= alpha unless alpha is
/// 1. `rows` is M.
Value buildInline(MatmulOp op, OpBuilder &b, Value rows,
                  DenseMap<Value, Value> &transposed,
                  BlockedConstants &blocked) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto outType = cast<RankedTensorType>(op.getOutput().getType());
  Type f32 = outType.getElementType();
  ArrayRef<int64_t> outShape = outType.getShape();
  auto parallel = utils::IteratorType::parallel;
  SmallVector<Value> dynamicRows;
  if (outType.isDynamicDim(0))
    dynamicRows.push_back(rows);
  Value init = b.create<tensor::EmptyOp>(loc, outShape, f32, dynamicRows);

  // The starting value: the bias, or zero.
  AffineMap outMap = b.getMultiDimIdentityMap(2);
  Value acc;
  if (Value bias = op.getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    acc =
        b.create<linalg::GenericOp>(
             loc, outType, bias, init,
             ArrayRef<AffineMap>{broadcastMap(biasType, outShape, ctx), outMap},
             ArrayRef<utils::IteratorType>{parallel, parallel},
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               nb.create<linalg::YieldOp>(nloc, args[0]);
             })
            .getResult(0);
  } else {
    Value zero = b.create<arith::ConstantOp>(loc, b.getZeroAttr(f32));
    acc = b.create<linalg::FillOp>(loc, zero, init).getResult(0);
  }

  // For each row m and each block of up to kBlock output columns, the
  // block is a vector carried through the loop over k in registers:
  // acc = fma(broadcast(lhs[m, k]), rhs[k, block], acc).
  bool transposedRhs = op.getTransposeRhs();
  int64_t cols = outShape[1];
  int64_t depth = cast<RankedTensorType>(op.getRhs().getType())
                      .getDimSize(transposedRhs ? 1 : 0);
  auto index = [&](int64_t v) {
    return b.create<arith::ConstantIndexOp>(loc, v).getResult();
  };
  Value zero = index(0), one = index(1);
  Value pad = b.create<arith::ConstantOp>(loc, b.getZeroAttr(f32));
  // One loop over the full blocks, then the remaining columns.
  int64_t full = cols / kBlock, tail = cols % kBlock;
  // Inside a loop (a recurrent cell's steps), odd iterations take the
  // blocks in reverse: the blocks of `rhs` the previous iteration read last
  // are still in L1 and are read first. Each column's sum keeps its order.
  Value reverse;
  if (auto steps = op->getParentOfType<scf::ForOp>(); steps && full >= 2) {
    Value iteration = b.create<arith::DivUIOp>(
        loc,
        b.create<arith::SubIOp>(loc, steps.getInductionVar(),
                                steps.getLowerBound()),
        steps.getStep());
    reverse = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq,
        b.create<arith::RemUIOp>(loc, iteration, index(2)), one);
  }
  // A constant right operand is stored block by block ([full, K, kBlock],
  // then the tail columns as [K, tail]), from its [K, N] or transposed
  // [N, K] form: a block is then one contiguous range that L1 holds whole,
  // where rows of kBlock columns a full row apart map to half of L1's sets.
  Value packed, tailRhs;
  std::optional<ElementsReader> constant;
  if (full > 0)
    constant = ElementsReader::of(op.getRhs());
  if (constant) {
    // Where element [k, j] of the [K, N] operand is stored.
    auto at = [&](int64_t k, int64_t j) {
      return transposedRhs ? j * depth + k : k * cols + j;
    };
    auto [it, inserted] =
        blocked.try_emplace({op.getRhs(), transposedRhs ? 1u : 0u});
    if (inserted) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointAfterValue(op.getRhs());
      Location rhsLoc = op.getRhs().getLoc();
      std::string name = getNameHint(rhsLoc, "weights");
      ElementsBuilder blocks(RankedTensorType::get({full, depth, kBlock}, f32));
      for (int64_t i = 0; i < full; ++i)
        for (int64_t k = 0; k < depth; ++k)
          for (int64_t j = 0; j < kBlock; ++j)
            blocks.copyElement((i * depth + k) * kBlock + j, *constant,
                               at(k, i * kBlock + j));
      it->second.first =
          b.create<arith::ConstantOp>(rhsLoc, blocks.build(name + "_blocked"));
      if (tail > 0) {
        ElementsBuilder rest(RankedTensorType::get({depth, tail}, f32));
        for (int64_t k = 0; k < depth; ++k)
          for (int64_t j = 0; j < tail; ++j)
            rest.copyElement(k * tail + j, *constant, at(k, full * kBlock + j));
        it->second.second =
            b.create<arith::ConstantOp>(rhsLoc, rest.build(name + "_tail"));
      }
    }
    packed = it->second.first;
    tailRhs = it->second.second;
  } else {
    // [K, N]: a constant given transposed is transposed at compile time.
    tailRhs = transposedRhs ? transposeConstant(op.getRhs(), b, transposed)
                            : op.getRhs();
  }
  auto rowLoop = b.create<scf::ForOp>(loc, zero, rows, one, acc);
  b.setInsertionPointToStart(rowLoop.getBody());
  Value m = rowLoop.getInductionVar();
  Value out = rowLoop.getRegionIterArgs().front();
  // Output columns [n, n + width), read from `source` at `at` (with the
  // row k inserted before the last index): a block of `packed`, or columns
  // of a [K, *] operand.
  auto block = [&](Value current, Value n, int64_t width, Value source,
                   SmallVector<Value> at) -> Value {
    auto vecType = VectorType::get({width}, f32);
    SmallVector<bool> inBounds{true};
    Value init = b.create<vector::TransferReadOp>(
        loc, vecType, current, ValueRange{m, n},
        AffineMapAttr::get(AffineMap::get(2, 0, b.getAffineDimExpr(1), ctx)),
        pad, Value(), b.getBoolArrayAttr(inBounds));
    auto kLoop = b.create<scf::ForOp>(loc, zero, index(depth), one, init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k = kLoop.getInductionVar();
    Value a = b.create<tensor::ExtractOp>(
        loc, op.getLhs(),
        op.getTransposeLhs() ? ValueRange{k, m} : ValueRange{m, k});
    Value splat = b.create<vector::BroadcastOp>(loc, vecType, a);
    at.insert(std::prev(at.end()), k);
    Value row = b.create<vector::TransferReadOp>(
        loc, vecType, source, at,
        AffineMapAttr::get(AffineMap::getMinorIdentityMap(at.size(), 1, ctx)),
        pad, Value(), b.getBoolArrayAttr(inBounds));
    Value sum = b.create<vector::FMAOp>(loc, splat, row,
                                        kLoop.getRegionIterArgs().front());
    b.create<scf::YieldOp>(loc, sum);
    b.setInsertionPointAfter(kLoop);
    return b
        .create<vector::TransferWriteOp>(loc, kLoop.getResult(0), current,
                                         ValueRange{m, n}, ArrayRef<bool>{true})
        .getResult();
  };
  if (full > 0) {
    auto blocks = b.create<scf::ForOp>(loc, zero, index(full), one, out);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(blocks.getBody());
    Value i = blocks.getInductionVar();
    if (reverse)
      i = b.create<arith::SelectOp>(
          loc, reverse, b.create<arith::SubIOp>(loc, index(full - 1), i), i);
    Value n = b.create<arith::MulIOp>(loc, i, index(kBlock));
    b.create<scf::YieldOp>(loc, packed
                                    ? block(blocks.getRegionIterArgs().front(),
                                            n, kBlock, packed, {i, zero})
                                    : block(blocks.getRegionIterArgs().front(),
                                            n, kBlock, tailRhs, {n}));
    b.setInsertionPointAfter(blocks);
    out = blocks.getResult(0);
  }
  if (tail > 0)
    out = block(out, index(full * kBlock), tail, tailRhs,
                {packed ? zero : index(full * kBlock)});
  b.create<scf::YieldOp>(loc, out);
  b.setInsertionPointAfter(rowLoop);
  acc = rowLoop.getResult(0);

  double alpha = op.getAlpha().convertToDouble();
  if (alpha != 1.0) {
    Value scale = b.create<arith::ConstantOp>(loc, b.getFloatAttr(f32, alpha));
    acc = b.create<linalg::GenericOp>(
               loc, outType, ValueRange{}, acc, ArrayRef<AffineMap>{outMap},
               ArrayRef<utils::IteratorType>{parallel, parallel},
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 Value r = nb.create<arith::MulFOp>(nloc, args[0], scale);
                 nb.create<linalg::YieldOp>(nloc, r);
               })
              .getResult(0);
  }
  return acc;
}

/// Replaces `op` by its product computed inline. With a run-time M, the
/// library call stays for runs with more than `maxRows` rows:
///   %y = scf.if (M <= maxRows) { inline } else { aic.matmul }
void inlineMatmul(MatmulOp op, int64_t maxRows,
                  DenseMap<Value, Value> &transposed,
                  BlockedConstants &blocked) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Value output = op.getOutput();
  auto outType = cast<RankedTensorType>(output.getType());
  if (!outType.isDynamicDim(0)) {
    Value rows = b.create<arith::ConstantIndexOp>(loc, outType.getDimSize(0));
    output.replaceAllUsesWith(buildInline(op, b, rows, transposed, blocked));
    op.erase();
    return;
  }
  Value rows =
      b.create<tensor::DimOp>(loc, op.getLhs(), op.getTransposeLhs() ? 1 : 0);
  Value small =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ule, rows,
                              b.create<arith::ConstantIndexOp>(loc, maxRows));
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{outType}, small,
                                  /*addThenBlock=*/true,
                                  /*addElseBlock=*/true);
  output.replaceAllUsesWith(ifOp.getResult(0));
  b.setInsertionPointToStart(ifOp.thenBlock());
  b.create<scf::YieldOp>(loc, buildInline(op, b, rows, transposed, blocked));
  b.setInsertionPointToStart(ifOp.elseBlock());
  auto yield = b.create<scf::YieldOp>(loc, output);
  op->moveBefore(yield);
}

struct InlineSmallMatmulsPass
    : aic::impl::InlineSmallMatmulsBase<InlineSmallMatmulsPass> {
  using InlineSmallMatmulsBase::InlineSmallMatmulsBase;
  void runOnOperation() override {
    SmallVector<std::pair<MatmulOp, int64_t>> small;
    getOperation().walk([&](MatmulOp op) {
      if (int64_t rows = inlinableRows(op, maxMacs))
        small.push_back({op, rows});
    });
    DenseMap<Value, Value> transposed;
    BlockedConstants blocked;
    for (auto [op, rows] : small)
      inlineMatmul(op, rows, transposed, blocked);
  }
};

} // namespace
