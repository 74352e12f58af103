//===- aic-compile.cpp - Compile an ONNX model to a shared library --------===//
#include "aic/Compiler.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

using namespace llvm;

static cl::OptionCategory toolOptions("aic-compile options");

static cl::opt<std::string> inputPath(cl::Positional,
                                      cl::desc("<model.onnx|model.onnxtxt>"),
                                      cl::cat(toolOptions));
static cl::opt<std::string>
    outputPath("o",
               cl::desc("output file (default: stdout for IR; beside the "
                        "model MODEL.o / MODEL.so / libMODEL.a / MODEL.h for "
                        "obj / lib / static / header)"),
               cl::value_desc("path"), cl::cat(toolOptions));
static cl::opt<aic::EmitKind>
    emit("emit", cl::desc("what to produce"), cl::init(aic::EmitKind::Lib),
         cl::values(clEnumValN(aic::EmitKind::Aic, "aic", "imported aic IR"),
                    clEnumValN(aic::EmitKind::Opt, "opt", "optimized aic IR"),
                    clEnumValN(aic::EmitKind::Lowered, "lowered",
                               "IR lowered to runtime calls and loops"),
                    clEnumValN(aic::EmitKind::LLVM, "llvm", "LLVM IR"),
                    clEnumValN(aic::EmitKind::Obj, "obj", "object file"),
                    clEnumValN(aic::EmitKind::Lib, "lib",
                               "shared library (default)"),
                    clEnumValN(aic::EmitKind::Static, "static",
                               "static archive of the object, entry points "
                               "named after --name"),
                    clEnumValN(aic::EmitKind::Header, "header",
                               "typed C/C++ header of the model (--name)")),
         cl::cat(toolOptions));
static cl::opt<std::string> modelName(
    "name",
    cl::desc("the model's name, a C identifier: entry points "
             "aic_NAME_meta/_init/_run (renamed in obj and static, added to "
             "lib), header functions NAME_load/NAME_run (default for static "
             "and header: the model file's stem)"),
    cl::value_desc("NAME"), cl::cat(toolOptions));
static cl::opt<unsigned> optLevel("O", cl::Prefix, cl::init(3),
                                  cl::desc("LLVM optimization level 0-3"),
                                  cl::cat(toolOptions));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("shape of an input with symbolic dims, e.g. "
                         "image=1x3x224x224 (repeatable)"),
                cl::value_desc("NAME=D0xD1..."), cl::cat(toolOptions));
static cl::list<std::string> inputValues(
    "input-value",
    cl::desc("value of an input that determines shapes, as a TensorProto "
             "file or inline (k=3, axes=0,2); the library accepts only this "
             "value; for a sequence or optional input a SequenceProto or "
             "OptionalProto file, whose length or presence and element "
             "shapes the library is compiled for (repeatable)"),
    cl::value_desc("NAME=FILE.pb|NAME=V0,V1..."), cl::cat(toolOptions));
static cl::opt<int64_t> maxTensorBytes(
    "max-tensor-bytes",
    cl::desc("largest tensor a model may ask for (inputs, initializers, "
             "computed values); larger is an error"),
    cl::init(aic::ImportOptions::kDefaultMaxTensorBytes), cl::cat(toolOptions));
static cl::opt<int64_t> rnnGeneratedMaxMacs(
    "rnn-generated-max-macs",
    cl::desc("RNN/GRU/LSTM layers with at most this many multiply-adds per "
             "step's matrix product become generated code rather than "
             "oneDNN's RNN primitive (0: oneDNN wherever it applies)"),
    cl::init(aic::ImportOptions::kDefaultMaxGeneratedRnnStepMacs),
    cl::cat(toolOptions));
static cl::opt<int64_t>
    maxRank("max-rank",
            cl::desc("most dims a tensor of the model may have (inputs, "
                     "initializers, computed values); more is an error"),
            cl::init(aic::ImportOptions::kDefaultMaxRank),
            cl::cat(toolOptions));
static cl::opt<std::string> mcpu("mcpu", cl::desc("target CPU (default: host)"),
                                 cl::init(""), cl::cat(toolOptions));
static cl::opt<bool>
    listOps("list-ops",
            cl::desc("print the supported ONNX operators (Markdown table)"),
            cl::cat(toolOptions));
enum class ProgressMode { Auto, Always, Never };
static cl::opt<ProgressMode> progress(
    "progress", cl::desc("a line per stage on stderr"),
    cl::init(ProgressMode::Auto),
    cl::values(clEnumValN(ProgressMode::Auto, "auto",
                          "on a terminal, once compiling takes over a second "
                          "(default)"),
               clEnumValN(ProgressMode::Always, "always", "for every stage"),
               clEnumValN(ProgressMode::Never, "never", "none")),
    cl::cat(toolOptions));
static cl::opt<bool> verbose("v", cl::desc("print the memory plan"),
                             cl::cat(toolOptions));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  aic::hideUnrelatedOptions(toolOptions);
  cl::ParseCommandLineOptions(argc, argv, "aic ahead-of-time ONNX compiler\n");
  if (listOps) {
    aic::printOperatorTable(outs());
    return 0;
  }
  if (inputPath.empty()) {
    errs() << "error: no input model (see --help)\n";
    return 1;
  }
  if (optLevel > 3) {
    errs() << "error: -O" << optLevel << " is not a level (use -O0..-O3)\n";
    return 1;
  }
  std::string output = outputPath;
  if (output.empty()) {
    SmallString<128> path(inputPath.getValue());
    if (emit == aic::EmitKind::Lib)
      sys::path::replace_extension(path, "so");
    else if (emit == aic::EmitKind::Obj)
      sys::path::replace_extension(path, "o");
    else if (emit == aic::EmitKind::Header)
      sys::path::replace_extension(path, "h");
    else if (emit == aic::EmitKind::Static) {
      path = sys::path::parent_path(inputPath.getValue());
      sys::path::append(path, "lib" + sys::path::stem(inputPath) + ".a");
    } else
      path = "-";
    output = std::string(path);
  }
  bool binary = emit == aic::EmitKind::Obj || emit == aic::EmitKind::Lib ||
                emit == aic::EmitKind::Static;
  if (binary && output == "-") {
    errs() << "error: cannot write an object file or library to stdout\n";
    return 1;
  }

  aic::CompileOptions options;
  if (maxTensorBytes <= 0) {
    errs() << "error: --max-tensor-bytes must be positive\n";
    return 1;
  }
  options.import.maxTensorBytes = maxTensorBytes;
  if (rnnGeneratedMaxMacs < 0) {
    errs() << "error: --rnn-generated-max-macs must not be negative\n";
    return 1;
  }
  options.import.maxGeneratedRnnStepMacs = rnnGeneratedMaxMacs;
  if (maxRank < 0) {
    errs() << "error: --max-rank must not be negative\n";
    return 1;
  }
  options.import.maxRank = maxRank;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (!aic::parseInputShape(spec, options.import, error)) {
      errs() << "error: " << error << "\n";
      return 1;
    }
  }
  for (const std::string &spec : inputValues) {
    std::string error;
    if (!aic::parseInputValue(spec, options.import, error)) {
      errs() << "error: " << error << "\n";
      return 1;
    }
  }
  options.emit = emit;
  options.name = modelName;
  if (options.name.empty() &&
      (emit == aic::EmitKind::Static || emit == aic::EmitKind::Header))
    options.name = aic::modelNameFromPath(inputPath);
  options.optLevel = optLevel;
  options.mcpu = mcpu;
  options.verbose = verbose;
  options.progress = progress == ProgressMode::Always ||
                     (progress == ProgressMode::Auto &&
                      sys::Process::StandardErrIsDisplayed());
  if (progress == ProgressMode::Always)
    options.progressAfter = 0;
  return failed(aic::compileOnnxFile(inputPath, options, output)) ? 1 : 0;
}
