//===- PassDetail.h - Helpers shared by aic passes --------------*- C++ -*-===//
#ifndef AIC_PASSES_PASSDETAIL_H
#define AIC_PASSES_PASSDETAIL_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

namespace aic {
/// Name of the function the importer produces.
inline constexpr llvm::StringLiteral kGraphFunc = "main_graph";
/// Attribute names of the memory plan.
inline constexpr llvm::StringLiteral kOffsetAttr = "aic.offset";
inline constexpr llvm::StringLiteral kOutputAttr = "aic.output";
inline constexpr llvm::StringLiteral kArenaSizeAttr = "aic.arena_size";
inline constexpr llvm::StringLiteral kArenaNaiveSizeAttr =
    "aic.arena_naive_size";
inline constexpr llvm::StringLiteral kNameAttr = "aic.name";

/// Bytes of a statically shaped tensor; booleans take one byte, as in ONNX.
inline int64_t tensorBytes(mlir::ShapedType type) {
  unsigned bits = type.getElementTypeBitWidth();
  return type.getNumElements() * (bits < 8 ? 1 : bits / 8);
}

/// The value whose buffer `v` uses: reshapes alias their operand.
mlir::Value getStorageRoot(mlir::Value v);

/// The single-block @main_graph of `module`, or null after emitting an error.
mlir::func::FuncOp getGraphFunc(mlir::ModuleOp module);
} // namespace aic

#endif // AIC_PASSES_PASSDETAIL_H
