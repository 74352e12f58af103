//===- LowerStrings.cpp - !aic.string to its in-memory form ---------------===//
//
// A string element is aic_string_t ({const char *, size_t}, aic/runtime.h).
// The upstream *-to-llvm conversions know nothing of !aic.string, so this
// pass gives it that layout first: constant string globals become LLVM
// globals (the bytes, and a table of {pointer, size} into them), and the
// element type becomes complex<i64>, which they lower to {i64, i64}, the
// same layout. Nothing computes on string elements in compiled code: it
// only moves them (copies, views, selects) and passes them to the runtime.
//
//===----------------------------------------------------------------------===//
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/IR/AttrTypeSubElements.h"

namespace aic {
#define GEN_PASS_DEF_LOWERSTRINGS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

namespace {

/// The LLVM globals of string constant `global`: its bytes and the table of
/// {pointer, size}, which is returned.
FailureOr<LLVM::GlobalOp> emitTable(memref::GlobalOp global, OpBuilder &b) {
  auto init = global.getInitialValue()
                  ? dyn_cast<DenseStringElementsAttr>(*global.getInitialValue())
                  : DenseStringElementsAttr();
  if (!init || !global.getConstant() || !global.getType().hasStaticShape())
    return global.emitError()
           << "expects a constant, statically shaped string tensor";
  Location loc = global.getLoc();
  MLIRContext *ctx = b.getContext();
  Type i8 = b.getI8Type(), i64 = b.getI64Type();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);

  std::string bytes;
  SmallVector<std::pair<int64_t, int64_t>> spans;
  for (StringRef s : init.getValues<StringRef>()) {
    spans.push_back(
        {static_cast<int64_t>(bytes.size()), static_cast<int64_t>(s.size())});
    bytes += s.str();
  }
  bytes.push_back('\0'); // never an empty array
  std::string base = ("__aic_str_" + global.getSymName()).str();
  auto bytesGlobal = b.create<LLVM::GlobalOp>(
      loc, LLVM::LLVMArrayType::get(i8, bytes.size()), /*isConstant=*/true,
      LLVM::Linkage::Internal, base + "_bytes", b.getStringAttr(bytes));

  auto entryType = LLVM::LLVMStructType::getLiteral(ctx, {ptrType, i64});
  auto tableType = LLVM::LLVMArrayType::get(entryType, spans.size());
  auto table = b.create<LLVM::GlobalOp>(loc, tableType, /*isConstant=*/true,
                                        LLVM::Linkage::Internal,
                                        base + "_table", Attribute(),
                                        /*alignment=*/16);
  OpBuilder::InsertionGuard guard(b);
  b.createBlock(&table.getInitializerRegion());
  Value array = b.create<LLVM::UndefOp>(loc, tableType);
  Value start = b.create<LLVM::AddressOfOp>(loc, bytesGlobal);
  for (auto [i, span] : llvm::enumerate(spans)) {
    Value ptr = b.create<LLVM::GEPOp>(
        loc, ptrType, i8, start,
        ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(span.first)});
    Value size = b.create<LLVM::ConstantOp>(loc, i64, span.second);
    int64_t at = static_cast<int64_t>(i);
    array = b.create<LLVM::InsertValueOp>(loc, array, ptr,
                                          ArrayRef<int64_t>{at, 0});
    array = b.create<LLVM::InsertValueOp>(loc, array, size,
                                          ArrayRef<int64_t>{at, 1});
  }
  b.create<LLVM::ReturnOp>(loc, array);
  return table;
}

struct LowerStringsPass : public aic::impl::LowerStringsBase<LowerStringsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    Type lowered = ComplexType::get(IntegerType::get(ctx, 64));
    OpBuilder b(ctx);

    llvm::StringMap<LLVM::GlobalOp> tables;
    for (auto global :
         llvm::make_early_inc_range(module.getOps<memref::GlobalOp>())) {
      if (!isa<StringType>(global.getType().getElementType()))
        continue;
      b.setInsertionPoint(global);
      FailureOr<LLVM::GlobalOp> table = emitTable(global, b);
      if (failed(table))
        return signalPassFailure();
      tables[global.getSymName()] = *table;
      global.erase();
    }

    // Each use of a constant becomes a descriptor on its table.
    LLVMTypeConverter converter(ctx);
    WalkResult walk = module.walk([&](memref::GetGlobalOp get) {
      if (!isa<StringType>(get.getType().getElementType()))
        return WalkResult::advance();
      auto it = tables.find(get.getName());
      if (it == tables.end()) {
        get.emitError() << "reads a string global that is not a constant";
        return WalkResult::interrupt();
      }
      b.setInsertionPoint(get);
      Location loc = get.getLoc();
      Value ptr = b.create<LLVM::AddressOfOp>(loc, it->second);
      Value desc = MemRefDescriptor::fromStaticShape(
          b, loc, converter, cast<MemRefType>(get.getType().clone(lowered)),
          ptr);
      Value buffer =
          b.create<UnrealizedConversionCastOp>(loc, get.getType(), desc)
              .getResult(0);
      get.replaceAllUsesWith(buffer);
      get.erase();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    AttrTypeReplacer replacer;
    replacer.addReplacement([&](StringType) -> Type { return lowered; });
    replacer.recursivelyReplaceElementsIn(module, /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/true);
  }
};

} // namespace
