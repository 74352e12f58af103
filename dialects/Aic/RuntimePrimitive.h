//===- RuntimePrimitive.h - aic ops as libaicrt primitives ------*- C++ -*-===//
//
// What an op implementing RuntimePrimitive produces: the descriptor of one
// primitive kind of aic/primitives.def, encoded by aic/contract.h, and the
// buffers aicrt_exec gets, in the order the contract defines.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_DIALECTS_AIC_RUNTIMEPRIMITIVE_H
#define AIC_DIALECTS_AIC_RUNTIMEPRIMITIVE_H

#include "aic/contract.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <string>
#include <vector>

namespace aic {

struct PrimitiveCall {
  /// The kind's name ("CONV"), for messages and profiles.
  std::string kind;
  std::vector<int64_t> descriptor;
  /// Buffers passed to aicrt_exec, in contract order.
  llvm::SmallVector<mlir::Value> args;

  /// Encodes `desc` and takes `execArgs`, which must be as many as the
  /// contract says the descriptor needs.
  template <typename Desc>
  mlir::LogicalResult set(mlir::Operation *op, const Desc &desc,
                          mlir::ValueRange execArgs) {
    if (contract::numExecArgs(desc) != static_cast<int64_t>(execArgs.size()))
      return op->emitOpError()
             << "encodes " << execArgs.size() << " runtime arguments but a "
             << Desc::kName << " primitive takes "
             << contract::numExecArgs(desc);
    kind = Desc::kName;
    descriptor = contract::encode(desc);
    args.assign(execArgs.begin(), execArgs.end());
    return mlir::success();
  }
};

/// The aic_dtype_t of an element type, or AIC_DTYPE_UNDEFINED. Integers are
/// signless in the IR; `isUnsigned` picks the unsigned code.
int64_t getDtypeCode(mlir::Type elementType, bool isUnsigned = false);

/// The contract tensor of a shaped value (rank-0 becomes [1]); emits an
/// error at `op` for element types without a dtype code.
mlir::FailureOr<contract::Tensor> getContractTensor(mlir::Operation *op,
                                                    mlir::Value value);

/// `buffer` views a constant global (model weights), whose contents never
/// change, so the runtime may reorder it once at load.
bool isConstantBuffer(mlir::Value buffer);

/// Emits an error unless every operand of `op` has element type f32, the
/// only type the runtime computes in for most primitives.
mlir::LogicalResult requireF32(mlir::Operation *op);

} // namespace aic

#endif // AIC_DIALECTS_AIC_RUNTIMEPRIMITIVE_H
