//===- ShapeRules.cpp - Import rules for Shape, Size, ConstantOfShape ----===//
//
// Shape and Size are constants at import where the input's shape is static,
// else read from the tensor per run; ConstantOfShape fills a tensor of a
// constant shape or of one read at run time, each entry checked.
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cstring>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

/// Registers output 0 as a constant computed at import.
static void setConstantOutput(NodeImporter &imp, ConstTensor tensor) {
  imp.getState().addConstant(imp.getNode().output(0), std::move(tensor),
                             imp.getLoc());
}

static ConstTensor makeInt64Tensor(MLIRContext *ctx, ArrayRef<int64_t> shape,
                                   ArrayRef<int64_t> values) {
  ConstTensor tensor{RankedTensorType::get(shape, IntegerType::get(ctx, 64)),
                     {}};
  tensor.data.resize(values.size() * sizeof(int64_t));
  // An empty shape slice has no data pointer, which memcpy must not get.
  if (!values.empty())
    std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
  return tensor;
}

/// The int64 vector of the sizes of `input`'s dims [start, end), some
/// known only at run time.
static Value buildDims(NodeImporter &imp, Value input, int64_t start,
                       int64_t end) {
  SmallVector<Value> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(imp.create<arith::IndexCastOp>(
        imp.getBuilder().getI64Type(),
        imp.create<tensor::DimOp>(input, d).getResult()));
  return imp.create<tensor::FromElementsOp>(
      RankedTensorType::get({end - start}, imp.getBuilder().getI64Type()),
      dims);
}

static LogicalResult importShape(NodeImporter &imp) {
  RankedTensorType inType = imp.getInputType(0);
  if (!inType)
    return failure();
  if (!inType.hasStaticShape()) {
    // Known at run time only (after NonZero, ...): read from the tensor.
    int64_t rank = inType.getRank();
    auto clampDim = [&](int64_t v) {
      return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
    };
    int64_t start = clampDim(imp.getIntAttr("start", 0));
    int64_t end = std::max(start, clampDim(imp.getIntAttr("end", rank)));
    FailureOr<Value> input = imp.getInput(0);
    if (failed(input))
      return failure();
    imp.setOutput(0, buildDims(imp, *input, start, end));
    return success();
  }
  // Opset 15 slices the shape with start/end (clamped, negative from the
  // back).
  int64_t rank = inType.getRank();
  auto clampDim = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
  };
  int64_t start = clampDim(imp.getIntAttr("start", 0));
  int64_t end = clampDim(imp.getIntAttr("end", rank));
  SmallVector<int64_t> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(inType.getDimSize(d));
  ConstTensor tensor = makeInt64Tensor(
      imp.getContext(), {static_cast<int64_t>(dims.size())}, dims);
  if (failed(imp.getOutputTypeOr(0, tensor.type)))
    return failure();
  setConstantOutput(imp, std::move(tensor));
  return success();
}

static LogicalResult importSize(NodeImporter &imp) {
  RankedTensorType inType = imp.getInputType(0);
  if (!inType)
    return failure();
  if (!inType.hasStaticShape()) {
    FailureOr<Value> input = imp.getInput(0);
    if (failed(input))
      return failure();
    Value count = imp.create<arith::ConstantIntOp>(1, 64);
    for (int64_t d = 0; d < inType.getRank(); ++d)
      count = imp.create<arith::MulIOp>(
          count, imp.create<arith::IndexCastOp>(
                     imp.getBuilder().getI64Type(),
                     imp.create<tensor::DimOp>(*input, d).getResult()));
    Value size = imp.create<tensor::FromElementsOp>(
        RankedTensorType::get({}, count.getType()), count);
    imp.setOutput(0, size);
    return success();
  }
  ConstTensor tensor =
      makeInt64Tensor(imp.getContext(), {}, {inType.getNumElements()});
  if (failed(imp.getOutputTypeOr(0, tensor.type)))
    return failure();
  setConstantOutput(imp, std::move(tensor));
  return success();
}

/// The result type and run-time sizes of a tensor whose shape input `i` is
/// known only at run time (`full((seq, seq), v)`): a 1-D int64 of a static
/// length, each entry read per run and checked to be a dim (at least 0) and,
/// where ONNX's inference (with aic's propagation) typed it static, that
/// size. The run-time dims keep the symbols ONNX gave them.
static FailureOr<RankedTensorType>
getRuntimeShapedType(NodeImporter &imp, int i, Type elementType,
                     SmallVectorImpl<Value> &sizes) {
  FailureOr<Value> shape = imp.getInput(i);
  if (failed(shape))
    return failure();
  auto shapeType = cast<RankedTensorType>(shape->getType());
  if (shapeType.getRank() != 1 || shapeType.isDynamicDim(0) ||
      !shapeType.getElementType().isInteger(64))
    return imp.emitError() << "the shape must be a 1-D int64 tensor of a "
                              "static length, got "
                           << shapeType;
  int64_t rank = shapeType.getDimSize(0);
  // The dims shape inference knows (aic's propagation types the entries of
  // a shape computed from others') are static, checked below.
  SmallVector<int64_t> dims(rank, ShapedType::kDynamic);
  if (RankedTensorType inferred = imp.getInferredOutputType(0);
      inferred && inferred.getRank() == rank)
    dims.assign(inferred.getShape().begin(), inferred.getShape().end());
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, RankedTensorType::get(dims, elementType));
  if (failed(type))
    return failure();
  for (int64_t d = 0; d < rank; ++d) {
    Value wanted = imp.create<arith::IndexCastOp>(
        imp.getBuilder().getIndexType(),
        imp.create<tensor::ExtractOp>(
            *shape, ValueRange{imp.create<arith::ConstantIndexOp>(d)}));
    bool known = !type->isDynamicDim(d);
    Value ok = imp.create<arith::CmpIOp>(
        known ? arith::CmpIPredicate::eq : arith::CmpIPredicate::sge, wanted,
        imp.create<arith::ConstantIndexOp>(known ? type->getDimSize(d) : 0));
    buildRuntimeCheck(imp, ok,
                      "shape entry " + std::to_string(d) +
                          (known ? " is not the " +
                                       std::to_string(type->getDimSize(d)) +
                                       " shape inference gave"
                                 : " is negative"));
    if (!known)
      sizes.push_back(wanted);
  }
  buildRuntimeSizeCheck(imp, *type, sizes);
  return type;
}

static LogicalResult importConstantOfShape(NodeImporter &imp) {
  bool runtime = !imp.getConstantInput(0);
  FailureOr<SmallVector<int64_t>> shape =
      runtime ? SmallVector<int64_t>() : imp.getConstantInts(0, "input");
  if (failed(shape))
    return failure();
  for (int64_t dim : *shape)
    if (dim < 0)
      return imp.emitError() << "negative dimension " << dim;
  MLIRContext *ctx = imp.getContext();
  TypedAttr value = FloatAttr::get(Float32Type::get(ctx), 0.0);
  if (const onnx::AttributeProto *attr = imp.getAttr("value")) {
    std::string why;
    FailureOr<ConstTensor> tensor =
        decodeTensor(attr->t(), imp.getState().getModelDir(), ctx, why);
    if (failed(tensor))
      return imp.emitError() << "'value' tensor: " << why;
    if (tensor->getNumElements() != 1)
      return imp.emitError() << "'value' must have one element";
    value = getElementAttr(*tensor, 0);
  }
  SmallVector<Value> sizes;
  FailureOr<RankedTensorType> type =
      runtime ? getRuntimeShapedType(imp, 0, value.getType(), sizes)
              : imp.getOutputTypeOr(
                    0, RankedTensorType::get(*shape, value.getType()));
  if (failed(type))
    return failure();
  imp.setOutput(
      0, buildFill(imp, *type, imp.create<arith::ConstantOp>(value), sizes));
  return success();
}

ArrayRef<OpRuleInfo> aic::importer::getShapeRules() {
  static const OpRuleInfo rules[] = {
      {"Shape", importShape, 1, types::kTensor, "", true},
      {"Size", importSize, 1, types::kTensor, "", true},
      {"ConstantOfShape", importConstantOfShape, 9,
       typeBit(onnx::TensorProto::INT64)},
  };
  return rules;
}
