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
#include "dialects/Aic/AicDialect.h"
#include "dialects/Aic/RuntimePrimitive.h"
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Transforms/DialectConversion.h"

namespace aic {
#define GEN_PASS_DEF_CONVERTAICTORUNTIME
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

static constexpr llvm::StringLiteral kStatusCall = "aic.status";

/// The upstream LLVM type converter, plus the layout of a string element
/// (aic_string_t), which aic-lower-strings gives string buffers later.
static void addStringConversion(LLVMTypeConverter &converter) {
  converter.addConversion([](StringType type) -> Type {
    MLIRContext *ctx = type.getContext();
    return LLVM::LLVMStructType::getLiteral(
        ctx, {LLVM::LLVMPointerType::get(ctx), IntegerType::get(ctx, 64)});
  });
}
static constexpr llvm::StringLiteral kCreateFn = "aicrt_create";
static constexpr llvm::StringLiteral kExecFn = "aicrt_exec";
static constexpr llvm::StringLiteral kAllocFn = "aicrt_alloc";
static constexpr llvm::StringLiteral kFreeFn = "aicrt_free";
static constexpr llvm::StringLiteral kOutputFn = "aicrt_output";

namespace {
/// One primitive created by aic_model_init.
struct PrimitiveRecord {
  std::string name;
  std::vector<int64_t> descriptor;
  Location loc;
};

/// The ONNX node name of `loc`, if it carries one.
std::string nodeName(Location loc, int64_t id) {
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      loc = fused.getLocations().front();
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  return "node_" + std::to_string(id);
}

/// `buffer`'s first element as an !llvm.ptr, read from its LLVM descriptor
/// (the cast folds away once the buffer's producer is lowered). Going
/// through memref.extract_aligned_pointer_as_index instead would lose the
/// byte shift of a memref.view: expand-strided-metadata rewrites it to the
/// view's source.
Value pointerOf(OpBuilder &b, Location loc, Value buffer,
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
    Location loc = op->getLoc();
    int64_t id = records.size();
    records.push_back({nodeName(loc, id), call.descriptor, loc});

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
    auto exec = rewriter.create<func::CallOp>(
        loc, kExecFn, TypeRange{rewriter.getI32Type()},
        ValueRange{state, idValue, args, numArgs});
    exec->setAttr(kStatusCall, rewriter.getUnitAttr());
    rewriter.eraseOp(op);
    return success();
  }

  std::vector<PrimitiveRecord> &records;
  Value state;
  LLVMTypeConverter converter;
};

/// A graph output: an out-parameter (static shape) or a result (a run-time
/// dim), in the order of the graph's outputs.
struct OutputSlot {
  MemRefType type;
  DictionaryAttr attrs;
  /// The out-parameter's argument number, or -1 for a result.
  int64_t arg = -1;
};

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp graph)
      : module(module), graph(graph), ctx(module.getContext()), b(ctx),
        ptrType(LLVM::LLVMPointerType::get(ctx)), i32(b.getI32Type()),
        i64(b.getI64Type()), typeConverter(ctx) {
    addStringConversion(typeConverter);
  }

  LogicalResult run();

private:
  func::FuncOp declare(StringRef name, TypeRange args);
  LLVM::GlobalOp constant(StringRef name, Type type, Attribute value);
  Value stringGlobal(OpBuilder &at, StringRef name, StringRef text);
  /// Splits the block after each status-returning call and branches to a
  /// block returning the status when it is not zero.
  void insertStatusChecks(func::FuncOp func);
  void buildInit();
  LogicalResult buildRun(unsigned numInputs);
  LogicalResult buildMetadata(unsigned numInputs);
  /// The graph's outputs in order, from the `aic.output` attributes of
  /// @main_graph's out-parameters and results.
  LogicalResult collectOutputs();
  /// A stack slot of `count` values of `type` in @main_graph's entry block.
  Value entrySlot(Type type, int64_t count);
  /// Run-time sized buffers: memref.alloc becomes aicrt_alloc, memref.dealloc
  /// aicrt_free.
  LogicalResult lowerDynamicBuffers(Value state);
  /// Hands the results (outputs of a run-time shape) to the runtime with
  /// aicrt_output before `ret`, which then returns 0.
  void handOverResults(func::ReturnOp ret, Value state);
  /// The aic_model_value_meta array of @main_graph's attribute `attrName`
  /// (kind "input" or "output"), which must cover `numTensors` tensors;
  /// null with 0 values without the attribute.
  FailureOr<std::pair<LLVM::GlobalOp, unsigned>>
  buildValueTable(StringRef kind, StringRef attrName, unsigned numTensors);

  ModuleOp module;
  func::FuncOp graph;
  MLIRContext *ctx;
  OpBuilder b;
  Type ptrType;
  IntegerType i32, i64;
  LLVMTypeConverter typeConverter;
  std::vector<PrimitiveRecord> records;
  SmallVector<OutputSlot> outputs;
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
  for (func::CallOp call : calls) {
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
    if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
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
    Value desc =
        MemRefDescriptor::fromStaticShape(b, loc, typeConverter, type, ptr);
    operands.push_back(
        b.create<UnrealizedConversionCastOp>(loc, type, desc).getResult(0));
  }
  operands.push_back(run.getArgument(0));
  Value rc = b.create<func::CallOp>(loc, graph, operands).getResult(0);
  b.create<func::ReturnOp>(loc, rc);
  return success();
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

Value Lowering::entrySlot(Type type, int64_t count) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&graph.getBody().front());
  Location loc = graph.getLoc();
  Value n = b.create<LLVM::ConstantOp>(loc, i32, std::max<int64_t>(count, 1));
  return b.create<LLVM::AllocaOp>(loc, ptrType, type, n);
}

LogicalResult Lowering::lowerDynamicBuffers(Value state) {
  SmallVector<memref::AllocOp> allocs;
  SmallVector<memref::DeallocOp> deallocs;
  graph.walk([&](Operation *op) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op))
      allocs.push_back(alloc);
    else if (auto dealloc = dyn_cast<memref::DeallocOp>(op))
      deallocs.push_back(dealloc);
  });
  for (memref::AllocOp alloc : allocs) {
    MemRefType type = alloc.getType();
    if (type.hasStaticShape() || !type.getLayout().isIdentity())
      return alloc.emitError() << "expects the memory plan to place every "
                                  "statically shaped buffer, got "
                               << type;
    OpBuilder at(alloc);
    Location loc = alloc.getLoc();
    Type element = type.getElementType();
    int64_t elementBytes =
        isa<StringType>(element)
            ? 16
            : std::max<int64_t>(element.getIntOrFloatBitWidth() / 8, 1);
    SmallVector<Value> sizes;
    auto dynamicSizes = alloc.getDynamicSizes().begin();
    Value bytes = at.create<arith::ConstantIntOp>(loc, elementBytes, 64);
    for (int64_t d = 0; d < type.getRank(); ++d) {
      Value size =
          type.isDynamicDim(d)
              ? at.create<arith::IndexCastOp>(loc, i64, *dynamicSizes++)
                    .getResult()
              : at.create<arith::ConstantIntOp>(loc, type.getDimSize(d), 64)
                    .getResult();
      sizes.push_back(size);
      bytes = at.create<arith::MulIOp>(loc, bytes, size);
    }
    Value slot = entrySlot(ptrType, 1);
    auto call = at.create<func::CallOp>(loc, kAllocFn, TypeRange{i32},
                                        ValueRange{state, bytes, slot});
    call->setAttr(kStatusCall, b.getUnitAttr());
    Value ptr = at.create<LLVM::LoadOp>(loc, ptrType, slot);
    auto desc =
        MemRefDescriptor::undef(at, loc, typeConverter.convertType(type));
    desc.setAllocatedPtr(at, loc, ptr);
    desc.setAlignedPtr(at, loc, ptr);
    desc.setConstantOffset(at, loc, 0);
    Value stride = at.create<arith::ConstantIntOp>(loc, 1, 64);
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      desc.setSize(at, loc, d, sizes[d]);
      desc.setStride(at, loc, d, stride);
      stride = at.create<arith::MulIOp>(loc, stride, sizes[d]);
    }
    Value buffer = at.create<UnrealizedConversionCastOp>(loc, type, Value(desc))
                       .getResult(0);
    alloc.replaceAllUsesWith(buffer);
    alloc.erase();
  }
  for (memref::DeallocOp dealloc : deallocs) {
    OpBuilder at(dealloc);
    Location loc = dealloc.getLoc();
    Value memref = dealloc.getMemref();
    Type descType = typeConverter.convertType(memref.getType());
    MemRefDescriptor desc(
        at.create<UnrealizedConversionCastOp>(loc, descType, memref)
            .getResult(0));
    auto call =
        at.create<func::CallOp>(loc, kFreeFn, TypeRange{i32},
                                ValueRange{state, desc.allocatedPtr(at, loc)});
    call->setAttr(kStatusCall, b.getUnitAttr());
    dealloc.erase();
  }
  return success();
}

void Lowering::handOverResults(func::ReturnOp ret, Value state) {
  OpBuilder at(ret);
  Location loc = ret.getLoc();
  SmallVector<int64_t> resultIndex;
  for (auto [k, slot] : llvm::enumerate(outputs))
    if (slot.arg < 0)
      resultIndex.push_back(k);
  for (auto [r, value] : llvm::enumerate(ret.getOperands())) {
    auto type = cast<MemRefType>(value.getType());
    Type descType = typeConverter.convertType(type);
    MemRefDescriptor desc(
        at.create<UnrealizedConversionCastOp>(loc, descType, value)
            .getResult(0));
    Value shape = entrySlot(i64, type.getRank());
    for (int64_t d = 0; d < type.getRank(); ++d) {
      Value dim = at.create<arith::IndexCastOp>(
          loc, i64, at.create<memref::DimOp>(loc, value, d));
      Value slot = at.create<LLVM::GEPOp>(
          loc, ptrType, i64, shape,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(d)});
      at.create<LLVM::StoreOp>(loc, dim, slot);
    }
    Value index = at.create<arith::ConstantIntOp>(loc, resultIndex[r], 32);
    auto call = at.create<func::CallOp>(
        loc, kOutputFn, TypeRange{i32},
        ValueRange{state, index, desc.allocatedPtr(at, loc), shape});
    call->setAttr(kStatusCall, b.getUnitAttr());
  }
  ret->setOperands(ValueRange{at.create<arith::ConstantIntOp>(loc, 0, 32)});
}

FailureOr<std::pair<LLVM::GlobalOp, unsigned>>
Lowering::buildValueTable(StringRef kind, StringRef attrName,
                          unsigned numTensors) {
  auto values = graph->getAttrOfType<ArrayAttr>(attrName);
  if (!values)
    return std::make_pair(LLVM::GlobalOp(), 0u);
  Location loc = module.getLoc();
  auto valueType =
      LLVM::LLVMStructType::getLiteral(ctx, {ptrType, i32, i32, i32, i32, i32});
  auto arrayType = LLVM::LLVMArrayType::get(valueType, values.size());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto global = b.create<LLVM::GlobalOp>(
      loc, arrayType, /*isConstant=*/true, LLVM::Linkage::Internal,
      ("__aic_" + kind + "_values").str(), Attribute());
  OpBuilder at =
      OpBuilder::atBlockEnd(b.createBlock(&global.getInitializerRegion()));
  Value array = at.create<LLVM::UndefOp>(loc, arrayType);
  int64_t first = 0;
  for (auto [k, attr] : llvm::enumerate(values)) {
    auto dict = dyn_cast<DictionaryAttr>(attr);
    auto name = dict ? dict.getAs<StringAttr>("name") : StringAttr();
    auto valueKind = dict ? dict.getAs<IntegerAttr>("kind") : IntegerAttr();
    auto elemDtype =
        dict ? dict.getAs<IntegerAttr>("elem_dtype") : IntegerAttr();
    auto present = dict ? dict.getAs<BoolAttr>("present") : BoolAttr();
    auto count = dict ? dict.getAs<IntegerAttr>("count") : IntegerAttr();
    if (!name || !valueKind || !elemDtype || !present || !count ||
        count.getInt() < 0)
      return graph.emitError()
             << "'" << attrName << "' entry #" << k
             << " is not {name, kind, elem_dtype, present, count}";
    Value fields[] = {
        stringGlobal(at, ("__aic_" + kind + "_value_" + Twine(k)).str(),
                     name.getValue()),
        at.create<LLVM::ConstantOp>(loc, i32, valueKind.getInt()),
        at.create<LLVM::ConstantOp>(loc, i32, elemDtype.getInt()),
        at.create<LLVM::ConstantOp>(loc, i32, present.getValue() ? 1 : 0),
        at.create<LLVM::ConstantOp>(loc, i32, first),
        at.create<LLVM::ConstantOp>(loc, i32, count.getInt())};
    for (auto [f, value] : llvm::enumerate(fields))
      array = at.create<LLVM::InsertValueOp>(
          loc, array, value,
          ArrayRef<int64_t>{static_cast<int64_t>(k), static_cast<int64_t>(f)});
    first += count.getInt();
  }
  if (first != numTensors)
    return graph.emitError()
           << "'" << attrName << "' covers " << first
           << " tensors, the graph has " << numTensors << " " << kind << "s";
  at.create<LLVM::ReturnOp>(loc, array);
  return std::make_pair(global, static_cast<unsigned>(values.size()));
}

LogicalResult Lowering::buildMetadata(unsigned numInputs) {
  Location loc = module.getLoc();
  auto tensorType = LLVM::LLVMStructType::getLiteral(
      ctx, {ptrType, i32, i32, ptrType, ptrType});
  auto metaType = LLVM::LLVMStructType::getLiteral(
      ctx,
      {i32, i32, i32, i32, i64, ptrType, ptrType, i32, i32, ptrType, ptrType});

  // The aic_model_tensor_meta array of `tensors`: buffer types and the
  // attributes of the arguments or results they are.
  using TensorEntry = std::pair<MemRefType, DictionaryAttr>;
  auto table = [&](StringRef kind,
                   ArrayRef<TensorEntry> tensors) -> LLVM::GlobalOp {
    unsigned count = tensors.size();
    if (count == 0)
      return {};
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    auto arrayType = LLVM::LLVMArrayType::get(tensorType, count);
    auto global = b.create<LLVM::GlobalOp>(
        loc, arrayType, /*isConstant=*/true, LLVM::Linkage::Internal,
        ("__aic_" + kind + "s").str(), Attribute());
    OpBuilder at =
        OpBuilder::atBlockEnd(b.createBlock(&global.getInitializerRegion()));
    Value array = at.create<LLVM::UndefOp>(loc, arrayType);
    for (unsigned k = 0; k < count; ++k) {
      auto [type, attrs] = tensors[k];
      std::string name = (kind + "_" + Twine(k)).str();
      if (auto attr = attrs ? attrs.getAs<StringAttr>(kNameAttr) : nullptr)
        name = attr.str();
      std::string prefix = ("__aic_" + kind + "_" + Twine(k)).str();
      Value namePtr = stringGlobal(at, prefix + "_name", name);
      int64_t dtype = getDtypeCode(type.getElementType(),
                                   attrs && attrs.get(kUnsignedAttr));
      Value shapePtr;
      if (type.getRank() == 0) {
        shapePtr = at.create<LLVM::ZeroOp>(loc, ptrType);
      } else {
        // A run-time dim is AIC_DIM_DYNAMIC in the contract.
        SmallVector<int64_t> dims;
        for (int64_t dim : type.getShape())
          dims.push_back(ShapedType::isDynamic(dim) ? AIC_DIM_DYNAMIC : dim);
        auto shapeType = RankedTensorType::get({type.getRank()}, i64);
        auto shape = constant(
            prefix + "_shape", LLVM::LLVMArrayType::get(i64, type.getRank()),
            DenseElementsAttr::get(shapeType, ArrayRef<int64_t>(dims)));
        shapePtr = at.create<LLVM::AddressOfOp>(loc, shape);
      }
      // The value an input was specialized for (aic.value), as the caller
      // passes it: booleans one byte each.
      Value valuePtr = at.create<LLVM::ZeroOp>(loc, ptrType);
      if (auto value =
              attrs ? attrs.getAs<DenseElementsAttr>(kValueAttr) : nullptr) {
        SmallVector<char> bytes;
        if (value.getElementType().isInteger(1)) {
          for (bool bit : value.getValues<bool>())
            bytes.push_back(bit);
        } else {
          ArrayRef<char> raw = value.getRawData();
          for (int64_t i = 0, e = value.isSplat() ? value.getNumElements() : 1;
               i < e; ++i)
            llvm::append_range(bytes, raw);
        }
        auto bytesType = RankedTensorType::get(
            {static_cast<int64_t>(bytes.size())}, b.getI8Type());
        auto global =
            constant(prefix + "_value",
                     LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size()),
                     DenseElementsAttr::getFromRawBuffer(bytesType, bytes));
        valuePtr = at.create<LLVM::AddressOfOp>(loc, global);
      }
      Value fields[] = {namePtr, at.create<LLVM::ConstantOp>(loc, i32, dtype),
                        at.create<LLVM::ConstantOp>(loc, i32, type.getRank()),
                        shapePtr, valuePtr};
      for (auto [f, value] : llvm::enumerate(fields))
        array = at.create<LLVM::InsertValueOp>(
            loc, array, value, ArrayRef<int64_t>{k, static_cast<int64_t>(f)});
    }
    at.create<LLVM::ReturnOp>(loc, array);
    return global;
  };
  SmallVector<TensorEntry> inputEntries, outputEntries;
  for (unsigned i = 0; i < numInputs; ++i)
    inputEntries.push_back({cast<MemRefType>(graph.getArgumentTypes()[i]),
                            graph.getArgAttrDict(i)});
  for (const OutputSlot &slot : outputs)
    outputEntries.push_back({slot.type, slot.attrs});
  unsigned numOutputs = outputs.size();
  LLVM::GlobalOp inputTable = table("input", inputEntries);
  LLVM::GlobalOp outputTable = table("output", outputEntries);
  auto inputValues = buildValueTable("input", kInputValuesAttr, numInputs);
  auto outputValues = buildValueTable("output", kOutputValuesAttr, numOutputs);
  if (failed(inputValues) || failed(outputValues))
    return failure();

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto meta = b.create<LLVM::GlobalOp>(loc, metaType, /*isConstant=*/true,
                                       LLVM::Linkage::External,
                                       AIC_MODEL_META_SYMBOL, Attribute());
  OpBuilder at =
      OpBuilder::atBlockEnd(b.createBlock(&meta.getInitializerRegion()));
  auto arena = module->getAttrOfType<IntegerAttr>(kArenaSizeAttr);
  auto ptrTo = [&](LLVM::GlobalOp global) -> Value {
    if (!global)
      return at.create<LLVM::ZeroOp>(loc, ptrType);
    return at.create<LLVM::AddressOfOp>(loc, global);
  };
  Value fields[] = {at.create<LLVM::ConstantOp>(loc, i32, AIC_ABI_VERSION),
                    at.create<LLVM::ConstantOp>(loc, i32, numInputs),
                    at.create<LLVM::ConstantOp>(loc, i32, numOutputs),
                    at.create<LLVM::ConstantOp>(loc, i32, records.size()),
                    at.create<LLVM::ConstantOp>(loc, i64, arena.getInt()),
                    ptrTo(inputTable),
                    ptrTo(outputTable),
                    at.create<LLVM::ConstantOp>(loc, i32, inputValues->second),
                    at.create<LLVM::ConstantOp>(loc, i32, outputValues->second),
                    ptrTo(inputValues->first),
                    ptrTo(outputValues->first)};
  Value value = at.create<LLVM::UndefOp>(loc, metaType);
  for (auto [f, field] : llvm::enumerate(fields))
    value = at.create<LLVM::InsertValueOp>(
        loc, value, field, ArrayRef<int64_t>{static_cast<int64_t>(f)});
  at.create<LLVM::ReturnOp>(loc, value);
  return success();
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
  if (failed(lowerDynamicBuffers(state)))
    return failure();
  SmallVector<Type> argTypes(graph.getArgumentTypes());
  graph.removeResAttrsAttr();
  graph.setType(FunctionType::get(ctx, argTypes, {i32}));

  declare(kCreateFn, {ptrType, i32, ptrType, i64, ptrType});
  declare(kExecFn, {ptrType, i32, ptrType, i32});

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
