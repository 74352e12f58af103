//===- Passes.td - aic passes ------------------------------*- tablegen -*-===//
#ifndef AIC_PASSES_TD
#define AIC_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Graph optimization
//===----------------------------------------------------------------------===//

def FoldBatchNorm : Pass<"aic-fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "Fold inference batch norms into convolutions or one "
                "scale-shift";
  let description = [{
    With constant parameters, `aic.batch_norm` is y = s * x + t per channel,
    s = gamma / sqrt(var + epsilon), t = beta - mean * s, where gamma and
    beta are its scale and bias (computed in double, stored in the element
    type). When its input is the single use of an
    `aic.conv` with constant weights (and bias, if any) and no post-ops, the
    batch norm disappears into new conv constants: w' = w * s[oc] (oc is dim
    0 of the weights for any group count), b' = (b - mean) * s + beta.
    Otherwise an f32 batch norm becomes `aic.mul` by s and `aic.add` of t,
    both of shape [C, 1, ..., 1], which aic-fuse-post-ops merges into one
    binary primitive. Batch norms with non-constant parameters, and non-f32
    ones that cannot fold into a conv, stay (the runtime has a primitive).
    Before:
      %c = aic.conv %x, %w outs(%e0) {...} : ...
      %y = aic.batch_norm %c, %g, %b, %m, %v outs(%e1) {epsilon = 1.0e-05 : f64}
    After:
      %w1 = arith.constant dense_resource<bn.weight> : tensor<64x3x7x7xf32>
      %b1 = arith.constant dense<[...]> : tensor<64xf32>
      %y = aic.conv %x, %w1, %b1 outs(%e0) {...} : ...
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def FoldConstants : Pass<"aic-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Evaluate elementwise and shape computations on constants";
  let description = [{
    Replaces by constants what the canonicalizer does not fold, when every
    operand is a constant (`dense` or `dense_resource`):
    - aic binary ops (add, sub, mul, div, max, min; numpy broadcasting) and
      unary ops (relu, sigmoid, tanh, exp, clip) without post-ops, computed
      as the runtime does: IEEE arithmetic in the element type, oneDNN's
      reference activation formulas in f32 (f64 in double);
    - parallel linalg ops with one result (linalg.generic with arith/math
      payloads, linalg.transpose, linalg.broadcast, linalg.fill, elementwise
      named ops), the payload evaluated by its ops' own folders, unless the
      result is another op's destination (an accumulator must be writable);
    - tensor.extract_slice of non-splat constants, and aic.reshape,
      tensor.expand_shape and tensor.collapse_shape of a single-use
      dense_resource (the blob is reused, not copied).
    Results above 64 elements become dense_resource blobs, like imported
    weights. Before:
      %a = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
      %y = aic.add %a, %a outs(%e) : (...) -> tensor<2xf32>
    After:
      %y = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "65536",
           "largest non-splat constant (in elements) a fold may create; "
           "larger results are computed at run time instead, so that a "
           "fold never keeps a big weight in the compiler twice (splats "
           "are free)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def FusePostOps : Pass<"aic-fuse-post-ops", "mlir::func::FuncOp"> {
  let summary = "Fold elementwise consumers of conv, matmul and binary ops "
                "into their post-op chain";
  let description = [{
    An elementwise op (relu, sigmoid, tanh, clip, exp) or a binary op whose
    other operand is available before the producer, consuming the single use
    of an `aic.conv`, `aic.matmul` or binary op, becomes an entry of the
    producer's post-op chain, so oneDNN applies it while the result is still
    in registers. An add of an operand of the result's shape into a conv or
    matmul becomes a `#aic.sum` instead: the producer writes into that
    operand (its destination) and oneDNN adds the old contents in place,
    the residual connection of a ResNet block. Before:
      %c = aic.conv %x, %w, %b outs(%e) {...} : ...
      %s = aic.add %c, %r outs(%e1) : ...
      %y = aic.relu %s outs(%e2) : ...
    After:
      %y = aic.conv %x, %w, %b outs(%r) {...,
             post_ops = [#aic.sum, #aic.eltwise<relu>]} : ...
    Other binary ops become `#aic.binary` entries with the operand in
    `post(...)`.
  }];
  let options = [
    Option<"maxChain", "max-chain", "unsigned", "4",
           "longest post-op chain to build (oneDNN executes longer chains "
           "slower than separate primitives)">,
    Option<"convBinary", "conv-binary", "bool", "true",
           "also fuse binary ops into convolutions (aic-assign-layouts "
           "then gives full-shape operands the conv's blocked layout)">
  ];
}

def AssignLayouts : Pass<"aic-assign-layouts", "mlir::func::FuncOp"> {
  let summary = "Choose blocked layouts with oneDNN and insert reorders";
  let description = [{
    Asks oneDNN, for the target CPU, which layouts each f32 `aic.conv` runs
    fastest in (format `any` for source, weights and destination) and gives
    its operands and result those layouts (`layouts` attribute, #aic.layout;
    a blocked value's type is its stored shape). Ops with the LayoutAgnostic
    interface (pooling, unary and binary elementwise ops, concat) take the
    layout of their first blocked input, so values stay blocked from one
    primitive to the next; broadcast operands stay dense row-major. Any other
    use of a blocked value gets it back through an `aic.reorder` (one per
    value and layout), so reorders sit only where layouts must change.
    Constant conv weights are reordered here, at compile time, into new
    constants in oneDNN's weights layout (padding zeroed); grouped weights
    are laid out as oneDNN's [groups, OC/groups, IC/groups, k...].
    Example (a 1x1 conv on a 1x64x56x56 input, then a return):
      %w = arith.constant dense_resource<w_ABcd16b16a> : tensor<4x4x1x1x16x16xf32>
      %r = aic.reorder %x outs(%e0) {layouts = [unit,
             #aic.layout<"aBcd16b", [1, 64, 56, 56]>]} : ...
      %c = aic.conv %r, %w outs(%e1) {layouts = [...], ...} : ...
      %y = aic.reorder %c outs(%e2) {layouts = [
             #aic.layout<"aBcd16b", [1, 64, 56, 56]>, unit]} : ...
      return %y
  }];
  let options = [
    Option<"targetIsa", "isa", "std::string", "\"host\"",
           "oneDNN ISA to ask about: host (this CPU), or a lower one "
           "(sse41, avx, avx2, avx512_core, avx512_core_vnni, "
           "avx512_core_bf16, avx512_core_amx)">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

def PackWeights : Pass<"aic-pack-weights", "mlir::ModuleOp"> {
  let summary = "Pack every constant global into one weights blob";
  let description = [{
    After bufferization, constants are `memref.global` constants read by
    `memref.get_global`. This pass packs their contents, 64-byte aligned, into
    one external global `@__aic_weights` whose bytes the module carries in the
    `aic.weights` attribute (the object emitter writes them straight into the
    library's read-only data, so no pass prints or copies weights as IR), and
    rewrites each `memref.get_global` into a `memref.view` of the blob.
    Before:
      memref.global "private" constant @w : memref<64xf32> = dense_resource<w>
      %0 = memref.get_global @w : memref<64xf32>
    After:
      memref.global constant @__aic_weights : memref<256xi8>
      %b = memref.get_global @__aic_weights : memref<256xi8>
      %0 = memref.view %b[%c0][] : memref<256xi8> to memref<64xf32>
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def PlanMemory : Pass<"aic-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place every intermediate buffer in one arena";
  let description = [{
    Runs after bufferization on `@main_graph`. Computes the live range of
    every `memref.alloc` (from the alloc to the last use of the buffer or of
    any view of it, uses inside regions counting at their top-level op) and
    packs them into one arena with a best-fit offset assignment, so buffers
    whose lifetimes do not overlap share memory. The function gets a trailing
    `memref<Nxi8>` arena argument and each alloc becomes a `memref.view` into
    it. Statically shaped outputs become trailing out-parameters (the
    caller's buffers) and take no arena space; outputs with a run-time dim
    stay results, each a dense `memref.alloc` of its own (a copy if needed),
    which convert-aic-to-runtime hands to the runtime. Every output argument
    or result gets `aic.output` = its index among the graph's outputs.

    Buffers with a run-time dim (downstream of NonZero, Unique, ...) are not
    placed: they stay `memref.alloc`s, which convert-aic-to-runtime turns into
    runtime allocations. One allocated in the function's block and not
    returned gets a `memref.dealloc` after the top-level op of its last use;
    one allocated in a region lives until the run ends.

    A buffer allocated inside an `scf.for` or `scf.while` (or a region nested
    in one) is live for the whole top-level op holding the loop, so every
    iteration reuses its slot. A buffer a loop yields into its next
    iteration gets a carry buffer allocated before the loop, into which it
    is copied at the end of each iteration: the next iteration's allocs then
    never overwrite the value that iteration reads. Allocs in other loops
    (whose iterations may overlap) are rejected.

    The module gets `aic.arena_size` (peak bytes) and `aic.arena_naive_size`
    (the sum of all intermediate buffer sizes, what no reuse would need).
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", "64",
           "alignment of every buffer in bytes">
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect"];
}

//===----------------------------------------------------------------------===//
// Conversion
//===----------------------------------------------------------------------===//

def ConvertAicToRuntime : Pass<"convert-aic-to-runtime", "mlir::ModuleOp"> {
  let summary = "Convert library ops on buffers into libaicrt calls";
  let description = [{
    Runs on the planned, bufferized `@main_graph` once its control flow is
    in blocks (after convert-scf-to-cf). Every op implementing
    RuntimePrimitive becomes a call to `aicrt_exec` on its buffers' pointers,
    followed by a branch that returns the status when it is not zero; its
    descriptor (aic/primitives.def, encoded by the op) becomes a constant
    global created once by `aic_model_init` through `aicrt_create`. The pass
    also emits the rest of aic/abi.h: `aic_model_run`, which turns the
    caller's pointers into memrefs and calls `@main_graph`, and the
    `aic_model_meta` struct (inputs, outputs, arena size, primitive count).
    Before:
      aic.relu %a outs(%b) : (memref<4xf32>, memref<4xf32>) -> ()
    After:
      %rc = func.call @aicrt_exec(%state, %c0_i32, %args, %c2_i32) : ...
      cf.cond_br %failed, ^fail(%rc : i32), ^next
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::cf::ControlFlowDialect"];
}

def LowerStrings : Pass<"aic-lower-strings", "mlir::ModuleOp"> {
  let summary = "Give !aic.string its in-memory form before the LLVM lowering";
  let description = [{
    Runs after convert-aic-to-runtime (which passes string buffers to the
    runtime as they are). A string element is aic_string_t, {const char *,
    size_t}: this pass replaces the element type !aic.string everywhere by
    complex<i64>, which the upstream conversions lower to that layout, and
    turns each constant string global into two LLVM globals, the bytes and
    the table of {pointer into them, size}, whose address becomes the
    buffer.
    Before:
      memref.global "private" constant @c : memref<2x!aic.string> =
          dense<["a", "bc"]>
      %0 = memref.get_global @c : memref<2x!aic.string>
    After:
      llvm.mlir.global internal constant @__aic_str_c_bytes("abc")
      llvm.mlir.global internal constant @__aic_str_c_table()
          : !llvm.array<2 x struct<(ptr, i64)>> { ... }
      %0 = llvm.mlir.addressof @__aic_str_c_table : !llvm.ptr
      ... (a memref descriptor of memref<2xcomplex<i64>> on it)
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect",
                           "mlir::memref::MemRefDialect"];
}

#endif // AIC_PASSES_TD
