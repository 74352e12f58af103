//===- Compile.h - The compiler library for the Python module ---*- C++ -*-===//
//
// Keeps MLIR's and LLVM's headers out of the pybind11 binding: this bridge
// is the only code of the module that sees include/aic/Compiler.h, and it
// takes and gives plain standard-library types.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_PYTHON_COMPILE_H
#define AIC_PYTHON_COMPILE_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace aic::python {

struct CompileRequest {
  std::string model;        // .onnx or .onnxtxt
  std::string output;       // the library (or IR / object for other emit kinds)
  std::string emit = "lib"; // aic | opt | lowered | llvm | obj | lib
  std::map<std::string, std::vector<int64_t>> inputShapes;
  std::vector<std::string> inputValues; // "NAME=FILE.pb" or "NAME=V0,V1"
  std::string mcpu;
  unsigned optLevel = 3;
  bool progress = false;
};

/// Compiles in-process; returns false with every diagnostic in `errors`
/// (one per line, as aic-compile prints them).
bool compile(const CompileRequest &request, std::string &errors);

} // namespace aic::python

#endif // AIC_PYTHON_COMPILE_H
