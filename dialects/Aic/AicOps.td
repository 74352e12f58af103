//===- AicOps.td - aic operations --------------------------*- tablegen -*-===//
#ifndef AIC_OPS_TD
#define AIC_OPS_TD

include "AicDialect.td"
include "AicAttrs.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Aic_ConstantOp : Aic_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "output"]>]> {
  let summary = "a constant tensor (weights, shapes, scalars)";
  let description = [{
    Large ONNX initializers are imported as `dense_resource` blobs.
    Example:
      %w = aic.constant dense_resource<conv1.weight> : tensor<6x1x5x5xf32>
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyRankedTensor:$output);
  let hasFolder = 1;
  let assemblyFormat = "attr-dict $value";
}

//===----------------------------------------------------------------------===//
// Neural-network ops
//===----------------------------------------------------------------------===//

def Aic_ConvOp : Aic_Op<"conv", [Pure, AttrSizedOperandSegments]> {
  let summary = "N-d convolution with an optional fused post-op chain";
  let description = [{
    Mirrors ONNX Conv (NCHW input, OIHW weight) with normalized attributes:
    `pads` is [begin..., end...]; auto_pad is resolved by the importer.
    The post-op chain is applied to the convolution's result in order; each
    `#aic.binary` entry consumes the next `post` operand.
    Example:
      %y = aic.conv %x, %w, %b post(%r) {strides = array<i64: 1, 1>,
             dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
             group = 1 : i64, post_ops = [#aic.binary<add>, #aic.eltwise<relu>]}
           : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>,
              tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                   Optional<AnyRankedTensor>:$bias,
                   Variadic<AnyRankedTensor>:$post_operands,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, I64Attr:$group,
                   DefaultValuedAttr<Aic_PostOpArrayAttr, "{}">:$post_ops);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`post` `(` $post_operands^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

class Aic_PoolOp<string mnemonic> : Aic_Op<mnemonic, [Pure]> {
  let arguments = (ins AnyRankedTensor:$input,
                   DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$pads);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Aic_MaxPoolOp : Aic_PoolOp<"max_pool"> {
  let summary = "N-d max pooling (also global max pooling)";
  let description = [{
    `pads` is [begin..., end...]. ONNX ceil_mode is resolved by the importer
    into extra end padding, so the output shape follows from the attributes.
    Example:
      %y = aic.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
             dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
           : tensor<1x6x28x28xf32> -> tensor<1x6x14x14xf32>
  }];
}

def Aic_AvgPoolOp : Aic_PoolOp<"avg_pool"> {
  let summary = "N-d average pooling (also global average pooling)";
  let description = [{
    Like `aic.max_pool`; `count_include_pad` says whether padded elements
    count in the divisor.
    Example:
      %y = aic.avg_pool %x {kernel = array<i64: 7, 7>, strides = array<i64: 1, 1>,
             dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
           : tensor<1x512x7x7xf32> -> tensor<1x512x1x1xf32>
  }];
  let arguments = (ins AnyRankedTensor:$input,
                   DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$pads,
                   UnitAttr:$count_include_pad);
}

def Aic_SoftmaxOp : Aic_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "softmax along one axis";
  let description = [{
    Opset 13 semantics: normalizes along `axis` only (the importer reshapes
    older opsets' coerced-to-2D form).
    Example:
      %y = aic.softmax %x {axis = 1 : i64} : tensor<1x10xf32>
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

def Aic_MatmulOp : Aic_Op<"matmul", [Pure, AttrSizedOperandSegments]> {
  let summary = "batched matrix product with transposes, bias and post-ops";
  let description = [{
    output = alpha * op(lhs) x op(rhs) + bias, then the post-op chain, where
    op() swaps the two innermost dimensions when `transpose_lhs`/`rhs` is set.
    Batch dimensions broadcast numpy-style; operands have rank >= 2 and the
    bias broadcasts to the output. ONNX MatMul and Gemm both become this op.
    Example:
      %y = aic.matmul %a, %w, %b {transpose_rhs,
             post_ops = [#aic.eltwise<relu>]}
           : (tensor<1x400xf32>, tensor<120x400xf32>, tensor<120xf32>)
             -> tensor<1x120xf32>
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                   Optional<AnyRankedTensor>:$bias,
                   Variadic<AnyRankedTensor>:$post_operands,
                   UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs,
                   DefaultValuedAttr<F64Attr, "1.0">:$alpha,
                   DefaultValuedAttr<Aic_PostOpArrayAttr, "{}">:$post_ops);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? (`post` `(` $post_operands^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Aic_BinaryOp<string mnemonic, string desc> : Aic_Op<mnemonic, [Pure]> {
  let summary = "elementwise " # desc # " with numpy broadcasting";
  let description = [{
    Both operands broadcast to the result (ONNX multidirectional
    broadcasting); a post-op chain may be fused into it.
    Example:
      %y = aic.}] # mnemonic # [{ %a, %b : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>)
           -> tensor<1x64x56x56xf32>
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                   Variadic<AnyRankedTensor>:$post_operands,
                   DefaultValuedAttr<Aic_PostOpArrayAttr, "{}">:$post_ops);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $lhs `,` $rhs (`post` `(` $post_operands^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    ::aic::BinaryKind getKind();
  }];
}

def Aic_AddOp : Aic_BinaryOp<"add", "addition"> { let hasCanonicalizer = 1; }
def Aic_SubOp : Aic_BinaryOp<"sub", "subtraction">;
def Aic_MulOp : Aic_BinaryOp<"mul", "multiplication"> {
  let hasCanonicalizer = 1;
}
def Aic_DivOp : Aic_BinaryOp<"div", "division">;
def Aic_MaxOp : Aic_BinaryOp<"max", "maximum">;
def Aic_MinOp : Aic_BinaryOp<"min", "minimum">;

class Aic_UnaryOp<string mnemonic, string desc, dag extraArgs = (ins)>
    : Aic_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "elementwise " # desc;
  let description = [{
    Example:
      %y = aic.}] # mnemonic # [{ %x : tensor<1x6x28x28xf32>
  }];
  let arguments = !con((ins AnyRankedTensor:$input), extraArgs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDeclaration = [{
    /// The post-op this op becomes when fused into a producer.
    ::aic::EltwisePostOpAttr getPostOp();
  }];
}

def Aic_ReluOp : Aic_UnaryOp<"relu", "max(x, 0)">;
def Aic_SigmoidOp : Aic_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def Aic_TanhOp : Aic_UnaryOp<"tanh", "hyperbolic tangent">;
def Aic_ExpOp : Aic_UnaryOp<"exp", "exponential">;
def Aic_ClipOp : Aic_UnaryOp<"clip", "min(max(x, min), max)",
                             (ins F64Attr:$min, F64Attr:$max)> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Aic_ReshapeOp : Aic_Op<"reshape", [Pure]> {
  let summary = "reinterpret a tensor with another static shape";
  let description = [{
    The result shape is the result type; element counts must match. ONNX
    Reshape, Flatten, Squeeze and Unsqueeze become this op. It costs nothing
    at run time: the memory plan makes the result alias its operand.
    Example:
      %y = aic.reshape %x : tensor<1x16x5x5xf32> -> tensor<1x400xf32>
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Aic_TransposeOp : Aic_Op<"transpose", [Pure]> {
  let summary = "permute dimensions";
  let description = [{
    output[i_perm[0], ..., i_perm[n-1]] = input[i_0, ..., i_n-1].
    Example:
      %y = aic.transpose %x {perm = array<i64: 0, 2, 1>}
           : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Aic_ConcatOp : Aic_Op<"concat", [Pure]> {
  let summary = "concatenate tensors along one axis";
  let description = [{
    Example:
      %y = aic.concat %a, %b {axis = 1 : i64}
           : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
}

#endif // AIC_OPS_TD
