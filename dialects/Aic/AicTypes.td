//===- AicTypes.td - aic types -----------------------------*- tablegen -*-===//
#ifndef AIC_TYPES_TD
#define AIC_TYPES_TD

include "AicDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def Aic_StringType : TypeDef<Aic_Dialect, "String",
                             [MemRefElementTypeInterface]> {
  let mnemonic = "string";
  let summary = "an ONNX STRING element: a byte string";
  let description = [{
    The element type of ONNX STRING tensors. Tensors and buffers of it are
    moved like any other (reshape, slice, concat, copies); only runtime
    primitives (aic.string_cast, aic.string_normalizer) look inside. In
    memory an element is the pair {const char *data; size_t size} of
    aic_string_t (aic/runtime.h): the bytes are not NUL-terminated and may
    hold NULs; they belong to the caller (inputs), the library's read-only
    data (constants) or the runtime (computed strings). aic-lower-strings
    gives it that layout before the LLVM conversions.
    Example:
      %0 = arith.constant dense<["a", "bc"]> : tensor<2x!aic.string>
  }];
}

#endif // AIC_TYPES_TD
