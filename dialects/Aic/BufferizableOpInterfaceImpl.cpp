//===- BufferizableOpInterfaceImpl.cpp - One-shot bufferization of aic ----===//
//
// Library ops are destination-style: their buffer form is the same op with
// memref operands and no results, writing the destination in place, so
// one-shot bufferization can decide where each result lives. aic.reshape is
// a view: its buffer aliases the operand's, strided when the operand is a
// slice whose reshape strides can express, else of a dense copy.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace mlir::bufferization;
using namespace aic;

namespace {
/// A dense buffer of `buffer`'s shape (its run-time dims read from it).
FailureOr<Value> allocDenseLike(RewriterBase &rewriter, Location loc,
                                Value buffer,
                                const BufferizationOptions &options) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(rewriter.create<memref::DimOp>(loc, buffer, d));
  return options.createAlloc(rewriter, loc,
                             MemRefType::get(type.getShape(),
                                             type.getElementType(), nullptr,
                                             type.getMemorySpace()),
                             sizes);
}

/// A reshape of a strided view (a slice) that stays a view: one that only
/// splits dims (memref.expand_shape, always expressible with strides) or
/// only merges dims whose elements are evenly spaced
/// (memref.collapse_shape).
struct StridedReshape {
  MemRefType type;
  SmallVector<ReassociationIndices> reassociation;
  bool expand;
};

std::optional<StridedReshape> stridedReshape(MemRefType source,
                                             RankedTensorType result) {
  if (source.getLayout().isIdentity() || !source.hasStaticShape() ||
      !result.hasStaticShape() || source.getRank() == result.getRank())
    return std::nullopt;
  bool expand = result.getRank() > source.getRank();
  std::optional<SmallVector<ReassociationIndices>> reassociation =
      getReassociationIndicesForReshape(
          expand ? cast<ShapedType>(source) : cast<ShapedType>(result),
          expand ? cast<ShapedType>(result) : cast<ShapedType>(source));
  if (!reassociation)
    return std::nullopt;
  if (expand) {
    FailureOr<MemRefType> type = memref::ExpandShapeOp::computeExpandedType(
        source, result.getShape(), *reassociation);
    if (failed(type))
      return std::nullopt;
    return StridedReshape{*type, std::move(*reassociation), true};
  }
  if (!memref::CollapseShapeOp::isGuaranteedCollapsible(source, *reassociation))
    return std::nullopt;
  return StridedReshape{
      memref::CollapseShapeOp::computeCollapsedType(source, *reassociation),
      std::move(*reassociation), false};
}

template <typename OpTy>
struct LibraryOpModel
    : public DstBufferizableOpInterfaceExternalModel<LibraryOpModel<OpTy>,
                                                     OpTy> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const AnalysisState &) const {
    // A primitive overwrites its whole destination without reading it, so
    // the destination's old contents need not be kept (no copy of a
    // tensor.empty or of a dead value), unless a sum post-op accumulates
    // into it.
    return !cast<DestinationStyleOpInterface>(op).isDpsInit(&operand) ||
           hasSumPostOp(op);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options) const {
    auto dps = cast<DestinationStyleOpInterface>(op);
    if (dps.hasPureBufferSemantics())
      return success();
    // Primitives read and write dense row-major buffers: a strided buffer
    // (a slice) is passed as a dense copy, and a strided destination is
    // written through a dense one copied back after the op.
    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    SmallVector<Value> operands, results;
    SmallVector<std::pair<Value, Value>> copyBack;
    llvm::SmallPtrSet<Value, 4> initBuffers;
    for (OpOperand &operand : op->getOpOperands()) {
      if (!isa<TensorType>(operand.get().getType())) {
        operands.push_back(operand.get());
        continue;
      }
      FailureOr<Value> buffer = getBuffer(rewriter, operand.get(), options);
      if (failed(buffer))
        return failure();
      bool isInit = dps.isDpsInit(&operand);
      // Destinations whose results are dead may share one tensor (CSE
      // merges equal tensor.empty ops) and so one buffer, but a primitive
      // writes each of its destinations (a mean it then reads, a variance):
      // each gets a buffer of its own.
      if (isInit && !initBuffers.insert(*buffer).second) {
        buffer = allocDenseLike(rewriter, loc, *buffer, options);
        if (failed(buffer))
          return failure();
      }
      Value dense = *buffer;
      auto type = cast<MemRefType>(dense.getType());
      if (!type.getLayout().isIdentity()) {
        FailureOr<Value> alloc =
            allocDenseLike(rewriter, loc, *buffer, options);
        if (failed(alloc))
          return failure();
        if ((!isInit || hasSumPostOp(op)) &&
            failed(options.createMemCpy(rewriter, loc, *buffer, *alloc)))
          return failure();
        if (isInit)
          copyBack.push_back({*alloc, *buffer});
        dense = *alloc;
      }
      operands.push_back(dense);
      if (isInit)
        results.push_back(*buffer);
    }
    OperationState state(loc, op->getName(), operands, TypeRange{},
                         op->getAttrs());
    rewriter.create(state);
    for (auto [from, to] : copyBack)
      if (failed(options.createMemCpy(rewriter, loc, from, to)))
        return failure();
    replaceOpWithBufferizedValues(rewriter, op, results);
    return success();
  }
};

struct ReshapeOpModel
    : public BufferizableOpInterface::ExternalModel<ReshapeOpModel, ReshapeOp> {
  bool bufferizesToMemoryRead(Operation *, OpOperand &,
                              const AnalysisState &) const {
    return false;
  }
  bool bufferizesToMemoryWrite(Operation *, OpOperand &,
                               const AnalysisState &) const {
    return false;
  }
  AliasingValueList getAliasingValues(Operation *op, OpOperand &,
                                      const AnalysisState &) const {
    return {{op->getResult(0), BufferRelation::Equivalent}};
  }

  FailureOr<BaseMemRefType>
  getBufferType(Operation *op, Value value, const BufferizationOptions &options,
                SmallVector<Value> &invocationStack) const {
    auto reshape = cast<ReshapeOp>(op);
    FailureOr<BaseMemRefType> source = bufferization::getBufferType(
        reshape.getInput(), options, invocationStack);
    if (failed(source))
      return failure();
    if (auto strided = dyn_cast<MemRefType>(*source))
      if (std::optional<StridedReshape> view =
              stridedReshape(strided, reshape.getType()))
        return cast<BaseMemRefType>(view->type);
    return cast<BaseMemRefType>(MemRefType::get(
        reshape.getType().getShape(), reshape.getType().getElementType(),
        nullptr, source->getMemorySpace()));
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options) const {
    auto reshape = cast<ReshapeOp>(op);
    FailureOr<Value> buffer = getBuffer(rewriter, reshape.getInput(), options);
    if (failed(buffer))
      return failure();
    Location loc = op->getLoc();
    auto sourceType = cast<MemRefType>(buffer->getType());
    Value source = *buffer;
    RankedTensorType type = reshape.getType();
    if (std::optional<StridedReshape> view = stridedReshape(sourceType, type)) {
      Value result = view->expand
                         ? rewriter
                               .create<memref::ExpandShapeOp>(
                                   loc, view->type, source, view->reassociation)
                               .getResult()
                         : rewriter
                               .create<memref::CollapseShapeOp>(
                                   loc, view->type, source, view->reassociation)
                               .getResult();
      replaceOpWithBufferizedValues(rewriter, op, result);
      return success();
    }
    // Any other strided view is not contiguous: reshape a dense copy.
    if (!sourceType.getLayout().isIdentity()) {
      FailureOr<Value> copy = allocDenseLike(rewriter, loc, source, options);
      if (failed(copy) ||
          failed(options.createMemCpy(rewriter, loc, source, *copy)))
        return failure();
      source = *copy;
    }
    SmallVector<int64_t> strides(type.getRank(), 1);
    for (int64_t i = type.getRank() - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * type.getDimSize(i + 1);
    // Offset 0 and row-major strides are the identity layout.
    auto resultType = MemRefType::get(type.getShape(), type.getElementType(),
                                      nullptr, sourceType.getMemorySpace());
    Value view = rewriter.create<memref::ReinterpretCastOp>(
        loc, resultType, source, 0, type.getShape(), strides);
    replaceOpWithBufferizedValues(rewriter, op, view);
    return success();
  }
};

template <typename OpTy> void attachModel(MLIRContext *ctx) {
  if constexpr (OpTy::template hasTrait<DestinationStyleOpInterface::Trait>())
    OpTy::template attachInterface<LibraryOpModel<OpTy>>(*ctx);
}

template <typename... OpTys> void attachLibraryModels(MLIRContext *ctx) {
  (attachModel<OpTys>(ctx), ...);
}
} // namespace

void aic::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, AicDialect *) {
    attachLibraryModels<
#define GET_OP_LIST
#include "dialects/Aic/AicOps.cpp.inc"
        >(ctx);
    ReshapeOp::attachInterface<ReshapeOpModel>(*ctx);
  });
}
