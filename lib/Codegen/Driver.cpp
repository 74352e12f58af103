//===- Driver.cpp - Import and compile an ONNX file -----------------------===//
#include "aic/Compiler.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

mlir::LogicalResult aic::compileOnnxFile(llvm::StringRef inputPath,
                                         const CompileOptions &options,
                                         llvm::StringRef outputPath) {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  DiagnosticPrinter diagnostics(context);
  auto module = importOnnxFile(inputPath, context, options.import);
  if (!module)
    return mlir::failure();
  return compileModule(*module, options, outputPath);
}
