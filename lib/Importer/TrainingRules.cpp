//===- TrainingRules.cpp - The ai.onnx.preview.training optimizers --------===//
//
// Adagrad, Adam and Momentum (domain ai.onnx.preview.training, version 1)
// update n tensors at once: inputs R (learning rate) and T (update count),
// then n tensors X, n gradients G and one or two groups of n accumulators
// (H; V; V and H); outputs the n new X and the new accumulators, group by
// group. The scalar factors that depend on R and T (decayed or
// bias-corrected rates, Momentum's first-step beta) are computed once in
// f64 and rounded to the tensors' type; each tensor of a group is then
// updated by one elementwise linalg.generic with a result per output, in
// the order of operations of the ONNX reference implementation.
//
// Gradient, of the same domain, is in GradientRules.cpp.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

namespace {
/// The operands of an optimizer node with `numGroups` tensor groups (X, G
/// and the accumulators): R and T as f64 and i64 scalars, and the tensors,
/// groups[k][i] being the i-th tensor of group k.
struct OptimizerOperands {
  Value rate;
  Value count;
  SmallVector<SmallVector<Value>> groups;
  int64_t size() const { return groups.front().size(); }
};
} // namespace

static FailureOr<OptimizerOperands> getOptimizerOperands(NodeImporter &imp,
                                                         int numGroups) {
  int numTensors = imp.getNumInputs() - 2;
  if (numTensors < numGroups || numTensors % numGroups != 0) {
    imp.emitError() << "expects R, T and " << numGroups
                    << " groups of as many tensors, got " << imp.getNumInputs()
                    << " inputs";
    return failure();
  }
  int64_t n = numTensors / numGroups;
  if (imp.getNode().output_size() != (numGroups - 1) * n) {
    imp.emitError() << "expects " << (numGroups - 1) * n << " outputs for " << n
                    << " updated tensors, got " << imp.getNode().output_size();
    return failure();
  }
  Builder &b = imp.getBuilder();
  OptimizerOperands operands;
  FailureOr<Value> rate = getScalarInput(imp, 0, "R", b.getF64Type());
  if (failed(rate))
    return failure();
  if (!isa<FloatType>(getElementTypeOrSelf(imp.getInputType(0)))) {
    imp.emitError() << "expects a float learning rate R";
    return failure();
  }
  if (imp.getInputElementType(1) != onnx::TensorProto::INT64) {
    imp.emitError() << "expects an int64 update count T";
    return failure();
  }
  FailureOr<Value> count = getScalarInput(imp, 1, "T", b.getI64Type());
  if (failed(count))
    return failure();
  operands.rate = *rate;
  operands.count = *count;
  operands.groups.resize(numGroups);
  for (int k = 0; k < numGroups; ++k) {
    for (int64_t i = 0; i < n; ++i) {
      int index = 2 + k * n + i;
      FailureOr<Value> tensor = imp.getInput(index);
      if (failed(tensor))
        return failure();
      Type type = tensor->getType();
      Type xType = k ? operands.groups[0][i].getType() : type;
      if (!getElementTypeOrSelf(type).isF32() &&
          !getElementTypeOrSelf(type).isF64()) {
        imp.emitError() << "input #" << index << " is not a float or double "
                        << "tensor";
        return failure();
      }
      if (type != xType) {
        imp.emitError() << "input #" << index << " of type " << type
                        << " does not match the updated tensor " << xType;
        return failure();
      }
      operands.groups[k].push_back(*tensor);
    }
  }
  // Each output has the type of the tensor it updates.
  for (int k = 0; k + 1 < numGroups; ++k) {
    for (int64_t i = 0; i < n; ++i) {
      FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
          k * n + i, cast<RankedTensorType>(operands.groups[0][i].getType()));
      if (failed(type))
        return failure();
    }
  }
  return operands;
}

/// A float attribute that the operator requires.
static FailureOr<double> getRequiredFloatAttr(NodeImporter &imp,
                                              StringRef name) {
  const onnx::AttributeProto *attr = imp.getAttr(name);
  if (!attr || !attr->has_f()) {
    imp.emitError() << "missing '" << name << "' attribute";
    return failure();
  }
  return attr->f();
}

/// Rounds an f64 scalar computed outside the loops to `type`.
static Value toElementType(NodeImporter &imp, Value scalar, Type type) {
  return convertScalar(imp.getBuilder(), imp.getLoc(), scalar, type,
                       /*fromUnsigned=*/false, /*toUnsigned=*/false);
}

/// f64 scalar constant at the node.
static Value f64Constant(NodeImporter &imp, double value) {
  return buildScalarConstant(imp.getBuilder(), imp.getLoc(),
                             imp.getBuilder().getF64Type(), value);
}

/// T > 0, as an i1.
static Value isPositiveCount(NodeImporter &imp, Value count) {
  Value zero = buildScalarConstant(imp.getBuilder(), imp.getLoc(),
                                   imp.getBuilder().getI64Type(), 0);
  return imp.create<arith::CmpIOp>(arith::CmpIPredicate::sgt, count, zero);
}

/// Computes the new values of tensor i of every group: an elementwise
/// linalg.generic over the group tensors, whose body `update` returns one
/// value per output group, in output order.
static void buildUpdate(
    NodeImporter &imp, const OptimizerOperands &operands, int64_t i,
    function_ref<SmallVector<Value>(ScalarBuilder &, ValueRange)> update) {
  SmallVector<Value> inputs;
  for (const SmallVector<Value> &group : operands.groups)
    inputs.push_back(group[i]);
  auto type = cast<RankedTensorType>(inputs.front().getType());
  int numOutputs = inputs.size() - 1;
  SmallVector<Value> inits;
  SmallVector<Type> resultTypes(numOutputs, type);
  for (int k = 0; k < numOutputs; ++k)
    inits.push_back(imp.emptyTensor(type));
  AffineMap identity = imp.getBuilder().getMultiDimIdentityMap(type.getRank());
  SmallVector<AffineMap> maps(inputs.size() + numOutputs, identity);
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = imp.create<linalg::GenericOp>(
      resultTypes, inputs, inits, maps, iterators,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        ScalarBuilder s(b, loc, type.getElementType());
        b.create<linalg::YieldOp>(loc,
                                  update(s, args.take_front(inputs.size())));
      });
  for (int k = 0; k < numOutputs; ++k)
    imp.setOutput(k * operands.size() + i, generic.getResult(k));
}

/// Adagrad: with r = R / (1 + T * decay_factor) and
/// G' = norm_coefficient * X + G,
///   H_new = H + G' * G',  X_new = X - r * G' / (sqrt(H_new) + epsilon).
static LogicalResult importAdagrad(NodeImporter &imp) {
  FailureOr<OptimizerOperands> operands = getOptimizerOperands(imp, 3);
  if (failed(operands))
    return failure();
  double decay = imp.getFloatAttr("decay_factor", 0.0f);
  double epsilon = imp.getFloatAttr("epsilon", 1e-6f);
  double norm = imp.getFloatAttr("norm_coefficient", 0.0f);
  Value count = imp.create<arith::SIToFPOp>(imp.getBuilder().getF64Type(),
                                            operands->count);
  // One statement per op: argument evaluation order is unspecified.
  Value decayed = imp.create<arith::MulFOp>(count, f64Constant(imp, decay));
  Value denominator = imp.create<arith::AddFOp>(f64Constant(imp, 1.0), decayed);
  Value rate = imp.create<arith::DivFOp>(operands->rate, denominator);
  for (int64_t i = 0; i < operands->size(); ++i) {
    Type et = getElementTypeOrSelf(operands->groups[0][i].getType());
    Value r = toElementType(imp, rate, et);
    buildUpdate(imp, *operands, i, [&](ScalarBuilder &s, ValueRange args) {
      Value x = args[0], g = args[1], h = args[2];
      Value regularized = s.add(s.mul(s.constant(norm), x), g);
      Value hNew = s.add(h, s.mul(regularized, regularized));
      Value root = s.getBuilder().create<math::SqrtOp>(s.getLoc(), hNew);
      Value adaptive = s.add(root, s.constant(epsilon));
      Value step = s.div(s.mul(r, regularized), adaptive);
      return SmallVector<Value>{s.sub(x, step), hNew};
    });
  }
  return success();
}

/// Momentum: with G' = norm_coefficient * X + G and beta' = beta if T > 0
/// else 1, V_new = alpha * V + beta' * G', and X_new = X - R * V_new
/// ("standard") or X - R * (G' + alpha * V_new) ("nesterov").
static LogicalResult importMomentum(NodeImporter &imp) {
  FailureOr<OptimizerOperands> operands = getOptimizerOperands(imp, 3);
  if (failed(operands))
    return failure();
  FailureOr<double> alpha = getRequiredFloatAttr(imp, "alpha");
  FailureOr<double> beta = getRequiredFloatAttr(imp, "beta");
  FailureOr<double> norm = getRequiredFloatAttr(imp, "norm_coefficient");
  if (failed(alpha) || failed(beta) || failed(norm))
    return failure();
  if (!imp.getAttr("mode"))
    return imp.emitError() << "missing 'mode' attribute";
  std::string mode = imp.getStringAttr("mode", "");
  if (mode != "standard" && mode != "nesterov")
    return imp.emitError() << "unknown mode '" << mode
                           << "' (expects 'standard' or 'nesterov')";
  bool nesterov = mode == "nesterov";
  // One statement per op: argument evaluation order is unspecified.
  Value one = f64Constant(imp, 1);
  Value betaConstant = f64Constant(imp, *beta);
  Value betaAdjusted = imp.create<arith::SelectOp>(
      isPositiveCount(imp, operands->count), betaConstant, one);
  for (int64_t i = 0; i < operands->size(); ++i) {
    Type et = getElementTypeOrSelf(operands->groups[0][i].getType());
    Value r = toElementType(imp, operands->rate, et);
    Value b = toElementType(imp, betaAdjusted, et);
    buildUpdate(imp, *operands, i, [&](ScalarBuilder &s, ValueRange args) {
      Value x = args[0], g = args[1], v = args[2];
      Value regularized = s.add(s.mul(s.constant(*norm), x), g);
      Value step = s.mul(b, regularized);
      Value vNew = s.add(s.mul(s.constant(*alpha), v), step);
      Value direction =
          nesterov ? s.add(regularized, s.mul(s.constant(*alpha), vNew)) : vNew;
      return SmallVector<Value>{s.sub(x, s.mul(r, direction)), vNew};
    });
  }
  return success();
}

/// Adam: with G' = norm_coefficient * X + G,
///   V_new = alpha * V + (1 - alpha) * G',
///   H_new = beta * H + (1 - beta) * G' * G',
///   R' = R * sqrt(1 - beta^T) / (1 - alpha^T) if T > 0 else R,
///   X_new = (1 - norm_coefficient_post) *
///           (X - R' * (V_new / (sqrt(H_new) + epsilon))).
static LogicalResult importAdam(NodeImporter &imp) {
  FailureOr<OptimizerOperands> operands = getOptimizerOperands(imp, 4);
  if (failed(operands))
    return failure();
  double alpha = imp.getFloatAttr("alpha", 0.9f);
  double beta = imp.getFloatAttr("beta", 0.999f);
  double epsilon = imp.getFloatAttr("epsilon", 1e-6f);
  double norm = imp.getFloatAttr("norm_coefficient", 0.0f);
  double normPost = imp.getFloatAttr("norm_coefficient_post", 0.0f);
  // R' in f64; pow handles any sign of alpha and beta for integral T.
  Value count = imp.create<arith::SIToFPOp>(imp.getBuilder().getF64Type(),
                                            operands->count);
  Value one = f64Constant(imp, 1.0);
  Value alphaPower =
      imp.create<math::PowFOp>(f64Constant(imp, alpha), count).getResult();
  Value betaPower =
      imp.create<math::PowFOp>(f64Constant(imp, beta), count).getResult();
  // One statement per op: argument evaluation order is unspecified.
  Value denominator = imp.create<arith::SubFOp>(one, alphaPower);
  Value numerator = imp.create<arith::SubFOp>(one, betaPower);
  Value root = imp.create<math::SqrtOp>(numerator);
  Value scaled = imp.create<arith::MulFOp>(operands->rate, root);
  Value corrected = imp.create<arith::DivFOp>(scaled, denominator);
  Value rate = imp.create<arith::SelectOp>(
      isPositiveCount(imp, operands->count), corrected, operands->rate);
  for (int64_t i = 0; i < operands->size(); ++i) {
    Type et = getElementTypeOrSelf(operands->groups[0][i].getType());
    Value r = toElementType(imp, rate, et);
    buildUpdate(imp, *operands, i, [&](ScalarBuilder &s, ValueRange args) {
      Value x = args[0], g = args[1], v = args[2], h = args[3];
      Value regularized = s.add(s.mul(s.constant(norm), x), g);
      Value newPart = s.mul(s.constant(1.0 - alpha), regularized);
      Value vNew = s.add(s.mul(s.constant(alpha), v), newPart);
      Value square = s.mul(regularized, regularized);
      Value newSquare = s.mul(s.constant(1.0 - beta), square);
      Value hNew = s.add(s.mul(s.constant(beta), h), newSquare);
      Value root = s.getBuilder().create<math::SqrtOp>(s.getLoc(), hNew);
      Value adaptive = s.add(root, s.constant(epsilon));
      Value xNew = s.sub(x, s.mul(r, s.div(vNew, adaptive)));
      Value xFinal = s.mul(s.constant(1.0 - normPost), xNew);
      return SmallVector<Value>{xFinal, vNew, hNew};
    });
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getTrainingRules() {
  using DT = onnx::TensorProto;
  // The main type is R's; the updated tensors are float or double too.
  constexpr TypeSet kTypes = typeBit(DT::FLOAT) | typeBit(DT::DOUBLE);
  static const OpRuleInfo rules[] = {
      {"Adagrad", importAdagrad, 1, kTypes, kTrainingDomain},
      {"Adam", importAdam, 1, kTypes, kTrainingDomain},
      {"Momentum", importMomentum, 1, kTypes, kTrainingDomain},
  };
  return rules;
}
