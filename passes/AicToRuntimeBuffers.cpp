//===- AicToRuntimeBuffers.cpp - Run-time sizes in AicToRuntime -----------===//
//
// Buffers of a run-time size become aicrt_alloc/aicrt_free calls, the plan
// aic-plan-memory evaluates per shape becomes an aicrt_plan call, and the
// outputs of a run-time shape are handed to the runtime (aicrt_output).
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/RuntimePrimitive.h"
#include "passes/AicToRuntime.h"

using namespace mlir;
using namespace aic;
using namespace aic::lowering;

Value Lowering::denseBuffer(OpBuilder &at, Location loc, MemRefType type,
                            Value ptr, ArrayRef<Value> sizes) {
  auto desc = MemRefDescriptor::undef(at, loc, typeConverter.convertType(type));
  desc.setAllocatedPtr(at, loc, ptr);
  desc.setAlignedPtr(at, loc, ptr);
  desc.setConstantOffset(at, loc, 0);
  Value stride = at.create<LLVM::ConstantOp>(loc, i64, 1);
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    desc.setSize(at, loc, d, sizes[d]);
    desc.setStride(at, loc, d, stride);
    stride = at.create<LLVM::MulOp>(loc, stride, sizes[d]);
  }
  return at.create<UnrealizedConversionCastOp>(loc, type, Value(desc))
      .getResult(0);
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
    alloc.replaceAllUsesWith(denseBuffer(at, loc, type, ptr, sizes));
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

LogicalResult Lowering::lowerPlans(Value state) {
  SmallVector<func::CallOp> calls;
  graph.walk([&](func::CallOp call) {
    if (call.getCallee() == kPlanFunc)
      calls.push_back(call);
  });
  for (auto [k, call] : llvm::enumerate(calls)) {
    auto ranges = call->getAttrOfType<DenseI64ArrayAttr>(kPlanRangesAttr);
    auto alignment = call->getAttrOfType<IntegerAttr>(kPlanAlignmentAttr);
    auto type = call.getNumResults() == 1
                    ? dyn_cast<MemRefType>(call.getResult(0).getType())
                    : MemRefType();
    if (!ranges || ranges.empty() || ranges.size() % 2 || !alignment ||
        call.getNumOperands() != 2 || !type || type.getRank() != 1)
      return call.emitError()
             << "expects a plan call (sizes, offsets) -> "
                "arena with '"
             << kPlanRangesAttr << "' and '" << kPlanAlignmentAttr << "'";
    int64_t n = ranges.size() / 2;
    OpBuilder at(call);
    Location loc = call.getLoc();
    Value sizes = pointerOf(at, loc, call.getOperand(0), typeConverter);
    Value offsets = pointerOf(at, loc, call.getOperand(1), typeConverter);
    auto rangesType = RankedTensorType::get({2 * n}, i64);
    auto global =
        constant(("__aic_plan_ranges_" + Twine(k)).str(),
                 LLVM::LLVMArrayType::get(i64, 2 * n),
                 DenseElementsAttr::get(rangesType, ranges.asArrayRef()));
    Value slot = entrySlot(ptrType, 1);
    auto plan = at.create<func::CallOp>(
        loc, kPlanFn, TypeRange{i32},
        ValueRange{state, sizes, at.create<LLVM::AddressOfOp>(loc, global),
                   at.create<arith::ConstantIntOp>(loc, n, 32),
                   at.create<arith::ConstantIntOp>(loc, alignment.getInt(), 64),
                   offsets, slot});
    plan->setAttr(kStatusCall, b.getUnitAttr());
    Value arena = at.create<LLVM::LoadOp>(loc, ptrType, slot);
    Value bytesSlot =
        at.create<LLVM::GEPOp>(loc, ptrType, i64, offsets,
                               ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(n)});
    Value bytes = at.create<LLVM::LoadOp>(loc, i64, bytesSlot);
    Value buffer = denseBuffer(at, loc, type, arena, {bytes});
    call.getResult(0).replaceAllUsesWith(buffer);
    call.erase();
  }
  if (auto decl = module.lookupSymbol<func::FuncOp>(kPlanFunc))
    decl.erase();
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
