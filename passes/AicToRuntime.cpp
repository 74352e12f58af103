//===- AicToRuntime.cpp - Library ops to libaicrt calls -------------------===//
//
// The last aic-specific step before the upstream *-to-llvm conversions. A
// conversion pattern turns every op implementing RuntimePrimitive into an
// aicrt_exec call on its buffers; the pass then adds the status checks and
// builds the rest of the contract of aic/abi.h: aic_model_init (creating the
// primitives from their descriptors), aic_model_run (caller pointers to
// memrefs, then @main_graph) and the aic_model_meta struct.
//
//===----------------------------------------------------------------------===//
#include "passes/AicToRuntime.h"
#include "dialects/Aic/RuntimePrimitive.h"

#include "mlir/Transforms/DialectConversion.h"

namespace aic {
#define GEN_PASS_DEF_CONVERTAICTORUNTIME
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;
using namespace aic::lowering;

Value aic::lowering::pointerOf(OpBuilder &b, Location loc, Value buffer,
                               const LLVMTypeConverter &converter) {
  auto type = cast<MemRefType>(buffer.getType());
  Type descType = converter.convertType(type);
  Value desc =
      b.create<UnrealizedConversionCastOp>(loc, descType, buffer).getResult(0);
  MemRefDescriptor memref(desc);
  Value aligned = memref.alignedPtr(b, loc);
  Value offset = memref.offset(b, loc);
  Type elementType = converter.convertType(type.getElementType());
  return b.create<LLVM::GEPOp>(loc, aligned.getType(), elementType, aligned,
                               offset);
}

namespace {
/// Whether the elements of a buffer of `type` are one dense row-major
/// range, as a primitive's descriptor says: its strides are row-major over
/// the dims of extent other than 1 (a slice of one image of a batch-strided
/// view is).
bool isContiguous(MemRefType type) {
  if (type.getLayout().isIdentity())
    return true;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(getStridesAndOffset(type, strides, offset)))
    return false;
  int64_t expected = 1;
  bool unknown = false;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    int64_t size = type.getDimSize(d);
    if (size == 1)
      continue;
    if (unknown || strides[d] != expected)
      return false;
    if (ShapedType::isDynamic(size))
      unknown = true;
    else
      expected *= size;
  }
  return true;
}

/// The ONNX node name of `loc`, if it carries one.
std::string nodeName(Location loc, int64_t id) {
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      loc = fused.getLocations().front();
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  return "node_" + std::to_string(id);
}

struct PrimitiveToCall : public OpInterfaceConversionPattern<RuntimePrimitive> {
  PrimitiveToCall(MLIRContext *ctx, std::vector<PrimitiveRecord> &records,
                  Value state)
      : OpInterfaceConversionPattern(ctx), records(records), state(state),
        converter(ctx) {
    addStringConversion(converter);
  }

  LogicalResult
  matchAndRewrite(RuntimePrimitive op, ArrayRef<Value>,
                  ConversionPatternRewriter &rewriter) const override {
    PrimitiveCall call;
    if (failed(op.encodePrimitive(call)))
      return failure();
    for (auto [i, buffer] : llvm::enumerate(call.args))
      if (!isContiguous(cast<MemRefType>(buffer.getType())))
        return op->emitOpError()
               << "passes argument #" << i << " of type " << buffer.getType()
               << ", which is not one dense range as its primitive's "
                  "descriptor says";
    Location loc = op->getLoc();
    int64_t id = records.size();
    // A reorder carries the name of the value it moves (a graph input's,
    // say), which is not a node of the model.
    std::string name = nodeName(loc, id);
    if (isa<ReorderOp>(op.getOperation()))
      name = "reorder of " + name;
    records.push_back({name, call.descriptor, loc});

    // The argument array lives in the entry block, so that a primitive in a
    // loop does not grow the stack.
    auto ptrType = LLVM::LLVMPointerType::get(rewriter.getContext());
    auto func = op->getParentOfType<func::FuncOp>();
    Value args;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&func.getBody().front());
      Value count = rewriter.create<LLVM::ConstantOp>(
          loc, rewriter.getI32Type(), std::max<int64_t>(call.args.size(), 1));
      args = rewriter.create<LLVM::AllocaOp>(loc, ptrType, ptrType, count);
    }
    for (auto [i, buffer] : llvm::enumerate(call.args)) {
      Value slot = rewriter.create<LLVM::GEPOp>(
          loc, ptrType, ptrType, args,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
      rewriter.create<LLVM::StoreOp>(
          loc, pointerOf(rewriter, loc, buffer, converter), slot);
    }
    Value idValue = rewriter.create<arith::ConstantIntOp>(loc, id, 32);
    Value numArgs =
        rewriter.create<arith::ConstantIntOp>(loc, call.args.size(), 32);
    // Run-time dims (AIC_DIM_DYNAMIC in the descriptor): their values, per
    // argument in order, for aicrt_exec_dims.
    SmallVector<Value> dims;
    for (Value buffer : call.args) {
      auto type = cast<MemRefType>(buffer.getType());
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (type.isDynamicDim(d))
          dims.push_back(rewriter.create<arith::IndexCastOp>(
              loc, rewriter.getI64Type(),
              rewriter.create<memref::DimOp>(loc, buffer, d)));
    }
    func::CallOp exec;
    if (dims.empty()) {
      exec = rewriter.create<func::CallOp>(
          loc, kExecFn, TypeRange{rewriter.getI32Type()},
          ValueRange{state, idValue, args, numArgs});
    } else {
      Value dimArray;
      {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointToStart(&func.getBody().front());
        Value count = rewriter.create<LLVM::ConstantOp>(
            loc, rewriter.getI32Type(), static_cast<int64_t>(dims.size()));
        dimArray = rewriter.create<LLVM::AllocaOp>(
            loc, ptrType, rewriter.getI64Type(), count);
      }
      for (auto [i, dim] : llvm::enumerate(dims)) {
        Value slot = rewriter.create<LLVM::GEPOp>(
            loc, ptrType, rewriter.getI64Type(), dimArray,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
        rewriter.create<LLVM::StoreOp>(loc, dim, slot);
      }
      Value numDims =
          rewriter.create<arith::ConstantIntOp>(loc, dims.size(), 32);
      exec = rewriter.create<func::CallOp>(
          loc, kExecDimsFn, TypeRange{rewriter.getI32Type()},
          ValueRange{state, idValue, args, numArgs, dimArray, numDims});
    }
    exec->setAttr(kStatusCall, rewriter.getUnitAttr());
    rewriter.eraseOp(op);
    return success();
  }

  std::vector<PrimitiveRecord> &records;
  Value state;
  LLVMTypeConverter converter;
};
} // namespace

func::FuncOp Lowering::declare(StringRef name, TypeRange args) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto fn = b.create<func::FuncOp>(module.getLoc(), name,
                                   b.getFunctionType(args, {i32}));
  fn.setPrivate();
  return fn;
}

LLVM::GlobalOp Lowering::constant(StringRef name, Type type, Attribute value) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  return b.create<LLVM::GlobalOp>(module.getLoc(), type, /*isConstant=*/true,
                                  LLVM::Linkage::Internal, name, value);
}

Value Lowering::stringGlobal(OpBuilder &at, StringRef name, StringRef text) {
  std::string data = text.str();
  data.push_back('\0');
  auto global =
      constant(name, LLVM::LLVMArrayType::get(b.getI8Type(), data.size()),
               b.getStringAttr(data));
  return at.create<LLVM::AddressOfOp>(module.getLoc(), global);
}

void Lowering::insertStatusChecks(func::FuncOp func) {
  Location loc = func.getLoc();
  Block *fail = new Block();
  func.getBody().push_back(fail);
  Value rc = fail->addArgument(i32, loc);
  OpBuilder::atBlockEnd(fail).create<func::ReturnOp>(loc, rc);
  SmallVector<func::CallOp> calls;
  func.walk([&](func::CallOp call) {
    if (call->hasAttr(kStatusCall))
      calls.push_back(call);
  });
  // From the last call back, so that each split moves only the ops up to
  // the next call (splitting from the front would move the rest of the
  // block every time: quadratic in the number of calls).
  for (func::CallOp call : llvm::reverse(calls)) {
    call->removeAttr(kStatusCall);
    Block *before = call->getBlock();
    Block *next = before->splitBlock(call->getNextNode());
    OpBuilder at = OpBuilder::atBlockEnd(before);
    Value zero = at.create<arith::ConstantIntOp>(call.getLoc(), 0, 32);
    Value failed = at.create<arith::CmpIOp>(
        call.getLoc(), arith::CmpIPredicate::ne, call.getResult(0), zero);
    at.create<cf::CondBranchOp>(call.getLoc(), failed, fail,
                                ValueRange{call.getResult(0)}, next,
                                ValueRange{});
  }
}

void Lowering::buildInit() {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  auto init = b.create<func::FuncOp>(loc, AIC_MODEL_INIT_SYMBOL,
                                     b.getFunctionType({ptrType}, {i32}));
  Block *entry = init.addEntryBlock();
  OpBuilder at = OpBuilder::atBlockEnd(entry);
  for (auto [id, record] : llvm::enumerate(records)) {
    auto descType = RankedTensorType::get(
        {static_cast<int64_t>(record.descriptor.size())}, i64);
    auto desc = constant(
        ("__aic_desc_" + Twine(id)).str(),
        LLVM::LLVMArrayType::get(i64, record.descriptor.size()),
        DenseElementsAttr::get(descType, ArrayRef<int64_t>(record.descriptor)));
    Value descPtr = at.create<LLVM::AddressOfOp>(record.loc, desc);
    Value name =
        stringGlobal(at, ("__aic_name_" + Twine(id)).str(), record.name);
    Value idValue = at.create<arith::ConstantIntOp>(record.loc, id, 32);
    Value len = at.create<arith::ConstantIntOp>(record.loc,
                                                record.descriptor.size(), 64);
    auto call = at.create<func::CallOp>(
        record.loc, kCreateFn, TypeRange{i32},
        ValueRange{init.getArgument(0), idValue, descPtr, len, name});
    call->setAttr(kStatusCall, b.getUnitAttr());
  }
  at.create<func::ReturnOp>(
      loc, ValueRange{at.create<arith::ConstantIntOp>(loc, 0, 32)});
  insertStatusChecks(init);
}

LogicalResult Lowering::buildRun(unsigned numInputs) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  Location loc = graph.getLoc();
  auto run = b.create<func::FuncOp>(
      loc, AIC_MODEL_RUN_SYMBOL,
      b.getFunctionType({ptrType, ptrType, ptrType, ptrType}, {i32}));
  Block *entry = run.addEntryBlock();
  b.setInsertionPointToEnd(entry);
  // Where each argument comes from: the table (1: inputs, 2: outputs) and
  // index; the arena is the rest.
  DenseMap<int64_t, int32_t> outputIndex;
  for (auto [k, slot] : llvm::enumerate(outputs))
    if (slot.arg >= 0)
      outputIndex[slot.arg] = k;
  SmallVector<Value> operands;
  unsigned numBuffers = graph.getNumArguments() - 1; // all but the state
  for (unsigned i = 0; i < numBuffers; ++i) {
    auto type = dyn_cast<MemRefType>(graph.getArgumentTypes()[i]);
    // Inputs may have symbolic dims, which each run gives.
    if (!type || (!type.hasStaticShape() && i >= numInputs) ||
        !type.getLayout().isIdentity())
      return graph.emitError()
             << "argument #" << i << " has type " << graph.getArgumentTypes()[i]
             << ", which the runtime cannot pass";
    Value ptr;
    auto out = outputIndex.find(i);
    if (i < numInputs || out != outputIndex.end()) {
      Value table = run.getArgument(i < numInputs ? 1 : 2);
      int32_t index = i < numInputs ? i : out->second;
      Value slot = b.create<LLVM::GEPOp>(loc, ptrType, ptrType, table,
                                         ArrayRef<LLVM::GEPArg>{index});
      ptr = b.create<LLVM::LoadOp>(loc, ptrType, slot);
    } else {
      ptr = run.getArgument(3); // the arena
    }
    if (!type.hasStaticShape()) {
      operands.push_back(runtimeShapedInput(run, i, type, ptr));
      continue;
    }
    Value desc =
        MemRefDescriptor::fromStaticShape(b, loc, typeConverter, type, ptr);
    operands.push_back(
        b.create<UnrealizedConversionCastOp>(loc, type, desc).getResult(0));
  }
  operands.push_back(run.getArgument(0));
  Value rc = b.create<func::CallOp>(loc, graph, operands).getResult(0);
  b.create<func::ReturnOp>(loc, rc);
  insertStatusChecks(run);
  return success();
}

Value Lowering::runtimeShapedInput(func::FuncOp run, unsigned index,
                                   MemRefType type, Value ptr) {
  Location loc = graph.getLoc();
  Value shape = b.create<LLVM::AllocaOp>(
      loc, ptrType, i64,
      b.create<LLVM::ConstantOp>(loc, i32,
                                 std::max<int64_t>(type.getRank(), 1)));
  Value indexValue = b.create<arith::ConstantIntOp>(loc, index, 32);
  auto call =
      b.create<func::CallOp>(loc, kInputShapeFn, TypeRange{i32},
                             ValueRange{run.getArgument(0), indexValue, shape});
  call->setAttr(kStatusCall, b.getUnitAttr());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d)) {
      sizes.push_back(b.create<LLVM::ConstantOp>(loc, i64, type.getDimSize(d)));
      continue;
    }
    Value slot =
        b.create<LLVM::GEPOp>(loc, ptrType, i64, shape,
                              ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(d)});
    sizes.push_back(b.create<LLVM::LoadOp>(loc, i64, slot));
  }
  return denseBuffer(b, loc, type, ptr, sizes);
}

LogicalResult Lowering::collectOutputs() {
  SmallVector<std::pair<int64_t, OutputSlot>> found;
  auto add = [&](Attribute index, Type type, DictionaryAttr attrs,
                 int64_t arg) {
    auto memref = dyn_cast<MemRefType>(type);
    if (!memref)
      return failure();
    // A unit attribute (hand-written IR): outputs in argument order.
    int64_t at = found.size();
    if (auto integer = dyn_cast<IntegerAttr>(index))
      at = integer.getInt();
    found.push_back({at, OutputSlot{memref, attrs, arg}});
    return success();
  };
  for (unsigned i = 0; i < graph.getNumArguments(); ++i)
    if (Attribute index = graph.getArgAttr(i, kOutputArgAttr))
      if (failed(add(index, graph.getArgumentTypes()[i],
                     graph.getArgAttrDict(i), i)))
        return graph.emitError()
               << "output argument #" << i << " is not a buffer";
  for (unsigned i = 0; i < graph.getNumResults(); ++i) {
    Attribute index = graph.getResultAttr(i, kOutputArgAttr);
    if (!index || failed(add(index, graph.getResultTypes()[i],
                             graph.getResultAttrDict(i), -1)))
      return graph.emitError() << "result #" << i
                               << " is not an output buffer (run "
                                  "aic-plan-memory first)";
  }
  llvm::stable_sort(
      found, [](const auto &x, const auto &y) { return x.first < y.first; });
  for (auto [k, entry] : llvm::enumerate(found)) {
    if (entry.first != static_cast<int64_t>(k))
      return graph.emitError() << "the outputs' 'aic.output' indices are not "
                                  "0 .. "
                               << found.size() - 1;
    outputs.push_back(entry.second);
  }
  return success();
}

LogicalResult Lowering::lowerChecks(Value state) {
  SmallVector<cf::AssertOp> asserts;
  graph.walk([&](cf::AssertOp op) { asserts.push_back(op); });
  if (asserts.empty())
    return success();
  declare(kCheckFn, {ptrType, i32, ptrType});
  for (auto [k, op] : llvm::enumerate(asserts)) {
    if (op->getParentRegion() != &graph.getBody())
      return op.emitError() << "expects the graph's control flow in blocks "
                               "(run convert-scf-to-cf first)";
    OpBuilder at(op);
    Location loc = op.getLoc();
    Value ok = at.create<arith::ExtUIOp>(loc, i32, op.getArg());
    Value message =
        stringGlobal(at, ("__aic_check_" + Twine(k)).str(), op.getMsg());
    auto call = at.create<func::CallOp>(loc, kCheckFn, TypeRange{i32},
                                        ValueRange{state, ok, message});
    call->setAttr(kStatusCall, at.getUnitAttr());
    op.erase();
  }
  return success();
}

Value Lowering::entrySlot(Type type, int64_t count) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&graph.getBody().front());
  Location loc = graph.getLoc();
  Value n = b.create<LLVM::ConstantOp>(loc, i32, std::max<int64_t>(count, 1));
  return b.create<LLVM::AllocaOp>(loc, ptrType, type, n);
}

LogicalResult Lowering::run() {
  Location loc = graph.getLoc();
  if (!module->hasAttr(kArenaSizeAttr))
    return module.emitError() << "expects the memory plan (run "
                                 "aic-plan-memory first)";
  unsigned numArgs = graph.getNumArguments();
  if (failed(collectOutputs()))
    return failure();
  unsigned numOutArgs = llvm::count_if(
      outputs, [](const OutputSlot &slot) { return slot.arg >= 0; });
  // A graph may have no output tensors when its outputs are all empty
  // sequences or absent optionals (see kOutputValuesAttr).
  bool hasOutputs = !outputs.empty() || graph->hasAttr(kOutputValuesAttr);
  if (numArgs < numOutArgs + 1 || !hasOutputs)
    return graph.emitError() << "expects inputs, outputs and the arena as "
                                "arguments, and outputs of a run-time shape "
                                "as results (run aic-plan-memory first)";
  unsigned numInputs = numArgs - numOutArgs - 1;

  // @main_graph gets the exec state and returns a status; it hands its
  // results to the runtime first.
  graph.insertArgument(numArgs, ptrType, {}, loc);
  Value state = graph.getArgument(numArgs);
  declare(kAllocFn, {ptrType, i64, ptrType});
  declare(kFreeFn, {ptrType, ptrType});
  declare(kOutputFn, {ptrType, i32, ptrType, ptrType});
  SmallVector<func::ReturnOp> returns;
  graph.walk([&](func::ReturnOp ret) { returns.push_back(ret); });
  for (func::ReturnOp ret : returns)
    handOverResults(ret, state);
  declare(kPlanFn, {ptrType, ptrType, ptrType, i32, i64, ptrType, ptrType});
  if (failed(lowerDynamicBuffers(state)) || failed(lowerPlans(state)))
    return failure();
  SmallVector<Type> argTypes(graph.getArgumentTypes());
  graph.removeResAttrsAttr();
  graph.setType(FunctionType::get(ctx, argTypes, {i32}));

  declare(kCreateFn, {ptrType, i32, ptrType, i64, ptrType});
  declare(kExecFn, {ptrType, i32, ptrType, i32});
  declare(kExecDimsFn, {ptrType, i32, ptrType, i32, ptrType, i32});
  declare(kInputShapeFn, {ptrType, i32, ptrType});

  if (failed(lowerChecks(state)))
    return failure();

  ConversionTarget target(*ctx);
  target.markUnknownOpDynamicallyLegal(
      [](Operation *op) { return !isa<RuntimePrimitive>(op); });
  RewritePatternSet patterns(ctx);
  patterns.add<PrimitiveToCall>(ctx, records, state);
  if (failed(applyPartialConversion(graph, target, std::move(patterns))))
    return failure();
  WalkResult leftover = graph.walk([&](Operation *op) {
    if (isa<AicDialect>(op->getDialect())) {
      op->emitError() << "'" << op->getName()
                      << "' has no lowering to the runtime";
      return WalkResult::interrupt();
    }
    if (op->hasAttr(kStatusCall) && op->getParentRegion() != &graph.getBody()) {
      op->emitError() << "expects the graph's control flow in blocks (run "
                         "convert-scf-to-cf first)";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (leftover.wasInterrupted())
    return failure();
  insertStatusChecks(graph);
  // Only the entry points of aic/abi.h are exported: func-to-llvm keeps the
  // linkage this attribute names (a private func.func would still become
  // an external symbol).
  graph.setPrivate();
  graph->setAttr("llvm.linkage",
                 LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  buildInit();
  if (failed(buildRun(numInputs)))
    return failure();
  return buildMetadata(numInputs);
}

namespace {
struct ConvertAicToRuntimePass
    : public aic::impl::ConvertAicToRuntimeBase<ConvertAicToRuntimePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp graph = getGraphFunc(module);
    if (!graph)
      return signalPassFailure();
    Lowering lowering(module, graph);
    if (failed(lowering.run()))
      signalPassFailure();
  }
};
} // namespace
