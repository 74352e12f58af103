//===- ControlFlowRules.cpp - If and Scan as scf ops ----------------------===//
//
// ONNX control flow carries subgraphs (GRAPH attributes); importSubgraph
// imports them into the regions of upstream scf ops with the same rules as
// the main graph, reading the values of the enclosing graphs. If becomes
// scf.if (only the taken branch for a condition known at compile time);
// Scan an scf.for that slices its scanned inputs and inserts each
// iteration's scan outputs into its results, the counted loop Loop
// (LoopRules.cpp) builds too. Shapes stay static: a loop-carried value
// keeps its type across iterations, and scan outputs need the iteration
// count at compile time.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"
#include "ControlFlow.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cstring>
#include <deque>

using namespace mlir;
using namespace aic::importer;

/// The most nodes evaluated at compile time for a shape-determining value.

//===----------------------------------------------------------------------===//
// Shared pieces
//===----------------------------------------------------------------------===//

const onnx::GraphProto *aic::importer::getGraphAttr(NodeImporter &imp,
                                                    StringRef name) {
  const onnx::AttributeProto *attr = imp.getAttr(name);
  if (!attr || !attr->has_g()) {
    imp.emitError() << "missing subgraph attribute '" << name << "'";
    return nullptr;
  }
  return &attr->g();
}

FailureOr<Value> aic::importer::getFlagInput(NodeImporter &imp, int i,
                                             StringRef what, Type element) {
  FailureOr<Value> input = imp.getInput(i);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  if (!type.hasStaticShape() || type.getNumElements() != 1 ||
      type.getElementType() != element) {
    imp.emitError() << "'" << what << "' must be one " << element << ", got "
                    << type;
    return failure();
  }
  return input;
}

LogicalResult aic::importer::setControlFlowOutputs(NodeImporter &imp,
                                                   ValueRange values) {
  const onnx::NodeProto &node = imp.getNode();
  if (static_cast<int>(values.size()) != node.output_size())
    return imp.emitError() << "computes " << values.size()
                           << " outputs, the node has " << node.output_size();
  for (auto [i, value] : llvm::enumerate(values)) {
    if (node.output(i).empty() || !value)
      continue;
    std::string why;
    const onnx::TypeProto *inferred =
        imp.getState().getOnnxType(node.output(i));
    FailureOr<RankedTensorType> type =
        inferred ? convertTensorType(*inferred, imp.getContext(), why)
                 : FailureOr<RankedTensorType>(failure());
    if (succeeded(type) && *type != value.getType())
      return imp.emitError()
             << "ONNX inferred " << *type << " for output '" << node.output(i)
             << "' but the subgraphs give " << value.getType();
    imp.setOutput(i, value);
  }
  return success();
}

/// The shape of a one-element subgraph input (a Loop's iteration number or
/// condition): a scalar unless `info` declares one static dim of 1.
static SmallVector<int64_t> getFlagShape(NodeImporter &imp,
                                         const onnx::ValueInfoProto &info) {
  std::string why;
  if (info.has_type()) {
    FailureOr<RankedTensorType> declared =
        convertTensorType(info.type(), imp.getContext(), why);
    if (succeeded(declared) && declared->getNumElements() == 1)
      return SmallVector<int64_t>(declared->getShape());
  }
  return {};
}

Value aic::importer::makeFlagTensor(NodeImporter &imp, Value scalar,
                                    const onnx::ValueInfoProto &info) {
  return imp.create<tensor::FromElementsOp>(
      RankedTensorType::get(getFlagShape(imp, info), scalar.getType()), scalar);
}

ConstTensor aic::importer::makeFlagConstant(NodeImporter &imp, Type element,
                                            int64_t value,
                                            const onnx::ValueInfoProto &info) {
  ConstTensor tensor{RankedTensorType::get(getFlagShape(imp, info), element),
                     {}};
  // Little-endian: the low bytes of the int64.
  tensor.data.resize(elementByteSize(element));
  std::memcpy(tensor.data.data(), &value, tensor.data.size());
  return tensor;
}

ImportAttempt::ImportAttempt(NodeImporter &imp, bool quiet)
    : builder(imp.getBuilder()), block(builder.getInsertionBlock()) {
  Block::iterator point = builder.getInsertionPoint();
  last = point == block->begin() ? nullptr : &*std::prev(point);
  stop = point == block->end() ? nullptr : &*point;
  if (quiet)
    this->quiet.emplace(imp.getContext(),
                        [](Diagnostic &) { return success(); });
}

void ImportAttempt::rollBack() {
  quiet.reset();
  SmallVector<Operation *> ops;
  for (auto it = last ? std::next(last->getIterator()) : block->begin();
       it != block->end() && &*it != stop; ++it)
    ops.push_back(&*it);
  for (Operation *op : llvm::reverse(ops)) {
    op->dropAllUses();
    op->erase();
  }
  builder.setInsertionPoint(block, stop ? stop->getIterator() : block->end());
}

//===----------------------------------------------------------------------===//
// Counted loops
//===----------------------------------------------------------------------===//

/// `axis` of a tensor of rank `rank`, or an error naming attribute `what`.
static FailureOr<int64_t> normalizeScanAxis(NodeImporter &imp, int64_t axis,
                                            int64_t rank, StringRef what) {
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank) {
    imp.emitError() << "'" << what << "' value " << axis
                    << " is out of range for rank " << rank;
    return failure();
  }
  return normalized;
}

/// The position of iteration `iv`'s slice among `count`.
static Value slicePosition(NodeImporter &imp, Value iv, Value count,
                           bool reverse) {
  if (!reverse)
    return iv;
  Value last = imp.create<arith::SubIOp>(
      count, imp.create<arith::ConstantIndexOp>(1).getResult());
  return imp.create<arith::SubIOp>(last, iv);
}

void aic::importer::getSliceBounds(OpBuilder &b, ArrayRef<int64_t> shape,
                                   int64_t axis, Value pos,
                                   SmallVectorImpl<OpFoldResult> &offsets,
                                   SmallVectorImpl<OpFoldResult> &sizes,
                                   SmallVectorImpl<OpFoldResult> &strides) {
  for (auto [d, size] : llvm::enumerate(shape)) {
    bool at = static_cast<int64_t>(d) == axis;
    offsets.push_back(at ? OpFoldResult(pos) : b.getIndexAttr(0));
    sizes.push_back(b.getIndexAttr(at ? 1 : size));
    strides.push_back(b.getIndexAttr(1));
  }
}

RankedTensorType aic::importer::joinCarriedTypes(Type carried, Type next) {
  auto a = dyn_cast<RankedTensorType>(carried);
  auto b = dyn_cast<RankedTensorType>(next);
  if (!a || !b || a.getRank() != b.getRank() ||
      a.getElementType() != b.getElementType())
    return {};
  SmallVector<int64_t> shape(a.getShape());
  for (auto [d, size] : llvm::enumerate(b.getShape()))
    if (shape[d] != size)
      shape[d] = ShapedType::kDynamic;
  return RankedTensorType::get(shape, a.getElementType());
}

LogicalResult aic::importer::matchCarriedTypes(
    NodeImporter &imp, TypeRange carried, MutableArrayRef<Value> next,
    ArrayRef<std::string> names, SmallVectorImpl<RankedTensorType> *widened) {
  bool changes = false;
  for (auto [i, type] : llvm::enumerate(carried)) {
    if (next[i].getType() == type)
      continue;
    RankedTensorType join = joinCarriedTypes(type, next[i].getType());
    if (join == type) {
      next[i] = imp.create<tensor::CastOp>(type, next[i]);
      continue;
    }
    if (!join || !widened)
      return imp.emitError()
             << "loop-carried value '" << names[i] << "' changes from " << type
             << " to " << next[i].getType() << " between iterations";
    widened->resize(carried.size());
    (*widened)[i] = join;
    changes = true;
  }
  return failure(changes);
}

FailureOr<SmallVector<Value>> aic::importer::buildForLoop(
    NodeImporter &imp, Value count, std::optional<int64_t> staticCount,
    ValueRange inits, ArrayRef<std::string> names, ValueRange inputs,
    ArrayRef<ScanAxis> inputAxes, ArrayRef<ScanAxis> outputAxes,
    LoopBodyFn body, SmallVectorImpl<RankedTensorType> *widened) {
  OpBuilder &b = imp.getBuilder();
  Value zero = imp.create<arith::ConstantIndexOp>(0);
  Value one = imp.create<arith::ConstantIndexOp>(1);
  // The scan outputs' types are known once the body is imported: it is
  // built in a loop carrying only `inits`, whose region the final loop
  // takes.
  auto draft = imp.create<scf::ForOp>(zero, count, one, inits);
  Block *block = draft.getBody();
  if (block->mightHaveTerminator())
    block->getTerminator()->erase();
  b.setInsertionPointToEnd(block);
  Value iv = draft.getInductionVar();
  SmallVector<Value> slices;
  for (auto [input, at] : llvm::zip(inputs, inputAxes)) {
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<OpFoldResult> offsets, sizes, strides;
    getSliceBounds(b, type.getShape(), at.axis,
                   slicePosition(imp, iv, count, at.reverse), offsets, sizes,
                   strides);
    SmallVector<int64_t> shape(type.getShape());
    shape.erase(shape.begin() + at.axis);
    slices.push_back(imp.create<tensor::ExtractSliceOp>(
        RankedTensorType::get(shape, type.getElementType()), input, offsets,
        sizes, strides));
  }
  FailureOr<SmallVector<Value>> results =
      body(iv, draft.getRegionIterArgs(), slices);
  if (failed(results))
    return failure();
  size_t numCarried = inits.size();
  if (results->size() != numCarried + outputAxes.size())
    return imp.emitError() << "the body gives " << results->size()
                           << " outputs, expected "
                           << numCarried + outputAxes.size();
  if (failed(matchCarriedTypes(
          imp, inits.getTypes(),
          MutableArrayRef<Value>(*results).take_front(numCarried), names,
          widened)))
    return failure();

  SmallVector<Value> allInits(inits);
  SmallVector<int64_t> axes;
  b.setInsertionPoint(draft);
  for (auto [slice, at] : llvm::zip(
           ArrayRef<Value>(*results).drop_front(numCarried), outputAxes)) {
    auto type = cast<RankedTensorType>(slice.getType());
    if (!staticCount)
      return imp.emitError() << "scan outputs need the number of iterations "
                                "at compile time (aic needs static shapes)";
    if (!type.hasStaticShape())
      return imp.emitError() << "a scan output's slices have the shape "
                             << formatShape(type.getShape())
                             << ", known only at run time, which is not "
                                "supported yet";
    FailureOr<int64_t> axis =
        normalizeScanAxis(imp, at.axis, type.getRank() + 1, "scan_output_axes");
    if (failed(axis))
      return failure();
    SmallVector<int64_t> shape(type.getShape());
    shape.insert(shape.begin() + *axis, *staticCount);
    allInits.push_back(
        imp.emptyTensor(RankedTensorType::get(shape, type.getElementType())));
    axes.push_back(*axis);
  }
  auto loop = imp.create<scf::ForOp>(zero, count, one, allInits);
  loop.getRegion().takeBody(draft.getRegion());
  draft.erase();
  block = loop.getBody();
  SmallVector<Value> yields(ArrayRef<Value>(*results).take_front(numCarried));
  for (Value init : ArrayRef<Value>(allInits).drop_front(numCarried))
    block->addArgument(init.getType(), imp.getLoc());
  b.setInsertionPointToEnd(block);
  for (auto [j, slice] :
       llvm::enumerate(ArrayRef<Value>(*results).drop_front(numCarried))) {
    Value acc = block->getArgument(1 + numCarried + j);
    SmallVector<OpFoldResult> offsets, sizes, strides;
    getSliceBounds(b, cast<RankedTensorType>(acc.getType()).getShape(), axes[j],
                   slicePosition(imp, iv, count, outputAxes[j].reverse),
                   offsets, sizes, strides);
    yields.push_back(
        imp.create<tensor::InsertSliceOp>(slice, acc, offsets, sizes, strides));
  }
  imp.create<scf::YieldOp>(yields);
  b.setInsertionPointAfter(loop);
  return SmallVector<Value>(loop.getResults());
}

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

/// The value of the constant behind input `i`, an integer or boolean (not
/// the value given for a graph input: a run-time value serves as well).
static std::optional<int64_t> getConstantScalar(NodeImporter &imp, int i) {
  if (!imp.hasInput(i))
    return std::nullopt;
  const ConstTensor *tensor =
      imp.getState().getConstant(imp.getNode().input(i));
  if (!tensor || tensor->getNumElements() != 1)
    return std::nullopt;
  return getValuesAsInt(*tensor)[0];
}

/// The tensors of branch outputs: a sequence or optional as the tensors it
/// holds.
static SmallVector<Value> flattenOutputs(ArrayRef<SubgraphValue> outputs) {
  SmallVector<Value> flat;
  for (const SubgraphValue &output : outputs) {
    if (output.composite)
      llvm::append_range(flat, output.composite->tensors);
    else
      flat.push_back(output.tensor);
  }
  return flat;
}

/// True if two branches give sequences and optionals of the same kind,
/// presence and length at the same outputs.
static bool sameComposites(ArrayRef<SubgraphValue> a,
                           ArrayRef<SubgraphValue> b) {
  for (auto [x, y] : llvm::zip(a, b)) {
    if (x.composite.has_value() != y.composite.has_value())
      return false;
    if (x.composite &&
        (x.composite->kind != y.composite->kind ||
         x.composite->present != y.composite->present ||
         x.composite->tensors.size() != y.composite->tensors.size()))
      return false;
  }
  return true;
}

/// Sets the node's outputs from `outputs`, a branch's, whose tensors are
/// now `flat` (as flattenOutputs orders them).
static LogicalResult setBranchOutputs(NodeImporter &imp,
                                      ArrayRef<SubgraphValue> outputs,
                                      ValueRange flat) {
  SmallVector<Value> tensors;
  size_t next = 0;
  for (const SubgraphValue &output : outputs) {
    if (!output.composite) {
      tensors.push_back(flat[next++]);
      continue;
    }
    size_t n = output.composite->tensors.size();
    tensors.push_back(Value());
    CompositeValue value = *output.composite;
    value.tensors.assign(flat.begin() + next, flat.begin() + next + n);
    next += n;
    imp.setCompositeOutput(tensors.size() - 1, std::move(value));
  }
  return setControlFlowOutputs(imp, tensors);
}

/// Imports the branch `taken` selects.
static LogicalResult importTakenBranch(NodeImporter &imp,
                                       const onnx::GraphProto &thenGraph,
                                       const onnx::GraphProto &elseGraph,
                                       bool taken) {
  FailureOr<SmallVector<SubgraphValue>> results =
      importSubgraphValues(imp, taken ? thenGraph : elseGraph, {}, {});
  if (failed(results))
    return failure();
  if (static_cast<int>(results->size()) != imp.getNode().output_size())
    return imp.emitError() << "'" << (taken ? "then" : "else")
                           << "_branch' has " << results->size()
                           << " outputs, the node "
                           << imp.getNode().output_size();
  return setBranchOutputs(imp, *results, flattenOutputs(*results));
}

/// Where the branches give an output as tensors of one rank and element type
/// but different dims, both yield it cast to their join (a dim they differ
/// in is a run-time one): PyTorch's shape-dependent branches.
static void joinBranchTypes(NodeImporter &imp, scf::IfOp untyped,
                            ArrayRef<SmallVector<SubgraphValue>> outputs,
                            MutableArrayRef<SmallVector<Type>> types) {
  SmallVector<Type> joined(types[0]);
  for (size_t i = 0; i < joined.size(); ++i) {
    if (types[0][i] == types[1][i])
      continue;
    auto a = dyn_cast<RankedTensorType>(types[0][i]);
    auto b = dyn_cast<RankedTensorType>(types[1][i]);
    if (!a || !b || a.getRank() != b.getRank() ||
        a.getElementType() != b.getElementType() ||
        a.getEncoding() != b.getEncoding())
      return;
    SmallVector<int64_t> shape;
    for (auto [x, y] : llvm::zip(a.getShape(), b.getShape()))
      shape.push_back(x == y ? x : ShapedType::kDynamic);
    joined[i] =
        RankedTensorType::get(shape, a.getElementType(), a.getEncoding());
  }
  // Composite values (sequences, optionals) keep their elements' types.
  for (const SmallVector<SubgraphValue> &branch : outputs)
    for (const SubgraphValue &output : branch)
      if (output.composite)
        return;
  OpBuilder &b = imp.getBuilder();
  OpBuilder::InsertionGuard guard(b);
  for (Region *region : {&untyped.getThenRegion(), &untyped.getElseRegion()}) {
    Operation *yield = region->front().getTerminator();
    b.setInsertionPoint(yield);
    for (auto [operand, type] : llvm::zip(yield->getOpOperands(), joined))
      if (operand.get().getType() != type)
        operand.set(imp.create<tensor::CastOp>(type, operand.get()));
  }
  types[0] = joined;
  types[1] = joined;
}

/// Branches that give outputs of different ranks, of a condition known
/// only at run time (PyTorch's squeeze of a symbolic dim: If(dim == 1,
/// Squeeze, Identity)): one branch is imported, and the run checks that
/// the condition takes it. That is the branch whose ranks are those ONNX
/// declared for the node's outputs, if it declared any, else the then
/// branch (the squeeze).
static LogicalResult importCheckedBranch(NodeImporter &imp,
                                         const onnx::GraphProto &thenGraph,
                                         const onnx::GraphProto &elseGraph,
                                         Value cond,
                                         ArrayRef<SmallVector<Type>> types) {
  bool taken = true;
  for (int i = 0; i < imp.getNode().output_size(); ++i) {
    RankedTensorType declared = imp.getInferredOutputType(i);
    if (!declared || static_cast<size_t>(i) >= types[0].size())
      continue;
    auto thenType = dyn_cast<RankedTensorType>(types[0][i]);
    auto elseType = dyn_cast<RankedTensorType>(types[1][i]);
    if (thenType && elseType && thenType.getRank() != elseType.getRank() &&
        elseType.getRank() == declared.getRank())
      taken = false;
  }
  Value flag = extractScalar(imp, cond);
  if (!taken)
    flag = imp.create<arith::XOrIOp>(
        flag,
        imp.create<arith::ConstantOp>(imp.getBuilder().getBoolAttr(true)));
  buildRuntimeCheck(imp, flag,
                    std::string("the condition takes the ") +
                        (taken ? "else" : "then") +
                        " branch at run time, whose outputs have other ranks "
                        "than the " +
                        (taken ? "then" : "else") +
                        " branch's, which aic compiled (fix the dims it "
                        "depends on with --input-shape)");
  return importTakenBranch(imp, thenGraph, elseGraph, taken);
}

static LogicalResult importIf(NodeImporter &imp) {
  const onnx::GraphProto *thenGraph = getGraphAttr(imp, "then_branch");
  const onnx::GraphProto *elseGraph = getGraphAttr(imp, "else_branch");
  if (!thenGraph || !elseGraph)
    return failure();
  OpBuilder &b = imp.getBuilder();
  FailureOr<Value> cond = getFlagInput(imp, 0, "cond", b.getI1Type());
  if (failed(cond))
    return failure();
  // A constant condition takes its branch at compile time.
  if (std::optional<int64_t> taken = getConstantScalar(imp, 0))
    return importTakenBranch(imp, *thenGraph, *elseGraph, *taken);

  // The result types are known once both branches are imported: they are
  // built in an scf.if without results whose regions a typed one takes.
  ImportAttempt attempt(imp, /*quiet=*/false);
  Value flag = extractScalar(imp, *cond);
  auto untyped = imp.create<scf::IfOp>(TypeRange{}, flag, /*addThenBlock=*/true,
                                       /*addElseBlock=*/true);
  SmallVector<Type> types[2];
  SmallVector<SubgraphValue> outputs[2];
  for (auto [k, region, graph, name] :
       {std::make_tuple(0, &untyped.getThenRegion(), thenGraph, "then_branch"),
        std::make_tuple(1, &untyped.getElseRegion(), elseGraph,
                        "else_branch")}) {
    b.setInsertionPointToEnd(&region->front());
    FailureOr<SmallVector<SubgraphValue>> results =
        importSubgraphValues(imp, *graph, {}, {});
    if (failed(results))
      return failure();
    if (static_cast<int>(results->size()) != imp.getNode().output_size())
      return imp.emitError()
             << "'" << name << "' has " << results->size()
             << " outputs, the node " << imp.getNode().output_size();
    outputs[k] = std::move(*results);
    SmallVector<Value> flat = flattenOutputs(outputs[k]);
    types[k].assign(ValueRange(flat).getTypes().begin(),
                    ValueRange(flat).getTypes().end());
    imp.create<scf::YieldOp>(flat);
  }
  bool sameLayout = sameComposites(outputs[0], outputs[1]);
  if (!sameLayout || types[0] != types[1]) {
    // Branches of different shapes take the condition at compile time when
    // it is known then: a value given for a graph input, or computed from
    // such values.
    SmallVector<std::string> given;
    std::optional<ConstTensor> known =
        evaluateAtCompileTime(imp.getState(), imp.getNode().input(0), given);
    if (known && known->getNumElements() == 1) {
      attempt.rollBack();
      for (const std::string &name : given)
        imp.getState().getBoundInputValue(name, /*specialize=*/true);
      return importTakenBranch(imp, *thenGraph, *elseGraph,
                               getValuesAsInt(*known)[0] != 0);
    }
    if (!sameLayout)
      return imp.emitError()
             << "the branches give sequences or optionals of different "
                "lengths or presence (aic needs them static)";
    joinBranchTypes(imp, untyped, outputs, types);
  }
  if (types[0] != types[1]) {
    size_t i = 0;
    while (types[0][i] == types[1][i])
      ++i;
    auto a = dyn_cast<RankedTensorType>(types[0][i]);
    auto b = dyn_cast<RankedTensorType>(types[1][i]);
    if (!a || !b || a.getRank() == b.getRank() ||
        a.getElementType() != b.getElementType())
      return imp.emitError() << "the branches give output #" << i
                             << " different types, " << types[0][i] << " and "
                             << types[1][i] << " (aic needs static shapes)";
    attempt.rollBack();
    return importCheckedBranch(imp, *thenGraph, *elseGraph, *cond, types);
  }
  attempt.keep();
  b.setInsertionPoint(untyped);
  auto typed = imp.create<scf::IfOp>(types[0], flag, /*addThenBlock=*/false,
                                     /*addElseBlock=*/false);
  typed.getThenRegion().takeBody(untyped.getThenRegion());
  typed.getElseRegion().takeBody(untyped.getElseRegion());
  untyped.erase();
  b.setInsertionPointAfter(typed);
  return setBranchOutputs(imp, outputs[0], typed.getResults());
}

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

/// `count` axes from attribute `name` (default 0) with the directions of
/// attribute `directionsName` (default forward).
static FailureOr<SmallVector<ScanAxis>> getScanAxes(NodeImporter &imp,
                                                    StringRef name,
                                                    StringRef directionsName,
                                                    int64_t count) {
  SmallVector<int64_t> axes = imp.getIntsAttr(name);
  SmallVector<int64_t> directions = imp.getIntsAttr(directionsName);
  if ((!axes.empty() && static_cast<int64_t>(axes.size()) != count) ||
      (!directions.empty() &&
       static_cast<int64_t>(directions.size()) != count)) {
    imp.emitError() << "'" << name << "' and '" << directionsName
                    << "' must have " << count << " values";
    return failure();
  }
  SmallVector<ScanAxis> result(count);
  for (int64_t i = 0; i < count; ++i) {
    if (!axes.empty())
      result[i].axis = axes[i];
    if (!directions.empty()) {
      if (directions[i] != 0 && directions[i] != 1) {
        imp.emitError() << "'" << directionsName << "' values must be 0 or 1";
        return failure();
      }
      result[i].reverse = directions[i] == 1;
    }
  }
  return result;
}

/// One Scan over `inputs` (already without a batch dim): a loop of the
/// sequence length carrying `states`.
static FailureOr<SmallVector<Value>>
buildScan(NodeImporter &imp, const onnx::GraphProto &body, ValueRange states,
          ValueRange inputs, ArrayRef<ScanAxis> inputAxes,
          ArrayRef<ScanAxis> outputAxes, ArrayRef<int32_t> elementTypes) {
  SmallVector<ScanAxis> axes(inputAxes);
  int64_t length = -1;
  for (auto [input, at] : llvm::zip(inputs, axes)) {
    auto type = cast<RankedTensorType>(input.getType());
    FailureOr<int64_t> axis =
        normalizeScanAxis(imp, at.axis, type.getRank(), "scan_input_axes");
    if (failed(axis))
      return failure();
    at.axis = *axis;
    if (length >= 0 && type.getDimSize(*axis) != length)
      return imp.emitError() << "the scanned inputs have different sequence "
                                "lengths, "
                             << length << " and " << type.getDimSize(*axis);
    length = type.getDimSize(*axis);
  }
  if (length < 0)
    return imp.emitError() << "expects at least one scanned input";
  SmallVector<std::string> names;
  for (size_t i = 0; i < states.size(); ++i)
    names.push_back(body.input(i).name());
  auto loopBody = [&](Value, ValueRange carried,
                      ValueRange slices) -> FailureOr<SmallVector<Value>> {
    SmallVector<Value> bodyInputs(carried);
    llvm::append_range(bodyInputs, slices);
    return importSubgraph(imp, body, bodyInputs, elementTypes);
  };
  Value count = imp.create<arith::ConstantIndexOp>(length);
  return buildForLoop(imp, count, length, states, names, inputs, axes,
                      outputAxes, loopBody);
}

static LogicalResult importScan(NodeImporter &imp) {
  const onnx::GraphProto *body = getGraphAttr(imp, "body");
  if (!body)
    return failure();
  const onnx::NodeProto &node = imp.getNode();
  int64_t numScanInputs = imp.getIntAttr("num_scan_inputs", -1);
  // Opset 8 has a leading sequence_lens input and a batch dim.
  bool batched = imp.getOpset() < 9;
  int first = batched ? 1 : 0;
  int64_t numStates = node.input_size() - first - numScanInputs;
  int64_t numScanOutputs = node.output_size() - numStates;
  if (numScanInputs < 1 || numStates < 0 || numScanOutputs < 0)
    return imp.emitError() << "'num_scan_inputs' " << numScanInputs
                           << " does not fit " << node.input_size()
                           << " inputs and " << node.output_size()
                           << " outputs";
  if (body->input_size() != numStates + numScanInputs ||
      body->output_size() != node.output_size())
    return imp.emitError() << "the body has " << body->input_size()
                           << " inputs and " << body->output_size()
                           << " outputs, expected " << numStates + numScanInputs
                           << " and " << node.output_size();
  SmallVector<Value> operands;
  SmallVector<int32_t> elementTypes;
  for (int i = first; i < node.input_size(); ++i) {
    FailureOr<Value> operand = imp.getInput(i);
    if (failed(operand))
      return failure();
    operands.push_back(*operand);
    elementTypes.push_back(imp.getInputElementType(i));
  }
  ValueRange states = ValueRange(operands).take_front(numStates);
  ValueRange inputs = ValueRange(operands).drop_front(numStates);

  if (!batched) {
    FailureOr<SmallVector<ScanAxis>> inputAxes = getScanAxes(
        imp, "scan_input_axes", "scan_input_directions", numScanInputs);
    FailureOr<SmallVector<ScanAxis>> outputAxes = getScanAxes(
        imp, "scan_output_axes", "scan_output_directions", numScanOutputs);
    if (failed(inputAxes) || failed(outputAxes))
      return failure();
    FailureOr<SmallVector<Value>> results = buildScan(
        imp, *body, states, inputs, *inputAxes, *outputAxes, elementTypes);
    return failed(results) ? failure() : setControlFlowOutputs(imp, *results);
  }

  // Opset 8: every operand has a leading batch dim, and the scanned inputs
  // their sequence along dim 1. A loop over the batch runs one Scan per
  // batch entry and stacks its results.
  FailureOr<SmallVector<ScanAxis>> inputAxes =
      getScanAxes(imp, "scan_input_axes", "directions", numScanInputs);
  if (failed(inputAxes))
    return failure();
  int64_t batch = -1;
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getRank() < 1 || (batch >= 0 && type.getDimSize(0) != batch))
      return imp.emitError() << "all operands must have the same batch dim";
    batch = type.getDimSize(0);
  }
  for (Value input : inputs)
    if (cast<RankedTensorType>(input.getType()).getRank() < 2)
      return imp.emitError() << "scanned inputs must be [batch, sequence, ...]";
  if (imp.hasInput(0)) {
    // Shorter sequences leave part of the outputs undefined.
    FailureOr<SmallVector<int64_t>> lengths =
        imp.getConstantInts(0, "sequence_lens");
    if (failed(lengths))
      return failure();
    int64_t length = cast<RankedTensorType>(inputs[0].getType()).getDimSize(1);
    if (llvm::any_of(*lengths, [&](int64_t l) { return l != length; }))
      return imp.emitError() << "sequences shorter than the scanned inputs "
                                "are not supported";
  }
  SmallVector<ScanAxis> batchAxes(operands.size());
  SmallVector<ScanAxis> stackAxes(node.output_size());
  auto perEntry = [&](Value, ValueRange,
                      ValueRange slices) -> FailureOr<SmallVector<Value>> {
    SmallVector<ScanAxis> outputAxes(numScanOutputs);
    return buildScan(imp, *body, slices.take_front(numStates),
                     slices.drop_front(numStates), *inputAxes, outputAxes,
                     elementTypes);
  };
  Value count = imp.create<arith::ConstantIndexOp>(batch);
  FailureOr<SmallVector<Value>> results = buildForLoop(
      imp, count, batch, {}, {}, operands, batchAxes, stackAxes, perEntry);
  return failed(results) ? failure() : setControlFlowOutputs(imp, *results);
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getControlFlowRules() {
  using DT = onnx::TensorProto;
  static const OpRuleInfo rules[] = {
      {"If", importIf, 1, types::kBool},
      {"Loop", importLoop, 1, typeBit(DT::INT64), "", true},
      {"Scan", importScan, 8, types::kTensor},
  };
  return rules;
}
