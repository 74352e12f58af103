//===- GraphFunc.cpp - Finding the graph function -------------------------===//
#include "passes/PassDetail.h"

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
