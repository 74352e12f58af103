//===- aic-opt.cpp - MLIR pass driver with the aic dialect and passes -----===//
#include "aic/Compiler.h"
#include "dialects/Aic/AicDialect.h"
#include "passes/Passes.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  aic::registerAllDialects(registry);
  aic::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "aic optimizer driver\n", registry));
}
