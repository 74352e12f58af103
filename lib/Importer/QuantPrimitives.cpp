//===- QuantPrimitives.cpp - Integer products on oneDNN's int8 primitives -===//
//
// ConvInteger, QLinearConv, MatMulInteger and QLinearMatMul with constant
// weights run their sums on aic.conv / aic.matmul in the integer form (int8
// operands, i32 sums), which the runtime executes on oneDNN's int8
// primitives. Only the sums go there: zero points and requantization stay
// in generated code, where they follow ONNX exactly (oneDNN adds the output
// zero point before rounding, ONNX after; oneDNN has no weight zero points).
//
// oneDNN's int8 primitives have no weight zero point, and their sums are
// exact only in range: the weights' zero point is folded into the
// constant weights when the result fits int8, uint8 activations are
// flipped to int8 (x - 128) so that every |x| <= 128, and the form is used
// only when no sum can reach 2^24 (oneDNN converts i32 sums to f32 and
// back). The activations' zero point becomes a per-channel correction of
// the sums, acc - (x_zero_point - 128) * sum_k (w - w_zero_point), computed
// from the constant channel sums. Every other form stays generated code.
//
//===----------------------------------------------------------------------===//
#include "QuantPrimitives.h"

#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cstdint>
#include <cstring>
#include <optional>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

/// The sums stay below this: f32 holds every integer up to it exactly.
static constexpr int64_t kExactSumLimit = int64_t(1) << 24;
/// The largest |x| of an int8 operand.
static constexpr int64_t kMaxAbsOperand = 128;

/// Element `i` of an 8-bit constant, as its ONNX signedness reads it.
static int64_t readInt8(const ConstTensor &t, int64_t i) {
  auto byte = static_cast<unsigned char>(t.data[i]);
  return t.isUnsigned ? int64_t(byte) : int64_t(static_cast<int8_t>(byte));
}

/// A 1-D i32 constant of `values`, each wrapped to 32 bits.
static Value buildI32Vector(NodeImporter &imp, ArrayRef<int64_t> values,
                            StringRef hint) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    imp.getBuilder().getI32Type());
  std::vector<char> bytes(values.size() * sizeof(int32_t));
  for (size_t i = 0; i < values.size(); ++i) {
    auto v = static_cast<int32_t>(static_cast<uint32_t>(values[i]));
    std::memcpy(bytes.data() + i * sizeof(int32_t), &v, sizeof(int32_t));
  }
  return imp.createConstant(ConstTensor{type, std::move(bytes), false, {}},
                            hint);
}

namespace {
/// Constant weights of an integer product, their zero point subtracted
/// (int8, the weights' shape), and per output channel the sum of those
/// values (a 1-D i32 constant).
struct Int8Weights {
  Value weights, channelSums;
  std::vector<int64_t> sums; // channelSums' values
};
} // namespace

/// Folds the weights of an integer product, input `weightIndex` with its
/// zero point input `zeroPointIndex` (absent is 0), whose output channels
/// are dim `channelDim` of the weights, when oneDNN's int8 primitive
/// computes the product exactly: both are constants, the zero point is one
/// per tensor or per channel, each w - w_zero_point fits int8, and for each
/// channel 128 * sum |w - w_zero_point| < 2^24. Otherwise nullopt.
static std::optional<Int8Weights> foldInt8Weights(NodeImporter &imp,
                                                  int weightIndex,
                                                  int zeroPointIndex,
                                                  int64_t channelDim) {
  const ConstTensor *w = imp.getModelConstantInput(weightIndex);
  if (!w || w->isString() || !w->type.getElementType().isInteger(8) ||
      !w->type.hasStaticShape() || channelDim >= w->type.getRank() ||
      static_cast<int64_t>(w->data.size()) != w->getNumElements())
    return std::nullopt;
  const ConstTensor *zp = nullptr;
  if (imp.hasInput(zeroPointIndex)) {
    zp = imp.getModelConstantInput(zeroPointIndex);
    if (!zp || zp->isString() || !zp->type.getElementType().isInteger(8) ||
        static_cast<int64_t>(zp->data.size()) != zp->getNumElements())
      return std::nullopt;
  }
  ArrayRef<int64_t> shape = w->type.getShape();
  int64_t channels = shape[channelDim];
  // Elements of one channel are `inner` apart in runs of `inner`.
  int64_t inner = 1;
  for (int64_t d = channelDim + 1; d < w->type.getRank(); ++d)
    inner *= shape[d];
  if (zp && zp->getNumElements() != 1 && zp->getNumElements() != channels)
    return std::nullopt;

  int64_t n = w->getNumElements();
  std::vector<char> folded(n);
  std::vector<int64_t> sums(channels, 0), absSums(channels, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t c = (i / inner) % std::max<int64_t>(channels, 1);
    int64_t z = zp ? readInt8(*zp, zp->getNumElements() == 1 ? 0 : c) : 0;
    int64_t v = readInt8(*w, i) - z;
    if (v < INT8_MIN || v > INT8_MAX)
      return std::nullopt;
    folded[i] = static_cast<char>(static_cast<int8_t>(v));
    sums[c] += v;
    absSums[c] += v < 0 ? -v : v;
    if (absSums[c] * kMaxAbsOperand >= kExactSumLimit)
      return std::nullopt;
  }
  ConstTensor weights{w->type, std::move(folded), /*isUnsigned=*/false, {}};
  return Int8Weights{imp.createConstant(weights, "int8_weights"),
                     buildI32Vector(imp, sums, "int8_channel_sums"),
                     std::move(sums)};
}

/// When x's zero point (input `zeroPointIndex`) is absent or a model
/// constant per tensor, the correction buildZeroPointCorrection computes,
/// as constants: -(x_zero_point - (uint8 x ? 128 : 0)) * sums[c], or null
/// when all are 0; else nullopt.
static std::optional<Value> buildConstantCorrection(NodeImporter &imp,
                                                    const QuantOperand &x,
                                                    int zeroPointIndex,
                                                    ArrayRef<int64_t> sums) {
  int64_t z = 0;
  if (x.zeroPoint) {
    const ConstTensor *zp = imp.getModelConstantInput(zeroPointIndex);
    if (!zp || zp->isString() || zp->getNumElements() != 1 ||
        zp->data.size() != 1)
      return std::nullopt;
    z = readInt8(*zp, 0);
  }
  if (x.isUnsigned)
    z -= 128;
  if (z == 0)
    return Value();
  SmallVector<int64_t> offsets;
  for (int64_t sum : sums)
    offsets.push_back(-z * sum);
  return buildI32Vector(imp, offsets, "int8_zero_point_offsets");
}

/// `x` (i8) as int8 values: uint8 values minus 128 (x xor 0x80), so that
/// x - x_zero_point is (x - 128) - (x_zero_point - 128).
static Value buildSignedOperand(NodeImporter &imp, Value x, bool isUnsigned) {
  if (!isUnsigned)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  return buildGeneric(
      imp, type, ValueRange{x},
      {imp.getBuilder().getMultiDimIdentityMap(type.getRank())},
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value flip = buildScalarConstant(b, loc, args[0].getType(), -128);
        return b.create<arith::XOrIOp>(loc, args[0], flip);
      });
}

/// The sums of (x - x_zero_point) * (w - w_zero_point) from `acc`, the i32
/// sums of buildSignedOperand(x) and the folded weights: acc - (x_zero_point
/// - (uint8 x ? 128 : 0)) * channelSums[c], with the zero point (null for
/// 0) broadcast to acc and c its dim `channelDim`. Exact in wrapping i32
/// arithmetic since the result fits.
static Value buildZeroPointCorrection(NodeImporter &imp, Value acc,
                                      const QuantOperand &x, Value channelSums,
                                      int64_t channelDim) {
  auto type = cast<RankedTensorType>(acc.getType());
  MLIRContext *ctx = imp.getContext();
  unsigned rank = type.getRank();
  Value zeroPoint = x.zeroPoint;
  bool xUnsigned = x.isUnsigned, zeroPointUnsigned = x.zeroPointUnsigned;
  SmallVector<Value> inputs{acc, channelSums};
  SmallVector<AffineMap> maps{
      imp.getBuilder().getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, getAffineDimExpr(channelDim, ctx))};
  if (zeroPoint) {
    inputs.push_back(zeroPoint);
    maps.push_back(*getBroadcastMap(
        ctx, cast<RankedTensorType>(zeroPoint.getType()).getShape(),
        type.getShape()));
  }
  if (!zeroPoint && !xUnsigned)
    return acc;
  return buildGeneric(
      imp, type, inputs, maps,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Type i32 = b.getI32Type();
        // The zero point of the int8 view of x.
        Value z = zeroPoint ? convertScalar(b, loc, args[2], i32,
                                            zeroPointUnsigned, false)
                            : buildScalarConstant(b, loc, i32, 0);
        if (xUnsigned)
          z = b.create<arith::SubIOp>(loc, z,
                                      buildScalarConstant(b, loc, i32, 128));
        Value correction = b.create<arith::MulIOp>(loc, z, args[1]);
        return b.create<arith::SubIOp>(loc, args[0], correction);
      });
}

/// The exact sums from the int8 product `acc`: with `offsets`, a
/// correction constant per tensor is left to the caller through it (joined
/// with the requantization); otherwise buildZeroPointCorrection applies it.
static Value correctInt8Product(NodeImporter &imp, Value acc,
                                const QuantOperand &x, int zeroPointIndex,
                                const Int8Weights &folded, int64_t channelDim,
                                Value *offsets) {
  if (offsets)
    if (std::optional<Value> constant =
            buildConstantCorrection(imp, x, zeroPointIndex, folded.sums)) {
      *offsets = *constant;
      return acc;
    }
  return buildZeroPointCorrection(imp, acc, x, folded.channelSums, channelDim);
}

Value aic::importer::buildInt8Matmul(NodeImporter &imp, const QuantOperand &a,
                                     int aZeroPointIndex, int bIndex,
                                     int bZeroPointIndex,
                                     ArrayRef<int64_t> accShape,
                                     Value *offsets) {
  if (!cast<RankedTensorType>(a.value.getType()).hasStaticShape())
    return Value();
  std::optional<Int8Weights> folded =
      foldInt8Weights(imp, bIndex, bZeroPointIndex, /*channelDim=*/1);
  if (!folded)
    return Value();
  auto accType = RankedTensorType::get(accShape, imp.getBuilder().getI32Type());
  Value lhs = buildSignedOperand(imp, a.value, a.isUnsigned);
  Value acc = imp.create<MatmulOp>(accType, lhs, folded->weights, Value(),
                                   ValueRange{}, imp.emptyTensor(accType),
                                   UnitAttr(), UnitAttr(), FloatAttr())
                  .getOutput();
  return correctInt8Product(imp, acc, a, aZeroPointIndex, *folded,
                            accShape.size() - 1, offsets);
}

Value aic::importer::buildInt8Conv(
    NodeImporter &imp, const QuantOperand &x, int xZeroPointIndex, int wIndex,
    int wZeroPointIndex, RankedTensorType accType, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> dilations, int64_t group, Value *offsets) {
  if (accType.getRank() > 5 || !accType.hasStaticShape() ||
      !cast<RankedTensorType>(x.value.getType()).hasStaticShape())
    return Value();
  std::optional<Int8Weights> folded =
      foldInt8Weights(imp, wIndex, wZeroPointIndex, /*channelDim=*/0);
  if (!folded)
    return Value();
  OpBuilder &b = imp.getBuilder();
  Value src = buildSignedOperand(imp, x.value, x.isUnsigned);
  Value acc = imp.create<ConvOp>(accType, src, folded->weights, Value(),
                                 ValueRange{}, imp.emptyTensor(accType),
                                 b.getDenseI64ArrayAttr(strides),
                                 b.getDenseI64ArrayAttr(dilations),
                                 b.getDenseI64ArrayAttr(SmallVector<int64_t>(
                                     2 * (accType.getRank() - 2), 0)),
                                 b.getI64IntegerAttr(group))
                  .getOutput();
  return correctInt8Product(imp, acc, x, xZeroPointIndex, *folded,
                            /*channelDim=*/1, offsets);
}
