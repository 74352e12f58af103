//===- NodeInference.cpp - Per-node ONNX shape inference ------------------===//
//
// Old opsets (1 to 5) define operators without inference functions (Relu-1,
// Add-1, Reshape-1, ...), so ONNX's graph-wide inference leaves their
// outputs, and everything downstream, untyped. The rules of those operators
// compute their own result types; this file feeds those types back to ONNX
// by rerunning each later node's own schema inference on its inputs.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

#include <deque>
#include <exception>
#include <unordered_map>

using namespace mlir;
using namespace aic::importer;

static bool hasUntypedOutput(const onnx::NodeProto &node,
                             const GraphState &state) {
  for (const std::string &name : node.output())
    if (!name.empty() && !state.getOnnxType(name))
      return true;
  return false;
}

bool aic::importer::hasInferenceGaps(const onnx::GraphProto &graph,
                                     int64_t opset) {
  for (const onnx::NodeProto &node : graph.node()) {
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(node.op_type(), opset, node.domain());
    if (schema && !schema->has_type_and_shape_inference_function())
      return true;
  }
  return false;
}

LogicalResult
aic::importer::inferMissingOutputTypes(const onnx::NodeProto &node,
                                       GraphState &state, std::string &error) {
  if (!hasUntypedOutput(node, state))
    return success();
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(node.op_type(), state.getOpset(), "");
  if (!schema || !schema->has_type_and_shape_inference_function())
    return success();
  // Pointer-stable storage for the maps InferenceContextImpl reads.
  std::deque<onnx::TypeProto> typeStorage;
  std::deque<onnx::TensorProto> dataStorage;
  std::unordered_map<std::string, onnx::TypeProto *> types;
  std::unordered_map<std::string, const onnx::TensorProto *> data;
  for (const std::string &name : node.input()) {
    if (name.empty() || types.count(name))
      continue;
    const ConstTensor *constant = state.getConstant(name);
    if (constant) {
      dataStorage.push_back(makeOnnxTensor(*constant, name));
      data[name] = &dataStorage.back();
    }
    if (const onnx::TypeProto *type = state.getOnnxType(name)) {
      typeStorage.push_back(*type);
    } else if (Value value = state.lookupValue(name)) {
      typeStorage.push_back(
          makeOnnxType(cast<RankedTensorType>(value.getType())));
    } else if (constant) {
      typeStorage.push_back(makeOnnxType(constant->type, constant->isUnsigned));
    } else {
      continue;
    }
    types[name] = &typeStorage.back();
  }
  onnx::NodeProto copy = node;
  onnx::shape_inference::InferenceContextImpl context(copy, types, data, {});
  try {
    schema->GetTypeAndShapeInferenceFunction()(context);
  } catch (const std::exception &e) {
    error = e.what();
    return failure();
  } catch (...) {
    error = "unknown error";
    return failure();
  }
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &name = node.output(i);
    const onnx::TypeProto *type = context.getOutputType(i);
    if (!name.empty() && !state.getOnnxType(name) && type &&
        type->has_tensor_type() && type->tensor_type().has_shape())
      state.setOnnxType(name, *type);
  }
  return success();
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
    if (name.empty() || state.getOnnxType(name))
      continue;
    if (Value value = state.lookupValue(name)) {
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
