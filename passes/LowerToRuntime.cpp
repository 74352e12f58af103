//===- LowerToRuntime.cpp - Lower planned aic ops to libaicrt calls -------===//
//
// Produces the entry points of aic/abi.h from @main_graph: descriptors as
// constant globals, aic_model_init creating each primitive once, and
// aic_model_run executing them on pointers derived from the memory plan.
// Ops without a primitive become linalg ops on memref views of the same
// buffers, which the LLVM pipeline turns into loops.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "passes/ElementwiseLoops.h"
#include "passes/PassDetail.h"
#include "passes/Passes.h"
#include "passes/RuntimeDescriptors.h"

#include "aic/abi.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace aic {
#define GEN_PASS_DEF_LOWERTORUNTIME
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

static constexpr int64_t kWeightAlignment = 64;
static constexpr llvm::StringLiteral kWeightsGlobal = "__aic_weights";
/// Module attribute carrying the packed weights for the object emitter.
static constexpr llvm::StringLiteral kWeightsAttr = "aic.weights";

namespace {
class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp graph)
      : module(module), graph(graph), ctx(module.getContext()),
        b(module.getContext()), ptrType(LLVM::LLVMPointerType::get(ctx)),
        i32(b.getI32Type()), i64(b.getI64Type()), typeConverter(ctx) {}

  LogicalResult run();

private:
  LogicalResult packWeights();
  LogicalResult buildMetadata();
  func::FuncOp declare(StringRef name, TypeRange args);
  LLVM::GlobalOp constantGlobal(StringRef name, Type type, Attribute value);
  Value i32Const(OpBuilder &at, int64_t v) {
    return at.create<arith::ConstantIntOp>(graph.getLoc(), v, 32);
  }
  /// Branches to the failure block when `rc` is non-zero and continues in a
  /// new block.
  void checkStatus(OpBuilder &at, Location loc, Value rc, Block *fail);
  /// The pointer to the buffer of tensor `v`, computed in the prologue.
  Value pointerOf(Value v);
  Value memrefOf(Location loc, Value v);
  LogicalResult lowerOp(Operation *op, Value args, Block *fail);

  ModuleOp module;
  func::FuncOp graph;
  MLIRContext *ctx;
  OpBuilder b;
  Type ptrType;
  IntegerType i32, i64;
  LLVMTypeConverter typeConverter;

  std::vector<char> weights;
  DenseMap<Value, int64_t> weightOffset;
  int64_t numPrimitives = 0;
  int64_t maxArgs = 1;

  func::FuncOp initFunc, runFunc, createFn, execFn;
  OpBuilder prologue{ctx}, initBuilder{ctx};
  Block *initFail = nullptr;
  DenseMap<Value, Value> pointers;
};
} // namespace

LogicalResult Lowering::packWeights() {
  for (auto c : graph.getOps<ConstantOp>()) {
    auto type = cast<ShapedType>(c.getType());
    int64_t bytes = tensorBytes(type);
    int64_t offset = llvm::alignTo(weights.size(), kWeightAlignment);
    weights.resize(offset + bytes);
    char *dst = weights.data() + offset;
    Attribute value = c.getValue();
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      if (!blob || static_cast<int64_t>(blob->getData().size()) != bytes)
        return c.emitError() << "constant resource has no data or the wrong "
                                "size for "
                             << type;
      std::memcpy(dst, blob->getData().data(), bytes);
    } else if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      if (type.getElementType().isInteger(1)) {
        for (auto [i, bit] : llvm::enumerate(dense.getValues<bool>()))
          dst[i] = bit;
      } else {
        // A splat stores one element: repeat it.
        ArrayRef<char> raw = dense.getRawData();
        for (int64_t at = 0; at < bytes && !raw.empty(); at += raw.size())
          std::memcpy(dst + at, raw.data(),
                      std::min<int64_t>(raw.size(), bytes - at));
      }
    } else {
      return c.emitError() << "unsupported constant attribute " << value;
    }
    weightOffset[c.getResult()] = offset;
  }
  return success();
}

func::FuncOp Lowering::declare(StringRef name, TypeRange args) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto fn = b.create<func::FuncOp>(graph.getLoc(), name,
                                   b.getFunctionType(args, {i32}));
  fn.setPrivate();
  return fn;
}

LLVM::GlobalOp Lowering::constantGlobal(StringRef name, Type type,
                                        Attribute value) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  return b.create<LLVM::GlobalOp>(graph.getLoc(), type, /*isConstant=*/true,
                                  LLVM::Linkage::Internal, name, value);
}

LogicalResult Lowering::buildMetadata() {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto arena = module->getAttrOfType<IntegerAttr>(kArenaSizeAttr);
  os << "aic-model " << AIC_ABI_VERSION << "\narena "
     << (arena ? arena.getInt() : 0) << "\nprimitives " << numPrimitives
     << "\n";
  auto record = [&](StringRef kind, StringRef fallback, unsigned index,
                    DictionaryAttr attrs, Type type) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape() ||
        !dtypeCode(tensor.getElementType()))
      return graph.emitError() << kind << " #" << index << " has type " << type
                               << ", which the runtime cannot pass";
    std::string name = (fallback + Twine(index)).str();
    if (auto attr = attrs ? attrs.getAs<StringAttr>(kNameAttr) : StringAttr())
      name = attr.str();
    os << kind << " " << name.size() << " " << name << " "
       << dtypeCode(tensor.getElementType()) << " " << tensor.getRank();
    for (int64_t d : tensor.getShape())
      os << " " << d;
    os << "\n";
    return success();
  };
  for (unsigned i = 0; i < graph.getNumArguments(); ++i)
    if (failed(record("input", "input_", i, graph.getArgAttrDict(i),
                      graph.getArgumentTypes()[i])))
      return failure();
  for (unsigned i = 0; i < graph.getNumResults(); ++i)
    if (failed(record("output", "output_", i, graph.getResultAttrDict(i),
                      graph.getResultTypes()[i])))
      return failure();
  text.push_back('\0');
  auto global =
      constantGlobal(AIC_MODEL_META_SYMBOL,
                     LLVM::LLVMArrayType::get(b.getI8Type(), text.size()),
                     b.getStringAttr(text));
  global.setLinkage(LLVM::Linkage::External);
  return success();
}

void Lowering::checkStatus(OpBuilder &at, Location loc, Value rc, Block *fail) {
  Block *current = at.getInsertionBlock();
  Block *next = new Block();
  next->insertAfter(current);
  Value zero = i32Const(at, 0);
  Value failed =
      at.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, rc, zero);
  at.create<cf::CondBranchOp>(loc, failed, fail, ValueRange{rc}, next,
                              ValueRange{});
  at.setInsertionPointToStart(next);
}

Value Lowering::pointerOf(Value v) {
  v = getStorageRoot(v);
  if (Value p = pointers.lookup(v))
    return p;
  Location loc = graph.getLoc();
  Block &entry = runFunc.getBody().front();
  auto loadSlot = [&](Value table, int64_t index) -> Value {
    Value slot = prologue.create<LLVM::GEPOp>(loc, ptrType, ptrType, table,
                                              ArrayRef<LLVM::GEPArg>{index});
    return prologue.create<LLVM::LoadOp>(loc, ptrType, slot);
  };
  auto byteOffset = [&](Value base, int64_t offset) -> Value {
    return prologue.create<LLVM::GEPOp>(loc, ptrType, b.getI8Type(), base,
                                        ArrayRef<LLVM::GEPArg>{offset});
  };
  Value p;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    p = loadSlot(entry.getArgument(1), arg.getArgNumber());
  } else if (weightOffset.count(v)) {
    Value base =
        prologue.create<LLVM::AddressOfOp>(loc, ptrType, kWeightsGlobal);
    p = byteOffset(base, weightOffset.lookup(v));
  } else if (auto slot =
                 v.getDefiningOp()->getAttrOfType<IntegerAttr>(kOutputAttr)) {
    p = loadSlot(entry.getArgument(2), slot.getInt());
  } else {
    auto offset = v.getDefiningOp()->getAttrOfType<IntegerAttr>(kOffsetAttr);
    p = byteOffset(entry.getArgument(3), offset.getInt());
  }
  pointers[v] = p;
  return p;
}

Value Lowering::memrefOf(Location loc, Value v) {
  auto tensor = cast<RankedTensorType>(v.getType());
  // Loops compute on signless integers (arith has no unsigned types).
  Type elementType = tensor.getElementType();
  if (elementType.isUnsignedInteger())
    elementType = b.getIntegerType(elementType.getIntOrFloatBitWidth());
  auto type = MemRefType::get(tensor.getShape(), elementType);
  Value ptr = pointerOf(v);
  Value desc =
      MemRefDescriptor::fromStaticShape(b, loc, typeConverter, type, ptr);
  return b.create<UnrealizedConversionCastOp>(loc, type, desc).getResult(0);
}

LogicalResult Lowering::lowerOp(Operation *op, Value args, Block *fail) {
  Location loc = op->getLoc();
  if (isa<ConstantOp, ReshapeOp>(op))
    return success();
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    Value src = memrefOf(loc, transpose.getInput());
    Value dst = memrefOf(loc, transpose.getOutput());
    b.create<linalg::TransposeOp>(loc, src, dst, transpose.getPerm());
    return success();
  }
  if (auto ret = dyn_cast<func::ReturnOp>(op)) {
    // Outputs not computed in place are copied into the caller's buffers.
    for (auto [k, v] : llvm::enumerate(ret.getOperands())) {
      Operation *def = getStorageRoot(v).getDefiningOp();
      auto slot =
          def ? def->getAttrOfType<IntegerAttr>(kOutputAttr) : IntegerAttr();
      if (slot && slot.getInt() == static_cast<int64_t>(k))
        continue;
      Value src = pointerOf(v);
      Value dst = prologue.create<LLVM::LoadOp>(
          loc, ptrType,
          prologue.create<LLVM::GEPOp>(
              loc, ptrType, ptrType, runFunc.getArgument(2),
              ArrayRef<LLVM::GEPArg>{static_cast<int64_t>(k)}));
      Value len = b.create<LLVM::ConstantOp>(
          loc, i64, tensorBytes(cast<ShapedType>(v.getType())));
      b.create<LLVM::MemcpyOp>(loc, dst, src, len, /*isVolatile=*/false);
    }
    b.create<func::ReturnOp>(loc, i32Const(b, 0));
    return success();
  }
  if (needsElementwiseLoops(op)) {
    SmallVector<Value> inputs;
    for (Value operand : op->getOperands())
      inputs.push_back(memrefOf(loc, operand));
    return buildElementwiseLoops(b, op, inputs,
                                 memrefOf(loc, op->getResult(0)));
  }
  if (!isRuntimePrimitive(op))
    return op->emitError() << "cannot lower '" << op->getName()
                           << "' to the runtime";

  FailureOr<PrimitiveCall> call = encodePrimitive(op);
  if (failed(call))
    return failure();
  int64_t id = numPrimitives++;
  maxArgs = std::max<int64_t>(maxArgs, call->args.size());

  // Descriptor and name globals, and the create call in init.
  std::string name = "node_" + std::to_string(id);
  Location inner = loc;
  if (auto fused = dyn_cast<FusedLoc>(loc))
    inner = fused.getLocations().front();
  if (auto named = dyn_cast<NameLoc>(inner))
    name = named.getName().str();
  auto descType = RankedTensorType::get(
      {static_cast<int64_t>(call->descriptor.size())}, i64);
  auto descGlobal = constantGlobal(
      ("__aic_desc_" + Twine(id)).str(),
      LLVM::LLVMArrayType::get(i64, call->descriptor.size()),
      DenseElementsAttr::get(descType, ArrayRef<int64_t>(call->descriptor)));
  name.push_back('\0');
  auto nameGlobal =
      constantGlobal(("__aic_name_" + Twine(id)).str(),
                     LLVM::LLVMArrayType::get(b.getI8Type(), name.size()),
                     b.getStringAttr(name));
  Value desc = initBuilder.create<LLVM::AddressOfOp>(loc, descGlobal);
  Value nameP = initBuilder.create<LLVM::AddressOfOp>(loc, nameGlobal);
  Value len = initBuilder.create<arith::ConstantIntOp>(
      loc, call->descriptor.size(), 64);
  Value rc = initBuilder
                 .create<func::CallOp>(loc, createFn,
                                       ValueRange{initFunc.getArgument(0),
                                                  i32Const(initBuilder, id),
                                                  desc, len, nameP})
                 .getResult(0);
  checkStatus(initBuilder, loc, rc, initFail);

  // Store the argument pointers and execute it in run.
  for (auto [i, v] : llvm::enumerate(call->args)) {
    Value slot =
        b.create<LLVM::GEPOp>(loc, ptrType, ptrType, args,
                              ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
    b.create<LLVM::StoreOp>(loc, pointerOf(v), slot);
  }
  Value execRc =
      b.create<func::CallOp>(loc, execFn,
                             ValueRange{runFunc.getArgument(0), i32Const(b, id),
                                        args, i32Const(b, call->args.size())})
          .getResult(0);
  checkStatus(b, loc, execRc, fail);
  return success();
}

LogicalResult Lowering::run() {
  Location loc = graph.getLoc();
  if (!module->hasAttr(kArenaSizeAttr))
    return module.emitError() << "expects the memory plan (run aic-plan-memory "
                                 "first)";
  if (failed(packWeights()))
    return failure();

  createFn = declare("aicrt_create", {ptrType, i32, ptrType, i64, ptrType});
  execFn = declare("aicrt_exec", {ptrType, i32, ptrType, i32});

  // Each entry point has a shared failure block returning the status.
  auto makeEntry = [&](StringRef name, unsigned numPtrArgs, Block *&fail) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    SmallVector<Type> argTypes(numPtrArgs, ptrType);
    auto fn =
        b.create<func::FuncOp>(loc, name, b.getFunctionType(argTypes, {i32}));
    fn.addEntryBlock();
    fail = b.createBlock(&fn.getBody(), fn.getBody().end(), {i32}, {loc});
    b.create<func::ReturnOp>(loc, fail->getArgument(0));
    return fn;
  };
  Block *runFail;
  initFunc = makeEntry(AIC_MODEL_INIT_SYMBOL, 1, initFail);
  runFunc = makeEntry(AIC_MODEL_RUN_SYMBOL, 4, runFail);
  initBuilder.setInsertionPointToEnd(&initFunc.getBody().front());

  // Run: a prologue block computes every pointer once, then the body.
  Block *runEntry = &runFunc.getBody().front();
  Block *body = new Block();
  body->insertBefore(runFail);
  prologue.setInsertionPointToEnd(runEntry);
  b.setInsertionPointToEnd(body);
  Value args = b.create<LLVM::AllocaOp>(loc, ptrType, ptrType,
                                        i32Const(b, 1)); // resized below
  Operation *argsAlloca = args.getDefiningOp();

  for (Operation &op : graph.getBody().front())
    if (failed(lowerOp(&op, args, runFail)))
      return failure();

  // The argument array lives in the prologue with its final size.
  prologue.setInsertionPointToEnd(runEntry);
  Value argsArray = prologue.create<LLVM::AllocaOp>(
      loc, ptrType, ptrType, i32Const(prologue, maxArgs));
  args.replaceAllUsesWith(argsArray);
  Operation *size = argsAlloca->getOperand(0).getDefiningOp();
  argsAlloca->erase();
  size->erase();
  prologue.create<cf::BranchOp>(loc, body);
  initBuilder.create<func::ReturnOp>(loc, i32Const(initBuilder, 0));

  if (failed(buildMetadata()))
    return failure();

  // Weights: an external global filled in by the object emitter from the
  // module attribute, so no pass has to print or copy them as IR constants.
  OpBuilder mb(ctx);
  mb.setInsertionPointToEnd(module.getBody());
  auto weightsType = LLVM::LLVMArrayType::get(
      mb.getI8Type(), std::max<size_t>(weights.size(), 1));
  mb.create<LLVM::GlobalOp>(loc, weightsType, /*isConstant=*/true,
                            LLVM::Linkage::External, kWeightsGlobal,
                            Attribute(), kWeightAlignment);
  weights.resize(std::max<size_t>(weights.size(), 1));
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(weights), kWeightAlignment);
  auto blobType = RankedTensorType::get({static_cast<int64_t>(weights.size())},
                                        mb.getIntegerType(8));
  module->setAttr(kWeightsAttr, DenseResourceElementsAttr::get(
                                    blobType, kWeightsGlobal, std::move(blob)));
  graph.erase();
  return success();
}

namespace {
struct LowerToRuntimePass
    : public aic::impl::LowerToRuntimeBase<LowerToRuntimePass> {
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
