//===- Compile.cpp - The compiler library for the Python module -----------===//
#include "Compile.h"

#include "aic/Compiler.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/raw_ostream.h"

#include <mutex>

bool aic::python::compile(const CompileRequest &request, std::string &errors) {
  // The pipelines read the pass manager's command-line options (as the
  // tools register them); left at their defaults here.
  static std::once_flag registered;
  std::call_once(registered, [] {
    mlir::registerPassManagerCLOptions();
    mlir::registerDefaultTimingManagerCLOptions();
  });
  llvm::raw_string_ostream os(errors);
  CompileOptions options;
  options.errors = &os;
  options.progress = request.progress;
  options.mcpu = request.mcpu;
  options.optLevel = request.optLevel;
  static const std::map<std::string, EmitKind> kinds = {
      {"aic", EmitKind::Aic},         {"opt", EmitKind::Opt},
      {"lowered", EmitKind::Lowered}, {"llvm", EmitKind::LLVM},
      {"obj", EmitKind::Obj},         {"lib", EmitKind::Lib}};
  auto kind = kinds.find(request.emit);
  if (kind == kinds.end()) {
    os << "error: unknown emit kind '" << request.emit
       << "' (aic, opt, lowered, llvm, obj or lib)\n";
    return false;
  }
  options.emit = kind->second;
  if (request.optLevel > 3) {
    os << "error: opt_level " << request.optLevel
       << " is not a level (use 0..3)\n";
    return false;
  }
  options.import.inputShapes = request.inputShapes;
  for (const std::string &spec : request.inputValues) {
    std::string error;
    if (!parseInputValue(spec, options.import, error)) {
      os << "error: " << error << "\n";
      return false;
    }
  }
  return succeeded(compileOnnxFile(request.model, options, request.output));
}
