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
          result = escapeForDiagnostic(*file) + ": ";
        return result + "node '" + escapeForDiagnostic(name.getName()) + "' (" +
               escapeForDiagnostic(meta.getValue()) + ")";
      }
    }
  }
  // "name"("file":0:0): a graph input or initializer.
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (std::optional<StringRef> file = getModelFile(name.getChildLoc()))
      return escapeForDiagnostic(*file) + ": '" +
             escapeForDiagnostic(name.getName()) + "'";
  }
  if (std::optional<StringRef> file = getModelFile(loc))
    return escapeForDiagnostic(*file);
  std::string result;
  llvm::raw_string_ostream os(result);
  loc.print(os);
  return escapeForDiagnostic(result);
}

/// Appends `c` to `out` escaped if it is a control character (C-style
/// escapes, else \xNN).
static void appendEscaped(std::string &out, char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte != 0x7f) {
    out += c;
    return;
  }
  switch (c) {
  case '\n':
    out += "\\n";
    return;
  case '\r':
    out += "\\r";
    return;
  case '\t':
    out += "\\t";
    return;
  default:
    out += "\\x";
    out += llvm::hexdigit(byte >> 4, /*LowerCase=*/true);
    out += llvm::hexdigit(byte & 15, /*LowerCase=*/true);
  }
}

std::string aic::escapeForDiagnostic(StringRef text) {
  std::string result;
  result.reserve(text.size());
  for (char c : text)
    appendEscaped(result, c);
  return result;
}

std::string aic::oneLineForDiagnostic(StringRef text) {
  std::string result;
  bool quoted = false, pendingSpace = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\'')
      quoted = !quoted;
    if (!quoted && (c == '\n' || c == '\r')) {
      // Drop the line break and the indentation around it.
      while (!result.empty() && (result.back() == ' ' || result.back() == '\t'))
        result.pop_back();
      while (i + 1 < text.size() &&
             (text[i + 1] == ' ' || text[i + 1] == '\t' ||
              text[i + 1] == '\n' || text[i + 1] == '\r'))
        ++i;
      pendingSpace = !result.empty();
      continue;
    }
    if (pendingSpace) {
      result += ' ';
      pendingSpace = false;
    }
    appendEscaped(result, c);
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

std::string aic::formatDiagnostic(Diagnostic &diag) {
  std::string line = getSeverityName(diag.getSeverity()).str() + ": ";
  std::string where = describeLocation(diag.getLocation());
  if (!where.empty() && !isa<UnknownLoc>(diag.getLocation()))
    line += where + ": ";
  line += oneLineForDiagnostic(diag.str());
  for (Diagnostic &note : diag.getNotes()) {
    // The verifier's "see current operation: <IR>" would put a whole op
    // in generic form on the line; the location already names the node.
    if (StringRef(note.str()).starts_with("see current operation"))
      continue;
    line += "; ";
    if (note.getLocation() != diag.getLocation() &&
        !isa<UnknownLoc>(note.getLocation()))
      line += describeLocation(note.getLocation()) + ": ";
    line += oneLineForDiagnostic(note.str());
  }
  return line;
}

aic::DiagnosticPrinter::DiagnosticPrinter(MLIRContext &context,
                                          llvm::raw_ostream *os)
    : context(context) {
  llvm::raw_ostream &out = os ? *os : llvm::errs();
  id = context.getDiagEngine().registerHandler([&out](Diagnostic &diag) {
    out << formatDiagnostic(diag) << "\n";
    out.flush();
    return success();
  });
}

aic::DiagnosticPrinter::~DiagnosticPrinter() {
  context.getDiagEngine().eraseHandler(id);
}
