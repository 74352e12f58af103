//===- SequenceMap.cpp - SequenceMap: a subgraph per element --------------===//
//
// SequenceMap applies its `body` graph to each element of its sequence
// inputs (its tensor inputs are passed to every application) and collects
// the body's outputs into sequences. Sequence lengths are static in aic
// (SequenceRules.cpp), so the body is imported once per element, inline,
// with that element's types: the elements of a sequence may differ in
// shape, and so may what the body computes from them.
//
// Each application imports the body in a scope of its own (GraphState's
// scopes, as If/Loop/Scan bodies): it binds the body's inputs and
// initializers, its nodes go through the importer's per-node path
// (importSubgraphNode), and it is dropped after each element; the body sees
// the outer graph's values and may shadow them. Unlike importSubgraph, the
// body's value_info is not used: ONNX inferred it for all elements at once,
// and elements may differ in shape.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "llvm/ADT/ScopeExit.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

/// Errors unless `type` fits the body input `input` declares.
static LogicalResult checkBodyInput(NodeImporter &imp,
                                    const onnx::ValueInfoProto &input,
                                    RankedTensorType type) {
  if (!input.type().has_tensor_type())
    return imp.emitError() << "body input '" << input.name()
                           << "' is not a tensor, which is not supported";
  const onnx::TypeProto_Tensor &declared = input.type().tensor_type();
  bool fits = declared.elem_type() == onnx::TensorProto::UNDEFINED ||
              convertElementType(declared.elem_type(), imp.getContext()) ==
                  type.getElementType();
  if (fits && declared.has_shape()) {
    fits = declared.shape().dim_size() == type.getRank();
    for (int d = 0; fits && d < type.getRank(); ++d)
      fits = !declared.shape().dim(d).has_dim_value() ||
             declared.shape().dim(d).dim_value() == type.getDimSize(d);
  }
  if (!fits)
    return imp.emitError() << "body input '" << input.name()
                           << "' does not accept " << type;
  return success();
}

LogicalResult aic::importer::importSequenceMap(NodeImporter &imp) {
  const onnx::AttributeProto *bodyAttr = imp.getAttr("body");
  if (!bodyAttr || !bodyAttr->has_g())
    return imp.emitError() << "missing 'body' graph attribute";
  const onnx::GraphProto &body = bodyAttr->g();
  GraphState &state = imp.getState();
  int numInputs = imp.getNumInputs();
  int numOutputs = imp.getNode().output_size();
  if (body.input_size() != numInputs || body.output_size() != numOutputs)
    return imp.emitError() << "the body has " << body.input_size()
                           << " inputs and " << body.output_size()
                           << " outputs, the node " << numInputs << " and "
                           << numOutputs;
  if (body.sparse_initializer_size() > 0)
    return imp.emitError() << "sparse initializers in the body are not "
                              "supported";

  // Sequence inputs give the body one element per application, tensor
  // inputs themselves every time.
  SmallVector<const CompositeValue *> sequences(numInputs, nullptr);
  SmallVector<Value> tensors(numInputs);
  SmallVector<int32_t> elementTypes(numInputs);
  int64_t length = -1;
  for (int i = 0; i < numInputs; ++i) {
    if (!imp.hasInput(i))
      return imp.emitError() << "missing input #" << i;
    if (const CompositeValue *composite =
            state.getComposite(imp.getNode().input(i))) {
      if (composite->kind != CompositeValue::Kind::Sequence)
        return imp.emitError()
               << "input '" << imp.getNode().input(i) << "' is "
               << composite->describe() << ", not a sequence or tensor";
      int64_t size = composite->tensors.size();
      if (length >= 0 && size != length)
        return imp.emitError() << "the input sequences have lengths " << length
                               << " and " << size;
      length = size;
      sequences[i] = composite;
    } else if (i == 0) {
      return imp.emitError()
             << "input '" << imp.getNode().input(0) << "' is not a sequence";
    } else {
      FailureOr<Value> tensor = imp.getInput(i);
      if (failed(tensor))
        return failure();
      tensors[i] = *tensor;
    }
    elementTypes[i] = imp.getInputElementType(i);
  }

  // The body's outputs must be built even where the graph does not read
  // them.
  for (const onnx::NodeProto &node : body.node())
    for (const std::string &input : node.input())
      state.markUsed(input);
  for (const onnx::ValueInfoProto &output : body.output())
    state.markUsed(output.name());

  SmallVector<CompositeValue> results(numOutputs);
  for (auto [j, output] : llvm::enumerate(body.output()))
    if (output.type().has_tensor_type())
      results[j].elementType = output.type().tensor_type().elem_type();
  for (int64_t e = 0; e < length; ++e) {
    state.pushScope();
    auto scope = llvm::make_scope_exit([&] { state.popScope(); });
    for (int i = 0; i < numInputs; ++i) {
      Value value = sequences[i] ? sequences[i]->tensors[e] : tensors[i];
      auto type = cast<RankedTensorType>(value.getType());
      const onnx::ValueInfoProto &input = body.input(i);
      if (failed(checkBodyInput(imp, input, type)))
        return failure();
      state.setValue(input.name(), value);
      state.setOnnxType(input.name(), makeOnnxType(type, isUnsignedElementType(
                                                             elementTypes[i])));
    }
    for (const onnx::TensorProto &init : body.initializer()) {
      std::string why;
      FailureOr<ConstTensor> tensor =
          decodeTensor(init, state.getModelDir(), imp.getContext(), why);
      if (failed(tensor))
        return imp.emitError()
               << "body initializer '" << init.name() << "': " << why;
      state.addConstant(init.name(), std::move(*tensor), imp.getLoc());
    }
    for (const onnx::NodeProto &node : body.node())
      if (failed(importSubgraphNode(node, state)))
        return failure();
    for (auto [j, output] : llvm::enumerate(body.output())) {
      if (const CompositeValue *composite = state.getComposite(output.name()))
        return imp.emitError()
               << "body output '" << output.name() << "' is "
               << composite->describe() << "; the body must give tensors";
      FailureOr<Value> value = state.getValue(output.name(), imp.getLoc());
      if (failed(value))
        return failure();
      if (results[j].elementType == onnx::TensorProto::UNDEFINED)
        results[j].elementType = state.getOnnxElementType(output.name());
      results[j].tensors.push_back(*value);
    }
  }
  for (int j = 0; j < numOutputs; ++j)
    imp.setCompositeOutput(j, std::move(results[j]));
  return success();
}
