//===- LossRules.cpp - Import rules for loss operators --------------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (its log-softmax
// along the class dim, then the same loss). The per-element loss is one
// linalg.generic over the target's shape that reads the input at the
// target class (tensor.extract; a class outside [0, C) is clamped, as ONNX
// leaves it undefined) and the class weight; the "sum" and "mean"
// reductions are linalg.reduce ops.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

/// The sum of all elements of `tensor`, as a rank-0 tensor.
static Value buildTotal(NodeImporter &imp, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Type elementType = type.getElementType();
  ScalarBuilder outer(imp.getBuilder(), imp.getLoc(), elementType);
  Value init =
      buildFill(imp, RankedTensorType::get({}, elementType), outer.constant(0));
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d < type.getRank(); ++d)
    dims.push_back(d);
  return imp
      .create<linalg::ReduceOp>(
          ValueRange{tensor}, ValueRange{init}, dims,
          [&](OpBuilder &b, Location loc, ValueRange args) {
            ScalarBuilder s(b, loc, elementType);
            b.create<linalg::YieldOp>(loc, s.add(args[1], args[0]));
          })
      .getResult(0);
}

/// The loss of log-probabilities `input` [N, C, d...] against `target`
/// [N, d...] with the node's weight input `weightIndex` (if present),
/// ignore_index and reduction.
static FailureOr<Value> buildNLLLoss(NodeImporter &imp, Value input,
                                     Value target, int weightIndex) {
  auto inType = cast<RankedTensorType>(input.getType());
  auto targetType = cast<RankedTensorType>(target.getType());
  Type elementType = inType.getElementType();
  if (inType.getRank() < 2 || !isa<FloatType>(elementType)) {
    imp.emitError() << "expects a float input of rank >= 2";
    return failure();
  }
  SmallVector<int64_t> expected(inType.getShape());
  int64_t classes = expected[1];
  expected.erase(expected.begin() + 1);
  if (targetType.getShape() != ArrayRef<int64_t>(expected) ||
      !isa<IntegerType>(targetType.getElementType())) {
    imp.emitError() << "expects integer targets of shape "
                    << formatShape(expected);
    return failure();
  }
  if (classes == 0 && targetType.getNumElements() != 0) {
    imp.emitError() << "expects at least one class";
    return failure();
  }
  Value weight;
  if (imp.hasInput(weightIndex)) {
    FailureOr<Value> w = imp.getInput(weightIndex);
    if (failed(w))
      return failure();
    auto wType = cast<RankedTensorType>(w->getType());
    if (wType.getRank() != 1 || wType.getDimSize(0) != classes ||
        wType.getElementType() != elementType) {
      imp.emitError() << "expects weights of shape [" << classes << "]";
      return failure();
    }
    weight = *w;
  }
  std::optional<int64_t> ignore;
  if (imp.getAttr("ignore_index"))
    ignore = imp.getIntAttr("ignore_index", 0);
  std::string reduction = imp.getStringAttr("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean") {
    imp.emitError() << "unknown reduction '" << reduction << "'";
    return failure();
  }

  // loss[n, d] = -input[n, t, d] * w[t], and w[t] = 0 for ignored targets.
  auto lossType = RankedTensorType::get(targetType.getShape(), elementType);
  OpBuilder &b = imp.getBuilder();
  int64_t rank = targetType.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto perElement = imp.create<linalg::GenericOp>(
      TypeRange{lossType, lossType}, ValueRange{target},
      ValueRange{imp.emptyTensor(lossType), imp.emptyTensor(lossType)},
      ArrayRef<AffineMap>{identity, identity, identity}, iterators,
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        ScalarBuilder s(nb, loc, elementType);
        Value t =
            convertScalar(nb, loc, args[0], nb.getI64Type(), false, false);
        Value classIndex =
            nb.create<arith::IndexCastOp>(loc, nb.getIndexType(), t);
        Value zero = nb.create<arith::ConstantIndexOp>(loc, 0);
        Value last = nb.create<arith::ConstantIndexOp>(loc, classes - 1);
        Value atLeastZero = nb.create<arith::MaxSIOp>(loc, classIndex, zero);
        Value safe = nb.create<arith::MinSIOp>(loc, atLeastZero, last);
        SmallVector<Value> at{nb.create<linalg::IndexOp>(loc, 0), safe};
        for (int64_t d = 1; d < rank; ++d)
          at.push_back(nb.create<linalg::IndexOp>(loc, d));
        Value x = nb.create<tensor::ExtractOp>(loc, input, at);
        Value w =
            weight ? nb.create<tensor::ExtractOp>(loc, weight, safe).getResult()
                   : s.constant(1);
        if (ignore) {
          Value ignoreValue =
              nb.create<arith::ConstantOp>(loc, nb.getI64IntegerAttr(*ignore));
          Value ignored = nb.create<arith::CmpIOp>(
              loc, arith::CmpIPredicate::eq, t, ignoreValue);
          Value none = s.constant(0);
          w = s.select(ignored, none, w);
        }
        Value loss = s.neg(s.mul(x, w));
        nb.create<linalg::YieldOp>(loc, ValueRange{loss, w});
      });
  Value loss = perElement.getResult(0);
  if (reduction == "none")
    return loss;
  Value total = buildTotal(imp, loss);
  if (reduction == "sum")
    return total;
  Value weightTotal = buildTotal(imp, perElement.getResult(1));
  return buildElementwise(imp, RankedTensorType::get({}, elementType),
                          {total, weightTotal},
                          [&](OpBuilder &nb, Location loc, ValueRange args) {
                            ScalarBuilder s(nb, loc, elementType);
                            return s.div(args[0], args[1]);
                          });
}

static LogicalResult importNLLLoss(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0), target = imp.getInput(1);
  if (failed(input) || failed(target))
    return failure();
  FailureOr<Value> loss = buildNLLLoss(imp, *input, *target, 2);
  if (failed(loss))
    return failure();
  if (failed(imp.getOutputTypeOr(0, cast<RankedTensorType>(loss->getType()))))
    return failure();
  imp.setOutput(0, *loss);
  return success();
}

/// SoftmaxCrossEntropyLoss: log-softmax along the class dim (also the
/// optional log_prob output), then the NLL loss.
static LogicalResult importSoftmaxCrossEntropyLoss(NodeImporter &imp) {
  FailureOr<Value> scores = imp.getInput(0), labels = imp.getInput(1);
  if (failed(scores) || failed(labels))
    return failure();
  auto type = cast<RankedTensorType>(scores->getType());
  if (type.getRank() < 2 || !isa<FloatType>(type.getElementType()))
    return imp.emitError() << "expects float scores of rank >= 2";
  Value logProb = buildSoftmax(imp, *scores, 1, /*log=*/true);
  FailureOr<Value> loss = buildNLLLoss(imp, logProb, *labels, 2);
  if (failed(loss))
    return failure();
  if (failed(imp.getOutputTypeOr(0, cast<RankedTensorType>(loss->getType()))))
    return failure();
  imp.setOutput(0, *loss);
  imp.setOutput(1, logProb);
  return success();
}

ArrayRef<OpRuleInfo> aic::importer::getLossRules() {
  static const OpRuleInfo rules[] = {
      {"NegativeLogLikelihoodLoss", importNLLLoss, 12, types::kFloat},
      {"SoftmaxCrossEntropyLoss", importSoftmaxCrossEntropyLoss, 12,
       types::kFloat},
  };
  return rules;
}
