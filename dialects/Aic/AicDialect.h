//===- AicDialect.h - The aic dialect ---------------------------*- C++ -*-===//
#ifndef AIC_DIALECTS_AIC_AICDIALECT_H
#define AIC_DIALECTS_AIC_AICDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Aic/AicDialect.h.inc"
#include "dialects/Aic/AicEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Aic/AicAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/Aic/AicOps.h.inc"

namespace aic {
/// Result shape of numpy-style broadcasting, or failure if incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);
} // namespace aic

#endif // AIC_DIALECTS_AIC_AICDIALECT_H
