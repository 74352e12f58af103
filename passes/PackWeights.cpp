//===- PackWeights.cpp - Constant globals into one weights blob -----------===//
//
// The object emitter writes the blob straight into the library's read-only
// data; keeping weights out of the IR avoids printing or copying them through
// LLVM IR constants (models have hundreds of megabytes of them).
//
//===----------------------------------------------------------------------===//
#include "passes/PassDetail.h"
#include "passes/Passes.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"

namespace aic {
#define GEN_PASS_DEF_PACKWEIGHTS
#include "passes/Passes.h.inc"
} // namespace aic

using namespace mlir;
using namespace aic;

/// Copies the elements of `value` (of `type`) into `dst` as stored in memory.
static LogicalResult copyElements(memref::GlobalOp global, MemRefType type,
                                  Attribute value, char *dst, int64_t bytes) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || static_cast<int64_t>(blob->getData().size()) != bytes)
      return global.emitError()
             << "constant resource has no data or the wrong size for " << type;
    std::memcpy(dst, blob->getData().data(), bytes);
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return global.emitError() << "unsupported constant " << value;
  if (type.getElementType().isInteger(1)) {
    // Booleans are stored one byte each.
    for (auto [i, bit] : llvm::enumerate(dense.getValues<bool>()))
      dst[i] = bit;
    return success();
  }
  // A splat stores one element: repeat it.
  ArrayRef<char> raw = dense.getRawData();
  for (int64_t at = 0; at < bytes && !raw.empty(); at += raw.size())
    std::memcpy(dst + at, raw.data(),
                std::min<int64_t>(raw.size(), bytes - at));
  return success();
}

namespace {
struct PackWeightsPass : public aic::impl::PackWeightsBase<PackWeightsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    std::vector<char> blob;
    llvm::StringMap<int64_t> offsets;
    SmallVector<memref::GlobalOp> packed;
    for (auto global : module.getOps<memref::GlobalOp>()) {
      // String constants hold pointers: aic-lower-strings emits them.
      if (!global.getConstant() || !global.getInitialValue() ||
          isa<StringType>(global.getType().getElementType()))
        continue;
      MemRefType type = global.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        global.emitError() << "expects a dense, statically shaped constant";
        return signalPassFailure();
      }
      int64_t bytes = getNumBytes(type);
      int64_t offset = llvm::alignTo(blob.size(), kWeightAlignment);
      blob.resize(offset + bytes);
      if (failed(copyElements(global, type, *global.getInitialValue(),
                              blob.data() + offset, bytes)))
        return signalPassFailure();
      offsets[global.getSymName()] = offset;
      packed.push_back(global);
    }
    // The runtime and the emitter expect the global even without weights.
    blob.resize(std::max<size_t>(blob.size(), 1));

    OpBuilder b(ctx);
    b.setInsertionPointToStart(module.getBody());
    auto blobType =
        MemRefType::get({static_cast<int64_t>(blob.size())}, b.getI8Type());
    b.create<memref::GlobalOp>(
        module.getLoc(), kWeightsGlobal, b.getStringAttr("public"), blobType,
        Attribute(), /*constant=*/true, b.getI64IntegerAttr(kWeightAlignment));

    WalkResult walk = module.walk([&](memref::GetGlobalOp get) {
      auto it = offsets.find(get.getName());
      if (it == offsets.end())
        return WalkResult::advance();
      b.setInsertionPoint(get);
      Location loc = get.getLoc();
      Value base = b.create<memref::GetGlobalOp>(loc, blobType, kWeightsGlobal);
      Value offset = b.create<arith::ConstantIndexOp>(loc, it->second);
      Value view = b.create<memref::ViewOp>(loc, get.getType(), base, offset,
                                            ValueRange{});
      get.replaceAllUsesWith(view);
      get.erase();
      return WalkResult::advance();
    });
    (void)walk;
    for (memref::GlobalOp global : packed)
      global.erase();

    auto blobAttrType = RankedTensorType::get(
        {static_cast<int64_t>(blob.size())}, b.getIntegerType(8));
    auto data = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(blob), kWeightAlignment);
    module->setAttr(kWeightsAttr,
                    DenseResourceElementsAttr::get(blobAttrType, kWeightsGlobal,
                                                   std::move(data)));
  }
};
} // namespace
