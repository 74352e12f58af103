//===- ControlFlow.h - Shared pieces of the control-flow rules --*- C++ -*-===//
//
// What the If, Loop and Scan rules (ControlFlowRules.cpp, LoopRules.cpp)
// share: reading subgraph attributes and one-element flags, counted
// scf.for loops that slice scanned inputs and stack scan outputs, compile-
// time evaluation of shape-determining values, and undoing an import
// attempt that failed.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_LIB_IMPORTER_CONTROLFLOW_H
#define AIC_LIB_IMPORTER_CONTROLFLOW_H

#include "ImporterImpl.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace aic {
namespace importer {

/// The subgraph attribute `name` of the node, or null after an error.
const onnx::GraphProto *getGraphAttr(NodeImporter &imp, llvm::StringRef name);

/// Input `i`, which must be a one-element tensor of `element` (`what` in
/// errors).
mlir::FailureOr<mlir::Value> getFlagInput(NodeImporter &imp, int i,
                                          llvm::StringRef what,
                                          mlir::Type element);

/// Gives the node its outputs, checked against the types ONNX inferred
/// where it inferred static ones (it often cannot type what subgraphs
/// compute).
mlir::LogicalResult setControlFlowOutputs(NodeImporter &imp,
                                          mlir::ValueRange values);

/// A one-element tensor holding `scalar` for subgraph input `info` (a Loop's
/// iteration number or condition): a scalar unless `info` declares one
/// static dim of 1.
mlir::Value makeFlagTensor(NodeImporter &imp, mlir::Value scalar,
                           const onnx::ValueInfoProto &info);
/// The same as a constant of integer type `element` holding `value`.
ConstTensor makeFlagConstant(NodeImporter &imp, mlir::Type element,
                             int64_t value, const onnx::ValueInfoProto &info);

/// Where a loop reads or writes one slice per iteration: along `axis`
/// (negative counts from the end), last slice first if `reverse`.
struct ScanAxis {
  int64_t axis = 0;
  bool reverse = false;
};

/// Imports one iteration of a loop body from its iteration number (index),
/// the values it carries and this iteration's slices of the scanned inputs.
/// Returns the carried values for the next iteration, then one slice of
/// each scan output.
using LoopBodyFn =
    llvm::function_ref<mlir::FailureOr<llvm::SmallVector<mlir::Value>>(
        mlir::Value iv, mlir::ValueRange carried, mlir::ValueRange slices)>;

/// The type a loop carries where one iteration starts with `carried` and
/// gives `next`: `carried` if `next` casts to it, else both with the dims
/// that differ known only at run time (a value that grows by one row per
/// iteration); null if their ranks or element types differ.
mlir::RankedTensorType joinCarriedTypes(mlir::Type carried, mlir::Type next);

/// Checks the carried values `next` a loop body gives against the types
/// `carried` it started with: casts those that cast, and where one does not
/// (its shape changes between iterations) records in `widened` (when given,
/// resized to the carried values) the type to carry instead, or errors.
mlir::LogicalResult
matchCarriedTypes(NodeImporter &imp, mlir::TypeRange carried,
                  llvm::MutableArrayRef<mlir::Value> next,
                  llvm::ArrayRef<std::string> names,
                  llvm::SmallVectorImpl<mlir::RankedTensorType> *widened);

/// scf.for %iv = 0 to `count` carrying `inits`. Each iteration reads one
/// slice of every scanned input (`inputs`, along normalized `inputAxes`,
/// all of `count` slices), imports the body, and inserts the slices the
/// body returns after the carried values into scan outputs of
/// `staticCount` slices along `outputAxes`. Returns the final carried
/// values, then the scan outputs. `names` name the carried values in errors;
/// `widened` is matchCarriedTypes'.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
buildForLoop(NodeImporter &imp, mlir::Value count,
             std::optional<int64_t> staticCount, mlir::ValueRange inits,
             llvm::ArrayRef<std::string> names, mlir::ValueRange inputs,
             llvm::ArrayRef<ScanAxis> inputAxes,
             llvm::ArrayRef<ScanAxis> outputAxes, LoopBodyFn body,
             llvm::SmallVectorImpl<mlir::RankedTensorType> *widened = nullptr);

/// The offsets, sizes and strides of slice `pos` along `axis` of `shape`.
void getSliceBounds(mlir::OpBuilder &b, llvm::ArrayRef<int64_t> shape,
                    int64_t axis, mlir::Value pos,
                    llvm::SmallVectorImpl<mlir::OpFoldResult> &offsets,
                    llvm::SmallVectorImpl<mlir::OpFoldResult> &sizes,
                    llvm::SmallVectorImpl<mlir::OpFoldResult> &strides);

/// An import that may fail and be tried another way: from construction on,
/// what is built at the builder's insertion point can be erased again, with
/// the diagnostics of the attempt held back while `quiet`.
class ImportAttempt {
public:
  ImportAttempt(NodeImporter &imp, bool quiet);
  /// Ends the attempt, keeping what it built.
  void keep() { quiet.reset(); }
  /// Ends the attempt, erasing what was built since the construction and
  /// restoring the insertion point. Values the state caches must not come
  /// from it.
  void rollBack();

private:
  mlir::OpBuilder &builder;
  mlir::Block *block;
  mlir::Operation *last;
  mlir::Operation *stop;
  std::optional<mlir::ScopedDiagnosticHandler> quiet;
};

/// The Loop rule (LoopRules.cpp).
mlir::LogicalResult importLoop(NodeImporter &imp);

} // namespace importer
} // namespace aic

#endif // AIC_LIB_IMPORTER_CONTROLFLOW_H
