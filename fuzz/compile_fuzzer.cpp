//===- compile_fuzzer.cpp - The whole pipeline on small hostile models ----===//
//
// Import, graph optimization, memory planning and runtime lowering, LLVM
// lowering and translation to LLVM IR, in process (the system linker is not
// run). Inputs are mutated like hostile_fuzzer's. Every stage must succeed
// or fail with a one-line error.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"
#include "ModelMutator.h"
#include "aic/Compiler.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  return aicfuzz::mutateSerializedModel(data, size, maxSize, seed);
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // compileModule applies these options, as aic-compile does; registered
  // here with their defaults (libFuzzer's flags are not passed to them).
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  aicfuzz::FuzzContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      aicfuzz::importChecked(aicfuzz::writeModelFile(data, size), context);
  if (!module)
    return 0;
  aic::CompileOptions options;
  options.emit = aic::EmitKind::LLVM;
  options.optLevel = 0;
  if (mlir::failed(aic::compileModule(*module, options, "/dev/null")))
    context.expectError("compilation");
  return 0;
}
