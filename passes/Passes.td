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

def ContractionsToMatmuls
    : Pass<"aic-contractions-to-matmuls", "mlir::func::FuncOp"> {
  let summary = "Run tensor contractions (Einsum) as aic.matmul";
  let description = [{
    Finds f32 `linalg.generic`s with static shapes that compute
    out = sum(lhs * rhs) into a zero-filled output, each operand reading
    its loops in some order (no broadcast or diagonal), as the importer
    builds Einsum: every loop must be a batch loop (both operands and the
    output), a row loop (lhs and output), a column loop (rhs and output)
    or a contracted loop (both operands, summed), with rows or columns.
    Each becomes one `aic.matmul` of [batch, M, K] by [batch, K, N]
    (without the batch dim when there are no batch loops), M, N, K and
    batch each the product of their loops' sizes: an operand whose dims
    are in [batch..., rows..., contracted...] order (the rhs: [batch...,
    contracted..., columns...]) is only reshaped, one in the order with the
    two groups swapped sets `transpose_lhs` (`transpose_rhs`), any other is
    transposed first (`linalg.transpose`). The product is reshaped to the
    labels' dims (batch, rows, columns, each in the output's order) and
    transposed to the output's order if that differs. With run-time sizes,
    only contractions with one row, one column and one contracted loop
    are rewritten, without reshapes: the batch dims stay separate dims of
    the aic.matmul (numpy-style batch dims), sizes of new tensors read from
    the operands (`tensor.dim`). Runs before aic-fold-constants, which then
    transposes constant operands.
    Before ("bhid,bhjd->bhij"):
      %z = linalg.fill ins(%cst0 : f32) outs(%e : tensor<2x4x8x8xf32>)
      %s = linalg.generic {indexing_maps = [(b, h, i, j, d) -> (b, h, i, d),
             (b, h, i, j, d) -> (b, h, j, d), (b, h, i, j, d) -> (b, h, i, j)],
             ...} ins(%q, %k) outs(%z) { mulf, addf }
    After:
      %q3 = aic.reshape %q : tensor<2x4x8x16xf32> -> tensor<8x8x16xf32>
      %k3 = aic.reshape %k : tensor<2x4x8x16xf32> -> tensor<8x8x16xf32>
      %p = aic.matmul %q3, %k3 outs(%e3) {transpose_rhs} : ...
      %s = aic.reshape %p : tensor<8x8x8xf32> -> tensor<2x4x8x8xf32>
  }];
  let dependentDialects = ["::aic::AicDialect",
                           "mlir::linalg::LinalgDialect",
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
    A linalg.generic without loops (rank-0 operands) also becomes its
    payload on scalars and a tensor.from_elements, whatever its operands:
    the shape arithmetic of symbolic dims (a dim Gather takes out of a
    Shape) then folds.
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

def FoldInputScale : Pass<"aic-fold-input-scale", "mlir::func::FuncOp"> {
  let summary = "Fold per-channel scales of a conv's input into its weights";
  let description = [{
    An f32 `aic.conv` (one group, constant weights W [OC, C, k...]) whose
    input is the single use of `aic.mul` of x by per-channel factors s
    (broadcasting along every dim but the channels) computes conv(x, W * s):
    the factors scale W along its input channels (zero padding stays zero),
    by an `aic.mul` of the weights. That pays when W has at most 1/`ratio`
    of x's elements, as in the projection after a squeeze-and-excite block.
    Before:
      %y = aic.mul %x, %s outs(%e) : (tensor<1x96x56x56xf32>,
             tensor<1x96x1x1xf32>, tensor<1x96x56x56xf32>) -> ...
      %c = aic.conv %y, %w outs(%e1) {...}
    After:
      %s1 = aic.reshape %s : tensor<1x96x1x1xf32> -> tensor<96x1x1xf32>
      %ws = aic.mul %w, %s1 outs(%e2) : (tensor<24x96x1x1xf32>,
              tensor<96x1x1xf32>, tensor<24x96x1x1xf32>) -> ...
      %c = aic.conv %x, %ws outs(%e1) {...}
  }];
  let options = [
    Option<"ratio", "ratio", "int64_t", "16",
           "fold only if the input has at least this many times the "
           "weights' elements">
  ];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def FuseBinaryIntoLoops : Pass<"aic-fuse-binary-into-loops",
                                "mlir::func::FuncOp"> {
  let summary = "Compute a binary op on the result of a loop nest in the "
                "loop nest";
  let description = [{
    An f32 `aic.add`, `aic.sub`, `aic.mul` or `aic.div` without post-ops
    whose operand is the single use of an all-parallel `linalg.generic` (one
    result, written in order through the identity map) or of a
    `linalg.transpose` (generalized first) of the op's result type, and
    whose other operand is available before it, becomes one more step of
    the generic's body: the generic also reads the other operand (broadcast
    numpy-style; run-time dims are equal, as the importer checks) and
    yields the combination, so no library call reads and writes the whole
    tensor again. An embedding lookup (a Gather, imported as a generic) plus
    a position embedding is one loop nest; so is a residual add on a
    sequence-first result transposed back. The arithmetic is the same IEEE
    f32 operation.
    Before:
      %g = linalg.generic {...} ins(%ids : tensor<1x64xi64>)
             outs(%e : tensor<1x64x256xf32>) {... linalg.yield %x : f32}
      %y = aic.add %g, %pos outs(%e) : (...) -> tensor<1x64x256xf32>
    After:
      %y = linalg.generic {...} ins(%ids, %pos : tensor<1x64xi64>,
             tensor<1x64x256xf32>) outs(%e : tensor<1x64x256xf32>) {
        ... %s = arith.addf %x, %p : f32
        linalg.yield %s : f32}
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect"];
}

def FusePostOps : Pass<"aic-fuse-post-ops", "mlir::func::FuncOp"> {
  let summary = "Fold elementwise consumers of conv, matmul and binary ops "
                "into their post-op chain";
  let description = [{
    An elementwise op (relu, sigmoid, tanh, swish, gelu, ...) or a binary op
    whose other operand is available before the producer, consuming the
    single use of an `aic.conv`, `aic.matmul` or binary op, becomes an entry
    of the producer's post-op chain, so oneDNN applies it while the result
    is still in registers. Only where NaN comes out as ONNX computes it:
    oneDNN 2.6's relu (alpha 0), clip, exp and binary max/min post-ops lose
    it on every ISA. A relu (or a clip to [0, +inf]) and a clip whose bounds
    hold 0 (ReLU6) are fused as oneDNN's: the runtime sees in the FPU's
    flags whether a NaN met one and then computes the run again with their
    exact forms (runtime/NanGuard.h), which for a clip runs after the
    primitive, so a clip ends its chain. An unbounded clip disappears;
    other clips, exp, max and min stay unfused (aic-propagate-nan fixes
    them). An add of an operand of the result's shape into a conv or
    matmul becomes a `#aic.sum` instead: the producer writes into that
    operand (its destination) and oneDNN adds the old contents in place,
    the residual connection of a ResNet block. Before:
      %c = aic.conv %x, %w, %b outs(%e) {...} : ...
      %s = aic.add %c, %r outs(%e1) : ...
      %y = aic.relu %s outs(%e2) : ...
    After:
      %y = aic.conv %x, %w, %b outs(%r) {...,
             post_ops = [#aic.sum, #aic.eltwise<elu>, #aic.eltwise<abs>]} : ...
    Other binary ops become `#aic.binary` entries with the operand in
    `post(...)`; a leading add of a vector along the last dim into a matmul
    without bias becomes its bias (oneDNN adds a bias inside the GEMM kernel,
    while a binary post-op costs a few percent of the product).
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

def InlineSmallMatmuls : Pass<"aic-inline-small-matmuls",
                              "mlir::func::FuncOp"> {
  let summary = "Compute small matrix products in generated code";
  let description = [{
    A library call has a fixed cost of about a microsecond, more than a
    product as small as a recurrent cell's 1x64 by 64x256 step takes when
    computed inline. Every f32 `aic.matmul` on 2-D operands without post-ops
    whose M x N x K is at most `max-macs` becomes loops on tensors: the
    output starts as the bias broadcast (or zero); for each row m and each
    block of 128 output columns (and the remaining ones), a loop over k
    carries the block as a vector (in registers once lowered) and adds
    broadcast(lhs[m, k]) * rhs[k, block] with `vector.fma`; a last generic
    scales by alpha when alpha is not 1. A transposed left operand is read
    transposed; a transposed right operand must be a constant, which is
    transposed at compile time. A product whose M is a run-time dim (a
    symbolic batch) is computed inline for runs where M x N x K is at most
    `max-macs` and by the library otherwise, both under one `scf.if` on M.
    A constant right operand is stored block by block ([blocks, K, 128],
    then the remaining columns as [K, rest]), so that a block is one
    contiguous range (rows of 128 columns a full row apart fill only half
    of L1's sets); inside a loop (a recurrent cell's steps), odd iterations
    take the blocks in reverse order, starting with those the previous
    iteration left in L1. Each output column sums over k in the same order
    either way.
    Before:
      %y = aic.matmul %h, %r outs(%e) : (tensor<1x64xf32>, tensor<64x256xf32>,
             tensor<1x256xf32>) -> tensor<1x256xf32>
    After:
      %z = linalg.fill ins(%cst : f32) outs(%e0 : tensor<1x256xf32>)
      %y = scf.for %m = %c0 to %c1 step %c1 iter_args(%o = %z) {
        %r = scf.for %n = %c0 to %c256 step %c128 iter_args(%p = %o) {
          %v = vector.transfer_read %p[%m, %n] : tensor<1x256xf32>, vector<128xf32>
          %s = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %v) {
            %a = tensor.extract %h[%m, %k] : tensor<1x64xf32>
            %b = vector.broadcast %a : f32 to vector<128xf32>
            %w = vector.transfer_read %r[%k, %n] : tensor<64x256xf32>, vector<128xf32>
            %f = vector.fma %b, %w, %acc : vector<128xf32>
            scf.yield %f
          }
          %q = vector.transfer_write %s, %p[%m, %n] : vector<128xf32>, tensor<1x256xf32>
          scf.yield %q
        }
        scf.yield %r
      }
  }];
  let options = [
    Option<"maxMacs", "max-macs", "int64_t", "32768",
           "largest M x N x K computed inline">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::math::MathDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect"];
}

def RecognizeHardSwish
    : Pass<"aic-recognize-hard-swish", "mlir::func::FuncOp"> {
  let summary = "Replace x * HardSigmoid(x) by aic.hard_swish";
  let description = [{
    Finds the product of x and HardSigmoid(x) with alpha 1/6 and beta 1/2
    (the compiled loops the importer builds for ONNX HardSigmoid,
    min(max(alpha * x + beta, 0), 1)), as PyTorch exports nn.Hardswish
    before opset 14, and replaces it by one `aic.hard_swish`, which
    aic-fuse-post-ops then makes a post-op of the convolution producing x.
    A HardSigmoid with other uses, or other constants, is left alone.
    Before:
      %h = linalg.generic ins(%x) ... { mulf, addf, maximumf, minimumf }
      %y = aic.mul %x, %h outs(%e) : ...
    After:
      %y = aic.hard_swish %x outs(%e) : ...
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def RecognizeGelu : Pass<"aic-recognize-gelu", "mlir::func::FuncOp"> {
  let summary = "Replace GELU formulas by aic.gelu";
  let description = [{
    Finds x * 0.5 * (1 + erf(x / sqrt(2))) (erf of x * 0.7071... too) and
    x * 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) (x^3 as a Pow
    or a product) as the importer builds them from exporters' Mul, Div,
    Add, Erf, Tanh and Pow nodes, with the factors of each product in any
    order and grouping, and replaces each by one `aic.gelu` (with
    `tanh_approximation` for the second). The formula's constants must be
    the exact values to f32 precision; intermediate values with other uses
    leave the formula alone. aic-fuse-post-ops then makes the GELU a
    post-op of the matmul producing x.
    Before:
      %u = aic.div %x, %sqrt2 outs(%e0) : ...
      %erf = linalg.generic ... { math.erf } -> tensor<64x1024xf32>
      %t = aic.add %erf, %one outs(%e1) : ...
      %p = aic.mul %x, %t outs(%e2) : ...
      %y = aic.mul %p, %half outs(%e3) : ...
    After:
      %y = aic.gelu %x outs(%e3) : ...
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def RecognizeLayerNorm : Pass<"aic-recognize-layer-norm",
                              "mlir::func::FuncOp"> {
  let summary = "Replace decomposed layer normalizations by aic.layer_norm";
  let description = [{
    Finds (x - mean(x)) / sqrt(mean((x - mean(x))^2) + epsilon), means over
    x's last dim (ReduceMean with the dim kept, as imported), the square a
    Pow by 2 or a product, epsilon a splat constant on either side of its
    add, and an optional following multiply by a vector over the last dim
    (the scale) and add of another (the bias), and replaces it by one f32
    `aic.layer_norm` of x. Intermediate values that have other uses are
    still computed for them.
    Before:
      %m = aic.reshape (mean of %x over dim 2) : tensor<1x64xf32> -> tensor<1x64x1xf32>
      %d = aic.sub %x, %m outs(%e0) : ...
      ... (Pow, mean, Add epsilon, Sqrt)
      %n = aic.div %d, %s outs(%e1) : ...
      %g = aic.mul %n, %gamma outs(%e2) : ...
      %y = aic.add %g, %beta outs(%e3) : ...
    After:
      %y = aic.layer_norm %x, %gamma, %beta outs(%e3) {epsilon = 1.0e-05 : f64}
           : (tensor<1x64x256xf32>, tensor<256xf32>, tensor<256xf32>,
              tensor<1x64x256xf32>) -> tensor<1x64x256xf32>
  }];
}

def NormalizeMatmuls : Pass<"aic-normalize-matmuls", "mlir::func::FuncOp"> {
  let summary = "Absorb transposes, reshapes and scales into matmuls";
  let description = [{
    Rewrites the data movement exporters put around matmuls into the
    matmul's own parameters:
    - a linalg.transpose that keeps the order of its non-unit dims is an
      aic.reshape (a view; PyTorch's [1, S, D] -> [S, 1, D]);
    - a matmul operand transpose(x, p) that moves x's innermost dim and
      puts it second to last is transpose(x, p') with p's last two entries
      swapped (no transpose when p' is the identity) and the matmul's
      transpose flag flipped, so that the copy moves whole rows;
    - an operand scaled by a splat constant (mul, or div by it), and, for a
      matmul without bias or post-ops, its result scaled so, moves into the
      matmul's alpha;
    - a matmul whose batch dims are its left operand's alone (the right one
      is 2-D or has unit batch dims) becomes one 2-D matmul of
      [batch * M, K] rows, its operands, destination, bias and post operands
      reshaped (views) and the result reshaped back; a bias or post operand
      that broadcasts along only some batch dims keeps it batched;
    - a reshape of a slice of the last dim that the reshape splits (a Q, K
      or V third of a fused projection split into heads), read only by
      linalg ops, becomes a slice of the reshaped whole: a strided view
      instead of a copy.
    - matmuls of one left operand by constant 2-D weights, without
      transposes, scale, bias or post-ops (Q, K and V projections exported
      apart), become one matmul by the weights side by side whose column
      slices replace their results; constant bias vectors added to each
      merge into one add.
    aic-fuse-post-ops fuses consumers through the reshape behind a
    collapsed matmul.
    Before:
      %t = linalg.transpose ins(%x : tensor<1x64x256xf32>)
             outs(%e : tensor<64x1x256xf32>) permutation = [1, 0, 2]
      %y = aic.matmul %t, %w outs(%e1) : (tensor<64x1x256xf32>,
             tensor<256x768xf32>, tensor<64x1x768xf32>) -> tensor<64x1x768xf32>
    After:
      %a = aic.reshape %x : tensor<1x64x256xf32> -> tensor<64x256xf32>
      %i = aic.reshape %e1 : tensor<64x1x768xf32> -> tensor<64x768xf32>
      %m = aic.matmul %a, %w outs(%i) : (tensor<64x256xf32>,
             tensor<256x768xf32>, tensor<64x768xf32>) -> tensor<64x768xf32>
      %y = aic.reshape %m : tensor<64x768xf32> -> tensor<64x1x768xf32>
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect",
                           "mlir::linalg::LinalgDialect"];
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

def SplitSlowPostOps : Pass<"aic-split-slow-post-ops", "mlir::func::FuncOp"> {
  let summary = "Unfuse binary post-ops that put a matmul on oneDNN's reference kernel";
  let description = [{
    Asks oneDNN, for the target CPU, which kernel each `aic.matmul` with a
    binary post-op gets, described as the runtime describes it (plain
    operands, constant weights in the layout oneDNN picks). Where the chain
    makes it oneDNN's reference kernel (a binary operand broadcast along
    dims the optimized kernels do not take, such as a 1 x heads x N x N
    bias added to the scores of a batch of attention windows) and the chain
    before that binary entry does not, the entry and the rest of the chain
    move into an aic binary op after the matmul, run by its own primitive.
    A chain with a sum post-op from that entry on is left alone.
    Before:
      %s = aic.matmul %q, %k post(%bias) outs(%e) {transpose_rhs,
             post_ops = [#aic.binary<add>]}
           : (tensor<64x3x49x32xf32>, tensor<64x3x49x32xf32>,
              tensor<1x3x49x49xf32>, tensor<64x3x49x49xf32>) -> ...
    After:
      %m = aic.matmul %q, %k outs(%e) {transpose_rhs} : ...
      %s = aic.add %m, %bias outs(%e2) : ...
  }];
  let options = [
    Option<"targetIsa", "isa", "std::string", "\"host\"",
           "oneDNN ISA to ask about (as aic-assign-layouts' option)">,
  ];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def PropagateNaN : Pass<"aic-propagate-nan", "mlir::func::FuncOp"> {
  let summary = "Make unfused relu, clip and exp propagate NaN";
  let description = [{
    oneDNN 2.6's f32 relu and clip kernels return their lower bound for NaN
    and its exp returns +inf, on every ISA; ONNX propagates NaN.
    aic-fuse-post-ops fuses them only in a form that propagates NaN; this
    pass fixes the ones left standalone, after aic-assign-layouts (on the
    stored shape, whose blocked padding holds zeros):
    - `aic.relu` and an `aic.clip` with min <= 0 <= max (f(0) is 0, so a
      blocked layout's padding stays zero) become a linalg.generic of
      compare-selects that is oneDNN's maxps(x, lo), minps(., hi) bit for
      bit (the bound on ties and for -0) except that NaN stays:
        %m = select(cmpf ugt %x, %lo), %x, %lo
        %y = select(cmpf ult %m, %hi), %m, %hi
      (as fast as oneDNN's kernel on one thread).
    - `aic.exp` and the other clips stay library ops, followed by a NaN
      fix-up: y = isnan(x) ? x : y.
    Example:
      %y = aic.relu %x outs(%e) : ...
    becomes
      %y = linalg.generic {...} ins(%x) outs(%e) {
        ^bb0(%a: f32, %b: f32):
          %p = arith.cmpf ugt, %a, %zero : f32
          %r = arith.select %p, %a, %zero : f32
          linalg.yield %r : f32 }
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
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

def OwnDestinations : Pass<"aic-own-destinations", "mlir::func::FuncOp"> {
  let summary = "Give every destination a tensor.empty of its own";
  let description = [{
    Runs right before bufferization. CSE merges equal `tensor.empty` ops, so
    many ops share one destination tensor; one-shot bufferization would
    analyse every pair of them for conflicts (quadratic in their number) and
    write many values into one buffer over the graph. Every destination
    operand of a destination-style op gets a `tensor.empty` of its own
    instead (the last user in a block keeps the shared one). Destinations in
    different blocks (the branches of an `scf.if`, which run exclusively)
    keep sharing, so both branches write one buffer. aic-plan-memory then
    decides which buffers share memory, and aic-concat-in-place finds a
    buffer per concat input. The tensor arguments of `@main_graph` (the
    graph's inputs, the caller's memory) are marked
    `bufferization.writable = false`, so that an op computing in place on
    an input (ScatterND, ScatterElements) writes into a copy.
    Before:
      %e = tensor.empty() : tensor<1x32x8x8xf32>
      %a = aic.conv %x, %w1 outs(%e) ...
      %b = aic.conv %x, %w2 outs(%e) ...
    After:
      %e1 = tensor.empty() : tensor<1x32x8x8xf32>
      %a = aic.conv %x, %w1 outs(%e1) ...
      %b = aic.conv %x, %w2 outs(%e) ...
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def ConstantsToGlobals : Pass<"aic-constants-to-globals", "mlir::ModuleOp"> {
  let summary = "Turn tensor constants into memref globals before bufferization";
  let description = [{
    What one-shot bufferization does to a tensor `arith.constant`, done once
    for the module in linear time (bufferization's own translation scans the
    module and rebuilds a symbol table for every constant). Equal constants
    share one private constant global (64-byte aligned); each constant becomes
    a `memref.get_global` read through a `restrict` `bufferization.to_tensor`,
    which bufferization never writes. Constants with a tensor encoding are left
    to bufferization.
    Before:
      %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
    After:
      memref.global "private" constant @__aic_constant_0 : memref<2xf32> = dense<[1.0, 2.0]> {alignment = 64 : i64}
      %0 = memref.get_global @__aic_constant_0 : memref<2xf32>
      %c = bufferization.to_tensor %0 restrict : memref<2xf32>
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect"];
}

def ConcatInPlace : Pass<"aic-concat-in-place", "mlir::func::FuncOp"> {
  let summary = "Let the producers of a concat write into its result";
  let description = [{
    Runs after bufferization. When the inputs of an `aic.concat` are
    consecutive byte ranges of its result (in the stored layout: every dim
    stored outside the concat axis has extent 1, e.g. channels of one image
    in NCHW or in a channel-blocked layout whose blocks divide each input's
    channels), and each input is a buffer of its own that is not used after
    the concat, while the result is not used before it, the input buffers
    become views of the result's buffer at their offsets and the concat
    disappears: the ops writing the inputs write the result. All buffers
    involved are `memref.alloc`s of the function's body (aic-plan-memory
    then places the shared buffer as one).
    Before:
      %a = memref.alloc() : memref<1x2x8x8x16xf32>
      %b = memref.alloc() : memref<1x2x8x8x16xf32>
      %d = memref.alloc() : memref<1x4x8x8x16xf32>
      aic.conv ... outs(%a) ...
      aic.conv ... outs(%b) ...
      aic.concat %a, %b outs(%d) {axis = 1 : i64, layouts = [...]}
    After:
      %buf = memref.alloc() : memref<16384xi8>
      %d = memref.view %buf[%c0][] : memref<16384xi8> to memref<1x4x8x8x16xf32>
      %a = memref.view %buf[%c0][] : memref<16384xi8> to memref<1x2x8x8x16xf32>
      %b = memref.view %buf[%c8192][] : memref<16384xi8> to memref<1x2x8x8x16xf32>
      aic.conv ... outs(%a) ...
      aic.conv ... outs(%b) ...

    Concats that each take the inputs of the one before and more (DenseNet's
    feature reuse) share the last one's buffer: every input has one place,
    each result is a prefix (its readers, which must only read it, come
    before the last concat), and all those concats disappear.

    With a batch stored first (dim 0 of extent N > 1, or known only at run
    time) each image holds a part of every input, so an input is a
    batch-strided slice of the result. No library kernel writes such a
    destination, so the ops using an input buffer (all `BatchSeparable`,
    taking it as a batch operand; the readers of a shared prefix too) run in
    an `scf.for` over the batch, each on the slices of one image, which are
    dense:
      %d = memref.alloc(%n) : memref<?x4x8x8x16xf32>
      %a = memref.subview %d[0, 0, 0, 0, 0] [%n, 2, 8, 8, 16] [1, 1, 1, 1, 1]
      %b = memref.subview %d[0, 2, 0, 0, 0] [%n, 2, 8, 8, 16] [1, 1, 1, 1, 1]
      scf.for %i = %c0 to %n step %c1 {
        %x_i = memref.subview %x[%i, 0, 0, 0, 0] [1, 1, 8, 8, 16] [...]
        %a_i = memref.subview %a[%i, 0, 0, 0, 0] [1, 2, 8, 8, 16] [...]
        aic.conv %x_i, ... outs(%a_i) {layouts = [<..., [1, 16, 8, 8]>, ...]}
      }
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def TileConvChains : Pass<"aic-tile-conv-chains", "mlir::func::FuncOp"> {
  let summary = "Run chains of convolutions strip by strip of output rows";
  let description = [{
    Runs after bufferization, before aic-plan-memory. A chain is a run of
    2-D `aic.conv`s, each reading the one before's result, a buffer of its
    own that nothing else uses, with the batch and then the rows stored
    outermost (NHWC: a range of rows of one image is one dense range) in
    every input, result and post operand not broadcast over the rows. Such
    a chain writes each intermediate to memory and reads it back; when
    those intermediates together hold at least `min-bytes` per image, the
    chain runs instead strip by strip of its last convolution's output
    rows: each convolution computes the rows the next one reads
    (recomputing the halo rows two strips share) into a buffer one strip
    high, and the last writes its strip of the result. The strips are as
    high as keeps their intermediates within `strip-bytes`. Each strip's
    convolution is the original on row slices, with the padding of its
    rows (top padding only in the first strip, bottom only in the last);
    strips of one shape whose offsets grow evenly run in one `scf.for`.
    An intermediate that fits `strip-bytes` by itself ends a chain: it
    stays in cache as it is. A chain of three convolutions or more may
    write its result over its input (a residual added in place, as in
    MobileNetV2): each strip's first convolution then runs before the
    last one of the strip before, so it reads its rows (halo included)
    before they are overwritten, and between that strip's last two, so it
    overwrites no intermediate still to be read. A batch other than 1
    (static or known at run time) runs image by image in an `scf.for`,
    each image's strips on its slices, the strip buffers holding one image.
    Before:
      %t = memref.alloc() : memref<1x112x112x96xf32>
      aic.conv %x, %w1, %b1 outs(%t) {pads = [0, 0, 0, 0], ...}
      aic.conv %t, %w2, %b2 outs(%y) {pads = [1, 1, 1, 1], strides = [2, 2], group = 96, ...}
    After (strips of 8 output rows):
      %s = memref.alloc() : memref<1x17x112x96xf32>
      aic.conv %x[rows 0 to 16), %w1, %b1 outs(%s[rows 0 to 16)) ...
      aic.conv %s[rows 0 to 16), %w2, %b2 outs(%y[rows 0 to 8)) {pads = [1, 1, 0, 1], ...}
      scf.for %i = %c0 to %c6 step %c1 {
        aic.conv %x[17 rows from 15 + 16 i], %w1, %b1 outs(%s) ...
        aic.conv %s, %w2, %b2 outs(%y[8 rows from 8 + 8 i]) {pads = [0, 1, 0, 1], ...}
      }
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", "4194304",
           "least bytes of one image's intermediates a chain must stream to "
           "be tiled (smaller chains gained nothing on 2 threads)">,
    Option<"stripBytes", "strip-bytes", "int64_t", "1048576",
           "most bytes of intermediates in one strip">
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
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

def ParallelizeLoops : Pass<"aic-parallelize-loops", "mlir::ModuleOp"> {
  let summary = "Split generated loops over the run's threads";
  let description = [{
    Runs on bufferized IR, after aic-plan-memory. A linalg op on buffers
    becomes a call of the runtime's `aicrt_parallel_for` (aic/abi.h), which
    divides its outer parallel loops into contiguous ranges over the run's
    thread team, when
      - its leading loops are parallel and index every output by a result
        of their own, in a layout where distinct indices are distinct
        elements (so distinct iterations write distinct elements),
      - its body only computes and reads memory (no calls, no writes),
      - no output overlaps another buffer it reads or writes, other than the
        same view read at the same index (an op in place), judged from the
        views of arena, allocs, globals and function arguments (distinct
        arguments taken as distinct buffers: a graph's inputs and outputs),
      - and its work (loop trip counts times the body's ops) is at least
        twice `min-work`, when the trip counts are static.
    As many leading parallel loops as give about a thousand iterations are
    collapsed into the range split, but for a `linalg.transpose` of 32-bit
    elements that moves the innermost dim only the loops outside the one
    reading along the source's innermost dim (aic-vectorize-transposes
    tiles that loop and the innermost one; none: no split). Each range gets at least `min-work` of
    work (the grain, computed at run time for dynamic trip counts); the
    runtime runs the whole range on the calling thread when there are not
    two such ranges, on one thread, or inside a parallel region. Reduction
    loops stay inside each iteration, so results are bit-identical to the
    serial loops.

    The loop nest moves into a private function `(ptr, i64 begin, i64 end)`
    running outer iterations [begin, end) (delinearized into the collapsed
    loops); the values it uses (buffers, scalars) cross in a context struct
    in the caller's stack frame, memrefs as their LLVM descriptors through
    `builtin.unrealized_conversion_cast`, which reconcile away after the
    LLVM conversion. Constants are cloned instead.
    Example (a NaN-keeping clip, 4 ops per element):
      linalg.generic {... iterator_types = ["parallel"]}
          ins(%a : memref<1048576xf32>) outs(%b : memref<1048576xf32>) {...}
    becomes
      %s = llvm.insertvalue ... : !llvm.struct<(struct<(ptr, ptr, i64, ...)>, ...)>
      llvm.store %s, %ctx
      %f = constant @main_graph_parallel : (!llvm.ptr, i64, i64) -> ()
      call @aicrt_parallel_for(%f, %ctx, %c1048576, %c8192) : ...
    with @main_graph_parallel looping over [begin, end) on the loaded
    descriptors.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", "32768",
           "least work (iterations times body ops) per thread: less pays "
           "more for waking a thread than it saves">
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::scf::SCFDialect"];
}

def PrefetchNextSlices : Pass<"aic-prefetch-next-slices", "mlir::ModuleOp"> {
  let summary = "Prefetch the slices a loop's next iteration reads";
  let description = [{
    Runs on buffers, before scf lowers to branches. A loop that takes a
    slice per iteration of a buffer computed before it (memref.subview at
    an offset that is the induction variable, of static shape and at most
    `max-bytes`), as a recurrent cell's steps read their input projections,
    reads the slice late in the iteration and waits on its lines, which
    another core wrote when the projections ran on several threads. At the
    start of each iteration, the slices of the next one (the last iteration:
    its own again) are prefetched, one memref.prefetch per 64-byte line of
    each innermost row:
      scf.for %t = %c0 to %c100 step %c1 {
        %n = arith.select (%t + 1 < 100), (%t + 1), %t
        %next = memref.subview %proj[%n, 0, 0] [1, 1, 64] [1, 1, 1]
        memref.prefetch %next[%c0, %c0], read, locality<3>, data
        ... (every 16 floats)
        %s = memref.subview %proj[%t, 0, 0] [1, 1, 64] [1, 1, 1]
        ...
      }
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", "4096",
           "largest slice prefetched">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def VectorizeTransposes
    : Pass<"aic-vectorize-transposes", "mlir::ModuleOp"> {
  let summary = "Move transposes of the innermost dim in 16x16 tiles";
  let description = [{
    Runs on loops over buffers, after the linalg ops have become loops (in
    the functions aic-parallelize-loops outlines too). A perfect nest of
    scf.for loops from 0 in steps of 1 whose innermost body copies one
    32-bit element, `B[..., a, ..., b] = A[..., b, ..., a]`, where `b` is
    the innermost loop and `a` the loop of an enclosing one (loops between
    them, with bounds from outside, are other dims), both loops covering
    their buffer's innermost dim and both innermost dims of unit stride,
    becomes tiles of 16 x 16: the `a` loop steps by 16, and a loop over `b`
    in steps of 16 reads 16 rows of A (16 elements along `a` each, masked
    past the end; rows past the end of `b` read the last row again, which
    is never written), transposes them with `vector.transpose` and writes
    16 rows of B (16 elements along `b` each, masked past the end; rows past
    the end of `a` are skipped). The pass lowers its transposes to the
    shuffles of a 16 x 16 transpose (`shuffle_16x16`). A nest copying
    between overlapping rows of one buffer is not such a nest: generated
    code never copies between overlapping distinct buffers.
    Example:
      scf.for %a = %c0 to %c7 step %c1 {
        scf.for %b = %c0 to %c256 step %c1 {
          %x = memref.load %src[%b, %a] : memref<256x7xf32>
          memref.store %x, %dst[%a, %b] : memref<7x256xf32>
        }
      }
    becomes
      scf.for %a = %c0 to %c7 step %c16 {
        scf.for %b0 = %c0 to %c256 step %c16 {
          (16 x vector.transfer_read %src[%b0 + k, %a], vector.insert)
          %t = vector.transpose %tile, [1, 0] (as shuffles)
          (16 x scf.if %a + m < 7: vector.extract, vector.transfer_write
           %dst[%a + m, %b0])
        }
      }
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect"];
}

def VectorizeCopies : Pass<"aic-vectorize-copies", "mlir::ModuleOp"> {
  let summary = "Move rows of copy loops in vectors";
  let description = [{
    Runs on loops over buffers, after the linalg ops have become loops (in
    the functions aic-parallelize-loops outlines too). An innermost scf.for
    from 0 to a static N (at least one 64-byte vector) whose body copies
    one element, `B[..., i] = A[..., i]` with the other indices defined
    outside the loop and both rows of unit stride, moves the row in vectors
    (vector.load / vector.store); the elements past the last whole vector
    stay in the loop. LLVM vectorizes such loops only where it can tell the
    buffers apart, which it cannot in outlined bodies or between views of
    an arena planned per shape; generated code never copies between
    overlapping rows of distinct buffers. Ops of the body that only compute
    where the source row starts (an embedding's table row from an index it
    loads and clamps) move before the loop first, if none depends on the
    induction variable and none loads from the buffer the loop stores to.
    Example:
      scf.for %k = %c0 to %c64 step %c1 {
        %x = memref.load %a[%j, %i, %k] : memref<?x4x64xf32>
        memref.store %x, %b[%i, %j, %k] : memref<4x?x64xf32>
      }
    becomes
      scf.for %k = %c0 to %c64 step %c16 {
        %v = vector.load %a[%j, %i, %k] : memref<?x4x64xf32>, vector<16xf32>
        vector.store %v, %b[%i, %j, %k] : memref<4x?x64xf32>, vector<16xf32>
      }
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect"];
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

def ExpandMath : Pass<"aic-expand-math", "mlir::ModuleOp"> {
  let summary = "Decide how float math ops are computed";
  let description = [{
    Runs on the generated loops, before the math-to-LLVM/libm conversions.
    `math.exp`, `math.expm1`, `math.log`, `math.log1p`, `math.log2`,
    `math.tanh` and `math.erf` on f32 (and on f16/bf16, computed in f32)
    become the upstream polynomial approximations
    (populateMathPolynomialApproximationPatterns): arith only, so LLVM
    vectorizes the loops around them instead of calling libm per element.
    Their error is a few ulp; results below FLT_MIN flush to zero, as in
    oneDNN's eltwise primitives (test/e2e/math-accuracy.test measures both
    against float64 references, with NaN, +-inf and subnormal operands). An
    f32 `math.log`/`math.log2` first scales subnormal operands into the
    normal range, which the approximation needs. f64 `math.expm1` and
    `math.log1p` become calls to libm's expm1 and log1p (the math-to-LLVM
    conversion would compute exp(x) - 1 and log(1 + x)); other f64 math
    stays with the upstream conversions.
    Before:
      %y = math.tanh %x : f32
      %z = math.expm1 %d : f64
    After:
      (clamp, rational polynomial in arith.mulf/addf/divf, select)
      %z = call @expm1(%d) : (f64) -> f64
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
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
