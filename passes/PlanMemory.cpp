//===- PlanMemory.cpp - Static memory plan for intermediate buffers -------===//
//
// Bufferization leaves one memref.alloc per intermediate buffer; this pass
// turns them into views of one arena at offsets fixed at compile time, so
// an inference never allocates. A buffer allocated inside a loop (an
// scf.for or scf.while of If/Loop/Scan bodies) has one slot for the whole
// top-level op holding the loop: every iteration's alloc returns the same
// memory, and a buffer a loop carries into its next iteration is first
// copied into a carry buffer allocated before the loop.
//
//===----------------------------------------------------------------------===//
#include "passes/MemoryPlanner.h"
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace aic {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {
class Planner {
public:
  Planner(func::FuncOp func) : func(func), body(func.getBody().front()) {
    for (Operation &op : body)
      step[&op] = step.size();
  }

  /// The live range of the buffer `alloc` returns, in steps of the
  /// function's top-level ops: from the alloc to the last use of the buffer
  /// or of anything that may alias it (views, values yielded from regions).
  std::pair<int64_t, int64_t> liveRange(memref::AllocOp alloc) {
    int64_t start = stepOf(alloc), end = start;
    SmallVector<Value> worklist{alloc.getResult()};
    DenseSet<Value> seen{alloc.getResult()};
    auto alias = [&](Value v) {
      if (isa<BaseMemRefType>(v.getType()) && seen.insert(v).second)
        worklist.push_back(v);
    };
    while (!worklist.empty()) {
      Value v = worklist.pop_back_val();
      for (OpOperand &use : v.getUses()) {
        Operation *user = use.getOwner();
        end = std::max(end, stepOf(user));
        // Any memref an op returns may be a view of its operand; a value
        // yielded from a region aliases the parent op's results.
        for (Value r : user->getResults())
          alias(r);
        if (user->hasTrait<OpTrait::IsTerminator>() &&
            user->getParentOp() != func)
          for (Value r : user->getParentOp()->getResults())
            alias(r);
      }
    }
    return {start, end};
  }

private:
  int64_t stepOf(Operation *op) {
    Operation *top = body.findAncestorOpInBlock(*op);
    return top ? step.lookup(top) : 0;
  }

  func::FuncOp func;
  Block &body;
  DenseMap<Operation *, int64_t> step;
};

//===----------------------------------------------------------------------===//
// Loop-carried buffers
//===----------------------------------------------------------------------===//

/// What a buffer may be (a view of): the allocs it may come from, and
/// whether it may be a value `loop` carries from its previous iteration (one
/// of its region arguments the back edge feeds).
struct Origins {
  SmallPtrSet<Operation *, 4> allocs;
  bool carried = false;
};

static Origins getOrigins(Value value, Operation *loop) {
  Origins origins;
  SmallVector<Value> worklist{value};
  DenseSet<Value> seen{value};
  auto push = [&](Value v) {
    if (isa<BaseMemRefType>(v.getType()) && seen.insert(v).second)
      worklist.push_back(v);
  };
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      Operation *owner = arg.getOwner()->getParentOp();
      if (auto forOp = dyn_cast<scf::ForOp>(owner)) {
        origins.carried |= owner == loop;
        push(forOp.getTiedLoopInit(arg)->get());
        push(forOp.getTiedLoopYieldedValue(arg)->get());
      } else if (auto whileOp = dyn_cast<scf::WhileOp>(owner)) {
        unsigned i = arg.getArgNumber();
        if (arg.getOwner() == whileOp.getBeforeBody()) {
          origins.carried |= owner == loop;
          push(whileOp.getInits()[i]);
          push(whileOp.getYieldOp().getResults()[i]);
        } else {
          push(whileOp.getConditionOp().getArgs()[i]);
        }
      }
      // Function arguments are the caller's buffers.
      continue;
    }
    Operation *def = v.getDefiningOp();
    unsigned i = cast<OpResult>(v).getResultNumber();
    if (isa<memref::AllocOp, memref::AllocaOp>(def)) {
      origins.allocs.insert(def);
    } else if (auto forOp = dyn_cast<scf::ForOp>(def)) {
      push(forOp.getInitArgs()[i]);
      push(forOp.getYieldedValues()[i]);
    } else if (auto whileOp = dyn_cast<scf::WhileOp>(def)) {
      push(whileOp.getConditionOp().getArgs()[i]);
    } else if (auto ifOp = dyn_cast<scf::IfOp>(def)) {
      push(ifOp.thenYield().getResults()[i]);
      if (!ifOp.getElseRegion().empty())
        push(ifOp.elseYield().getResults()[i]);
    } else {
      // Views, and anything else returning a buffer, may alias any buffer
      // operand.
      for (Value operand : def->getOperands())
        push(operand);
    }
  }
  return origins;
}

/// Gives every buffer that an scf.for or scf.while carries into its next
/// iteration and that was allocated inside the loop a carry buffer
/// allocated before the loop: the value is copied there at the end of the
/// iteration and the carry buffer is yielded instead. The next iteration's
/// allocs then reuse their slots while it reads the carry buffer, which is
/// only overwritten once the iteration has read it. A value that may itself
/// be one the loop carried is first copied to a temporary, so that no copy
/// reads a carry buffer another copy overwrote. Inner loops come first: the
/// carry buffers of an inner loop are allocated inside the outer one.
static LogicalResult carryLoopBuffers(func::FuncOp func) {
  SmallVector<Operation *> loops;
  func.walk([&](Operation *op) {
    if (isa<scf::ForOp, scf::WhileOp>(op))
      loops.push_back(op);
  });
  for (Operation *loop : loops) {
    Operation *yield =
        isa<scf::ForOp>(loop)
            ? cast<scf::ForOp>(loop).getBody()->getTerminator()
            : cast<scf::WhileOp>(loop).getYieldOp().getOperation();
    struct Carry {
      unsigned index;
      Value value;
      bool stage;
    };
    SmallVector<Carry> carries;
    for (OpOperand &operand : yield->getOpOperands()) {
      if (!isa<BaseMemRefType>(operand.get().getType()))
        continue;
      Origins origins = getOrigins(operand.get(), loop);
      if (llvm::any_of(origins.allocs, [&](Operation *alloc) {
            return loop->isProperAncestor(alloc);
          }))
        carries.push_back(
            {operand.getOperandNumber(), operand.get(), origins.carried});
    }
    OpBuilder b(yield);
    OpBuilder before(loop);
    Location loc = loop->getLoc();
    auto denseType = [](Value v) {
      auto type = cast<MemRefType>(v.getType());
      return MemRefType::get(type.getShape(), type.getElementType());
    };
    for (Carry &carry : carries) {
      if (!carry.stage)
        continue;
      Value temp = b.create<memref::AllocOp>(loc, denseType(carry.value));
      b.create<linalg::CopyOp>(loc, carry.value, temp);
      carry.value = temp;
    }
    for (Carry &carry : carries) {
      MemRefType type = denseType(carry.value);
      Value buffer = before.create<memref::AllocOp>(loc, type);
      b.create<linalg::CopyOp>(loc, carry.value, buffer);
      Type yielded = yield->getOperand(carry.index).getType();
      if (yielded != type) {
        if (!memref::CastOp::areCastCompatible(type, yielded))
          return loop->emitError() << "cannot carry a buffer of type "
                                   << yielded << " across iterations";
        buffer = b.create<memref::CastOp>(loc, yielded, buffer);
      }
      yield->setOperand(carry.index, buffer);
    }
  }
  return success();
}

/// Turns the buffer results of `func` into trailing out-parameters that keep
/// the results' attributes. A result computed into its own buffer is
/// computed straight into the caller's; any other (an input, a weight, a
/// view, a buffer returned twice) is copied there.
LogicalResult resultsToOutParams(func::FuncOp func) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  SmallVector<DictionaryAttr> resultAttrs;
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    auto type = dyn_cast<MemRefType>(func.getResultTypes()[i]);
    if (!type || !type.hasStaticShape())
      return func.emitError() << "expects statically shaped buffer results, "
                                 "got "
                              << func.getResultTypes()[i];
    resultAttrs.push_back(func.getResultAttrDict(i));
  }
  OpBuilder b(ret);
  DenseSet<Value> taken;
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    auto resultType = cast<MemRefType>(func.getResultTypes()[i]);
    auto type =
        MemRefType::get(resultType.getShape(), resultType.getElementType());
    unsigned index = func.getNumArguments();
    NamedAttrList attrs(resultAttrs[i]);
    attrs.set(kOutputArgAttr, b.getUnitAttr());
    func.insertArgument(index, type, attrs.getDictionary(func.getContext()),
                        func.getLoc());
    BlockArgument out = func.getArgument(index);
    // A result that is its own buffer, or a dense reshape view of one (a
    // Flatten at the end of a model), is computed in the caller's buffer.
    Value root = value;
    while (auto view = root.getDefiningOp<memref::ReinterpretCastOp>())
      root = view.getSource();
    auto alloc = root.getDefiningOp<memref::AllocOp>();
    if (alloc && alloc->getBlock() == ret->getBlock() &&
        alloc.getType().getNumElements() == type.getNumElements() &&
        taken.insert(root).second) {
      Value replacement = out;
      if (alloc.getType() != type) {
        OpBuilder at(alloc);
        SmallVector<int64_t> strides;
        int64_t offset;
        (void)getStridesAndOffset(alloc.getType(), strides, offset);
        replacement = at.create<memref::ReinterpretCastOp>(
            alloc.getLoc(), alloc.getType(), out, 0, alloc.getType().getShape(),
            strides);
        // The out-parameter must dominate its view: move the view up to
        // the function's start (the argument is live from there).
        replacement.getDefiningOp()->moveBefore(&ret->getBlock()->front());
      }
      alloc.replaceAllUsesWith(replacement);
      alloc.erase();
      continue;
    }
    b.create<linalg::CopyOp>(ret.getLoc(), value, out);
  }
  ret->setOperands({});
  llvm::BitVector all(func.getNumResults(), true);
  func.eraseResults(all);
  return success();
}

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
    if (!func.getBody().hasOneBlock()) {
      func.emitError() << "expects a bufferized, single-block graph";
      return signalPassFailure();
    }
    if (failed(resultsToOutParams(func)) || failed(carryLoopBuffers(func)))
      return signalPassFailure();

    SmallVector<memref::AllocOp> allocs;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitError() << "expects a statically shaped, dense buffer, got "
                          << type;
        return WalkResult::interrupt();
      }
      // One arena slot holds one buffer: a loop that could run its
      // iterations at once, or that carryLoopBuffers does not know,
      // could need two of an alloc's buffers at the same time.
      auto loop = alloc->getParentOfType<LoopLikeOpInterface>();
      if (loop && !isa<scf::ForOp, scf::WhileOp>(loop)) {
        alloc.emitError() << "buffers allocated inside '" << loop->getName()
                          << "' loops are not supported";
        return WalkResult::interrupt();
      }
      allocs.push_back(alloc);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    Planner planner(func);
    std::vector<BufferRequest> requests;
    for (memref::AllocOp alloc : allocs) {
      auto [start, end] = planner.liveRange(alloc);
      requests.push_back(
          {std::max<int64_t>(getNumBytes(alloc.getType()), 1), start, end});
    }
    MemoryPlan plan = planMemory(requests, alignment);

    OpBuilder b(module.getContext());
    auto arenaType =
        MemRefType::get({std::max<int64_t>(plan.peakBytes, 1)}, b.getI8Type());
    unsigned arenaIndex = func.getNumArguments();
    func.insertArgument(arenaIndex, arenaType, {}, func.getLoc());
    Value arena = func.getArgument(arenaIndex);
    for (auto [alloc, offset] : llvm::zip(allocs, plan.offsets)) {
      b.setInsertionPoint(alloc);
      Value at = b.create<arith::ConstantIndexOp>(alloc.getLoc(), offset);
      Value view = b.create<memref::ViewOp>(alloc.getLoc(), alloc.getType(),
                                            arena, at, ValueRange{});
      // The arena outlives the run: deallocations go away with the allocs.
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      alloc.replaceAllUsesWith(view);
      alloc.erase();
    }
    module->setAttr(kArenaSizeAttr, b.getI64IntegerAttr(plan.peakBytes));
    module->setAttr(kArenaNaiveSizeAttr, b.getI64IntegerAttr(plan.naiveBytes));
  }
};
} // namespace
