//===- aic-compile.cpp - Compile an ONNX model to a shared library --------===//
#include "aic/Compiler.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

using namespace llvm;

static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx|model.onnxtxt>"));
static cl::opt<std::string> outputPath("o", cl::desc("output file"),
                                       cl::value_desc("path"), cl::init("-"));
static cl::opt<aic::EmitKind>
    emit("emit", cl::desc("what to produce"), cl::init(aic::EmitKind::Lib),
         cl::values(clEnumValN(aic::EmitKind::Aic, "aic", "imported aic IR"),
                    clEnumValN(aic::EmitKind::Opt, "opt", "optimized aic IR"),
                    clEnumValN(aic::EmitKind::Lowered, "lowered",
                               "IR lowered to runtime calls and loops"),
                    clEnumValN(aic::EmitKind::LLVM, "llvm", "LLVM IR"),
                    clEnumValN(aic::EmitKind::Obj, "obj", "object file"),
                    clEnumValN(aic::EmitKind::Lib, "lib",
                               "shared library (default)")));
static cl::opt<unsigned> optLevel("O", cl::Prefix, cl::init(3),
                                  cl::desc("LLVM optimization level 0-3"));
static cl::opt<std::string> mcpu("mcpu", cl::desc("target CPU (default: host)"),
                                 cl::init(""));
static cl::opt<bool> verbose("v", cl::desc("print the memory plan"));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "aic ahead-of-time ONNX compiler\n");
  if (optLevel > 3) {
    errs() << "error: -O" << optLevel << " is not a level (use -O0..-O3)\n";
    return 1;
  }
  bool binary = emit == aic::EmitKind::Obj || emit == aic::EmitKind::Lib;
  if (binary && outputPath == "-") {
    errs() << "error: -o is required for --emit=obj and --emit=lib\n";
    return 1;
  }

  aic::CompileOptions options;
  options.emit = emit;
  options.optLevel = optLevel;
  options.mcpu = mcpu;
  options.verbose = verbose;
  return failed(aic::compileOnnxFile(inputPath, options, outputPath)) ? 1 : 0;
}
