//===- SignalRules.cpp - Import rules for signal processing operators -----===//
//
// DFT, STFT, the HannWindow / HammingWindow / BlackmanWindow generators and
// MelWeightMatrix (opset 17).
//
// A DFT is a direct O(n^2) sum: one linalg.generic whose reduction dim runs
// over the signal, reading the twiddle factor e^(-+2 pi i k n / L) from a
// table of L cosines and sines at (k * n) mod L, so the angle is reduced
// exactly in integers. It accumulates in f64 whatever the element type: a
// bin whose exact value is 0 must come out near 0 in absolute terms, which
// an f32 sum of large terms does not give. An FFT (for lengths with small
// prime factors) is future work. STFT frames (and windows) the signal with
// one linalg.generic and takes the same DFT along the frame axis.
//
// Window sizes, DFT lengths, frame steps and MelWeightMatrix's parameters
// determine output shapes, so they must be constants. MelWeightMatrix is
// computed at compile time into a constant. ONNX 1.12's STFT shape
// inference ignores `onesided`; this file replaces it in ONNX's schema
// registry (see fixStftInference).
//
//===----------------------------------------------------------------------===//
#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "onnx/defs/schema.h"
#include "onnx/defs/shape_inference.h"
#include "onnx/defs/tensor_proto_util.h"

#include <algorithm>
#include <cmath>
#include <optional>

using namespace mlir;
using namespace aic;
using namespace aic::importer;

/// The one integer of constant input `i` (named `what` in errors).
static FailureOr<int64_t> getConstantScalar(NodeImporter &imp, int i,
                                            StringRef what) {
  FailureOr<SmallVector<int64_t>> values = imp.getConstantInts(i, what);
  if (failed(values))
    return failure();
  if (values->size() != 1) {
    imp.emitError() << "'" << what << "' input must be a scalar";
    return failure();
  }
  return values->front();
}

/// The one float of constant input `i` (named `what` in errors).
static FailureOr<double> getConstantFloat(NodeImporter &imp, int i,
                                          StringRef what) {
  const ConstTensor *tensor = imp.getConstantInput(i);
  if (!tensor || tensor->getNumElements() != 1) {
    imp.emitError() << "'" << what << "' input must be a constant scalar";
    return failure();
  }
  return getValuesAsDouble(*tensor).front();
}

/// The element type named by an `output_datatype` attribute (FLOAT if
/// absent), or null after an error.
static Type getOutputDatatype(NodeImporter &imp, bool &isUnsigned) {
  int64_t dtype = imp.getIntAttr("output_datatype", onnx::TensorProto::FLOAT);
  Type type = convertElementType(dtype, imp.getContext());
  isUnsigned = isUnsignedElementType(dtype);
  if (!type || type.isInteger(1)) {
    imp.emitError() << "unsupported output_datatype " << elementTypeName(dtype);
    return Type();
  }
  return type;
}

/// The type windows and their arithmetic are computed in: f64 for f64
/// outputs, f32 for all others (as ONNX's function bodies do).
static FloatType getComputeType(OpBuilder &b, Type outputType) {
  return outputType.isF64() ? cast<FloatType>(b.getF64Type())
                            : cast<FloatType>(b.getF32Type());
}

//===----------------------------------------------------------------------===//
// DFT
//===----------------------------------------------------------------------===//

/// cos(2 pi m / length) and sin(2 pi m / length), exact at quarter turns.
static std::pair<double, double> getTwiddle(int64_t m, int64_t length) {
  if ((4 * m) % length == 0) {
    switch ((4 * m) / length) {
    case 0:
      return {1, 0};
    case 1:
      return {0, 1};
    case 2:
      return {-1, 0};
    default:
      return {0, -1};
    }
  }
  double angle = 2 * M_PI * static_cast<double>(m) / length;
  return {std::cos(angle), std::sin(angle)};
}

/// The DFT along `axis` of `signal` ([..., C] with C = 1 for real values, 2
/// for complex ones), zero-padded or truncated to `length`, at the first
/// `bins` frequencies: [..., bins (at axis), ..., 2] of `resultElementType`.
/// The inverse transform is scaled by 1 / length.
static Value buildDft(NodeImporter &imp, Value signal, int64_t axis,
                      int64_t length, int64_t bins, bool inverse,
                      Type resultElementType) {
  OpBuilder &b = imp.getBuilder();
  MLIRContext *ctx = imp.getContext();
  auto type = cast<RankedTensorType>(signal.getType());
  int64_t rank = type.getRank();
  bool complex = type.getShape().back() == 2;
  // Truncate; zero padding needs no terms.
  if (type.getDimSize(axis) > length) {
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = length;
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
    for (int64_t dim : shape)
      sizes.push_back(b.getIndexAttr(dim));
    type = RankedTensorType::get(shape, type.getElementType());
    signal = imp.create<tensor::ExtractSliceOp>(type, signal, offsets, sizes,
                                                strides);
  }

  // e^(-+i theta) = cos + i * s: the sign and the inverse's scale are in
  // the tables.
  double scale = inverse ? 1.0 / length : 1.0;
  double sign = inverse ? 1.0 : -1.0;
  std::vector<double> cosines(length), sines(length);
  for (int64_t m = 0; m < length; ++m) {
    auto [c, s] = getTwiddle(m, length);
    cosines[m] = scale * c;
    sines[m] = s == 0 ? 0.0 : scale * sign * s;
  }
  Type f64 = b.getF64Type();
  auto tableType = RankedTensorType::get({length}, f64);
  Value cosTable = imp.createConstant(makeFloatTensor(tableType, cosines),
                                      "dft_cos_" + std::to_string(length));
  Value sinTable = imp.createConstant(makeFloatTensor(tableType, sines),
                                      "dft_sin_" + std::to_string(length));

  // Iteration dims: the result's dims (the bin at `axis`, real/imaginary
  // last), then the signal position n (a reduction).
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = bins;
  shape.back() = 2;
  auto accType = RankedTensorType::get(shape, f64);
  SmallVector<AffineMap> maps;
  SmallVector<Value> inputs;
  for (int64_t part = 0; part < (complex ? 2 : 1); ++part) {
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank - 1; ++d)
      exprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    exprs.push_back(getAffineConstantExpr(part, ctx));
    maps.push_back(AffineMap::get(rank + 1, 0, exprs, ctx));
    inputs.push_back(signal);
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank + 1, ctx)
                     .dropResult(static_cast<unsigned>(rank)));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  ScalarBuilder outer(b, imp.getLoc(), f64);
  Value init = buildFill(imp, accType, outer.constant(0));
  Value sum =
      imp.create<linalg::GenericOp>(
             TypeRange{accType}, inputs, ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location loc, ValueRange args) {
               ScalarBuilder s(nb, loc, f64);
               Value k = nb.create<linalg::IndexOp>(loc, axis);
               Value n = nb.create<linalg::IndexOp>(loc, rank);
               Value part = nb.create<linalg::IndexOp>(loc, rank - 1);
               Value kn = nb.create<arith::MulIOp>(loc, k, n);
               Value lengthIndex =
                   nb.create<arith::ConstantIndexOp>(loc, length);
               Value m = nb.create<arith::RemUIOp>(loc, kn, lengthIndex);
               Value c = nb.create<tensor::ExtractOp>(loc, cosTable, m);
               Value w = nb.create<tensor::ExtractOp>(loc, sinTable, m);
               Value xr = convertScalar(nb, loc, args[0], f64, false, false);
               Value re = s.mul(xr, c), im = s.mul(xr, w);
               if (complex) {
                 Value xi = convertScalar(nb, loc, args[1], f64, false, false);
                 re = s.sub(re, s.mul(xi, w));
                 im = s.add(im, s.mul(xi, c));
               }
               Value zero = nb.create<arith::ConstantIndexOp>(loc, 0);
               Value isReal = nb.create<arith::CmpIOp>(
                   loc, arith::CmpIPredicate::eq, part, zero);
               Value term = s.select(isReal, re, im);
               nb.create<linalg::YieldOp>(loc, s.add(args.back(), term));
             })
          .getResult(0);
  if (resultElementType == f64)
    return sum;
  auto resultType = RankedTensorType::get(shape, resultElementType);
  return buildGeneric(imp, resultType, sum, b.getMultiDimIdentityMap(rank),
                      [&](OpBuilder &nb, Location loc, ValueRange args) {
                        return convertScalar(nb, loc, args[0],
                                             resultElementType, false, false);
                      });
}

/// Input 0, a float signal [..., 1 or 2] of rank `minRank` or more (exactly
/// `minRank` if `exact`), as DFT and STFT take it.
static FailureOr<Value> getSignal(NodeImporter &imp, int64_t minRank,
                                  bool exact) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  int64_t rank = type.getRank();
  if (rank < minRank || (exact && rank != minRank) ||
      (type.getShape().back() != 1 && type.getShape().back() != 2)) {
    imp.emitError() << "expects a signal of rank " << (exact ? "" : ">= ")
                    << minRank
                    << " whose last dim is 1 (real) or 2 (complex), got "
                    << formatShape(type.getShape());
    return failure();
  }
  if (!isa<FloatType>(type.getElementType())) {
    imp.emitError() << "expects a float signal";
    return failure();
  }
  return input;
}

static LogicalResult importDft(NodeImporter &imp) {
  FailureOr<Value> input = getSignal(imp, 3, /*exact=*/false);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  int64_t rank = type.getRank();
  int64_t axis = imp.getIntAttr("axis", 1);
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized > rank - 2)
    return imp.emitError() << "axis " << axis << " is out of range for rank "
                           << rank << " (the last dim holds the parts)";
  int64_t length = type.getDimSize(normalized);
  if (imp.hasInput(1)) {
    FailureOr<int64_t> dftLength = getConstantScalar(imp, 1, "dft_length");
    if (failed(dftLength))
      return failure();
    length = *dftLength;
  }
  if (length < 1)
    return imp.emitError() << "DFT length " << length << " is not positive";
  bool onesided = imp.getIntAttr("onesided", 0);
  int64_t bins = onesided ? length / 2 + 1 : length;
  SmallVector<int64_t> shape(type.getShape());
  shape[normalized] = bins;
  shape.back() = 2;
  FailureOr<RankedTensorType> outType = imp.getOutputTypeOr(
      0, RankedTensorType::get(shape, type.getElementType()));
  if (failed(outType))
    return failure();
  imp.setOutput(0, buildDft(imp, *input, normalized, length, bins,
                            imp.getIntAttr("inverse", 0) != 0,
                            type.getElementType()));
  return success();
}

/// STFT: frame f of signal [B, S, C] is x[b, f * step + n, c] for n < L
/// (times window[n]); its DFT along n gives output [B, F, bins, 2].
static LogicalResult importStft(NodeImporter &imp) {
  FailureOr<Value> input = getSignal(imp, 3, /*exact=*/true);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  FailureOr<int64_t> step = getConstantScalar(imp, 1, "frame_step");
  if (failed(step))
    return failure();
  if (*step < 1)
    return imp.emitError() << "frame_step " << *step << " is not positive";
  Value window;
  int64_t length = -1;
  if (imp.hasInput(2)) {
    FailureOr<Value> w = imp.getInput(2);
    if (failed(w))
      return failure();
    auto wType = cast<RankedTensorType>(w->getType());
    if (wType.getRank() != 1 || wType.getElementType() != type.getElementType())
      return imp.emitError() << "expects a 1-D window of the signal's type";
    window = *w;
    length = wType.getDimSize(0);
  }
  if (imp.hasInput(3)) {
    FailureOr<int64_t> frameLength = getConstantScalar(imp, 3, "frame_length");
    if (failed(frameLength))
      return failure();
    if (window && *frameLength != length)
      return imp.emitError() << "frame_length " << *frameLength
                             << " differs from the window's length " << length;
    length = *frameLength;
  }
  if (length < 0)
    return imp.emitError() << "expects a window or a frame_length";
  int64_t signalLength = type.getDimSize(1);
  if (length < 1 || length > signalLength)
    return imp.emitError() << "frame length " << length
                           << " is not in [1, signal length " << signalLength
                           << "]";
  int64_t frames = (signalLength - length) / *step + 1;
  int64_t batch = type.getDimSize(0), parts = type.getDimSize(2);
  bool onesided = imp.getIntAttr("onesided", 1);
  int64_t bins = onesided ? length / 2 + 1 : length;
  FailureOr<RankedTensorType> outType =
      imp.getOutputTypeOr(0, RankedTensorType::get({batch, frames, bins, 2},
                                                   type.getElementType()));
  if (failed(outType))
    return failure();

  // framed[b, f, n, c] = x[b, f * step + n, c] * window[n].
  MLIRContext *ctx = imp.getContext();
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
             d2 = getAffineDimExpr(2, ctx), d3 = getAffineDimExpr(3, ctx);
  SmallVector<Value> inputs{*input};
  SmallVector<AffineMap> maps{
      AffineMap::get(4, 0, {d0, d1 * *step + d2, d3}, ctx)};
  if (window) {
    inputs.push_back(window);
    maps.push_back(AffineMap::get(4, 0, {d2}, ctx));
  }
  auto framedType = RankedTensorType::get({batch, frames, length, parts},
                                          type.getElementType());
  Value framed = buildGeneric(
      imp, framedType, inputs, maps,
      [&](OpBuilder &nb, Location loc, ValueRange args) -> Value {
        if (args.size() == 1)
          return args[0];
        return computeInF32(nb, loc, args, [](ScalarBuilder &s, ValueRange xs) {
          return s.mul(xs[0], xs[1]);
        });
      });
  imp.setOutput(0, buildDft(imp, framed, 2, length, bins, /*inverse=*/false,
                            type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Windows
//===----------------------------------------------------------------------===//

/// A generalized cosine window a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N)
/// of `size` points, N = size (periodic) or size - 1 (symmetric). As numpy,
/// scipy and PyTorch do, a symmetric window of one point is [1] (ONNX's
/// function body would divide by zero).
static LogicalResult importCosineWindow(NodeImporter &imp, double a0, double a1,
                                        double a2) {
  FailureOr<int64_t> size = getConstantScalar(imp, 0, "size");
  if (failed(size))
    return failure();
  if (*size < 0)
    return imp.emitError() << "window size " << *size << " is negative";
  bool isUnsigned;
  Type elementType = getOutputDatatype(imp, isUnsigned);
  if (!elementType)
    return failure();
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, RankedTensorType::get({*size}, elementType));
  if (failed(type))
    return failure();
  bool periodic = imp.getIntAttr("periodic", 1);
  int64_t period = periodic ? *size : *size - 1;
  // The angular increment is rounded to the compute type once, as in
  // ONNX's function bodies; n * increment is then computed per element.
  double increment = period > 0 ? 2 * M_PI / period : 0;
  FloatType computeType = getComputeType(imp.getBuilder(), elementType);
  imp.setOutput(
      0, buildGeneric(
             imp, *type, ValueRange{}, {},
             [&](OpBuilder &nb, Location loc, ValueRange) {
               ScalarBuilder s(nb, loc, computeType);
               if (period == 0)
                 return convertScalar(nb, loc, s.constant(1), elementType,
                                      false, isUnsigned);
               Value index = nb.create<linalg::IndexOp>(loc, 0);
               Value n64 =
                   nb.create<arith::IndexCastOp>(loc, nb.getI64Type(), index);
               Value n = nb.create<arith::SIToFPOp>(loc, computeType, n64);
               Value angle = s.mul(n, s.constant(increment));
               // One statement per op: argument evaluation order is
               // unspecified.
               Value cosine = nb.create<math::CosOp>(loc, angle);
               Value term = s.mul(s.constant(a1), cosine);
               Value w = s.sub(s.constant(a0), term);
               if (a2 != 0) {
                 Value twice = s.mul(angle, s.constant(2));
                 Value cosine2 = nb.create<math::CosOp>(loc, twice);
                 Value term2 = s.mul(s.constant(a2), cosine2);
                 w = s.add(w, term2);
               }
               return convertScalar(nb, loc, w, elementType, false, isUnsigned);
             }));
  return success();
}

//===----------------------------------------------------------------------===//
// MelWeightMatrix
//===----------------------------------------------------------------------===//

/// The matrix [dft_length / 2 + 1, num_mel_bins] of triangular filters
/// between mel(lower) and mel(upper), mel(f) = 2595 log10(1 + f / 700),
/// with the bin edges and the writes of ONNX's reference implementation;
/// rows it would write outside the matrix (an upper edge beyond the
/// Nyquist frequency) are dropped. Computed at compile time in f64.
static LogicalResult importMelWeightMatrix(NodeImporter &imp) {
  FailureOr<int64_t> melBins = getConstantScalar(imp, 0, "num_mel_bins");
  FailureOr<int64_t> dftLength = getConstantScalar(imp, 1, "dft_length");
  FailureOr<int64_t> sampleRate = getConstantScalar(imp, 2, "sample_rate");
  FailureOr<double> lower = getConstantFloat(imp, 3, "lower_edge_hertz");
  FailureOr<double> upper = getConstantFloat(imp, 4, "upper_edge_hertz");
  if (failed(melBins) || failed(dftLength) || failed(sampleRate) ||
      failed(lower) || failed(upper))
    return failure();
  if (*melBins < 1 || *dftLength < 1 || *sampleRate < 1)
    return imp.emitError() << "num_mel_bins, dft_length and sample_rate must "
                              "be positive";
  if (!(*lower >= 0) || !(*lower <= *upper) || !std::isfinite(*upper))
    return imp.emitError() << "expects 0 <= lower_edge_hertz <= "
                              "upper_edge_hertz, both finite";
  bool isUnsigned;
  Type elementType = getOutputDatatype(imp, isUnsigned);
  if (!elementType)
    return failure();
  int64_t rows = *dftLength / 2 + 1, cols = *melBins;
  FailureOr<RankedTensorType> type =
      imp.getOutputTypeOr(0, RankedTensorType::get({rows, cols}, elementType));
  if (failed(type))
    return failure();

  auto toMel = [](double hz) { return 2595 * std::log10(1 + hz / 700); };
  double lowMel = toMel(*lower), highMel = toMel(*upper);
  double step = (highMel - lowMel) / (cols + 2);
  // The edges stay doubles (whole numbers): an upper edge far beyond the
  // Nyquist frequency gives edges no int64 holds, and only the rows of
  // the matrix are visited.
  std::vector<double> edges;
  for (int64_t i = 0; i < cols + 2; ++i) {
    double hz = 700 * (std::pow(10.0, (i * step + lowMel) / 2595) - 1);
    edges.push_back(
        std::floor((*dftLength + 1) * hz / static_cast<double>(*sampleRate)));
  }
  std::vector<double> values(rows * cols, 0.0);
  // The rows of [first, last] (whole numbers) within the matrix.
  auto forRows = [&](double first, double last, auto &&body) {
    first = std::max(first, 0.0);
    last = std::min(last, double(rows - 1));
    if (!(first <= last)) // also NaN
      return;
    for (int64_t j = int64_t(first); j <= int64_t(last); ++j)
      body(j);
  };
  for (int64_t i = 0; i < cols; ++i) {
    double left = edges[i], center = edges[i + 1], right = edges[i + 2];
    if (center == left)
      forRows(center, center, [&](int64_t j) { values[j * cols + i] = 1; });
    if (center != left)
      forRows(left, center, [&](int64_t j) {
        values[j * cols + i] = (double(j) - left) / (center - left);
      });
    if (right > center)
      forRows(center, right - 1, [&](int64_t j) {
        values[j * cols + i] = (right - double(j)) / (right - center);
      });
  }
  OpBuilder &b = imp.getBuilder();
  if (isa<FloatType>(elementType)) {
    imp.setOutput(0, imp.createConstant(makeFloatTensor(*type, values),
                                        "mel_weight_matrix"));
    return success();
  }
  auto f64Type = RankedTensorType::get({rows, cols}, b.getF64Type());
  Value matrix =
      imp.createConstant(makeFloatTensor(f64Type, values), "mel_weight_matrix");
  imp.setOutput(
      0, buildGeneric(imp, *type, matrix, b.getMultiDimIdentityMap(2),
                      [&](OpBuilder &nb, Location loc, ValueRange args) {
                        return convertScalar(nb, loc, args[0], elementType,
                                             false, isUnsigned);
                      }));
  return success();
}

//===----------------------------------------------------------------------===//
// STFT shape inference
//===----------------------------------------------------------------------===//

/// STFT-17's output shape, [batch, frames, bins, 2]. ONNX 1.12's own
/// inference ignores `onesided` (it always gives frame_length bins), which
/// contradicts every onesided model's declared output shape.
static void inferStftShape(onnx::InferenceContext &ctx) {
  onnx::propagateElemTypeFromInputToOutput(ctx, 0, 0);
  if (!onnx::hasInputShape(ctx, 0))
    return;
  const onnx::TensorShapeProto &signal =
      ctx.getInputType(0)->tensor_type().shape();
  if (signal.dim_size() != 3)
    fail_shape_inference("STFT expects a signal of rank 3");
  // Plain flags and values, zero-initialized (not std::optional: GCC tests
  // an optional's payload and flag in one branch, which valgrind reports
  // as a jump on uninitialized memory).
  auto getScalar = [&](size_t i, int64_t &value) -> bool {
    value = 0;
    const onnx::TensorProto *data =
        i < ctx.getNumInputs() ? ctx.getInputData(i) : nullptr;
    if (!data || (data->data_type() != onnx::TensorProto::INT32 &&
                  data->data_type() != onnx::TensorProto::INT64))
      return false;
    std::vector<int64_t> values;
    if (data->data_type() == onnx::TensorProto::INT64)
      values = onnx::ParseData<int64_t>(data);
    else
      for (int32_t v : onnx::ParseData<int32_t>(data))
        values.push_back(v);
    if (values.size() != 1)
      return false;
    value = values.front();
    return true;
  };
  int64_t length = 0, step = 0;
  bool hasLength = getScalar(3, length);
  if (!hasLength && onnx::hasInputShape(ctx, 2)) {
    const onnx::TensorShapeProto &window =
        ctx.getInputType(2)->tensor_type().shape();
    if (window.dim_size() == 1 && window.dim(0).has_dim_value()) {
      length = window.dim(0).dim_value();
      hasLength = true;
    }
  }
  bool hasStep = getScalar(1, step);
  onnx::TensorShapeProto shape;
  *shape.add_dim() = signal.dim(0);
  onnx::TensorShapeProto::Dimension *frames = shape.add_dim();
  if (hasLength && hasStep && step > 0 && signal.dim(1).has_dim_value() &&
      signal.dim(1).dim_value() >= length)
    frames->set_dim_value((signal.dim(1).dim_value() - length) / step + 1);
  onnx::TensorShapeProto::Dimension *bins = shape.add_dim();
  if (hasLength)
    bins->set_dim_value(onnx::getAttribute(ctx, "onesided", 1) ? length / 2 + 1
                                                               : length);
  shape.add_dim()->set_dim_value(2);
  onnx::updateOutputShape(ctx, 0, shape);
}

void aic::importer::fixStftInference() {
  if (const onnx::OpSchema *stft = onnx::OpSchemaRegistry::Schema("STFT", 17))
    if (stft->SinceVersion() == 17)
      const_cast<onnx::OpSchema *>(stft)->TypeAndShapeInferenceFunction(
          inferStftShape);
}

//===----------------------------------------------------------------------===//
// Rule table
//===----------------------------------------------------------------------===//

namespace {
constexpr TypeSet kSizeTypes =
    typeBit(onnx::TensorProto::INT32) | typeBit(onnx::TensorProto::INT64);
} // namespace

ArrayRef<OpRuleInfo> aic::importer::getSignalRules() {
  static const OpRuleInfo rules[] = {
      {"BlackmanWindow",
       [](NodeImporter &imp) {
         return importCosineWindow(imp, 0.42, 0.5, 0.08);
       },
       17, kSizeTypes},
      {"DFT", importDft, 17, types::kFloat},
      {"HammingWindow",
       [](NodeImporter &imp) {
         return importCosineWindow(imp, 25.0 / 46, 21.0 / 46, 0);
       },
       17, kSizeTypes},
      {"HannWindow",
       [](NodeImporter &imp) { return importCosineWindow(imp, 0.5, 0.5, 0); },
       17, kSizeTypes},
      {"MelWeightMatrix", importMelWeightMatrix, 17, kSizeTypes},
      {"STFT", importStft, 17, types::kFloat},
  };
  return rules;
}
