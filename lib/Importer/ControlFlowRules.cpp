//===- ControlFlowRules.cpp - If, Loop and Scan as scf ops ----------------===//
//
// ONNX control flow carries subgraphs (GRAPH attributes); importSubgraph
// imports them into the regions of upstream scf ops with the same rules as
// the main graph, reading the values of the enclosing graphs. If becomes
// scf.if (only the taken branch for a constant condition); Loop an scf.for
// when its condition cannot end it early and an scf.while otherwise; Scan
// an scf.for that slices its scanned inputs and inserts each iteration's
// scan outputs into its results. Shapes stay static: a loop-carried value
// keeps its type across iterations, and scan outputs need the iteration
// count at compile time.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cstring>
#include <deque>

using namespace mlir;
using namespace aic::importer;

/// The largest Loop unrolled, in body nodes times iterations.
static constexpr int64_t kMaxUnrolledNodes = 4096;
/// The most nodes evaluated at compile time for a trip count.
static constexpr int kMaxEvaluatedNodes = 32;

/// The subgraph attribute `name` of the node, or an error.
static const onnx::GraphProto *getGraphAttr(NodeImporter &imp, StringRef name) {
  const onnx::AttributeProto *attr = imp.getAttr(name);
  if (!attr || !attr->has_g()) {
    imp.emitError() << "missing subgraph attribute '" << name << "'";
    return nullptr;
  }
  return &attr->g();
}

/// Input `i`, which must be a one-element tensor of `element` (`what` in
/// errors).
static FailureOr<Value> getFlagInput(NodeImporter &imp, int i, StringRef what,
                                     Type element) {
  FailureOr<Value> input = imp.getInput(i);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  if (type.getNumElements() != 1 || type.getElementType() != element) {
    imp.emitError() << "'" << what << "' must be one " << element << ", got "
                    << type;
    return failure();
  }
  return input;
}

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

/// Gives the node its outputs, checked against the types ONNX inferred
/// where it inferred static ones (it often cannot type what subgraphs
/// compute).
static LogicalResult setOutputs(NodeImporter &imp, ValueRange values) {
  const onnx::NodeProto &node = imp.getNode();
  if (static_cast<int>(values.size()) != node.output_size())
    return imp.emitError() << "computes " << values.size()
                           << " outputs, the node has " << node.output_size();
  for (auto [i, value] : llvm::enumerate(values)) {
    if (node.output(i).empty())
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

/// A one-element tensor holding `scalar`, shaped for subgraph input `info`.
static Value makeFlagTensor(NodeImporter &imp, Value scalar,
                            const onnx::ValueInfoProto &info) {
  return imp.create<tensor::FromElementsOp>(
      RankedTensorType::get(getFlagShape(imp, info), scalar.getType()), scalar);
}

/// A one-element constant of integer type `element` holding `value`, shaped
/// for subgraph input `info`.
static ConstTensor makeFlagConstant(NodeImporter &imp, Type element,
                                    int64_t value,
                                    const onnx::ValueInfoProto &info) {
  ConstTensor tensor{RankedTensorType::get(getFlagShape(imp, info), element),
                     {}};
  // Little-endian: the low bytes of the int64.
  tensor.data.resize(elementByteSize(element));
  std::memcpy(tensor.data.data(), &value, tensor.data.size());
  return tensor;
}

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

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
  if (std::optional<int64_t> taken = getConstantScalar(imp, 0)) {
    FailureOr<SmallVector<Value>> results =
        importSubgraph(imp, *taken ? *thenGraph : *elseGraph, {}, {});
    return failed(results) ? failure() : setOutputs(imp, *results);
  }

  // The result types are known once both branches are imported: they are
  // built in an scf.if without results whose regions a typed one takes.
  Value flag = extractScalar(imp, *cond);
  auto untyped = imp.create<scf::IfOp>(TypeRange{}, flag, /*addThenBlock=*/true,
                                       /*addElseBlock=*/true);
  SmallVector<Type> types;
  for (auto [region, graph, name] :
       {std::make_tuple(&untyped.getThenRegion(), thenGraph, "then_branch"),
        std::make_tuple(&untyped.getElseRegion(), elseGraph, "else_branch")}) {
    b.setInsertionPointToEnd(&region->front());
    FailureOr<SmallVector<Value>> results = importSubgraph(imp, *graph, {}, {});
    if (failed(results))
      return failure();
    if (static_cast<int>(results->size()) != imp.getNode().output_size())
      return imp.emitError()
             << "'" << name << "' has " << results->size()
             << " outputs, the node " << imp.getNode().output_size();
    if (types.empty()) {
      types.assign(ValueRange(*results).getTypes().begin(),
                   ValueRange(*results).getTypes().end());
    } else {
      for (auto [i, value] : llvm::enumerate(*results))
        if (value.getType() != types[i])
          return imp.emitError()
                 << "the branches give output #" << i << " different types, "
                 << types[i] << " and " << value.getType()
                 << " (aic needs static shapes)";
    }
    imp.create<scf::YieldOp>(*results);
  }
  b.setInsertionPoint(untyped);
  auto typed = imp.create<scf::IfOp>(types, flag, /*addThenBlock=*/false,
                                     /*addElseBlock=*/false);
  typed.getThenRegion().takeBody(untyped.getThenRegion());
  typed.getElseRegion().takeBody(untyped.getElseRegion());
  untyped.erase();
  b.setInsertionPointAfter(typed);
  return setOutputs(imp, typed.getResults());
}

//===----------------------------------------------------------------------===//
// Counted loops (Loop and Scan)
//===----------------------------------------------------------------------===//

namespace {
/// Where a loop reads or writes one slice per iteration: along `axis`
/// (negative counts from the end), last slice first if `reverse`.
struct ScanAxis {
  int64_t axis = 0;
  bool reverse = false;
};

/// Imports one iteration of a loop body from its iteration number (index),
/// the values it carries and this iteration's slices of the scanned inputs.
/// Returns the carried values for the next iteration, then one slice of
/// each scan output.
using LoopBodyFn = llvm::function_ref<FailureOr<SmallVector<Value>>(
    Value iv, ValueRange carried, ValueRange slices)>;
} // namespace

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

/// The offsets, sizes and strides of slice `pos` along `axis` of `shape`.
static void getSliceBounds(OpBuilder &b, ArrayRef<int64_t> shape, int64_t axis,
                           Value pos, SmallVectorImpl<OpFoldResult> &offsets,
                           SmallVectorImpl<OpFoldResult> &sizes,
                           SmallVectorImpl<OpFoldResult> &strides) {
  for (auto [d, size] : llvm::enumerate(shape)) {
    bool at = static_cast<int64_t>(d) == axis;
    offsets.push_back(at ? OpFoldResult(pos) : b.getIndexAttr(0));
    sizes.push_back(b.getIndexAttr(at ? 1 : size));
    strides.push_back(b.getIndexAttr(1));
  }
}

/// scf.for %iv = 0 to `count` carrying `inits`. Each iteration reads one
/// slice of every scanned input (`inputs`, along `inputAxes`, all of
/// `count` slices), imports the body, and inserts the slices the body
/// returns after the carried values into scan outputs of `staticCount`
/// slices along `outputAxes`. Returns the final carried values, then the
/// scan outputs. `names` name the carried values in errors.
static FailureOr<SmallVector<Value>>
buildForLoop(NodeImporter &imp, Value count, std::optional<int64_t> staticCount,
             ValueRange inits, ArrayRef<std::string> names, ValueRange inputs,
             ArrayRef<ScanAxis> inputAxes, ArrayRef<ScanAxis> outputAxes,
             LoopBodyFn body) {
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
  for (size_t i = 0; i < numCarried; ++i)
    if ((*results)[i].getType() != inits[i].getType())
      return imp.emitError()
             << "loop-carried value '" << names[i] << "' changes from "
             << inits[i].getType() << " to " << (*results)[i].getType()
             << " between iterations (aic needs static shapes)";

  SmallVector<Value> allInits(inits);
  SmallVector<int64_t> axes;
  b.setInsertionPoint(draft);
  for (auto [slice, at] : llvm::zip(
           ArrayRef<Value>(*results).drop_front(numCarried), outputAxes)) {
    auto type = cast<RankedTensorType>(slice.getType());
    if (!staticCount)
      return imp.emitError() << "scan outputs need the number of iterations "
                                "at compile time (aic needs static shapes)";
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
// Loop
//===----------------------------------------------------------------------===//

/// True if the body's condition output always equals its condition input
/// (through Identity nodes) or is a constant true: the loop then runs its
/// full trip count once it starts.
static bool keepsCondition(const onnx::GraphProto &body, GraphState &state) {
  std::string name = body.output(0).name();
  const std::string &condIn = body.input(1).name();
  for (int guard = 0; guard <= body.node_size(); ++guard) {
    if (name == condIn)
      return true;
    const onnx::NodeProto *producer = nullptr;
    for (const onnx::NodeProto &node : body.node())
      if (llvm::is_contained(node.output(), name))
        producer = &node;
    if (!producer) {
      const ConstTensor *constant = state.getConstant(name);
      return constant && constant->getNumElements() == 1 &&
             getValuesAsInt(*constant)[0] != 0;
    }
    if (producer->op_type() == "Identity" && producer->input_size() == 1) {
      name = producer->input(0);
      continue;
    }
    if (producer->op_type() != "Constant" || producer->attribute_size() != 1 ||
        !producer->attribute(0).has_t())
      return false;
    std::string why;
    FailureOr<ConstTensor> value =
        decodeTensor(producer->attribute(0).t(), state.getModelDir(),
                     state.getContext(), why);
    return succeeded(value) && value->getNumElements() == 1 &&
           getValuesAsInt(*value)[0] != 0;
  }
  return false;
}

/// A Loop whose condition may end it early: scf.while over (iteration
/// number, condition, carried values...).
static FailureOr<SmallVector<Value>>
buildWhileLoop(NodeImporter &imp, const onnx::GraphProto &body,
               ValueRange inits, ArrayRef<int32_t> elementTypes,
               ArrayRef<std::string> names) {
  OpBuilder &b = imp.getBuilder();
  Type i64 = b.getI64Type(), i1 = b.getI1Type();
  SmallVector<Value> whileInits{imp.create<arith::ConstantIntOp>(0, 64)};
  if (imp.hasInput(1)) {
    FailureOr<Value> cond = getFlagInput(imp, 1, "cond", i1);
    if (failed(cond))
      return failure();
    whileInits.push_back(extractScalar(imp, *cond));
  } else {
    whileInits.push_back(imp.create<arith::ConstantIntOp>(1, 1));
  }
  Value tripCount;
  if (imp.hasInput(0)) {
    FailureOr<Value> m = getFlagInput(imp, 0, "M", i64);
    if (failed(m))
      return failure();
    tripCount = extractScalar(imp, *m);
  }
  llvm::append_range(whileInits, inits);
  SmallVector<Type> types(ValueRange(whileInits).getTypes());
  SmallVector<Location> locs(types.size(), imp.getLoc());
  auto loop = imp.create<scf::WhileOp>(types, whileInits);

  Block *before = b.createBlock(&loop.getBefore(), {}, types, locs);
  Value go = before->getArgument(1);
  if (tripCount) {
    Value inRange = imp.create<arith::CmpIOp>(
        arith::CmpIPredicate::slt, before->getArgument(0), tripCount);
    go = imp.create<arith::AndIOp>(go, inRange);
  }
  imp.create<scf::ConditionOp>(go, before->getArguments());

  Block *after = b.createBlock(&loop.getAfter(), {}, types, locs);
  SmallVector<Value> bodyInputs{
      makeFlagTensor(imp, after->getArgument(0), body.input(0)),
      makeFlagTensor(imp, after->getArgument(1), body.input(1))};
  llvm::append_range(bodyInputs, after->getArguments().drop_front(2));
  SmallVector<int32_t> bodyTypes{onnx::TensorProto::INT64,
                                 onnx::TensorProto::BOOL};
  llvm::append_range(bodyTypes, elementTypes);
  FailureOr<SmallVector<Value>> results =
      importSubgraph(imp, body, bodyInputs, bodyTypes);
  if (failed(results))
    return failure();
  if (results->size() != inits.size() + 1)
    return imp.emitError() << "the body gives " << results->size()
                           << " outputs, expected " << inits.size() + 1;
  auto condType = cast<RankedTensorType>((*results)[0].getType());
  if (condType.getNumElements() != 1 || condType.getElementType() != i1)
    return imp.emitError() << "the body's condition must be one i1, got "
                           << condType;
  for (auto [i, init] : llvm::enumerate(inits))
    if ((*results)[i + 1].getType() != init.getType())
      return imp.emitError()
             << "loop-carried value '" << names[i] << "' changes from "
             << init.getType() << " to " << (*results)[i + 1].getType()
             << " between iterations (aic needs static shapes)";
  SmallVector<Value> yields{
      imp.create<arith::AddIOp>(after->getArgument(0),
                                imp.create<arith::ConstantIntOp>(1, 64)),
      extractScalar(imp, (*results)[0])};
  llvm::append_range(yields, ArrayRef<Value>(*results).drop_front());
  imp.create<scf::YieldOp>(yields);
  b.setInsertionPointAfter(loop);
  return SmallVector<Value>(loop.getResults().drop_front(2));
}

namespace {
/// What a Loop's import needs of its node.
struct LoopParts {
  const onnx::GraphProto *body;
  SmallVector<Value> inits;
  SmallVector<std::string> names;
  /// The ONNX element types of the body's inputs.
  SmallVector<int32_t> bodyTypes;
  int numScan;
};
} // namespace

/// The value of `name` at compile time: a constant, a value given for a
/// graph input (whose name is added to `given`), or computed from those by
/// the shape arithmetic foldConstantNode evaluates, in at most `budget`
/// nodes.
static std::optional<ConstTensor>
evaluateAtCompileTime(GraphState &state, StringRef name,
                      SmallVectorImpl<std::string> &given, int &budget) {
  if (const ConstTensor *constant = state.getConstant(name))
    return *constant;
  if (const ConstTensor *value =
          state.getBoundInputValue(name, /*specialize=*/false)) {
    given.push_back(name.str());
    return *value;
  }
  const onnx::NodeProto *producer = state.findProducer(name);
  if (!producer || --budget < 0)
    return std::nullopt;
  std::deque<ConstTensor> storage;
  SmallVector<const ConstTensor *> inputs;
  for (const std::string &input : producer->input()) {
    std::optional<ConstTensor> value =
        input.empty() ? std::nullopt
                      : evaluateAtCompileTime(state, input, given, budget);
    if (!value)
      return std::nullopt;
    storage.push_back(std::move(*value));
    inputs.push_back(&storage.back());
  }
  return evaluateNode(*producer, state, inputs);
}

/// The number of iterations of a Loop whose condition cannot end it early,
/// if known at compile time: from constants, values given for graph inputs
/// and shape arithmetic on them (relying on the given values if
/// `specialize`).
static std::optional<int64_t> getKnownTripCount(NodeImporter &imp,
                                                bool specialize) {
  GraphState &state = imp.getState();
  SmallVector<std::string> given;
  int budget = kMaxEvaluatedNodes;
  auto lookup = [&](int i) -> std::optional<int64_t> {
    std::optional<ConstTensor> tensor =
        evaluateAtCompileTime(state, imp.getNode().input(i), given, budget);
    if (!tensor || tensor->getNumElements() != 1 ||
        !isa<IntegerType>(tensor->type.getElementType()))
      return std::nullopt;
    return getValuesAsInt(*tensor)[0];
  };
  std::optional<int64_t> trip = lookup(0);
  std::optional<int64_t> cond = imp.hasInput(1) ? lookup(1) : 1;
  if (!trip || !cond)
    return std::nullopt;
  if (specialize)
    for (const std::string &name : given)
      state.getBoundInputValue(name, /*specialize=*/true);
  return *cond ? std::max<int64_t>(*trip, 0) : 0;
}

/// A counted Loop as an scf.for.
static FailureOr<SmallVector<Value>> buildCountedLoop(NodeImporter &imp,
                                                      const LoopParts &loop) {
  OpBuilder &b = imp.getBuilder();
  Value count;
  std::optional<int64_t> staticCount;
  if (loop.numScan > 0) {
    // The scan outputs' shapes need the number of iterations.
    staticCount = getKnownTripCount(imp, /*specialize=*/true);
    if (!staticCount) {
      // getConstantInts explains what is missing.
      if (failed(imp.getConstantInts(0, "M")) ||
          (imp.hasInput(1) && failed(imp.getConstantInts(1, "cond"))))
        return failure();
      return imp.emitError() << "'M' and 'cond' must have one element";
    }
    count = imp.create<arith::ConstantIndexOp>(*staticCount);
  } else {
    FailureOr<Value> m = getFlagInput(imp, 0, "M", b.getI64Type());
    if (failed(m))
      return failure();
    Value trip = extractScalar(imp, *m);
    if (imp.hasInput(1)) {
      FailureOr<Value> cond = getFlagInput(imp, 1, "cond", b.getI1Type());
      if (failed(cond))
        return failure();
      trip =
          imp.create<arith::SelectOp>(extractScalar(imp, *cond), trip,
                                      imp.create<arith::ConstantIntOp>(0, 64));
    }
    count = imp.create<arith::IndexCastOp>(b.getIndexType(), trip);
  }

  // The body runs only while the condition is true.
  ConstTensor isTrue =
      makeFlagConstant(imp, b.getI1Type(), 1, loop.body->input(1));
  auto loopBody = [&](Value iv, ValueRange carried,
                      ValueRange) -> FailureOr<SmallVector<Value>> {
    Value iteration = imp.create<arith::IndexCastOp>(b.getI64Type(), iv);
    SmallVector<Value> bodyInputs{
        makeFlagTensor(imp, iteration, loop.body->input(0)), Value()};
    llvm::append_range(bodyInputs, carried);
    FailureOr<SmallVector<Value>> results = importSubgraph(
        imp, *loop.body, bodyInputs, loop.bodyTypes, {nullptr, &isTrue});
    if (failed(results))
      return failure();
    // The condition output is ignored or known true.
    results->erase(results->begin());
    return results;
  };
  SmallVector<ScanAxis> outputAxes(loop.numScan);
  return buildForLoop(imp, count, staticCount, loop.inits, loop.names, {}, {},
                      outputAxes, loopBody);
}

/// A counted Loop of `count` iterations, unrolled: each iteration is the
/// body imported with its iteration number as a constant, so that shapes
/// may depend on it (a Slice at the iteration number) and the carried
/// values may change shape.
static FailureOr<SmallVector<Value>>
unrollLoop(NodeImporter &imp, const LoopParts &loop, int64_t count) {
  OpBuilder &b = imp.getBuilder();
  ConstTensor isTrue =
      makeFlagConstant(imp, b.getI1Type(), 1, loop.body->input(1));
  SmallVector<Value> carried(loop.inits);
  SmallVector<SmallVector<Value>> scans(loop.numScan);
  for (int64_t k = 0; k < count; ++k) {
    ConstTensor iteration =
        makeFlagConstant(imp, b.getI64Type(), k, loop.body->input(0));
    SmallVector<Value> inputs{Value(), Value()};
    llvm::append_range(inputs, carried);
    FailureOr<SmallVector<Value>> results = importSubgraph(
        imp, *loop.body, inputs, loop.bodyTypes, {&iteration, &isTrue});
    if (failed(results))
      return failure();
    for (size_t i = 0; i < carried.size(); ++i)
      carried[i] = (*results)[1 + i];
    for (int j = 0; j < loop.numScan; ++j) {
      Value slice = (*results)[1 + carried.size() + j];
      if (!scans[j].empty() && slice.getType() != scans[j][0].getType())
        return imp.emitError() << "scan output #" << j << " changes from "
                               << scans[j][0].getType() << " to "
                               << slice.getType() << " between iterations";
      scans[j].push_back(slice);
    }
  }
  SmallVector<Value> outputs(carried);
  for (int j = 0; j < loop.numScan; ++j) {
    if (scans[j].empty()) {
      // No iteration: ONNX's inference gives the shape of the empty output.
      FailureOr<RankedTensorType> type = imp.getOutputType(carried.size() + j);
      if (failed(type))
        return failure();
      outputs.push_back(imp.emptyTensor(*type));
      continue;
    }
    auto sliceType = cast<RankedTensorType>(scans[j][0].getType());
    SmallVector<int64_t> shape{count};
    llvm::append_range(shape, sliceType.getShape());
    Value acc = imp.emptyTensor(
        RankedTensorType::get(shape, sliceType.getElementType()));
    for (auto [k, slice] : llvm::enumerate(scans[j])) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      getSliceBounds(b, shape, 0, imp.create<arith::ConstantIndexOp>(k),
                     offsets, sizes, strides);
      acc = imp.create<tensor::InsertSliceOp>(slice, acc, offsets, sizes,
                                              strides);
    }
    outputs.push_back(acc);
  }
  return outputs;
}

/// Erases the ops of `block` after `first` (from its start if null) up to
/// `stop` (its end if null): what a failed import attempt built.
static void eraseBetween(Block *block, Operation *first, Operation *stop) {
  SmallVector<Operation *> ops;
  for (auto it = first ? std::next(first->getIterator()) : block->begin();
       it != block->end() && &*it != stop; ++it)
    ops.push_back(&*it);
  for (Operation *op : llvm::reverse(ops)) {
    op->dropAllUses();
    op->erase();
  }
}

static LogicalResult importLoop(NodeImporter &imp) {
  const onnx::GraphProto *body = getGraphAttr(imp, "body");
  if (!body)
    return failure();
  const onnx::NodeProto &node = imp.getNode();
  int numCarried = node.input_size() - 2;
  int numScan = node.output_size() - numCarried;
  if (numCarried < 0 || numScan < 0)
    return imp.emitError() << "expects M, cond and as many loop-carried "
                              "inputs as outputs at least";
  if (body->input_size() != numCarried + 2 ||
      body->output_size() != numCarried + 1 + numScan)
    return imp.emitError() << "the body has " << body->input_size()
                           << " inputs and " << body->output_size()
                           << " outputs, expected " << numCarried + 2 << " and "
                           << numCarried + 1 + numScan;
  LoopParts loop{body,
                 {},
                 {},
                 {onnx::TensorProto::INT64, onnx::TensorProto::BOOL},
                 numScan};
  for (int i = 2; i < node.input_size(); ++i) {
    FailureOr<Value> init = imp.getInput(i);
    if (failed(init))
      return failure();
    loop.inits.push_back(*init);
    loop.bodyTypes.push_back(imp.getInputElementType(i));
    loop.names.push_back(body->input(i).name());
  }

  // A condition the body keeps (or one the loop ignores, without a `cond`
  // input) cannot end the loop early: an scf.for runs its trip count, or
  // none of it if the initial condition is false.
  bool counted = imp.hasInput(0) &&
                 (!imp.hasInput(1) || keepsCondition(*body, imp.getState()));
  if (!counted) {
    if (!imp.hasInput(0) && !imp.hasInput(1))
      return imp.emitError() << "a Loop without 'M' and 'cond' never ends";
    if (numScan > 0)
      return imp.emitError() << "scan outputs of a Loop whose condition may "
                                "end it early need dynamic shapes";
    FailureOr<SmallVector<Value>> results = buildWhileLoop(
        imp, *body, loop.inits, ArrayRef<int32_t>(loop.bodyTypes).drop_front(2),
        loop.names);
    return failed(results) ? failure() : setOutputs(imp, *results);
  }

  // A body that needs its iteration number as a constant, or that changes
  // the shapes it carries, cannot be one scf.for: with a known, small trip
  // count, the loop is unrolled instead. What the failed attempt built is
  // erased, so constants it reads are materialized before.
  std::optional<int64_t> known = getKnownTripCount(imp, /*specialize=*/false);
  for (int i : {0, 1})
    if (imp.hasInput(i) && failed(imp.getInput(i)))
      return failure();
  if (!known || *known * std::max(1, body->node_size()) > kMaxUnrolledNodes) {
    FailureOr<SmallVector<Value>> results = buildCountedLoop(imp, loop);
    return failed(results) ? failure() : setOutputs(imp, *results);
  }
  OpBuilder &b = imp.getBuilder();
  Block *block = b.getInsertionBlock();
  Block::iterator point = b.getInsertionPoint();
  Operation *last = point == block->begin() ? nullptr : &*std::prev(point);
  Operation *stop = point == block->end() ? nullptr : &*point;
  FailureOr<SmallVector<Value>> results = failure();
  {
    ScopedDiagnosticHandler quiet(imp.getContext(),
                                  [](Diagnostic &) { return success(); });
    results = buildCountedLoop(imp, loop);
  }
  if (succeeded(results))
    return setOutputs(imp, *results);
  eraseBetween(block, last, stop);
  b.setInsertionPoint(block, stop ? stop->getIterator() : block->end());
  results = unrollLoop(imp, loop, *getKnownTripCount(imp, /*specialize=*/true));
  return failed(results) ? failure() : setOutputs(imp, *results);
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
    return failed(results) ? failure() : setOutputs(imp, *results);
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
  for (auto [input, at] : llvm::zip(inputs, *inputAxes))
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
  return failed(results) ? failure() : setOutputs(imp, *results);
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getControlFlowRules() {
  using DT = onnx::TensorProto;
  static const OpRuleInfo rules[] = {
      {"If", importIf, 1, types::kBool},
      {"Loop", importLoop, 1, typeBit(DT::INT64)},
      {"Scan", importScan, 8, types::kTensor},
  };
  return rules;
}
