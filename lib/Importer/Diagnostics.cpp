//===- Diagnostics.cpp - One-line diagnostics keyed by ONNX nodes ---------===//
//
// Compiler errors on a model should read like any compiler's: one line per
// error, naming the file and the ONNX node, never a dump of IR.
//
//===----------------------------------------------------------------------===//
#include "aic/Compiler.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

/// The file of a whole-model location "<file>":0:0, if `loc` is one.
static std::optional<StringRef> getModelFile(Location loc) {
  auto fileLoc = dyn_cast<FileLineColLoc>(loc);
  if (!fileLoc || fileLoc.getLine() != 0)
    return std::nullopt;
  return fileLoc.getFilename().getValue();
}

std::string aic::describeLocation(Location loc) {
  // fused<"OpType, opset N">["node"("file":0:0)]: an ONNX node.
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    auto meta = dyn_cast_or_null<StringAttr>(fused.getMetadata());
    if (meta && fused.getLocations().size() == 1) {
      if (auto name = dyn_cast<NameLoc>(fused.getLocations().front())) {
        std::string result;
        if (std::optional<StringRef> file = getModelFile(name.getChildLoc()))
          result = file->str() + ": ";
        return result + "node '" + name.getName().str() + "' (" +
               meta.getValue().str() + ")";
      }
    }
  }
  // "name"("file":0:0): a graph input or initializer.
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (std::optional<StringRef> file = getModelFile(name.getChildLoc()))
      return file->str() + ": '" + name.getName().str() + "'";
  }
  if (std::optional<StringRef> file = getModelFile(loc))
    return file->str();
  std::string result;
  llvm::raw_string_ostream os(result);
  loc.print(os);
  return result;
}

/// Joins lines: a diagnostic is printed on exactly one line.
static std::string flatten(StringRef text) {
  std::string result;
  for (StringRef line : llvm::split(text, '\n')) {
    line = line.trim();
    if (line.empty())
      continue;
    if (!result.empty())
      result += ' ';
    result += line.str();
  }
  return result;
}

static StringRef getSeverityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

aic::DiagnosticPrinter::DiagnosticPrinter(MLIRContext &context,
                                          llvm::raw_ostream *os)
    : context(context) {
  llvm::raw_ostream &out = os ? *os : llvm::errs();
  id = context.getDiagEngine().registerHandler([&out](Diagnostic &diag) {
    std::string line = getSeverityName(diag.getSeverity()).str() + ": ";
    std::string where = describeLocation(diag.getLocation());
    if (!where.empty() && !isa<UnknownLoc>(diag.getLocation()))
      line += where + ": ";
    line += flatten(diag.str());
    for (Diagnostic &note : diag.getNotes()) {
      // The verifier's "see current operation: <IR>" would put a whole op
      // in generic form on the line; the location already names the node.
      if (StringRef(note.str()).starts_with("see current operation"))
        continue;
      line += "; ";
      if (note.getLocation() != diag.getLocation() &&
          !isa<UnknownLoc>(note.getLocation()))
        line += describeLocation(note.getLocation()) + ": ";
      line += flatten(note.str());
    }
    out << line << "\n";
    out.flush();
    return success();
  });
}

aic::DiagnosticPrinter::~DiagnosticPrinter() {
  context.getDiagEngine().eraseHandler(id);
}
