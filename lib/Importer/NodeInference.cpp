//===- NodeInference.cpp - Per-node ONNX shape inference ------------------===//
//
// Old opsets (1 to 5) define operators without inference functions (Relu-1,
// Add-1, Reshape-1, ...), so ONNX's graph-wide inference leaves their
// outputs, and everything downstream, untyped. The rules of those operators
// compute their own result types; this file feeds those types back to ONNX
// by rerunning each later node's own schema inference on its inputs. The
// same rerun refines shapes graph-wide inference left unknown because they
// depend on values only the import computes (e.g. Shape feeding Reshape
// where ONNX's data propagation stops).
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "llvm/ADT/ScopeExit.h"

#include <algorithm>
#include <deque>
#include <exception>
#include <optional>
#include <set>
#include <unordered_map>

using namespace mlir;
using namespace aic::importer;

/// A tensor type with a shape (a rank).
static bool hasShape(const onnx::TypeProto *type) {
  return type && type->has_tensor_type() && type->tensor_type().has_shape();
}

/// A tensor type whose every dim is known.
static bool isStatic(const onnx::TypeProto *type) {
  if (!type || !type->has_tensor_type() || !type->tensor_type().has_shape())
    return false;
  for (const onnx::TensorShapeProto::Dimension &dim :
       type->tensor_type().shape().dim())
    if (!dim.has_dim_value())
      return false;
  return true;
}

static bool hasUntypedOutput(const onnx::NodeProto &node,
                             const GraphState &state) {
  for (const std::string &name : node.output())
    if (!name.empty() && !state.getOnnxType(name))
      return true;
  return false;
}

/// Some output has no type, or one without a static shape: graph-wide
/// inference could not see values only the import computes (Shape of a
/// value it typed, Range, ...). A typed sequence or optional output is
/// complete: its tensors' types come from the import, never from ONNX.
static bool hasIncompleteOutput(const onnx::NodeProto &node,
                                const GraphState &state) {
  for (const std::string &name : node.output()) {
    const onnx::TypeProto *type = state.getOnnxType(name);
    if (!name.empty() && !isStatic(type) &&
        !(type && (type->has_sequence_type() || type->has_optional_type())))
      return true;
  }
  return false;
}

/// A dim (or a propagated value) ONNX's inference could not name: none, or
/// a symbol it made up for one (unk__N), which is equal to nothing else.
static bool isUnknownDim(const onnx::TensorShapeProto::Dimension &dim) {
  return !dim.has_dim_value() &&
         (!dim.has_dim_param() ||
          llvm::StringRef(dim.dim_param()).starts_with("unk__"));
}

/// `known` with the dims it does not know taken from `inferred`, a rerun
/// of the node's inference on refined inputs (a Reshape's -1 once its
/// input's dims are known); nullopt if that adds nothing.
static std::optional<onnx::TypeProto>
fillUnknownDims(const onnx::TypeProto &known, const onnx::TypeProto &inferred) {
  if (!hasShape(&known) || !hasShape(&inferred) ||
      known.tensor_type().elem_type() != inferred.tensor_type().elem_type())
    return std::nullopt;
  const onnx::TensorShapeProto &from = inferred.tensor_type().shape();
  onnx::TypeProto merged = known;
  onnx::TensorShapeProto *shape = merged.mutable_tensor_type()->mutable_shape();
  if (shape->dim_size() != from.dim_size())
    return std::nullopt;
  bool changed = false;
  for (int d = 0; d < shape->dim_size(); ++d) {
    const onnx::TensorShapeProto::Dimension &better = from.dim(d);
    if (!isUnknownDim(shape->dim(d)) || isUnknownDim(better))
      continue;
    *shape->mutable_dim(d) = better;
    changed = true;
  }
  if (!changed)
    return std::nullopt;
  return merged;
}

void aic::importer::addFunctionBodyInference() {
  for (const onnx::OpSchema &known :
       onnx::OpSchemaRegistry::get_all_schemas_with_history()) {
    auto *schema = const_cast<onnx::OpSchema *>(onnx::OpSchemaRegistry::Schema(
        known.Name(), known.SinceVersion(), known.domain()));
    if (!schema || schema->SinceVersion() != known.SinceVersion() ||
        schema->has_type_and_shape_inference_function() ||
        !schema->HasFunction() || !schema->GetFunction())
      continue;
    // The body's operators are of the schema's domain at its version.
    std::unordered_map<std::string, int> opsets{
        {schema->domain(), schema->SinceVersion()}};
    schema->TypeAndShapeInferenceFunction(
        [schema, opsets](onnx::InferenceContext &ctx) {
          onnx::shape_inference::InferShapeForFunctionNode(
              *schema->GetFunction(), opsets,
              onnx::OpSchemaRegistry::Instance(), ctx);
        });
  }
}

bool aic::importer::hasInferenceGaps(const onnx::GraphProto &graph,
                                     const GraphState &state) {
  for (const onnx::NodeProto &node : graph.node()) {
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
        node.op_type(), state.getOpsetFor(node.domain()),
        normalizeDomain(node.domain()).str());
    if (schema && !schema->has_type_and_shape_inference_function())
      return true;
    for (const onnx::AttributeProto &attr : node.attribute())
      if (attr.has_g() && hasInferenceGaps(attr.g(), state))
        return true;
  }
  return false;
}

namespace {
/// ONNX's inference context, noting which inputs' values the inference
/// function read.
struct RecordingContext : onnx::shape_inference::InferenceContextImpl {
  RecordingContext(
      onnx::NodeProto &node,
      const std::unordered_map<std::string, onnx::TypeProto *> &types,
      const std::unordered_map<std::string, const onnx::TensorProto *> &data,
      const ShapeData *shapeData)
      // InferenceContextImpl only reads the propagated values.
      : InferenceContextImpl(node, types, data, {},
                             const_cast<ShapeData *>(shapeData)) {}

  const onnx::TensorProto *getInputData(size_t index) const override {
    const onnx::TensorProto *data = InferenceContextImpl::getInputData(index);
    if (data)
      readInputs.insert(index);
    return data;
  }

  mutable std::set<size_t> readInputs;
};
} // namespace

/// Whether ONNX's data propagation knows every entry of `data`.
static bool isComplete(const onnx::TensorShapeProto &data) {
  return llvm::none_of(data.dim(), isUnknownDim);
}

void aic::importer::propagateMissingData(const onnx::NodeProto &node,
                                         GraphState &state) {
  ShapeData *shapeData = state.getMutableShapeData();
  if (!shapeData || llvm::all_of(node.output(), [&](const std::string &name) {
        auto it = shapeData->find(name);
        return name.empty() ||
               (it != shapeData->end() && isComplete(it->second));
      }))
    return;
  // Graph-wide propagation left entries unknown that the import may know
  // now (the Shape of a Pad whose amounts it computed): propagate again,
  // keeping what was known where the rerun knows less.
  std::unordered_map<std::string, onnx::TensorShapeProto> before;
  for (const std::string &name : node.output()) {
    auto it = name.empty() ? shapeData->end() : shapeData->find(name);
    if (it == shapeData->end())
      continue;
    before.emplace(name, std::move(it->second));
    shapeData->erase(it);
  }
  auto restore = llvm::make_scope_exit([&] {
    for (auto &[name, old] : before) {
      auto it = shapeData->find(name);
      if (it == shapeData->end() || it->second.dim_size() != old.dim_size()) {
        (*shapeData)[name] = std::move(old);
        continue;
      }
      for (int d = 0; d < old.dim_size(); ++d)
        if (isUnknownDim(it->second.dim(d)))
          *it->second.mutable_dim(d) = old.dim(d);
    }
  });
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
      node.op_type(), state.getOpsetFor(node.domain()),
      normalizeDomain(node.domain()).str());
  if (!schema || !schema->has_data_propagation_function())
    return;
  std::deque<onnx::TypeProto> typeStorage;
  std::deque<onnx::TensorProto> dataStorage;
  std::unordered_map<std::string, onnx::TypeProto *> types;
  std::unordered_map<std::string, const onnx::TensorProto *> data;
  for (const std::string &name : node.input()) {
    if (name.empty() || types.count(name))
      continue;
    if (const ConstTensor *constant = state.getConstant(name)) {
      dataStorage.push_back(makeOnnxTensor(*constant, name));
      data[name] = &dataStorage.back();
    }
    if (const onnx::TypeProto *type = state.getOnnxType(name)) {
      typeStorage.push_back(*type);
      types[name] = &typeStorage.back();
    }
  }
  onnx::NodeProto copy = node;
  onnx::shape_inference::DataPropagationContextImpl context(copy, types, data,
                                                            *shapeData);
  try {
    schema->GetDataPropagationFunction()(context);
  } catch (...) {
    // What cannot be propagated stays unknown; the rules check the rest.
  }
}

LogicalResult
aic::importer::inferMissingOutputTypes(const onnx::NodeProto &node,
                                       GraphState &state, std::string &error) {
  if (!hasIncompleteOutput(node, state))
    return success();
  // Refining a shape ONNX left symbolic is best effort; a missing type is
  // an error if inference fails.
  bool required = hasUntypedOutput(node, state);
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
      node.op_type(), state.getOpsetFor(node.domain()),
      normalizeDomain(node.domain()).str());
  if (!schema || !schema->has_type_and_shape_inference_function())
    return success();
  // Pointer-stable storage for the maps InferenceContextImpl reads.
  std::deque<onnx::TypeProto> typeStorage;
  std::deque<onnx::TensorProto> dataStorage;
  std::unordered_map<std::string, onnx::TypeProto *> types;
  std::unordered_map<std::string, const onnx::TensorProto *> data;
  // The graph inputs each input's value was computed from.
  llvm::StringMap<SmallVector<std::string>> given;
  for (const std::string &name : node.input()) {
    if (name.empty() || types.count(name))
      continue;
    const ConstTensor *constant = state.getConstant(name);
    if (constant) {
      dataStorage.push_back(makeOnnxTensor(*constant, name));
      data[name] = &dataStorage.back();
    } else if (state.hasBoundInputs()) {
      // Values given for graph inputs (--input-value), and what shape
      // arithmetic computes from them, serve shape inference too; the
      // inputs are specialized below if inference read the value.
      SmallVector<std::string> &sources = given[name];
      if (std::optional<ConstTensor> bound =
              evaluateAtCompileTime(state, name, sources)) {
        dataStorage.push_back(makeOnnxTensor(*bound, name));
        data[name] = &dataStorage.back();
      }
    }
    const onnx::TypeProto *type = state.getOnnxType(name);
    Value value = state.lookupValue(name);
    // ONNX's type of an imported value has its shape (recordOutputTypes)
    // and the names of its symbolic dims.
    if (isStatic(type) || (type && !value && !constant) ||
        (value && hasShape(type) &&
         type->tensor_type().shape().dim_size() ==
             cast<RankedTensorType>(value.getType()).getRank())) {
      typeStorage.push_back(*type);
    } else if (value) {
      // The imported value's type is static.
      typeStorage.push_back(
          makeOnnxType(cast<RankedTensorType>(value.getType()),
                       isUnsignedElementType(state.getOnnxElementType(name))));
    } else if (constant) {
      typeStorage.push_back(makeOnnxType(constant->type, constant->isUnsigned));
    } else {
      continue;
    }
    types[name] = &typeStorage.back();
  }
  onnx::NodeProto copy = node;
  // Values ONNX's data propagation computed (Reshape's symbolic target).
  RecordingContext context(copy, types, data, state.getShapeData());
  try {
    schema->GetTypeAndShapeInferenceFunction()(context);
    for (size_t i : context.readInputs)
      for (const std::string &input : given.lookup(node.input(i)))
        state.getBoundInputValue(input, /*specialize=*/true);
  } catch (const std::exception &e) {
    error = e.what();
    return failure(required);
  } catch (...) {
    error = "unknown error";
    return failure(required);
  }
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &name = node.output(i);
    const onnx::TypeProto *type = context.getOutputType(i);
    const onnx::TypeProto *known = state.getOnnxType(name);
    if (name.empty() || !type || !type->has_tensor_type() ||
        !type->tensor_type().has_shape())
      continue;
    if (!known || !hasShape(known) || (!isStatic(known) && isStatic(type)))
      state.setOnnxType(name, *type);
    else if (std::optional<onnx::TypeProto> merged =
                 fillUnknownDims(*known, *type))
      state.setOnnxType(name, *merged);
  }
  return success();
}

/// The symbol of dim `d` of value `name` that nothing else names; '*'
/// multiplies symbols (DimProduct), so a name's own become '?'.
static std::string ownDimSymbol(StringRef name, int64_t d) {
  std::string symbol = ("dim " + Twine(d) + " of " + name).str();
  std::replace(symbol.begin(), symbol.end(), '*', '?');
  return symbol;
}

void aic::importer::recordOutputTypes(const onnx::NodeProto &node,
                                      GraphState &state) {
  // Signless integers do not say whether they are unsigned: an output of
  // the first input's integer type is taken to share its signedness (the
  // operators ONNX cannot infer are elementwise or data movement).
  Type firstType;
  bool firstUnsigned = false;
  if (node.input_size() > 0 && !node.input(0).empty()) {
    if (Value first = state.lookupValue(node.input(0)))
      firstType = cast<RankedTensorType>(first.getType()).getElementType();
    firstUnsigned =
        isUnsignedElementType(state.getOnnxElementType(node.input(0)));
  }
  for (const std::string &name : node.output()) {
    const onnx::TypeProto *known = state.getOnnxType(name);
    if (name.empty() || isStatic(known))
      continue;
    if (Value value = state.lookupValue(name)) {
      if (known && known->has_tensor_type()) {
        // Keep ONNX's element type (and so its signedness) and the symbols
        // of dims that stay run-time dims; take the shape.
        onnx::TypeProto refined = *known;
        onnx::TensorShapeProto shape =
            makeOnnxType(cast<RankedTensorType>(value.getType()))
                .tensor_type()
                .shape();
        const onnx::TensorShapeProto &old = known->tensor_type().shape();
        for (int d = 0; d < shape.dim_size(); ++d) {
          if (shape.dim(d).has_dim_value())
            continue;
          // ONNX's symbol, unless it made one up for a dim the import can
          // trace to a graph input's.
          bool named =
              old.dim_size() == shape.dim_size() && !isUnknownDim(old.dim(d));
          std::string traced = named ? "" : traceDimSymbol(value, d);
          if (named)
            shape.mutable_dim(d)->set_dim_param(old.dim(d).dim_param());
          else if (!traced.empty())
            shape.mutable_dim(d)->set_dim_param(traced);
          else if (old.dim_size() == shape.dim_size() &&
                   old.dim(d).has_dim_param())
            shape.mutable_dim(d)->set_dim_param(old.dim(d).dim_param());
          else
            // A dim nothing names (a strided convolution's): a symbol of
            // its own, equal only to itself, that the nodes after it carry
            // on, so that reshapes of it stay provable.
            shape.mutable_dim(d)->set_dim_param(ownDimSymbol(name, d));
        }
        // Where compiled code can read a symbol no graph input names.
        for (int d = 0; d < shape.dim_size(); ++d) {
          std::optional<DimProduct> product =
              parseDimProduct(shape.dim(d).dim_param());
          if (product && product->factor == 1 && product->names.size() == 1)
            state.recordDimSource(product->names[0], value, d);
        }
        *refined.mutable_tensor_type()->mutable_shape() = std::move(shape);
        state.setOnnxType(name, refined);
        continue;
      }
      auto type = cast<RankedTensorType>(value.getType());
      state.setOnnxType(
          name, makeOnnxType(type, firstUnsigned &&
                                       type.getElementType() == firstType));
    } else if (const ConstTensor *constant = state.getConstant(name)) {
      state.setOnnxType(name,
                        makeOnnxType(constant->type, constant->isUnsigned));
    }
  }
}
