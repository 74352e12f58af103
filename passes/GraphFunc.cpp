//===- GraphFunc.cpp - Helpers shared by aic passes -----------------------===//
#include "passes/PassDetail.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

func::FuncOp aic::getGraphFunc(ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>(kGraphFunc);
  if (!func || func.isExternal()) {
    module.emitError() << "expects a func.func @" << kGraphFunc
                       << " with a body";
    return {};
  }
  return func;
}

Value aic::sliceBatchEntry(OpBuilder &b, Location loc, Value v, Value index) {
  auto type = cast<MemRefType>(v.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1)};
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  offsets[0] = index;
  for (int64_t d = 1; d < type.getRank(); ++d)
    sizes.push_back(type.isDynamicDim(d)
                        ? OpFoldResult(b.create<memref::DimOp>(loc, v, d))
                        : OpFoldResult(b.getIndexAttr(type.getDimSize(d))));
  return b.create<memref::SubViewOp>(loc, v, offsets, sizes, strides);
}
