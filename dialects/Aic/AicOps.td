//===- AicOps.td - aic operations --------------------------*- tablegen -*-===//
//
// The ops a library primitive executes (oneDNN through libaicrt). Every other
// ONNX operator is imported into upstream dialects (linalg, tensor, arith,
// math, scf). Library ops are in destination-passing style: on tensors each
// result is written into its `outs` operand (usually a `tensor.empty`); after
// bufferization the same op has no results and writes the `outs` buffer,
// which is the form convert-aic-to-runtime turns into runtime calls.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_OPS_TD
#define AIC_OPS_TD

include "AicDialect.td"
include "AicAttrs.td"
include "AicInterfaces.td"
include "AicTypes.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ViewLikeInterface.td"

/// A ranked tensor before bufferization, a memref after.
def Aic_TensorOrBuffer : AnyTypeOf<[AnyRankedTensor, AnyMemRef]>;

/// An op one library primitive executes, with one destination `init`.
class Aic_LibraryOp<string mnemonic, list<Trait> traits = []>
    : Aic_Op<mnemonic, !listconcat(traits, [
        DestinationStyleOpInterface,
        DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
        DeclareOpInterfaceMethods<Aic_RuntimePrimitiveInterface>])> {
  code dpsDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
  let extraClassDeclaration = dpsDeclaration;
  // Reads its inputs and writes its destination on buffers; nothing on
  // tensors. An op with its own extraClassDefinition prepends this one.
  code dpsDefinition = [{
    void $cppClass::getEffects(
        ::llvm::SmallVectorImpl<::mlir::SideEffects::EffectInstance<
            ::mlir::MemoryEffects::Effect>> &effects) {
      ::aic::getDestinationStyleEffects(getOperation(), effects);
    }
  }];
  let extraClassDefinition = dpsDefinition;
  let results = (outs Optional<AnyRankedTensor>:$output);
}

/// A library op that may carry a post-op chain.
class Aic_ChainOp<string mnemonic, list<Trait> traits = []>
    : Aic_LibraryOp<mnemonic, !listconcat(traits, [
        Aic_PostOpChainOwnerInterface])>;

//===----------------------------------------------------------------------===//
// Neural-network ops
//===----------------------------------------------------------------------===//

def Aic_ConvOp : Aic_ChainOp<"conv", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Aic_BatchSeparableInterface, ["isBatchOperand"]>]> {
  let summary = "N-d convolution with an optional fused post-op chain";
  let description = [{
    Mirrors ONNX Conv (NCHW input, OIHW weight) with normalized attributes:
    `pads` is [begin..., end...]; auto_pad is resolved by the importer.
    The post-op chain is applied to the convolution's result in order; each
    `#aic.binary` entry consumes the next `post` operand.
    Example:
      %y = aic.conv %x, %w, %b post(%r) outs(%e) {strides = array<i64: 1, 1>,
             dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
             group = 1 : i64, post_ops = [#aic.binary<add>, #aic.eltwise<relu>]}
           : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>,
              tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>)
             -> tensor<1x64x56x56xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input, Aic_TensorOrBuffer:$weight,
                   Optional<Aic_TensorOrBuffer>:$bias,
                   Variadic<Aic_TensorOrBuffer>:$post_operands,
                   Aic_TensorOrBuffer:$init,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, I64Attr:$group,
                   DefaultValuedAttr<Aic_PostOpArrayAttr, "{}">:$post_ops,
                   DefaultValuedOptionalAttr<Aic_OperandLayoutsAttr, "{}">:$layouts);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`post` `(` $post_operands^ `)`)?
    `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
}

def Aic_ConvTransposeOp : Aic_ChainOp<"conv_transpose",
                                       [AttrSizedOperandSegments]> {
  let summary = "N-d transposed convolution with an optional post-op chain";
  let description = [{
    Mirrors ONNX ConvTranspose (NCHW input, weight [C, OC/group, k...]) on
    oneDNN's deconvolution: each output spatial size is
    (in - 1) * stride + (k - 1) * dilation + 1 - pad_begin - pad_end, with
    `pads` [begin..., end...] non-negative. The importer resolves auto_pad,
    output_padding and output_shape into pads, and pads the result when
    they ask for more rows than the transposed convolution produces. Its
    operands and result stay dense row-major.
    Example:
      %y = aic.conv_transpose %x, %w, %b outs(%e) {strides = array<i64: 2, 2>,
             dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>,
             group = 1 : i64}
           : (tensor<1x8x4x4xf32>, tensor<8x3x3x3xf32>, tensor<3xf32>,
              tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input, Aic_TensorOrBuffer:$weight,
                   Optional<Aic_TensorOrBuffer>:$bias,
                   Variadic<Aic_TensorOrBuffer>:$post_operands,
                   Aic_TensorOrBuffer:$init,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, I64Attr:$group,
                   DefaultValuedAttr<Aic_PostOpArrayAttr, "{}">:$post_ops);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`post` `(` $post_operands^ `)`)?
    `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
}

class Aic_PoolOp<string mnemonic>
    : Aic_LibraryOp<mnemonic, [Aic_LayoutAgnosticInterface,
                               Aic_BatchSeparableInterface]> {
  let arguments = (ins Aic_TensorOrBuffer:$input, Aic_TensorOrBuffer:$init,
                   DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$pads,
                   DefaultValuedOptionalAttr<Aic_OperandLayoutsAttr, "{}">:$layouts);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
}

def Aic_MaxPoolOp : Aic_PoolOp<"max_pool"> {
  let summary = "N-d max pooling (also global max pooling)";
  let description = [{
    `pads` is [begin..., end...]. ONNX ceil_mode is resolved by the importer
    into extra end padding, so the output shape follows from the attributes.
    Example:
      %y = aic.max_pool %x outs(%e) {kernel = array<i64: 2, 2>,
             strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
             pads = array<i64: 0, 0, 0, 0>}
           : (tensor<1x6x28x28xf32>, tensor<1x6x14x14xf32>) -> tensor<1x6x14x14xf32>
  }];
}

def Aic_AvgPoolOp : Aic_PoolOp<"avg_pool"> {
  let summary = "N-d average pooling (also global average pooling)";
  let description = [{
    Like `aic.max_pool`; `count_include_pad` says whether padded elements
    count in the divisor.
    Example:
      %y = aic.avg_pool %x outs(%e) {kernel = array<i64: 7, 7>,
             strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
             pads = array<i64: 0, 0, 0, 0>}
           : (tensor<1x512x7x7xf32>, tensor<1x512x1x1xf32>) -> tensor<1x512x1x1xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input, Aic_TensorOrBuffer:$init,
                   DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$pads,
                   UnitAttr:$count_include_pad, DefaultValuedOptionalAttr<Aic_OperandLayoutsAttr, "{}">:$layouts);
}

def Aic_SoftmaxOp : Aic_LibraryOp<"softmax"> {
  let summary = "softmax or log-softmax along one axis";
  let description = [{
    Opset 13 semantics: normalizes along `axis` only (the importer reshapes
    older opsets' coerced-to-2D form). With `log`, computes log(softmax(x)).
    Example:
      %y = aic.softmax %x outs(%e) {axis = 1 : i64}
           : (tensor<1x10xf32>, tensor<1x10xf32>) -> tensor<1x10xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input, Aic_TensorOrBuffer:$init,
                   I64Attr:$axis, UnitAttr:$log);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

def Aic_MatmulOp : Aic_ChainOp<"matmul", [AttrSizedOperandSegments]> {
  let summary = "batched matrix product with transposes, bias and post-ops";
  let description = [{
    output = alpha * op(lhs) x op(rhs) + bias, then the post-op chain, where
    op() swaps the two innermost dimensions when `transpose_lhs`/`rhs` is set.
    Batch dimensions broadcast numpy-style; operands have rank >= 2 and the
    bias broadcasts to the output. ONNX MatMul and Gemm both become this op.
    Example:
      %y = aic.matmul %a, %w, %b outs(%e) {transpose_rhs,
             post_ops = [#aic.eltwise<relu>]}
           : (tensor<1x400xf32>, tensor<120x400xf32>, tensor<120xf32>,
              tensor<1x120xf32>) -> tensor<1x120xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$lhs, Aic_TensorOrBuffer:$rhs,
                   Optional<Aic_TensorOrBuffer>:$bias,
                   Variadic<Aic_TensorOrBuffer>:$post_operands,
                   Aic_TensorOrBuffer:$init,
                   UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs,
                   DefaultValuedAttr<F64Attr, "1.0">:$alpha,
                   DefaultValuedAttr<Aic_PostOpArrayAttr, "{}">:$post_ops);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? (`post` `(` $post_operands^ `)`)?
    `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Aic_BinaryOp<string mnemonic, string desc>
    : Aic_ChainOp<mnemonic, [Aic_BinaryFunctionInterface,
                             Aic_LayoutAgnosticInterface,
                             Aic_BatchSeparableInterface]> {
  let summary = "elementwise " # desc # " with numpy broadcasting";
  let description = [{
    Both operands broadcast to the result (ONNX multidirectional
    broadcasting); a post-op chain may be fused into it.
    Example:
      %y = aic.}] # mnemonic # [{ %a, %b outs(%e)
           : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>, tensor<1x64x56x56xf32>)
             -> tensor<1x64x56x56xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$lhs, Aic_TensorOrBuffer:$rhs,
                   Variadic<Aic_TensorOrBuffer>:$post_operands,
                   Aic_TensorOrBuffer:$init,
                   DefaultValuedAttr<Aic_PostOpArrayAttr, "{}">:$post_ops,
                   DefaultValuedOptionalAttr<Aic_OperandLayoutsAttr, "{}">:$layouts);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $lhs `,` $rhs (`post` `(` $post_operands^ `)`)? `outs` `(` $init `)`
    attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = dpsDeclaration # [{
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
    : Aic_LibraryOp<mnemonic, [Aic_EltwiseFunctionInterface,
                               Aic_LayoutAgnosticInterface,
                               Aic_BatchSeparableInterface]> {
  let summary = "elementwise " # desc;
  let description = [{
    Example:
      %y = aic.}] # mnemonic # [{ %x outs(%e)
           : (tensor<1x6x28x28xf32>, tensor<1x6x28x28xf32>) -> tensor<1x6x28x28xf32>
  }];
  let arguments = !con((ins Aic_TensorOrBuffer:$input,
                            Aic_TensorOrBuffer:$init), extraArgs,
                       (ins DefaultValuedOptionalAttr<Aic_OperandLayoutsAttr, "{}">:$layouts));
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = dpsDeclaration # [{
    /// The post-op this op becomes when fused into a producer.
    ::aic::EltwisePostOpAttr getPostOp();
  }];
}

def Aic_ReluOp : Aic_UnaryOp<"relu", "max(x, 0)">;
def Aic_SigmoidOp : Aic_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def Aic_TanhOp : Aic_UnaryOp<"tanh", "hyperbolic tangent">;
def Aic_ExpOp : Aic_UnaryOp<"exp", "exponential">;
def Aic_SwishOp : Aic_UnaryOp<"swish", "x * sigmoid(x) (SiLU)">;
def Aic_HardSwishOp : Aic_UnaryOp<"hard_swish",
                                  "x * min(max(x + 3, 0), 6) / 6">;
def Aic_ClipOp : Aic_UnaryOp<"clip", "min(max(x, min), max)",
                             (ins F64Attr:$min, F64Attr:$max)>;
def Aic_GeluOp : Aic_UnaryOp<"gelu", "Gaussian error linear unit: "
                             "x / 2 * (1 + erf(x / sqrt(2))), or with "
                             "`tanh_approximation` x / 2 * (1 + tanh("
                             "sqrt(2 / pi) * (x + 0.044715 * x^3)))",
                             (ins UnitAttr:$tanh_approximation)>;

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Aic_BatchNormOp : Aic_LibraryOp<"batch_norm",
                                   [Aic_BatchSeparableInterface]> {
  let summary = "inference batch normalization over channel dim 1";
  let description = [{
    y = scale * (x - mean) / sqrt(var + epsilon) + bias, per channel (dim 1).
    aic-fold-batch-norm folds it into a preceding convolution, or else into
    one scale-shift, so it rarely reaches the runtime.
    Example:
      %y = aic.batch_norm %x, %scale, %bias, %mean, %var outs(%e)
             {epsilon = 1.0e-05 : f64}
           : (tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>,
              tensor<64xf32>, tensor<64xf32>, tensor<1x64x56x56xf32>)
             -> tensor<1x64x56x56xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input, Aic_TensorOrBuffer:$scale,
                   Aic_TensorOrBuffer:$bias, Aic_TensorOrBuffer:$mean,
                   Aic_TensorOrBuffer:$variance, Aic_TensorOrBuffer:$init,
                   F64Attr:$epsilon);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance `outs` `(` $init `)`
    attr-dict `:` functional-type(operands, results)
  }];
}

def Aic_LrnOp : Aic_LibraryOp<"lrn", [Aic_BatchSeparableInterface]> {
  let summary = "local response normalization across channels";
  let description = [{
    y = x / (bias + alpha / size * s)^beta, where s sums x^2 over the
    channels (dim 1) [c - (size - 1) / 2, c + (size - 1) / 2] that exist.
    `size` is odd: the window is centered (ONNX LRN of an even size is not
    centered and is imported as linalg ops).
    Example:
      %y = aic.lrn %x outs(%e) {size = 5 : i64, alpha = 1.0e-04 : f64,
             beta = 7.5e-01 : f64, bias = 1.0 : f64}
           : (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>)
             -> tensor<1x64x56x56xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input, Aic_TensorOrBuffer:$init,
                   I64Attr:$size, F64Attr:$alpha, F64Attr:$beta,
                   F64Attr:$bias);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
}

def Aic_LayerNormOp : Aic_LibraryOp<"layer_norm", [AttrSizedOperandSegments]> {
  let summary = "layer normalization over the innermost dimension";
  let description = [{
    y = (x - mean) / sqrt(var + epsilon) * scale + bias, with mean and var
    over the last dimension; the optional scale and bias have its size (a
    bias needs a scale). ONNX LayerNormalization over several trailing axes
    is imported as this op on a view that merges them; InstanceNormalization
    as this op without scale on an [N * C, rest] view. With three
    destinations it also returns the mean and the variance of each row
    (1-D, one per row).
    Example:
      %y, %mean, %var = aic.layer_norm %x, %scale, %bias outs(%e, %m, %v)
             {epsilon = 1.0e-05 : f64}
           : (tensor<128x768xf32>, tensor<768xf32>, tensor<768xf32>,
              tensor<128x768xf32>, tensor<128xf32>, tensor<128xf32>)
             -> (tensor<128x768xf32>, tensor<128xf32>, tensor<128xf32>)
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input,
                   Optional<Aic_TensorOrBuffer>:$scale,
                   Optional<Aic_TensorOrBuffer>:$bias,
                   Variadic<Aic_TensorOrBuffer>:$inits, F64Attr:$epsilon);
  let results = (outs Variadic<AnyRankedTensor>:$outputs);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input (`,` $scale^ (`,` $bias^)?)? `outs` `(` $inits `)` attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitsMutable();
    }
  }];
  let extraClassDefinition = dpsDefinition # [{
    ::mlir::LogicalResult $cppClass::verify() {
      if (getInits().size() != 1 && getInits().size() != 3)
        return emitOpError() << "expects 1 destination, or 3 with the mean "
                                "and the variance";
      auto in = ::llvm::cast<::mlir::ShapedType>(getInput().getType());
      auto out = ::llvm::cast<::mlir::ShapedType>(getInits()[0].getType());
      if (in.getRank() < 1 || in.getShape() != out.getShape() ||
          in.getElementType() != out.getElementType())
        return emitOpError() << "expects a result like its input of rank >= 1";
      if (getBias() && !getScale())
        return emitOpError() << "expects a scale with the bias";
      // A run-time normalized dim (instance normalization over run-time
      // spatial dims) has no scale or bias, whose size it would be.
      if (in.isDynamicDim(in.getRank() - 1) && getScale())
        return emitOpError() << "expects a static normalized (last) dim "
                                "with a scale";
      int64_t size = in.getShape().back();
      for (::mlir::Value v : {getScale(), getBias()}) {
        if (!v)
          continue;
        auto t = ::llvm::cast<::mlir::ShapedType>(v.getType());
        if (t.getRank() != 1 || t.getDimSize(0) != size ||
            t.getElementType() != in.getElementType())
          return emitOpError() << "expects scale and bias of shape [" << size
                               << "] and the input's element type";
      }
      // One mean and variance per row; a run-time count with run-time dims.
      int64_t rows = in.hasStaticShape()
                         ? in.getNumElements() / std::max<int64_t>(size, 1)
                         : ::mlir::ShapedType::kDynamic;
      for (::mlir::Value v : getInits().drop_front()) {
        auto t = ::llvm::cast<::mlir::ShapedType>(v.getType());
        if (t.getRank() != 1 || t.getDimSize(0) != rows ||
            t.getElementType() != in.getElementType())
          return emitOpError() << "expects a mean and a variance of shape ["
                               << rows << "]";
      }
      double epsilon = getEpsilon().convertToDouble();
      if (!(epsilon >= 0))
        return emitOpError() << "expects a non-negative epsilon";
      return ::mlir::success();
    }

    ::mlir::LogicalResult $cppClass::encodePrimitive(::aic::PrimitiveCall &call) {
      if (::mlir::failed(::aic::requireF32(*this)))
        return ::mlir::failure();
      auto tensor = [&](::mlir::Value v) {
        return ::aic::getContractTensor(*this, v);
      };
      auto src = tensor(getInput()), dst = tensor(getInits()[0]);
      if (::mlir::failed(src) || ::mlir::failed(dst))
        return ::mlir::failure();
      ::aic::contract::LayerNorm d;
      d.src = *src;
      d.dst = *dst;
      d.epsilon = getEpsilon().convertToDouble();
      ::llvm::SmallVector<::mlir::Value> args{getInput()};
      if (getScale()) {
        auto scale = tensor(getScale());
        if (::mlir::failed(scale))
          return ::mlir::failure();
        d.scale = *scale;
        args.push_back(getScale());
      }
      if (getBias()) {
        auto shift = tensor(getBias());
        if (::mlir::failed(shift))
          return ::mlir::failure();
        d.shift = *shift;
        args.push_back(getBias());
      }
      args.push_back(getInits()[0]);
      if (getInits().size() == 3) {
        auto mean = tensor(getInits()[1]), var = tensor(getInits()[2]);
        if (::mlir::failed(mean) || ::mlir::failed(var))
          return ::mlir::failure();
        d.mean = *mean;
        d.var = *var;
        args.append({getInits()[1], getInits()[2]});
      }
      return call.set(*this, d, args);
    }
  }];
}

//===----------------------------------------------------------------------===//
// Recurrent
//===----------------------------------------------------------------------===//

def Aic_RnnOp : Aic_LibraryOp<"rnn", [AttrSizedOperandSegments]> {
  let summary = "one direction of a recurrent layer (vanilla RNN, LSTM, GRU)";
  let description = [{
    oneDNN's recurrent cells, one layer and one direction: `cell` is
    "rnn_tanh", "rnn_relu", "rnn_sigmoid", "lstm", "gru" (ONNX GRU with
    linear_before_reset = 0) or "lbr_gru". Weights are in oneDNN's gate
    order and layout: weights_layer [I, G, H], weights_iter [H, G, H], bias
    [G, H] (G + 1 rows for lbr_gru: the last is the bias of the recurrent
    part of the candidate), peephole [3, H] (lstm: input, forget, output).
    Absent initial states are zeros. Destinations: Y [T, N, H] (the hidden
    state of every step, in time order), the last hidden state [N, H] and,
    for lstm, the last cell state [N, H]. `reverse` runs the steps from
    T - 1 down to 0. The importer folds ONNX's gate order and layout into
    constant weights.
    Example:
      %y, %h, %c = aic.rnn %x, %wl, %wi, %b, %h0, %c0 outs(%ey, %eh, %ec)
             {cell = "lstm"}
           : (tensor<100x1x64xf32>, tensor<64x4x64xf32>, tensor<64x4x64xf32>,
              tensor<4x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>,
              tensor<100x1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>)
             -> (tensor<100x1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>)
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input,
                   Aic_TensorOrBuffer:$weights_layer,
                   Aic_TensorOrBuffer:$weights_iter, Aic_TensorOrBuffer:$bias,
                   Optional<Aic_TensorOrBuffer>:$peephole,
                   Optional<Aic_TensorOrBuffer>:$initial_h,
                   Optional<Aic_TensorOrBuffer>:$initial_c,
                   Variadic<Aic_TensorOrBuffer>:$inits, StrAttr:$cell,
                   UnitAttr:$reverse);
  let results = (outs Variadic<AnyRankedTensor>:$outputs);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $weights_layer `,` $weights_iter `,` $bias
    (`peephole` `(` $peephole^ `)`)? (`h0` `(` $initial_h^ `)`)?
    (`c0` `(` $initial_c^ `)`)? `outs` `(` $inits `)` attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitsMutable();
    }
  }];
  let extraClassDefinition = dpsDefinition;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Aic_ConcatOp : Aic_LibraryOp<"concat", [Aic_LayoutAgnosticInterface]> {
  let summary = "concatenate tensors along one axis";
  let description = [{
    Example:
      %y = aic.concat %a, %b outs(%e) {axis = 1 : i64}
           : (tensor<1x2xf32>, tensor<1x3xf32>, tensor<1x5xf32>) -> tensor<1x5xf32>
  }];
  let arguments = (ins Variadic<Aic_TensorOrBuffer>:$inputs,
                   Aic_TensorOrBuffer:$init, I64Attr:$axis, DefaultValuedOptionalAttr<Aic_OperandLayoutsAttr, "{}">:$layouts);
  let hasVerifier = 1;
  let hasFolder = 1;
  let assemblyFormat = [{
    $inputs `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
}

def Aic_ReorderOp : Aic_LibraryOp<"reorder", [Aic_BatchSeparableInterface]> {
  let summary = "copy a tensor into another storage layout";
  let description = [{
    The result holds the input's values in the layout the `layouts`
    attribute names for the destination (an absent entry or a unit is dense
    row-major); both have the same logical shape. aic-assign-layouts inserts
    reorders where a value must change layout and does those of constants
    at compile time.
    Example:
      %y = aic.reorder %x outs(%e) {layouts = [unit,
             #aic.layout<"aBcd16b", [1, 24, 56, 56]>]}
           : (tensor<1x24x56x56xf32>, tensor<1x2x56x56x16xf32>)
             -> tensor<1x2x56x56x16xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input, Aic_TensorOrBuffer:$init,
                   DefaultValuedOptionalAttr<Aic_OperandLayoutsAttr, "{}">:$layouts);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
}

def Aic_ReshapeOp : Aic_Op<"reshape", [Pure,
    DeclareOpInterfaceMethods<ViewLikeOpInterface>]> {
  let summary = "reinterpret a tensor with another static shape";
  let description = [{
    The result shape is the result type; element counts must match. ONNX
    Reshape, Flatten, Squeeze and Unsqueeze become this op. It is a view:
    bufferization makes the result alias its operand's buffer, so it costs
    nothing at run time.
    Example:
      %y = aic.reshape %x : tensor<1x16x5x5xf32> -> tensor<1x400xf32>
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

//===----------------------------------------------------------------------===//
// Strings (StringOps.cpp)
//===----------------------------------------------------------------------===//

def Aic_StringCastOp : Aic_LibraryOp<"string_cast"> {
  let summary = "convert between strings and numbers (ONNX Cast)";
  let description = [{
    Exactly one of the input and the destination has element type
    !aic.string; both have the same shape. Numbers are printed with the
    shortest digits that read back to the same value ("0.5", "1e+16",
    "NaN", "INF", "-INF") and strings parsed strictly: one that is not a
    number of the destination's type fails the run. `is_unsigned` says the
    integer side is unsigned (integers are signless in the IR).
    Example:
      %y = aic.string_cast %x outs(%e)
           : (tensor<3x!aic.string>, tensor<3xf32>) -> tensor<3xf32>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input, Aic_TensorOrBuffer:$init,
                   UnitAttr:$is_unsigned);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `outs` `(` $init `)` attr-dict `:` functional-type(operands, results)
  }];
}

def Aic_StringNormalizerOp : Aic_LibraryOp<"string_normalizer"> {
  let summary = "drop stopwords and change case (ONNX StringNormalizer)";
  let description = [{
    The input is [C] or [1, C] strings. Strings equal to one of the
    optional `stopwords` (1-D, compared ignoring case unless
    `case_sensitive`) are dropped, the others get their case changed
    (`case_change`: 0 none, 1 lower, 2 upper; UTF-8 with Unicode simple case
    mapping). The destination has the input's rank and holds what remains,
    or one empty string when nothing does. How many remain depends on the
    values: the destination's length is what the importer computed from the
    value the model was compiled for, and the run fails if another value
    gives another length.
    Example:
      %y = aic.string_normalizer %x stopwords(%w) outs(%e)
             {case_change = 2 : i64, case_sensitive = false}
           : (tensor<4x!aic.string>, tensor<1x!aic.string>,
              tensor<3x!aic.string>) -> tensor<3x!aic.string>
  }];
  let arguments = (ins Aic_TensorOrBuffer:$input,
                   Optional<Aic_TensorOrBuffer>:$stopwords,
                   Aic_TensorOrBuffer:$init, I64Attr:$case_change,
                   BoolAttr:$case_sensitive);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input (`stopwords` `(` $stopwords^ `)`)? `outs` `(` $init `)` attr-dict
    `:` functional-type(operands, results)
  }];
}

#endif // AIC_OPS_TD
