//===- Passes.td - aic passes ------------------------------*- tablegen -*-===//
#ifndef AIC_PASSES_TD
#define AIC_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Graph optimization
//===----------------------------------------------------------------------===//

def FusePostOps : Pass<"aic-fuse-post-ops", "mlir::func::FuncOp"> {
  let summary = "Fold elementwise consumers of conv, matmul and binary ops "
                "into their post-op chain";
  let description = [{
    An elementwise op (relu, sigmoid, tanh, clip, exp) or a binary op whose
    other operand is available before the producer, consuming the single use
    of an `aic.conv`, `aic.matmul` or binary op, becomes an entry of the
    producer's post-op chain, so oneDNN applies it while the result is still
    in registers. Before:
      %c = aic.conv %x, %w, %b {...} : ...
      %s = aic.add %c, %r : ...
      %y = aic.relu %s : ...
    After (with conv-binary=true; by default the add keeps the relu):
      %y = aic.conv %x, %w, %b post(%r) {...,
             post_ops = [#aic.binary<add>, #aic.eltwise<relu>]} : ...
  }];
  let options = [
    Option<"maxChain", "max-chain", "unsigned", "4",
           "longest post-op chain to build (oneDNN executes longer chains "
           "slower than separate primitives)">,
    Option<"convBinary", "conv-binary", "bool", "false",
           "also fuse binary ops into convolutions; off while activations "
           "stay in plain layouts between primitives, where oneDNN runs a "
           "plain binary operand against its blocked conv output on a "
           "reference path (ResNet-18: 2.5x slower than separate adds)">
  ];
}

//===----------------------------------------------------------------------===//
// Buffer assignment
//===----------------------------------------------------------------------===//

def PlanMemory : Pass<"aic-plan-memory", "mlir::ModuleOp"> {
  let summary = "Assign every intermediate tensor an offset in one arena";
  let description = [{
    Computes the live range of every intermediate tensor of `@main_graph`
    (in program order) and packs them into one arena with a best-fit
    offset assignment, so tensors whose lifetimes do not overlap share
    memory. Reshapes alias their operand. Graph outputs are written directly
    into the caller's buffers and take no arena space.

    Each op producing an arena tensor gets `aic.offset = <bytes>`; the module
    gets `aic.arena_size` (peak bytes) and `aic.arena_naive_size` (the sum of
    all intermediate tensor sizes, what no reuse would need).
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", "64",
           "alignment of every buffer in bytes">
  ];
}

//===----------------------------------------------------------------------===//
// Lowering
//===----------------------------------------------------------------------===//

def LowerToRuntime : Pass<"aic-lower-to-runtime", "mlir::ModuleOp"> {
  let summary = "Lower planned aic ops to libaicrt calls and loops";
  let description = [{
    Replaces `@main_graph` (after aic-plan-memory) with the entry points of
    aic/abi.h: `aic_model_init`, which creates one runtime primitive per op
    that oneDNN implements (conv, pooling, matmul, elementwise, binary,
    softmax, concat) from a constant descriptor, and `aic_model_run`, which
    executes them on arena, input, output and weight pointers. Ops without a
    primitive (transpose, copies) become linalg ops on memrefs viewing the
    same buffers, later lowered to loops. Weights are packed into one
    external `@__aic_weights` global whose contents the module carries in
    the `aic.weights` attribute; `@aic_model_meta` holds the metadata text.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::cf::ControlFlowDialect"];
}

#endif // AIC_PASSES_TD
