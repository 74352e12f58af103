//===- ConstantsToGlobals.cpp - Tensor constants as memref globals --------===//
//
// One-shot bufferization turns each tensor arith.constant into a
// memref.global, but finds an equal global by scanning the module and names
// the new one through a symbol table built afresh for every constant:
// quadratic in the number of constants (8000 constants took seconds). This
// pass does the same translation once for the module, right before
// bufferization, with one symbol table and equal constants found by their
// uniqued attribute: each constant becomes a memref.get_global of a private
// constant global read through a restrict bufferization.to_tensor, which
// one-shot bufferization never writes (not writable).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace aic {
#define GEN_PASS_DEF_CONSTANTSTOGLOBALS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;

namespace {
struct ConstantsToGlobalsPass
    : public aic::impl::ConstantsToGlobalsBase<ConstantsToGlobalsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    llvm::DenseMap<Attribute, memref::GlobalOp> globals;
    int64_t counter = 0;
    OpBuilder b(module.getContext());
    module.walk([&](arith::ConstantOp constant) {
      auto type = dyn_cast<RankedTensorType>(constant.getType());
      if (!type || type.getEncoding())
        return;
      auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
      memref::GlobalOp &global = globals[constant.getValue()];
      if (!global) {
        std::string name;
        do
          name = "__aic_constant_" + std::to_string(counter++);
        while (symbols.lookup(name));
        b.setInsertionPointToStart(module.getBody());
        global = b.create<memref::GlobalOp>(
            constant.getLoc(), name, b.getStringAttr("private"), memrefType,
            constant.getValue(), /*constant=*/true,
            b.getI64IntegerAttr(kAlignment));
        symbols.insert(global);
      }
      b.setInsertionPoint(constant);
      Value buffer = b.create<memref::GetGlobalOp>(
          constant.getLoc(), memrefType, global.getSymName());
      Value tensor = b.create<bufferization::ToTensorOp>(
          constant.getLoc(), type, buffer, /*restrict=*/true);
      constant.replaceAllUsesWith(tensor);
      constant.erase();
    });
  }

  /// As one-shot bufferization's default buffer alignment.
  static constexpr int64_t kAlignment = 64;
};
} // namespace
