//===- FuzzSupport.h - Shared pieces of the compiler fuzz harnesses -------===//
//
// What the importer and pipeline harnesses share: a private scratch folder
// for the model file (the importer reads paths, and external data is looked
// up beside the model), a fresh single-threaded MLIRContext per input, and
// the oracle. Besides crashes and sanitizer reports, the oracle turns these
// into findings (abort with a message):
//   - a failure with no error diagnostic (a silent failure),
//   - an error diagnostic that is not one line,
//   - a module that fails the MLIR verifier after a successful import.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_FUZZ_FUZZSUPPORT_H
#define AIC_FUZZ_FUZZSUPPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace aicfuzz {

/// Writes `size` bytes to `<scratch folder>/model.onnx` and returns the path.
/// The folder holds nothing else.
std::string writeModelFile(const uint8_t *data, size_t size);

/// A context with every dialect the pipelines use, threading disabled, whose
/// diagnostics are counted and checked instead of printed.
class FuzzContext {
public:
  FuzzContext();
  ~FuzzContext();
  mlir::MLIRContext &get() { return *context; }
  /// Aborts (a finding) unless an error was reported; `what` names the step.
  void expectError(const char *what) const;

private:
  std::unique_ptr<mlir::MLIRContext> context;
  int errors = 0;
  std::string lastError; // with its location, for findings

  friend mlir::OwningOpRef<mlir::ModuleOp>
  importChecked(const std::string &path, FuzzContext &context);
};

/// Imports the model at `path` under the oracle: a null result must come
/// with an error, a module must verify.
mlir::OwningOpRef<mlir::ModuleOp> importChecked(const std::string &path,
                                                FuzzContext &context);

/// Prints a finding and aborts, so that libFuzzer saves the input.
[[noreturn]] void finding(const std::string &message);

} // namespace aicfuzz

#endif // AIC_FUZZ_FUZZSUPPORT_H
