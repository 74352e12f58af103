//===- AicInterfaces.td - aic op interfaces ----------------*- tablegen -*-===//
//
// Behaviour several aic ops share. Passes query these interfaces instead of
// keeping lists of op names.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_INTERFACES_TD
#define AIC_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Aic_PostOpChainOwnerInterface : OpInterface<"PostOpChainOwner"> {
  let cppNamespace = "::aic";
  let description = [{
    An op whose library primitive applies a chain of post-ops to its result
    while it is still in registers (oneDNN post-ops). Each `#aic.binary`
    entry of the chain consumes the next of the op's post operands.
  }];
  let methods = [
    InterfaceMethod<"The post-op chain, in application order.",
      "::mlir::ArrayAttr", "getPostOps">,
    InterfaceMethod<"Replaces the chain (the post operands must match).",
      "void", "setPostOpsAttr", (ins "::mlir::ArrayAttr":$chain)>,
    InterfaceMethod<"The operands of the binary post-ops, in chain order.",
      "::mlir::MutableOperandRange", "getPostOperandsMutable">,
    InterfaceMethod<"The value the chain applies to.",
      "::mlir::Value", "getOutput">,
  ];
}

def Aic_RuntimePrimitiveInterface : OpInterface<"RuntimePrimitive"> {
  let cppNamespace = "::aic";
  let description = [{
    An op that one libaicrt primitive executes. On buffers (after
    bufferization) it encodes itself as a descriptor of aic/primitives.def
    and lists the buffers passed to aicrt_exec, in the order the contract
    defines; convert-aic-to-runtime turns it into runtime calls.
  }];
  let methods = [
    InterfaceMethod<[{
        Fills `call` with the descriptor and exec arguments; emits an error
        (e.g. an element type the primitive does not support) on failure.
      }],
      "::mlir::LogicalResult", "encodePrimitive",
      (ins "::aic::PrimitiveCall &":$call)>,
  ];
}

def Aic_LayoutAgnosticInterface : OpInterface<"LayoutAgnostic"> {
  let cppNamespace = "::aic";
  let description = [{
    A library op whose primitive runs in any layout, as long as its inputs
    of the result's rank and its destination share one (broadcast operands
    of binary functions stay dense row-major). aic-assign-layouts keeps
    values blocked through these ops.
  }];
}

def Aic_EltwiseFunctionInterface : OpInterface<"EltwiseFunction"> {
  let cppNamespace = "::aic";
  let description = [{
    An elementwise op computing one function of oneDNN's eltwise family on
    its input, so that it can also run as a post-op of its producer.
  }];
  let methods = [
    InterfaceMethod<"The function as a post-op entry.",
      "::aic::EltwisePostOpAttr", "getPostOp">,
    InterfaceMethod<"", "::mlir::Value", "getInput">,
    InterfaceMethod<"", "::mlir::Value", "getInit">,
    InterfaceMethod<"The result (null on buffers).", "::mlir::Value",
      "getOutput">,
  ];
}

def Aic_BinaryFunctionInterface : OpInterface<"BinaryFunction"> {
  let cppNamespace = "::aic";
  let description = [{
    An elementwise op combining two operands with numpy broadcasting by one
    function of oneDNN's binary family, so that it can also run as a binary
    post-op of the producer of one of its operands.
  }];
  let methods = [
    InterfaceMethod<"The function.", "::aic::BinaryKind", "getKind">,
    InterfaceMethod<"", "::mlir::Value", "getLhs">,
    InterfaceMethod<"", "::mlir::Value", "getRhs">,
    InterfaceMethod<"", "::mlir::Value", "getInit">,
    InterfaceMethod<"The result (null on buffers).", "::mlir::Value",
      "getOutput">,
    InterfaceMethod<"The op's own post-op chain.", "::mlir::ArrayAttr",
      "getPostOps">,
    InterfaceMethod<"", "::mlir::OperandRange", "getPostOperands">,
    InterfaceMethod<"Whether the operands may be swapped.", "bool",
      "isCommutative", (ins), [{}], [{
        ::aic::BinaryKind kind = $_op.getKind();
        return kind == ::aic::BinaryKind::add ||
               kind == ::aic::BinaryKind::mul ||
               kind == ::aic::BinaryKind::max ||
               kind == ::aic::BinaryKind::min;
      }]>,
  ];
}

def Aic_BatchSeparableInterface : OpInterface<"BatchSeparable"> {
  let cppNamespace = "::aic";
  let description = [{
    A library op whose destination's dim 0 is a batch: entry n of the
    destination depends only on entry n of the op's batch operands (sliced
    along dim 0 with it) and on the whole of its other operands (weights,
    broadcast operands). So the op may run as one call per batch entry on
    slices of its batch operands; aic-concat-in-place runs it so to write
    into a batch-strided part of a concat's result.
  }];
  let methods = [
    InterfaceMethod<[{
        Whether `operand` is sliced along dim 0 with the destination. By
        default: the destination, and every operand of its logical rank
        whose dim 0 is not a broadcast 1.
      }],
      "bool", "isBatchOperand", (ins "::mlir::OpOperand &":$operand), [{}],
      [{ return ::aic::isBroadcastBatchOperand($_op, operand); }]>,
  ];
}

#endif // AIC_INTERFACES_TD
