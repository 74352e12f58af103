//===- ElementwiseLoops.h - Elementwise ops as linalg loops -----*- C++ -*-===//
//
// Elementwise aic ops on element types libaicrt has no primitive for (the
// integer and non-f32 float types) are computed by compiled loops: a
// linalg.generic on memref views of their buffers.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_PASSES_ELEMENTWISELOOPS_H
#define AIC_PASSES_ELEMENTWISELOOPS_H

#include "mlir/IR/Builders.h"

namespace aic {
/// True if `op` is an elementwise op that must become loops.
bool needsElementwiseLoops(mlir::Operation *op);

/// Emits the loops of `op` reading `inputs` and writing `output` (memrefs
/// with signless element types of the tensors' widths). Fails with an error
/// at the op if the element type has no arithmetic (e.g. i1).
mlir::LogicalResult buildElementwiseLoops(mlir::OpBuilder &b,
                                          mlir::Operation *op,
                                          mlir::ValueRange inputs,
                                          mlir::Value output);
} // namespace aic

#endif
