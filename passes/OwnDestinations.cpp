//===- OwnDestinations.cpp - A tensor.empty per destination ---------------===//
//
// CSE merges equal tensor.empty ops, so many ops name one tensor as their
// destination. One-shot bufferization would then analyse every pair of
// them for conflicts over that one tensor (quadratic in the ops sharing it:
// a few thousand ops took minutes) and write many values into one buffer
// over the whole graph. Right before bufferization, every destination gets
// a tensor.empty of its own, except that ops in different blocks (the
// branches of an scf.if, which run exclusively) keep sharing one, so that
// both branches write the same buffer; aic-plan-memory decides which
// buffers share memory, and aic-concat-in-place finds a buffer per concat
// input. The graph's inputs are marked not writable: they belong to the
// caller, and an op computing in place on one works on a copy.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "llvm/ADT/MapVector.h"

namespace aic {
#define GEN_PASS_DEF_OWNDESTINATIONS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
struct OwnDestinationsPass
    : public aic::impl::OwnDestinationsBase<OwnDestinationsPass> {
  void runOnOperation() override {
    // The graph's inputs are the caller's: an op that would compute in
    // place on one (ScatterND, ScatterElements) writes into a copy, so
    // that a run never changes what it reads and the next run reads the
    // same inputs.
    func::FuncOp func = getOperation();
    if (func.getSymName() == kGraphFunc)
      for (BlockArgument arg : func.getArguments())
        if (isa<TensorType>(arg.getType()))
          func.setArgAttr(
              arg.getArgNumber(),
              bufferization::BufferizationDialect::kWritableAttrName,
              BoolAttr::get(&getContext(), false));
    SmallVector<tensor::EmptyOp> empties;
    getOperation().walk([&](tensor::EmptyOp empty) {
      if (!empty->hasOneUse())
        empties.push_back(empty);
    });
    for (tensor::EmptyOp empty : empties) {
      // Destinations in one block; those in other blocks (the branches of
      // an scf.if) run exclusively and keep sharing.
      llvm::MapVector<Block *, SmallVector<OpOperand *>> byBlock;
      for (OpOperand &use : empty->getUses()) {
        auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
        if (dps && dps.isDpsInit(&use))
          byBlock[use.getOwner()->getBlock()].push_back(&use);
      }
      for (auto &[block, uses] : byBlock) {
        llvm::sort(uses, [](OpOperand *a, OpOperand *b) {
          if (a->getOwner() != b->getOwner())
            return a->getOwner()->isBeforeInBlock(b->getOwner());
          return a->getOperandNumber() < b->getOperandNumber();
        });
        // The last keeps the original (so one-result graphs keep their IR).
        uses.pop_back();
        for (OpOperand *use : uses) {
          OpBuilder b(use->getOwner());
          use->set(b.clone(*empty)->getResult(0));
        }
      }
    }
  }
};
} // namespace
