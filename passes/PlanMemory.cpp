//===- PlanMemory.cpp - Static memory plan for intermediate buffers -------===//
//
// Bufferization leaves one memref.alloc per intermediate buffer; this pass
// turns them into views of one arena at offsets fixed at compile time, so
// an inference never allocates. A buffer allocated inside a loop (an
// scf.for or scf.while of If/Loop/Scan bodies) has one slot for the whole
// top-level op holding the loop: every iteration's alloc returns the same
// memory, and a buffer a loop carries into its next iteration is first
// copied into a carry buffer allocated before the loop. Buffers of a
// run-time size stay allocations, which the runtime serves (aicrt_alloc).
//
//===----------------------------------------------------------------------===//
#include "aic/MemoryPlan.h"
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace aic {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

/// Whether `type` has a dim known only at run time.
static bool isDynamic(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  return shaped && !shaped.hasStaticShape();
}

namespace {
class Planner {
public:
  Planner(func::FuncOp func) : func(func), body(func.getBody().front()) {
    for (Operation &op : body) {
      step[&op] = step.size();
      ops.push_back(&op);
    }
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
        // Reading a dim reads no data (shape functions of run-time sizes).
        if (isa<memref::DimOp>(user))
          continue;
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

  /// The step of the top-level op holding `op`.
  int64_t stepOf(Operation *op) {
    Operation *top = body.findAncestorOpInBlock(*op);
    return top ? step.lookup(top) : 0;
  }
  /// The top-level op at `step`.
  Operation *opAt(int64_t at) { return ops[at]; }

private:
  func::FuncOp func;
  Block &body;
  DenseMap<Operation *, int64_t> step;
  SmallVector<Operation *> ops;
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
      auto inLoop = [&](Operation *alloc) {
        return loop->isProperAncestor(alloc);
      };
      // A run-time sized buffer is fresh memory each iteration (the runtime
      // allocates it), so the next iteration cannot overwrite it.
      if (llvm::all_of(origins.allocs, [&](Operation *alloc) {
            return !inLoop(alloc) ||
                   isDynamic(cast<memref::AllocOp>(alloc).getType());
          }))
        continue;
      if (isDynamic(operand.get().getType()))
        return loop->emitError()
               << "cannot carry a buffer of a run-time shape computed "
                  "partly in the arena across iterations";
      if (llvm::any_of(origins.allocs, inLoop))
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

/// The dense buffer of `value`'s type and run-time dims, allocated before
/// `b`'s insertion point.
static Value allocLike(OpBuilder &b, Location loc, Value value) {
  auto type = cast<MemRefType>(value.getType());
  auto dense = MemRefType::get(type.getShape(), type.getElementType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(b.create<memref::DimOp>(loc, value, d));
  return b.create<memref::AllocOp>(loc, dense, sizes);
}

/// Turns the statically shaped buffer results of `func` into trailing
/// out-parameters that keep the results' attributes. A result computed into
/// its own buffer is computed straight into the caller's; any other (an
/// input, a weight, a view, a buffer returned twice) is copied there.
/// Results with a run-time dim stay results, each a dense buffer of its own
/// (a copy when it is not one), which the run hands to the runtime. Every
/// output gets its index among the graph's outputs as `aic.output`.
LogicalResult resultsToOutParams(func::FuncOp func) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  SmallVector<DictionaryAttr> resultAttrs;
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    auto type = dyn_cast<MemRefType>(func.getResultTypes()[i]);
    if (!type)
      return func.emitError()
             << "expects buffer results, got " << func.getResultTypes()[i];
    resultAttrs.push_back(func.getResultAttrDict(i));
  }
  OpBuilder b(ret);
  DenseSet<Value> taken;
  llvm::BitVector staticResults(func.getNumResults());
  SmallVector<Value> dynamicResults;
  SmallVector<DictionaryAttr> dynamicAttrs;
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    auto resultType = cast<MemRefType>(func.getResultTypes()[i]);
    auto type =
        MemRefType::get(resultType.getShape(), resultType.getElementType());
    NamedAttrList attrs(resultAttrs[i]);
    attrs.set(kOutputArgAttr, b.getI64IntegerAttr(i));
    if (!resultType.hasStaticShape()) {
      // Its own dense buffer from the function's block, returned once: the
      // runtime takes it over as it is.
      auto alloc = value.getDefiningOp<memref::AllocOp>();
      Value buffer = value;
      if (!alloc || alloc->getBlock() != ret->getBlock() ||
          !alloc.getType().getLayout().isIdentity() ||
          !taken.insert(value).second) {
        buffer = allocLike(b, ret.getLoc(), value);
        b.create<linalg::CopyOp>(ret.getLoc(), value, buffer);
      }
      dynamicResults.push_back(buffer);
      dynamicAttrs.push_back(attrs.getDictionary(func.getContext()));
      continue;
    }
    staticResults.set(i);
    unsigned index = func.getNumArguments();
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
        alloc.getType().hasStaticShape() &&
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
  ret->setOperands(dynamicResults);
  func.eraseResults(staticResults);
  for (auto [i, attrs] : llvm::enumerate(dynamicAttrs))
    func.setResultAttrs(i, attrs);
  return success();
}

/// Releases each run-time sized buffer allocated in the function's block
/// (memref.dealloc, after the top-level op of its last use) unless it may
/// be returned; one allocated in a region lives until the run ends (the
/// runtime then releases it).
static void releaseDynamicBuffers(func::FuncOp func,
                                  ArrayRef<memref::AllocOp> allocs,
                                  Planner &planner) {
  Block &body = func.getBody().front();
  Operation *ret = body.getTerminator();
  int64_t retStep = planner.stepOf(ret);
  for (memref::AllocOp alloc : allocs) {
    if (alloc->getBlock() != &body ||
        llvm::any_of(alloc->getUsers(), [](Operation *user) {
          return isa<memref::DeallocOp>(user);
        }))
      continue;
    auto [start, end] = planner.liveRange(alloc);
    (void)start;
    if (end >= retStep)
      continue;
    Operation *last = planner.opAt(end);
    OpBuilder b(last->getContext());
    b.setInsertionPointAfter(last);
    b.create<memref::DeallocOp>(alloc.getLoc(), alloc);
  }
}

//===----------------------------------------------------------------------===//
// Plans of symbolic shapes
//===----------------------------------------------------------------------===//

/// Recomputes index values at the start of the function from its arguments
/// alone (their dims, constants, arithmetic), as the shape functions of
/// buffers whose sizes follow symbolic input dims. A value read from memory
/// (a count NonZero computed) cannot be: such buffers stay allocations.
class Hoister {
public:
  explicit Hoister(func::FuncOp func)
      : entry(func.getBody().front()), b(&entry, entry.begin()) {}

  /// Where code using hoisted values goes: after all of them.
  OpBuilder &builder() { return b; }

  /// `v` computed at the function's start, or null.
  Value hoist(Value v) {
    auto it = done.find(v);
    if (it != done.end())
      return it->second;
    Value result = compute(v);
    done[v] = result;
    return result;
  }

private:
  Value compute(Value v) {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return arg.getOwner() == &entry ? v : Value();
    Operation *op = v.getDefiningOp();
    Location loc = op->getLoc();
    if (auto dim = dyn_cast<memref::DimOp>(op)) {
      std::optional<int64_t> index = dim.getConstantIndex();
      if (!index)
        return {};
      return hoistDim(dim.getSource(), *index, loc);
    }
    if (op->getNumRegions() != 0 || op->getNumResults() != 1 ||
        !isMemoryEffectFree(op) ||
        !isa<arith::ArithDialect, affine::AffineDialect>(op->getDialect()))
      return {};
    IRMapping map;
    for (Value operand : op->getOperands()) {
      Value hoisted = hoist(operand);
      if (!hoisted)
        return {};
      map.map(operand, hoisted);
    }
    return b.clone(*op, map)->getResult(0);
  }

  /// Dim `d` of buffer `v` at the function's start, or null: an argument's
  /// read there, an alloc's its size, and a view's (a collapsed or
  /// expanded shape, a cast, a transpose, a subview) from the buffer it
  /// views, as the view's own result type defines it.
  Value hoistDim(Value v, int64_t d, Location loc) {
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type || d < 0 || d >= type.getRank())
      return {};
    if (!type.isDynamicDim(d))
      return b.create<arith::ConstantIndexOp>(loc, type.getDimSize(d));
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() != &entry)
        return {};
      Value at = b.create<arith::ConstantIndexOp>(loc, d);
      return b.create<memref::DimOp>(loc, v, at);
    }
    Operation *op = v.getDefiningOp();
    auto size = [&](OpFoldResult ofr) -> Value {
      if (auto value = dyn_cast<Value>(ofr))
        return hoist(value);
      return b.create<arith::ConstantIndexOp>(
          loc, cast<IntegerAttr>(cast<Attribute>(ofr)).getInt());
    };
    if (auto alloc = dyn_cast<memref::AllocOp>(op))
      return hoist(alloc.getDynamicSizes()[type.getDynamicDimIndex(d)]);
    if (auto cast = dyn_cast<memref::CastOp>(op))
      return hoistDim(cast.getSource(), d, loc);
    if (auto expand = dyn_cast<memref::ExpandShapeOp>(op)) {
      ArrayRef<int64_t> shape = expand.getStaticOutputShape();
      if (static_cast<int64_t>(shape.size()) != type.getRank() ||
          !ShapedType::isDynamic(shape[d]))
        return {};
      int64_t at = llvm::count_if(shape.take_front(d), ShapedType::isDynamic);
      return hoist(expand.getOutputShape()[at]);
    }
    if (auto collapse = dyn_cast<memref::CollapseShapeOp>(op)) {
      Value product = b.create<arith::ConstantIndexOp>(loc, 1);
      // Kept in a variable: the range-for would not extend the life of the
      // temporary the group is a part of.
      SmallVector<ReassociationIndices> groups =
          collapse.getReassociationIndices();
      for (int64_t i : groups[d]) {
        Value part = hoistDim(collapse.getSrc(), i, loc);
        if (!part)
          return {};
        product = b.create<arith::MulIOp>(loc, product, part);
      }
      return product;
    }
    if (auto transpose = dyn_cast<memref::TransposeOp>(op))
      return hoistDim(transpose.getIn(),
                      transpose.getPermutation().getDimPosition(d), loc);
    if (auto subview = dyn_cast<memref::SubViewOp>(op)) {
      // The sizes of the dims it keeps, in order.
      llvm::SmallBitVector dropped = subview.getDroppedDims();
      SmallVector<OpFoldResult> sizes = subview.getMixedSizes();
      int64_t kept = 0;
      for (auto [i, s] : llvm::enumerate(sizes)) {
        if (dropped.test(i))
          continue;
        if (kept++ == d)
          return size(s);
      }
    }
    return {};
  }

  Block &entry;
  OpBuilder b;
  DenseMap<Value, Value> done;
};

/// The dynamic buffers of the function's block whose sizes `hoister` can
/// compute from the arguments and that are not outputs (which the runtime
/// takes over): they join the plan, evaluated per shape.
static SmallVector<memref::AllocOp>
getPlannableBuffers(func::FuncOp func, ArrayRef<memref::AllocOp> dynamicAllocs,
                    Hoister &hoister) {
  Block &body = func.getBody().front();
  Operation *ret = body.getTerminator();
  SmallVector<memref::AllocOp> result;
  for (memref::AllocOp alloc : dynamicAllocs) {
    if (alloc->getBlock() != &body ||
        llvm::is_contained(ret->getOperands(), alloc.getResult()))
      continue;
    if (llvm::all_of(alloc.getDynamicSizes(),
                     [&](Value size) { return bool(hoister.hoist(size)); }))
      result.push_back(alloc);
  }
  return result;
}

/// Places `allocs` (static ones, then `numStatic` onwards dynamic ones)
/// with a plan evaluated per shape: the function computes their sizes at
/// its start and calls @__aic_plan (convert-aic-to-runtime makes it
/// aicrt_plan), which returns the arena and fills their offsets; each alloc
/// becomes a view of the arena at its offset.
static void planPerShape(ModuleOp module, func::FuncOp func,
                         ArrayRef<memref::AllocOp> allocs, Hoister &hoister,
                         Planner &planner, int64_t alignment) {
  MLIRContext *ctx = module.getContext();
  OpBuilder &b = hoister.builder();
  Location loc = func.getLoc();
  int64_t n = allocs.size();
  Type i64 = b.getI64Type();
  auto tableType = [&](int64_t count) { return MemRefType::get({count}, i64); };
  Value sizes = b.create<memref::AllocaOp>(loc, tableType(n));
  Value offsets = b.create<memref::AllocaOp>(loc, tableType(n + 1));
  SmallVector<int64_t> ranges;
  for (int64_t i = 0; i < n; ++i) {
    memref::AllocOp alloc = allocs[i];
    MemRefType type = alloc.getType();
    int64_t elementBytes =
        getNumBytes(MemRefType::get({}, type.getElementType()));
    Value bytes = b.create<arith::ConstantIndexOp>(loc, elementBytes);
    for (int64_t d = 0; d < type.getRank(); ++d) {
      Value size =
          type.isDynamicDim(d)
              ? hoister.hoist(
                    alloc.getDynamicSizes()[type.getDynamicDimIndex(d)])
              : b.create<arith::ConstantIndexOp>(loc, type.getDimSize(d));
      bytes = b.create<arith::MulIOp>(loc, bytes, size);
    }
    Value at = b.create<arith::ConstantIndexOp>(loc, i);
    b.create<memref::StoreOp>(
        loc, b.create<arith::IndexCastOp>(loc, i64, bytes), sizes, at);
    auto [start, end] = planner.liveRange(alloc);
    ranges.append({start, end});
  }
  // The checks of the run's shapes (a window larger than its input, two
  // symbolic dims that must agree) come first: at a shape that fails one, a
  // buffer size can be negative, which the plan would report without
  // naming the node.
  for (auto check : llvm::make_early_inc_range(
           func.getBody().front().getOps<cf::AssertOp>()))
    if (Value ok = hoister.hoist(check.getArg())) {
      b.create<cf::AssertOp>(check.getLoc(), ok, check.getMsg());
      check.erase();
    }
  auto planType = FunctionType::get(
      ctx, {tableType(n), tableType(n + 1)},
      {MemRefType::get({ShapedType::kDynamic}, b.getI8Type())});
  if (!module.lookupSymbol(kPlanFunc)) {
    OpBuilder top = OpBuilder::atBlockEnd(module.getBody());
    top.create<func::FuncOp>(loc, kPlanFunc, planType).setPrivate();
  }
  auto call = b.create<func::CallOp>(loc, kPlanFunc, planType.getResults(),
                                     ValueRange{sizes, offsets});
  call->setAttr(kPlanRangesAttr, b.getDenseI64ArrayAttr(ranges));
  call->setAttr(kPlanAlignmentAttr, b.getI64IntegerAttr(alignment));
  Value arena = call.getResult(0);
  for (int64_t i = 0; i < n; ++i) {
    memref::AllocOp alloc = allocs[i];
    OpBuilder at(alloc);
    Location allocLoc = alloc.getLoc();
    Value index = at.create<arith::ConstantIndexOp>(allocLoc, i);
    Value offset = at.create<arith::IndexCastOp>(
        allocLoc, at.getIndexType(),
        at.create<memref::LoadOp>(allocLoc, offsets, index));
    Value view = at.create<memref::ViewOp>(allocLoc, alloc.getType(), arena,
                                           offset, alloc.getDynamicSizes());
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    alloc.replaceAllUsesWith(view);
    alloc.erase();
  }
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

    SmallVector<memref::AllocOp> allocs, dynamicAllocs;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.getLayout().isIdentity()) {
        alloc.emitError() << "expects a dense buffer, got " << type;
        return WalkResult::interrupt();
      }
      // Sized at run time: the runtime allocates it (aicrt_alloc).
      if (!type.hasStaticShape()) {
        dynamicAllocs.push_back(alloc);
        return WalkResult::advance();
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

    // Buffers whose sizes follow symbolic input dims: the whole plan is
    // evaluated per shape, at run time, by the same planner.
    Hoister hoister(func);
    SmallVector<memref::AllocOp> perShape =
        getPlannableBuffers(func, dynamicAllocs, hoister);
    if (!perShape.empty()) {
      SmallVector<memref::AllocOp> rest, planned(allocs);
      for (memref::AllocOp alloc : dynamicAllocs)
        if (!llvm::is_contained(perShape, alloc))
          rest.push_back(alloc);
      {
        Planner before(func);
        releaseDynamicBuffers(func, rest, before);
      }
      planned.append(perShape.begin(), perShape.end());
      Planner planner(func);
      planPerShape(module, func, planned, hoister, planner, alignment);
      OpBuilder b(module.getContext());
      func.insertArgument(func.getNumArguments(),
                          MemRefType::get({1}, b.getI8Type()), {},
                          func.getLoc());
      // No static arena: the run's comes from the plan at its shape.
      module->setAttr(kArenaSizeAttr, b.getI64IntegerAttr(0));
      module->setAttr(kArenaNaiveSizeAttr, b.getI64IntegerAttr(0));
      module->setAttr(kArenaPerShapeAttr, b.getUnitAttr());
      return;
    }
    {
      Planner before(func);
      releaseDynamicBuffers(func, dynamicAllocs, before);
    }
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
