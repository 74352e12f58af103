//===- PassDetail.h - Helpers shared by aic passes --------------*- C++ -*-===//
#ifndef AIC_PASSES_PASSDETAIL_H
#define AIC_PASSES_PASSDETAIL_H

#include "dialects/Aic/AicDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

namespace aic {
/// Name of the function the importer produces.
inline constexpr llvm::StringLiteral kGraphFunc = "main_graph";
/// Module attributes of the memory plan.
inline constexpr llvm::StringLiteral kArenaSizeAttr = "aic.arena_size";
inline constexpr llvm::StringLiteral kArenaNaiveSizeAttr =
    "aic.arena_naive_size";
/// Argument and result attributes of @main_graph: the ONNX name, and the
/// signedness of integer elements, which signless integers do not carry.
inline constexpr llvm::StringLiteral kNameAttr = "aic.name";
inline constexpr llvm::StringLiteral kUnsignedAttr = "aic.unsigned";
/// On a graph argument with run-time dims: the ONNX dim_param of each dim
/// ("" for a static or anonymous one). Dims of one name across the inputs
/// are one value, which the runtime checks (aic_model_tensor_meta).
inline constexpr llvm::StringLiteral kDimNamesAttr = "aic.dim_names";
/// On a graph argument: the only value the library accepts for it.
inline constexpr llvm::StringLiteral kValueAttr = "aic.value";
/// On @main_graph when a graph input or output is an ONNX sequence or
/// optional: the graph's inputs / outputs as ONNX values, in order, each a
/// dictionary {name, kind (aic_value_kind_t), elem_dtype (aic_dtype_t),
/// present, count} standing for the next `count` arguments / results (see
/// aic_model_value_meta in aic/abi.h).
inline constexpr llvm::StringLiteral kInputValuesAttr = "aic.input_values";
inline constexpr llvm::StringLiteral kOutputValuesAttr = "aic.output_values";
/// On the out-parameters aic-plan-memory makes of the graph's results, and
/// on the results it keeps (outputs of a run-time shape): the index among
/// the graph's outputs (a unit attribute: in argument order).
inline constexpr llvm::StringLiteral kOutputArgAttr = "aic.output";
/// A plan evaluated per shape (aic-plan-memory, for buffers whose sizes
/// follow symbolic dims): the private function the graph calls for it with
/// the buffers' sizes and a table for their offsets, returning the arena
/// (convert-aic-to-runtime makes it aicrt_plan); the call's attributes with
/// the live ranges ([start, end] per buffer) and the alignment; and the
/// module attribute saying the arena's size depends on the shape.
inline constexpr llvm::StringLiteral kPlanFunc = "__aic_plan";
inline constexpr llvm::StringLiteral kPlanRangesAttr = "aic.plan_ranges";
inline constexpr llvm::StringLiteral kPlanAlignmentAttr = "aic.plan_alignment";
inline constexpr llvm::StringLiteral kArenaPerShapeAttr = "aic.arena_per_shape";
/// The packed weights: the global and the module attribute with its bytes.
inline constexpr llvm::StringLiteral kWeightsGlobal = "__aic_weights";
inline constexpr llvm::StringLiteral kWeightsAttr = "aic.weights";
inline constexpr int64_t kWeightAlignment = 64;

/// Bytes of a statically shaped tensor or buffer; booleans take one byte,
/// strings an aic_string_t (pointer and size).
inline int64_t getNumBytes(mlir::ShapedType type) {
  if (mlir::isa<StringType>(type.getElementType()))
    return type.getNumElements() * 16;
  unsigned bits = type.getElementTypeBitWidth();
  return type.getNumElements() * (bits < 8 ? 1 : bits / 8);
}

/// @main_graph of `module`, or null after emitting an error.
mlir::func::FuncOp getGraphFunc(mlir::ModuleOp module);

/// The slice of batch entry `index` of the buffer `v`: dim 0 at `index`,
/// extent 1, every other dim whole.
mlir::Value sliceBatchEntry(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value v, mlir::Value index);
} // namespace aic

#endif // AIC_PASSES_PASSDETAIL_H
