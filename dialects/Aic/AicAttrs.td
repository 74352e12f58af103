//===- AicAttrs.td - aic attributes and enums --------------*- tablegen -*-===//
#ifndef AIC_ATTRS_TD
#define AIC_ATTRS_TD

include "AicDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

// The integer values equal aic_eltwise_alg / aic_binary_alg in aic/abi.h.
def Aic_EltwiseKind : I32EnumAttr<"EltwiseKind", "elementwise function", [
    I32EnumAttrCase<"relu", 1>, I32EnumAttrCase<"sigmoid", 2>,
    I32EnumAttrCase<"tanh", 3>, I32EnumAttrCase<"clip", 4>,
    I32EnumAttrCase<"exp", 5>, I32EnumAttrCase<"linear", 6>,
    I32EnumAttrCase<"swish", 7>, I32EnumAttrCase<"hardswish", 8>,
    I32EnumAttrCase<"gelu_erf", 9>, I32EnumAttrCase<"gelu_tanh", 10>,
    I32EnumAttrCase<"elu", 11>, I32EnumAttrCase<"abs", 12>]> {
  let cppNamespace = "::aic";
  let genSpecializedAttr = 0;
}

def Aic_BinaryKind : I32EnumAttr<"BinaryKind", "elementwise binary function", [
    I32EnumAttrCase<"add", 1>, I32EnumAttrCase<"sub", 2>,
    I32EnumAttrCase<"mul", 3>, I32EnumAttrCase<"div", 4>,
    I32EnumAttrCase<"max", 5>, I32EnumAttrCase<"min", 6>]> {
  let cppNamespace = "::aic";
  let genSpecializedAttr = 0;
}

class Aic_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Aic_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Aic_EltwisePostOp : Aic_Attr<"EltwisePostOp", "eltwise"> {
  let summary = "post-op applying an elementwise function";
  let description = [{
    `#aic.eltwise<relu>`, `#aic.eltwise<clip, 0.0, 6.0>`: y = f(x; alpha, beta)
    with the meaning of alpha and beta of aic_eltwise_alg (aic/abi.h).
  }];
  let parameters = (ins EnumParameter<Aic_EltwiseKind>:$kind,
                        APFloatParameter<"alpha">:$alpha,
                        APFloatParameter<"beta">:$beta);
  // alpha and beta are printed only when one is non-zero.
  let hasCustomAssemblyFormat = 1;
  let builders = [
    AttrBuilder<(ins "EltwiseKind":$kind, "double":$alpha, "double":$beta), [{
      return $_get($_ctxt, kind, ::llvm::APFloat(alpha), ::llvm::APFloat(beta));
    }]>
  ];
}

def Aic_BinaryPostOp : Aic_Attr<"BinaryPostOp", "binary"> {
  let summary = "post-op combining the result with an extra operand";
  let description = [{
    `#aic.binary<add>`: y = x + operand, where the operand is the next one of
    the op's `post` operands, broadcastable to the result.
  }];
  let parameters = (ins EnumParameter<Aic_BinaryKind>:$kind);
  let assemblyFormat = "`<` $kind `>`";
}

def Aic_SumPostOp : Aic_Attr<"SumPostOp", "sum"> {
  let summary = "post-op adding the destination's previous contents";
  let description = [{
    `#aic.sum`: y = x + init, where init is the value of the op's destination
    operand (oneDNN's sum post-op, computed in place). An op whose chain has
    it reads its destination, so bufferization keeps that value.
  }];
}

def Aic_PostOpArrayAttr : TypedArrayAttrBase<AnyAttrOf<[Aic_EltwisePostOp,
    Aic_BinaryPostOp, Aic_SumPostOp]>, "post-op chain">;

def Aic_LayoutAttr : Aic_Attr<"Layout", "layout"> {
  let summary = "storage layout of a tensor operand";
  let description = [{
    `#aic.layout<"aBcd16b", [1, 24, 56, 56]>`: a tensor of logical dims
    [1, 24, 56, 56] stored in a oneDNN-style blocked layout, named by a
    format tag: one letter per dim (`a` is dim 0) in storage order, outermost
    first, upper case when the dim is blocked, then the inner blocks
    outermost first (`16b`: 16 consecutive indices of dim 1 innermost).
    "aBcd16b" is oneDNN's nChw16c. A blocked dim is padded to a multiple of
    its blocks (with zeros). The operand's type is the physical shape: the
    outer extents in storage order, then the block sizes, here
    tensor<1x2x56x56x16xf32>. aic-assign-layouts chooses layouts; library
    ops name them in their `layouts` attribute.

    A dim may be `?` (a symbolic batch: `[?, 24, 56, 56]`, stored as
    tensor<?x2x56x56x16xf32>) if it is not blocked; the run-time dims must
    be stored in their logical order, so that the stored type's dynamic
    dims are the logical ones in order (the runtime receives them so).
  }];
  let parameters = (ins StringRefParameter<"format tag">:$tag,
                        ArrayRefParameter<"int64_t", "logical dims">:$dims);
  let assemblyFormat = "`<` $tag `,` custom<LayoutDims>($dims) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The parsed tag (valid: the attribute verified it).
    ::aic::BlockedLayout getLayout() const;
    /// The shape of the stored tensor.
    ::llvm::SmallVector<int64_t> getPhysicalShape() const;
  }];
}

/// One entry per operand of a library op: its #aic.layout, or a unit
/// attribute for a dense row-major operand.
def Aic_OperandLayoutsAttr : TypedArrayAttrBase<AnyAttrOf<[Aic_LayoutAttr,
    UnitAttr]>, "operand layouts">;

#endif // AIC_ATTRS_TD
