//===- ConvTransposeRules.cpp - Import rule for ConvTranspose -------------===//
//
// ONNX ConvTranspose on aic.conv_transpose (oneDNN deconvolution). ONNX
// places the output window with pads, auto_pad, output_padding and
// output_shape; all of them come down to one begin and one end padding per
// spatial dim, which may be negative (output_padding and a large
// output_shape add rows past the last one any input reaches). The op takes
// non-negative pads only, so the rule builds it for the rows inputs reach
// and pads the rest with zeros (plus the bias) with tensor.pad. A symbolic
// batch and image dims stay run-time dims (whose output rows are then all
// rows inputs reach).
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

namespace {
/// The output window of one spatial dim, in the coordinates of the full
/// transposed convolution (whose row 0 is the first any input reaches).
struct Extent {
  int64_t full;  // rows of the full transposed convolution
  int64_t begin; // the first output row (negative: before row 0)
  int64_t size;  // output rows
  // Over a run-time input size (full and size dynamic): the end padding
  // and output_padding, which give size = full + outputPadding - begin -
  // endPad.
  int64_t endPad = 0, outputPadding = 0;
};
} // namespace

static int64_t floorDiv2(int64_t v) { return v >= 0 ? v / 2 : -((1 - v) / 2); }

/// Resolves the output window of every spatial dim as ConvTranspose-11
/// and the ONNX reference define it: output_shape or SAME_* auto_pad (an
/// output of input * stride) fix the size and split the total padding
/// between the ends (SAME_UPPER puts the smaller half first, every other
/// mode the larger one, halving rounds down); otherwise the explicit pads
/// do.
static FailureOr<SmallVector<Extent>>
resolveExtents(NodeImporter &imp, ArrayRef<int64_t> in,
               ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> dilations) {
  size_t n = in.size();
  FailureOr<SmallVector<int64_t>> outputPadding =
      getSpatialAttr(imp, "output_padding", n, 0, 0);
  if (failed(outputPadding))
    return failure();
  std::string autoPad = imp.getStringAttr("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER") {
    imp.emitError() << "unknown auto_pad '" << autoPad << "'";
    return failure();
  }
  SmallVector<int64_t> outputShape = imp.getIntsAttr("output_shape");
  // ONNX's shape inference reads the first entries of an output_shape
  // with batch and channel dims as the spatial ones: only n entries are
  // unambiguous.
  if (!outputShape.empty() && outputShape.size() != n) {
    imp.emitError() << "'output_shape' has " << outputShape.size()
                    << " entries, expected one per spatial dim (" << n << ")";
    return failure();
  }
  SmallVector<int64_t> pads(2 * n, 0);
  if (autoPad == "NOTSET" && outputShape.empty()) {
    FailureOr<SmallVector<int64_t>> attr =
        getSpatialAttr(imp, "pads", 2 * n, 0, 0);
    if (failed(attr))
      return failure();
    pads = std::move(*attr);
  }

  // Real windows are far below this bound, and keeping the values there
  // keeps the window arithmetic from overflowing.
  constexpr int64_t kMaxWindow = int64_t(1) << 30;
  for (ArrayRef<int64_t> values :
       {strides, dilations, ArrayRef<int64_t>(*outputPadding),
        ArrayRef<int64_t>(pads), ArrayRef<int64_t>(outputShape)}) {
    if (llvm::any_of(values, [](int64_t v) { return v > kMaxWindow; })) {
      imp.emitError() << "a stride, dilation, padding or output size above "
                      << kMaxWindow << " is not supported";
      return failure();
    }
  }
  SmallVector<Extent> extents;
  for (size_t i = 0; i < n; ++i) {
    Extent e;
    if (ShapedType::isDynamic(in[i])) {
      // A run-time input size: only the padding must not depend on it, as
      // explicit pads and SAME's (kernel extent + output_padding - stride,
      // for an output of input * stride) do not; the sizes follow at run
      // time (e.full and e.size are then unused).
      if (!outputShape.empty()) {
        imp.emitError() << "'output_shape' over spatial dim " << i
                        << ", whose size is known only at run time, is not "
                           "supported yet (fix the model's symbolic dims "
                           "with --input-shape)";
        return failure();
      }
      e.full = e.size = ShapedType::kDynamic;
      e.begin = pads[i];
      if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
        int64_t total = (kernel[i] - 1) * dilations[i] + 1 +
                        (*outputPadding)[i] - strides[i];
        if (imp.getOpset() < 11 && total % 2 != 0) {
          imp.emitError() << "an odd total padding (" << total
                          << ") is split ambiguously before opset 11";
          return failure();
        }
        e.begin = autoPad == "SAME_UPPER" ? floorDiv2(total)
                                          : total - floorDiv2(total);
        // The end padding, kept in `full` - `size` terms below.
        e.endPad = total - e.begin;
      } else {
        e.endPad = pads[n + i];
      }
      e.outputPadding = (*outputPadding)[i];
      extents.push_back(e);
      continue;
    }
    e.full = (in[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
    int64_t withPadding = e.full + (*outputPadding)[i];
    bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
    if (!outputShape.empty() || same) {
      e.size = outputShape.empty() ? in[i] * strides[i] : outputShape[i];
      int64_t total = withPadding - e.size;
      // Before opset 11 the formula contradicts the auto_pad description
      // on which end gets the odd row.
      if (imp.getOpset() < 11 && total % 2 != 0) {
        imp.emitError() << "an odd total padding (" << total
                        << ") is split ambiguously before opset 11";
        return failure();
      }
      e.begin =
          autoPad == "SAME_UPPER" ? floorDiv2(total) : total - floorDiv2(total);
    } else {
      e.begin = pads[i];
      e.size = withPadding - pads[i] - pads[n + i];
    }
    if (e.size < 1) {
      imp.emitError() << "the output window has " << e.size
                      << " rows in spatial dim " << i;
      return failure();
    }
    extents.push_back(e);
  }
  return extents;
}

static LogicalResult importConvTranspose(NodeImporter &imp) {
  FailureOr<Value> input = imp.getInput(0), weight = imp.getInput(1);
  if (failed(input) || failed(weight))
    return failure();
  auto inType = cast<RankedTensorType>(input->getType());
  auto wType = cast<RankedTensorType>(weight->getType());
  if (!inType.getElementType().isF32())
    return imp.emitError() << "element type " << inType.getElementType()
                           << " is not supported (only f32 is)";
  int64_t rank = inType.getRank();
  if (rank < 3 || rank > 5 || wType.getRank() != rank)
    return imp.emitError()
           << "expects input and weight of equal rank 3 to 5 (1 to 3 "
              "spatial dims)";
  // A symbolic batch and image dims stay run-time dims of the op (its
  // primitive is made per shape); the channels and weight are static.
  if (inType.isDynamicDim(1) || !wType.hasStaticShape())
    return imp.emitError()
           << "input of shape " << formatShape(inType.getShape())
           << " and weight of shape " << formatShape(wType.getShape())
           << ": run-time channels or weight dims are not supported yet (fix "
              "the model's symbolic dims with --input-shape)";
  size_t n = rank - 2;
  int64_t group = imp.getIntAttr("group", 1);
  int64_t channels = inType.getDimSize(1);
  if (group < 1 || channels % group != 0 || wType.getDimSize(0) != channels)
    return imp.emitError() << "weight " << formatShape(wType.getShape())
                           << " and group " << group
                           << " do not fit the input channels " << channels;
  int64_t outChannels = wType.getDimSize(1) * group;
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  if (imp.getAttr("kernel_shape") &&
      ArrayRef<int64_t>(imp.getIntsAttr("kernel_shape")) != kernel)
    return imp.emitError() << "'kernel_shape' does not match the weight shape";
  FailureOr<SmallVector<int64_t>> strides =
      getSpatialAttr(imp, "strides", n, 1);
  FailureOr<SmallVector<int64_t>> dilations =
      getSpatialAttr(imp, "dilations", n, 1);
  if (failed(strides) || failed(dilations))
    return failure();
  FailureOr<SmallVector<Extent>> extents = resolveExtents(
      imp, inType.getShape().drop_front(2), kernel, *strides, *dilations);
  if (failed(extents))
    return failure();
  SmallVector<int64_t> shape{inType.getDimSize(0), outChannels};
  for (const Extent &e : *extents)
    shape.push_back(e.size);
  FailureOr<RankedTensorType> type =
      inType.hasStaticShape()
          ? imp.getOutputType(0)
          : imp.getOutputTypeOr(
                0, RankedTensorType::get(shape, inType.getElementType()));
  if (failed(type))
    return failure();
  // ONNX's shape inference gives SAME_* a total padding of
  // max(0, kernel extent - stride), ignoring output_padding, where its
  // spec asks for input * stride outputs: where the two differ, there is
  // no one answer.
  if (ArrayRef<int64_t>(shape) != type->getShape())
    return imp.emitError() << "the attributes give an output of shape "
                           << formatShape(shape) << " but ONNX inferred "
                           << formatShape(type->getShape());
  Value bias;
  if (imp.hasInput(2)) {
    FailureOr<Value> b = imp.getInput(2);
    if (failed(b))
      return failure();
    bias = *b;
    auto bType = cast<RankedTensorType>(bias.getType());
    if (bType.getRank() != 1 || bType.isDynamicDim(0) ||
        bType.getDimSize(0) != outChannels)
      return imp.emitError()
             << "'B' has shape " << formatShape(bType.getShape())
             << ", expected [" << outChannels << "]";
  }

  // The rows of the output the full transposed convolution computes: the
  // op's pads crop it to them, zeros pad the rest.
  SmallVector<int64_t> pads(2 * n), low(rank, 0), high(rank, 0);
  SmallVector<int64_t> opShape(shape.begin(), shape.begin() + 2);
  bool padded = false;
  // The op's run-time sizes: the batch, then the image's.
  SmallVector<Value> sizes;
  if (inType.isDynamicDim(0))
    sizes.push_back(imp.create<tensor::DimOp>(*input, 0));
  for (auto [i, e] : llvm::enumerate(*extents)) {
    if (ShapedType::isDynamic(e.full)) {
      // The rows the op computes, (in - 1) * stride + extent - pads, and
      // those outside them (output_padding past the end padding) must be
      // none: a run-time dim is not padded.
      pads[i] = std::max<int64_t>(e.begin, 0);
      pads[n + i] = std::max<int64_t>(e.endPad - e.outputPadding, 0);
      low[2 + i] = pads[i] - e.begin;
      high[2 + i] = std::max<int64_t>(e.outputPadding - e.endPad, 0);
      if (low[2 + i] || high[2 + i])
        return imp.emitError()
               << "padding the output past the rows any input reaches in "
                  "spatial dim "
               << i
               << ", whose size is known only at run time, is not supported "
                  "yet (fix the model's symbolic dims with --input-shape)";
      auto index = [&](int64_t v) -> Value {
        return imp.create<arith::ConstantIndexOp>(v);
      };
      int64_t extent = (kernel[i] - 1) * (*dilations)[i] + 1;
      Value in = imp.create<tensor::DimOp>(*input, 2 + i);
      Value full = imp.create<arith::AddIOp>(
          imp.create<arith::MulIOp>(imp.create<arith::SubIOp>(in, index(1)),
                                    index((*strides)[i])),
          index(extent));
      Value cropped = index(pads[i] + pads[n + i]);
      buildRuntimeCheck(
          imp,
          imp.create<arith::CmpIOp>(arith::CmpIPredicate::sgt, full, cropped),
          "spatial dim " + std::to_string(i) +
              " of the input gives no output rows");
      sizes.push_back(imp.create<arith::SubIOp>(full, cropped));
      opShape.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t first = std::max<int64_t>(e.begin, 0);
    int64_t last = std::min(e.begin + e.size, e.full);
    if (last <= first)
      return imp.emitError() << "the output window reaches no input in "
                                "spatial dim "
                             << i;
    pads[i] = first;
    pads[n + i] = e.full - last;
    low[2 + i] = first - e.begin;
    high[2 + i] = e.begin + e.size - last;
    padded |= low[2 + i] > 0 || high[2 + i] > 0;
    opShape.push_back(last - first);
  }
  auto opType = RankedTensorType::get(opShape, type->getElementType());
  OpBuilder &b = imp.getBuilder();
  auto conv = imp.create<ConvTransposeOp>(
      opType, *input, *weight, padded ? Value() : bias, ValueRange{},
      imp.emptyTensor(opType, sizes), b.getDenseI64ArrayAttr(*strides),
      b.getDenseI64ArrayAttr(*dilations), b.getDenseI64ArrayAttr(pads),
      b.getI64IntegerAttr(group));
  if (!padded) {
    imp.setOutput(0, conv);
    return success();
  }
  Value zero = buildScalarConstant(b, imp.getLoc(), type->getElementType(), 0);
  Value result =
      buildConstantPad(imp, *type, conv.getOutput(), low, high, zero);
  if (bias) {
    SmallVector<int64_t> biasShape(rank - 1, 1);
    biasShape[0] = outChannels;
    result = imp.create<AddOp>(*type, result, imp.reshapeTo(bias, biasShape),
                               ValueRange{}, imp.emptyTensorLike(result))
                 .getOutput();
  }
  imp.setOutput(0, result);
  return success();
}

ArrayRef<OpRuleInfo> aic::importer::getConvTransposeRules() {
  static const OpRuleInfo rules[] = {
      {"ConvTranspose", importConvTranspose, 1,
       typeBit(onnx::TensorProto::FLOAT), "", true},
  };
  return rules;
}
