//===- FoldConstants.cpp - Evaluate ops whose operands are constants ------===//
//
// Folds, at compile time, what the canonicalizer leaves: aic elementwise ops,
// elementwise linalg ops (the importer's shape arithmetic, transposes,
// broadcasts), slices and reshapes of constants stored as dense_resource
// blobs. Results are what the runtime computes: IEEE arithmetic in the
// element type (APFloat), and for the aic activations oneDNN's reference
// formulas in f32.
//
// Folded constants are materialized only up to `max-elements` elements
// (splats excepted): folding a transpose of a large weight would keep both
// copies in the compiler (and in the library, if the original has other
// users), for a saving the runtime makes once per inference anyway.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"
#include "passes/Utils/ConstantElements.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace aic {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {

/// Row-major linear index of `index` in `shape`.
static int64_t linearize(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t linear = 0;
  for (auto [i, dim] : llvm::zip_equal(index, shape))
    linear = linear * dim + i;
  return linear;
}

/// Fills `index` with the row-major position of `linear` in `shape`.
static void delinearize(int64_t linear, ArrayRef<int64_t> shape,
                        MutableArrayRef<int64_t> index) {
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    index[d] = shape[d] ? linear % shape[d] : 0;
    linear = shape[d] ? linear / shape[d] : 0;
  }
}

/// Computes element `i` of a folded constant (its bit pattern), or nothing
/// if it cannot be computed at compile time.
using ElementFn = function_ref<std::optional<APInt>(int64_t i)>;

/// The constant of `type` with elements fn(0), fn(1), ...: computed once
/// when every input is a splat, and only up to `maxElements` elements
/// otherwise. Null if fn fails or the result is too large.
static ElementsAttr foldElements(RankedTensorType type, bool splat,
                                 int64_t maxElements, Location loc,
                                 ElementFn fn) {
  if (!type.hasStaticShape())
    return {};
  if (splat && type.getNumElements() > 0) {
    std::optional<APInt> bits = fn(0);
    if (!bits)
      return {};
    return makeSplat(type, *bits);
  }
  if (type.getNumElements() > maxElements)
    return {};
  ElementsBuilder builder(type);
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    std::optional<APInt> bits = fn(i);
    if (!bits)
      return {};
    builder.setBits(i, *bits);
  }
  return builder.build(getNameHint(loc, "folded"));
}

//===----------------------------------------------------------------------===//
// aic elementwise ops
//===----------------------------------------------------------------------===//

/// Maps output elements to the elements of an operand that broadcasts to it
/// (numpy rules: missing leading dims and dims of size 1 repeat).
class BroadcastIndexer {
public:
  BroadcastIndexer(ArrayRef<int64_t> shape, ArrayRef<int64_t> outShape)
      : outShape(outShape), strides(outShape.size(), 0) {
    int64_t stride = 1;
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      int64_t outDim = d + outShape.size() - shape.size();
      strides[outDim] = shape[d] == 1 ? 0 : stride;
      stride *= shape[d];
    }
  }
  int64_t operator()(int64_t linear) const {
    int64_t result = 0;
    for (int64_t d = outShape.size() - 1; d >= 0; --d) {
      int64_t extent = outShape[d];
      result += (linear % extent) * strides[d];
      linear /= extent;
    }
    return result;
  }

private:
  ArrayRef<int64_t> outShape;
  SmallVector<int64_t> strides;
};

static std::optional<APFloat> applyBinary(BinaryKind kind, APFloat a,
                                          const APFloat &b) {
  constexpr auto rm = APFloat::rmNearestTiesToEven;
  switch (kind) {
  case BinaryKind::add:
    a.add(b, rm);
    return a;
  case BinaryKind::sub:
    a.subtract(b, rm);
    return a;
  case BinaryKind::mul:
    a.multiply(b, rm);
    return a;
  case BinaryKind::div:
    a.divide(b, rm);
    return a;
  case BinaryKind::max:
  case BinaryKind::min:
    // Which NaN (or which operand) oneDNN's max/min return for NaN depends
    // on the instruction set: leave those to the runtime.
    if (a.isNaN() || b.isNaN())
      return std::nullopt;
    return kind == BinaryKind::max ? llvm::maximum(a, b) : llvm::minimum(a, b);
  }
  return std::nullopt;
}

/// binary(constant, constant) without post-ops -> constant.
struct FoldBinary : public OpInterfaceRewritePattern<BinaryFunction> {
  FoldBinary(MLIRContext *ctx, int64_t maxElements)
      : OpInterfaceRewritePattern<BinaryFunction>(ctx),
        maxElements(maxElements) {}

  LogicalResult matchAndRewrite(BinaryFunction op,
                                PatternRewriter &rewriter) const override {
    Value output = op.getOutput();
    if (!output || !op.getPostOps().empty())
      return failure();
    auto type = cast<RankedTensorType>(output.getType());
    std::optional<ElementsReader> lhs = ElementsReader::of(op.getLhs());
    std::optional<ElementsReader> rhs = ElementsReader::of(op.getRhs());
    if (!lhs || !rhs || !isa<FloatType>(type.getElementType()))
      return failure();
    BroadcastIndexer lhsIndex(lhs->getType().getShape(), type.getShape());
    BroadcastIndexer rhsIndex(rhs->getType().getShape(), type.getShape());
    ElementsAttr folded =
        foldElements(type, lhs->isSplat() && rhs->isSplat(), maxElements,
                     op.getLoc(), [&](int64_t i) -> std::optional<APInt> {
                       std::optional<APFloat> r =
                           applyBinary(op.getKind(), lhs->getFloat(lhsIndex(i)),
                                       rhs->getFloat(rhsIndex(i)));
                       if (!r)
                         return std::nullopt;
                       return r->bitcastToAPInt();
                     });
    if (!folded)
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, folded);
    return success();
  }
  int64_t maxElements;
};

/// oneDNN's reference formula of an elementwise function (aic/abi.h
/// aic_eltwise_alg), evaluated in T.
template <typename T>
static T applyEltwise(EltwiseKind kind, T x, T alpha, T beta) {
  switch (kind) {
  case EltwiseKind::relu:
    // NaN stays NaN; with alpha 0, -inf gives 0 (not 0 * -inf).
    if (x > 0 || std::isnan(x))
      return x;
    return alpha == T(0) ? T(0) : x * alpha;
  case EltwiseKind::sigmoid:
    return T(1) / (T(1) + std::exp(-x));
  case EltwiseKind::tanh:
    return std::tanh(x);
  case EltwiseKind::exp:
    return std::exp(x);
  case EltwiseKind::clip:
    // IEEE max/min as ONNX's Clip: NaN stays NaN.
    if (std::isnan(x))
      return x;
    x = x > alpha ? x : alpha;
    return x > beta ? beta : x;
  case EltwiseKind::linear:
    return alpha * x + beta;
  case EltwiseKind::swish:
    return x / (T(1) + std::exp(-alpha * x));
  case EltwiseKind::hardswish: {
    T r = x + T(3);
    r = r < T(0) ? T(0) : r > T(6) ? T(6) : r;
    return x * r / T(6);
  }
  case EltwiseKind::gelu_erf:
    return T(0.5) * x * (T(1) + std::erf(x / std::sqrt(T(2))));
  case EltwiseKind::gelu_tanh: {
    T c = std::sqrt(T(2) / T(3.14159265358979323846));
    return T(0.5) * x * (T(1) + std::tanh(c * (x + T(0.044715) * x * x * x)));
  }
  case EltwiseKind::elu:
    return x > 0 ? x : alpha * std::expm1(x);
  case EltwiseKind::abs:
    return std::fabs(x);
  }
  return x;
}

/// unary(constant) -> constant. f64 is computed in double, every other float
/// type in f32 (oneDNN's accumulation type) and rounded.
struct FoldUnary : public OpInterfaceRewritePattern<EltwiseFunction> {
  FoldUnary(MLIRContext *ctx, int64_t maxElements)
      : OpInterfaceRewritePattern<EltwiseFunction>(ctx),
        maxElements(maxElements) {}

  LogicalResult matchAndRewrite(EltwiseFunction op,
                                PatternRewriter &rewriter) const override {
    Value output = op.getOutput();
    if (!output)
      return failure();
    auto type = cast<RankedTensorType>(output.getType());
    auto floatType = dyn_cast<FloatType>(type.getElementType());
    std::optional<ElementsReader> input = ElementsReader::of(op.getInput());
    if (!input || !floatType)
      return failure();
    EltwisePostOpAttr fn = op.getPostOp();
    double alpha = fn.getAlpha().convertToDouble();
    double beta = fn.getBeta().convertToDouble();
    ElementsAttr folded = foldElements(
        type, input->isSplat(), maxElements, op.getLoc(),
        [&](int64_t i) -> std::optional<APInt> {
          double x = input->getDouble(i);
          APFloat r(
              floatType.isF64()
                  ? applyEltwise<double>(fn.getKind(), x, alpha, beta)
                  : double(applyEltwise<float>(fn.getKind(), float(x),
                                               float(alpha), float(beta))));
          bool losesInfo;
          r.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                    &losesInfo);
          return r.bitcastToAPInt();
        });
    if (!folded)
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, folded);
    return success();
  }
  int64_t maxElements;
};

//===----------------------------------------------------------------------===//
// Reshapes and slices
//===----------------------------------------------------------------------===//

/// reshape(dense_resource constant) -> the same blob with the new shape.
/// Op folders already reshape inline constants; a blob is reinterpreted
/// without a copy, but only when the reshape is its single use, since two
/// constants over one blob would be stored twice in the library.
template <typename ReshapeOp>
struct FoldResourceReshape : public OpRewritePattern<ReshapeOp> {
  using OpRewritePattern<ReshapeOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Value source = op->getOperand(0);
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    Attribute attr;
    if (!type || !type.hasStaticShape() || !source.hasOneUse() ||
        !matchPattern(source, m_Constant(&attr)))
      return failure();
    ElementsAttr reshaped = reshapeResource(attr, type);
    if (!reshaped)
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, reshaped);
    return success();
  }
};

/// tensor.extract_slice(constant) -> constant. The canonicalizer folds
/// slices of splats; this folds the others, inline or blobs.
struct FoldExtractSlice : public OpRewritePattern<tensor::ExtractSliceOp> {
  FoldExtractSlice(MLIRContext *ctx, int64_t maxElements)
      : OpRewritePattern(ctx), maxElements(maxElements) {}

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<ElementsReader> source = ElementsReader::of(op.getSource());
    RankedTensorType type = op.getResultType();
    if (!source || source->isSplat() || !type.hasStaticShape() ||
        ShapedType::isDynamicShape(op.getStaticOffsets()) ||
        ShapedType::isDynamicShape(op.getStaticSizes()) ||
        ShapedType::isDynamicShape(op.getStaticStrides()))
      return failure();
    ArrayRef<int64_t> offsets = op.getStaticOffsets();
    ArrayRef<int64_t> strides = op.getStaticStrides();
    // The sizes before rank reduction: dropped unit dims do not change the
    // row-major order.
    ArrayRef<int64_t> sizes = op.getStaticSizes();
    ArrayRef<int64_t> sourceShape = source->getType().getShape();
    SmallVector<int64_t> index(sizes.size());
    ElementsAttr folded =
        foldElements(type, /*splat=*/false, maxElements, op.getLoc(),
                     [&](int64_t i) -> std::optional<APInt> {
                       delinearize(i, sizes, index);
                       for (auto [d, idx] : llvm::enumerate(index))
                         idx = offsets[d] + idx * strides[d];
                       return source->getInt(linearize(index, sourceShape));
                     });
    if (!folded)
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, folded);
    return success();
  }
  int64_t maxElements;
};

//===----------------------------------------------------------------------===//
// Elementwise linalg ops
//===----------------------------------------------------------------------===//

/// Evaluates the payload of a parallel linalg op on constants, one output
/// element at a time, with each payload op's own folder (so the arithmetic
/// is upstream's: APFloat/APInt in the element type).
class PayloadEvaluator {
public:
  explicit PayloadEvaluator(Block &body) : body(body) {}

  /// The yielded value for block arguments `args`, or null.
  Attribute evaluate(ArrayRef<Attribute> args) {
    env.clear();
    for (auto [arg, value] : llvm::zip(body.getArguments(), args))
      env[arg] = value;
    SmallVector<Attribute> operands;
    SmallVector<OpFoldResult> results;
    for (Operation &op : body.without_terminator()) {
      operands.clear();
      results.clear();
      for (Value v : op.getOperands()) {
        Attribute attr = lookup(v);
        if (!attr)
          return {};
        operands.push_back(attr);
      }
      // tensor.extract folds through ElementsAttr::getValues<Attribute>,
      // which a dense_resource does not provide (MLIR 19 dereferences
      // null): such a payload is not evaluated.
      if (isa<tensor::ExtractOp>(op) && !isa<DenseElementsAttr>(operands[0]))
        return {};
      if (failed(op.fold(operands, results)) ||
          results.size() != op.getNumResults())
        return {};
      for (auto [result, folded] : llvm::zip(op.getResults(), results)) {
        Attribute attr = dyn_cast<Attribute>(folded);
        // A folder returning the op's own result has updated it in place:
        // not a constant.
        if (!attr && cast<Value>(folded) != result)
          attr = lookup(cast<Value>(folded));
        if (!attr)
          return {};
        env[result] = attr;
      }
    }
    return lookup(body.getTerminator()->getOperand(0));
  }

private:
  Attribute lookup(Value v) {
    if (Attribute attr = env.lookup(v))
      return attr;
    Attribute attr;
    if (v.getParentBlock() != &body && matchPattern(v, m_Constant(&attr)))
      return attr;
    return {};
  }

  Block &body;
  DenseMap<Value, Attribute> env;
};

/// The bit pattern of a scalar int or float attribute of type `type`.
static std::optional<APInt> getScalarBits(Attribute attr, Type type) {
  if (auto f = dyn_cast_or_null<FloatAttr>(attr); f && f.getType() == type)
    return f.getValue().bitcastToAPInt();
  if (auto i = dyn_cast_or_null<IntegerAttr>(attr); i && i.getType() == type)
    return i.getValue();
  return std::nullopt;
}

static Attribute makeScalarAttr(Type type, const APInt &bits) {
  if (auto ft = dyn_cast<FloatType>(type))
    return FloatAttr::get(ft, APFloat(ft.getFloatSemantics(), bits));
  return IntegerAttr::get(type, bits);
}

/// A parallel linalg op (linalg.generic, linalg.transpose, linalg.broadcast,
/// linalg.fill, elementwise named ops) with one result that is no op's
/// destination, whose inputs are all constants and whose payload folds ->
/// constant. Indexing maps may permute, drop (broadcast) and fix (constant
/// index) dims; the output map is a permutation. Each element's payload
/// values are attributes: the size limit bounds what that costs.
struct FoldLinalgOp : public OpInterfaceRewritePattern<linalg::LinalgOp> {
  // Below upstream's transpose folder, which goes first where it applies.
  FoldLinalgOp(MLIRContext *ctx, int64_t maxElements)
      : OpInterfaceRewritePattern(ctx, /*benefit=*/0),
        maxElements(maxElements) {}

  /// One input: a tensor read through its indexing map, or a scalar.
  struct Input {
    std::optional<ElementsReader> tensor;
    Attribute scalar;
    AffineMap map;
  };

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
        op.getNumDpsInits() != 1 || op.hasIndexSemantics() ||
        op.getNumLoops() != op.getNumParallelLoops())
      return failure();
    OpOperand *init = op.getDpsInitOperand(0);
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    AffineMap outMap = op.getMatchingIndexingMap(init);
    if (!type || !type.hasStaticShape() ||
        op.payloadUsesValueFromOperand(init) || !outMap.isPermutation())
      return failure();
    Type elementType = type.getElementType();
    if (!elementType.isIntOrFloat())
      return failure();
    // A destination (typically linalg.fill's accumulator init) must be a
    // writable buffer: a constant would be copied into one at run time, and
    // stored in full in the library.
    for (OpOperand &use : op->getResult(0).getUses())
      if (auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner()))
        if (dps.isDpsInit(&use))
          return failure();
    Block *body = op.getBlock();
    for (Operation &bodyOp : body->without_terminator())
      if (bodyOp.getNumRegions() || !isMemoryEffectFree(&bodyOp))
        return failure();

    SmallVector<Input> inputs;
    bool splat = true;
    for (OpOperand *operand : op.getDpsInputOperands()) {
      Input in;
      in.map = op.getMatchingIndexingMap(operand);
      if (isa<ShapedType>(operand->get().getType())) {
        in.tensor = ElementsReader::of(operand->get());
        if (!in.tensor)
          return failure();
        splat &= in.tensor->isSplat();
        for (AffineExpr e : in.map.getResults())
          if (!isa<AffineDimExpr, AffineConstantExpr>(e))
            return failure();
      } else if (!matchPattern(operand->get(), m_Constant(&in.scalar))) {
        return failure();
      }
      inputs.push_back(std::move(in));
    }

    PayloadEvaluator evaluator(*body);
    SmallVector<int64_t> outIndex(type.getRank()), loops(op.getNumLoops());
    SmallVector<int64_t> inIndex;
    SmallVector<Attribute> args(body->getNumArguments());
    ElementsAttr folded = foldElements(
        type, splat, maxElements, op.getLoc(),
        [&](int64_t i) -> std::optional<APInt> {
          delinearize(i, type.getShape(), outIndex);
          for (auto [pos, idx] : llvm::enumerate(outIndex))
            loops[outMap.getDimPosition(pos)] = idx;
          for (auto [argNo, in] : llvm::enumerate(inputs)) {
            if (!in.tensor) {
              args[argNo] = in.scalar;
              continue;
            }
            ArrayRef<int64_t> shape = in.tensor->getType().getShape();
            inIndex.clear();
            for (auto [d, e] : llvm::enumerate(in.map.getResults())) {
              int64_t idx = isa<AffineDimExpr>(e)
                                ? loops[cast<AffineDimExpr>(e).getPosition()]
                                : cast<AffineConstantExpr>(e).getValue();
              if (idx < 0 || idx >= shape[d])
                return std::nullopt;
              inIndex.push_back(idx);
            }
            int64_t linear = linearize(inIndex, shape);
            Type et = in.tensor->getElementType();
            args[argNo] = makeScalarAttr(
                et, isa<FloatType>(et)
                        ? in.tensor->getFloat(linear).bitcastToAPInt()
                        : in.tensor->getInt(linear));
          }
          return getScalarBits(evaluator.evaluate(args), elementType);
        });
    if (!folded)
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, folded);
    return success();
  }
  int64_t maxElements;
};

/// A linalg.generic without loops (all of its operands of rank 0) computes
/// one element: its payload on the operands' scalars, then a
/// tensor.from_elements. The scalars then fold like any other arithmetic,
/// e.g. a dim that Gather takes out of a Shape, with a constant index.
struct ScalarizeRankZeroGeneric : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumLoops() != 0 || op->getNumResults() != 1 ||
        !op.hasPureTensorSemantics())
      return failure();
    Block &body = op.getRegion().front();
    if (!llvm::all_of(body.without_terminator(), [](Operation &nested) {
          return isMemoryEffectFree(&nested);
        }))
      return failure();
    Location loc = op.getLoc();
    IRMapping map;
    for (OpOperand &operand : op->getOpOperands()) {
      BlockArgument arg = op.getMatchingBlockArgument(&operand);
      if (!arg.use_empty())
        map.map(arg, rewriter.create<tensor::ExtractOp>(loc, operand.get(),
                                                        ValueRange{}));
    }
    for (Operation &nested : body.without_terminator())
      rewriter.clone(nested, map);
    Value yielded = map.lookupOrDefault(body.getTerminator()->getOperand(0));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(
        op, op->getResultTypes()[0], yielded);
    return success();
  }
};

struct FoldConstantsPass
    : public aic::impl::FoldConstantsBase<FoldConstantsPass> {
  using FoldConstantsBase::FoldConstantsBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    int64_t limit = maxElements;
    RewritePatternSet patterns(ctx);
    patterns.add<FoldBinary, FoldUnary, FoldExtractSlice>(ctx, limit);
    patterns.add<FoldResourceReshape<ReshapeOp>,
                 FoldResourceReshape<tensor::ExpandShapeOp>,
                 FoldResourceReshape<tensor::CollapseShapeOp>>(ctx);
    // Upstream folds transposes of inline constants (linalg.transpose or a
    // yield-only linalg.generic); it goes first, FoldLinalgOp does the rest.
    linalg::populateConstantFoldLinalgOperations(
        patterns, [limit](OpOperand *operand) {
          auto type =
              cast<ShapedType>(operand->getOwner()->getResultTypes()[0]);
          return type.hasStaticShape() && type.getNumElements() <= limit;
        });
    patterns.add<FoldLinalgOp>(ctx, limit);
    patterns.add<ScalarizeRankZeroGeneric>(ctx);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
