//===- ImporterImpl.h - Shared state of the ONNX importer -------*- C++ -*-===//
//
// Internal to lib/Importer: the graph-level state (values, constants, types)
// that the per-operator rules in OpRules.cpp and NNRules.cpp build on, and the
// conversion of ONNX tensors (Tensors.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef AIC_LIB_IMPORTER_IMPORTERIMPL_H
#define AIC_LIB_IMPORTER_IMPORTERIMPL_H

#include "aic/Compiler.h"
#include "dialects/Aic/AicDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace onnx {
class ISchemaRegistry;
} // namespace onnx

namespace aic {
struct ImportOptions;
namespace importer {

/// A constant tensor decoded from ONNX: its type and its elements packed
/// little-endian in the layout of the MLIR element type (booleans take one
/// byte each). Integer types are signless: `isUnsigned` keeps the ONNX
/// signedness the values are read with.
struct ConstTensor {
  mlir::RankedTensorType type;
  std::vector<char> data;
  bool isUnsigned = false;
  /// The elements of a STRING tensor (element type !aic.string), whose
  /// `data` is empty.
  std::vector<std::string> strings;

  bool isString() const { return mlir::isa<StringType>(type.getElementType()); }

  int64_t getNumElements() const { return type.getNumElements(); }
};

/// Maps an ONNX TensorProto element type to MLIR, or null if unsupported.
/// Integers become signless (UINT8 and INT8 both i8; BOOL is i1).
mlir::Type convertElementType(int32_t onnxType, mlir::MLIRContext *ctx);
/// True for the ONNX unsigned integer types.
bool isUnsignedElementType(int32_t onnxType);
/// The ONNX name of an element type ("FLOAT", ...), for messages.
std::string elementTypeName(int32_t onnxType);
/// The ONNX element type of an MLIR one (TensorProto::UNDEFINED if none);
/// `isUnsigned` picks UINT* for integers.
int32_t getOnnxElementType(mlir::Type elementType, bool isUnsigned = false);
/// The ONNX tensor type of a ranked tensor type.
onnx::TypeProto makeOnnxType(mlir::RankedTensorType type,
                             bool isUnsigned = false);
/// The ONNX tensor (raw_data) holding a constant.
onnx::TensorProto makeOnnxTensor(const ConstTensor &tensor,
                                 llvm::StringRef name);
/// Byte size of one element as stored in ConstTensor::data.
int64_t elementByteSize(mlir::Type elementType);

/// Decodes raw_data, the typed fields or external data (read from
/// `modelDir` only). Errors are returned as a message.
mlir::FailureOr<ConstTensor> decodeTensor(const onnx::TensorProto &tensor,
                                          llvm::StringRef modelDir,
                                          mlir::MLIRContext *ctx,
                                          std::string &error);

/// Checks the external-data entries of `tensor` (ExternalData.cpp): the file
/// it names is a regular file inside `modelDir`, reached without links, and
/// holds the byte range.
mlir::LogicalResult checkExternalData(const onnx::TensorProto &tensor,
                                      llvm::StringRef modelDir,
                                      std::string &error);
/// Reads the `expected` bytes of an external-data tensor after the checks
/// of checkExternalData.
mlir::LogicalResult readExternalData(const onnx::TensorProto &tensor,
                                     llvm::StringRef modelDir, int64_t expected,
                                     std::vector<char> &out,
                                     std::string &error);

/// The elements converted to double / int64 (any element type).
std::vector<double> getValuesAsDouble(const ConstTensor &tensor);
std::vector<int64_t> getValuesAsInt(const ConstTensor &tensor);

/// Element `i` as an attribute of the element type (exact for every type).
mlir::TypedAttr getElementAttr(const ConstTensor &tensor, int64_t i);

/// "[2, 3]", for messages.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Builds a tensor of `type` (a float type) from doubles.
ConstTensor makeFloatTensor(mlir::RankedTensorType type,
                            llvm::ArrayRef<double> values);

/// Turns an ONNX name into a unique resource-blob key.
class ResourceNamer {
public:
  std::string getUniqueName(llvm::StringRef hint);

private:
  llvm::StringSet<> used;
};

/// Plain `dense<...>` for up to 64 elements, `dense_resource<name>` above.
mlir::ElementsAttr makeElementsAttr(const ConstTensor &tensor,
                                    llvm::StringRef nameHint,
                                    ResourceNamer &namer);

/// Always `dense<...>`.
mlir::DenseElementsAttr makeDenseAttr(const ConstTensor &tensor);

/// An ONNX sequence or optional value. aic compiles for static shapes, so
/// the import knows how many tensors such a value holds (a sequence's length,
/// an optional's presence) and each one's type: the value is those tensors'
/// SSA values (SequenceRules.cpp). At the graph boundary it is passed as
/// them (see aic_value_kind_t in aic/runtime.h).
struct CompositeValue {
  /// As aic_value_kind_t (without AIC_VALUE_TENSOR).
  enum class Kind { Sequence = 1, Optional = 2, OptionalSequence = 3 };
  Kind kind = Kind::Sequence;
  /// False for an absent optional (which holds no tensors).
  bool present = true;
  /// The ONNX element type of the tensors (UNDEFINED if ONNX left it open).
  int32_t elementType = onnx::TensorProto::UNDEFINED;
  llvm::SmallVector<mlir::Value> tensors;

  bool isOptional() const { return kind != Kind::Sequence; }
  /// A sequence, or an optional of one.
  bool holdsSequence() const { return kind != Kind::Optional; }
  /// "a sequence", "an optional tensor", ..., for messages.
  llvm::StringRef describe() const;
};

/// The shape of a sequence or optional graph input, as its input file gives
/// it (InputOptions.cpp): the library is compiled for it.
struct CompositeInput {
  CompositeValue::Kind kind = CompositeValue::Kind::Sequence;
  bool present = true;
  int32_t elementType = onnx::TensorProto::UNDEFINED;
  llvm::SmallVector<mlir::RankedTensorType> types;
};

/// What the user gave for graph inputs: values (--input-value, input files)
/// and the shapes of sequence and optional inputs.
struct InputBindings {
  llvm::StringMap<ConstTensor> values;
  llvm::StringMap<CompositeInput> composites;
};

/// Values of small integer tensors that ONNX data propagation computed
/// (shape arithmetic: Shape, Gather, Concat, ...), keyed by value name.
using ShapeData = std::unordered_map<std::string, onnx::TensorShapeProto>;

/// Graph-level state shared by every operator rule. Values, sequences and
/// optionals, constants and ONNX types live in a stack of scopes, one per graph
/// being imported: a subgraph (If branch, Loop or Scan body) reads the values
/// of the graphs enclosing it (ONNX's lexical scoping), and what it defines is
/// dropped with its scope, so sibling subgraphs may reuse names.
class GraphState {
public:
  GraphState(mlir::MLIRContext *ctx, llvm::StringRef file,
             llvm::StringRef modelDir, int64_t opset);

  mlir::MLIRContext *getContext() const { return ctx; }
  mlir::OpBuilder &getBuilder() { return builder; }
  llvm::StringRef getFile() const { return file; }
  llvm::StringRef getModelDir() const { return modelDir; }
  int64_t getOpset() const { return opset; }
  /// The whole-model location "<file>":0:0.
  mlir::Location getFileLoc() const;

  /// Opens the scope of a subgraph; popScope drops what it defined.
  void pushScope() { scopes.emplace_back(); }
  void popScope() { scopes.pop_back(); }
  /// Records the graph the innermost scope imports.
  void setScopeGraph(const onnx::GraphProto *graph);
  /// The node of a graph in scope that computes `name`, or null.
  const onnx::NodeProto *findProducer(llvm::StringRef name) const;
  /// 0 while importing the main graph.
  size_t getScopeDepth() const { return scopes.size() - 1; }

  /// What ONNX data propagation computed for the main graph's values; null
  /// inside subgraphs, whose sibling scopes may reuse names.
  const ShapeData *getShapeData() const {
    return getScopeDepth() == 0 ? shapeData : nullptr;
  }
  /// The same, for adding what the import propagates itself.
  ShapeData *getMutableShapeData() {
    return getScopeDepth() == 0 ? shapeData : nullptr;
  }
  void setShapeData(ShapeData *data) { shapeData = data; }

  /// The SSA value of an ONNX value; constants are materialized as
  /// arith.constant on first use (in the innermost scope, where the builder
  /// is). Emits an error at `loc` if unknown.
  mlir::FailureOr<mlir::Value> getValue(llvm::StringRef name,
                                        mlir::Location loc);
  void setValue(llvm::StringRef name, mlir::Value value);
  bool hasValue(llvm::StringRef name) const;
  /// The SSA value already built for an ONNX value, or null (constants are
  /// not materialized).
  mlir::Value lookupValue(llvm::StringRef name) const;

  /// The sequence or optional an ONNX value is (scoped like values), or
  /// null if none (a tensor).
  void setComposite(llvm::StringRef name, CompositeValue value);
  const CompositeValue *getComposite(llvm::StringRef name) const;

  /// Registers a constant (initializer or Constant node output).
  void addConstant(llvm::StringRef name, ConstTensor tensor,
                   mlir::Location loc);
  /// The largest tensor the model may ask for (ImportOptions).
  void setMaxTensorBytes(int64_t bytes) { maxTensorBytes = bytes; }
  int64_t getMaxTensorBytes() const { return maxTensorBytes; }
  /// See ImportOptions::maxGeneratedRnnStepMacs.
  void setMaxGeneratedRnnStepMacs(int64_t macs) {
    maxGeneratedRnnStepMacs = macs;
  }
  int64_t getMaxGeneratedRnnStepMacs() const { return maxGeneratedRnnStepMacs; }
  /// The most dims a tensor may have (ImportOptions).
  void setMaxRank(int64_t rank) { maxRank = rank; }
  int64_t getMaxRank() const { return maxRank; }
  /// Errors at `loc` if a tensor of `type` is larger than allowed; `what`
  /// names it ("input 'x'", "output 'y'").
  mlir::LogicalResult checkTensorSize(mlir::Type type, llvm::StringRef what,
                                      mlir::Location loc) const;

  /// Whether the user gave values for graph inputs (--input-value).
  bool hasBoundInputs() const { return !boundInputs.empty(); }
  /// The constant data behind an ONNX value, or null if not a constant.
  const ConstTensor *getConstant(llvm::StringRef name) const;
  /// Gives graph input `name` the value the user gave (--input-value).
  void bindInputValue(llvm::StringRef name, ConstTensor tensor) {
    boundInputs.insert({name, std::move(tensor)});
  }
  /// The value given for graph input `name`, or null; `specialize` records
  /// that the import relied on it (the library then accepts only it).
  const ConstTensor *getBoundInputValue(llvm::StringRef name, bool specialize);
  /// The graph inputs whose given value the import relied on.
  const llvm::StringSet<> &getSpecializedInputs() const { return specialized; }
  /// The constant behind an ONNX value, else the values ONNX's data
  /// propagation knows for a shape value computed at run time
  /// (getPropagatedValue), else the value given for a graph input, else
  /// one computed at compile time from such values by shape arithmetic
  /// (evaluateAtCompileTime); the inputs used are specialized. Null if
  /// there is none.
  const ConstTensor *getConstantOrBoundInput(llvm::StringRef name);
  /// Builds an arith.constant now.
  mlir::Value createConstant(const ConstTensor &tensor, llvm::StringRef hint,
                             mlir::Location loc);

  /// The opset a model imports for a non-default domain (0 if none).
  void setDomainOpset(llvm::StringRef domain, int64_t version) {
    domainOpsets[domain] = version;
  }
  int64_t getDomainOpset(llvm::StringRef domain) const {
    return domainOpsets.lookup(domain);
  }
  /// The opset the model imports for `domain`, the default one included (0
  /// if none).
  int64_t getOpsetFor(llvm::StringRef domain) const {
    return domain.empty() || domain == "ai.onnx" ? opset
                                                 : getDomainOpset(domain);
  }

  /// Records the type ONNX (declared or inferred) gives a value.
  void setValueInfo(const onnx::ValueInfoProto &info);
  void setOnnxType(llvm::StringRef name, const onnx::TypeProto &type) {
    scopes.back().types[name] = type;
  }
  const onnx::TypeProto *getOnnxType(llvm::StringRef name) const;
  /// The ONNX element type of a value (from its ONNX type or, for a
  /// constant, its tensor); UNDEFINED if unknown.
  int32_t getOnnxElementType(llvm::StringRef name) const;

  /// A value of the scope being imported whose dim `dim` has the run-time
  /// size ONNX names `symbol` (a dim_param): where compiled code reads that
  /// size when no graph input dim has the name (a convolution's output
  /// length). The first value recorded for a symbol is kept.
  void recordDimSource(llvm::StringRef symbol, mlir::Value value, int64_t dim) {
    scopes.back().dimSources.try_emplace(symbol, value, dim);
  }
  /// The value and dim recorded for `symbol` in a scope being imported (so
  /// defined before the insertion point), or a null value.
  std::pair<mlir::Value, int64_t> getDimSource(llvm::StringRef symbol) const;

  /// Names read by any node or listed as graph outputs.
  void markUsed(llvm::StringRef name) { used.insert(name); }
  bool isUsed(llvm::StringRef name) const { return used.contains(name); }

private:
  struct ConstEntry {
    ConstTensor tensor;
    mlir::Location loc;
  };
  struct Scope {
    llvm::StringMap<mlir::Value> values;
    llvm::StringMap<CompositeValue> composites;
    llvm::StringMap<ConstEntry> constants;
    llvm::StringMap<onnx::TypeProto> types;
    llvm::StringMap<std::pair<mlir::Value, int64_t>> dimSources;
    // The node computing each output of the scope's graph.
    llvm::StringMap<const onnx::NodeProto *> producers;
  };
  const ConstEntry *findConstant(llvm::StringRef name) const;
  /// A 1-D or scalar int32/int64 value of the main graph, built as run-time
  /// code, whose every element ONNX's data propagation knows: dim 2 of
  /// Shape(x) where x's dim 2 is static and others are symbolic, and the
  /// arithmetic on it (PyTorch's chunk sizes). Null if not all are known.
  const ConstTensor *getPropagatedValue(llvm::StringRef name);

  mlir::MLIRContext *ctx;
  mlir::OpBuilder builder;
  std::string file;
  std::string modelDir;
  int64_t opset;
  // A deque keeps pointers into outer scopes valid while inner ones come
  // and go.
  std::deque<Scope> scopes{1};
  ShapeData *shapeData = nullptr;
  llvm::StringMap<ConstTensor> boundInputs;
  // Values computed from bound inputs (pointer-stable).
  std::deque<ConstTensor> derivedValues;
  // getPropagatedValue's results (StringMap values do not move).
  llvm::StringMap<ConstTensor> propagatedValues;
  llvm::StringSet<> specialized;
  llvm::StringSet<> used;
  int64_t maxTensorBytes = aic::ImportOptions::kDefaultMaxTensorBytes;
  int64_t maxGeneratedRnnStepMacs =
      aic::ImportOptions::kDefaultMaxGeneratedRnnStepMacs;
  int64_t maxRank = aic::ImportOptions::kDefaultMaxRank;
  llvm::StringMap<int64_t> domainOpsets;
  ResourceNamer namer;
};

/// The arguments and results of @main_graph, built up from the graph's
/// inputs and outputs: a tensor is one, a sequence or optional as many as
/// it holds tensors, and aic.input_values / aic.output_values record which
/// form which graph value when there are such (Signature.cpp).
class GraphSignature {
public:
  explicit GraphSignature(mlir::OpBuilder &builder) : builder(builder) {}

  /// `dimNames`: the ONNX dim_param of each dim of `type` ("" where it has
  /// none); empty when `type` is static.
  void addInput(llvm::StringRef name, mlir::RankedTensorType type,
                int32_t elementType, llvm::ArrayRef<std::string> dimNames = {});
  /// `shape` must outlive the signature.
  void addInput(llvm::StringRef name, const CompositeInput &shape);
  void addOutput(llvm::StringRef name, mlir::Value value, int32_t elementType);
  void addOutput(llvm::StringRef name, const CompositeValue &value);

  llvm::ArrayRef<mlir::Type> getInputTypes() const { return argTypes; }
  llvm::SmallVector<mlir::Location> getInputLocs(mlir::Location fileLoc) const;
  llvm::ArrayRef<mlir::Value> getResults() const { return results; }
  /// Names the arguments of `func` (whose entry block exists) and binds the
  /// graph inputs to them in `state`.
  void bindInputs(mlir::func::FuncOp func, GraphState &state);
  /// Once the graph is imported: the result types and names, the values the
  /// import specialized inputs for, and the value tables.
  void finish(mlir::func::FuncOp func, GraphState &state);

private:
  mlir::DictionaryAttr valueEntry(llvm::StringRef name, int64_t kind,
                                  int32_t elementType, bool present,
                                  int64_t count);

  struct Arg {
    std::string name;
    int32_t elementType;
    /// The graph input a tensor argument is ("" for a composite's tensor).
    std::string input;
    /// The dim_params of a tensor argument with run-time dims.
    std::vector<std::string> dimNames;
  };
  struct CompositeArg {
    std::string name;
    const CompositeInput *shape;
    size_t first;
  };
  mlir::OpBuilder &builder;
  llvm::SmallVector<mlir::Type> argTypes;
  llvm::SmallVector<Arg> args;
  llvm::SmallVector<CompositeArg> compositeArgs;
  llvm::SmallVector<mlir::Value> results;
  llvm::SmallVector<std::string> resultNames;
  llvm::SmallVector<int32_t> resultElementTypes;
  llvm::SmallVector<mlir::Attribute> inputValues, outputValues;
  bool composite = false;
};

/// Converts an ONNX tensor type with a fully static shape, or with
/// `allowDynamic` one whose symbolic or unknown dims become dynamic (`?`);
/// on failure sets `why` to the reason (dynamic dim, unknown rank, element
/// type).
mlir::FailureOr<mlir::RankedTensorType>
convertTensorType(const onnx::TypeProto &type, mlir::MLIRContext *ctx,
                  std::string &why, bool allowDynamic = false);

/// What a rule sees of one node: its inputs, attributes, inferred output
/// types and location.
class NodeImporter {
public:
  NodeImporter(GraphState &state, const onnx::NodeProto &node,
               mlir::Location loc)
      : state(state), node(node), loc(loc) {}

  GraphState &getState() { return state; }
  const onnx::NodeProto &getNode() const { return node; }
  mlir::Location getLoc() const { return loc; }
  mlir::OpBuilder &getBuilder() { return state.getBuilder(); }
  mlir::MLIRContext *getContext() const { return state.getContext(); }
  int64_t getOpset() const { return state.getOpset(); }

  mlir::InFlightDiagnostic emitError() { return mlir::emitError(loc); }

  /// Inputs; an optional input is absent when missing or named "".
  int getNumInputs() const { return node.input_size(); }
  bool hasInput(int i) const;
  mlir::FailureOr<mlir::Value> getInput(int i);
  /// The constant behind input `i` (or the value the user gave for the
  /// graph input it is, see InputOptions.cpp), or null.
  const ConstTensor *getConstantInput(int i);
  /// The model's own constant behind input `i` (an initializer or a
  /// Constant node's output), never a value given for a graph input: for
  /// rules that merely run faster with a constant, so that they do not
  /// specialize the library on input values. Null if none.
  const ConstTensor *getModelConstantInput(int i);
  /// The integers of constant input `i` (named `what` in errors); errors if
  /// the input is not a constant, since it determines a shape.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getConstantInts(int i, llvm::StringRef what);
  mlir::RankedTensorType getInputType(int i);
  /// Input `i` as a sequence or optional; null after an error if it is
  /// missing or a tensor.
  const CompositeValue *getCompositeInput(int i);
  void setCompositeOutput(int i, CompositeValue value);
  /// The ONNX element type of input `i` (UNDEFINED if unknown).
  int32_t getInputElementType(int i) const;
  /// Input `i` has an unsigned ONNX integer type: integer rules pick
  /// unsigned arith ops (divui, cmpi ult, uitofp, ...) for it.
  bool isUnsignedInput(int i) const {
    return isUnsignedElementType(getInputElementType(i));
  }

  /// Output `i` exists and is read by a node or is a graph output.
  bool isOutputUsed(int i) const;
  /// The static type ONNX inferred for output `i`; errors otherwise.
  mlir::FailureOr<mlir::RankedTensorType> getOutputType(int i);
  /// The type ONNX inferred for output `i`, its unknown dims run-time ones;
  /// null if it inferred none (no error).
  mlir::RankedTensorType getInferredOutputType(int i);
  /// `computed` (the type a rule computed) checked against the type ONNX
  /// inferred for output `i`, if it did: the two must agree on the element
  /// type, the rank and every dim ONNX knows statically. A computed type
  /// with run-time dims is returned as it is.
  mlir::FailureOr<mlir::RankedTensorType>
  getOutputTypeOr(int i, mlir::RankedTensorType computed);
  void setOutput(int i, mlir::Value value);
  /// Sets output `i` to the single result of `op` (a library op).
  void setOutput(int i, mlir::Operation *op) { setOutput(i, op->getResult(0)); }

  const onnx::AttributeProto *getAttr(llvm::StringRef name) const;
  int64_t getIntAttr(llvm::StringRef name, int64_t defaultValue) const;
  float getFloatAttr(llvm::StringRef name, float defaultValue) const;
  std::string getStringAttr(llvm::StringRef name,
                            llvm::StringRef defaultValue) const;
  /// Empty when absent.
  llvm::SmallVector<int64_t> getIntsAttr(llvm::StringRef name) const;

  /// Creates an op of type OpTy at the node's location.
  template <typename OpTy, typename... Args> OpTy create(Args &&...args) {
    return getBuilder().create<OpTy>(loc, std::forward<Args>(args)...);
  }
  /// Builds a constant at the node's location.
  mlir::Value createConstant(const ConstTensor &tensor, llvm::StringRef hint) {
    return state.createConstant(tensor, hint, loc);
  }
  /// The destination of a library op producing `type` (a tensor.empty of
  /// a static shape; see buildGeneric for run-time dims).
  mlir::Value emptyTensor(mlir::RankedTensorType type);
  /// The same with the sizes of `type`'s run-time dims, in order.
  mlir::Value emptyTensor(mlir::RankedTensorType type,
                          mlir::ValueRange dynamicSizes);
  /// A destination of `source`'s shape (its run-time dims read from it).
  mlir::Value emptyTensorLike(mlir::Value source);
  /// Reshapes `value` to `shape` unless it already has it. Run-time dims
  /// must correspond (see reshapeRuntimeDims).
  mlir::Value reshapeTo(mlir::Value value, llvm::ArrayRef<int64_t> shape);
  /// Reshapes `value`, which has run-time dims, to `shape` when the k-th
  /// run-time dim of `shape` is the k-th one of `value` and the static dims
  /// between them have equal products (a collapse then an expand); fails
  /// otherwise. Whether the dims are equal is the caller's to know.
  mlir::FailureOr<mlir::Value>
  reshapeRuntimeDims(mlir::Value value, llvm::ArrayRef<int64_t> shape);

private:
  GraphState &state;
  const onnx::NodeProto &node;
  mlir::Location loc;
};

using OpRule = mlir::LogicalResult (*)(NodeImporter &);

/// Imports `graph`, a subgraph (GRAPH attribute) of the node `imp` imports,
/// at the builder's insertion point in a scope of its own: its inputs take
/// `inputs`, whose ONNX element types are `inputElementTypes` (UNDEFINED:
/// that of the signless type), or the constants `inputConstants` gives for
/// them (where non-null; their value is then unused). Its nodes go through
/// the same rules as the main graph's, reading the values of the graphs
/// enclosing it. Returns the values of its outputs.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
importSubgraph(NodeImporter &imp, const onnx::GraphProto &graph,
               mlir::ValueRange inputs,
               llvm::ArrayRef<int32_t> inputElementTypes,
               llvm::ArrayRef<const ConstTensor *> inputConstants = {});

/// A value flowing into or out of a subgraph: a tensor, or a sequence or
/// optional.
struct SubgraphValue {
  mlir::Value tensor;
  std::optional<CompositeValue> composite;
};
/// As importSubgraph, where inputs and outputs may also be sequences or
/// optionals (an If branch's outputs, an unrolled Loop's carried values).
mlir::FailureOr<llvm::SmallVector<SubgraphValue>>
importSubgraphValues(NodeImporter &imp, const onnx::GraphProto &graph,
                     llvm::ArrayRef<SubgraphValue> inputs,
                     llvm::ArrayRef<int32_t> inputElementTypes,
                     llvm::ArrayRef<const ConstTensor *> inputConstants = {});

/// ONNX shape inference runs once over the graph and stops typing values
/// past a node whose schema has no inference function (most opset 1
/// operators): true if the graph (or one of its subgraphs) has one, so
/// that the graph-wide inference must not be strict.
bool hasInferenceGaps(const onnx::GraphProto &graph, const GraphState &state);
/// ONNX's schema registry, except that a few old operator versions whose
/// type constraints a later version widened without other changes resolve
/// to that version (SchemaRelaxations.cpp).
const onnx::ISchemaRegistry *getRelaxedSchemaRegistry();
/// A node that breaks its own schema's type constraints and is accepted
/// under the relaxed registry: ONNX's message, and the version accepting it.
struct RelaxedNode {
  const onnx::NodeProto *node;
  std::string message;
  int acceptedAs;
};
/// After shape inference: the nodes only the relaxed registry accepts.
std::vector<RelaxedNode> findRelaxedNodes(const onnx::ModelProto &model,
                                          const GraphState &state);
/// Before a node is imported, runs its schema's data propagation on the
/// types of its imported inputs if ONNX's graph-wide propagation computed
/// no values for its outputs: shapes the import refined (a Slice whose
/// bounds only shape arithmetic gives, say) then reach a later Reshape.
void propagateMissingData(const onnx::NodeProto &node, GraphState &state);
/// Before a rule runs, reruns the node's schema inference on the types (and
/// constant values) of its imported inputs for any output ONNX left untyped
/// or without a static shape. Errors (the ONNX message) only if an output
/// has no type at all.
mlir::LogicalResult inferMissingOutputTypes(const onnx::NodeProto &node,
                                            GraphState &state,
                                            std::string &error);
/// Evaluates a node whose inputs are all small constants if its operator is
/// shape arithmetic (elementwise, Cast, Where, Concat, Gather, reshapes);
/// its output becomes a constant. False if it was not folded.
/// The value of `name` at compile time: a constant, a value given for a
/// graph input (whose name is added to `given`), or computed from those by
/// the shape arithmetic foldConstantNode evaluates (a few nodes at most).
std::optional<ConstTensor>
evaluateAtCompileTime(GraphState &state, llvm::StringRef name,
                      llvm::SmallVectorImpl<std::string> &given);

bool foldConstantNode(const onnx::NodeProto &node, GraphState &state,
                      mlir::Location loc);
/// What foldConstantNode computes for `node` from `inputs` (one constant
/// per node input), or nullopt if it would not fold it.
std::optional<ConstTensor>
evaluateNode(const onnx::NodeProto &node, const GraphState &state,
             llvm::ArrayRef<const ConstTensor *> inputs);
/// After a rule ran, gives each output ONNX left untyped or without a static
/// shape the type of the value the rule built, for the inference of later
/// nodes.
void recordOutputTypes(const onnx::NodeProto &node, GraphState &state);
/// The symbol of run-time dim `d` of `v` traced through destinations (a
/// result's dims are its init's; tensor.empty's sizes; tensor.dim) to a
/// dim of a graph input: its name (aic.dim_names), or "input #N dim D" for
/// an unnamed one; "" where the trace ends elsewhere (DimSymbols.cpp).
std::string traceDimSymbol(mlir::Value v, int64_t d);

/// A set of ONNX element types: bit `t` for TensorProto::DataType `t`.
using TypeSet = uint32_t;
constexpr TypeSet typeBit(onnx::TensorProto::DataType type) {
  return TypeSet(1) << type;
}
namespace types {
using DT = onnx::TensorProto;
constexpr TypeSet kFloat = typeBit(DT::FLOAT) | typeBit(DT::DOUBLE) |
                           typeBit(DT::FLOAT16) | typeBit(DT::BFLOAT16);
constexpr TypeSet kSigned = typeBit(DT::INT8) | typeBit(DT::INT16) |
                            typeBit(DT::INT32) | typeBit(DT::INT64);
constexpr TypeSet kUnsigned = typeBit(DT::UINT8) | typeBit(DT::UINT16) |
                              typeBit(DT::UINT32) | typeBit(DT::UINT64);
constexpr TypeSet kInt = kSigned | kUnsigned;
constexpr TypeSet kBool = typeBit(DT::BOOL);
constexpr TypeSet kString = typeBit(DT::STRING);
constexpr TypeSet kNumeric = kFloat | kInt;
constexpr TypeSet kTensor = kNumeric | kBool;
} // namespace types

/// The operator set domains aic has rules for besides the default one.
constexpr const char *kTrainingDomain = "ai.onnx.preview.training";

/// What aic imports of one ONNX operator: the registry the importer
/// dispatches on and the README's operator table is generated from, so the
/// two cannot disagree.
struct OpRuleInfo {
  const char *opType;
  OpRule rule;
  /// The first version of the operator's domain whose form of the operator
  /// the rule imports; it imports every later one up to the newest ONNX
  /// knows.
  int64_t sinceOpset;
  /// The element types the rule accepts for the operator's main type: that
  /// of input 0, or of output 0 for operators without inputs. The importer
  /// rejects others with a one-line error before the rule runs.
  TypeSet types;
  /// The operator set domain; "" is the default one ("ai.onnx").
  const char *domain = "";
  /// Whether the rule takes inputs with dims known only at run time (the
  /// outputs of NonZero, Unique, ... and what is computed from them); the
  /// importer rejects such inputs of other operators before the rule runs.
  bool runtimeShapes = false;
};

/// The domain `domain` names: "ai.onnx" is the default domain "".
llvm::StringRef normalizeDomain(llvm::StringRef domain);
/// The registered rules of all families, sorted by domain and operator
/// type.
llvm::ArrayRef<OpRuleInfo> getOpRules();
/// The registered rule for an ONNX operator of `domain`, or null.
const OpRuleInfo *lookupOpRuleInfo(llvm::StringRef domain,
                                   llvm::StringRef opType);
/// The rule for an ONNX operator of `domain`, or null.
OpRule lookupOpRule(llvm::StringRef domain, llvm::StringRef opType);
/// True if aic has rules for some operator of `domain`.
bool isSupportedDomain(llvm::StringRef domain);
/// Replaces the calls of the model's local functions, in its graph and
/// subgraphs, by the functions' bodies (Functions.cpp).
mlir::LogicalResult inlineFunctions(onnx::ModelProto &model,
                                    mlir::Location fileLoc);
/// Applies --input-shape and --input-value to the model's graph inputs
/// (before the checker and shape inference see them), decodes the given
/// values and reads the shapes of sequence and optional inputs.
mlir::FailureOr<InputBindings>
applyInputOptions(onnx::ModelProto &model, const aic::ImportOptions &options,
                  llvm::StringRef modelDir, mlir::MLIRContext *ctx,
                  mlir::Location fileLoc);

/// ONNX 1.12's STFT-17 inference ignores `onesided`; this replaces it in
/// ONNX's schema registry (SignalRules.cpp).
void fixStftInference();
/// Gives the operators ONNX 1.12 defines only by a function body
/// (GreaterOrEqual-12, LessOrEqual-12) an inference function that infers
/// through that body, so that nodes can be inferred one by one
/// (NodeInference.cpp).
void addFunctionBodyInference();
/// Adds the rank and axis checks some of ONNX 1.12's inference functions
/// lack (they crash without them) to ONNX's schema registry
/// (InferenceGuards.cpp).
void guardShapeInference();
/// A symbolic dim as a product: a constant factor times named dims
/// ("4*batch", "batch*seq"). The dims that Mul, Div and Reshape compute
/// from symbolic ones are spelled this way (DataPropagation.cpp), so that
/// two spellings of one product are one string and a Reshape can tell
/// which dims of its input make up a dim of its output (DimSymbols.cpp).
struct DimProduct {
  /// The most names a product holds; longer ones are unknown dims.
  static constexpr size_t kMaxNames = 8;
  int64_t factor = 1;
  /// Named dims, sorted; a name may repeat.
  llvm::SmallVector<std::string, 2> names;

  /// "" for no names and factor 1; a plain number for no names.
  std::string str() const;
  bool operator==(const DimProduct &other) const {
    return factor == other.factor && names == other.names;
  }
  bool operator!=(const DimProduct &other) const { return !(*this == other); }
  /// This times `other`, unless the factor overflows or the names would
  /// exceed kMaxNames.
  std::optional<DimProduct> times(const DimProduct &other) const;
  /// This divided by `other`, if that is a product (other's names among
  /// this one's, its factor dividing this one's).
  std::optional<DimProduct> dividedBy(const DimProduct &other) const;
};
/// Reads a dim_param: its '*'-separated parts are decimal factors or names.
/// Empty for "" and for more than kMaxNames names.
std::optional<DimProduct> parseDimProduct(llvm::StringRef symbol);

/// Gives the operators whose values ONNX 1.12's data propagation does not
/// follow (Div) a propagation function in ONNX's schema registry, and
/// Reshape an inference that reads propagated values (DataPropagation.cpp).
void addDataPropagation();
/// The rank limit those checks apply on this thread (ImportOptions::maxRank).
void setInferenceMaxRank(int64_t rank);
/// Errors if inputs of `node` that share a type parameter of its schema
/// ("T") have different types, the extra inputs of a homogeneous variadic
/// formal included, which ONNX 1.12 does not check (TypeBindings.cpp).
mlir::LogicalResult checkTypeBindings(const onnx::NodeProto &node,
                                      const GraphState &state,
                                      mlir::Location loc);
/// Replaces the shape inference of the schemas ONNX 1.12 gets wrong, once,
/// before any model is checked (called by importOnnxFile).
void fixOnnxSchemas();

/// The rule tables of the families (one per *Rules.cpp file); getOpRules
/// merges them.
llvm::ArrayRef<OpRuleInfo> getCoreRules();
llvm::ArrayRef<OpRuleInfo> getReshapeRules();
llvm::ArrayRef<OpRuleInfo> getSignalRules();
llvm::ArrayRef<OpRuleInfo> getRandomRules();
llvm::ArrayRef<OpRuleInfo> getSamplingRules();
llvm::ArrayRef<OpRuleInfo> getIndexingRules();
llvm::ArrayRef<OpRuleInfo> getLinearAlgebraRules();
llvm::ArrayRef<OpRuleInfo> getQuantRules();
llvm::ArrayRef<OpRuleInfo> getTextRules();
llvm::ArrayRef<OpRuleInfo> getControlFlowRules();
llvm::ArrayRef<OpRuleInfo> getElementwiseRules();
llvm::ArrayRef<OpRuleInfo> getUnaryRules();
llvm::ArrayRef<OpRuleInfo> getReductionRules();
llvm::ArrayRef<OpRuleInfo> getDataMovementRules();
llvm::ArrayRef<OpRuleInfo> getSliceRules();
llvm::ArrayRef<OpRuleInfo> getPositionalRules();
llvm::ArrayRef<OpRuleInfo> getShapeRules();
llvm::ArrayRef<OpRuleInfo> getLossRules();
llvm::ArrayRef<OpRuleInfo> getConvTransposeRules();
llvm::ArrayRef<OpRuleInfo> getNormalizationRules();
llvm::ArrayRef<OpRuleInfo> getTrainingRules();
llvm::ArrayRef<OpRuleInfo> getGradientRules();
llvm::ArrayRef<OpRuleInfo> getSequenceRules();
llvm::ArrayRef<OpRuleInfo> getStringRules();
llvm::ArrayRef<OpRuleInfo> getRecurrentRules();
llvm::ArrayRef<OpRuleInfo> getDataDependentRules();

/// Imports a Cast between STRING and a number type (StringRules.cpp):
/// output 0 of type `type` from `input`; `numberIsUnsigned` is the
/// signedness of the integer side.
mlir::LogicalResult importStringCast(NodeImporter &imp, mlir::Value input,
                                     mlir::RankedTensorType type,
                                     bool numberIsUnsigned);

/// ONNX 1.12's SplitToSequence inference divides by a constant scalar
/// 'split' without checking it: rejects a non-positive one (in `graph` or
/// its subgraphs) before ONNX's checker and inference see the model.
mlir::LogicalResult checkSplitToSequenceSizes(const onnx::GraphProto &graph,
                                              GraphState &state,
                                              mlir::Location fileLoc);

/// Imports one node of a subgraph into the current insertion point, as the
/// graph's own nodes are (without graph-wide data propagation, which did
/// not see the subgraph's values).
mlir::LogicalResult importSubgraphNode(const onnx::NodeProto &node,
                                       GraphState &state);

/// Explicit window attributes of a convolution or pooling; pads are
/// [begin..., end...] and include `ceilPadding`, the end padding added for
/// ceil_mode.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, dilations, pads, ceilPadding;
  /// Spatial dims whose auto_pad SAME padding depends on their run-time
  /// size (a stride above 1): their pads here are 0 and the rule pads the
  /// input at run time (SAME_UPPER puts the extra element at the end).
  llvm::SmallVector<bool> runtimeSame;
  bool sameUpper = true;
};
/// Resolves strides, dilations, pads and auto_pad for input spatial sizes
/// `in` and the given kernel (NNRules.cpp). `allowEndPadding` (pooling with
/// ceil_mode) adds end padding until the window count equals the inferred
/// `out`; errors if the window does not give `out`. `allowRuntimeSame`: the
/// caller pads the input of Window::runtimeSame dims at run time; else
/// such dims are an error.
mlir::FailureOr<Window> resolveWindow(NodeImporter &imp,
                                      llvm::ArrayRef<int64_t> in,
                                      llvm::ArrayRef<int64_t> out,
                                      llvm::ArrayRef<int64_t> kernel,
                                      bool hasDilations, bool allowEndPadding,
                                      bool allowRuntimeSame = false);

/// Reads an optional attribute of `count` integers (per spatial dim, or
/// twice that for pads), each at least `min`; absent, all are `fill`.
mlir::FailureOr<llvm::SmallVector<int64_t>>
getSpatialAttr(NodeImporter &imp, llvm::StringRef name, size_t count,
               int64_t fill, int64_t min = 1);

/// Rules implemented in NNRules.cpp.
mlir::LogicalResult importConv(NodeImporter &imp);
mlir::LogicalResult importMaxPool(NodeImporter &imp);
mlir::LogicalResult importAveragePool(NodeImporter &imp);
mlir::LogicalResult importGlobalAveragePool(NodeImporter &imp);
mlir::LogicalResult importGlobalMaxPool(NodeImporter &imp);
/// NonMaxSuppression (NonMaxSuppression.cpp).
mlir::LogicalResult importNonMaxSuppression(NodeImporter &imp);
/// SequenceMap (SequenceMap.cpp).
mlir::LogicalResult importSequenceMap(NodeImporter &imp);

} // namespace importer
} // namespace aic

#endif // AIC_LIB_IMPORTER_IMPORTERIMPL_H
