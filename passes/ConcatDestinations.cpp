//===- ConcatDestinations.cpp - Own destinations for concats --------------===//
//
// CSE merges equal tensor.empty ops, so bufferization gives many ops one
// buffer, written and read again over the whole graph. A concat and the ops
// producing its inputs get destinations of their own here, right before
// bufferization, so that aic-concat-in-place finds a buffer per value.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace aic {
#define GEN_PASS_DEF_CONCATDESTINATIONS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
/// Gives `init` of `op` a tensor.empty of its own if it shares one.
void ownDestination(OpOperand &init, Operation *op) {
  auto empty = init.get().getDefiningOp<tensor::EmptyOp>();
  if (!empty || empty->hasOneUse())
    return;
  OpBuilder b(op);
  init.set(b.clone(*empty)->getResult(0));
}

struct ConcatDestinationsPass
    : public aic::impl::ConcatDestinationsBase<ConcatDestinationsPass> {
  void runOnOperation() override {
    getOperation().walk([](ConcatOp concat) {
      if (concat.getNumResults() != 1)
        return;
      for (Value in : concat.getInputs()) {
        auto producer = in.getDefiningOp<DestinationStyleOpInterface>();
        if (producer && producer.getNumDpsInits() == 1)
          ownDestination(*producer.getDpsInitOperand(0), producer);
      }
      ownDestination(concat.getInitMutable(), concat);
    });
  }
};
} // namespace
