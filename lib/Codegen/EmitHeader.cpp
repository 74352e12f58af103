//===- EmitHeader.cpp - The typed C/C++ header of a compiled model --------===//
//
// `aic-compile --emit=header --name=NAME` writes NAME.h: the model's input
// and output tensors (names, dtypes, shapes) as constants, C functions that
// load the model (checking that it has exactly this signature) and run it
// on buffers of the right element type and size, and a C++ class whose
// run() takes aic::Span<T, N> of exactly sized arrays. It is built from the
// imported @main_graph, whose signature the compiled library keeps.
//
// Run-time dims: the run functions take each symbolic input dim (`batch`)
// as an int64_t parameter, once per name, and its inputs as pointers
// (spans of any size in C++, checked against the dims). Outputs of a
// run-time shape come back in memory the runtime allocates
// (aic_model_run_alloc; aic::OwnedTensor in C++).
//
//===----------------------------------------------------------------------===//
#include "aic/Compiler.h"
#include "dialects/Aic/RuntimePrimitive.h"
#include "passes/PassDetail.h"

#include "aic/runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace aic;

namespace {

struct HeaderTensor {
  std::string name;  // as the runtime reports it
  std::string ident; // C identifier, unique in the model (case-insensitive)
  int64_t dtype;
  SmallVector<int64_t> shape; // AIC_DIM_DYNAMIC for a run-time dim
  // An input's run-time dims: the identifier of the run functions'
  // parameter that gives each ("" for a static dim).
  SmallVector<std::string> dimParams;
  int64_t elements; // -1 with run-time dims

  bool isDynamic() const { return elements < 0; }
};

/// The tensors of a model's signature and the parameters giving its
/// symbolic input dims, in order of first use.
struct Signature {
  SmallVector<HeaderTensor> inputs, outputs;
  SmallVector<std::string> dimParams;
  bool allocOutputs = false; // an output has a run-time dim

  bool anyDynamic() const {
    return allocOutputs ||
           llvm::any_of(inputs, [](auto &t) { return t.isDynamic(); });
  }
};

struct DtypeSpelling {
  int64_t dtype;
  const char *enumerator; // aic_dtype_t
  const char *cType;
  const char *onnxName; // as aic_dtype_name() spells it
};

const DtypeSpelling kDtypes[] = {
    {AIC_DTYPE_FLOAT32, "AIC_DTYPE_FLOAT32", "float", "float32"},
    {AIC_DTYPE_FLOAT64, "AIC_DTYPE_FLOAT64", "double", "float64"},
    {AIC_DTYPE_FLOAT16, "AIC_DTYPE_FLOAT16", "uint16_t",
     "float16"}, // IEEE bits
    {AIC_DTYPE_BFLOAT16, "AIC_DTYPE_BFLOAT16", "uint16_t",
     "bfloat16"}, // bfloat16 bits
    {AIC_DTYPE_INT8, "AIC_DTYPE_INT8", "int8_t", "int8"},
    {AIC_DTYPE_UINT8, "AIC_DTYPE_UINT8", "uint8_t", "uint8"},
    {AIC_DTYPE_INT16, "AIC_DTYPE_INT16", "int16_t", "int16"},
    {AIC_DTYPE_UINT16, "AIC_DTYPE_UINT16", "uint16_t", "uint16"},
    {AIC_DTYPE_INT32, "AIC_DTYPE_INT32", "int32_t", "int32"},
    {AIC_DTYPE_UINT32, "AIC_DTYPE_UINT32", "uint32_t", "uint32"},
    {AIC_DTYPE_INT64, "AIC_DTYPE_INT64", "int64_t", "int64"},
    {AIC_DTYPE_UINT64, "AIC_DTYPE_UINT64", "uint64_t", "uint64"},
    {AIC_DTYPE_BOOL, "AIC_DTYPE_BOOL", "bool", "bool"}, // one byte per element
};

const DtypeSpelling *spell(int64_t dtype) {
  for (const DtypeSpelling &d : kDtypes)
    if (d.dtype == dtype)
      return &d;
  return nullptr;
}

/// C and C++ keywords and the names the generated functions use for their
/// own parameters: a tensor named like one gets a trailing underscore.
bool isReserved(StringRef ident) {
  static const llvm::StringSet<> kReserved = {
      "alignas",      "alignof",
      "and",          "asm",
      "auto",         "bool",
      "break",        "case",
      "catch",        "char",
      "class",        "const",
      "constexpr",    "continue",
      "decltype",     "default",
      "delete",       "do",
      "double",       "else",
      "enum",         "explicit",
      "export",       "extern",
      "false",        "float",
      "for",          "friend",
      "goto",         "if",
      "inline",       "int",
      "long",         "mutable",
      "namespace",    "new",
      "noexcept",     "not",
      "nullptr",      "operator",
      "or",           "private",
      "protected",    "public",
      "register",     "restrict",
      "return",       "short",
      "signed",       "sizeof",
      "static",       "struct",
      "switch",       "template",
      "this",         "throw",
      "true",         "try",
      "typedef",      "typeid",
      "typename",     "union",
      "unsigned",     "using",
      "virtual",      "void",
      "volatile",     "while",
      "xor",          "model",
      "path",         "status",
      "inputs",       "outputs",
      "linked",       "int8_t",
      "int16_t",      "int32_t",
      "int64_t",      "uint8_t",
      "uint16_t",     "uint32_t",
      "uint64_t",     "size_t",
      "char8_t",      "char16_t",
      "char32_t",     "wchar_t",
      "thread_local", "static_assert",
      "const_cast",   "dynamic_cast",
      "static_cast",  "reinterpret_cast",
      "concept",      "requires",
      "co_await",     "co_return",
      "co_yield",     "consteval",
      "constinit",    "bitand",
      "bitor",        "compl",
      "and_eq",       "or_eq",
      "xor_eq",       "not_eq",
      "shapes",       "raw",
      "each",         "checkSize",
      "NULL"};
  return kReserved.contains(ident);
}

/// A C identifier for tensor `name`, unique (ignoring case, as macros are
/// upper case) among `taken`.
std::string identifierFor(StringRef name, llvm::StringSet<> &taken) {
  std::string ident;
  for (char c : name)
    ident += llvm::isAlnum(c) ? c : '_';
  if (ident.empty() || llvm::isDigit(ident[0]) || ident[0] == '_')
    ident = "t" + ident; // leading underscores are reserved in C
  if (isReserved(ident))
    ident += "_";
  std::string unique = ident;
  for (int k = 2; !taken.insert(StringRef(unique).upper()).second; ++k)
    unique = ident + "_" + std::to_string(k);
  return unique;
}

/// `shape` as C initializers: AIC_DIM_DYNAMIC for a run-time dim.
std::string joinShape(ArrayRef<int64_t> shape, StringRef separator) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? separator.str() : "") + (ShapedType::isDynamic(d)
                                           ? std::string("AIC_DIM_DYNAMIC")
                                           : std::to_string(d));
  return s;
}

/// `t`'s shape for people: a run-time dim by its parameter's name, or `?`.
std::string describeShape(const HeaderTensor &t) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(t.shape)) {
    s += i ? ", " : "";
    if (!ShapedType::isDynamic(d))
      s += std::to_string(d);
    else if (i < t.dimParams.size() && !t.dimParams[i].empty())
      s += t.dimParams[i];
    else
      s += "?";
  }
  return s;
}

/// Reads the signature of @main_graph; failure after emitting an error.
LogicalResult readSignature(func::FuncOp graph, Signature &sig) {
  llvm::StringSet<> taken;
  llvm::StringMap<std::string> paramOfSymbol;
  auto add = [&](SmallVectorImpl<HeaderTensor> &list, StringRef kind,
                 unsigned index, Type type,
                 DictionaryAttr attrs) -> LogicalResult {
    HeaderTensor t;
    t.name = (kind + "_" + Twine(index)).str();
    if (auto name = attrs ? attrs.getAs<StringAttr>(kNameAttr) : StringAttr())
      t.name = name.str();
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      return graph.emitError() << kind << " '" << t.name << "' has the type "
                               << type << ", not a ranked tensor";
    bool isUnsigned = attrs && attrs.get(kUnsignedAttr);
    t.dtype = getDtypeCode(tensor.getElementType(), isUnsigned);
    if (!spell(t.dtype))
      return graph.emitError() << kind << " '" << t.name << "' has the type "
                               << type << ", which a C header cannot spell";
    t.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    t.elements = tensor.hasStaticShape() ? tensor.getNumElements() : -1;
    t.ident = identifierFor(t.name, taken);
    if (kind == "output") {
      sig.allocOutputs |= t.isDynamic();
      // A run-time dim that is an input's named dim is shown by its
      // parameter (the inputs are read first).
      auto names = attrs ? attrs.getAs<ArrayAttr>(kDimNamesAttr) : ArrayAttr();
      t.dimParams.resize(t.shape.size());
      for (auto [d, size] : llvm::enumerate(t.shape)) {
        auto symbol = names && d < names.size() ? dyn_cast<StringAttr>(names[d])
                                                : StringAttr();
        auto it = symbol && ShapedType::isDynamic(size)
                      ? paramOfSymbol.find(symbol.getValue())
                      : paramOfSymbol.end();
        if (it != paramOfSymbol.end())
          t.dimParams[d] = it->second;
      }
    } else if (t.isDynamic()) {
      // A named dim is one parameter wherever it occurs (the runtime checks
      // that inputs sharing it agree); an unnamed one is its own.
      auto names = attrs ? attrs.getAs<ArrayAttr>(kDimNamesAttr) : ArrayAttr();
      t.dimParams.resize(t.shape.size());
      for (auto [d, size] : llvm::enumerate(t.shape)) {
        if (!ShapedType::isDynamic(size))
          continue;
        auto symbol = names && d < names.size() ? dyn_cast<StringAttr>(names[d])
                                                : StringAttr();
        std::string key = symbol && !symbol.getValue().empty()
                              ? symbol.str()
                              : t.ident + "_dim" + std::to_string(d);
        auto [it, inserted] = paramOfSymbol.try_emplace(key);
        if (inserted) {
          it->second = identifierFor(key, taken);
          sig.dimParams.push_back(it->second);
        }
        t.dimParams[d] = it->second;
      }
    }
    list.push_back(std::move(t));
    return success();
  };
  for (unsigned i = 0; i < graph.getNumArguments(); ++i)
    if (failed(add(sig.inputs, "input", i, graph.getArgumentTypes()[i],
                   graph.getArgAttrDict(i))))
      return failure();
  for (unsigned i = 0; i < graph.getNumResults(); ++i)
    if (failed(add(sig.outputs, "output", i, graph.getResultTypes()[i],
                   graph.getResultAttrDict(i))))
      return failure();
  return success();
}

/// Writes the header; `n` is the model name, `N` its upper-case spelling.
class HeaderWriter {
public:
  HeaderWriter(raw_ostream &os, StringRef name, StringRef source,
               const Signature &sig)
      : os(os), n(name.str()), N(name.upper()), source(source.str()), sig(sig),
        inputs(sig.inputs), outputs(sig.outputs) {}

  void write() {
    writePrologue();
    os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
    os << "#define " << N << "_NUM_INPUTS " << inputs.size() << "\n";
    os << "#define " << N << "_NUM_OUTPUTS " << outputs.size() << "\n\n";
    for (auto [i, t] : llvm::enumerate(inputs))
      writeConstants("Input", i, t);
    for (auto [i, t] : llvm::enumerate(outputs))
      writeConstants("Output", i, t);
    writeCFunctions();
    os << "#ifdef __cplusplus\n} /* extern \"C\" */\n";
    writeCxxClass();
    os << "#endif /* __cplusplus */\n\n#endif /* AIC_MODEL_" << N << "_H */\n";
  }

private:
  void writePrologue() {
    os << "/* " << n << ".h - typed interface of the aic model '" << n
       << "'\n *\n * Generated by aic-compile --emit=header"
       << (source.empty() ? "" : " from " + source) << "; do not edit.\n *\n";
    auto list = [&](StringRef title, ArrayRef<HeaderTensor> tensors) {
      os << " * " << title << ":";
      if (tensors.empty())
        os << " none";
      os << "\n";
      for (const HeaderTensor &t : tensors)
        os << " *   " << t.name << ": " << spell(t.dtype)->onnxName << " ["
           << describeShape(t) << "]\n";
    };
    list("Inputs", inputs);
    list("Outputs", outputs);
    if (!sig.dimParams.empty())
      os << " *\n * Run-time dims (parameters of " << n
         << "_run): " << llvm::join(sig.dimParams, ", ") << ".\n";
    if (sig.allocOutputs)
      os << " * Outputs whose shape is known only at run time: " << n
         << "_run returns every output\n * in memory the runtime allocates "
            "(release each with aic_tensor_free).\n";
    os << " *\n"
          " * "
       << n
       << "_load() loads the model linked into the program "
          "(aic-compile\n"
          " * --emit=static --name="
       << n
       << ", or its library built with "
          "--name="
       << n
       << "\n"
          " * and linked); "
       << n
       << "_load_file() loads a library file. "
          "Both fail unless\n"
          " * the model has exactly the signature above. C++ code uses "
          "aic::models::"
       << n << ".\n */\n";
    os << "#ifndef AIC_MODEL_" << N << "_H\n#define AIC_MODEL_" << N
       << "_H\n\n#include <aic/runtime.h>\n\n#include <stdbool.h>\n"
          "#include <stddef.h>\n#include <stdint.h>\n\n";
    os << "/* `static N` in a C99 array parameter: compilers warn about "
          "smaller arrays. */\n"
          "#ifndef AIC_MIN_ELEMENTS\n#ifdef __cplusplus\n"
          "#define AIC_MIN_ELEMENTS(n)\n#else\n"
          "#define AIC_MIN_ELEMENTS(n) static n\n#endif\n#endif\n\n";
  }

  void writeConstants(StringRef kind, size_t index, const HeaderTensor &t) {
    const DtypeSpelling &d = *spell(t.dtype);
    std::string M = N + "_" + StringRef(t.ident).upper();
    os << "/* " << kind << " " << index << ": \"" << t.name << "\", "
       << spell(t.dtype)->onnxName << " [" << describeShape(t) << "] */\n";
    os << "#define " << M << "_INDEX " << index << "\n";
    os << "#define " << M << "_NAME \"" << escaped(t.name) << "\"\n";
    os << "#define " << M << "_DTYPE " << d.enumerator << "\n";
    os << "#define " << M << "_RANK " << t.shape.size() << "\n";
    if (!t.isDynamic())
      os << "#define " << M << "_SIZE " << t.elements << " /* elements */\n";
    os << "typedef " << d.cType << " " << n << "_" << t.ident << "_t;\n";
    // A scalar's shape is never read; C has no empty arrays.
    os << "static const int64_t " << n << "_" << t.ident << "_shape["
       << std::max<size_t>(t.shape.size(), 1) << "] = {"
       << (t.shape.empty() ? "0" : joinShape(t.shape, ", ")) << "};\n\n";
  }

  static std::string escaped(StringRef s) {
    std::string out;
    llvm::raw_string_ostream es(out);
    llvm::printEscapedString(s, es);
    return out;
  }

  /// `VAR[] = {{name or buffer, dtype, rank, shape}, ...}` of `tensors`:
  /// aic_tensor_info_t entries, or aic_tensor_t ones (`withData`) whose
  /// buffers are the run function's parameters and whose run-time shapes
  /// are at `shapeAt` of the local `shapes`.
  void writeTable(StringRef qualifiers, StringRef type, StringRef var,
                  ArrayRef<HeaderTensor> tensors, bool withData, bool isConst,
                  ArrayRef<size_t> shapeAt = {}) {
    if (tensors.empty()) {
      os << "  const " << type << " *" << var << " = NULL;\n";
      return;
    }
    os << "  " << qualifiers << type << " " << var << "[" << tensors.size()
       << "] = {\n";
    for (auto [i, t] : llvm::enumerate(tensors)) {
      os << "      {";
      if (withData)
        os << (isConst ? "(void *)" : "") << t.ident << ", ";
      else
        os << "\"" << escaped(t.name) << "\", ";
      os << spell(t.dtype)->enumerator << ", " << t.shape.size() << ", ";
      if (withData && t.isDynamic())
        os << "shapes + " << shapeAt[i];
      else
        os << n << "_" << t.ident << "_shape";
      os << "},\n";
    }
    os << "  };\n";
  }

  /// The run functions' parameters after the model: the run-time dims,
  /// the inputs, then the outputs' buffers (or the array they come back in).
  void writeParams(StringRef indent) {
    for (const std::string &dim : sig.dimParams)
      os << ",\n" << indent << "int64_t " << dim;
    auto params = [&](ArrayRef<HeaderTensor> tensors, bool isConst) {
      for (const HeaderTensor &t : tensors) {
        os << ",\n"
           << indent << (isConst ? "const " : "") << n << "_" << t.ident
           << "_t ";
        if (t.isDynamic())
          os << "*" << t.ident;
        else if (t.elements > 0)
          os << t.ident << "[AIC_MIN_ELEMENTS(" << t.elements << ")]";
        else
          os << t.ident << "[]";
      }
    };
    params(inputs, true);
    if (!sig.allocOutputs)
      params(outputs, false);
    else
      os << ",\n"
         << indent << "aic_tensor_t outputs[AIC_MIN_ELEMENTS(" << outputs.size()
         << ")]";
  }

  void writeCFunctions() {
    os << "/* The model's entry points (aic/abi.h) under the names "
          "--name gives them. */\n"
       << "extern const struct aic_model_meta aic_" << n << "_meta;\n"
       << "int32_t aic_" << n << "_init(struct aicrt_context *ctx);\n"
       << "int32_t aic_" << n
       << "_run(struct aicrt_exec_state *state, void *const *inputs,\n"
       << "    void *const *outputs, void *arena);\n\n";

    os << "/* Fails unless `model` has exactly the inputs and outputs "
          "above. */\n"
       << "static inline aic_status_t " << n
       << "_check(const aic_model_t *model) {\n";
    writeTable("static const ", "aic_tensor_info_t", "inputs", inputs, false,
               false);
    writeTable("static const ", "aic_tensor_info_t", "outputs", outputs, false,
               false);
    os << "  return aic_model_check_signature(model, inputs, " << inputs.size()
       << ", outputs, " << outputs.size() << ");\n}\n\n";

    os << "/* Checks a model just loaded with `status`; frees it on "
          "failure. */\n"
       << "static inline aic_status_t " << n
       << "_checked(aic_status_t status, aic_model_t **model) {\n"
       << "  if (status == AIC_OK && (status = " << n
       << "_check(*model)) != AIC_OK) {\n"
       << "    aic_model_free(*model);\n    *model = NULL;\n  }\n"
       << "  return status;\n}\n\n";

    os << "/* Loads the model linked into the program. */\n"
       << "static inline aic_status_t " << n << "_load(aic_model_t **model) {\n"
       << "  static const aic_linked_model_t linked = {\"" << n << "\", &aic_"
       << n << "_meta,\n                                             aic_" << n
       << "_init, aic_" << n << "_run};\n"
       << "  return " << n
       << "_checked(aic_model_load_linked(&linked, model), model);\n}\n\n";

    os << "/* Loads the model from a library file (aic-compile "
          "--emit=lib). */\n"
       << "static inline aic_status_t " << n
       << "_load_file(const char *path, aic_model_t **model) {\n"
       << "  return " << n
       << "_checked(aic_model_load(path, model), model);\n}\n\n";

    if (sig.dimParams.empty())
      os << "/* Runs the model on caller buffers, each holding its tensor's "
            "elements\n * (row-major)";
    else
      os << "/* Runs the model at the given run-time dims on caller buffers, "
            "each holding\n * its tensor's elements at those dims "
            "(row-major)";
    if (sig.allocOutputs)
      os << "; fills `outputs` in graph order with\n * the outputs in memory "
            "the runtime allocates: release each with\n * aic_tensor_free "
            "(aic_model_run_alloc)";
    os << ". */\n"
       << "static inline aic_status_t " << n << "_run(aic_model_t *model";
    writeParams("    ");
    os << ") {\n";
    // The run-time shapes of the inputs, one after the other.
    SmallVector<size_t> shapeAt;
    SmallVector<std::string> dims;
    for (const HeaderTensor &t : inputs) {
      shapeAt.push_back(dims.size());
      if (!t.isDynamic())
        continue;
      for (auto [d, size] : llvm::enumerate(t.shape))
        dims.push_back(t.dimParams[d].empty() ? std::to_string(size)
                                              : t.dimParams[d]);
    }
    if (!dims.empty())
      os << "  const int64_t shapes[" << dims.size() << "] = {"
         << llvm::join(dims, ", ") << "};\n";
    writeTable("", "aic_tensor_t", "inputs", inputs, true, true, shapeAt);
    if (sig.allocOutputs) {
      os << "  return aic_model_run_alloc(model, inputs, " << inputs.size()
         << ", outputs, " << outputs.size() << ");\n}\n\n";
      return;
    }
    writeTable("", "aic_tensor_t", "outputs", outputs, true, false);
    os << "  return aic_model_run(model, inputs, " << inputs.size()
       << ", outputs, " << outputs.size() << ");\n}\n\n";
  }

  void writeCxxClass() {
    os << "\n#include <aic/runtime.hpp>\n\n#include <string>\n";
    if (sig.anyDynamic())
      os << "#include <initializer_list>\n#include <vector>\n";
    os << "\nnamespace aic::models {\n\n"
       << "/// The model '" << n
       << "' with its signature in types: run() takes buffers of\n"
       << "/// exactly its tensors' element types and sizes (std::array, "
          "C arrays, or\n/// aic::Span";
    if (sig.anyDynamic())
      os << "; of a run-time size, any contiguous container, checked\n"
            "/// against the dims";
    os << "). Errors throw aic::Error.\n"
       << "class " << n << " {\npublic:\n";
    for (auto [kind, tensors] :
         {std::make_pair("input", inputs), std::make_pair("output", outputs)})
      for (const HeaderTensor &t : tensors)
        if (!t.isDynamic())
          os << "  /// " << kind << " \"" << t.name << "\"\n  using " << t.ident
             << "_array = std::array<" << n << "_" << t.ident << "_t, "
             << t.elements << ">;\n";
    os << "\n  /// The model linked into the program.\n"
       << "  static " << n << " load() {\n"
       << "    aic_model_t *m = nullptr;\n"
       << "    ::aic::check(::" << n << "_load(&m));\n"
       << "    return " << n << "(::aic::Model::adopt(m));\n  }\n"
       << "  /// A library file.\n"
       << "  static " << n << " load(const std::string &path) {\n"
       << "    aic_model_t *m = nullptr;\n"
       << "    ::aic::check(::" << n << "_load_file(path.c_str(), &m));\n"
       << "    return " << n << "(::aic::Model::adopt(m));\n  }\n\n";
    if (sig.allocOutputs)
      os << "  /// The outputs in graph order.\n"
         << "  std::vector<::aic::OwnedTensor> run(";
    else
      os << "  void run(";
    bool first = true;
    auto sep = [&]() -> raw_ostream & {
      os << (first ? "" : ",\n           ");
      first = false;
      return os;
    };
    for (const std::string &dim : sig.dimParams)
      sep() << "int64_t " << dim;
    auto params = [&](ArrayRef<HeaderTensor> tensors, bool isConst) {
      for (const HeaderTensor &t : tensors) {
        sep() << "::aic::Span<" << (isConst ? "const " : "") << n << "_"
              << t.ident << "_t";
        if (!t.isDynamic())
          os << ", " << t.elements;
        os << "> " << t.ident;
      }
    };
    params(inputs, true);
    if (!sig.allocOutputs)
      params(outputs, false);
    os << ") const {\n";
    for (const HeaderTensor &t : inputs) {
      if (!t.isDynamic())
        continue;
      SmallVector<std::string> factors;
      for (auto [d, size] : llvm::enumerate(t.shape))
        factors.push_back(t.dimParams[d].empty() ? std::to_string(size)
                                                 : t.dimParams[d]);
      os << "    checkSize(\"" << escaped(t.name) << "\", " << t.ident
         << ".size(), {" << llvm::join(factors, ", ") << "});\n";
    }
    if (sig.allocOutputs)
      os << "    aic_tensor_t raw[" << outputs.size()
         << "] = {};\n    std::vector<::aic::OwnedTensor> outputs;\n"
         << "    outputs.reserve(" << outputs.size() << ");\n";
    os << "    ::aic::check(::" << n << "_run(model_.get()";
    for (const std::string &dim : sig.dimParams)
      os << ", " << dim;
    for (const HeaderTensor &t : inputs)
      os << ", " << t.ident << ".data()";
    if (sig.allocOutputs)
      os << ", raw));\n    for (aic_tensor_t &each : raw)\n"
         << "      outputs.emplace_back(each);\n    return outputs;\n  }\n\n";
    else {
      for (const HeaderTensor &t : outputs)
        os << ", " << t.ident << ".data()";
      os << "));\n  }\n\n";
    }
    os << "  const ::aic::Model &model() const noexcept { return model_; }\n"
       << "  ::aic::Model &model() noexcept { return model_; }\n\n"
       << "private:\n"
       << "  explicit " << n
       << "(::aic::Model model) : model_(std::move(model)) {}\n";
    if (llvm::any_of(inputs, [](auto &t) { return t.isDynamic(); }))
      os << "  /// A buffer of a run-time size must hold the dims' product.\n"
         << "  static void checkSize(const char *input, size_t size,\n"
         << "                        std::initializer_list<int64_t> dims) {\n"
         << "    size_t expected = 1;\n"
         << "    bool valid = true;\n"
         << "    for (int64_t d : dims) {\n"
         << "      valid = valid && d >= 0 &&\n"
         << "              (d == 0 || expected <= SIZE_MAX / "
            "static_cast<size_t>(d));\n"
         << "      if (valid)\n"
         << "        expected *= static_cast<size_t>(d);\n"
         << "    }\n"
         << "    if (!valid || size != expected)\n"
         << "      throw ::aic::Error(AIC_ERROR_SHAPE_MISMATCH,\n"
         << "                         std::string(\"input '\") + input + "
            "\"': buffer of \" +\n"
         << "                             std::to_string(size) +\n"
         << "                             (valid ? \" elements where the "
            "dims give \" +\n"
         << "                                          std::to_string(expected)"
            "\n"
         << "                                    : std::string(\" elements "
            "and invalid dims\")));\n"
         << "  }\n";
    os << "  ::aic::Model model_;\n};\n\n} // namespace aic::models\n";
  }

  raw_ostream &os;
  std::string n, N, source;
  const Signature &sig;
  ArrayRef<HeaderTensor> inputs, outputs;
};

} // namespace

bool aic::isValidModelName(StringRef name, std::string &error) {
  bool valid =
      !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
      llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
  if (!valid)
    error = "model name '" + name.str() +
            "' is not a C identifier ([A-Za-z_][A-Za-z0-9_]*)";
  else if (name.starts_with("aic") || name.starts_with("_"))
    error = "model name '" + name.str() +
            "' would clash with aic's own names (it starts with 'aic' or "
            "'_')";
  else if (isReserved(name) || name == "run" || name == "load")
    error = "model name '" + name.str() +
            "' is a C or C++ keyword or a name the header uses";
  else
    return true;
  return false;
}

std::string aic::modelNameFromPath(StringRef path) {
  std::string name;
  for (char c : llvm::sys::path::stem(path))
    name += llvm::isAlnum(c) ? c : '_';
  std::string error;
  if (!isValidModelName(name, error))
    name = "model_" + name;
  return name;
}

LogicalResult aic::emitHeader(ModuleOp module, StringRef name,
                              raw_ostream &os) {
  std::string error;
  if (!isValidModelName(name, error))
    return module.emitError() << error;
  func::FuncOp graph = getGraphFunc(module);
  if (!graph)
    return failure();
  Signature sig;
  if (failed(readSignature(graph, sig)))
    return failure();
  std::string source;
  if (auto file = dyn_cast<FileLineColLoc>(module.getLoc()))
    source = llvm::sys::path::filename(file.getFilename().getValue()).str();
  HeaderWriter(os, name, source, sig).write();
  return success();
}
