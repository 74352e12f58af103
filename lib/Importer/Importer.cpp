//===- Importer.cpp - ONNX model to the aic dialect -----------------------===//
//
// Loads a model (binary protobuf or ONNX text), lets the ONNX library check
// it and infer every shape, then builds func.func @main_graph: graph inputs
// become arguments, initializers and Constant nodes become arith.constant, and
// each node is handed to its rule (OpRules.cpp).
//
//===----------------------------------------------------------------------===//
#include "ControlFlow.h"
#include "ImporterImpl.h"
#include "ModelChecks.h"
#include "aic/Compiler.h"
#include "dialects/Aic/RuntimePrimitive.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/shape_inference/implementation.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstring>
#include <exception>
#include <limits>
#include <mutex>

using namespace mlir;
using namespace aic::importer;

// Exported by libonnx 1.12 but not declared in checker.h: the overload
// check_model(path) uses to find external data beside the model.
namespace onnx::checker {
void check_model(const ModelProto &model, CheckerContext &ctx);
} // namespace onnx::checker

static constexpr int64_t kMinOpset = 1;
static constexpr int64_t kMaxOpset = 17;

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

/// ONNX messages span several lines; diagnostics are one line each, with
/// the names in them escaped (Diagnostics.cpp).
static std::string oneLine(StringRef message) {
  return aic::oneLineForDiagnostic(message.trim());
}

/// True if the bytes look like ONNX text rather than a protobuf.
static bool looksLikeText(StringRef content) {
  for (char c : content.take_front(4096))
    if (c == 0 || (static_cast<unsigned char>(c) < 0x20 && !llvm::isSpace(c)))
      return false;
  return true;
}

static LogicalResult parseText(StringRef content, onnx::ModelProto &model,
                               std::string &why) {
  std::string text = content.str();
  onnx::OnnxParser parser(text.c_str());
  onnx::Common::Status status;
  try {
    status = parser.Parse(model);
  } catch (const std::exception &e) {
    // The parser converts numbers with std::stoll and friends, which throw
    // on literals out of range.
    why = std::string("invalid literal (") + e.what() + ")";
    return failure();
  }
  if (!status.IsOK()) {
    why = oneLine(status.ErrorMessage());
    return failure();
  }
  if (!parser.EndOfInput()) {
    why = "unexpected text after the graph";
    return failure();
  }
  return success();
}

static LogicalResult parseBinary(StringRef content, onnx::ModelProto &model) {
  if (content.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return failure();
  google::protobuf::io::ArrayInputStream stream(
      content.data(), static_cast<int>(content.size()));
  google::protobuf::io::CodedInputStream coded(&stream);
  coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
  return success(model.ParseFromCodedStream(&coded) &&
                 coded.ConsumedEntireMessage());
}

static LogicalResult loadModel(StringRef path, onnx::ModelProto &model,
                               Location fileLoc) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(fileLoc)
           << "cannot read ONNX model: " << buffer.getError().message();
  StringRef content = (*buffer)->getBuffer();
  std::string why;
  if (path.ends_with(".onnxtxt")) {
    if (failed(parseText(content, model, why)))
      return emitError(fileLoc) << "cannot parse ONNX model: " << why;
  } else if (failed(parseBinary(content, model))) {
    model.Clear();
    if (!looksLikeText(content))
      return emitError(fileLoc) << "cannot parse ONNX model: not a valid "
                                   "ONNX protobuf (truncated or corrupt file)";
    if (failed(parseText(content, model, why)))
      return emitError(fileLoc)
             << "cannot parse ONNX model: neither a valid ONNX protobuf nor "
                "ONNX text: "
             << why;
  }
  if (!model.has_graph())
    return emitError(fileLoc)
           << "cannot parse ONNX model: the model has no graph";
  return success();
}

/// Vets external-data locations before the ONNX checker touches the files.
static LogicalResult vetExternalData(const onnx::ModelProto &model,
                                     StringRef modelDir, Location fileLoc) {
  for (const onnx::TensorProto &tensor : model.graph().initializer()) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
      continue;
    std::string why;
    if (failed(aic::importer::checkExternalData(tensor, modelDir, why)))
      return emitError(fileLoc)
             << "initializer '" << tensor.name() << "': " << why;
  }
  return success();
}

/// Runs ONNX's checker and strict shape inference, whose errors are
/// exceptions. The inference types the values of subgraphs too.
static LogicalResult checkAndInferShapes(onnx::ModelProto &model,
                                         StringRef modelDir,
                                         const GraphState &state,
                                         ShapeData &shapeData,
                                         Location fileLoc) {
  if (failed(vetExternalData(model, modelDir, fileLoc)))
    return failure();
  const char *stage = "invalid ONNX model";
  try {
    // External data is looked up relative to the model, not the working
    // directory.
    onnx::checker::CheckerContext checkerContext;
    checkerContext.set_model_dir(modelDir.str());
    onnx::checker::check_model(model, checkerContext);
    stage = "ONNX shape inference failed";
    // Past an operator without inference, values are untyped and strict
    // mode would fail on them; importNode infers those nodes one by one.
    bool strict = !hasInferenceGaps(model.graph(), state);
    onnx::ShapeInferenceOptions options(/*check_type=*/true,
                                        /*strict_mode=*/strict ? 1 : 0,
                                        /*data_prop=*/true);
    // Checks types against the schemas, with the relaxations of
    // SchemaRelaxations.cpp (importOnnxFile warns where they mattered).
    onnx::shape_inference::InferShapes(model, getRelaxedSchemaRegistry(),
                                       options, &shapeData);
  } catch (const std::exception &e) {
    return emitError(fileLoc) << stage << ": " << oneLine(e.what());
  } catch (...) {
    return emitError(fileLoc) << stage << ": unknown error";
  }
  return success();
}

/// The default-domain opset (0 if none), checked against what aic supports.
static FailureOr<int64_t> getDefaultOpset(const onnx::ModelProto &model,
                                          Location fileLoc) {
  std::optional<int64_t> opset;
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = id.version();
  if (!opset)
    return 0;
  if (*opset < kMinOpset || *opset > kMaxOpset) {
    emitError(fileLoc) << "unsupported opset " << *opset
                       << " of the default ONNX domain (aic supports "
                       << kMinOpset << " to " << kMaxOpset << ")";
    return failure();
  }
  return *opset;
}

/// fused<"OpType, opset N">["node name"("file":0:0)]
static Location getNodeLoc(const onnx::NodeProto &node,
                           const GraphState &state) {
  MLIRContext *ctx = state.getContext();
  std::string name = node.name();
  if (name.empty() && node.output_size() > 0)
    name = node.output(0);
  Location nameLoc =
      NameLoc::get(StringAttr::get(ctx, name), state.getFileLoc());
  // Operators of other domains are named with their domain and its opset.
  std::string meta =
      node.op_type() + ", opset " + std::to_string(state.getOpset());
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    meta = node.domain() + "." + node.op_type() + ", opset " +
           std::to_string(state.getDomainOpset(node.domain()));
  return FusedLoc::get(ctx, {nameLoc}, StringAttr::get(ctx, meta));
}

//===----------------------------------------------------------------------===//
// Graph
//===----------------------------------------------------------------------===//

/// The outputs of a node as constants if ONNX data propagation computed all
/// of them, so shape arithmetic (Shape -> Gather -> Concat -> Reshape) folds
/// away instead of needing rules for each op.
static bool getPropagatedOutputs(
    const onnx::NodeProto &node, const GraphState &state,
    const ShapeData &shapeData,
    SmallVectorImpl<std::pair<std::string, ConstTensor>> &folded) {
  for (const std::string &name : node.output()) {
    if (name.empty())
      continue;
    auto it = shapeData.find(name);
    const onnx::TypeProto *onnxType = state.getOnnxType(name);
    if (it == shapeData.end() || !onnxType)
      return false;
    std::string why;
    FailureOr<RankedTensorType> type =
        convertTensorType(*onnxType, state.getContext(), why);
    if (failed(type) || !type->getElementType().isInteger(64) ||
        type->getNumElements() != it->second.dim_size())
      return false;
    SmallVector<int64_t> values;
    for (const onnx::TensorShapeProto::Dimension &dim : it->second.dim()) {
      if (!dim.has_dim_value())
        return false;
      values.push_back(dim.dim_value());
    }
    ConstTensor tensor{*type, {}};
    tensor.data.resize(values.size() * sizeof(int64_t));
    // An empty value (the shape of a scalar) has no data pointer.
    if (!values.empty())
      std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
    folded.emplace_back(name, std::move(tensor));
  }
  return !folded.empty();
}

/// Errors unless aic has rules for some operator of the node's domain.
static LogicalResult checkNodeDomain(const onnx::NodeProto &node,
                                     Location loc) {
  if (isSupportedDomain(node.domain()))
    return success();
  return emitError(loc) << "unsupported operator domain '" << node.domain()
                        << "'";
}

/// The subgraphs of a node (its GRAPH and GRAPHS attributes).
static SmallVector<const onnx::GraphProto *>
getSubgraphs(const onnx::NodeProto &node) {
  SmallVector<const onnx::GraphProto *> graphs;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.has_g())
      graphs.push_back(&attr.g());
    for (const onnx::GraphProto &graph : attr.graphs())
      graphs.push_back(&graph);
  }
  return graphs;
}

/// Marks the names the nodes of `graph` and of its subgraphs read, and the
/// outputs of all these graphs, as used.
static void markUsedNames(const onnx::GraphProto &graph, GraphState &state) {
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &input : node.input())
      state.markUsed(input);
    for (const onnx::GraphProto *subgraph : getSubgraphs(node))
      markUsedNames(*subgraph, state);
  }
  for (const onnx::ValueInfoProto &info : graph.output())
    state.markUsed(info.name());
}

/// Reports each operator type aic cannot import, once, at its first node,
/// in `graph` and its subgraphs. Without `shapeData` (before the ONNX
/// checker, which would fail on them with a less precise message) only
/// operators of other domains and ones ONNX itself does not know; with it,
/// also any without a rule whose outputs data propagation did not compute.
static LogicalResult checkOperators(const onnx::GraphProto &graph,
                                    const GraphState &state,
                                    const ShapeData *shapeData,
                                    llvm::StringSet<> &reported) {
  // Data propagation computes values of the main graph only.
  static const ShapeData kNone;
  bool ok = true;
  for (const onnx::NodeProto &node : graph.node()) {
    for (const onnx::GraphProto *subgraph : getSubgraphs(node))
      if (failed(checkOperators(*subgraph, state, shapeData ? &kNone : nullptr,
                                reported)))
        ok = false;
    std::string key = node.domain() + "::" + node.op_type();
    if (reported.contains(key))
      continue;
    Location loc = getNodeLoc(node, state);
    SmallVector<std::pair<std::string, ConstTensor>> folded;
    if (failed(checkNodeDomain(node, loc))) {
      ok = false;
    } else if (lookupOpRule(node.domain(), node.op_type()) ||
               (shapeData &&
                getPropagatedOutputs(node, state, *shapeData, folded)) ||
               (!shapeData &&
                onnx::OpSchemaRegistry::Schema(
                    node.op_type(), state.getOpsetFor(node.domain()),
                    normalizeDomain(node.domain()).str()))) {
      continue;
    } else {
      emitError(loc) << "unsupported operator";
      ok = false;
    }
    reported.insert(key);
  }
  return success(ok);
}

static LogicalResult checkOperators(const onnx::GraphProto &graph,
                                    const GraphState &state,
                                    const ShapeData *shapeData) {
  llvm::StringSet<> reported;
  return checkOperators(graph, state, shapeData, reported);
}

/// Checks the node against what its rule declares: the operator's form at
/// the model's opset and its main element type (input 0, or output 0 for
/// operators without inputs; unknown types are left to the rule).
static LogicalResult checkRuleApplies(const OpRuleInfo &info,
                                      const onnx::NodeProto &node,
                                      const GraphState &state, Location loc) {
  StringRef domain = normalizeDomain(node.domain());
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
      node.op_type(),
      domain.empty() ? state.getOpset() : state.getDomainOpset(domain),
      domain.str());
  if (schema && schema->SinceVersion() < info.sinceOpset)
    return emitError(loc) << "the opset " << schema->SinceVersion()
                          << " form of " << node.op_type()
                          << " is not supported (aic imports it from opset "
                          << info.sinceOpset << ")";
  StringRef value = node.input_size() > 0    ? StringRef(node.input(0))
                    : node.output_size() > 0 ? StringRef(node.output(0))
                                             : StringRef();
  int32_t type = value.empty() ? onnx::TensorProto::UNDEFINED
                               : state.getOnnxElementType(value);
  if (type <= onnx::TensorProto::UNDEFINED || type >= 32 ||
      (info.types & (TypeSet(1) << type)))
    return success();
  InFlightDiagnostic diag = emitError(loc);
  diag << "element type " << elementTypeName(type)
       << " is not supported (aic imports " << node.op_type() << " for ";
  llvm::interleave(
      llvm::make_filter_range(llvm::seq<int32_t>(1, 32),
                              [&](int32_t t) { return (info.types >> t) & 1; }),
      [&](int32_t t) { diag << elementTypeName(t); }, [&] { diag << ", "; });
  diag << ")";
  return failure();
}

/// Errors if an input of `node` has a dim known only at run time (it
/// depends on the data, as NonZero's output does) and its rule does not take
/// such inputs (library primitives are built for static shapes).
static LogicalResult checkRuntimeShapes(const OpRuleInfo &info,
                                        const onnx::NodeProto &node,
                                        const GraphState &state, Location loc) {
  if (info.runtimeShapes)
    return success();
  for (const std::string &name : node.input()) {
    Value value = name.empty() ? Value() : state.lookupValue(name);
    auto type = value ? dyn_cast<ShapedType>(value.getType()) : ShapedType();
    if (type && !type.hasStaticShape())
      return emitError(loc)
             << "input '" << name << "' has the shape "
             << formatShape(type.getShape())
             << ", known only at run time (a symbolic dim, or one that "
                "depends on the data); "
             << node.op_type()
             << " does not take such inputs yet (fix the model's symbolic "
                "dims with --input-shape)";
  }
  return success();
}

/// Errors if an output of `node` is larger than the tensor size limit: as
/// ONNX types it before the rule runs, or as the rule built it.
static LogicalResult checkOutputSizes(const onnx::NodeProto &node,
                                      const GraphState &state, Location loc,
                                      bool built) {
  for (const std::string &name : node.output()) {
    if (name.empty())
      continue;
    Type type;
    if (built) {
      if (Value value = state.lookupValue(name))
        type = value.getType();
    } else if (const onnx::TypeProto *onnxType = state.getOnnxType(name)) {
      std::string why;
      FailureOr<RankedTensorType> converted =
          convertTensorType(*onnxType, state.getContext(), why);
      if (succeeded(converted))
        type = *converted;
    }
    if (type &&
        failed(state.checkTensorSize(type, "output '" + name + "'", loc)))
      return failure();
  }
  return success();
}

static LogicalResult importNode(const onnx::NodeProto &node,
                                GraphState &state) {
  Location loc = getNodeLoc(node, state);
  if (failed(checkNodeDomain(node, loc)))
    return failure();
  SmallVector<std::pair<std::string, ConstTensor>> folded;
  propagateMissingData(node, state);
  if (const ShapeData *shapeData = state.getShapeData();
      shapeData && getPropagatedOutputs(node, state, *shapeData, folded)) {
    for (auto &[name, tensor] : folded)
      state.addConstant(name, std::move(tensor), loc);
    return success();
  }
  const OpRuleInfo *info = lookupOpRuleInfo(node.domain(), node.op_type());
  if (!info)
    return emitError(loc) << "unsupported operator";
  if (failed(checkRuleApplies(*info, node, state, loc)) ||
      failed(checkTypeBindings(node, state, loc)) ||
      failed(checkRuntimeShapes(*info, node, state, loc)))
    return failure();
  // The rule of an operator with subgraphs types its outputs from what the
  // subgraphs compute: ONNX cannot rerun their inference out of context.
  std::string why;
  if (getSubgraphs(node).empty() &&
      failed(inferMissingOutputTypes(node, state, why)))
    return emitError(loc) << "ONNX shape inference failed: " << oneLine(why);
  // Before the rule builds anything for an absurd size.
  if (failed(checkOutputSizes(node, state, loc, /*built=*/false)))
    return failure();
  // Shape arithmetic on constants becomes constants, so that the rules that
  // need static shapes find them.
  if (normalizeDomain(node.domain()).empty() &&
      foldConstantNode(node, state, loc)) {
    recordOutputTypes(node, state);
    return success();
  }
  NodeImporter imp(state, node, loc);
  if (failed(info->rule(imp)) ||
      failed(checkOutputSizes(node, state, loc, /*built=*/true)))
    return failure();
  recordOutputTypes(node, state);
  return success();
}

LogicalResult aic::importer::importSubgraphNode(const onnx::NodeProto &node,
                                                GraphState &state) {
  return importNode(node, state);
}

/// Records the ONNX types of the values of `graph` and its initializers as
/// constants, in the current scope. Returns whether nodes must be inferred
/// one by one (see hasInferenceGaps): then ONNX's inference did not check
/// declared types against the operators, so only the inputs' are kept.
static FailureOr<bool> enterGraph(const onnx::GraphProto &graph,
                                  GraphState &state,
                                  llvm::StringSet<> &initializerNames,
                                  bool inferPerNode = false) {
  MLIRContext *ctx = state.getContext();
  Location fileLoc = state.getFileLoc();
  state.setScopeGraph(&graph);
  inferPerNode |= hasInferenceGaps(graph, state);
  for (const onnx::ValueInfoProto &info : graph.input())
    state.setValueInfo(info);
  if (!inferPerNode) {
    for (const onnx::ValueInfoProto &info : graph.value_info())
      state.setValueInfo(info);
    for (const onnx::ValueInfoProto &info : graph.output())
      state.setValueInfo(info);
  }
  // Initializers are constants, even when also listed as inputs (IR < 4).
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    std::string why;
    FailureOr<ConstTensor> decoded =
        decodeTensor(tensor, state.getModelDir(), ctx, why);
    if (failed(decoded))
      return emitError(fileLoc)
             << "initializer '" << tensor.name() << "': " << why;
    Location loc = NameLoc::get(StringAttr::get(ctx, tensor.name()), fileLoc);
    state.addConstant(tensor.name(), std::move(*decoded), loc);
    initializerNames.insert(tensor.name());
  }
  if (graph.sparse_initializer_size() > 0)
    return emitError(fileLoc) << "sparse initializer '"
                              << graph.sparse_initializer(0).values().name()
                              << "' is not supported";
  return inferPerNode;
}

/// Imports the nodes of `graph` at the builder's insertion point.
static LogicalResult importNodes(const onnx::GraphProto &graph,
                                 GraphState &state) {
  for (const onnx::NodeProto &node : graph.node())
    if (failed(importNode(node, state)))
      return failure();
  return success();
}

/// The value of the tensor output `output` of the graph just imported. Its
/// declared type is checked where ONNX's inference did not
/// (`checkDeclared`).
static FailureOr<Value> getTensorOutput(const onnx::ValueInfoProto &output,
                                        GraphState &state, bool checkDeclared,
                                        Location loc) {
  FailureOr<Value> value = state.getValue(output.name(), loc);
  if (failed(value))
    return failure();
  std::string why;
  FailureOr<RankedTensorType> declared =
      checkDeclared && output.has_type()
          ? convertTensorType(output.type(), state.getContext(), why)
          : FailureOr<RankedTensorType>(failure());
  if (succeeded(declared) && *declared != value->getType())
    return emitError(loc) << "output '" << output.name() << "' is declared as "
                          << *declared << " but the graph computes "
                          << value->getType();
  return value;
}

FailureOr<SmallVector<SubgraphValue>> aic::importer::importSubgraphValues(
    NodeImporter &imp, const onnx::GraphProto &graph,
    ArrayRef<SubgraphValue> inputs, ArrayRef<int32_t> inputElementTypes,
    ArrayRef<const ConstTensor *> inputConstants) {
  GraphState &state = imp.getState();
  if (graph.input_size() != static_cast<int>(inputs.size()))
    return imp.emitError() << "subgraph '" << graph.name() << "' has "
                           << graph.input_size() << " inputs, expected "
                           << inputs.size();
  // A loop body receives a carried value with dims known only at run time
  // that the exporter declared as the first iteration's (PyTorch's traced
  // shapes): the types ONNX inferred from that declaration are stale, and
  // the body's nodes are inferred one by one from what they receive.
  bool stale = false;
  for (auto [i, info] : llvm::enumerate(graph.input())) {
    std::string why;
    FailureOr<RankedTensorType> declared =
        info.has_type() && info.type().has_tensor_type()
            ? convertTensorType(info.type(), state.getContext(), why,
                                /*allowDynamic=*/true)
            : FailureOr<RankedTensorType>(failure());
    auto type = inputs[i].tensor && !inputs[i].composite &&
                        !(i < inputConstants.size() && inputConstants[i])
                    ? dyn_cast<RankedTensorType>(inputs[i].tensor.getType())
                    : RankedTensorType();
    if (succeeded(declared) && type && type != *declared &&
        joinCarriedTypes(type, *declared) == type)
      stale = true;
  }
  state.pushScope();
  auto scope = llvm::make_scope_exit([&] { state.popScope(); });
  llvm::StringSet<> initializerNames;
  FailureOr<bool> inferPerNode =
      enterGraph(graph, state, initializerNames, stale);
  if (failed(inferPerNode))
    return failure();
  for (auto [i, info] : llvm::enumerate(graph.input())) {
    if (const std::optional<CompositeValue> &composite = inputs[i].composite) {
      if (info.has_type() && info.type().has_tensor_type())
        return imp.emitError()
               << "subgraph '" << graph.name() << "' input '" << info.name()
               << "' is declared a tensor but receives "
               << composite->describe();
      CompositeValue value = *composite;
      // A sequence flows into an optional input as a present optional.
      if (info.has_type() && info.type().has_optional_type() &&
          value.kind == CompositeValue::Kind::Sequence)
        value.kind = CompositeValue::Kind::OptionalSequence;
      state.setComposite(info.name(), std::move(value));
      continue;
    }
    const ConstTensor *constant =
        i < inputConstants.size() ? inputConstants[i] : nullptr;
    RankedTensorType type =
        constant ? constant->type
                 : cast<RankedTensorType>(inputs[i].tensor.getType());
    bool isUnsigned =
        constant ? constant->isUnsigned
                 : isUnsignedElementType(i < inputElementTypes.size()
                                             ? inputElementTypes[i]
                                             : onnx::TensorProto::UNDEFINED);
    // The declared type may leave dims (or everything) open; what flows in
    // is static.
    onnx::TypeProto known = makeOnnxType(type, isUnsigned);
    if (info.has_type() && info.type().has_tensor_type()) {
      std::string why;
      int32_t declaredElement = info.type().tensor_type().elem_type();
      FailureOr<RankedTensorType> declared =
          convertTensorType(info.type(), state.getContext(), why);
      Type element = convertElementType(declaredElement, state.getContext());
      if ((succeeded(declared) && *declared != type &&
           !(stale && joinCarriedTypes(type, *declared) == type)) ||
          (element && element != type.getElementType()))
        return imp.emitError()
               << "subgraph '" << graph.name() << "' input '" << info.name()
               << "' is declared as "
               << (succeeded(declared) ? *declared : Type(element))
               << " but receives " << type;
      if (declaredElement != onnx::TensorProto::UNDEFINED)
        known.mutable_tensor_type()->set_elem_type(declaredElement);
    } else if (info.has_type()) {
      return imp.emitError() << "subgraph '" << graph.name() << "' input '"
                             << info.name() << "' is not a tensor";
    }
    state.setOnnxType(info.name(), known);
    if (constant)
      state.addConstant(info.name(), *constant, imp.getLoc());
    else
      state.setValue(info.name(), inputs[i].tensor);
  }
  if (failed(importNodes(graph, state)))
    return failure();
  SmallVector<SubgraphValue> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    if (const CompositeValue *composite = state.getComposite(output.name())) {
      results.push_back({Value(), *composite});
      continue;
    }
    FailureOr<Value> value =
        getTensorOutput(output, state, /*checkDeclared=*/!stale, imp.getLoc());
    if (failed(value))
      return failure();
    results.push_back({*value, std::nullopt});
  }
  return results;
}

FailureOr<SmallVector<Value>>
aic::importer::importSubgraph(NodeImporter &imp, const onnx::GraphProto &graph,
                              ValueRange inputs,
                              ArrayRef<int32_t> inputElementTypes,
                              ArrayRef<const ConstTensor *> inputConstants) {
  SmallVector<SubgraphValue> values;
  for (Value input : inputs)
    values.push_back({input, std::nullopt});
  FailureOr<SmallVector<SubgraphValue>> outputs = importSubgraphValues(
      imp, graph, values, inputElementTypes, inputConstants);
  if (failed(outputs))
    return failure();
  SmallVector<Value> results;
  for (auto [output, info] : llvm::zip(*outputs, graph.output())) {
    if (output.composite)
      return imp.emitError()
             << "subgraph '" << graph.name() << "' output '" << info.name()
             << "' is " << output.composite->describe()
             << ", which is not supported here";
    results.push_back(output.tensor);
  }
  return results;
}

/// False if two tensor types differ in element type, rank or a dim both
/// give as a number (symbolic dims and missing shapes agree with anything).
static bool declaresSameTensor(const onnx::TypeProto &a,
                               const onnx::TypeProto &b) {
  if (!a.has_tensor_type() || !b.has_tensor_type())
    return true;
  const onnx::TypeProto::Tensor &ta = a.tensor_type(), &tb = b.tensor_type();
  if (ta.elem_type() != tb.elem_type())
    return false;
  if (!ta.has_shape() || !tb.has_shape())
    return true;
  if (ta.shape().dim_size() != tb.shape().dim_size())
    return false;
  for (int i = 0; i < ta.shape().dim_size(); ++i) {
    const onnx::TensorShapeProto::Dimension &da = ta.shape().dim(i),
                                            &db = tb.shape().dim(i);
    if (da.has_dim_value() && db.has_dim_value() &&
        da.dim_value() != db.dim_value())
      return false;
  }
  return true;
}

/// A library primitive on shapes known only at run time is created per
/// shape by the runtime (aicrt_exec_dims), from the run's dims; any other
/// aic op (a view) needs static shapes, so a rule must not have built one
/// on a run-time shape.
static LogicalResult checkLibraryOpShapes(func::FuncOp func) {
  WalkResult walk = func.walk([](Operation *op) {
    if (!isa<aic::AicDialect>(op->getDialect()) ||
        isa<aic::RuntimePrimitive>(op))
      return WalkResult::advance();
    auto dynamic = [](Type type) {
      auto shaped = dyn_cast<ShapedType>(type);
      return shaped && !shaped.hasStaticShape();
    };
    if (llvm::any_of(op->getOperandTypes(), dynamic) ||
        llvm::any_of(op->getResultTypes(), dynamic)) {
      emitError(op->getLoc())
          << "'" << op->getName()
          << "' needs static shapes, and an operand's shape is known only at "
             "run time";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

static OwningOpRef<ModuleOp>
importModel(const onnx::ModelProto &model, ShapeData &shapeData,
            GraphState &state,
            const llvm::StringMap<CompositeInput> &compositeInputs) {
  MLIRContext *ctx = state.getContext();
  const onnx::GraphProto &graph = model.graph();
  Location fileLoc = state.getFileLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);

  state.setShapeData(&shapeData);
  markUsedNames(graph, state);
  llvm::StringSet<> initializerNames;
  FailureOr<bool> inferPerNode = enterGraph(graph, state, initializerNames);
  if (failed(inferPerNode))
    return nullptr;

  // A sequence or optional input is as many arguments as it holds tensors.
  OpBuilder &builder = state.getBuilder();
  GraphSignature signature(builder);
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    if (input.type().has_sequence_type() || input.type().has_optional_type()) {
      bool optional = input.type().has_optional_type();
      auto it = compositeInputs.find(input.name());
      if (it == compositeInputs.end()) {
        emitError(fileLoc) << "input '" << input.name() << "' is "
                           << (optional ? "an optional" : "a sequence")
                           << "; give its "
                           << (optional ? "presence" : "length")
                           << " and element shapes with --input-value "
                           << input.name() << "=FILE.pb (an ONNX "
                           << (optional ? "OptionalProto" : "SequenceProto")
                           << ")";
        return nullptr;
      }
      signature.addInput(input.name(), it->second);
      continue;
    }
    // Symbolic dims (--input-shape did not fix) stay run-time dims.
    std::string why;
    FailureOr<RankedTensorType> type =
        input.has_type()
            ? convertTensorType(input.type(), ctx, why, /*allowDynamic=*/true)
            : FailureOr<RankedTensorType>(failure());
    if (failed(type)) {
      bool dynamic = StringRef(why).contains("static shapes");
      emitError(fileLoc) << "input '" << input.name() << "' "
                         << (why.empty() ? "has no type" : why)
                         << (dynamic ? " (give one with --input-shape " +
                                           input.name() + "=D0xD1x...)"
                                     : "");
      return nullptr;
    }
    if (failed(state.checkTensorSize(*type, "input '" + input.name() + "'",
                                     fileLoc)))
      return nullptr;
    std::vector<std::string> dimNames;
    if (!type->hasStaticShape())
      for (const auto &dim : input.type().tensor_type().shape().dim())
        dimNames.push_back(dim.has_dim_param() ? dim.dim_param() : "");
    signature.addInput(input.name(), *type,
                       state.getOnnxElementType(input.name()), dimNames);
  }

  // An output that passes a graph input through must not declare another
  // element type or static dims: ONNX shape inference takes the output's
  // declaration for the name, and nodes reading the input would be typed
  // from it.
  llvm::StringMap<const onnx::TypeProto *> inputTypes;
  for (const onnx::ValueInfoProto &input : graph.input())
    inputTypes.try_emplace(input.name(), &input.type());
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = inputTypes.find(output.name());
    if (it != inputTypes.end() &&
        !declaresSameTensor(*it->second, output.type())) {
      emitError(fileLoc) << "output '" << output.name()
                         << "' is also a graph input but declares another "
                            "type or shape";
      return nullptr;
    }
  }

  if (failed(checkOperators(graph, state, &shapeData)))
    return nullptr;

  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(
      fileLoc, "main_graph",
      builder.getFunctionType(signature.getInputTypes(), {}));
  Block *entry =
      builder.createBlock(&func.getBody(), {}, signature.getInputTypes(),
                          signature.getInputLocs(fileLoc));
  signature.bindInputs(func, state);

  builder.setInsertionPointToEnd(entry);
  if (failed(importNodes(graph, state)))
    return nullptr;

  for (const onnx::ValueInfoProto &output : graph.output()) {
    bool declaredComposite =
        output.type().has_sequence_type() || output.type().has_optional_type();
    if (const CompositeValue *composite = state.getComposite(output.name())) {
      if (output.type().has_tensor_type()) {
        emitError(fileLoc) << "output '" << output.name()
                           << "' is declared a tensor but the graph computes "
                           << composite->describe();
        return nullptr;
      }
      signature.addOutput(output.name(), *composite);
      continue;
    }
    if (declaredComposite && state.hasValue(output.name())) {
      emitError(fileLoc) << "output '" << output.name()
                         << "' is declared a sequence or optional but the "
                            "graph computes a tensor";
      return nullptr;
    }
    FailureOr<Value> value = getTensorOutput(
        output, state, /*checkDeclared=*/*inferPerNode, fileLoc);
    if (failed(value))
      return nullptr;
    signature.addOutput(output.name(), *value,
                        output.has_type() && output.type().has_tensor_type()
                            ? output.type().tensor_type().elem_type()
                            : state.getOnnxElementType(output.name()));
  }
  builder.create<func::ReturnOp>(fileLoc, signature.getResults());
  signature.finish(func, state);
  if (failed(checkLibraryOpShapes(func)))
    return nullptr;
  return module;
}

void aic::importer::fixOnnxSchemas() {
  static std::once_flag once;
  std::call_once(once, [] {
    fixStftInference();
    addFunctionBodyInference();
    addDataPropagation();
    // Last: the guards wrap every inference and propagation function,
    // aic's own included.
    guardShapeInference();
  });
}

OwningOpRef<ModuleOp> aic::importOnnxFile(StringRef path, MLIRContext &context,
                                          const aic::ImportOptions &options) {
  fixOnnxSchemas();
  context
      .loadDialect<aic::AicDialect, arith::ArithDialect, cf::ControlFlowDialect,
                   func::FuncDialect, linalg::LinalgDialect, math::MathDialect,
                   scf::SCFDialect, tensor::TensorDialect>();
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);

  SmallString<256> modelDir(path);
  llvm::sys::path::remove_filename(modelDir);
  if (modelDir.empty())
    modelDir = ".";

  onnx::ModelProto model;
  if (failed(loadModel(path, model, fileLoc)) ||
      failed(inlineFunctions(model, fileLoc)))
    return nullptr;
  FailureOr<InputBindings> bindings =
      applyInputOptions(model, options, modelDir, &context, fileLoc);
  if (failed(bindings))
    return nullptr;
  FailureOr<int64_t> opset = getDefaultOpset(model, fileLoc);
  if (failed(opset))
    return nullptr;
  GraphState state(&context, path, modelDir, *opset);
  state.setMaxTensorBytes(options.maxTensorBytes);
  state.setMaxGeneratedRnnStepMacs(options.maxGeneratedRnnStepMacs);
  state.setMaxRank(options.maxRank);
  setInferenceMaxRank(options.maxRank);
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    state.setDomainOpset(id.domain(), id.version());
  for (auto &entry : bindings->values)
    state.bindInputValue(entry.getKey(), std::move(entry.getValue()));
  // A model of operators of other domains only may import no default opset.
  if (*opset == 0 &&
      llvm::any_of(model.graph().node(), [](const onnx::NodeProto &node) {
        return normalizeDomain(node.domain()).empty();
      })) {
    emitError(fileLoc) << "the model imports no opset of the default ONNX "
                          "domain";
    return nullptr;
  }
  ShapeData shapeData;
  if (failed(checkOperators(model.graph(), state, /*shapeData=*/nullptr)) ||
      failed(checkSplitToSequenceSizes(model.graph(), state, fileLoc)) ||
      failed(checkDeclaredDims(model.graph(), fileLoc)) ||
      failed(checkTensorPayloads(model.graph(), fileLoc)) ||
      failed(checkAndInferShapes(model, modelDir, state, shapeData, fileLoc)))
    return nullptr;
  for (const RelaxedNode &relaxed : findRelaxedNodes(model, state))
    emitWarning(getNodeLoc(*relaxed.node, state))
        << "not valid ONNX, the operator's type constraint rejects it ("
        << oneLine(relaxed.message) << "); accepted as "
        << relaxed.node->op_type() << "-" << relaxed.acceptedAs
        << ", which differs only in allowing that type";
  return importModel(model, shapeData, state, bindings->composites);
}
