//===- ScfBuilders.h - Loops and branches for generated code ----*- C++ -*-===//
//
// Internal to lib/Importer: small builders of scf loops and branches with
// results, for the rules that compute data-dependent outputs element by
// element (DataDependentRules.cpp, NonMaxSuppression.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef AIC_LIB_IMPORTER_SCFBUILDERS_H
#define AIC_LIB_IMPORTER_SCFBUILDERS_H

#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace aic {
namespace importer {

inline mlir::Value cIndex(mlir::OpBuilder &b, mlir::Location loc, int64_t v) {
  return b.create<mlir::arith::ConstantIndexOp>(loc, v);
}

inline mlir::Value toI64(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value index) {
  return b.create<mlir::arith::IndexCastOp>(loc, b.getI64Type(), index);
}

inline mlir::Value increment(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value index) {
  return b.create<mlir::arith::AddIOp>(loc, index, cIndex(b, loc, 1));
}

using BodyFn = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::Value iv, mlir::ValueRange args)>;

/// scf.for iv in [0, n) threading `inits`; returns the final values.
inline llvm::SmallVector<mlir::Value> forLoop(mlir::OpBuilder &b,
                                              mlir::Location loc, mlir::Value n,
                                              mlir::ValueRange inits,
                                              BodyFn body) {
  auto loop = b.create<mlir::scf::ForOp>(
      loc, cIndex(b, loc, 0), n, cIndex(b, loc, 1), inits,
      [&](mlir::OpBuilder &nb, mlir::Location nloc, mlir::Value iv,
          mlir::ValueRange args) {
        nb.create<mlir::scf::YieldOp>(nloc, body(nb, nloc, iv, args));
      });
  return loop.getResults();
}

using BranchFn = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location)>;

/// scf.if with results: the values `then` or `otherwise` yields.
inline llvm::SmallVector<mlir::Value> ifElse(mlir::OpBuilder &b,
                                             mlir::Location loc,
                                             mlir::Value cond, BranchFn then,
                                             BranchFn otherwise) {
  auto op = b.create<mlir::scf::IfOp>(
      loc, cond,
      [&](mlir::OpBuilder &tb, mlir::Location tloc) {
        tb.create<mlir::scf::YieldOp>(tloc, then(tb, tloc));
      },
      [&](mlir::OpBuilder &eb, mlir::Location eloc) {
        eb.create<mlir::scf::YieldOp>(eloc, otherwise(eb, eloc));
      });
  return op.getResults();
}

/// The first `count` entries of `tensor` along `axis` (a run-time size).
inline mlir::Value takeFirst(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value tensor, int64_t axis,
                             mlir::Value count) {
  auto type = mlir::cast<mlir::RankedTensorType>(tensor.getType());
  llvm::SmallVector<mlir::OpFoldResult> offsets(type.getRank(),
                                                b.getIndexAttr(0));
  llvm::SmallVector<mlir::OpFoldResult> sizes,
      strides(type.getRank(), b.getIndexAttr(1));
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(d == axis ? mlir::OpFoldResult(count)
                              : mlir::tensor::getMixedSize(b, loc, tensor, d));
  return b.create<mlir::tensor::ExtractSliceOp>(loc, tensor, offsets, sizes,
                                                strides);
}

} // namespace importer
} // namespace aic

#endif // AIC_LIB_IMPORTER_SCFBUILDERS_H
