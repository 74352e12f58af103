//===- GradientRules.cpp - ai.onnx.preview.training Gradient --------------===//
//
// Gradient (version 1) outputs dY/dX for the values its attribute `xs`
// names, Y being the value `y` names, by reverse-mode differentiation of
// the nodes of the graph that compute Y from the X: the seed is a tensor of
// ones shaped like Y (the gradient of the sum of Y's elements, which for
// the usual scalar Y is dY/dX itself), each node's inputs receive its
// output's gradient times the node's partial derivatives, summed over the
// dims an input was broadcast along, and gradients reaching a value along
// several paths add up. The values `zs` names are held constant, and so
// are graph inputs and constants not among the X. An X that Y does not
// depend on gets zeros.
//
// The node's inputs must be the values xs and zs name, in that order: the
// gradient is taken where the graph computed them (ONNX also allows
// feeding other values, which would need the forward nodes recomputed).
// Differentiable operators: Add, Sub, Mul, Div, Neg, Identity, Relu,
// Sigmoid, Tanh, Exp, Log, Sqrt and 2-D MatMul, on float tensors; any other
// operator on the path from an X to Y is a one-line error naming its node.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

namespace {

using ScalarFn = llvm::function_ref<Value(ScalarBuilder &, ValueRange)>;

class Differentiator {
public:
  explicit Differentiator(NodeImporter &imp) : imp(imp) {}

  LogicalResult run();

private:
  /// Whether `name` depends on an X through differentiable values; records
  /// the nodes on such paths in `order`, producers before consumers.
  bool visit(llvm::StringRef name);
  LogicalResult backward(const onnx::NodeProto &node);
  /// Adds `grad` (shaped like the consumer's output) to the gradient of
  /// `name`, summed down to `name`'s shape.
  LogicalResult accumulate(llvm::StringRef name, Value grad);
  FailureOr<Value> forward(llvm::StringRef name) {
    return imp.getState().getValue(name, imp.getLoc());
  }
  /// An elementwise op of `type` over `inputs` (broadcast numpy-style).
  FailureOr<Value> elementwise(RankedTensorType type, ValueRange inputs,
                               ScalarFn fn);
  /// Sums `grad` over the dims `type` broadcasts along.
  Value sumTo(Value grad, RankedTensorType type);
  /// out[i, j] = sum_k lhs[...] * rhs[...], the maps giving the operand
  /// indices in the iteration space (i, j, k).
  Value contract(Value lhs, AffineMap lhsMap, Value rhs, AffineMap rhsMap,
                 RankedTensorType type);

  NodeImporter &imp;
  llvm::StringSet<> independent, constant;
  llvm::StringMap<bool> depends;
  llvm::SmallVector<const onnx::NodeProto *> order;
  llvm::DenseSet<const onnx::NodeProto *> ordered;
  llvm::StringMap<Value> grads;
};

} // namespace

static llvm::SmallVector<std::string> getStrings(NodeImporter &imp,
                                                 llvm::StringRef name) {
  llvm::SmallVector<std::string> strings;
  if (const onnx::AttributeProto *attr = imp.getAttr(name))
    for (const std::string &s : attr->strings())
      strings.push_back(s);
  return strings;
}

bool Differentiator::visit(llvm::StringRef name) {
  if (independent.contains(name))
    return true;
  if (name.empty() || constant.contains(name))
    return false;
  auto known = depends.find(name);
  if (known != depends.end())
    return known->second;
  depends[name] = false;
  const onnx::NodeProto *producer = imp.getState().findProducer(name);
  if (!producer)
    return false;
  bool any = false;
  for (const std::string &input : producer->input())
    any |= visit(input);
  depends[name] = any;
  if (any && ordered.insert(producer).second)
    order.push_back(producer);
  return any;
}

FailureOr<Value> Differentiator::elementwise(RankedTensorType type,
                                             ValueRange inputs, ScalarFn fn) {
  return buildElementwise(imp, type, inputs,
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            ScalarBuilder s(b, loc, type.getElementType());
                            return fn(s, args);
                          });
}

Value Differentiator::sumTo(Value grad, RankedTensorType type) {
  auto gradType = cast<RankedTensorType>(grad.getType());
  if (gradType == type)
    return grad;
  int64_t rank = gradType.getRank(), lead = rank - type.getRank();
  SmallVector<AffineExpr> kept;
  SmallVector<int64_t> keptShape;
  SmallVector<utils::IteratorType> iterators;
  MLIRContext *ctx = imp.getContext();
  for (int64_t i = 0; i < rank; ++i) {
    bool broadcast = i < lead || (type.getDimSize(i - lead) == 1 &&
                                  gradType.getDimSize(i) != 1);
    iterators.push_back(broadcast ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
    if (!broadcast) {
      kept.push_back(getAffineDimExpr(i, ctx));
      keptShape.push_back(gradType.getDimSize(i));
    }
  }
  auto sumType = RankedTensorType::get(keptShape, type.getElementType());
  Location loc = imp.getLoc();
  OpBuilder &b = imp.getBuilder();
  Value zero = buildFill(
      imp, sumType, buildScalarConstant(b, loc, type.getElementType(), 0.0));
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, kept, ctx)};
  auto sum = b.create<linalg::GenericOp>(
      loc, sumType, ValueRange{grad}, ValueRange{zero}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        ScalarBuilder s(nb, nl, type.getElementType());
        nb.create<linalg::YieldOp>(nl, s.add(args[1], args[0]));
      });
  return imp.reshapeTo(sum.getResult(0), type.getShape());
}

Value Differentiator::contract(Value lhs, AffineMap lhsMap, Value rhs,
                               AffineMap rhsMap, RankedTensorType type) {
  Location loc = imp.getLoc();
  OpBuilder &b = imp.getBuilder();
  MLIRContext *ctx = imp.getContext();
  Value zero = buildFill(
      imp, type, buildScalarConstant(b, loc, type.getElementType(), 0.0));
  AffineMap outMap = AffineMap::get(
      3, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx);
  auto op = b.create<linalg::GenericOp>(
      loc, type, ValueRange{lhs, rhs}, ValueRange{zero},
      SmallVector<AffineMap>{lhsMap, rhsMap, outMap},
      SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                       utils::IteratorType::parallel,
                                       utils::IteratorType::reduction},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        ScalarBuilder s(nb, nl, type.getElementType());
        nb.create<linalg::YieldOp>(nl, s.add(args[2], s.mul(args[0], args[1])));
      });
  return op.getResult(0);
}

LogicalResult Differentiator::accumulate(llvm::StringRef name, Value grad) {
  if (!depends.lookup(name) && !independent.contains(name))
    return success();
  FailureOr<Value> value = forward(name);
  if (failed(value))
    return failure();
  auto type = cast<RankedTensorType>(value->getType());
  Value summed = sumTo(grad, type);
  auto [it, inserted] = grads.try_emplace(name, summed);
  if (inserted)
    return success();
  FailureOr<Value> total = elementwise(
      type, {it->second, summed},
      [](ScalarBuilder &s, ValueRange a) { return s.add(a[0], a[1]); });
  if (failed(total))
    return failure();
  it->second = *total;
  return success();
}

LogicalResult Differentiator::backward(const onnx::NodeProto &node) {
  Value grad = node.output_size() == 1 ? grads.lookup(node.output(0)) : Value();
  if (!grad)
    return success();
  llvm::StringRef op = node.op_type();
  std::string where = "node '" +
                      (node.name().empty() ? node.output(0) : node.name()) +
                      "' (" + node.op_type() + ")";
  if (!normalizeDomain(node.domain()).empty())
    return imp.emitError() << "Gradient: cannot differentiate " << where
                           << " of domain '" << node.domain() << "'";
  SmallVector<Value> in;
  for (const std::string &name : node.input()) {
    if (name.empty())
      return imp.emitError() << "Gradient: cannot differentiate " << where
                             << " with an absent input";
    FailureOr<Value> value = forward(name);
    if (failed(value))
      return failure();
    in.push_back(*value);
  }
  FailureOr<Value> outValue = forward(node.output(0));
  if (failed(outValue))
    return failure();
  Value out = *outValue;
  auto outType = cast<RankedTensorType>(out.getType());
  auto both = [&](ScalarFn da, ScalarFn db) -> LogicalResult {
    FailureOr<Value> ga = elementwise(outType, {grad, in[0], in[1]}, da);
    FailureOr<Value> gb = elementwise(outType, {grad, in[0], in[1]}, db);
    if (failed(ga) || failed(gb) || failed(accumulate(node.input(0), *ga)))
      return failure();
    return accumulate(node.input(1), *gb);
  };
  auto unary = [&](ScalarFn d) -> LogicalResult {
    FailureOr<Value> g = elementwise(outType, {grad, in[0], out}, d);
    if (failed(g))
      return failure();
    return accumulate(node.input(0), *g);
  };
  // a[0] is the output's gradient, then the inputs (binary) or the input
  // and the output (unary).
  if (op == "Add")
    return both([](ScalarBuilder &, ValueRange a) { return a[0]; },
                [](ScalarBuilder &, ValueRange a) { return a[0]; });
  if (op == "Sub")
    return both([](ScalarBuilder &, ValueRange a) { return a[0]; },
                [](ScalarBuilder &s, ValueRange a) { return s.neg(a[0]); });
  if (op == "Mul")
    return both(
        [](ScalarBuilder &s, ValueRange a) { return s.mul(a[0], a[2]); },
        [](ScalarBuilder &s, ValueRange a) { return s.mul(a[0], a[1]); });
  if (op == "Div")
    return both(
        [](ScalarBuilder &s, ValueRange a) { return s.div(a[0], a[2]); },
        [](ScalarBuilder &s, ValueRange a) {
          return s.neg(s.div(s.mul(a[0], a[1]), s.mul(a[2], a[2])));
        });
  if (op == "Neg")
    return unary([](ScalarBuilder &s, ValueRange a) { return s.neg(a[0]); });
  if (op == "Identity")
    return unary([](ScalarBuilder &, ValueRange a) { return a[0]; });
  if (op == "Relu")
    return unary([](ScalarBuilder &s, ValueRange a) {
      return s.select(s.cmp(CmpKind::gt, a[1], s.constant(0.0)), a[0],
                      s.constant(0.0));
    });
  if (op == "Sigmoid")
    return unary([](ScalarBuilder &s, ValueRange a) {
      return s.mul(a[0], s.mul(a[2], s.sub(s.constant(1.0), a[2])));
    });
  if (op == "Tanh")
    return unary([](ScalarBuilder &s, ValueRange a) {
      return s.mul(a[0], s.sub(s.constant(1.0), s.mul(a[2], a[2])));
    });
  if (op == "Exp")
    return unary(
        [](ScalarBuilder &s, ValueRange a) { return s.mul(a[0], a[2]); });
  if (op == "Log")
    return unary(
        [](ScalarBuilder &s, ValueRange a) { return s.div(a[0], a[1]); });
  if (op == "Sqrt")
    return unary([](ScalarBuilder &s, ValueRange a) {
      return s.div(s.mul(a[0], s.constant(0.5)), a[2]);
    });
  if (op == "MatMul") {
    auto aType = cast<RankedTensorType>(in[0].getType());
    auto bType = cast<RankedTensorType>(in[1].getType());
    if (aType.getRank() != 2 || bType.getRank() != 2)
      return imp.emitError()
             << "Gradient: cannot differentiate " << where << " of rank "
             << aType.getRank() << " x " << bType.getRank() << " (only 2-D)";
    MLIRContext *ctx = imp.getContext();
    AffineExpr i = getAffineDimExpr(0, ctx), j = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    auto map = [&](AffineExpr r, AffineExpr c) {
      return AffineMap::get(3, 0, {r, c}, ctx);
    };
    // dA[i, j] = sum_k G[i, k] B[j, k]; dB[i, j] = sum_k A[k, i] G[k, j].
    Value ga = contract(grad, map(i, k), in[1], map(j, k), aType);
    Value gb = contract(in[0], map(k, i), grad, map(k, j), bType);
    if (failed(accumulate(node.input(0), ga)))
      return failure();
    return accumulate(node.input(1), gb);
  }
  return imp.emitError() << "Gradient: cannot differentiate " << where
                         << " (aic differentiates Add, Sub, Mul, Div, Neg, "
                            "Identity, Relu, Sigmoid, Tanh, Exp, Log, Sqrt "
                            "and 2-D MatMul)";
}

LogicalResult Differentiator::run() {
  llvm::SmallVector<std::string> xs = getStrings(imp, "xs"),
                                 zs = getStrings(imp, "zs");
  std::string y = imp.getStringAttr("y", "");
  if (xs.empty() || y.empty())
    return imp.emitError() << "Gradient needs the attributes xs and y";
  const onnx::NodeProto &node = imp.getNode();
  if (node.input_size() != static_cast<int>(xs.size() + zs.size()) ||
      node.output_size() > static_cast<int>(xs.size()))
    return imp.emitError() << "Gradient has " << node.input_size()
                           << " inputs and " << node.output_size()
                           << " outputs for " << xs.size() << " xs and "
                           << zs.size() << " zs";
  for (int i = 0; i < node.input_size(); ++i) {
    const std::string &name =
        i < static_cast<int>(xs.size()) ? xs[i] : zs[i - xs.size()];
    if (node.input(i) != name)
      return imp.emitError()
             << "Gradient input #" << i << " is '" << node.input(i)
             << "' but the attributes name '" << name
             << "' there; aic differentiates where the graph computes them";
  }
  if (!imp.getState().hasValue(y) && !imp.getState().getConstant(y))
    return imp.emitError() << "Gradient: y '" << y
                           << "' is not computed before the Gradient node";
  independent.insert(xs.begin(), xs.end());
  constant.insert(zs.begin(), zs.end());
  FailureOr<Value> yValue = forward(y);
  if (failed(yValue))
    return failure();
  auto yType = cast<RankedTensorType>(yValue->getType());
  if (!isa<FloatType>(yType.getElementType()))
    return imp.emitError() << "Gradient: y '" << y << "' is not a float tensor";
  visit(y);
  if (independent.contains(y) || depends.lookup(y)) {
    OpBuilder &b = imp.getBuilder();
    grads[y] = buildFill(
        imp, yType,
        buildScalarConstant(b, imp.getLoc(), yType.getElementType(), 1.0));
  }
  for (const onnx::NodeProto *forwardNode : llvm::reverse(order))
    if (failed(backward(*forwardNode)))
      return failure();
  for (int i = 0; i < node.output_size(); ++i) {
    if (node.output(i).empty())
      continue;
    Value grad = grads.lookup(xs[i]);
    if (!grad) {
      FailureOr<Value> x = forward(xs[i]);
      if (failed(x))
        return failure();
      auto type = cast<RankedTensorType>(x->getType());
      grad = buildFill(imp, type,
                       buildScalarConstant(imp.getBuilder(), imp.getLoc(),
                                           type.getElementType(), 0.0));
    }
    imp.setOutput(i, grad);
  }
  return success();
}

static LogicalResult importGradient(NodeImporter &imp) {
  return Differentiator(imp).run();
}

ArrayRef<OpRuleInfo> aic::importer::getGradientRules() {
  static const OpRuleInfo rules[] = {
      {"Gradient", importGradient, 1, types::kFloat, kTrainingDomain},
  };
  return rules;
}
