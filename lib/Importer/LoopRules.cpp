//===- LoopRules.cpp - ONNX Loop as scf.for, scf.while or unrolled --------===//
//
// A Loop runs its body while the trip count M lasts and the condition the
// body computes holds. When the condition cannot end it early (the body
// keeps it, or there is no condition input) it is an scf.for of M
// iterations (none if the initial condition is false), whose scan outputs
// need M at compile time; otherwise an scf.while. A body that needs its
// iteration number as a constant (a Slice at it) or changes the shapes it
// carries is unrolled instead, when M is known and small.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"
#include "ControlFlow.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace aic::importer;

/// The largest Loop unrolled, in body nodes times iterations.
static constexpr int64_t kMaxUnrolledNodes = 4096;

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
               ArrayRef<std::string> names,
               SmallVectorImpl<RankedTensorType> *widened) {
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
  if (!condType.hasStaticShape() || condType.getNumElements() != 1 ||
      condType.getElementType() != i1)
    return imp.emitError() << "the body's condition must be one i1, got "
                           << condType;
  if (failed(matchCarriedTypes(
          imp, inits.getTypes(),
          MutableArrayRef<Value>(*results).drop_front().take_front(
              inits.size()),
          names, widened)))
    return failure();
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
  /// Null where the carried value is a sequence or optional (`composites`).
  SmallVector<Value> inits;
  SmallVector<std::optional<CompositeValue>> composites;
  SmallVector<std::string> names;
  /// The ONNX element types of the body's inputs.
  SmallVector<int32_t> bodyTypes;
  int numScan;
};
} // namespace

/// The number of iterations of a Loop whose condition cannot end it early,
/// if known at compile time: from constants, values given for graph inputs
/// and shape arithmetic on them (relying on the given values if
/// `specialize`).
static std::optional<int64_t> getKnownTripCount(NodeImporter &imp,
                                                bool specialize) {
  GraphState &state = imp.getState();
  SmallVector<std::string> given;
  auto lookup = [&](int i) -> std::optional<int64_t> {
    std::optional<ConstTensor> tensor =
        evaluateAtCompileTime(state, imp.getNode().input(i), given);
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
static FailureOr<SmallVector<Value>>
buildCountedLoop(NodeImporter &imp, const LoopParts &loop,
                 SmallVectorImpl<RankedTensorType> *widened) {
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
                      outputAxes, loopBody, widened);
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
  SmallVector<SubgraphValue> carried;
  for (auto [init, composite] : llvm::zip(loop.inits, loop.composites))
    carried.push_back({init, composite});
  SmallVector<SmallVector<Value>> scans(loop.numScan);
  for (int64_t k = 0; k < count; ++k) {
    ConstTensor iteration =
        makeFlagConstant(imp, b.getI64Type(), k, loop.body->input(0));
    SmallVector<SubgraphValue> inputs(2);
    llvm::append_range(inputs, carried);
    FailureOr<SmallVector<SubgraphValue>> results = importSubgraphValues(
        imp, *loop.body, inputs, loop.bodyTypes, {&iteration, &isTrue});
    if (failed(results))
      return failure();
    for (size_t i = 0; i < carried.size(); ++i)
      carried[i] = (*results)[1 + i];
    for (int j = 0; j < loop.numScan; ++j) {
      const SubgraphValue &output = (*results)[1 + carried.size() + j];
      if (output.composite)
        return imp.emitError()
               << "scan output #" << j << " is " << output.composite->describe()
               << ", which is not supported";
      Value slice = output.tensor;
      if (!cast<RankedTensorType>(slice.getType()).hasStaticShape())
        return imp.emitError()
               << "scan output #" << j << " has the shape "
               << formatShape(
                      cast<RankedTensorType>(slice.getType()).getShape())
               << ", known only at run time, which is not supported yet";
      if (!scans[j].empty() && slice.getType() != scans[j][0].getType())
        return imp.emitError() << "scan output #" << j << " changes from "
                               << scans[j][0].getType() << " to "
                               << slice.getType() << " between iterations";
      scans[j].push_back(slice);
    }
  }
  // Carried sequences and optionals are set here; their place in the
  // returned values is null.
  SmallVector<Value> outputs;
  for (auto [i, value] : llvm::enumerate(carried)) {
    outputs.push_back(value.tensor);
    if (value.composite)
      imp.setCompositeOutput(i, *value.composite);
  }
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

/// Builds a loop with `build`, carrying its values at types that hold
/// every iteration's: where the body changes a carried value's shape (a
/// result that grows by a row per iteration), the loop is built again
/// carrying it with the dims that change known only at run time.
static FailureOr<SmallVector<Value>>
buildWidening(NodeImporter &imp, const LoopParts &loop,
              llvm::function_ref<FailureOr<SmallVector<Value>>(
                  const LoopParts &, SmallVectorImpl<RankedTensorType> *)>
                  build) {
  SmallVector<Type> types;
  for (Value init : loop.inits)
    types.push_back(init ? init.getType() : Type());
  auto withTypes = [&] {
    LoopParts tried = loop;
    for (auto [init, type] : llvm::zip(tried.inits, types))
      if (init && init.getType() != type)
        init = imp.create<tensor::CastOp>(type, init);
    return tried;
  };
  // Each round makes a dim dynamic, so the rounds are bounded.
  for (int round = 0; round < 16; ++round) {
    SmallVector<RankedTensorType> widened;
    ImportAttempt attempt(imp, /*quiet=*/true);
    FailureOr<SmallVector<Value>> results = build(withTypes(), &widened);
    if (succeeded(results)) {
      attempt.keep();
      return results;
    }
    attempt.rollBack();
    if (widened.empty())
      break;
    for (auto [type, wider] : llvm::zip(types, widened))
      if (wider)
        type = wider;
  }
  // Once more, reporting why it fails.
  return build(withTypes(), nullptr);
}

LogicalResult aic::importer::importLoop(NodeImporter &imp) {
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
  LoopParts loop{
      body,   {}, {}, {}, {onnx::TensorProto::INT64, onnx::TensorProto::BOOL},
      numScan};
  bool carriesComposites = false;
  for (int i = 2; i < node.input_size(); ++i) {
    if (const CompositeValue *composite =
            imp.hasInput(i) ? imp.getState().getComposite(node.input(i))
                            : nullptr) {
      loop.inits.push_back(Value());
      loop.composites.push_back(*composite);
      carriesComposites = true;
    } else {
      FailureOr<Value> init = imp.getInput(i);
      if (failed(init))
        return failure();
      loop.inits.push_back(*init);
      loop.composites.push_back(std::nullopt);
    }
    loop.bodyTypes.push_back(imp.getInputElementType(i));
    loop.names.push_back(body->input(i).name());
  }

  // A condition the body keeps (or one the loop ignores, without a `cond`
  // input) cannot end the loop early: an scf.for runs its trip count, or
  // none of it if the initial condition is false.
  bool counted = imp.hasInput(0) &&
                 (!imp.hasInput(1) || keepsCondition(*body, imp.getState()));
  // A carried sequence or optional (whose length or presence may change
  // from one iteration to the next) needs the loop unrolled.
  std::optional<int64_t> known = getKnownTripCount(imp, /*specialize=*/false);
  if (carriesComposites) {
    if (!counted || !known ||
        *known > kMaxUnrolledNodes / std::max(1, body->node_size()))
      return imp.emitError()
             << "a loop-carried sequence or optional needs a Loop unrolled "
                "at compile time: a known, small trip count and a condition "
                "the body keeps";
    FailureOr<SmallVector<Value>> results =
        unrollLoop(imp, loop, *getKnownTripCount(imp, /*specialize=*/true));
    return failed(results) ? failure() : setControlFlowOutputs(imp, *results);
  }
  // Attempts that fail are erased (buildWidening, and unrolling below), so
  // the constants they read are materialized before.
  for (int i : {0, 1})
    if (imp.hasInput(i) && failed(imp.getInput(i)))
      return failure();
  if (!counted) {
    if (!imp.hasInput(0) && !imp.hasInput(1))
      return imp.emitError() << "a Loop without 'M' and 'cond' never ends";
    if (numScan > 0)
      return imp.emitError() << "scan outputs of a Loop whose condition may "
                                "end it early need dynamic shapes";
    FailureOr<SmallVector<Value>> results =
        buildWidening(imp, loop,
                      [&](const LoopParts &tried,
                          SmallVectorImpl<RankedTensorType> *widened) {
                        return buildWhileLoop(
                            imp, *body, tried.inits,
                            ArrayRef<int32_t>(tried.bodyTypes).drop_front(2),
                            tried.names, widened);
                      });
    return failed(results) ? failure() : setControlFlowOutputs(imp, *results);
  }

  // A body that needs its iteration number as a constant, or that changes
  // the shapes it carries, cannot be one scf.for: with a known, small trip
  // count, the loop is unrolled instead.
  if (!known || *known > kMaxUnrolledNodes / std::max(1, body->node_size())) {
    FailureOr<SmallVector<Value>> results =
        buildWidening(imp, loop, [&](const LoopParts &tried, auto *widened) {
          return buildCountedLoop(imp, tried, widened);
        });
    return failed(results) ? failure() : setControlFlowOutputs(imp, *results);
  }
  ImportAttempt attempt(imp, /*quiet=*/true);
  FailureOr<SmallVector<Value>> results = buildCountedLoop(imp, loop, nullptr);
  if (succeeded(results)) {
    attempt.keep();
    return setControlFlowOutputs(imp, *results);
  }
  attempt.rollBack();
  results = unrollLoop(imp, loop, *getKnownTripCount(imp, /*specialize=*/true));
  return failed(results) ? failure() : setControlFlowOutputs(imp, *results);
}
