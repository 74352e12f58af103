//===- ExpandMath.cpp - Decide how float math ops are computed ------------===//
//
// The generated loops would call libm for exp, tanh, erf, ... one scalar at a
// time, which keeps LLVM from vectorizing them (a sigmoid or GELU loop spends
// most of its time in those calls). This pass replaces the f32 (and, computed
// in f32, f16/bf16) math ops whose upstream polynomial approximations are
// accurate to a few ulp by those approximations, which are plain arith and
// vectorize. The approximations of log assume normal operands, so f32 and
// bf16 subnormals are scaled into the normal range first. Separately, f64 expm1
// and log1p become libm calls: the math-to-LLVM conversion would compute
// them as exp(x) - 1 and log(1 + x), losing every digit near 0.
//
//===----------------------------------------------------------------------===//
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace aic {
#define GEN_PASS_DEF_EXPANDMATH
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;

namespace {

/// The ops approximated: those whose upstream approximation stays within a
/// few ulp of libm over the whole f32 range (test/e2e/math-accuracy.test).
bool isApproximated(Operation *op) {
  return isa<math::ExpOp, math::ExpM1Op, math::TanhOp, math::ErfOp, math::LogOp,
             math::Log1pOp, math::Log2Op>(op);
}

Type elementType(Operation *op) {
  return getElementTypeOrSelf(op->getResult(0).getType());
}

Value floatConstant(OpBuilder &b, Location loc, Type type, double value) {
  auto attr = b.getFloatAttr(getElementTypeOrSelf(type), value);
  if (auto shaped = dyn_cast<ShapedType>(type))
    return b.create<arith::ConstantOp>(loc,
                                       DenseElementsAttr::get(shaped, attr));
  return b.create<arith::ConstantOp>(loc, attr);
}

/// log(x) of an f32 or bf16 subnormal x as log(x * 2^24) - 24 ln 2 (log2: -
/// 24), so that the approximation, which reads the exponent bits, sees a normal
/// number. Returns the new log op.
Operation *guardSubnormals(Operation *log) {
  OpBuilder b(log);
  Location loc = log->getLoc();
  Value x = log->getOperand(0);
  Type type = x.getType();
  Value smallest =
      floatConstant(b, loc, type, std::ldexp(1.0, -126)); // FLT_MIN
  Value isSubnormal =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, smallest);
  Value scaled = b.create<arith::MulFOp>(
      loc, x, floatConstant(b, loc, type, std::ldexp(1.0, 24)));
  Value operand = b.create<arith::SelectOp>(loc, isSubnormal, scaled, x);
  Operation *inner = b.clone(*log);
  inner->setOperand(0, operand);
  double shift = isa<math::Log2Op>(log) ? 24.0 : 24.0 * std::log(2.0);
  Value shifted = b.create<arith::SubFOp>(loc, inner->getResult(0),
                                          floatConstant(b, loc, type, shift));
  Value result =
      b.create<arith::SelectOp>(loc, isSubnormal, shifted, inner->getResult(0));
  log->getResult(0).replaceAllUsesWith(result);
  log->erase();
  return inner;
}

/// `op` (f64 expm1 or log1p) as a call to libm's `name`.
LogicalResult callLibm(Operation *op, StringRef name, ModuleOp module) {
  Type type = op->getResult(0).getType();
  if (!type.isF64())
    return op->emitError("expects a scalar f64 operand");
  auto decl = module.lookupSymbol<func::FuncOp>(name);
  if (!decl) {
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    decl = b.create<func::FuncOp>(op->getLoc(), name,
                                  b.getFunctionType({type}, {type}));
    decl.setPrivate();
    decl->setAttr(LLVM::LLVMDialect::getReadnoneAttrName(), b.getUnitAttr());
  } else if (decl.getFunctionType() !=
             FunctionType::get(op->getContext(), {type}, {type})) {
    return op->emitError() << "@" << name << " is not libm's";
  }
  OpBuilder b(op);
  auto call = b.create<func::CallOp>(op->getLoc(), decl, op->getOperands());
  op->getResult(0).replaceAllUsesWith(call.getResult(0));
  op->erase();
  return success();
}

struct ExpandMathPass : aic::impl::ExpandMathBase<ExpandMathPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> approximate, f64Calls;
    module.walk([&](Operation *op) {
      if (!isApproximated(op) || op->getNumResults() != 1)
        return;
      Type t = elementType(op);
      if (t.isF32() || t.isF16() || t.isBF16())
        approximate.push_back(op);
      else if (t.isF64() && isa<math::ExpM1Op, math::Log1pOp>(op))
        f64Calls.push_back(op);
    });
    for (Operation *&op : approximate)
      if (isa<math::LogOp, math::Log2Op>(op) &&
          (elementType(op).isF32() || elementType(op).isBF16()))
        op = guardSubnormals(op);
    for (Operation *op : f64Calls)
      if (failed(
              callLibm(op, isa<math::ExpM1Op>(op) ? "expm1" : "log1p", module)))
        return signalPassFailure();
    if (approximate.empty())
      return;
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    GreedyRewriteConfig config;
    config.strictMode = GreedyRewriteStrictness::ExistingAndNewOps;
    if (failed(
            applyOpPatternsAndFold(approximate, std::move(patterns), config)))
      return signalPassFailure();
  }
};

} // namespace
