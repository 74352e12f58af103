//===- aic/Compiler.h - The aic compiler library API ------------*- C++ -*-===//
//
// What the tools (and anyone embedding the compiler) call: import an ONNX
// model into the aic dialect, run the optimization and lowering pipelines,
// and emit LLVM IR, an object file or a shared library.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_COMPILER_H
#define AIC_COMPILER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
namespace cl {
class OptionCategory;
} // namespace cl
} // namespace llvm

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace aic {

/// Registers the aic dialect and every upstream dialect the pipelines use.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers the aic passes and the upstream passes the pipelines use, so
/// aic-opt can run any of them.
void registerAllPasses();

/// Makes --help list only the tool's own options (those in `tool`) and
/// MLIR's IR-printing and timing options; libLLVM's hundreds of others stay
/// usable but move to --help-hidden.
void hideUnrelatedOptions(llvm::cl::OptionCategory &tool);

//===----------------------------------------------------------------------===//
// Importer (lib/Importer)
//===----------------------------------------------------------------------===//

/// How to read a model beyond what its file says.
struct ImportOptions {
  /// Shapes for graph inputs whose dims are symbolic (e.g. a dynamic batch):
  /// name -> full shape. A given dim must agree with any static dim.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Values for graph inputs that determine shapes (e.g. Slice starts fed
  /// as an input): name -> a TensorProto file (a SequenceProto or
  /// OptionalProto for a sequence or optional input, giving its length or
  /// presence and element shapes), or the elements inline
  /// ("3" or "0,2,-1", typed and shaped like the input). The importer uses
  /// a value only where an operator needs a constant; the library then
  /// accepts no other value of that input (a run-time error), and the
  /// input is marked `aic.value` in the IR.
  std::map<std::string, std::string> inputValues;
  /// A folder of input_K.pb TensorProtos for the graph's inputs in order
  /// (aic-run's --inputs): each fixes its input's symbolic dims and, up to
  /// 1 MiB, serves as its --input-value (unless one is given by name). A
  /// sequence or optional input's file is an ONNX SequenceProto or
  /// OptionalProto, which gives its length or presence and its elements'
  /// shapes (the library is compiled for them).
  std::string inputValuesDir;
  /// The largest tensor the model may ask for, in bytes: a graph input, an
  /// initializer or a value computed by a node (a huge dim, an Expand or
  /// Tile chain, a ConstantOfShape). Larger ones are a compile-time error
  /// naming the input or node, before anything is allocated for them.
  int64_t maxTensorBytes = kDefaultMaxTensorBytes;
  static constexpr int64_t kDefaultMaxTensorBytes = int64_t(8) << 30;
  /// RNN, GRU and LSTM layers whose per-step matrix product (batch x gates *
  /// hidden x hidden multiply-adds) is at most this are generated code even
  /// where oneDNN has a primitive (faster at that size: the product is
  /// computed inline); 0 keeps every layer oneDNN can run on oneDNN.
  int64_t maxGeneratedRnnStepMacs = kDefaultMaxGeneratedRnnStepMacs;
  static constexpr int64_t kDefaultMaxGeneratedRnnStepMacs = 32768;
  /// The most dims a tensor may have: a graph input, an initializer or a
  /// value computed by a node, including the rank a shape input asks of
  /// Expand or ConstantOfShape (checked before ONNX's inference builds a
  /// shape of that many dims). More is a compile-time error.
  int64_t maxRank = kDefaultMaxRank;
  static constexpr int64_t kDefaultMaxRank = 64;
};

/// Parses "NAME=D0xD1x..." (e.g. "image=1x3x224x224"; a scalar is
/// "NAME=") into `options`; returns false with a message in `error`.
bool parseInputShape(llvm::StringRef spec, ImportOptions &options,
                     std::string &error);

/// Parses "NAME=FILE.pb" or "NAME=V0,V1,..." into `options.inputValues`;
/// returns false with a message in `error`.
bool parseInputValue(llvm::StringRef spec, ImportOptions &options,
                     std::string &error);

/// Parses an ONNX model (binary protobuf, or the ONNX text syntax when the
/// file name ends in .onnxtxt or the content is not a valid protobuf), runs
/// the ONNX checker and shape inference, and builds a module holding
///   func.func @main_graph(%arg: tensor<...> {aic.name = "x"}, ...)
///       -> (tensor<...> {aic.name = "y"}, ...)
/// Every op is located at the ONNX node:
///   loc(fused<"OpType, opset N">["node name"("model file":0:0)])
/// Errors are emitted as MLIR diagnostics (see installDiagnosticHandler) and
/// return null.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(llvm::StringRef path, mlir::MLIRContext &context,
               const ImportOptions &options = {});

/// Prints the operators the importer supports as a Markdown table: operator,
/// opsets, and the element types of its main input that the rule accepts
/// and ONNX allows (the README's table; `aic-compile --list-ops`).
void printOperatorTable(llvm::raw_ostream &os);

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

/// Formats a location as the prefix of a one-line error:
///   "<file>: node '<name>' (<OpType>, opset N)" for an ONNX node,
///   "<file>" for a whole-model location, or MLIR's own printing otherwise.
std::string describeLocation(mlir::Location loc);

/// `text` with its control characters (newlines included) escaped C-style,
/// so that a name from a model cannot break a diagnostic's line.
std::string escapeForDiagnostic(llvm::StringRef text);

/// `text` as one line: the line breaks of a multi-line message (ONNX's, a
/// pass's) are joined with a space; text in single quotes is a name by
/// convention, and control characters in it, as anywhere else, are
/// escaped, so a name keeps every character and cannot break the line.
std::string oneLineForDiagnostic(llvm::StringRef text);

/// A diagnostic as one line "<severity>: <location>: <message>" (notes
/// appended after "; "): multi-line messages joined, control characters in
/// names and elsewhere escaped.
std::string formatDiagnostic(mlir::Diagnostic &diag);

/// Prints every diagnostic as one line "<severity>: <location>: <message>"
/// on stderr (notes attached to a diagnostic are appended after "; ").
/// Returns an RAII handle; keep it alive for the context's lifetime.
class DiagnosticPrinter {
public:
  /// Prints on `os` instead of stderr when given.
  explicit DiagnosticPrinter(mlir::MLIRContext &context,
                             llvm::raw_ostream *os = nullptr);
  ~DiagnosticPrinter();

private:
  mlir::MLIRContext &context;
  uint64_t id;
};

//===----------------------------------------------------------------------===//
// Pipelines and emission (lib/Codegen)
//===----------------------------------------------------------------------===//

/// Static: an archive of the object (libaicrt.a links with it). Header: the
/// typed C/C++ header of the model (emitHeader).
enum class EmitKind { Aic, Opt, Lowered, LLVM, Obj, Lib, Static, Header };

struct CompileOptions {
  ImportOptions import; // used by compileOnnxFile
  EmitKind emit = EmitKind::Lib;
  /// The model's name (a C identifier, see isValidModelName): the object
  /// and archive export its entry points as aic_NAME_meta, aic_NAME_init
  /// and aic_NAME_run instead of aic/abi.h's names, so several models can
  /// be linked into one program; a library exports both; the header names
  /// its functions after it. Required for Static and Header.
  std::string name;
  unsigned optLevel = 3; // -O0..3 for LLVM
  std::string mcpu;      // empty: the host CPU
  bool verbose = false;  // print the memory plan and stage timings
  /// Where diagnostics and errors go (null: stderr), e.g. a string stream
  /// of an embedding application (the Python module's exceptions).
  llvm::raw_ostream *errors = nullptr;
  /// Print a line per stage on stderr once compiling has taken over
  /// `progressAfter` seconds (tools turn it on when stderr is a terminal).
  bool progress = false;
  double progressAfter = 1.0;
};

/// Graph optimizations on the aic dialect (canonicalize, fusion, layouts
/// for oneDNN ISA `isa`, see aic-assign-layouts).
void buildOptimizationPipeline(mlir::OpPassManager &pm,
                               llvm::StringRef isa = "host");
/// The oneDNN ISA (aic-assign-layouts' `isa`) of LLVM CPU `mcpu` ("host"
/// for an empty name or "native"), or failure with a message in `error`.
mlir::FailureOr<std::string> getDnnlIsa(llvm::StringRef mcpu,
                                        std::string &error);
/// Bufferization, memory planning, loops and runtime calls.
void buildRuntimeLoweringPipeline(mlir::OpPassManager &pm);
/// Everything to the LLVM dialect.
void buildLLVMLoweringPipeline(mlir::OpPassManager &pm);
/// Registers the three stages and the whole pipeline (aic-optimize,
/// aic-lower-to-runtime, aic-lower-to-llvm, aic-pipeline) for aic-opt.
void registerPipelines();

/// Compiles an imported module (in place) as far as options.emit says and
/// writes the result to `outputPath` ("-" is stdout for textual kinds).
mlir::LogicalResult compileModule(mlir::ModuleOp module,
                                  const CompileOptions &options,
                                  llvm::StringRef outputPath);

/// Whether `name` can name a model (--name): a C identifier that is no
/// keyword and does not start with "aic" or "_"; else false with a message.
bool isValidModelName(llvm::StringRef name, std::string &error);

/// A valid model name made from a file's stem ("my-net.onnx" -> "my_net").
std::string modelNameFromPath(llvm::StringRef path);

/// Writes the typed C/C++ header of the imported `module` (see
/// lib/Codegen/EmitHeader.cpp) for a model compiled with --name=`name`.
mlir::LogicalResult emitHeader(mlir::ModuleOp module, llvm::StringRef name,
                               llvm::raw_ostream &os);

/// What compileOnnxFile reports beyond success.
struct CompileResult {
  /// Positions of the graph inputs the library was specialized for (it
  /// accepts only the value given for each, see ImportOptions).
  std::vector<unsigned> specializedInputs;
  /// Positions of the graph inputs that are sequences or optionals: the
  /// library takes the length or presence and the element shapes their
  /// files gave.
  std::vector<unsigned> compositeInputs;
};

/// The whole job of aic-compile: imports the ONNX model at `inputPath` in a
/// fresh context and compiles it with compileModule, printing diagnostics
/// one per line on stderr.
mlir::LogicalResult compileOnnxFile(llvm::StringRef inputPath,
                                    const CompileOptions &options,
                                    llvm::StringRef outputPath,
                                    CompileResult *result = nullptr);

} // namespace aic

#endif // AIC_COMPILER_H
