//===- Driver.cpp - Import and compile an ONNX file -----------------------===//
#include "aic/Compiler.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

mlir::LogicalResult aic::compileOnnxFile(llvm::StringRef inputPath,
                                         const CompileOptions &options,
                                         llvm::StringRef outputPath,
                                         CompileResult *result) {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  DiagnosticPrinter diagnostics(context);
  auto module = importOnnxFile(inputPath, context, options.import);
  if (!module)
    return mlir::failure();
  if (result) {
    result->specializedInputs.clear();
    module->walk([&](mlir::func::FuncOp func) {
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
        if (func.getArgAttr(i, "aic.value"))
          result->specializedInputs.push_back(i);
    });
  }
  return compileModule(*module, options, outputPath);
}
