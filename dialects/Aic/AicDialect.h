//===- AicDialect.h - The aic dialect ---------------------------*- C++ -*-===//
#ifndef AIC_DIALECTS_AIC_AICDIALECT_H
#define AIC_DIALECTS_AIC_AICDIALECT_H

#include "dialects/Aic/Layout.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace aic {
struct PrimitiveCall;

/// Memory effects of a destination-style op: none on tensors; on buffers a
/// read of every input and a write of every init.
void getDestinationStyleEffects(
    mlir::Operation *op,
    llvm::SmallVectorImpl<
        mlir::SideEffects::EffectInstance<mlir::MemoryEffects::Effect>>
        &effects);

/// Result shape of numpy-style broadcasting, or failure if incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);
} // namespace aic

#include "dialects/Aic/AicDialect.h.inc"
#include "dialects/Aic/AicEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Aic/AicAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/Aic/AicTypes.h.inc"

namespace aic {
/// Name of the library ops' attribute listing their operands' layouts.
inline constexpr llvm::StringLiteral kLayoutsAttrName = "layouts";
/// The layout of operand `index` of `op`, null when it is dense row-major.
LayoutAttr getOperandLayout(mlir::Operation *op, unsigned index);
/// The layout of the first operand of `op` that is `value`.
LayoutAttr getOperandLayout(mlir::Operation *op, mlir::Value value);
/// The logical type of operand `value` of `op`: its type, or the shape its
/// layout names.
mlir::ShapedType getLogicalType(mlir::Operation *op, mlir::Value value);
/// The post-op chain has a #aic.sum, so the op reads its destination.
bool hasSumPostOp(mlir::Operation *op);
/// Whether `operand` of the destination-style `op` is the destination or
/// has the destination's logical rank and a dim 0 that is not a broadcast
/// 1: the default batch operands of a BatchSeparable op.
bool isBroadcastBatchOperand(mlir::Operation *op, mlir::OpOperand &operand);
} // namespace aic

#include "dialects/Aic/AicInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/Aic/AicOps.h.inc"

namespace aic {
/// Registers the bufferization models of the aic ops.
void registerBufferizableOpInterfaceExternalModels(
    mlir::DialectRegistry &registry);
} // namespace aic

#endif // AIC_DIALECTS_AIC_AICDIALECT_H
