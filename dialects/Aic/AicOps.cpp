//===- AicOps.cpp - aic op verifiers and helpers --------------------------===//
//
// Verifiers state the rule they check: a pass or the importer that builds an
// inconsistent op gets a message naming the offending attribute or operand.
//
//===----------------------------------------------------------------------===//
#include "dialects/Aic/AicDialect.h"
#include "dialects/Aic/RuntimePrimitive.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace aic;

FailureOr<SmallVector<int64_t>> aic::broadcastShapes(ArrayRef<int64_t> a,
                                                     ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    result[i] = da == 1 ? db : da;
  }
  return result;
}

static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

/// Checks that each #aic.layout of the `layouts` attribute describes its
/// operand's type.
static LogicalResult verifyLayouts(Operation *op) {
  auto layouts = op->getAttrOfType<ArrayAttr>(kLayoutsAttrName);
  if (!layouts || layouts.empty())
    return success();
  if (layouts.size() != op->getNumOperands())
    return op->emitOpError() << "has " << layouts.size() << " layouts for "
                             << op->getNumOperands() << " operands";
  for (OpOperand &operand : op->getOpOperands()) {
    LayoutAttr layout = getOperandLayout(op, operand.getOperandNumber());
    if (!layout)
      continue;
    auto type = cast<ShapedType>(operand.get().getType());
    SmallVector<int64_t> physical = layout.getPhysicalShape();
    if (type.getShape() != ArrayRef<int64_t>(physical))
      return op->emitOpError()
             << "operand #" << operand.getOperandNumber() << " of shape "
             << shapeStr(type.getShape()) << " is not the stored shape "
             << shapeStr(physical) << " of " << layout;
  }
  return success();
}

/// Checks the operand layouts and that all operands and results have one
/// element type.
static LogicalResult verifySameElementType(Operation *op) {
  if (failed(verifyLayouts(op)))
    return failure();
  Type elementType;
  SmallVector<Type> types(op->getOperandTypes());
  types.append(op->getResultTypes().begin(), op->getResultTypes().end());
  for (Type t : types) {
    Type et = getElementTypeOrSelf(t);
    if (elementType && et != elementType)
      return op->emitOpError() << "expects all operands and results to have "
                                  "one element type, got "
                               << elementType << " and " << et;
    elementType = et;
  }
  return success();
}

/// Checks that the chain consumes exactly the `post` operands and that each
/// broadcasts to the result.
static LogicalResult verifyPostOps(Operation *op, ArrayAttr postOps,
                                   ValueRange postOperands,
                                   ShapedType resultType) {
  size_t binaries = 0;
  for (Attribute attr : postOps) {
    if (!isa<BinaryPostOpAttr>(attr))
      continue;
    if (binaries >= postOperands.size())
      return op->emitOpError() << "post-op chain has more #aic.binary entries "
                                  "than post operands ("
                               << postOperands.size() << ")";
    ShapedType type = getLogicalType(op, postOperands[binaries]);
    auto shape = broadcastShapes(resultType.getShape(), type.getShape());
    if (failed(shape) || ArrayRef<int64_t>(*shape) != resultType.getShape())
      return op->emitOpError() << "post operand #" << binaries << " of shape "
                               << shapeStr(type.getShape())
                               << " does not broadcast to the result shape "
                               << shapeStr(resultType.getShape());
    ++binaries;
  }
  if (binaries != postOperands.size())
    return op->emitOpError()
           << "has " << postOperands.size()
           << " post operands but the post-op chain uses " << binaries;
  return success();
}

/// Checks the attributes of a sliding window over `nsp` spatial dims and
/// returns the expected output spatial sizes.
static FailureOr<SmallVector<int64_t>>
verifyWindow(Operation *op, ArrayRef<int64_t> inSpatial,
             ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
  size_t nsp = inSpatial.size();
  if (kernel.size() != nsp || strides.size() != nsp ||
      dilations.size() != nsp || pads.size() != 2 * nsp) {
    op->emitOpError() << "expects " << nsp << " kernel/strides/dilations "
                      << "entries and " << 2 * nsp << " pads for " << nsp
                      << " spatial dims";
    return failure();
  }
  SmallVector<int64_t> out;
  for (size_t i = 0; i < nsp; ++i) {
    if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1 || pads[i] < 0 ||
        pads[nsp + i] < 0) {
      op->emitOpError() << "expects positive kernel, strides and dilations "
                           "and non-negative pads (spatial dim "
                        << i << ")";
      return failure();
    }
    int64_t window = (kernel[i] - 1) * dilations[i] + 1;
    // A run-time input size gives a run-time output size (the runtime
    // creates the primitive per shape; compiled code checks the size).
    if (ShapedType::isDynamic(inSpatial[i])) {
      out.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t padded = inSpatial[i] + pads[i] + pads[nsp + i];
    if (padded < window) {
      op->emitOpError() << "window of " << window << " exceeds the padded "
                        << "input extent " << padded << " in spatial dim " << i;
      return failure();
    }
    out.push_back((padded - window) / strides[i] + 1);
  }
  return out;
}

/// The type of the destination, which the result (if any) has too.
static ShapedType getInitType(Operation *op) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  return getLogicalType(op, dps.getDpsInits().front());
}

/// The logical type of operand `v` of `op`.
static ShapedType shapeOf(Operation *op, Value v) {
  return getLogicalType(op, v);
}

static LogicalResult verifyResultShape(Operation *op,
                                       ArrayRef<int64_t> expected) {
  ShapedType type = getInitType(op);
  if (type.getShape() != expected)
    return op->emitOpError() << "expects result shape " << shapeStr(expected)
                             << ", got " << shapeStr(type.getShape());
  return success();
}

/// The element types of a product (aic.conv, aic.matmul): all one type, or
/// the integer form, signed 8-bit operands (signless i8 is int8 in the
/// runtime contract) summed exactly into i32, which carries no bias,
/// post-ops nor scale (the importer requantizes the sums in generated code).
static LogicalResult verifyProductElementTypes(Operation *op, Value lhs,
                                               Value bias, ArrayAttr postOps,
                                               bool scaled) {
  if (!getElementTypeOrSelf(lhs.getType()).isInteger(8))
    return verifySameElementType(op);
  if (failed(verifyLayouts(op)))
    return failure();
  // Operands: lhs, rhs, then (bias and post operands being absent) init.
  for (OpOperand &operand : op->getOpOperands()) {
    Type et = getElementTypeOrSelf(operand.get().getType());
    bool isInit = operand.getOperandNumber() + 1 == op->getNumOperands();
    if (!et.isInteger(isInit ? 32 : 8))
      return op->emitOpError() << "expects i8 operands and an i32 init in "
                                  "its integer form, got "
                               << et;
  }
  // After bufferization the op has no result.
  if (op->getNumResults() &&
      !getElementTypeOrSelf(op->getResult(0).getType()).isInteger(32))
    return op->emitOpError() << "expects an i32 result in its integer form";
  if (bias || !postOps.empty() || scaled)
    return op->emitOpError()
           << "expects no bias, post-ops nor alpha in its integer form";
  return success();
}

/// The input of a window op has rank >= 3.
static LogicalResult verifyWindowRank(Operation *op, ShapedType inType) {
  if (inType.getRank() < 3)
    return op->emitOpError()
           << "expects an input of rank >= 3 (N, C, spatial...)";
  return success();
}

/// The input of a window op has rank >= 3 and the op one element type.
static LogicalResult verifyWindowInput(Operation *op, ShapedType inType) {
  if (failed(verifyWindowRank(op, inType)))
    return failure();
  return verifySameElementType(op);
}

/// A convolution's optional bias has one element per output channel.
static LogicalResult verifyBias(Operation *op, Value bias,
                                int64_t outChannels) {
  if (!bias)
    return success();
  ShapedType bType = shapeOf(op, bias);
  if (bType.getRank() != 1 || bType.getDimSize(0) != outChannels)
    return op->emitOpError() << "expects a bias of shape [" << outChannels
                             << "], got " << shapeStr(bType.getShape());
  return success();
}

void aic::getDestinationStyleEffects(
    Operation *op,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    if (dps.isDpsInit(&operand)) {
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
      if (hasSumPostOp(op))
        effects.emplace_back(MemoryEffects::Read::get(), &operand,
                             SideEffects::DefaultResource::get());
    } else
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

//===----------------------------------------------------------------------===//
// ConvOp
//===----------------------------------------------------------------------===//

/// The image and the destination; a binary post-op operand unless it
/// broadcasts over the batch. Never the weights or the bias.
bool ConvOp::isBatchOperand(OpOperand &operand) {
  if (&operand == &getInputMutable() || &operand == &getInitMutable())
    return true;
  for (OpOperand &post : getPostOperandsMutable())
    if (&post == &operand)
      return isBroadcastBatchOperand(*this, operand);
  return false;
}

LogicalResult ConvOp::verify() {
  ShapedType inType = shapeOf(*this, getInput());
  ShapedType wType = shapeOf(*this, getWeight());
  if (failed(verifyWindowRank(*this, inType)) ||
      failed(verifyProductElementTypes(*this, getInput(), getBias(),
                                       getPostOps(), /*scaled=*/false)))
    return failure();
  int64_t group = getGroup();
  // A blocked layout of grouped weights names them as oneDNN does,
  // [group, OC/group, IC/group, k...]; the op's weights are [OC, IC/group,
  // k...].
  if (wType.getRank() == inType.getRank() + 1 && wType.getDimSize(0) == group) {
    SmallVector<int64_t> merged{wType.getDimSize(0) * wType.getDimSize(1)};
    merged.append(wType.getShape().begin() + 2, wType.getShape().end());
    wType = RankedTensorType::get(merged, wType.getElementType());
  }
  if (wType.getRank() != inType.getRank())
    return emitOpError() << "expects weight rank " << wType.getRank()
                         << " to equal input rank " << inType.getRank();
  int64_t channels = inType.getDimSize(1), outChannels = wType.getDimSize(0);
  if (group < 1 || channels % group != 0 || outChannels % group != 0)
    return emitOpError() << "expects group " << group
                         << " to divide the input channels " << channels
                         << " and the output channels " << outChannels;
  if (wType.getDimSize(1) * group != channels)
    return emitOpError() << "expects weight dim 1 (" << wType.getDimSize(1)
                         << ") x group (" << group
                         << ") to equal the input channels " << channels;
  if (failed(verifyBias(*this, getBias(), outChannels)))
    return failure();
  auto spatial = verifyWindow(*this, inType.getShape().drop_front(2),
                              wType.getShape().drop_front(2), getStrides(),
                              getDilations(), getPads());
  if (failed(spatial))
    return failure();
  SmallVector<int64_t> expected{inType.getDimSize(0), outChannels};
  expected.append(*spatial);
  if (failed(verifyResultShape(*this, expected)))
    return failure();
  return verifyPostOps(*this, getPostOps(), getPostOperands(),
                       getInitType(*this));
}

//===----------------------------------------------------------------------===//
// ConvTransposeOp
//===----------------------------------------------------------------------===//

LogicalResult ConvTransposeOp::verify() {
  ShapedType inType = shapeOf(*this, getInput());
  ShapedType wType = shapeOf(*this, getWeight());
  if (failed(verifyWindowInput(*this, inType)))
    return failure();
  if (wType.getRank() != inType.getRank())
    return emitOpError() << "expects weight rank " << wType.getRank()
                         << " to equal input rank " << inType.getRank();
  int64_t group = getGroup(), channels = inType.getDimSize(1);
  if (group < 1 || channels % group != 0)
    return emitOpError() << "expects group " << group
                         << " to divide the input channels " << channels;
  if (wType.getDimSize(0) != channels)
    return emitOpError() << "expects weight dim 0 (" << wType.getDimSize(0)
                         << ") to equal the input channels " << channels;
  int64_t outChannels = wType.getDimSize(1) * group;
  if (failed(verifyBias(*this, getBias(), outChannels)))
    return failure();
  size_t nsp = inType.getRank() - 2;
  ArrayRef<int64_t> strides = getStrides(), dilations = getDilations(),
                    pads = getPads();
  if (strides.size() != nsp || dilations.size() != nsp ||
      pads.size() != 2 * nsp)
    return emitOpError() << "expects " << nsp << " strides/dilations entries "
                         << "and " << 2 * nsp << " pads for " << nsp
                         << " spatial dims";
  SmallVector<int64_t> expected{inType.getDimSize(0), outChannels};
  for (size_t i = 0; i < nsp; ++i) {
    if (strides[i] < 1 || dilations[i] < 1 || pads[i] < 0 || pads[nsp + i] < 0)
      return emitOpError() << "expects positive strides and dilations and "
                              "non-negative pads (spatial dim "
                           << i << ")";
    if (inType.isDynamicDim(2 + i)) {
      expected.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t full = (inType.getDimSize(2 + i) - 1) * strides[i] +
                   (wType.getDimSize(2 + i) - 1) * dilations[i] + 1;
    int64_t size = full - pads[i] - pads[nsp + i];
    if (size < 1)
      return emitOpError() << "pads " << pads[i] << " and " << pads[nsp + i]
                           << " leave nothing of the " << full
                           << " outputs in spatial dim " << i;
    expected.push_back(size);
  }
  if (failed(verifyResultShape(*this, expected)))
    return failure();
  return verifyPostOps(*this, getPostOps(), getPostOperands(),
                       getInitType(*this));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename PoolOp> static LogicalResult verifyPool(PoolOp op) {
  ShapedType inType = shapeOf(op, op.getInput());
  if (failed(verifyWindowInput(op, inType)))
    return failure();
  auto spatial =
      verifyWindow(op, inType.getShape().drop_front(2), op.getKernel(),
                   op.getStrides(), op.getDilations(), op.getPads());
  if (failed(spatial))
    return failure();
  SmallVector<int64_t> expected(inType.getShape().take_front(2));
  expected.append(*spatial);
  return verifyResultShape(op, expected);
}

LogicalResult MaxPoolOp::verify() { return verifyPool(*this); }
LogicalResult AvgPoolOp::verify() { return verifyPool(*this); }

LogicalResult SoftmaxOp::verify() {
  int64_t rank = shapeOf(*this, getInput()).getRank();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError() << "expects axis in [0, " << rank << "), got "
                         << getAxis();
  if (failed(verifySameElementType(*this)))
    return failure();
  return verifyResultShape(*this, shapeOf(*this, getInput()).getShape());
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  ArrayRef<int64_t> a = shapeOf(*this, getLhs()).getShape();
  ArrayRef<int64_t> b = shapeOf(*this, getRhs()).getShape();
  if (a.size() < 2 || b.size() < 2)
    return emitOpError() << "expects operands of rank >= 2, got " << shapeStr(a)
                         << " and " << shapeStr(b);
  if (failed(verifyProductElementTypes(*this, getLhs(), getBias(), getPostOps(),
                                       getAlpha().convertToDouble() != 1.0)))
    return failure();
  int64_t m = a[a.size() - 2], ka = a.back();
  int64_t kb = b[b.size() - 2], n = b.back();
  if (getTransposeLhs())
    std::swap(m, ka);
  if (getTransposeRhs())
    std::swap(kb, n);
  if (ka != kb)
    return emitOpError() << "expects matching contraction sizes, got " << ka
                         << " and " << kb;
  auto batch = broadcastShapes(a.drop_back(2), b.drop_back(2));
  if (failed(batch))
    return emitOpError() << "expects broadcastable batch dims, got "
                         << shapeStr(a.drop_back(2)) << " and "
                         << shapeStr(b.drop_back(2));
  SmallVector<int64_t> expected(*batch);
  expected.append({m, n});
  if (failed(verifyResultShape(*this, expected)))
    return failure();
  if (getBias()) {
    ArrayRef<int64_t> bias = shapeOf(*this, getBias()).getShape();
    auto shape = broadcastShapes(expected, bias);
    if (failed(shape) || ArrayRef<int64_t>(*shape) != ArrayRef(expected))
      return emitOpError() << "expects a bias broadcastable to "
                           << shapeStr(expected) << ", got " << shapeStr(bias);
  }
  return verifyPostOps(*this, getPostOps(), getPostOperands(),
                       getInitType(*this));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename BinOp> static LogicalResult verifyBinary(BinOp op) {
  if (failed(verifySameElementType(op)))
    return failure();
  ArrayRef<int64_t> a = shapeOf(op, op.getLhs()).getShape();
  ArrayRef<int64_t> b = shapeOf(op, op.getRhs()).getShape();
  auto shape = broadcastShapes(a, b);
  if (failed(shape))
    return op.emitOpError() << "expects broadcastable operands, got "
                            << shapeStr(a) << " and " << shapeStr(b);
  if (failed(verifyResultShape(op, *shape)))
    return failure();
  return verifyPostOps(op, op.getPostOps(), op.getPostOperands(),
                       getInitType(op));
}

LogicalResult AddOp::verify() { return verifyBinary(*this); }
LogicalResult SubOp::verify() { return verifyBinary(*this); }
LogicalResult MulOp::verify() { return verifyBinary(*this); }
LogicalResult DivOp::verify() { return verifyBinary(*this); }
LogicalResult MaxOp::verify() { return verifyBinary(*this); }
LogicalResult MinOp::verify() { return verifyBinary(*this); }
BinaryKind AddOp::getKind() { return BinaryKind::add; }
BinaryKind SubOp::getKind() { return BinaryKind::sub; }
BinaryKind MulOp::getKind() { return BinaryKind::mul; }
BinaryKind DivOp::getKind() { return BinaryKind::div; }
BinaryKind MaxOp::getKind() { return BinaryKind::max; }
BinaryKind MinOp::getKind() { return BinaryKind::min; }

EltwisePostOpAttr ReluOp::getPostOp() {
  return EltwisePostOpAttr::get(getContext(), EltwiseKind::relu, 0, 0);
}
EltwisePostOpAttr SigmoidOp::getPostOp() {
  return EltwisePostOpAttr::get(getContext(), EltwiseKind::sigmoid, 0, 0);
}
EltwisePostOpAttr TanhOp::getPostOp() {
  return EltwisePostOpAttr::get(getContext(), EltwiseKind::tanh, 0, 0);
}
EltwisePostOpAttr ExpOp::getPostOp() {
  return EltwisePostOpAttr::get(getContext(), EltwiseKind::exp, 0, 0);
}
EltwisePostOpAttr SwishOp::getPostOp() {
  return EltwisePostOpAttr::get(getContext(), EltwiseKind::swish, 1, 0);
}
EltwisePostOpAttr HardSwishOp::getPostOp() {
  return EltwisePostOpAttr::get(getContext(), EltwiseKind::hardswish, 0, 0);
}
EltwisePostOpAttr GeluOp::getPostOp() {
  return EltwisePostOpAttr::get(getContext(),
                                getTanhApproximation() ? EltwiseKind::gelu_tanh
                                                       : EltwiseKind::gelu_erf,
                                0, 0);
}
EltwisePostOpAttr ClipOp::getPostOp() {
  return EltwisePostOpAttr::get(getContext(), EltwiseKind::clip,
                                getMin().convertToDouble(),
                                getMax().convertToDouble());
}

template <typename UnaryOp> static LogicalResult verifyUnary(UnaryOp op) {
  if (failed(verifySameElementType(op)))
    return failure();
  return verifyResultShape(op, shapeOf(op, op.getInput()).getShape());
}

LogicalResult ReluOp::verify() { return verifyUnary(*this); }
LogicalResult SigmoidOp::verify() { return verifyUnary(*this); }
LogicalResult TanhOp::verify() { return verifyUnary(*this); }
LogicalResult ExpOp::verify() { return verifyUnary(*this); }
LogicalResult SwishOp::verify() { return verifyUnary(*this); }
LogicalResult HardSwishOp::verify() { return verifyUnary(*this); }
LogicalResult GeluOp::verify() { return verifyUnary(*this); }
LogicalResult ClipOp::verify() {
  if (std::isnan(getMin().convertToDouble()) ||
      std::isnan(getMax().convertToDouble()))
    return emitOpError() << "expects non-NaN bounds";
  return verifyUnary(*this);
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  ShapedType inType = shapeOf(*this, getInput());
  if (inType.getRank() < 2)
    return emitOpError() << "expects an input of rank >= 2 (N, C, ...)";
  if (failed(verifySameElementType(*this)))
    return failure();
  int64_t channels = inType.getDimSize(1);
  for (Value v : {getScale(), getBias(), getMean(), getVariance()}) {
    ShapedType t = shapeOf(*this, v);
    if (t.getRank() != 1 || t.getDimSize(0) != channels)
      return emitOpError() << "expects per-channel operands of shape ["
                           << channels << "], got " << shapeStr(t.getShape());
  }
  if (getEpsilon().convertToDouble() < 0 ||
      std::isnan(getEpsilon().convertToDouble()))
    return emitOpError() << "expects a non-negative epsilon";
  return verifyResultShape(*this, inType.getShape());
}

LogicalResult LrnOp::verify() {
  ShapedType inType = shapeOf(*this, getInput());
  if (inType.getRank() < 2)
    return emitOpError() << "expects an input of rank >= 2 (N, C, ...)";
  if (failed(verifySameElementType(*this)))
    return failure();
  int64_t size = getSize();
  if (size < 1 || size % 2 == 0)
    return emitOpError() << "expects a positive odd size, got " << size;
  for (double v : {getAlpha().convertToDouble(), getBeta().convertToDouble(),
                   getBias().convertToDouble()})
    if (!std::isfinite(v))
      return emitOpError() << "expects finite alpha, beta and bias";
  return verifyResultShape(*this, inType.getShape());
}

//===----------------------------------------------------------------------===//
// Recurrent
//===----------------------------------------------------------------------===//

LogicalResult RnnOp::verify() {
  StringRef cell = getCell();
  int64_t gates = llvm::StringSwitch<int64_t>(cell)
                      .Cases("rnn_tanh", "rnn_relu", "rnn_sigmoid", 1)
                      .Case("lstm", 4)
                      .Cases("gru", "lbr_gru", 3)
                      .Default(0);
  if (!gates)
    return emitOpError() << "unknown cell '" << cell << "'";
  if (failed(verifySameElementType(*this)))
    return failure();
  bool lstm = cell == "lstm";
  if (getInits().size() != (lstm ? 3u : 2u))
    return emitOpError() << "expects " << (lstm ? 3 : 2) << " destinations";
  if ((getInitialC() || getPeephole()) && !lstm)
    return emitOpError() << "expects an initial cell state and peepholes "
                            "only for lstm";
  ArrayRef<int64_t> x = shapeOf(*this, getInput()).getShape();
  if (x.size() != 3)
    return emitOpError() << "expects an input [T, N, I], got " << shapeStr(x);
  int64_t t = x[0], n = x[1], i = x[2];
  int64_t h = shapeOf(*this, getWeightsIter()).getShape().back();
  int64_t biasRows = gates + (cell == "lbr_gru" ? 1 : 0);
  auto expect = [&](Value v, ArrayRef<int64_t> shape,
                    StringRef what) -> LogicalResult {
    if (!v)
      return success();
    ArrayRef<int64_t> got = shapeOf(*this, v).getShape();
    if (got != shape)
      return emitOpError() << "expects " << what << " " << shapeStr(shape)
                           << ", got " << shapeStr(got);
    return success();
  };
  if (failed(expect(getWeightsLayer(), {i, gates, h}, "weights_layer")) ||
      failed(expect(getWeightsIter(), {h, gates, h}, "weights_iter")) ||
      failed(expect(getBias(), {biasRows, h}, "bias")) ||
      failed(expect(getPeephole(), {3, h}, "peephole")) ||
      failed(expect(getInitialH(), {n, h}, "initial_h")) ||
      failed(expect(getInitialC(), {n, h}, "initial_c")) ||
      failed(expect(getInits()[0], {t, n, h}, "Y")))
    return failure();
  for (Value v : getInits().drop_front())
    if (failed(expect(v, {n, h}, "final states")))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "expects the element type to be preserved";
  if (!in.hasStaticShape() || !out.hasStaticShape() ||
      in.getNumElements() != out.getNumElements())
    return emitOpError() << "expects static shapes with equal element counts, "
                            "got "
                         << shapeStr(in.getShape()) << " and "
                         << shapeStr(out.getShape());
  return success();
}

Value ReshapeOp::getViewSource() { return getInput(); }

LogicalResult ReorderOp::verify() {
  if (failed(verifySameElementType(*this)))
    return failure();
  return verifyResultShape(*this, shapeOf(*this, getInput()).getShape());
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "expects at least one input";
  if (failed(verifySameElementType(*this)))
    return failure();
  ShapedType first = shapeOf(*this, getInputs().front());
  int64_t rank = first.getRank(), axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "expects axis in [0, " << rank << "), got " << axis;
  SmallVector<int64_t> expected(first.getShape());
  expected[axis] = 0;
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    ArrayRef<int64_t> shape = shapeOf(*this, v).getShape();
    for (int64_t d = 0; d < rank; ++d) {
      if (static_cast<int64_t>(shape.size()) != rank ||
          (d != axis && shape[d] != expected[d]))
        return emitOpError()
               << "expects input #" << i << " of shape " << shapeStr(shape)
               << " to match the others except on axis " << axis;
    }
    expected[axis] = ShapedType::isDynamic(expected[axis]) ||
                             ShapedType::isDynamic(shape[axis])
                         ? ShapedType::kDynamic
                         : expected[axis] + shape[axis];
  }
  return verifyResultShape(*this, expected);
}

#define GET_OP_CLASSES
#include "dialects/Aic/AicOps.cpp.inc"
