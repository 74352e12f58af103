//===- PlanMemory.cpp - Static memory plan for intermediates --------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/MemoryPlanner.h"
#include "passes/PassDetail.h"
#include "passes/Passes.h"

namespace aic {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

func::FuncOp aic::getGraphFunc(ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>(kGraphFunc);
  if (!func) {
    module.emitError() << "expects a func.func @" << kGraphFunc;
    return {};
  }
  if (!func.getBody().hasOneBlock()) {
    func.emitError() << "expects a single-block graph";
    return {};
  }
  return func;
}

Value aic::getStorageRoot(Value v) {
  while (auto reshape = v.getDefiningOp<ReshapeOp>())
    v = reshape.getInput();
  return v;
}

namespace {
struct PlanMemoryPass : public aic::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp func = getGraphFunc(module);
    if (!func)
      return signalPassFailure();
    if (alignment <= 0 || (alignment & (alignment - 1))) {
      module.emitError() << "alignment must be a power of two";
      return signalPassFailure();
    }
    Block &body = func.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());

    // Program order gives every op a step; the return reads at the last.
    DenseMap<Operation *, int64_t> step;
    for (Operation &op : body)
      step[&op] = step.size();

    // Graph outputs computed by an op are written straight into the
    // caller's buffer; a value returned twice gets the first slot only.
    DenseMap<Value, int64_t> outputSlot;
    for (auto [k, v] : llvm::enumerate(ret.getOperands())) {
      Value root = getStorageRoot(v);
      Operation *def = root.getDefiningOp();
      if (def && !isa<ConstantOp>(def) &&
          cast<ShapedType>(root.getType()).hasStaticShape())
        outputSlot.try_emplace(root, k);
    }

    SmallVector<Value> values;
    std::vector<BufferRequest> requests;
    DenseMap<Value, size_t> requestOf;
    for (Operation &op : body) {
      if (isa<ConstantOp, ReshapeOp, func::ReturnOp>(op))
        continue;
      for (Value result : op.getResults()) {
        auto type = dyn_cast<RankedTensorType>(result.getType());
        if (!type || !type.hasStaticShape()) {
          op.emitError() << "expects statically shaped tensor results";
          return signalPassFailure();
        }
        if (outputSlot.count(result))
          continue;
        requestOf[result] = requests.size();
        values.push_back(result);
        requests.push_back({tensorBytes(type), step[&op], step[&op]});
      }
    }
    // Extend each buffer's live range to its last reader, through aliases.
    for (Operation &op : body)
      for (Value operand : op.getOperands()) {
        auto it = requestOf.find(getStorageRoot(operand));
        if (it != requestOf.end())
          requests[it->second].end =
              std::max(requests[it->second].end, step[&op]);
      }

    MemoryPlan plan = planMemory(requests, alignment);
    OpBuilder b(module.getContext());
    for (auto [value, offset] : llvm::zip(values, plan.offsets))
      value.getDefiningOp()->setAttr(kOffsetAttr, b.getI64IntegerAttr(offset));
    for (auto [value, slot] : outputSlot)
      value.getDefiningOp()->setAttr(kOutputAttr, b.getI64IntegerAttr(slot));
    module->setAttr(kArenaSizeAttr, b.getI64IntegerAttr(plan.peakBytes));
    module->setAttr(kArenaNaiveSizeAttr, b.getI64IntegerAttr(plan.naiveBytes));
  }
};
} // namespace
