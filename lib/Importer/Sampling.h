//===- Sampling.h - Shared pieces of the resampling rules -------*- C++ -*-===//
//
// Internal to lib/Importer: what Resize (SamplingRules.cpp) and GridSample /
// RoiAlign (SamplingGridRules.cpp) share to build the bodies of their
// linalg.generic ops: float conversions, reads at clamped indices, cubic
// weights, and enum-valued string attributes.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_LIB_IMPORTER_SAMPLING_H
#define AIC_LIB_IMPORTER_SAMPLING_H

#include "Builders.h"

#include <array>
#include <utility>

namespace aic {
namespace importer {

/// The type samples are blended in: f32 for narrower floats, else the
/// element type.
mlir::Type getComputeType(mlir::Type elementType);

/// Converts a float scalar to another float type (extf / truncf).
mlir::Value castFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Type to);

/// An integer-valued float position as an index clamped into [0, size):
/// NaN and out-of-range positions become in-range indices, so that the
/// conversion is defined and a read stays in the tensor.
mlir::Value toClampedIndex(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value x, int64_t size);
/// The same for a size known at run time: `last` (of x's type) is size - 1.
mlir::Value toClampedIndex(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value x, mlir::Value last);

/// An index as a float of `type`.
mlir::Value indexAsFloat(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value index, mlir::Type type);

/// An i1: `x` lies in [0, size - 1] (false for NaN).
mlir::Value isInRange(ScalarBuilder &s, mlir::Value x, int64_t size);
/// The same for a size known at run time: `last` is size - 1.
mlir::Value isInRange(ScalarBuilder &s, mlir::Value x, mlir::Value last);

/// The weights of the cubic convolution (Keys, coefficient `a`) of the four
/// samples at offsets -1, 0, 1, 2 from floor(x), for t = x - floor(x): the
/// polynomials of the ONNX reference and of PyTorch.
std::array<mlir::Value, 4> getCubicWeights(ScalarBuilder &s, mlir::Value t,
                                           double a);

/// The result type of a sampling op: ONNX's, or one of `shape` with the
/// input's element type. Null (and output 0 set) if it has no elements;
/// errors if it has but the input has none (no element could be read).
mlir::FailureOr<mlir::RankedTensorType>
getSampledOutputType(NodeImporter &imp, mlir::RankedTensorType inType,
                     llvm::ArrayRef<int64_t> shape);

/// Reads string attribute `name` (`defaultValue` when absent) as one of the
/// enumerators named in `cases`; errors naming the attribute otherwise.
template <typename E>
mlir::FailureOr<E>
getEnumAttr(NodeImporter &imp, llvm::StringRef name,
            llvm::StringRef defaultValue,
            llvm::ArrayRef<std::pair<llvm::StringRef, E>> cases) {
  std::string value = imp.getStringAttr(name, defaultValue);
  for (const auto &[key, enumerator] : cases)
    if (key == value)
      return enumerator;
  imp.emitError() << "unknown " << name << " '" << value << "'";
  return mlir::failure();
}

/// Rules of SamplingGridRules.cpp.
mlir::LogicalResult importGridSample(NodeImporter &imp);
mlir::LogicalResult importRoiAlign(NodeImporter &imp);

} // namespace importer
} // namespace aic

#endif // AIC_LIB_IMPORTER_SAMPLING_H
