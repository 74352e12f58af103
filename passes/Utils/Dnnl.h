//===- Dnnl.h - Questions to oneDNN at compile time -------------*- C++ -*-===//
//
// The passes that ask oneDNN, for the target CPU, how it would run a
// primitive (aic-assign-layouts: in which layouts; aic-split-slow-post-ops:
// with which kernel) share its engine and the mapping of aic's kinds and
// shapes to oneDNN's. oneDNN's C++ API throws: files including this one
// build with exceptions.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_PASSES_UTILS_DNNL_H
#define AIC_PASSES_UTILS_DNNL_H

#include "dialects/Aic/AicDialect.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"

#include <dnnl.hpp>

namespace aic {

/// oneDNN's CPU engine with its ISA capped to `isa` ("host": this CPU's),
/// once per process; an error at `op` for an unknown ISA or a second one.
mlir::FailureOr<dnnl::engine *> getDnnlEngine(llvm::StringRef isa,
                                              mlir::Operation *op);

/// oneDNN's algorithms for the post-op kinds (the runtime maps them again
/// for execution).
dnnl::algorithm toDnnl(EltwiseKind kind);
dnnl::algorithm toDnnl(BinaryKind kind);

dnnl::memory::dims toDims(llvm::ArrayRef<int64_t> shape);

/// `shape` with its run-time dims (a symbolic batch) at `runtimeSize`, the
/// size oneDNN is asked about.
llvm::SmallVector<int64_t> representative(llvm::ArrayRef<int64_t> shape,
                                          int64_t runtimeSize = 1);

/// A dense row-major f32 descriptor of `shape`.
dnnl::memory::desc plainDesc(llvm::ArrayRef<int64_t> shape);

/// Appends `chain` (aic post-op entries) to `po`, the binary entries' ones
/// taken in turn from `operands`, described as dense row-major operands of
/// `rank` (leading 1s added) of the dims `dims` gives for each.
void appendPostOps(
    dnnl::post_ops &po, llvm::ArrayRef<mlir::Attribute> chain,
    mlir::ValueRange operands, int64_t rank,
    llvm::function_ref<llvm::SmallVector<int64_t>(mlir::Value)> dims);

/// Whether oneDNN implementation `impl` (a primitive descriptor's
/// impl_info_str()) is its reference code.
bool isReference(llvm::StringRef impl);

} // namespace aic

#endif // AIC_PASSES_UTILS_DNNL_H
