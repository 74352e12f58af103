//===- Matchers.h - Match imported elementwise computations -----*- C++ -*-===//
//
// The pattern passes (aic-recognize-gelu, aic-recognize-layer-norm) look for
// formulas the importer spelled out op by op: aic binary ops, elementwise
// linalg.generic ops around one math op, and reductions. These matchers
// read those forms back, whatever order of operands an exporter chose.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_PASSES_UTILS_MATCHERS_H
#define AIC_PASSES_UTILS_MATCHERS_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace aic {

/// The value of `v` if it is a splat float constant (any shape).
std::optional<double> getSplatFloat(mlir::Value v);

/// Whether `a` and `b` agree to a relative `tolerance` (constants an
/// exporter wrote in f32, compared to their exact value).
bool nearlyEqual(double a, double b, double tolerance = 1e-6);

/// If `v` is the result of an elementwise linalg.generic (all loops
/// parallel, identity maps) whose body yields one op named `opName` of the
/// element of one tensor input of v's type and of constants: that input,
/// and in `payload` the op and in `constants` the values of its other
/// operands (splat constant tensor inputs or arith.constant scalars, in
/// operand order). A null Value otherwise.
mlir::Value
matchElementwise(mlir::Value v, llvm::StringRef opName,
                 llvm::SmallVectorImpl<double> *constants = nullptr);

/// If `v` is an elementwise linalg.generic computing ONNX's HardSigmoid,
/// min(max(alpha * x + beta, 0), 1), of the element of one tensor input x of
/// v's type (the product's and the sum's operands in either order): x, with
/// `alpha` and `beta`. A null Value otherwise.
mlir::Value matchHardSigmoid(mlir::Value v, double &alpha, double &beta);

/// If `v` is the mean of some x over x's last dim with that dim kept as 1
/// (ONNX ReduceMean(x, axes=[-1]) as the importer builds it: a sum
/// linalg.reduce, a division by the count, a reshape): x. Null otherwise.
mlir::Value matchMeanOverLastDim(mlir::Value v);

/// The factors of the product `v`: through every aic.mul without post-ops
/// that has no other use (`v` itself may have several), whose operands do
/// not broadcast the other's shape, splat constant factors multiplied into
/// `constant` and the other factors appended to `leaves`.
void collectFactors(mlir::Value v, llvm::SmallVectorImpl<mlir::Value> &leaves,
                    double &constant);

} // namespace aic

#endif // AIC_PASSES_UTILS_MATCHERS_H
