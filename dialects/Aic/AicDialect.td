//===- AicDialect.td - The aic dialect ---------------------*- tablegen -*-===//
#ifndef AIC_DIALECT_TD
#define AIC_DIALECT_TD

include "mlir/IR/OpBase.td"

def Aic_Dialect : Dialect {
  let name = "aic";
  let summary = "Neural-network ops that a library primitive executes";
  let description = [{
    The aic dialect holds the ops libaicrt executes with one oneDNN
    primitive each, normalized (Gemm becomes `aic.matmul` with transposes and
    a bias; global pooling becomes pooling over the whole spatial extent),
    plus `aic.reshape`, a view. Every other ONNX operator is imported into
    upstream dialects (linalg, tensor, arith, math, scf). Library ops are in
    destination-passing style, so one-shot bufferization handles them; conv,
    matmul and the binary ops carry a post-op chain that maps one-to-one to
    oneDNN post-ops.
  }];
  let cppNamespace = "::aic";
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

class Aic_Op<string mnemonic, list<Trait> traits = []>
    : Op<Aic_Dialect, mnemonic, traits>;

#endif // AIC_DIALECT_TD
