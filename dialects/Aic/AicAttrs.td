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
    I32EnumAttrCase<"exp", 5>, I32EnumAttrCase<"linear", 6>]> {
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

def Aic_PostOpArrayAttr : TypedArrayAttrBase<AnyAttrOf<[Aic_EltwisePostOp,
    Aic_BinaryPostOp]>, "post-op chain">;

#endif // AIC_ATTRS_TD
