//===- OpRules.cpp - Per-operator import rules ----------------------------===//
//
// One function per ONNX operator (or family), found through a table keyed by
// op type. Each rule reads the node's inputs and attributes with the
// semantics of the model's opset and builds ops whose result types are the
// ones ONNX shape inference gave the node's outputs: aic ops for what a
// library primitive executes, upstream dialects for the rest. This file has
// softmax, Transpose, Concat, constants and matrix products, and the rule
// table; reshapes are in ReshapeRules.cpp, convolution, pooling and
// normalization in NNRules.cpp, the other families in *Rules.cpp beside it.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"
#include "passes/PassDetail.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSwitch.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

/// Softmax, or LogSoftmax when `log` is set.
static LogicalResult importSoftmaxLike(NodeImporter &imp, bool log) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  int64_t rank = type.getRank();
  if (rank == 0)
    return imp.emitError() << "softmax of a scalar is not supported";
  bool coerce2D = imp.getOpset() < 13;
  FailureOr<int64_t> axis =
      normalizeAxis(imp, imp.getIntAttr("axis", coerce2D ? 1 : -1), rank);
  if (failed(axis))
    return failure();
  if (!isa<FloatType>(type.getElementType()))
    return imp.emitError() << "expects a float input";
  if (!type.hasStaticShape() &&
      (!type.getElementType().isF32() || (coerce2D && *axis != rank - 1)))
    return imp.emitError() << "a run-time dim is supported only in the "
                              "float32 softmax along the last axis (fix the "
                              "model's symbolic dims with --input-shape)";
  // Before opset 13 the input is flattened to [prod(d<axis), prod(d>=axis)]
  // and normalized along dim 1; that equals a single-axis softmax only when
  // the axis is the last one.
  if (!coerce2D || *axis == rank - 1) {
    imp.setOutput(0, buildSoftmax(imp, *input, *axis, log));
    return success();
  }
  ArrayRef<int64_t> shape = type.getShape();
  int64_t outer = std::accumulate(shape.begin(), shape.begin() + *axis,
                                  int64_t(1), std::multiplies<int64_t>());
  int64_t inner = std::accumulate(shape.begin() + *axis, shape.end(),
                                  int64_t(1), std::multiplies<int64_t>());
  Value flat = imp.reshapeTo(*input, {outer, inner});
  Value softmax = buildSoftmax(imp, flat, 1, log);
  imp.setOutput(0, imp.reshapeTo(softmax, shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

static LogicalResult importTranspose(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  int64_t rank = inType.getRank();
  SmallVector<int64_t> perm = imp.getIntsAttr("perm");
  if (!imp.getAttr("perm")) {
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  }
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (sorted != llvm::to_vector(llvm::seq<int64_t>(0, rank)))
    return imp.emitError() << "perm " << formatShape(perm)
                           << " is not a permutation of the dims of rank "
                           << rank;
  // Dims known only at run time (after NonZero, ...) move with the others.
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  for (int64_t from : perm) {
    shape.push_back(inType.getDimSize(from));
    sizes.push_back(
        tensor::getMixedSize(imp.getBuilder(), imp.getLoc(), *input, from));
  }
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, inType.getElementType()));
  if (failed(type))
    return failure();
  Value init = imp.create<tensor::EmptyOp>(sizes, type->getElementType());
  imp.setOutput(
      0,
      imp.create<linalg::TransposeOp>(*input, init, perm).getResult().front());
  return success();
}

/// The destination of a concat of `inputs` along `axis` into `type`: its
/// run-time dims read from the first input, along the axis the sum of the
/// inputs' sizes.
static Value emptyConcat(NodeImporter &imp, RankedTensorType type,
                         ValueRange inputs, int64_t axis) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    if (d != axis) {
      sizes.push_back(imp.create<tensor::DimOp>(inputs.front(), d));
      continue;
    }
    Value sum = imp.create<arith::ConstantIndexOp>(0);
    for (Value input : inputs)
      sum = imp.create<arith::AddIOp>(sum,
                                      imp.create<tensor::DimOp>(input, axis));
    sizes.push_back(sum);
  }
  return imp.emptyTensor(type, sizes);
}

static LogicalResult importConcat(NodeImporter &imp) {
  SmallVector<Value> inputs;
  for (int i = 0; i < imp.getNumInputs(); ++i) {
    FailureOr<Value> input = imp.getInput(i);
    if (failed(input))
      return failure();
    inputs.push_back(*input);
  }
  if (inputs.empty())
    return imp.emitError() << "expects at least one input";
  // 'axis' defaults to 1 before opset 4 (where ONNX infers no output type).
  if (!imp.getAttr("axis") && imp.getOpset() >= 4)
    return imp.emitError() << "missing 'axis' attribute";
  auto firstType = cast<RankedTensorType>(inputs.front().getType());
  FailureOr<int64_t> axis =
      normalizeAxis(imp, imp.getIntAttr("axis", 1), firstType.getRank());
  if (failed(axis))
    return failure();
  // Run-time dims (a symbolic batch or sequence): the runtime concatenates
  // per shape. A dim off the axis is static where any input's is (the
  // others are checked against it at run time and cast), else the run-time
  // dims must be one symbol or are checked equal at run time.
  int64_t rank = firstType.getRank();
  SmallVector<int64_t> shape(rank, ShapedType::kDynamic);
  for (Value input : inputs) {
    auto inType = cast<RankedTensorType>(input.getType());
    ArrayRef<int64_t> inShape = inType.getShape();
    for (int64_t d = 0; d < rank; ++d) {
      bool mismatch =
          inType.getRank() != rank ||
          (d != *axis && !inType.isDynamicDim(d) &&
           !ShapedType::isDynamic(shape[d]) && inShape[d] != shape[d]);
      if (mismatch)
        return imp.emitError()
               << "inputs of shapes " << formatShape(firstType.getShape())
               << " and " << formatShape(inShape)
               << " do not concatenate along axis " << *axis;
      if (d != *axis && !inType.isDynamicDim(d))
        shape[d] = inShape[d];
    }
  }
  shape[*axis] = 0;
  // Per dim, the first input with it known only at run time.
  SmallVector<std::optional<size_t>> firstDynamic(rank);
  for (auto [i, input] : llvm::enumerate(inputs)) {
    auto inType = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> refined(inType.getShape());
    for (int64_t d = 0; d < rank; ++d) {
      if (!inType.isDynamicDim(d) || d == *axis)
        continue;
      if (!ShapedType::isDynamic(shape[d])) {
        // Another input has this dim static.
        Value size = imp.create<tensor::DimOp>(input, d);
        Value expected = imp.create<arith::ConstantIndexOp>(shape[d]);
        buildRuntimeCheck(
            imp,
            imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, size, expected),
            "dim " + std::to_string(d) + " of input " + std::to_string(i) +
                " is not " + std::to_string(shape[d]) +
                ", the other inputs', at run time");
        refined[d] = shape[d];
        continue;
      }
      if (!firstDynamic[d]) {
        firstDynamic[d] = i;
        continue;
      }
      size_t j = *firstDynamic[d];
      std::string first = getDimSymbol(imp, inputs[j], d, j),
                  other = getDimSymbol(imp, input, d, i);
      if (first.empty() || first != other) {
        Value firstSize = imp.create<tensor::DimOp>(inputs[j], d);
        Value size = imp.create<tensor::DimOp>(input, d);
        buildRuntimeCheck(imp,
                          imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq,
                                                    firstSize, size),
                          "dim " + std::to_string(d) + " of inputs " +
                              std::to_string(j) + " and " + std::to_string(i) +
                              " ('" + first + "', '" + other +
                              "') differ at run time");
      }
    }
    if (refined != inType.getShape())
      inputs[i] = imp.create<tensor::CastOp>(
          RankedTensorType::get(refined, inType.getElementType()), input);
    shape[*axis] =
        ShapedType::isDynamic(shape[*axis]) || inType.isDynamicDim(*axis)
            ? ShapedType::kDynamic
            : shape[*axis] + inType.getDimSize(*axis);
  }
  FailureOr<RankedTensorType> type = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, firstType.getElementType()));
  if (failed(type))
    return failure();
  // Strings are no oneDNN data type: insert each input into the result.
  if (isa<StringType>(type->getElementType())) {
    if (!type->hasStaticShape())
      return imp.emitError()
             << "strings of run-time shape " << formatShape(type->getShape())
             << " do not concatenate yet";
    Value result = imp.emptyTensor(*type);
    SmallVector<int64_t> offsets(type->getRank(), 0);
    for (Value input : inputs) {
      auto inType = cast<RankedTensorType>(input.getType());
      MLIRContext *ctx = imp.getContext();
      result = imp.create<tensor::InsertSliceOp>(
          input, result, getAsIndexOpFoldResult(ctx, offsets),
          getAsIndexOpFoldResult(ctx, inType.getShape()),
          getAsIndexOpFoldResult(ctx,
                                 SmallVector<int64_t>(type->getRank(), 1)));
      offsets[*axis] += inType.getDimSize(*axis);
    }
    imp.setOutput(0, result);
    return success();
  }
  imp.setOutput(0, imp.create<ConcatOp>(
                       *type, inputs, emptyConcat(imp, *type, inputs, *axis),
                       imp.getBuilder().getI64IntegerAttr(*axis)));
  return success();
}

/// Constant nodes are registered as constants, so rules that need their
/// values (Clip bounds, Gemm's C, ...) can read them, and materialized on
/// first use at the node's location.
static LogicalResult importConstant(NodeImporter &imp) {
  const onnx::NodeProto &node = imp.getNode();
  if (node.attribute_size() != 1)
    return imp.emitError() << "expects exactly one value attribute";
  const onnx::AttributeProto &attr = node.attribute(0);
  MLIRContext *ctx = imp.getContext();
  Builder b(ctx);
  ConstTensor tensor;
  StringRef name = attr.name();
  if (name == "value") {
    std::string why;
    FailureOr<ConstTensor> decoded =
        decodeTensor(attr.t(), imp.getState().getModelDir(), ctx, why);
    if (failed(decoded))
      return imp.emitError() << "'value' tensor: " << why;
    tensor = std::move(*decoded);
  } else if (name == "value_float" || name == "value_floats") {
    SmallVector<double> values;
    SmallVector<int64_t> shape;
    if (name == "value_float") {
      values.push_back(attr.f());
    } else {
      values.append(attr.floats().begin(), attr.floats().end());
      shape.push_back(values.size());
    }
    tensor =
        makeFloatTensor(RankedTensorType::get(shape, b.getF32Type()), values);
  } else if (name == "value_int" || name == "value_ints") {
    SmallVector<int64_t> values, shape;
    if (name == "value_int") {
      values.push_back(attr.i());
    } else {
      values.append(attr.ints().begin(), attr.ints().end());
      shape.push_back(values.size());
    }
    tensor.type = RankedTensorType::get(shape, b.getI64Type());
    tensor.data.resize(values.size() * sizeof(int64_t));
    // Empty value_ints leave no data pointer.
    if (!values.empty())
      std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
  } else if (name == "value_string" || name == "value_strings") {
    SmallVector<int64_t> shape;
    if (name == "value_string") {
      tensor.strings.push_back(attr.s());
    } else {
      tensor.strings.assign(attr.strings().begin(), attr.strings().end());
      shape.push_back(tensor.strings.size());
    }
    tensor.type = RankedTensorType::get(shape, StringType::get(ctx));
  } else if (name == "sparse_value") {
    return imp.emitError() << "sparse constants are not supported";
  } else {
    return imp.emitError() << "'" << name << "' constants are not supported";
  }
  imp.getState().addConstant(node.output(0), std::move(tensor), imp.getLoc());
  return success();
}

static LogicalResult importIdentity(NodeImporter &imp) {
  // Sequences and optionals are forwarded as well (Identity-14, -16).
  if (imp.hasInput(0))
    if (const CompositeValue *composite =
            imp.getState().getComposite(imp.getNode().input(0))) {
      imp.setCompositeOutput(0, *composite);
      return success();
    }
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  imp.setOutput(0, *input);
  return success();
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

/// MatMul with run-time dims (of operands of rank 2 or more): the primitive
/// takes them per shape. Dims the product pairs up (the contracted ones,
/// and batch dims neither operand broadcasts) are static and equal, or
/// run-time with one symbol, or else checked equal at run time (a
/// concatenation's length, for one, has a symbol of its own); a static dim
/// paired with a run-time one becomes the operand's static size.
static LogicalResult importRuntimeMatMul(NodeImporter &imp, Value lhs,
                                         Value rhs, RankedTensorType type) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t lhsRank = lhsType.getRank(), rhsRank = rhsType.getRank();
  auto unsupported =
      [&](StringRef why) {
        return imp.emitError()
               << "MatMul of shapes " << formatShape(lhsType.getShape())
               << " and " << formatShape(rhsType.getShape()) << ": " << why
               << " (fix the model's symbolic dims with --input-shape)";
      };
  if (lhsRank < 2 || rhsRank < 2)
    return unsupported("a 1-D operand with run-time dims is not supported yet");
  // Whether dim `da` of lhs and `db` of rhs are equal: true if known to be,
  // false if static and different, null if only a run can tell.
  auto pairs = [&](int64_t da, int64_t db) -> std::optional<bool> {
    bool dynA = lhsType.isDynamicDim(da), dynB = rhsType.isDynamicDim(db);
    if (!dynA && !dynB)
      return lhsType.getDimSize(da) == rhsType.getDimSize(db);
    if (dynA != dynB)
      return std::nullopt;
    std::string a = getDimSymbol(imp, lhs, da, 0);
    if (!a.empty() && a == getDimSymbol(imp, rhs, db, 1))
      return true;
    return std::nullopt;
  };
  // Dims `da` of lhs and `db` of rhs that must be equal, checked at run
  // time where they are not known to be.
  auto requireEqual = [&](int64_t da, int64_t db,
                          StringRef what) -> LogicalResult {
    std::optional<bool> known = pairs(da, db);
    if (known == true)
      return success();
    if (known == false)
      return unsupported(what.str() + " differ");
    auto describe = [&](Value v, int64_t d, int input) {
      auto type = cast<RankedTensorType>(v.getType());
      if (!type.isDynamicDim(d))
        return std::to_string(type.getDimSize(d));
      std::string symbol = getDimSymbol(imp, v, d, input);
      return symbol.empty() ? std::string("a size computed at run time")
                            : "'" + symbol + "'";
    };
    // One statement per op: argument evaluation order is unspecified.
    Value lhsDim = imp.create<tensor::DimOp>(lhs, da);
    Value rhsDim = imp.create<tensor::DimOp>(rhs, db);
    buildRuntimeCheck(
        imp,
        imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, lhsDim, rhsDim),
        what.str() + " (dim " + std::to_string(da) + " of A, " +
            describe(lhs, da, 0) + ", and dim " + std::to_string(db) +
            " of B, " + describe(rhs, db, 1) +
            ") differ at run time; they must be equal");
    return success();
  };
  if (failed(requireEqual(lhsRank - 1, rhsRank - 2, "the contracted dims")))
    return failure();
  // Batch dims, aligned from the end; the result's come from the operand
  // that does not broadcast.
  int64_t batchRank = std::max(lhsRank, rhsRank) - 2;
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < batchRank; ++i) {
    int64_t da = lhsRank - 2 - batchRank + i, db = rhsRank - 2 - batchRank + i;
    int64_t a = da >= 0 ? lhsType.getDimSize(da) : 1;
    int64_t b = db >= 0 ? rhsType.getDimSize(db) : 1;
    if (a == 1 || b == 1 || (da >= 0 && db >= 0 && pairs(da, db) == true)) {
      bool fromLhs = b == 1 || (a != 1 && da >= 0);
      shape.push_back(fromLhs ? a : b);
      if (ShapedType::isDynamic(shape.back()))
        sizes.push_back(fromLhs ? imp.create<tensor::DimOp>(lhs, da)
                                : imp.create<tensor::DimOp>(rhs, db));
      continue;
    }
    // Neither is a static 1: equal, or a run fails (aic does not broadcast
    // a run-time dim of 1 yet).
    if (failed(requireEqual(da, db,
                            "batch dims (aic does not broadcast a run-time "
                            "dim of 1 yet)")))
      return failure();
    shape.push_back(ShapedType::isDynamic(a) ? b : a);
    if (ShapedType::isDynamic(shape.back()))
      sizes.push_back(imp.create<tensor::DimOp>(lhs, da));
  }
  // A run-time dim paired with a static one is that size (checked above).
  auto refine = [&](Value v, ArrayRef<std::pair<int64_t, int64_t>> dims) {
    auto vType = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> refined(vType.getShape());
    for (auto [d, size] : dims)
      if (vType.isDynamicDim(d) && !ShapedType::isDynamic(size))
        refined[d] = size;
    if (refined == vType.getShape())
      return v;
    return Value(imp.create<tensor::CastOp>(vType.clone(refined), v));
  };
  SmallVector<std::pair<int64_t, int64_t>> lhsDims, rhsDims;
  lhsDims.push_back({lhsRank - 1, rhsType.getDimSize(rhsRank - 2)});
  rhsDims.push_back({rhsRank - 2, lhsType.getDimSize(lhsRank - 1)});
  for (int64_t i = 0; i < batchRank; ++i) {
    int64_t da = lhsRank - 2 - batchRank + i, db = rhsRank - 2 - batchRank + i;
    if (da < 0 || db < 0 || lhsType.getDimSize(da) == 1 ||
        rhsType.getDimSize(db) == 1)
      continue;
    lhsDims.push_back({da, rhsType.getDimSize(db)});
    rhsDims.push_back({db, lhsType.getDimSize(da)});
  }
  lhs = refine(lhs, lhsDims);
  rhs = refine(rhs, rhsDims);
  shape.push_back(lhsType.getDimSize(lhsRank - 2));
  if (lhsType.isDynamicDim(lhsRank - 2))
    sizes.push_back(imp.create<tensor::DimOp>(lhs, lhsRank - 2));
  shape.push_back(rhsType.getDimSize(rhsRank - 1));
  if (rhsType.isDynamicDim(rhsRank - 1))
    sizes.push_back(imp.create<tensor::DimOp>(rhs, rhsRank - 1));
  auto matmulType = RankedTensorType::get(shape, type.getElementType());
  if (failed(verifyCompatibleShape(matmulType.getShape(), type.getShape())))
    return unsupported("the result does not have the shape ONNX inferred, " +
                       formatShape(type.getShape()));
  imp.setOutput(0, imp.create<MatmulOp>(matmulType, lhs, rhs, Value(),
                                        ValueRange{},
                                        imp.emptyTensor(matmulType, sizes),
                                        UnitAttr(), UnitAttr(), FloatAttr())
                       .getOutput());
  return success();
}

static LogicalResult importMatMul(NodeImporter &imp) {
  FailureOr<Value> lhs = imp.getInput(0), rhs = imp.getInput(1);
  FailureOr<RankedTensorType> type = imp.getOutputType(0);
  if (failed(lhs) || failed(rhs) || failed(type))
    return failure();
  // numpy.matmul: a 1-D lhs gets a leading 1, a 1-D rhs a trailing 1, and
  // those dims are dropped from the result (restored by the final reshape).
  auto lhsType = cast<RankedTensorType>(lhs->getType());
  auto rhsType = cast<RankedTensorType>(rhs->getType());
  if (lhsType.getRank() == 0 || rhsType.getRank() == 0)
    return imp.emitError() << "scalar operands are not supported";
  if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape())
    return importRuntimeMatMul(imp, *lhs, *rhs, *type);
  Value a = *lhs, b = *rhs;
  if (lhsType.getRank() == 1)
    a = imp.reshapeTo(a, {1, lhsType.getDimSize(0)});
  if (rhsType.getRank() == 1)
    b = imp.reshapeTo(b, {rhsType.getDimSize(0), 1});
  ArrayRef<int64_t> aShape = cast<RankedTensorType>(a.getType()).getShape();
  ArrayRef<int64_t> bShape = cast<RankedTensorType>(b.getType()).getShape();
  FailureOr<SmallVector<int64_t>> batch =
      broadcastShapes(aShape.drop_back(2), bShape.drop_back(2));
  if (failed(batch))
    return imp.emitError() << "batch dimensions do not broadcast";
  SmallVector<int64_t> shape(*batch);
  shape.append({aShape[aShape.size() - 2], bShape.back()});
  auto matmulType = RankedTensorType::get(shape, type->getElementType());
  Value result = imp.create<MatmulOp>(matmulType, a, b, /*bias=*/Value(),
                                      ValueRange{}, imp.emptyTensor(matmulType),
                                      UnitAttr(), UnitAttr(), FloatAttr())
                     .getOutput();
  imp.setOutput(0, imp.reshapeTo(result, type->getShape()));
  return success();
}

/// Before opset 7, C broadcasts to [M, N] only with broadcast=1 (ONNX
/// infers no output type before opset 6).
static FailureOr<RankedTensorType> checkLegacyGemm(NodeImporter &imp, Value lhs,
                                                   Value rhs) {
  auto aType = cast<RankedTensorType>(lhs.getType());
  auto bType = cast<RankedTensorType>(rhs.getType());
  if (aType.getRank() != 2 || bType.getRank() != 2) {
    imp.emitError() << "expects 2-D A and B";
    return failure();
  }
  int64_t m = aType.getDimSize(imp.getIntAttr("transA", 0) ? 1 : 0);
  int64_t n = bType.getDimSize(imp.getIntAttr("transB", 0) ? 0 : 1);
  int64_t shapeDims[] = {m, n};
  ArrayRef<int64_t> shape(shapeDims);
  if (imp.hasInput(2)) {
    RankedTensorType cType = imp.getInputType(2);
    if (!cType)
      return failure();
    ArrayRef<int64_t> c = cType.getShape();
    FailureOr<SmallVector<int64_t>> broadcast = broadcastShapes(shape, c);
    if (imp.getIntAttr("broadcast", 0)
            ? failed(broadcast) || ArrayRef<int64_t>(*broadcast) != shape
            : c != shape) {
      imp.emitError() << "C of shape " << formatShape(c)
                      << " does not match the result " << formatShape(shape)
                      << (imp.getIntAttr("broadcast", 0)
                              ? ""
                              : " and broadcast is not set");
      return failure();
    }
  }
  return imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, aType.getElementType()));
}

static LogicalResult importGemm(NodeImporter &imp) {
  FailureOr<Value> lhs = imp.getInput(0), rhs = imp.getInput(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<RankedTensorType> type = imp.getOpset() < 7
                                         ? checkLegacyGemm(imp, *lhs, *rhs)
                                         : imp.getOutputType(0);
  if (failed(type))
    return failure();
  // ONNX's inference checks neither the contraction size nor C.
  auto aType = cast<RankedTensorType>(lhs->getType());
  auto bType = cast<RankedTensorType>(rhs->getType());
  if (aType.getRank() != 2 || bType.getRank() != 2 || type->getRank() != 2)
    return imp.emitError() << "expects 2-D A, B and Y";
  bool transposeA = imp.getIntAttr("transA", 0),
       transposeB = imp.getIntAttr("transB", 0);
  int64_t m = aType.getDimSize(transposeA ? 1 : 0);
  int64_t kA = aType.getDimSize(transposeA ? 0 : 1);
  int64_t kB = bType.getDimSize(transposeB ? 1 : 0);
  int64_t n = bType.getDimSize(transposeB ? 0 : 1);
  // Run-time dims: M and N come from A and B (the primitive takes them per
  // shape). K must be known on one side: the other's is checked per run
  // (a Flatten of an image of run-time size before a classifier's weights).
  if (!aType.hasStaticShape() || !bType.hasStaticShape()) {
    if ((ShapedType::isDynamic(kA) && ShapedType::isDynamic(kB)) ||
        (imp.hasInput(2) && !imp.getInputType(2).hasStaticShape()))
      return imp.emitError()
             << "A " << formatShape(aType.getShape()) << " x B "
             << formatShape(bType.getShape()) << (imp.hasInput(2) ? " + C" : "")
             << ": run-time dims are supported in M and N, and in K on one "
                "side only (fix the model's symbolic dims with "
                "--input-shape)";
    if (ShapedType::isDynamic(kA) || ShapedType::isDynamic(kB)) {
      bool onA = ShapedType::isDynamic(kA);
      Value &operand = onA ? *lhs : *rhs;
      int64_t dim = onA ? (transposeA ? 0 : 1) : (transposeB ? 1 : 0);
      int64_t k = onA ? kB : kA;
      Value got = imp.create<tensor::DimOp>(operand, dim);
      Value want = imp.create<arith::ConstantIndexOp>(k);
      buildRuntimeCheck(
          imp, imp.create<arith::CmpIOp>(arith::CmpIPredicate::eq, got, want),
          std::string("dim ") + std::to_string(dim) + " of " +
              (onA ? "A" : "B") + " is not " + std::to_string(k) +
              ", the contracted size of " + (onA ? "B" : "A") +
              ", at run time");
      auto operandType = cast<RankedTensorType>(operand.getType());
      SmallVector<int64_t> shape(operandType.getShape());
      shape[dim] = k;
      operand = imp.create<tensor::CastOp>(
          RankedTensorType::get(shape, operandType.getElementType()), operand);
      kA = kB = k;
    }
    type = RankedTensorType::get({m, n}, type->getElementType());
  }
  if (kA != kB || type->getDimSize(0) != m || type->getDimSize(1) != n)
    return imp.emitError() << "A " << formatShape(aType.getShape())
                           << (transposeA ? "^T" : "") << " x B "
                           << formatShape(bType.getShape())
                           << (transposeB ? "^T" : "") << " does not give Y "
                           << formatShape(type->getShape());
  if (imp.hasInput(2)) {
    RankedTensorType cType = imp.getInputType(2);
    if (!cType)
      return failure();
    FailureOr<SmallVector<int64_t>> broadcast =
        broadcastShapes(type->getShape(), cType.getShape());
    if (failed(broadcast) || ArrayRef<int64_t>(*broadcast) != type->getShape())
      return imp.emitError() << "C of shape " << formatShape(cType.getShape())
                             << " does not broadcast to the result "
                             << formatShape(type->getShape());
  }
  Builder &b = imp.getBuilder();
  double alpha = imp.getFloatAttr("alpha", 1.0f);
  double beta = imp.getFloatAttr("beta", 1.0f);
  Type elementType = type->getElementType();

  Value bias;
  if (imp.hasInput(2) && beta != 0.0) {
    if (beta == 1.0) {
      FailureOr<Value> c = imp.getInput(2);
      if (failed(c))
        return failure();
      bias = *c;
    } else if (!isa<FloatType>(elementType)) {
      return imp.emitError() << "beta != 1 with integer operands is not "
                                "supported";
    } else if (const ConstTensor *c = imp.getConstantInput(2)) {
      // Fold beta into the constant so the matmul keeps a plain bias.
      std::vector<double> values = getValuesAsDouble(*c);
      for (double &v : values)
        v *= beta;
      bias = imp.createConstant(makeFloatTensor(c->type, values),
                                imp.getNode().input(2) + ".scaled");
    } else {
      FailureOr<Value> cValue = imp.getInput(2);
      if (failed(cValue))
        return failure();
      auto scalarType = RankedTensorType::get({}, elementType);
      Value betaConst =
          imp.createConstant(makeFloatTensor(scalarType, {beta}), "beta");
      auto cType = cast<RankedTensorType>(cValue->getType());
      bias = imp.create<MulOp>(cType, *cValue, betaConst, ValueRange{},
                               imp.emptyTensor(cType))
                 .getOutput();
    }
  }
  FloatAttr alphaAttr = alpha == 1.0 ? FloatAttr() : b.getF64FloatAttr(alpha);
  UnitAttr transA = imp.getIntAttr("transA", 0) ? b.getUnitAttr() : UnitAttr();
  UnitAttr transB = imp.getIntAttr("transB", 0) ? b.getUnitAttr() : UnitAttr();
  SmallVector<Value> sizes;
  if (type->isDynamicDim(0))
    sizes.push_back(imp.create<tensor::DimOp>(*lhs, transposeA ? 1 : 0));
  if (type->isDynamicDim(1))
    sizes.push_back(imp.create<tensor::DimOp>(*rhs, transposeB ? 0 : 1));
  imp.setOutput(0, imp.create<MatmulOp>(*type, *lhs, *rhs, bias, ValueRange{},
                                        imp.emptyTensor(*type, sizes), transA,
                                        transB, alphaAttr));
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormalization
//===----------------------------------------------------------------------===//

/// aic.layer_norm normalizes the innermost dim: the axes [axis, rank) are
/// merged into one by a view, and scale/bias flattened to match; the axes
/// before it are merged too when all are static (a 2-D op), and kept, as
/// the op allows, when some are known only at run time. The Mean output is
/// the op's per-row mean; InvStdDev is 1 / sqrt(var + epsilon) of its
/// per-row variance, computed by a linalg.generic.
static LogicalResult importLayerNormalization(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  ArrayRef<int64_t> shape = type.getShape();
  FailureOr<int64_t> axis =
      normalizeAxis(imp, imp.getIntAttr("axis", -1), shape.size());
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> normalized = shape.drop_front(*axis);
  if (ShapedType::isDynamicShape(normalized))
    return imp.emitError() << "input of shape " << formatShape(shape)
                           << ": the normalized dims (from axis " << *axis
                           << ") must be known at compile time (fix the "
                              "model's symbolic dims with --input-shape)";
  int64_t inner = ShapedType::getNumElements(normalized);
  SmallVector<int64_t> flatShape(shape.take_front(*axis));
  if (type.hasStaticShape())
    flatShape.assign(1, ShapedType::getNumElements(flatShape));
  flatShape.push_back(inner);
  SmallVector<Value, 2> params;
  for (int i : {1, 2}) {
    if (!imp.hasInput(i)) {
      params.push_back(Value());
      continue;
    }
    FailureOr<Value> param = imp.getInput(i);
    if (failed(param))
      return failure();
    auto paramType = cast<RankedTensorType>(param->getType());
    if (!paramType.hasStaticShape() || paramType.getNumElements() != inner)
      return imp.emitError()
             << "'" << (i == 1 ? "Scale" : "B") << "' of shape "
             << formatShape(paramType.getShape())
             << " does not have the normalized shape "
             << formatShape(normalized) << " (broadcasting is not supported)";
    params.push_back(imp.reshapeTo(*param, {inner}));
  }
  Value flat = imp.reshapeTo(*input, flatShape);
  auto flatType = cast<RankedTensorType>(flat.getType());
  bool stats = imp.isOutputUsed(1) || imp.isOutputUsed(2);
  if (stats && !type.hasStaticShape())
    return imp.emitError() << "the Mean and InvStdDev outputs over run-time "
                              "dims are not supported yet (fix the model's "
                              "symbolic dims with --input-shape)";
  auto statType =
      RankedTensorType::get(flatShape.front(), type.getElementType());
  SmallVector<Value> inits{imp.emptyTensorLike(flat)};
  SmallVector<Type> resultTypes{flatType};
  if (stats) {
    inits.append({imp.emptyTensor(statType), imp.emptyTensor(statType)});
    resultTypes.append({statType, statType});
  }
  float epsilon = imp.getFloatAttr("epsilon", 1e-5f);
  if (!(epsilon >= 0) || std::isinf(epsilon))
    return imp.emitError() << "expects a non-negative finite epsilon";
  Builder &b = imp.getBuilder();
  auto norm = imp.create<LayerNormOp>(resultTypes, flat, params[0], params[1],
                                      inits, b.getF64FloatAttr(epsilon));
  imp.setOutput(0, imp.reshapeTo(norm.getOutputs()[0], shape));
  if (!stats)
    return success();
  for (int i : {1, 2}) {
    if (!imp.isOutputUsed(i))
      continue;
    FailureOr<RankedTensorType> statOutType = imp.getOutputType(i);
    if (failed(statOutType))
      return failure();
    if (statOutType->getElementType() != type.getElementType())
      return imp.emitError() << "statistics in another type than the input "
                                "(stash_type) are not supported";
    Value stat = norm.getOutputs()[i];
    if (i == 2) {
      // InvStdDev = 1 / sqrt(var + epsilon).
      Location loc = imp.getLoc();
      auto map = b.getMultiDimIdentityMap(1);
      stat =
          imp.create<linalg::GenericOp>(
                 TypeRange{statType}, ValueRange{stat},
                 ValueRange{imp.emptyTensor(statType)},
                 ArrayRef<AffineMap>{map, map},
                 ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
                 [&](OpBuilder &nb, Location, ValueRange args) {
                   Type et = args[0].getType();
                   Value eps = nb.create<arith::ConstantOp>(
                       loc, et, nb.getFloatAttr(et, epsilon));
                   Value sum = nb.create<arith::AddFOp>(loc, args[0], eps);
                   Value rsqrt = nb.create<math::RsqrtOp>(loc, sum);
                   nb.create<linalg::YieldOp>(loc, rsqrt);
                 })
              .getResult(0);
    }
    imp.setOutput(i, imp.reshapeTo(stat, statOutType->getShape()));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

ArrayRef<OpRuleInfo> aic::importer::getCoreRules() {
  static const OpRuleInfo rules[] = {
      {"Softmax",
       [](NodeImporter &imp) { return importSoftmaxLike(imp, false); }, 1,
       types::kFloat, "", true},
      {"LogSoftmax",
       [](NodeImporter &imp) { return importSoftmaxLike(imp, true); }, 1,
       types::kFloat, "", true},
      {"Transpose", importTranspose, 1, types::kTensor | types::kString, "",
       true},
      {"Concat", importConcat, 1, types::kTensor | types::kString, "", true},
      {"Constant", importConstant, 1, types::kTensor | types::kString},
      {"Identity", importIdentity, 1, types::kTensor | types::kString, "",
       true},
      {"MatMul", importMatMul, 1, typeBit(onnx::TensorProto::FLOAT), "", true},
      {"Gemm", importGemm, 1, typeBit(onnx::TensorProto::FLOAT), "", true},
      {"Conv", importConv, 1, typeBit(onnx::TensorProto::FLOAT), "", true},
      {"MaxPool", importMaxPool, 1, types::kNumeric, "", true},
      {"AveragePool", importAveragePool, 1, typeBit(onnx::TensorProto::FLOAT),
       "", true},
      {"GlobalAveragePool", importGlobalAveragePool, 1,
       typeBit(onnx::TensorProto::FLOAT), "", true},
      {"GlobalMaxPool", importGlobalMaxPool, 1,
       typeBit(onnx::TensorProto::FLOAT), "", true},
      {"LayerNormalization", importLayerNormalization, 17,
       typeBit(onnx::TensorProto::FLOAT), "", true},
  };
  return rules;
}

StringRef aic::importer::normalizeDomain(StringRef domain) {
  return domain == "ai.onnx" ? StringRef() : domain;
}

/// Orders rules by (domain, operator type).
static bool ruleLess(StringRef domainA, StringRef opTypeA, StringRef domainB,
                     StringRef opTypeB) {
  return std::make_pair(domainA, opTypeA) < std::make_pair(domainB, opTypeB);
}

ArrayRef<OpRuleInfo> aic::importer::getOpRules() {
  static const std::vector<OpRuleInfo> rules = [] {
    std::vector<OpRuleInfo> all;
    for (ArrayRef<OpRuleInfo> (*family)() :
         {getCoreRules,     getReshapeRules,       getElementwiseRules,
          getUnaryRules,    getReductionRules,     getDataMovementRules,
          getSliceRules,    getPositionalRules,    getLossRules,
          getSignalRules,   getRandomRules,        getSamplingRules,
          getIndexingRules, getLinearAlgebraRules, getQuantRules,
          getTextRules,     getConvTransposeRules, getNormalizationRules,
          getTrainingRules, getControlFlowRules,   getSequenceRules,
          getStringRules,   getRecurrentRules,     getDataDependentRules,
          getGradientRules, getShapeRules})
      llvm::append_range(all, family());
    llvm::sort(all, [](const OpRuleInfo &a, const OpRuleInfo &b) {
      return ruleLess(a.domain, a.opType, b.domain, b.opType);
    });
    return all;
  }();
  return rules;
}

const OpRuleInfo *aic::importer::lookupOpRuleInfo(StringRef domain,
                                                  StringRef opType) {
  domain = normalizeDomain(domain);
  ArrayRef<OpRuleInfo> rules = getOpRules();
  auto it = llvm::partition_point(rules, [&](const OpRuleInfo &info) {
    return ruleLess(info.domain, info.opType, domain, opType);
  });
  return it != rules.end() && domain == it->domain && opType == it->opType
             ? &*it
             : nullptr;
}

bool aic::importer::isSupportedDomain(StringRef domain) {
  domain = normalizeDomain(domain);
  return domain.empty() ||
         llvm::any_of(getOpRules(), [&](const OpRuleInfo &info) {
           return domain == info.domain;
         });
}

OpRule aic::importer::lookupOpRule(StringRef domain, StringRef opType) {
  const OpRuleInfo *info = lookupOpRuleInfo(domain, opType);
  return info ? info->rule : nullptr;
}
