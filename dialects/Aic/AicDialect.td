//===- AicDialect.td - The aic dialect ---------------------*- tablegen -*-===//
#ifndef AIC_DIALECT_TD
#define AIC_DIALECT_TD

include "mlir/IR/OpBase.td"

def Aic_Dialect : Dialect {
  let name = "aic";
  let summary = "Normalized neural-network ops on ranked tensors";
  let description = [{
    The aic dialect is what the ONNX importer produces and what the graph
    passes optimize. Many ONNX ops map onto few aic ops (Flatten, Squeeze and
    Unsqueeze become `aic.reshape`; Gemm becomes `aic.matmul` with transposes
    and a bias; global pooling becomes pooling over the whole spatial extent).
    Ops with a oneDNN primitive (conv, matmul, binary) carry an explicit
    post-op chain that maps one-to-one to oneDNN post-ops.
  }];
  let cppNamespace = "::aic";
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

class Aic_Op<string mnemonic, list<Trait> traits = []>
    : Op<Aic_Dialect, mnemonic, traits>;

#endif // AIC_DIALECT_TD
