//===- RuntimeDescriptors.h - aic ops as libaicrt descriptors ---*- C++ -*-===//
//
// Encodes an aic op that libaicrt implements with a oneDNN primitive as the
// int64 descriptor of aic/abi.h, and lists the values its exec call takes.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_PASSES_RUNTIMEDESCRIPTORS_H
#define AIC_PASSES_RUNTIMEDESCRIPTORS_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

namespace aic {

struct PrimitiveCall {
  llvm::SmallVector<int64_t> descriptor;
  llvm::SmallVector<mlir::Value> args; // exec args: tensors in abi.h order
};

/// Returns true if `op` becomes a runtime primitive.
bool isRuntimePrimitive(mlir::Operation *op);

/// Encodes `op`; emits an error at the op and fails if the runtime cannot
/// execute it (e.g. an unsupported element type).
mlir::FailureOr<PrimitiveCall> encodePrimitive(mlir::Operation *op);

/// The abi.h dtype code of an element type, or 0 if it has none.
int64_t dtypeCode(mlir::Type elementType);

} // namespace aic

#endif // AIC_PASSES_RUNTIMEDESCRIPTORS_H
