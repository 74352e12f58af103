//===- QuantPrimitives.h - Integer products on oneDNN's int8 primitives --===//
//
// What the quantized product rules (QuantRules.cpp) need to run a
// convolution or matrix product on aic.conv / aic.matmul in their integer
// form (oneDNN's int8 primitives) instead of generated code, and the test
// of when that form is exact.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_LIB_IMPORTER_QUANTPRIMITIVES_H
#define AIC_LIB_IMPORTER_QUANTPRIMITIVES_H

#include "ImporterImpl.h"

namespace aic::importer {

/// An 8-bit operand of an integer product and its zero point (null if
/// none), with their ONNX signedness.
struct QuantOperand {
  mlir::Value value, zeroPoint;
  bool isUnsigned = false, zeroPointUnsigned = false;
};

/// The i32 sums of an integer matrix product of `a` ([..., M, K], static,
/// its zero point, input `aZeroPointIndex`, per tensor or per row) and the
/// constant 2-D weights input `bIndex` with zero point input
/// `bZeroPointIndex`, of shape `accShape`, on aic.matmul's integer form;
/// null when oneDNN would not compute them exactly (see
/// QuantPrimitives.cpp): then nothing is built. Given `offsets` and a zero
/// point of A that is a model constant per tensor (or absent), the sums'
/// correction for it is left out and *offsets set to it instead: constant
/// i32 terms per output column for the caller to add (null if all zero).
mlir::Value buildInt8Matmul(NodeImporter &imp, const QuantOperand &a,
                            int aZeroPointIndex, int bIndex,
                            int bZeroPointIndex,
                            llvm::ArrayRef<int64_t> accShape,
                            mlir::Value *offsets = nullptr);

/// The i32 sums of an N-d convolution (1 to 3 spatial dims) of `x`, already
/// padded with its zero point (per tensor, input `xZeroPointIndex`), and
/// the constant weights input `wIndex` with zero point input
/// `wZeroPointIndex`, of static type `accType`, on aic.conv's integer form;
/// null, and `offsets` (per output channel), as for buildInt8Matmul.
mlir::Value buildInt8Conv(NodeImporter &imp, const QuantOperand &x,
                          int xZeroPointIndex, int wIndex, int wZeroPointIndex,
                          mlir::RankedTensorType accType,
                          llvm::ArrayRef<int64_t> strides,
                          llvm::ArrayRef<int64_t> dilations, int64_t group,
                          mlir::Value *offsets = nullptr);

} // namespace aic::importer

#endif // AIC_LIB_IMPORTER_QUANTPRIMITIVES_H
