//===- GraphState.cpp - Values, constants and types of the import ---------===//
//
// The state the operator rules share (GraphState: ONNX names to SSA values,
// sequences and optionals, constants and ONNX types, scoped per subgraph)
// and what one rule sees of its node (NodeImporter: inputs, attributes,
// inferred output types).
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// GraphState
//===----------------------------------------------------------------------===//

GraphState::GraphState(MLIRContext *ctx, StringRef file, StringRef modelDir,
                       int64_t opset)
    : ctx(ctx), builder(ctx), file(file), modelDir(modelDir), opset(opset) {}

Location GraphState::getFileLoc() const {
  return FileLineColLoc::get(ctx, file, 0, 0);
}

FailureOr<Value> GraphState::getValue(StringRef name, Location loc) {
  for (Scope &scope : llvm::reverse(scopes)) {
    auto it = scope.values.find(name);
    if (it != scope.values.end())
      return it->second;
    if (auto compIt = scope.composites.find(name);
        compIt != scope.composites.end()) {
      emitError(loc) << "input '" << name << "' is "
                     << compIt->second.describe() << ", not a tensor";
      return failure();
    }
    auto constIt = scope.constants.find(name);
    if (constIt == scope.constants.end())
      continue;
    // Built where the builder is, so it is cached where it dominates.
    Value value =
        createConstant(constIt->second.tensor, name, constIt->second.loc);
    scopes.back().values[name] = value;
    return value;
  }
  emitError(loc) << "input '" << name << "' is not defined";
  return failure();
}

void GraphState::setScopeGraph(const onnx::GraphProto *graph) {
  Scope &scope = scopes.back();
  scope.producers.clear();
  for (const onnx::NodeProto &node : graph->node())
    for (const std::string &output : node.output())
      if (!output.empty())
        scope.producers.try_emplace(output, &node);
}

const onnx::NodeProto *GraphState::findProducer(StringRef name) const {
  for (const Scope &scope : llvm::reverse(scopes))
    if (const onnx::NodeProto *node = scope.producers.lookup(name))
      return node;
  return nullptr;
}

Value GraphState::lookupValue(StringRef name) const {
  for (const Scope &scope : llvm::reverse(scopes)) {
    if (Value value = scope.values.lookup(name))
      return value;
    if (scope.composites.contains(name) || scope.constants.contains(name))
      return nullptr;
  }
  return nullptr;
}

void GraphState::setComposite(StringRef name, CompositeValue value) {
  Scope &scope = scopes.back();
  scope.values.erase(name);
  scope.constants.erase(name);
  scope.composites.insert_or_assign(name, std::move(value));
}

const CompositeValue *GraphState::getComposite(StringRef name) const {
  for (const Scope &scope : llvm::reverse(scopes)) {
    auto it = scope.composites.find(name);
    if (it != scope.composites.end())
      return &it->second;
    // A tensor of an inner scope shadows an outer sequence.
    if (scope.values.contains(name) || scope.constants.contains(name))
      return nullptr;
  }
  return nullptr;
}

void GraphState::setValue(StringRef name, Value value) {
  scopes.back().composites.erase(name);
  scopes.back().values[name] = value;
}

bool GraphState::hasValue(StringRef name) const {
  return lookupValue(name) || findConstant(name) || getComposite(name);
}

void GraphState::addConstant(StringRef name, ConstTensor tensor, Location loc) {
  scopes.back().values.erase(name);
  scopes.back().composites.erase(name);
  scopes.back().constants.insert_or_assign(name,
                                           ConstEntry{std::move(tensor), loc});
}

const ConstTensor *GraphState::getBoundInputValue(StringRef name,
                                                  bool specialize) {
  auto it = boundInputs.find(name);
  if (it == boundInputs.end())
    return nullptr;
  if (specialize)
    specialized.insert(name);
  return &it->second;
}

LogicalResult GraphState::checkTensorSize(Type type, StringRef what,
                                          Location loc) const {
  auto shaped = dyn_cast<ShapedType>(type);
  if (shaped && shaped.hasRank() && shaped.getRank() > maxRank)
    return emitError(loc) << what << " would have " << shaped.getRank()
                          << " dims, over the limit of " << maxRank
                          << " (--max-rank)";
  if (!shaped || !shaped.hasStaticShape())
    return success();
  // In bytes, saturating: dims multiply past int64 in hostile models.
  uint64_t bytes = elementByteSize(shaped.getElementType());
  for (int64_t dim : shaped.getShape())
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes))
      bytes = UINT64_MAX;
  if (bytes <= static_cast<uint64_t>(maxTensorBytes))
    return success();
  InFlightDiagnostic diag = emitError(loc);
  diag << what << " would be a tensor of " << type << " (";
  if (bytes == UINT64_MAX)
    diag << "more than 2^64";
  else
    diag << bytes;
  diag << " bytes), over the limit of " << maxTensorBytes
       << " bytes per tensor (--max-tensor-bytes)";
  return failure();
}

const ConstTensor *GraphState::getPropagatedValue(StringRef name) {
  auto cached = propagatedValues.find(name);
  if (cached != propagatedValues.end())
    return &cached->second;
  const ShapeData *data = getShapeData();
  Value value = lookupValue(name);
  if (!data || !value)
    return nullptr;
  auto it = data->find(name.str());
  auto type = dyn_cast<RankedTensorType>(value.getType());
  int32_t onnxType = getOnnxElementType(name);
  if (it == data->end() || !type || !type.hasStaticShape() ||
      type.getRank() > 1 || type.getNumElements() != it->second.dim_size() ||
      (onnxType != onnx::TensorProto::INT64 &&
       onnxType != onnx::TensorProto::INT32))
    return nullptr;
  int64_t size = elementByteSize(type.getElementType());
  ConstTensor tensor;
  tensor.type = type;
  tensor.data.resize(type.getNumElements() * size);
  for (int i = 0; i < it->second.dim_size(); ++i) {
    const onnx::TensorShapeProto::Dimension &dim = it->second.dim(i);
    if (!dim.has_dim_value())
      return nullptr;
    int64_t v = dim.dim_value();
    if (size == 4 && v != int64_t(int32_t(v)))
      return nullptr;
    // Little-endian: the low bytes.
    std::memcpy(tensor.data.data() + i * size, &v, size);
  }
  return &propagatedValues.insert({name, std::move(tensor)}).first->second;
}

const ConstTensor *GraphState::getConstantOrBoundInput(StringRef name) {
  if (const ConstTensor *constant = getConstant(name))
    return constant;
  if (const ConstTensor *propagated = getPropagatedValue(name))
    return propagated;
  if (const ConstTensor *bound = getBoundInputValue(name, /*specialize=*/true))
    return bound;
  if (!hasBoundInputs())
    return nullptr;
  // Computed from given graph inputs: Cast(n) - 1 as a Range limit.
  SmallVector<std::string> given;
  std::optional<ConstTensor> value = evaluateAtCompileTime(*this, name, given);
  if (!value || given.empty())
    return nullptr;
  for (const std::string &input : given)
    specialized.insert(input);
  derivedValues.push_back(std::move(*value));
  return &derivedValues.back();
}

const GraphState::ConstEntry *GraphState::findConstant(StringRef name) const {
  for (const Scope &scope : llvm::reverse(scopes)) {
    auto it = scope.constants.find(name);
    if (it != scope.constants.end())
      return &it->second;
    if (scope.values.contains(name) || scope.composites.contains(name))
      return nullptr;
  }
  return nullptr;
}

const ConstTensor *GraphState::getConstant(StringRef name) const {
  const ConstEntry *entry = findConstant(name);
  return entry ? &entry->tensor : nullptr;
}

Value GraphState::createConstant(const ConstTensor &tensor, StringRef hint,
                                 Location loc) {
  return builder.create<mlir::arith::ConstantOp>(
      loc, makeElementsAttr(tensor, hint, namer));
}

void GraphState::setValueInfo(const onnx::ValueInfoProto &info) {
  if (info.has_type())
    scopes.back().types[info.name()] = info.type();
}

const onnx::TypeProto *GraphState::getOnnxType(StringRef name) const {
  for (const Scope &scope : llvm::reverse(scopes)) {
    auto it = scope.types.find(name);
    if (it != scope.types.end())
      return &it->second;
  }
  return nullptr;
}

std::pair<Value, int64_t> GraphState::getDimSource(StringRef symbol) const {
  for (const Scope &scope : llvm::reverse(scopes)) {
    auto it = scope.dimSources.find(symbol);
    if (it != scope.dimSources.end())
      return it->second;
  }
  return {Value(), 0};
}

int32_t GraphState::getOnnxElementType(StringRef name) const {
  const onnx::TypeProto *type = getOnnxType(name);
  if (type && type->has_tensor_type())
    return type->tensor_type().elem_type();
  if (const CompositeValue *composite = getComposite(name))
    return composite->elementType;
  if (const ConstTensor *constant = getConstant(name))
    return importer::getOnnxElementType(constant->type.getElementType(),
                                        constant->isUnsigned);
  if (Value value = lookupValue(name))
    return importer::getOnnxElementType(getElementTypeOrSelf(value.getType()));
  return onnx::TensorProto::UNDEFINED;
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

bool NodeImporter::hasInput(int i) const {
  return i < node.input_size() && !node.input(i).empty();
}

FailureOr<Value> NodeImporter::getInput(int i) {
  if (!hasInput(i)) {
    emitError() << "missing input #" << i;
    return failure();
  }
  return state.getValue(node.input(i), loc);
}

const ConstTensor *NodeImporter::getConstantInput(int i) {
  return hasInput(i) ? state.getConstantOrBoundInput(node.input(i)) : nullptr;
}

const ConstTensor *NodeImporter::getModelConstantInput(int i) {
  return hasInput(i) ? state.getConstant(node.input(i)) : nullptr;
}

FailureOr<SmallVector<int64_t>> NodeImporter::getConstantInts(int i,
                                                              StringRef what) {
  const ConstTensor *tensor = getConstantInput(i);
  if (!tensor) {
    InFlightDiagnostic diag = emitError();
    diag << "'" << what
         << "' input must be a constant (aic needs static shapes)";
    // A graph input can be given a value to compile for.
    if (hasInput(i) &&
        isa_and_nonnull<BlockArgument>(state.lookupValue(node.input(i))))
      diag << "; give graph input '" << node.input(i)
           << "' a value with --input-value " << node.input(i) << "=...";
    return failure();
  }
  if (!isa<IntegerType>(tensor->type.getElementType())) {
    emitError() << "'" << what << "' input must hold integers";
    return failure();
  }
  std::vector<int64_t> values = getValuesAsInt(*tensor);
  return SmallVector<int64_t>(values.begin(), values.end());
}

int32_t NodeImporter::getInputElementType(int i) const {
  return hasInput(i) ? state.getOnnxElementType(node.input(i))
                     : onnx::TensorProto::UNDEFINED;
}

RankedTensorType NodeImporter::getInputType(int i) {
  FailureOr<Value> value = getInput(i);
  return succeeded(value) ? cast<RankedTensorType>(value->getType())
                          : RankedTensorType();
}

const CompositeValue *NodeImporter::getCompositeInput(int i) {
  if (!hasInput(i)) {
    emitError() << "missing input #" << i;
    return nullptr;
  }
  const CompositeValue *composite = state.getComposite(node.input(i));
  if (!composite) {
    if (state.hasValue(node.input(i)))
      emitError() << "input '" << node.input(i)
                  << "' is a tensor, the operator expects a sequence or "
                     "optional";
    else
      emitError() << "input '" << node.input(i) << "' is not defined";
  }
  return composite;
}

void NodeImporter::setCompositeOutput(int i, CompositeValue value) {
  if (i < node.output_size() && !node.output(i).empty())
    state.setComposite(node.output(i), std::move(value));
}

bool NodeImporter::isOutputUsed(int i) const {
  return i < node.output_size() && !node.output(i).empty() &&
         state.isUsed(node.output(i));
}

RankedTensorType NodeImporter::getInferredOutputType(int i) {
  const onnx::TypeProto *type =
      i < node.output_size() ? state.getOnnxType(node.output(i)) : nullptr;
  if (!type)
    return {};
  std::string why;
  FailureOr<RankedTensorType> result =
      convertTensorType(*type, getContext(), why, /*allowDynamic=*/true);
  return succeeded(result) ? *result : RankedTensorType();
}

FailureOr<RankedTensorType> NodeImporter::getOutputType(int i) {
  if (i >= node.output_size() || node.output(i).empty()) {
    emitError() << "missing output #" << i;
    return failure();
  }
  const std::string &name = node.output(i);
  const onnx::TypeProto *type = state.getOnnxType(name);
  if (!type) {
    emitError() << "ONNX shape inference gave output '" << name
                << "' no type; aic needs static shapes";
    return failure();
  }
  std::string why;
  // Symbolic dims ONNX's inference derives from inputs of run-time dims
  // stay run-time dims: only rules that take such inputs see them (see
  // checkRuntimeShapes). Other rules need static shapes.
  bool dynamicInputs = llvm::any_of(node.input(), [&](const std::string &in) {
    Value value = in.empty() ? Value() : state.lookupValue(in);
    auto shaped = value ? dyn_cast<ShapedType>(value.getType()) : nullptr;
    return shaped && !shaped.hasStaticShape();
  });
  FailureOr<RankedTensorType> result =
      convertTensorType(*type, getContext(), why, dynamicInputs);
  if (failed(result)) {
    emitError() << "output '" << name << "' " << why;
    return failure();
  }
  return result;
}

FailureOr<RankedTensorType>
NodeImporter::getOutputTypeOr(int i, RankedTensorType computed) {
  // ONNX cannot know a dim that depends on the data.
  if (i >= node.output_size() || !state.getOnnxType(node.output(i)) ||
      !computed.hasStaticShape())
    return computed;
  // ONNX may leave dims unknown that the rule computes (from values given
  // for graph inputs, say): those are taken, the others must agree.
  std::string why;
  FailureOr<RankedTensorType> inferred =
      convertTensorType(*state.getOnnxType(node.output(i)), getContext(), why,
                        /*allowDynamic=*/true);
  if (failed(inferred))
    return getOutputType(i);
  bool agrees = inferred->getElementType() == computed.getElementType() &&
                inferred->getRank() == computed.getRank();
  for (int64_t d = 0; agrees && d < computed.getRank(); ++d)
    agrees = inferred->isDynamicDim(d) ||
             inferred->getDimSize(d) == computed.getDimSize(d);
  if (!agrees) {
    emitError() << "ONNX inferred " << *inferred << " for output '"
                << node.output(i) << "' but the operator gives " << computed;
    return failure();
  }
  return computed;
}

void NodeImporter::setOutput(int i, Value value) {
  if (i < node.output_size() && !node.output(i).empty())
    state.setValue(node.output(i), value);
}

const onnx::AttributeProto *NodeImporter::getAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeImporter::getIntAttr(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *attr = getAttr(name);
  return attr && attr->has_i() ? attr->i() : defaultValue;
}

float NodeImporter::getFloatAttr(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *attr = getAttr(name);
  return attr && attr->has_f() ? attr->f() : defaultValue;
}

std::string NodeImporter::getStringAttr(StringRef name,
                                        StringRef defaultValue) const {
  const onnx::AttributeProto *attr = getAttr(name);
  return attr && attr->has_s() ? attr->s() : defaultValue.str();
}

SmallVector<int64_t> NodeImporter::getIntsAttr(StringRef name) const {
  const onnx::AttributeProto *attr = getAttr(name);
  if (!attr)
    return {};
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

Value NodeImporter::emptyTensor(RankedTensorType type) {
  return create<tensor::EmptyOp>(type.getShape(), type.getElementType());
}

Value NodeImporter::emptyTensor(RankedTensorType type,
                                ValueRange dynamicSizes) {
  return create<tensor::EmptyOp>(type, dynamicSizes);
}

Value NodeImporter::emptyTensorLike(Value source) {
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(create<tensor::DimOp>(source, d));
  return emptyTensor(type, sizes);
}

/// Groups the dims of `shape` around its run-time dims: group k holds the
/// static dims before run-time dim k and that dim; the static dims after
/// the last one form a group of their own. `products` gets each group's
/// product of static dims.
static SmallVector<ReassociationIndices>
groupAroundRuntimeDims(ArrayRef<int64_t> shape,
                       SmallVectorImpl<int64_t> &products) {
  SmallVector<ReassociationIndices> groups(1);
  products.assign(1, 1);
  for (auto [i, dim] : llvm::enumerate(shape)) {
    groups.back().push_back(i);
    if (!ShapedType::isDynamic(dim)) {
      products.back() *= dim;
      continue;
    }
    groups.emplace_back();
    products.push_back(1);
  }
  return groups;
}

FailureOr<Value> NodeImporter::reshapeRuntimeDims(Value value,
                                                  ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> inProducts, outProducts;
  SmallVector<ReassociationIndices> inGroups =
      groupAroundRuntimeDims(type.getShape(), inProducts);
  SmallVector<ReassociationIndices> outGroups =
      groupAroundRuntimeDims(shape, outProducts);
  if (inGroups.size() < 2 || inGroups.size() != outGroups.size() ||
      inProducts != outProducts)
    return failure();
  // The static dims after the last run-time dim stay a group of their own
  // when both sides have some; else they join the last run-time dim's.
  if (inGroups.back().empty() || outGroups.back().empty()) {
    for (SmallVector<ReassociationIndices> *groups : {&inGroups, &outGroups}) {
      ReassociationIndices trailing = groups->pop_back_val();
      groups->back().append(trailing.begin(), trailing.end());
    }
  }
  // Collapse each group to one dim, then expand those to the target's
  // groups.
  Value collapsed = value;
  SmallVector<int64_t> middle(inGroups.size(), ShapedType::kDynamic);
  size_t numRuntime = type.getNumDynamicDims();
  if (inGroups.size() > numRuntime)
    middle.back() = inProducts.back();
  auto middleType = RankedTensorType::get(middle, type.getElementType());
  if (middleType != type)
    collapsed = create<tensor::CollapseShapeOp>(middleType, value, inGroups);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (middleType == resultType)
    return collapsed;
  SmallVector<OpFoldResult> sizes;
  size_t runtimeDim = 0;
  for (int64_t dim : shape) {
    if (!ShapedType::isDynamic(dim)) {
      sizes.push_back(getBuilder().getIndexAttr(dim));
      continue;
    }
    int64_t source = inGroups[runtimeDim].front();
    while (!type.isDynamicDim(source))
      ++source;
    ++runtimeDim;
    sizes.push_back(create<tensor::DimOp>(value, source).getResult());
  }
  return create<tensor::ExpandShapeOp>(resultType, collapsed, outGroups, sizes)
      .getResult();
}

Value NodeImporter::reshapeTo(Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  if (type.hasStaticShape() && !llvm::any_of(shape, ShapedType::isDynamic))
    return create<ReshapeOp>(
        RankedTensorType::get(shape, type.getElementType()), value);
  FailureOr<Value> result = reshapeRuntimeDims(value, shape);
  assert(succeeded(result) && "run-time dims that do not correspond");
  return *result;
}
