//===- Driver.cpp - Import and compile an ONNX file -----------------------===//
#include "Progress.h"

#include "aic/Compiler.h"
#include "passes/PassDetail.h"

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
  DiagnosticPrinter diagnostics(context, options.errors);
  Progress progress(options.progress, options.progressAfter,
                    1 + Progress::countStages(options.emit));
  mlir::OwningOpRef<mlir::ModuleOp> module;
  {
    Progress::Stage stage(progress, "Import");
    module = importOnnxFile(inputPath, context, options.import);
  }
  if (!module)
    return mlir::failure();
  if (result) {
    result->specializedInputs.clear();
    result->compositeInputs.clear();
    module->walk([&](mlir::func::FuncOp func) {
      // Graph input k is argument k unless a sequence or optional is passed
      // as several tensors (or none): then aic.input_values says which
      // arguments each input is.
      std::vector<unsigned> inputOfArg;
      auto values = func->getAttrOfType<mlir::ArrayAttr>(kInputValuesAttr);
      for (unsigned i = 0, e = values ? values.size() : 0; i < e; ++i) {
        auto entry = llvm::cast<mlir::DictionaryAttr>(values[i]);
        if (entry.getAs<mlir::IntegerAttr>("kind").getInt() != 0)
          result->compositeInputs.push_back(i);
        int64_t count = entry.getAs<mlir::IntegerAttr>("count").getInt();
        inputOfArg.insert(inputOfArg.end(), count, i);
      }
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
        if (func.getArgAttr(i, kValueAttr))
          result->specializedInputs.push_back(values ? inputOfArg[i] : i);
    });
  }
  return compileModule(*module, options, outputPath, progress);
}
