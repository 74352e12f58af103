//===- SequenceRules.cpp - Sequences and optionals ------------------------===//
//
// aic compiles for static shapes, and a sequence or optional is imported as
// what it is statically: a list of tensor SSA values (CompositeValue). Its
// length and each element's type are known when the model is compiled: a
// sequence built in the graph has a static length, and one fed as a graph
// input is compiled for the length and shapes its input file gives
// (InputOptions.cpp). So the operators that build and take sequences apart
// (SequenceInsert, SequenceErase, SequenceAt, ...) only rearrange that list,
// and a position given as a tensor is read as a constant (getConstantInts:
// a graph input is specialized for its value). What reaches the loops is
// ordinary tensor code: ConcatFromSequence is an aic.concat, SplitToSequence
// slices. An optional is statically present or absent, so
// OptionalHasElement is a constant. SequenceMap is in SequenceMap.cpp.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

using Kind = CompositeValue::Kind;

StringRef CompositeValue::describe() const {
  switch (kind) {
  case Kind::Sequence:
    return "a sequence";
  case Kind::Optional:
    return present ? "an optional tensor" : "an absent optional tensor";
  case Kind::OptionalSequence:
    return present ? "an optional sequence" : "an absent optional sequence";
  }
  return "a composite value";
}

/// Input `i` as a sequence; null after an error otherwise.
static const CompositeValue *getSequenceInput(NodeImporter &imp, int i) {
  const CompositeValue *value = imp.getCompositeInput(i);
  if (value && value->kind != Kind::Sequence) {
    imp.emitError() << "input '" << imp.getNode().input(i) << "' is "
                    << value->describe() << ", not a sequence";
    return nullptr;
  }
  return value;
}

/// The position input `i` (one integer) of a sequence of `length`, brought
/// from [-length, length) (or [-length, length] with `allowEnd`) into
/// [0, length].
static FailureOr<int64_t> getPosition(NodeImporter &imp, int i, int64_t length,
                                      bool allowEnd) {
  FailureOr<SmallVector<int64_t>> values = imp.getConstantInts(i, "position");
  if (failed(values))
    return failure();
  if (values->size() != 1)
    return imp.emitError() << "'position' must hold one integer, it has "
                           << values->size();
  int64_t position = values->front();
  int64_t end = allowEnd ? length : length - 1;
  if (position < -length || position > end)
    return imp.emitError() << "position " << position
                           << " is out of range for a sequence of length "
                           << length;
  return position < 0 ? position + length : position;
}

/// Errors unless `type` fits what ONNX inferred for output `i`, if anything:
/// its element type, and its rank and dims where ONNX knows them. (ONNX
/// cannot infer the shape of an element picked from a sequence whose
/// elements differ in shape.)
static LogicalResult checkOutputType(NodeImporter &imp, int i,
                                     RankedTensorType type) {
  const onnx::TypeProto *onnxType =
      imp.getState().getOnnxType(imp.getNode().output(i));
  if (!onnxType || !onnxType->has_tensor_type())
    return success();
  const onnx::TypeProto_Tensor &tensor = onnxType->tensor_type();
  bool fits = tensor.elem_type() == onnx::TensorProto::UNDEFINED ||
              convertElementType(tensor.elem_type(), imp.getContext()) ==
                  type.getElementType();
  if (fits && tensor.has_shape()) {
    const onnx::TensorShapeProto &shape = tensor.shape();
    fits = shape.dim_size() == type.getRank();
    for (int d = 0; fits && d < shape.dim_size(); ++d)
      fits = !shape.dim(d).has_dim_value() ||
             shape.dim(d).dim_value() == type.getDimSize(d);
  }
  if (!fits)
    return imp.emitError() << "the operator gives " << type << " for output '"
                           << imp.getNode().output(i)
                           << "', which does not fit ONNX's inferred type";
  return success();
}

/// Errors unless `tensor` may join a sequence of ONNX element type
/// `elementType` (UNDEFINED: any) whose tensors are `tensors`.
static LogicalResult checkElementType(NodeImporter &imp, int32_t elementType,
                                      ArrayRef<Value> tensors, Value tensor,
                                      int32_t tensorElementType) {
  Type type = cast<RankedTensorType>(tensor.getType()).getElementType();
  bool fits =
      (elementType == onnx::TensorProto::UNDEFINED ||
       tensorElementType == onnx::TensorProto::UNDEFINED ||
       elementType == tensorElementType) &&
      (tensors.empty() ||
       cast<RankedTensorType>(tensors.front().getType()).getElementType() ==
           type);
  if (!fits)
    return imp.emitError() << "a tensor of " << type
                           << " cannot join a sequence of "
                           << (elementType == onnx::TensorProto::UNDEFINED
                                   ? "another element type"
                                   : elementTypeName(elementType));
  return success();
}

/// Sets output 0 to the constant `tensor`.
static void setConstantOutput(NodeImporter &imp, ConstTensor tensor) {
  imp.getState().addConstant(imp.getNode().output(0), std::move(tensor),
                             imp.getLoc());
}

//===----------------------------------------------------------------------===//
// Building and taking apart sequences
//===----------------------------------------------------------------------===//

static LogicalResult importSequenceEmpty(NodeImporter &imp) {
  CompositeValue sequence;
  sequence.elementType =
      static_cast<int32_t>(imp.getIntAttr("dtype", onnx::TensorProto::FLOAT));
  if (!convertElementType(sequence.elementType, imp.getContext()))
    return imp.emitError() << "sequences of "
                           << elementTypeName(sequence.elementType)
                           << " are not supported";
  imp.setCompositeOutput(0, std::move(sequence));
  return success();
}

static LogicalResult importSequenceConstruct(NodeImporter &imp) {
  CompositeValue sequence;
  sequence.elementType = imp.getInputElementType(0);
  for (int i = 0; i < imp.getNumInputs(); ++i) {
    FailureOr<Value> input = imp.getInput(i);
    if (failed(input) ||
        failed(checkElementType(imp, sequence.elementType, sequence.tensors,
                                *input, imp.getInputElementType(i))))
      return failure();
    sequence.tensors.push_back(*input);
  }
  if (sequence.tensors.empty())
    return imp.emitError() << "expects at least one input";
  imp.setCompositeOutput(0, std::move(sequence));
  return success();
}

static LogicalResult importSequenceInsert(NodeImporter &imp) {
  const CompositeValue *input = getSequenceInput(imp, 0);
  FailureOr<Value> tensor = imp.getInput(1);
  if (!input || failed(tensor))
    return failure();
  CompositeValue sequence = *input;
  int64_t length = sequence.tensors.size();
  FailureOr<int64_t> position =
      imp.hasInput(2) ? getPosition(imp, 2, length, /*allowEnd=*/true)
                      : FailureOr<int64_t>(length);
  if (failed(position) ||
      failed(checkElementType(imp, sequence.elementType, sequence.tensors,
                              *tensor, imp.getInputElementType(1))))
    return failure();
  if (sequence.elementType == onnx::TensorProto::UNDEFINED)
    sequence.elementType = imp.getInputElementType(1);
  sequence.tensors.insert(sequence.tensors.begin() + *position, *tensor);
  imp.setCompositeOutput(0, std::move(sequence));
  return success();
}

static LogicalResult importSequenceErase(NodeImporter &imp) {
  const CompositeValue *input = getSequenceInput(imp, 0);
  if (!input)
    return failure();
  CompositeValue sequence = *input;
  int64_t length = sequence.tensors.size();
  if (length == 0)
    return imp.emitError() << "cannot erase from an empty sequence";
  FailureOr<int64_t> position =
      imp.hasInput(1) ? getPosition(imp, 1, length, /*allowEnd=*/false)
                      : FailureOr<int64_t>(length - 1);
  if (failed(position))
    return failure();
  sequence.tensors.erase(sequence.tensors.begin() + *position);
  imp.setCompositeOutput(0, std::move(sequence));
  return success();
}

static LogicalResult importSequenceAt(NodeImporter &imp) {
  const CompositeValue *sequence = getSequenceInput(imp, 0);
  if (!sequence)
    return failure();
  FailureOr<int64_t> position =
      getPosition(imp, 1, sequence->tensors.size(), /*allowEnd=*/false);
  if (failed(position))
    return failure();
  Value element = sequence->tensors[*position];
  if (failed(
          checkOutputType(imp, 0, cast<RankedTensorType>(element.getType()))))
    return failure();
  imp.setOutput(0, element);
  return success();
}

static LogicalResult importSequenceLength(NodeImporter &imp) {
  const CompositeValue *sequence = getSequenceInput(imp, 0);
  if (!sequence)
    return failure();
  // The length is static: a constant, so that rules needing it (Range,
  // Loop trip counts, ...) can read it.
  int64_t length = sequence->tensors.size();
  ConstTensor tensor{RankedTensorType::get({}, imp.getBuilder().getI64Type()),
                     {}};
  tensor.data.resize(sizeof(int64_t));
  std::memcpy(tensor.data.data(), &length, sizeof(int64_t));
  setConstantOutput(imp, std::move(tensor));
  return success();
}

//===----------------------------------------------------------------------===//
// ConcatFromSequence and SplitToSequence
//===----------------------------------------------------------------------===//

static LogicalResult importConcatFromSequence(NodeImporter &imp) {
  const CompositeValue *sequence = getSequenceInput(imp, 0);
  if (!sequence)
    return failure();
  if (sequence->tensors.empty())
    return imp.emitError() << "cannot concatenate an empty sequence";
  if (!imp.getAttr("axis"))
    return imp.emitError() << "missing 'axis' attribute";
  bool newAxis = imp.getIntAttr("new_axis", 0) != 0;
  auto firstType = cast<RankedTensorType>(sequence->tensors[0].getType());
  // With new_axis the elements are stacked: each gets a unit dim at `axis`,
  // which may be one past the last.
  int64_t rank = firstType.getRank() + (newAxis ? 1 : 0);
  int64_t axis = imp.getIntAttr("axis", 0);
  if (axis < -rank || axis >= rank)
    return imp.emitError() << "axis " << axis << " is out of range for rank "
                           << rank;
  if (axis < 0)
    axis += rank;
  SmallVector<Value> inputs;
  SmallVector<int64_t> shape;
  for (Value tensor : sequence->tensors) {
    auto type = cast<RankedTensorType>(tensor.getType());
    SmallVector<int64_t> inShape(type.getShape());
    if (newAxis)
      inShape.insert(inShape.begin() + axis, 1);
    bool fits = inShape.size() == static_cast<size_t>(rank) &&
                type.getElementType() == firstType.getElementType();
    for (int64_t d = 0; fits && !shape.empty() && d < rank; ++d)
      fits = d == axis || inShape[d] == shape[d];
    if (!fits)
      return imp.emitError()
             << "elements of types " << firstType << " and " << type
             << " do not concatenate along axis " << axis;
    if (shape.empty()) {
      shape = inShape;
      shape[axis] = 0;
    }
    shape[axis] += inShape[axis];
    inputs.push_back(imp.reshapeTo(tensor, inShape));
  }
  auto type = RankedTensorType::get(shape, firstType.getElementType());
  if (failed(checkOutputType(imp, 0, type)))
    return failure();
  if (inputs.size() == 1) {
    imp.setOutput(0, inputs.front());
    return success();
  }
  imp.setOutput(0,
                imp.create<ConcatOp>(type, inputs, imp.emptyTensor(type),
                                     imp.getBuilder().getI64IntegerAttr(axis)));
  return success();
}

static LogicalResult importSplitToSequence(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  int64_t rank = inType.getRank();
  int64_t axis = imp.getIntAttr("axis", 0);
  if (axis < -rank || axis >= rank)
    return imp.emitError() << "axis " << axis << " is out of range for rank "
                           << rank;
  if (axis < 0)
    axis += rank;
  int64_t dim = inType.getDimSize(axis);
  // Without 'split', parts of 1 whose axis keepdims may drop; a scalar
  // 'split' makes parts of that size (the last may be smaller); a list
  // gives each part's size.
  SmallVector<int64_t> sizes;
  bool dropAxis = false;
  if (imp.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> split = imp.getConstantInts(1, "split");
    if (failed(split))
      return failure();
    if (imp.getConstantInput(1)->type.getRank() == 0) {
      int64_t chunk = split->front();
      if (chunk <= 0)
        return imp.emitError() << "'split' " << chunk << " is not positive";
      for (int64_t offset = 0; offset < dim; offset += chunk)
        sizes.push_back(std::min(chunk, dim - offset));
    } else {
      int64_t total = 0;
      for (int64_t size : *split) {
        if (size < 0)
          return imp.emitError() << "negative split size " << size;
        total += size;
      }
      if (total != dim)
        return imp.emitError()
               << "split sizes add up to " << total << ", not the dim " << dim;
      sizes = std::move(*split);
    }
  } else {
    sizes.assign(dim, 1);
    dropAxis = imp.getIntAttr("keepdims", 1) == 0;
  }
  CompositeValue sequence;
  sequence.elementType = imp.getInputElementType(0);
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
  Builder &b = imp.getBuilder();
  auto indexAttrs = [&](ArrayRef<int64_t> values) {
    SmallVector<OpFoldResult> attrs;
    for (int64_t v : values)
      attrs.push_back(b.getIndexAttr(v));
    return attrs;
  };
  for (int64_t size : sizes) {
    SmallVector<int64_t> shape(inType.getShape());
    shape[axis] = size;
    auto type = RankedTensorType::get(shape, inType.getElementType());
    Value part = imp.create<tensor::ExtractSliceOp>(
        type, *input, indexAttrs(offsets), indexAttrs(shape),
        indexAttrs(strides));
    if (dropAxis) {
      shape.erase(shape.begin() + axis);
      part = imp.reshapeTo(part, shape);
    }
    sequence.tensors.push_back(part);
    offsets[axis] += size;
  }
  imp.setCompositeOutput(0, std::move(sequence));
  return success();
}

/// The integers of constant `name` (an initializer or a Constant node's
/// `value` of `graph` or an enclosing graph in `scopes`) if it is a scalar.
static std::optional<int64_t>
getConstantScalar(StringRef name, ArrayRef<const onnx::GraphProto *> scopes,
                  GraphState &state) {
  const onnx::TensorProto *found = nullptr;
  for (const onnx::GraphProto *graph : scopes) {
    for (const onnx::TensorProto &init : graph->initializer())
      if (init.name() == name)
        found = &init;
    for (const onnx::NodeProto &node : graph->node())
      if (node.op_type() == "Constant" && node.output_size() == 1 &&
          node.output(0) == name)
        for (const onnx::AttributeProto &attr : node.attribute()) {
          if (attr.name() == "value_int")
            return attr.i();
          if (attr.name() == "value" && attr.has_t())
            found = &attr.t();
        }
  }
  if (!found || found->dims_size() != 0)
    return std::nullopt;
  std::string why;
  FailureOr<ConstTensor> tensor =
      decodeTensor(*found, state.getModelDir(), state.getContext(), why);
  if (failed(tensor) || tensor->getNumElements() != 1 ||
      !isa<IntegerType>(tensor->type.getElementType()))
    return std::nullopt;
  return getValuesAsInt(*tensor).front();
}

static LogicalResult
checkSplitSizes(const onnx::GraphProto &graph,
                SmallVectorImpl<const onnx::GraphProto *> &scopes,
                GraphState &state, Location fileLoc) {
  scopes.push_back(&graph);
  for (const onnx::NodeProto &node : graph.node()) {
    if (node.op_type() == "SplitToSequence" && node.input_size() > 1 &&
        !node.input(1).empty()) {
      std::optional<int64_t> split =
          getConstantScalar(node.input(1), scopes, state);
      if (split && *split <= 0)
        return emitError(fileLoc) << "node '"
                                  << (!node.name().empty()     ? node.name()
                                      : node.output_size() > 0 ? node.output(0)
                                                               : std::string())
                                  << "' (SplitToSequence): 'split' " << *split
                                  << " is not positive";
    }
    for (const onnx::AttributeProto &attr : node.attribute())
      if (attr.has_g() &&
          failed(checkSplitSizes(attr.g(), scopes, state, fileLoc)))
        return failure();
  }
  scopes.pop_back();
  return success();
}

LogicalResult
aic::importer::checkSplitToSequenceSizes(const onnx::GraphProto &graph,
                                         GraphState &state, Location fileLoc) {
  SmallVector<const onnx::GraphProto *> scopes;
  return checkSplitSizes(graph, scopes, state, fileLoc);
}

//===----------------------------------------------------------------------===//
// Optionals
//===----------------------------------------------------------------------===//

static LogicalResult importOptional(NodeImporter &imp) {
  CompositeValue optional;
  if (imp.hasInput(0)) {
    if (const CompositeValue *input =
            imp.getState().getComposite(imp.getNode().input(0))) {
      if (input->kind != Kind::Sequence)
        return imp.emitError() << "input '" << imp.getNode().input(0) << "' is "
                               << input->describe()
                               << "; an optional holds a tensor or sequence";
      optional = *input;
      optional.kind = Kind::OptionalSequence;
    } else {
      FailureOr<Value> tensor = imp.getInput(0);
      if (failed(tensor))
        return failure();
      optional.kind = Kind::Optional;
      optional.elementType = imp.getInputElementType(0);
      optional.tensors.push_back(*tensor);
    }
    imp.setCompositeOutput(0, std::move(optional));
    return success();
  }
  // An absent optional of the type the 'type' attribute gives.
  const onnx::AttributeProto *typeAttr = imp.getAttr("type");
  if (!typeAttr || !typeAttr->has_tp())
    return imp.emitError() << "an Optional without input needs the 'type' "
                              "attribute";
  const onnx::TypeProto &type = typeAttr->tp();
  optional.present = false;
  if (type.has_tensor_type()) {
    optional.kind = Kind::Optional;
    optional.elementType = type.tensor_type().elem_type();
  } else if (type.has_sequence_type() &&
             type.sequence_type().elem_type().has_tensor_type()) {
    optional.kind = Kind::OptionalSequence;
    optional.elementType =
        type.sequence_type().elem_type().tensor_type().elem_type();
  } else {
    return imp.emitError() << "only optionals of tensors or sequences of "
                              "tensors are supported";
  }
  imp.setCompositeOutput(0, std::move(optional));
  return success();
}

/// Input 0 as an optional; null after an error otherwise.
static const CompositeValue *getOptionalInput(NodeImporter &imp) {
  const CompositeValue *value = imp.getCompositeInput(0);
  if (value && !value->isOptional()) {
    imp.emitError() << "input '" << imp.getNode().input(0) << "' is "
                    << value->describe() << ", not an optional";
    return nullptr;
  }
  return value;
}

static LogicalResult importOptionalHasElement(NodeImporter &imp) {
  const CompositeValue *optional = getOptionalInput(imp);
  if (!optional)
    return failure();
  // Presence is static: the answer is a constant.
  ConstTensor tensor{RankedTensorType::get({}, imp.getBuilder().getI1Type()),
                     {static_cast<char>(optional->present ? 1 : 0)}};
  setConstantOutput(imp, std::move(tensor));
  return success();
}

static LogicalResult importOptionalGetElement(NodeImporter &imp) {
  const CompositeValue *optional = getOptionalInput(imp);
  if (!optional)
    return failure();
  // ONNX makes this a run-time error; aic knows it when compiling.
  if (!optional->present)
    return imp.emitError() << "input '" << imp.getNode().input(0)
                           << "' is an absent optional, which has no element";
  if (optional->kind == Kind::Optional) {
    Value tensor = optional->tensors.front();
    if (failed(
            checkOutputType(imp, 0, cast<RankedTensorType>(tensor.getType()))))
      return failure();
    imp.setOutput(0, tensor);
    return success();
  }
  CompositeValue sequence = *optional;
  sequence.kind = Kind::Sequence;
  imp.setCompositeOutput(0, std::move(sequence));
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getSequenceRules() {
  static const OpRuleInfo rules[] = {
      {"ConcatFromSequence", importConcatFromSequence, 11, types::kTensor},
      {"Optional", importOptional, 15, types::kTensor},
      {"OptionalGetElement", importOptionalGetElement, 15, types::kTensor},
      {"OptionalHasElement", importOptionalHasElement, 15, types::kTensor},
      {"SequenceAt", importSequenceAt, 11, types::kTensor},
      {"SequenceConstruct", importSequenceConstruct, 11, types::kTensor},
      {"SequenceEmpty", importSequenceEmpty, 11, types::kTensor},
      {"SequenceErase", importSequenceErase, 11, types::kTensor},
      {"SequenceInsert", importSequenceInsert, 11, types::kTensor},
      {"SequenceLength", importSequenceLength, 11, types::kTensor},
      {"SequenceMap", importSequenceMap, 17, types::kTensor},
      {"SplitToSequence", importSplitToSequence, 11, types::kTensor},
  };
  return rules;
}
