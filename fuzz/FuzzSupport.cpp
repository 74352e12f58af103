//===- FuzzSupport.cpp - Shared pieces of the compiler fuzz harnesses -----===//
#include "FuzzSupport.h"
#include "aic/Compiler.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

using namespace mlir;

namespace {

/// The scratch folder, created on first use and removed at exit.
const std::string &scratchDir() {
  static const std::string dir = [] {
    llvm::SmallString<128> path;
    if (llvm::sys::fs::createUniqueDirectory("aic-fuzz", path))
      aicfuzz::finding("cannot create a scratch folder");
    std::string result(path.str());
    static std::string toRemove = result;
    std::atexit([] { llvm::sys::fs::remove_directories(toRemove); });
    return result;
  }();
  return dir;
}

} // namespace

void aicfuzz::finding(const std::string &message) {
  std::fprintf(stderr, "aic-fuzz finding: %s\n", message.c_str());
  // libFuzzer saves the input from its crash handler; a copy here survives
  // a handler that does not get that far.
  llvm::SmallString<128> model(scratchDir());
  llvm::sys::path::append(model, "model.onnx");
  std::string copy = "aic-fuzz-finding-" + std::to_string(getpid()) + ".onnx";
  if (!llvm::sys::fs::copy_file(model, copy))
    std::fprintf(stderr, "aic-fuzz finding: input copied to %s\n",
                 copy.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string aicfuzz::writeModelFile(const uint8_t *data, size_t size) {
  // The folder is made again if something removed it (a /tmp cleaner on a
  // long run): losing it is not a finding.
  if (std::error_code ec = llvm::sys::fs::create_directories(scratchDir()))
    finding("cannot create " + scratchDir() + ": " + ec.message());
  llvm::SmallString<128> path(scratchDir());
  llvm::sys::path::append(path, "model.onnx");
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    finding("cannot write " + std::string(path.str()) + ": " + ec.message());
  os.write(reinterpret_cast<const char *>(data), size);
  os.close();
  if (os.has_error())
    finding("cannot write " + std::string(path.str()));
  return std::string(path.str());
}

aicfuzz::FuzzContext::FuzzContext() {
  DialectRegistry registry;
  aic::registerAllDialects(registry);
  context =
      std::make_unique<MLIRContext>(registry, MLIRContext::Threading::DISABLED);
  context->loadAllAvailableDialects();
  context->getDiagEngine().registerHandler([this](Diagnostic &diag) {
    if (diag.getSeverity() != DiagnosticSeverity::Error)
      return success();
    ++errors;
    // What the tools print: one line, whatever the names in the model.
    std::string line = aic::formatDiagnostic(diag);
    if (diag.str().empty() ||
        llvm::any_of(line, [](char c) { return c == '\n' || c == '\r'; }))
      finding("an error that is not one line: '" + line + "'");
    lastError = line;
    if (std::getenv("AIC_FUZZ_PRINT_ERRORS"))
      llvm::errs() << lastError << "\n";
    return success();
  });
}

aicfuzz::FuzzContext::~FuzzContext() = default;

void aicfuzz::FuzzContext::expectError(const char *what) const {
  if (errors == 0)
    finding(std::string(what) + " failed without an error");
}

OwningOpRef<ModuleOp> aicfuzz::importChecked(const std::string &path,
                                             FuzzContext &context) {
  OwningOpRef<ModuleOp> module = aic::importOnnxFile(path, context.get());
  if (!module) {
    context.expectError("import");
    return nullptr;
  }
  if (failed(verify(*module)))
    finding("the imported module does not verify: " + context.lastError);
  return module;
}
