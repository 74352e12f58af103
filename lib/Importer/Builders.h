//===- Builders.h - Upstream-dialect building blocks of rules ---*- C++ -*-===//
//
// Operators without a library primitive are imported as linalg, tensor,
// arith and math ops. What several of their rules share lives here: scalar
// arithmetic with ONNX semantics for each element type, element type
// conversion (Cast), and linalg.generic ops with numpy broadcasting.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_LIB_IMPORTER_BUILDERS_H
#define AIC_LIB_IMPORTER_BUILDERS_H

#include "ImporterImpl.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace aic {
namespace importer {

enum class CmpKind { eq, lt, le, gt, ge };

/// Scalar arithmetic on one element type (float, or a signless integer
/// read as signed or unsigned), for the bodies of linalg ops. Integers wrap
/// around; nothing traps: integer division by zero gives 0 (ONNX leaves it
/// undefined) and INT_MIN / -1 wraps to INT_MIN.
class ScalarBuilder {
public:
  ScalarBuilder(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                bool isUnsigned = false)
      : b(b), loc(loc), type(type), unsignedInt(isUnsigned) {}

  mlir::OpBuilder &getBuilder() { return b; }
  mlir::Location getLoc() const { return loc; }
  mlir::Type getType() const { return type; }
  bool isFloat() const { return llvm::isa<mlir::FloatType>(type); }
  bool isUnsigned() const { return unsignedInt; }

  /// A constant of the element type; integers saturate to the type's range
  /// (so infinite bounds become the extreme values).
  mlir::Value constant(double value);
  /// The lowest / highest value of the type (-inf / +inf for floats).
  mlir::Value lowest();
  mlir::Value highest();

  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, mlir::Value y);
  /// NaN-propagating for floats, as numpy's maximum / minimum.
  mlir::Value max(mlir::Value x, mlir::Value y);
  mlir::Value min(mlir::Value x, mlir::Value y);
  /// The remainder of x / y: with the sign of x (C fmod), or with `floor`
  /// the sign of y (Python's %). Integer x % 0 is 0.
  mlir::Value rem(mlir::Value x, mlir::Value y, bool floor);
  mlir::Value neg(mlir::Value x);
  mlir::Value abs(mlir::Value x);
  /// An i1; ordered for floats (false if either is NaN).
  mlir::Value cmp(CmpKind kind, mlir::Value x, mlir::Value y);
  mlir::Value select(mlir::Value cond, mlir::Value x, mlir::Value y);

private:
  mlir::Value intConstant(const llvm::APInt &value);

  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Type type;
  bool unsignedInt;
};

/// Converts a scalar to element type `to` with ONNX Cast semantics: to
/// bool is `x != 0`, from bool is 0 or 1, integers truncate or extend by
/// their source signedness, floats round to nearest even.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                          mlir::Type to, bool fromUnsigned, bool toUnsigned);

/// Calls `fn` on float scalars widened to at least f32 and rounds its
/// result back to the type of args[0]: libm and most LLVM intrinsics have
/// no half-precision forms, and f16 math in f32 is as accurate.
mlir::Value computeInF32(
    mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange args,
    llvm::function_ref<mlir::Value(ScalarBuilder &, mlir::ValueRange)> fn);

/// Builds one element of a linalg.generic result from the elements of its
/// inputs (block arguments, in input order).
using ScalarBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A linalg.generic writing a tensor of `resultType` (into a tensor.empty)
/// over its whole index space, reading `inputs` through `inputMaps`. The
/// body may use linalg.index for the output position.
mlir::Value buildGeneric(NodeImporter &imp, mlir::RankedTensorType resultType,
                         mlir::ValueRange inputs,
                         llvm::ArrayRef<mlir::AffineMap> inputMaps,
                         ScalarBodyFn body);
/// The same with the sizes of the result's run-time dims given, in order
/// (for results whose run-time dims no input has at a mapped position).
mlir::Value buildGeneric(NodeImporter &imp, mlir::RankedTensorType resultType,
                         mlir::ValueRange inputs,
                         llvm::ArrayRef<mlir::AffineMap> inputMaps,
                         mlir::ValueRange dynamicSizes, ScalarBodyFn body);

/// The symbol of run-time dim `d` of `v`, the node's input `input`: the
/// graph input dim it is traced to (through destinations and tensor.dim),
/// else the dim_param ONNX's inference gave the node input; "" if unknown
/// (DimSymbols.cpp).
std::string getDimSymbol(NodeImporter &imp, mlir::Value v, int64_t d,
                         int input);
/// The dim_param ONNX's inference gave dim `d` of the node's output
/// `output`, or "".
std::string getOutputDimSymbol(NodeImporter &imp, int output, int64_t d);
/// Where both operands, the node's inputs `lhsInput` and `rhsInput`, have
/// a run-time dim at one position (counted from the end) and the dims have
/// no common symbol, checks at run time that they are equal: they may
/// differ, one of them 1 and broadcast, which code built for equal dims
/// would get wrong.
mlir::LogicalResult checkRuntimeBroadcast(NodeImporter &imp, mlir::Value lhs,
                                          mlir::Value rhs, int lhsInput = 0,
                                          int rhsInput = 1);
/// Where a broadcasting operator's operand has a run-time dim and another
/// one a static extent N above 1 at the same position (counted from the
/// end), the result's dim is N: the operand becomes one of N there, a cast
/// when its dim is N at run time, a copy of its one row N times when it is
/// 1, and an error otherwise. `operands` are the node's inputs in order.
void broadcastToStaticDims(NodeImporter &imp,
                           llvm::MutableArrayRef<mlir::Value> operands);
/// One strided window per dim of `input` (SliceRules.cpp): positive
/// strides become a tensor.extract_slice, any negative one a linalg.generic
/// reading offset + stride * i.
mlir::Value buildStridedSlice(NodeImporter &imp, mlir::Value input,
                              mlir::RankedTensorType type,
                              llvm::ArrayRef<int64_t> offsets,
                              llvm::ArrayRef<int64_t> strides);

/// Brings a possibly negative axis (or other dim index, named `what` in
/// the error) into [0, rank), or fails with a message at the node.
mlir::FailureOr<int64_t> normalizeAxis(NodeImporter &imp, int64_t axis,
                                       int64_t rank,
                                       llvm::StringRef what = "axis");

/// ONNX makes an index outside [-size, size) an error: one in constant
/// `indices` (node input `input`) is rejected at import, one read at run
/// time fails the run (a reduction over the indices before the read, whose
/// own indices are still clamped). `sizes` has the axis size, or one per
/// position of the indices' last dim (GatherND, ScatterND). Without
/// `negative`, the range is [0, size) (MaxUnpool's flat positions).
mlir::LogicalResult checkIndicesInRange(NodeImporter &imp, int input,
                                        mlir::Value indices,
                                        llvm::ArrayRef<int64_t> sizes,
                                        bool negative = true);
/// checkIndicesInRange along a dim of run-time size `size` (an `index`):
/// always checked at run time, constant indices too.
void checkIndicesInRange(NodeImporter &imp, mlir::Value indices,
                         mlir::Value size);
/// checkIndicesInRange of index tuples along the indices' last dim (GatherND,
/// ScatterND) where some of the dims they index have run-time sizes:
/// `sizes` has one `index` per tuple entry; checked at run time.
void checkIndicesInRange(NodeImporter &imp, mlir::Value indices,
                         mlir::ValueRange sizes);

/// A check of `ok` (i1) at run time: a run where it is false fails with
/// AIC_ERROR_SHAPE_MISMATCH and the node's description followed by `what`.
void buildRuntimeCheck(NodeImporter &imp, mlir::Value ok,
                       const std::string &what);
/// A run-time check that a tensor of `type`, whose run-time dims are
/// `sizes` (read from the data, at least 0), is within the tensor size
/// limit (--max-tensor-bytes): a shape read from an input must not make
/// a run allocate terabytes, nor overflow the size computation.
void buildRuntimeSizeCheck(NodeImporter &imp, mlir::RankedTensorType type,
                           mlir::ValueRange sizes);

/// The map reading an operand of shape `in` broadcast (numpy-style,
/// aligned on trailing dims) to a result of shape `out`, or failure if it
/// does not broadcast.
mlir::FailureOr<mlir::AffineMap> getBroadcastMap(mlir::MLIRContext *ctx,
                                                 llvm::ArrayRef<int64_t> in,
                                                 llvm::ArrayRef<int64_t> out);

/// The destination of a library op whose inputs broadcast to `resultType`
/// numpy-style, its run-time dims read from the inputs; errors at the node
/// if an input does not broadcast or none gives a run-time dim.
mlir::FailureOr<mlir::Value>
buildBroadcastInit(NodeImporter &imp, mlir::RankedTensorType resultType,
                   mlir::ValueRange inputs);

/// An elementwise linalg.generic: each input broadcasts to `resultType`
/// numpy-style; errors at the node if one does not.
mlir::FailureOr<mlir::Value> buildElementwise(NodeImporter &imp,
                                              mlir::RankedTensorType resultType,
                                              mlir::ValueRange inputs,
                                              ScalarBodyFn body);

/// Softmax (or log-softmax) of a float tensor along `axis`: aic.softmax
/// for f32, otherwise max, sum-of-exponentials and normalization as linalg
/// ops computed in at least f32.
mlir::Value buildSoftmax(NodeImporter &imp, mlir::Value input, int64_t axis,
                         bool log);

/// Dim `d` of the tensor `v` as an `index`: a constant where static, else
/// a tensor.dim.
mlir::Value buildDimValue(NodeImporter &imp, mlir::Value v, int64_t d);

/// A tensor of `type` filled with the scalar `value` (linalg.fill).
mlir::Value buildFill(NodeImporter &imp, mlir::RankedTensorType type,
                      mlir::Value value, mlir::ValueRange dynamicSizes = {});
/// `source` padded by `low` and `high` (at least 0) per dim with `value`
/// into `type`: a tensor.pad, or over run-time dims (which must not be
/// padded) a fill and a copy of `source` into it.
mlir::Value buildConstantPad(NodeImporter &imp, mlir::RankedTensorType type,
                             mlir::Value source, llvm::ArrayRef<int64_t> low,
                             llvm::ArrayRef<int64_t> high, mlir::Value value);

/// `source` at offsets `low` in a tensor of `type` filled with `value`,
/// whose run-time dims have the sizes `sizes` (in order): constant padding
/// by amounts that may be known only at run time.
mlir::Value buildPadInto(NodeImporter &imp, mlir::RankedTensorType type,
                         mlir::Value source,
                         llvm::ArrayRef<mlir::OpFoldResult> low,
                         mlir::ValueRange sizes, mlir::Value value);

/// A scalar arith.constant of `type` (integers saturate).
mlir::Value buildScalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Type type, double value,
                                bool isUnsigned = false);

/// Reads a one-element tensor as a scalar (tensor.extract).
mlir::Value extractScalar(NodeImporter &imp, mlir::Value tensor);

/// Reads input `i`, a one-element tensor, as a scalar of type `type`
/// (converted from the input's ONNX type). Errors if it has more elements.
mlir::FailureOr<mlir::Value>
getScalarInput(NodeImporter &imp, int i, llvm::StringRef what, mlir::Type type);

/// Replaces `elementType` and `isUnsigned` by the node's `dtype` attribute
/// if it has one; errors on a type aic does not support.
mlir::LogicalResult applyDtypeAttr(NodeImporter &imp, mlir::Type &elementType,
                                   bool &isUnsigned);

} // namespace importer
} // namespace aic

#endif // AIC_LIB_IMPORTER_BUILDERS_H
