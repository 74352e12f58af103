//===- Matchers.cpp - Match imported elementwise computations -------------===//
#include "passes/Utils/Matchers.h"
#include "dialects/Aic/AicDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;

std::optional<double> aic::getSplatFloat(Value v) {
  DenseFPElementsAttr dense;
  if (!matchPattern(v, m_Constant(&dense)) || !dense.isSplat())
    return std::nullopt;
  return dense.getSplatValue<APFloat>().convertToDouble();
}

bool aic::nearlyEqual(double a, double b, double tolerance) {
  return std::abs(a - b) <= tolerance * std::max(std::abs(a), std::abs(b));
}

/// Whether `g` is elementwise: parallel loops, identity output map.
static bool isElementwise(linalg::GenericOp g) {
  return g.getNumDpsInits() == 1 && g->getNumResults() == 1 &&
         g.getNumReductionLoops() == 0 &&
         g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity();
}

/// The float constant the scalar `s` of `g`'s body stands for: an
/// arith.constant, or the element of a splat constant input.
static std::optional<double> getBodyConstant(linalg::GenericOp g, Value s) {
  FloatAttr attr;
  if (matchPattern(s, m_Constant(&attr)))
    return attr.getValueAsDouble();
  auto arg = dyn_cast<BlockArgument>(s);
  if (!arg || arg.getOwner() != g.getBody() ||
      arg.getArgNumber() >= g.getNumDpsInputs())
    return std::nullopt;
  return aic::getSplatFloat(g.getDpsInputs()[arg.getArgNumber()]);
}

/// The input of `g` of `type`, read through an identity map, whose element
/// the scalar `element` of `g`'s body is; null otherwise.
static Value getIdentityInput(linalg::GenericOp g, Value element, Type type) {
  auto arg = dyn_cast_or_null<BlockArgument>(element);
  if (!arg || arg.getOwner() != g.getBody() ||
      arg.getArgNumber() >= g.getNumDpsInputs())
    return {};
  OpOperand *input = g.getDpsInputOperand(arg.getArgNumber());
  if (input->get().getType() != type ||
      !g.getMatchingIndexingMap(input).isIdentity())
    return {};
  return input->get();
}

Value aic::matchHardSigmoid(Value v, double &alpha, double &beta) {
  auto g = v.getDefiningOp<linalg::GenericOp>();
  if (!g || !isElementwise(g))
    return {};
  Block *body = g.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getNumOperands() != 1)
    return {};
  // Of a binary op of `name` in `body` with a constant operand: the other
  // operand and the constant's value.
  auto binary = [&](Value r, StringRef name) -> std::pair<Value, double> {
    Operation *op = r.getDefiningOp();
    if (!op || op->getBlock() != body || op->getName().getStringRef() != name ||
        op->getNumOperands() != 2)
      return {};
    for (int k : {1, 0})
      if (std::optional<double> c = getBodyConstant(g, op->getOperand(k)))
        return {op->getOperand(1 - k), *c};
    return {};
  };
  auto [clamped, one] =
      binary(yield.getOperand(0), arith::MinimumFOp::getOperationName());
  if (!clamped || one != 1.0)
    return {};
  auto [sum, zero] = binary(clamped, arith::MaximumFOp::getOperationName());
  if (!sum || zero != 0.0)
    return {};
  auto [product, b] = binary(sum, arith::AddFOp::getOperationName());
  if (!product)
    return {};
  auto [element, a] = binary(product, arith::MulFOp::getOperationName());
  Value x = getIdentityInput(g, element, v.getType());
  if (!x)
    return {};
  alpha = a;
  beta = b;
  return x;
}

Value aic::matchElementwise(Value v, StringRef opName,
                            SmallVectorImpl<double> *constants) {
  auto g = v.getDefiningOp<linalg::GenericOp>();
  if (!g || !isElementwise(g))
    return {};
  Block *body = g.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Operation *payload = yield.getNumOperands() == 1
                           ? yield.getOperand(0).getDefiningOp()
                           : nullptr;
  if (!payload || payload->getBlock() != body ||
      payload->getName().getStringRef() != opName ||
      payload->getNumOperands() == 0)
    return {};
  // The first operand is the element of an input of v's type.
  Value input = getIdentityInput(g, payload->getOperand(0), v.getType());
  if (!input)
    return {};
  SmallVector<double> values;
  for (Value operand : payload->getOperands().drop_front()) {
    std::optional<double> c = getBodyConstant(g, operand);
    if (!c)
      return {};
    values.push_back(*c);
  }
  if (constants)
    constants->assign(values.begin(), values.end());
  return input;
}

Value aic::matchMeanOverLastDim(Value v) {
  auto vType = cast<ShapedType>(v.getType());
  // keepdims: a reshape, or with run-time dims an expand_shape, adding the
  // unit dim.
  if (auto reshape = v.getDefiningOp<ReshapeOp>())
    v = reshape.getInput();
  else if (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>())
    v = expand.getSrc();
  SmallVector<double> divisor;
  Value sum = matchElementwise(v, arith::DivFOp::getOperationName(), &divisor);
  auto reduce = sum ? sum.getDefiningOp<linalg::ReduceOp>() : nullptr;
  if (!reduce || reduce.getNumDpsInputs() != 1 ||
      reduce.getDimensions().size() != 1)
    return {};
  Value x = reduce.getDpsInputs()[0];
  auto xType = cast<ShapedType>(x.getType());
  int64_t rank = xType.getRank();
  if (rank < 1 || xType.isDynamicDim(rank - 1) ||
      reduce.getDimensions()[0] != rank - 1 ||
      !nearlyEqual(divisor[0], xType.getDimSize(rank - 1), 0))
    return {};
  // The sum starts from a fill of 0 and adds the elements.
  auto fill = reduce.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  FloatAttr zero;
  Block &body = reduce.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&zero)) ||
      !zero.getValue().isZero() || !add || add->getBlock() != &body ||
      !llvm::is_contained(add->getOperands(), body.getArgument(0)) ||
      !llvm::is_contained(add->getOperands(), body.getArgument(1)))
    return {};
  // The result keeps the reduced dim as 1.
  SmallVector<int64_t> kept(xType.getShape());
  kept.back() = 1;
  if (vType.getShape() != ArrayRef(kept) ||
      vType.getElementType() != xType.getElementType())
    return {};
  return x;
}

void aic::collectFactors(Value v, SmallVectorImpl<Value> &leaves,
                         double &constant) {
  SmallVector<Value> work{v};
  while (!work.empty()) {
    Value f = work.pop_back_val();
    if (std::optional<double> c = getSplatFloat(f)) {
      constant *= *c;
      continue;
    }
    auto mul = f.getDefiningOp<MulOp>();
    if (mul && mul.getPostOps().empty() && (f == v || f.hasOneUse())) {
      work.push_back(mul.getRhs());
      work.push_back(mul.getLhs());
      continue;
    }
    leaves.push_back(f);
  }
}
