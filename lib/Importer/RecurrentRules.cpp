//===- RecurrentRules.cpp - Import rules for RNN, GRU and LSTM ------------===//
//
// ONNX RNN, GRU and LSTM (every opset) with their full semantics. The
// forms oneDNN computes become aic.rnn ops (RecurrentLibrary.cpp); for the
// others each direction is computed by generated code: the input projection of
// all time steps is one aic.matmul (X * W^T + biases) before the loop, then an
// scf.for over the time steps multiplies the hidden state by R^T (another
// aic.matmul) and combines the gates in one linalg.generic, which also
// applies the activations, clip, peepholes, the coupled input-forget gate
// and the per-batch sequence lengths (steps past a batch entry's length
// keep its state and give zeros in Y). The outputs Y, Y_h and Y_c are
// assembled from the directions in the layout the `layout` attribute asks.
// Both paths take a run-time sequence and batch (the generated one loops to
// X's run-time length); run-time dims of the other inputs are checked
// against X's per run.
//
//===----------------------------------------------------------------------===//
#include "Recurrent.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

namespace {
/// How an activation takes ONNX's activation_alpha / activation_beta.
struct ActivationInfo {
  RnnActivation::Fn fn;
  bool takesAlpha, takesBeta;
  double alpha, beta; // defaults, those of the ONNX operators
};
} // namespace

static std::optional<ActivationInfo> lookupActivation(StringRef name) {
  using Fn = RnnActivation::Fn;
  std::string lower = name.lower();
  return llvm::StringSwitch<std::optional<ActivationInfo>>(lower)
      .Case("relu", ActivationInfo{Fn::Relu, false, false, 0, 0})
      .Case("tanh", ActivationInfo{Fn::Tanh, false, false, 0, 0})
      .Case("sigmoid", ActivationInfo{Fn::Sigmoid, false, false, 0, 0})
      .Case("affine", ActivationInfo{Fn::Affine, true, true, 1.0, 0.0})
      .Case("leakyrelu", ActivationInfo{Fn::LeakyRelu, true, false, 0.01, 0})
      .Case("thresholdedrelu",
            ActivationInfo{Fn::ThresholdedRelu, true, false, 1.0, 0})
      .Case("scaledtanh", ActivationInfo{Fn::ScaledTanh, true, true, 1.0, 1.0})
      .Case("hardsigmoid",
            ActivationInfo{Fn::HardSigmoid, true, true, 0.2, 0.5})
      .Case("elu", ActivationInfo{Fn::Elu, true, false, 1.0, 0})
      .Case("softsign", ActivationInfo{Fn::Softsign, false, false, 0, 0})
      .Case("softplus", ActivationInfo{Fn::Softplus, false, false, 0, 0})
      .Default(std::nullopt);
}

/// Reads the attributes and checks the shapes of the node's inputs.
static FailureOr<RnnSpec> readSpec(NodeImporter &imp, RnnCell cell) {
  RnnSpec spec;
  spec.cell = cell;
  spec.gates = cell == RnnCell::Lstm ? 4 : cell == RnnCell::Gru ? 3 : 1;
  std::string direction = imp.getStringAttr("direction", "forward");
  if (direction == "forward" || direction == "reverse") {
    spec.numDirections = 1;
    spec.reverseOnly = direction == "reverse";
  } else if (direction == "bidirectional") {
    spec.numDirections = 2;
  } else {
    imp.emitError() << "unknown direction '" << direction << "'";
    return failure();
  }
  spec.batchFirst = imp.getIntAttr("layout", 0) != 0;
  if (imp.getIntAttr("layout", 0) != 0 && imp.getIntAttr("layout", 0) != 1) {
    imp.emitError() << "'layout' must be 0 or 1";
    return failure();
  }
  if (const onnx::AttributeProto *clip = imp.getAttr("clip")) {
    if (!(clip->f() > 0)) {
      imp.emitError() << "'clip' must be positive, got " << clip->f();
      return failure();
    }
    spec.clip = clip->f();
  }
  spec.linearBeforeReset = imp.getIntAttr("linear_before_reset", 0) != 0;
  spec.inputForget = imp.getIntAttr("input_forget", 0) != 0;

  // Shapes: X [seq, batch, input] (layout 1: [batch, seq, input]),
  // W [dirs, gates * hidden, input], R [dirs, gates * hidden, hidden].
  RankedTensorType x = imp.getInputType(0), w = imp.getInputType(1),
                   r = imp.getInputType(2);
  if (!x || !w || !r)
    return failure();
  if (x.getRank() != 3 || w.getRank() != 3 || r.getRank() != 3) {
    imp.emitError() << "expects 3-D X, W and R";
    return failure();
  }
  spec.elementType = x.getElementType();
  spec.seq = x.getDimSize(spec.batchFirst ? 1 : 0);
  spec.batch = x.getDimSize(spec.batchFirst ? 0 : 1);
  spec.input = x.getDimSize(2);
  spec.hidden = r.getDimSize(2);
  int64_t gh = spec.gates * spec.hidden;
  int64_t hiddenAttr = imp.getIntAttr("hidden_size", spec.hidden);
  if (hiddenAttr != spec.hidden ||
      w.getShape() != ArrayRef<int64_t>{spec.numDirections, gh, spec.input} ||
      r.getShape() != ArrayRef<int64_t>{spec.numDirections, gh, spec.hidden}) {
    imp.emitError() << "W " << formatShape(w.getShape()) << " and R "
                    << formatShape(r.getShape())
                    << " do not match X, hidden_size " << hiddenAttr << " and "
                    << spec.numDirections << " direction(s)";
    return failure();
  }
  if (ShapedType::isDynamic(spec.input) || ShapedType::isDynamic(spec.hidden)) {
    imp.emitError() << "X " << formatShape(x.getShape())
                    << ": a run-time input size is not supported (fix the "
                       "model's symbolic dims with --input-shape)";
    return failure();
  }
  // A batch X leaves to run time may be fixed by another input: PyTorch
  // bakes the traced batch into the zero initial states of a packed
  // sequence. That batch it is; importRecurrent checks X's per run.
  if (ShapedType::isDynamic(spec.batch))
    for (auto [i, d] : {std::pair<int, int64_t>{4, 0},
                        {5, spec.batchFirst ? 0 : 1},
                        {6, spec.batchFirst ? 0 : 1}}) {
      RankedTensorType type = imp.hasInput(i) ? imp.getInputType(i) : nullptr;
      if (type && type.getRank() > d && !type.isDynamicDim(d)) {
        spec.batch = type.getDimSize(d);
        break;
      }
    }
  if (spec.seq == 0 || spec.batch == 0 || spec.hidden <= 0) {
    imp.emitError() << "empty sequences, batches or hidden states are not "
                       "supported";
    return failure();
  }
  auto expect = [&](int i, ArrayRef<int64_t> shape, StringRef what) {
    if (!imp.hasInput(i))
      return success();
    RankedTensorType type = imp.getInputType(i);
    if (!type)
      return failure();
    // Run-time dims are checked per run (importRecurrent).
    if (type.getRank() != static_cast<int64_t>(shape.size()) ||
        llvm::any_of(llvm::zip(type.getShape(), shape), [](auto dims) {
          auto [got, want] = dims;
          return !ShapedType::isDynamic(got) && !ShapedType::isDynamic(want) &&
                 got != want;
        })) {
      imp.emitError() << "'" << what << "' has shape "
                      << formatShape(type.getShape()) << ", expected "
                      << formatShape(shape);
      return failure();
    }
    return success();
  };
  int64_t dirs = spec.numDirections;
  SmallVector<int64_t> stateShape =
      spec.batchFirst ? SmallVector<int64_t>{spec.batch, dirs, spec.hidden}
                      : SmallVector<int64_t>{dirs, spec.batch, spec.hidden};
  if (failed(expect(3, {dirs, 2 * gh}, "B")) ||
      failed(expect(4, {spec.batch}, "sequence_lens")) ||
      failed(expect(5, stateShape, "initial_h")) ||
      (cell == RnnCell::Lstm &&
       (failed(expect(6, stateShape, "initial_c")) ||
        failed(expect(7, {dirs, 3 * spec.hidden}, "P")))))
    return failure();

  // Constant sequence lengths that all cover the sequence are no lengths.
  spec.hasSeqLens = imp.hasInput(4);
  if (const ConstTensor *lens =
          imp.hasInput(4) ? imp.getConstantInput(4) : nullptr) {
    std::vector<int64_t> values = getValuesAsInt(*lens);
    for (int64_t v : values)
      if (v < 0 || (!ShapedType::isDynamic(spec.seq) && v > spec.seq)) {
        imp.emitError() << "sequence_lens value " << v << " is outside [0, "
                        << spec.seq << "]";
        return failure();
      }
    spec.hasSeqLens =
        llvm::any_of(values, [&](int64_t v) { return v != spec.seq; });
  }

  // Activations: per direction f (RNN), f, g (GRU) or f, g, h (LSTM); a
  // list for one direction serves both. Alphas and betas are consumed in
  // order by the activations that take them.
  unsigned perDirection = cell == RnnCell::Lstm  ? 3
                          : cell == RnnCell::Gru ? 2
                                                 : 1;
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *attr = imp.getAttr("activations"))
    for (const std::string &name : attr->strings())
      names.push_back(name);
  if (names.empty()) {
    if (cell == RnnCell::Lstm)
      names = {"Sigmoid", "Tanh", "Tanh"};
    else if (cell == RnnCell::Gru)
      names = {"Sigmoid", "Tanh"};
    else
      names = {"Tanh"};
  }
  if (names.size() == perDirection && dirs == 2)
    names.append(SmallVector<std::string>(names));
  if (static_cast<int64_t>(names.size()) != perDirection * dirs) {
    imp.emitError() << "expects " << perDirection * dirs << " activations, got "
                    << names.size();
    return failure();
  }
  SmallVector<float> alphas, betas;
  if (const onnx::AttributeProto *attr = imp.getAttr("activation_alpha"))
    alphas.assign(attr->floats().begin(), attr->floats().end());
  if (const onnx::AttributeProto *attr = imp.getAttr("activation_beta"))
    betas.assign(attr->floats().begin(), attr->floats().end());
  size_t nextAlpha = 0, nextBeta = 0;
  for (const std::string &name : names) {
    std::optional<ActivationInfo> info = lookupActivation(name);
    if (!info) {
      imp.emitError() << "unknown activation '" << name << "'";
      return failure();
    }
    RnnActivation act{info->fn, info->alpha, info->beta};
    if (info->takesAlpha && nextAlpha < alphas.size())
      act.alpha = alphas[nextAlpha++];
    if (info->takesBeta && nextBeta < betas.size())
      act.beta = betas[nextBeta++];
    spec.activations.push_back(act);
  }
  return spec;
}

//===----------------------------------------------------------------------===//
// Scalar cell arithmetic
//===----------------------------------------------------------------------===//

Value aic::importer::applyRnnActivation(ScalarBuilder &s,
                                        const RnnActivation &act, Value x) {
  using Fn = RnnActivation::Fn;
  OpBuilder &b = s.getBuilder();
  Location loc = s.getLoc();
  Value zero = s.constant(0), one = s.constant(1);
  switch (act.fn) {
  case Fn::Relu:
    return s.max(x, zero);
  case Fn::Tanh:
    return b.create<math::TanhOp>(loc, x);
  case Fn::Sigmoid:
    return s.div(one, s.add(one, b.create<math::ExpOp>(loc, s.neg(x))));
  case Fn::Affine:
    return s.add(s.mul(s.constant(act.alpha), x), s.constant(act.beta));
  case Fn::LeakyRelu:
    return s.select(s.cmp(CmpKind::lt, x, zero),
                    s.mul(s.constant(act.alpha), x), x);
  case Fn::ThresholdedRelu:
    return s.select(s.cmp(CmpKind::gt, x, s.constant(act.alpha)), x, zero);
  case Fn::ScaledTanh: {
    Value scaled = s.mul(s.constant(act.beta), x);
    return s.mul(s.constant(act.alpha), b.create<math::TanhOp>(loc, scaled));
  }
  case Fn::HardSigmoid: {
    Value y = s.add(s.mul(s.constant(act.alpha), x), s.constant(act.beta));
    return s.min(s.max(y, zero), one);
  }
  case Fn::Elu: {
    Value expm1 = b.create<math::ExpM1Op>(loc, x);
    return s.select(s.cmp(CmpKind::lt, x, zero),
                    s.mul(s.constant(act.alpha), expm1), x);
  }
  case Fn::Softsign:
    return s.div(x, s.add(one, s.abs(x)));
  case Fn::Softplus: {
    Value tail = b.create<math::Log1pOp>(
        loc, b.create<math::ExpOp>(loc, s.neg(s.abs(x))));
    return s.add(s.max(x, zero), tail);
  }
  }
  return x;
}

namespace {
/// Builds the generated code of one direction.
class DirectionBuilder {
public:
  DirectionBuilder(NodeImporter &imp, const RnnSpec &spec, int64_t dir,
                   bool reverse)
      : imp(imp), spec(spec), dir(dir), reverse(reverse),
        ctx(imp.getContext()) {}

  /// The direction's states after the last step and its Y [seq, batch,
  /// hidden] (null unless `wantY`).
  struct Result {
    Value h, c, y;
  };
  FailureOr<Result> build(Value x, bool wantY);

private:
  RankedTensorType type(ArrayRef<int64_t> shape) const {
    return RankedTensorType::get(shape, spec.elementType);
  }
  OpFoldResult idx(int64_t v) { return imp.getBuilder().getIndexAttr(v); }
  /// source[offsets : offsets + sizes] without dim `drop` (a unit dim; -1
  /// keeps all).
  Value slice(Value source, ArrayRef<OpFoldResult> offsets,
              ArrayRef<OpFoldResult> sizes, int drop = 0);
  /// A tensor.empty of `sizes`.
  Value empty(ArrayRef<OpFoldResult> sizes) {
    return emptyRnnTensor(imp, spec, sizes);
  }
  /// Rows [from, from + count) of W or R (input 1 or 2) of this direction.
  FailureOr<Value> weightRows(int input, int64_t from, int64_t count);
  /// [batch, hidden] of an initial state input (absent: zeros).
  FailureOr<Value> initialState(int input);
  /// lhs [..., k] x rhs[n, k]^T (+ bias [n]).
  Value matmulT(Value lhs, Value rhs, Value bias);
  /// The bias added to the input projection, and (GRU with
  /// linear_before_reset) the one added to the recurrent product.
  LogicalResult buildBiases(Value &inputBias, Value &recurrentBias);
  /// Gate `k` of a [.., gates * hidden] value at time `t` (xw) or of a
  /// [batch, gates * hidden] one.
  Value gate(Value v, int64_t k, Value t = Value());
  /// The cell's linalg.generic over [batch, hidden].
  SmallVector<Value>
  buildCell(ArrayRef<Value> inputs, ArrayRef<AffineMap> maps,
            unsigned numResults,
            function_ref<SmallVector<Value>(ScalarBuilder &, ValueRange)> body);
  Value clip(ScalarBuilder &s, Value x) {
    if (!spec.clip)
      return x;
    Value c = s.constant(*spec.clip);
    return s.min(s.max(x, s.neg(c)), c);
  }
  Value act(ScalarBuilder &s, unsigned i, Value x) {
    unsigned per = spec.activations.size() / spec.numDirections;
    return applyRnnActivation(s, spec.activations[dir * per + i], clip(s, x));
  }

  NodeImporter &imp;
  const RnnSpec &spec;
  int64_t dir;
  bool reverse;
  MLIRContext *ctx;
};
} // namespace

Value DirectionBuilder::slice(Value source, ArrayRef<OpFoldResult> offsets,
                              ArrayRef<OpFoldResult> sizes, int drop) {
  SmallVector<OpFoldResult> strides(sizes.size(), idx(1));
  SmallVector<int64_t> shape;
  for (auto [i, s] : llvm::enumerate(sizes))
    if (static_cast<int>(i) != drop)
      shape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
  return imp.create<tensor::ExtractSliceOp>(type(shape), source, offsets, sizes,
                                            strides);
}

FailureOr<Value> DirectionBuilder::weightRows(int input, int64_t from,
                                              int64_t count) {
  FailureOr<Value> w = imp.getInput(input);
  if (failed(w))
    return failure();
  int64_t cols = cast<RankedTensorType>(w->getType()).getDimSize(2);
  return slice(*w, {idx(dir), idx(from), idx(0)},
               {idx(1), idx(count), idx(cols)});
}

FailureOr<Value> DirectionBuilder::initialState(int input) {
  FailureOr<Value> state = getRnnInitialState(imp, spec, input, dir);
  if (failed(state) || *state)
    return state;
  Value zero =
      buildScalarConstant(imp.getBuilder(), imp.getLoc(), spec.elementType, 0);
  return imp
      .create<linalg::FillOp>(
          ValueRange{zero},
          ValueRange{empty({spec.batchSize, idx(spec.hidden)})})
      .getResult(0);
}

Value DirectionBuilder::matmulT(Value lhs, Value rhs, Value bias) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  SmallVector<int64_t> shape(lhsType.getShape());
  shape.back() = cast<RankedTensorType>(rhs.getType()).getDimSize(0);
  RankedTensorType resultType = type(shape);
  SmallVector<Value> sizes;
  for (int64_t d = 0; d + 1 < lhsType.getRank(); ++d)
    if (lhsType.isDynamicDim(d))
      sizes.push_back(imp.create<tensor::DimOp>(lhs, d));
  Value init = imp.emptyTensor(resultType, sizes);
  return imp
      .create<MatmulOp>(resultType, lhs, rhs, bias, ValueRange{}, init,
                        UnitAttr(), imp.getBuilder().getUnitAttr(), FloatAttr())
      .getOutput();
}

LogicalResult DirectionBuilder::buildBiases(Value &inputBias,
                                            Value &recurrentBias) {
  if (!imp.hasInput(3))
    return success();
  FailureOr<Value> b = imp.getInput(3);
  if (failed(b))
    return failure();
  int64_t gh = spec.gates * spec.hidden;
  Value wb = slice(*b, {idx(dir), idx(0)}, {idx(1), idx(gh)});
  Value rb = slice(*b, {idx(dir), idx(gh)}, {idx(1), idx(gh)});
  // GRU with linear_before_reset adds Rb_h inside the reset product: it
  // goes with R, the rest with W.
  int64_t split = spec.cell == RnnCell::Gru && spec.linearBeforeReset
                      ? 2 * spec.hidden
                      : gh;
  AffineMap id = imp.getBuilder().getMultiDimIdentityMap(1);
  auto select = [&](bool below) {
    return [&, below](OpBuilder &nb, Location loc, ValueRange args) {
      ScalarBuilder s(nb, loc, spec.elementType);
      Value j = nb.create<linalg::IndexOp>(loc, 0);
      Value limit = nb.create<arith::ConstantIndexOp>(loc, split);
      Value inside =
          nb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, j, limit);
      if (below)
        return s.add(args[0], s.select(inside, args[1], s.constant(0)));
      return s.select(inside, s.constant(0), args[1]);
    };
  };
  inputBias =
      buildGeneric(imp, type({gh}), ValueRange{wb, rb}, {id, id}, select(true));
  if (split != gh)
    recurrentBias = buildGeneric(imp, type({gh}), ValueRange{wb, rb}, {id, id},
                                 select(false));
  return success();
}

Value DirectionBuilder::gate(Value v, int64_t k, Value t) {
  int64_t h = spec.hidden;
  if (t)
    return slice(v, {t, idx(0), idx(k * h)}, {idx(1), spec.batchSize, idx(h)});
  return slice(v, {idx(0), idx(k * h)}, {spec.batchSize, idx(h)}, -1);
}

SmallVector<Value> DirectionBuilder::buildCell(
    ArrayRef<Value> inputs, ArrayRef<AffineMap> maps, unsigned numResults,
    function_ref<SmallVector<Value>(ScalarBuilder &, ValueRange)> body) {
  RankedTensorType stateType = type({spec.batch, spec.hidden});
  SmallVector<AffineMap> allMaps(maps);
  SmallVector<Value> inits;
  SmallVector<Type> types;
  for (unsigned i = 0; i < numResults; ++i) {
    allMaps.push_back(imp.getBuilder().getMultiDimIdentityMap(2));
    inits.push_back(empty({spec.batchSize, idx(spec.hidden)}));
    types.push_back(stateType);
  }
  SmallVector<utils::IteratorType> iterators(2, utils::IteratorType::parallel);
  auto generic = imp.create<linalg::GenericOp>(
      types, inputs, inits, allMaps, iterators,
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        ScalarBuilder s(nb, loc, spec.elementType);
        nb.create<linalg::YieldOp>(loc,
                                   body(s, args.take_front(inputs.size())));
      });
  return SmallVector<Value>(generic.getResults());
}

FailureOr<DirectionBuilder::Result> DirectionBuilder::build(Value x,
                                                            bool wantY) {
  int64_t seq = spec.seq, batch = spec.batch, hidden = spec.hidden;
  int64_t gh = spec.gates * hidden;
  bool lstm = spec.cell == RnnCell::Lstm, gru = spec.cell == RnnCell::Gru;
  bool splitR = gru && !spec.linearBeforeReset;

  // Loop-invariant values: the input projection of every step, the
  // recurrent weights, biases, peepholes and lengths.
  Value inputBias, recurrentBias;
  if (failed(buildBiases(inputBias, recurrentBias)))
    return failure();
  FailureOr<Value> w = weightRows(1, 0, gh);
  if (failed(w))
    return failure();
  // Over run-time dims, X [seq, batch, input] x W^T as a batched product
  // (tensor.expand_shape does not bufferize [?] to [?, ?]).
  Value xw =
      ShapedType::isDynamic(seq) || ShapedType::isDynamic(batch)
          ? matmulT(x, *w, inputBias)
          : imp.reshapeTo(matmulT(imp.reshapeTo(x, {seq * batch, spec.input}),
                                  *w, inputBias),
                          {seq, batch, gh});
  FailureOr<Value> r = weightRows(2, 0, splitR ? 2 * hidden : gh);
  FailureOr<Value> rh =
      splitR ? weightRows(2, 2 * hidden, hidden) : FailureOr<Value>(Value());
  if (failed(r) || failed(rh))
    return failure();
  SmallVector<Value> peepholes;
  if (lstm && imp.hasInput(7)) {
    FailureOr<Value> p = imp.getInput(7);
    if (failed(p))
      return failure();
    for (int64_t k = 0; k < 3; ++k)
      peepholes.push_back(
          slice(*p, {idx(dir), idx(k * hidden)}, {idx(1), idx(hidden)}));
  }
  Value lens;
  if (spec.hasSeqLens) {
    FailureOr<Value> l = imp.getInput(4);
    if (failed(l))
      return failure();
    // Of the batch X has (importRecurrent checked it per run).
    auto lensType = RankedTensorType::get(
        {batch}, cast<RankedTensorType>(l->getType()).getElementType());
    lens = l->getType() == lensType
               ? *l
               : imp.create<tensor::CastOp>(lensType, *l).getResult();
  }
  FailureOr<Value> h0 = initialState(5);
  FailureOr<Value> c0 = lstm ? initialState(6) : FailureOr<Value>(Value());
  if (failed(h0) || failed(c0))
    return failure();

  SmallVector<Value> inits{*h0};
  if (lstm)
    inits.push_back(*c0);
  if (wantY)
    inits.push_back(empty({spec.seqSize, spec.batchSize, idx(hidden)}));
  OpBuilder &b = imp.getBuilder();
  Value zero = imp.create<arith::ConstantIndexOp>(0);
  Value one = imp.create<arith::ConstantIndexOp>(1);
  Value steps = getValueOrCreateConstantIndexOp(b, imp.getLoc(), spec.seqSize);
  Value last = ShapedType::isDynamic(seq)
                   ? imp.create<arith::SubIOp>(steps, one).getResult()
                   : imp.create<arith::ConstantIndexOp>(seq - 1).getResult();
  auto loop = imp.create<scf::ForOp>(zero, steps, one, inits);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value t = loop.getInductionVar();
  if (reverse)
    t = imp.create<arith::SubIOp>(last, t);
  ValueRange carried = loop.getRegionIterArgs();
  Value hPrev = carried[0], cPrev = lstm ? carried[1] : Value();

  AffineMap id = b.getMultiDimIdentityMap(2);
  AffineMap perHidden = AffineMap::get(2, 0, getAffineDimExpr(1, ctx));
  AffineMap perBatch = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
  // The common tail of every cell's inputs and body: the lengths mask.
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  auto add = [&](Value v, AffineMap map) {
    inputs.push_back(v);
    maps.push_back(map);
    return inputs.size() - 1;
  };
  auto finish = [&](ScalarBuilder &s, ValueRange args, size_t lenArg,
                    Value hNew, Value hOld, Value cNew, Value cOld) {
    SmallVector<Value> results;
    Value active;
    if (lens) {
      OpBuilder &nb = s.getBuilder();
      Value len =
          nb.create<arith::ExtSIOp>(s.getLoc(), nb.getI64Type(), args[lenArg]);
      Value step =
          nb.create<arith::IndexCastOp>(s.getLoc(), nb.getI64Type(), t);
      active = nb.create<arith::CmpIOp>(s.getLoc(), arith::CmpIPredicate::slt,
                                        step, len);
    }
    results.push_back(active ? s.select(active, hNew, hOld) : hNew);
    if (cNew)
      results.push_back(active ? s.select(active, cNew, cOld) : cNew);
    if (wantY)
      results.push_back(active ? s.select(active, hNew, s.constant(0)) : hNew);
    return results;
  };
  unsigned numResults = 1 + (lstm ? 1 : 0) + (wantY ? 1 : 0);
  SmallVector<Value> cell;

  if (splitR) {
    // GRU: r = f(xr + Hr), then h = g(xh + (r . H) Rh^T + Rbh).
    Value hzr = matmulT(hPrev, *r, Value());
    size_t xr = add(gate(xw, 1, t), id);
    size_t hr = add(
        slice(hzr, {idx(0), idx(hidden)}, {spec.batchSize, idx(hidden)}, -1),
        id);
    size_t hp = add(hPrev, id);
    Value reset =
        buildCell(inputs, maps, 1, [&](ScalarBuilder &s, ValueRange a) {
          Value rg = act(s, 0, s.add(a[xr], a[hr]));
          return SmallVector<Value>{s.mul(rg, a[hp])};
        })[0];
    Value hh = matmulT(reset, *rh, Value());
    inputs.clear();
    maps.clear();
    size_t xz = add(gate(xw, 0, t), id);
    size_t hz = add(
        slice(hzr, {idx(0), idx(0)}, {spec.batchSize, idx(hidden)}, -1), id);
    size_t xh = add(gate(xw, 2, t), id);
    size_t hhArg = add(hh, id);
    hp = add(hPrev, id);
    size_t len = lens ? add(lens, perBatch) : 0;
    cell = buildCell(
        inputs, maps, numResults, [&](ScalarBuilder &s, ValueRange a) {
          Value z = act(s, 0, s.add(a[xz], a[hz]));
          Value hc = act(s, 1, s.add(a[xh], a[hhArg]));
          Value keep = s.mul(z, a[hp]);
          Value hNew = s.add(s.mul(s.sub(s.constant(1), z), hc), keep);
          return finish(s, a, len, hNew, a[hp], Value(), Value());
        });
  } else {
    Value hr = matmulT(hPrev, *r, recurrentBias);
    SmallVector<size_t> xs, hs;
    for (int64_t k = 0; k < spec.gates; ++k) {
      xs.push_back(add(gate(xw, k, t), id));
      hs.push_back(add(gate(hr, k), id));
    }
    size_t hp = add(hPrev, id);
    size_t cp = lstm ? add(cPrev, id) : 0;
    SmallVector<size_t> ps;
    for (Value p : peepholes)
      ps.push_back(add(p, perHidden));
    size_t len = lens ? add(lens, perBatch) : 0;
    cell = buildCell(
        inputs, maps, numResults, [&](ScalarBuilder &s, ValueRange a) {
          auto pre = [&](int64_t k) { return s.add(a[xs[k]], a[hs[k]]); };
          if (spec.cell == RnnCell::Rnn)
            return finish(s, a, len, act(s, 0, pre(0)), a[hp], Value(),
                          Value());
          if (gru) {
            // linear_before_reset: h = g(xh + r . (H Rh^T + Rbh)).
            Value z = act(s, 0, pre(0));
            Value rg = act(s, 0, pre(1));
            Value hc = act(s, 1, s.add(a[xs[2]], s.mul(rg, a[hs[2]])));
            Value keep = s.mul(z, a[hp]);
            Value hNew = s.add(s.mul(s.sub(s.constant(1), z), hc), keep);
            return finish(s, a, len, hNew, a[hp], Value(), Value());
          }
          // LSTM, gates in ONNX order i, o, f, c; peepholes i, o, f.
          Value c = a[cp];
          auto peep = [&](Value v, int k, Value state) {
            return ps.empty() ? v : s.add(v, s.mul(a[ps[k]], state));
          };
          Value ig = act(s, 0, peep(pre(0), 0, c));
          Value fg = spec.inputForget ? s.sub(s.constant(1), ig)
                                      : act(s, 0, peep(pre(2), 2, c));
          Value cc = act(s, 1, pre(3));
          Value keep = s.mul(fg, c);
          Value cNew = s.add(keep, s.mul(ig, cc));
          Value og = act(s, 0, peep(pre(1), 1, cNew));
          Value hNew = s.mul(og, act(s, 2, cNew));
          return finish(s, a, len, hNew, a[hp], cNew, c);
        });
  }

  SmallVector<Value> yields{cell[0]};
  if (lstm)
    yields.push_back(cell[1]);
  if (wantY) {
    Value acc = carried.back();
    SmallVector<OpFoldResult> offsets{t, idx(0), idx(0)};
    SmallVector<OpFoldResult> sizes{idx(1), spec.batchSize, idx(hidden)};
    SmallVector<OpFoldResult> strides(3, idx(1));
    yields.push_back(imp.create<tensor::InsertSliceOp>(
        cell.back(), acc, offsets, sizes, strides));
  }
  imp.create<scf::YieldOp>(yields);
  Result result;
  result.h = loop.getResult(0);
  if (lstm)
    result.c = loop.getResult(1);
  if (wantY)
    result.y = loop.getResults().back();
  return result;
}

//===----------------------------------------------------------------------===//
// Rules
//===----------------------------------------------------------------------===//

Value aic::importer::emptyRnnTensor(NodeImporter &imp, const RnnSpec &spec,
                                    ArrayRef<OpFoldResult> sizes) {
  return imp.create<tensor::EmptyOp>(sizes, spec.elementType);
}

/// A tensor of `shape` (static or run-time sizes) holding `parts` one after
/// the other along dim `dim` (where each has size 1).
static Value stackParts(NodeImporter &imp, const RnnSpec &spec,
                        ArrayRef<OpFoldResult> shape, int64_t dim,
                        ArrayRef<Value> parts) {
  OpBuilder &b = imp.getBuilder();
  Value result = emptyRnnTensor(imp, spec, shape);
  for (auto [i, part] : llvm::enumerate(parts)) {
    SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(shape.size(), b.getIndexAttr(1));
    SmallVector<OpFoldResult> sizes(shape);
    offsets[dim] = b.getIndexAttr(i);
    sizes[dim] = b.getIndexAttr(1);
    result = imp.create<tensor::InsertSliceOp>(part, result, offsets, sizes,
                                               strides);
  }
  return result;
}

/// Each direction's [batch, hidden] state in [dirs, batch, hidden]
/// (layout 1: [batch, dirs, hidden]).
Value aic::importer::assembleRnnStates(NodeImporter &imp, const RnnSpec &spec,
                                       ArrayRef<Value> states) {
  OpBuilder &b = imp.getBuilder();
  OpFoldResult dirs = b.getIndexAttr(spec.numDirections),
               hidden = b.getIndexAttr(spec.hidden);
  if (spec.batchFirst)
    return stackParts(imp, spec, {spec.batchSize, dirs, hidden}, 1, states);
  return stackParts(imp, spec, {dirs, spec.batchSize, hidden}, 0, states);
}

/// Each direction's [seq, batch, hidden] Y in [seq, dirs, batch, hidden]
/// (layout 1: [batch, seq, dirs, hidden]).
Value aic::importer::assembleRnnY(NodeImporter &imp, const RnnSpec &spec,
                                  ArrayRef<Value> ys) {
  OpBuilder &b = imp.getBuilder();
  OpFoldResult dirs = b.getIndexAttr(spec.numDirections),
               hidden = b.getIndexAttr(spec.hidden);
  if (!spec.batchFirst)
    return stackParts(imp, spec, {spec.seqSize, dirs, spec.batchSize, hidden},
                      1, ys);
  SmallVector<Value> parts;
  for (Value y : ys)
    parts.push_back(
        imp.create<linalg::TransposeOp>(
               y,
               emptyRnnTensor(imp, spec,
                              {spec.batchSize, spec.seqSize, hidden}),
               ArrayRef<int64_t>{1, 0, 2})
            .getResult()[0]);
  return stackParts(imp, spec, {spec.batchSize, spec.seqSize, dirs, hidden}, 2,
                    parts);
}

Value aic::importer::getRnnInput(NodeImporter &imp, const RnnSpec &spec,
                                 Value x) {
  // The batch another input fixed (checked per run by the rule).
  SmallVector<int64_t> shape{spec.seq, spec.batch, spec.input};
  if (spec.batchFirst)
    std::swap(shape[0], shape[1]);
  auto type = RankedTensorType::get(shape, spec.elementType);
  if (x.getType() != type)
    x = imp.create<tensor::CastOp>(type, x);
  if (!spec.batchFirst)
    return x;
  Value init = emptyRnnTensor(imp, spec,
                              {spec.seqSize, spec.batchSize,
                               imp.getBuilder().getIndexAttr(spec.input)});
  return imp.create<linalg::TransposeOp>(x, init, ArrayRef<int64_t>{1, 0, 2})
      .getResult()[0];
}

FailureOr<Value> aic::importer::getRnnInitialState(NodeImporter &imp,
                                                   const RnnSpec &spec,
                                                   int input, int64_t dir) {
  if (!imp.hasInput(input))
    return Value();
  FailureOr<Value> state = imp.getInput(input);
  if (failed(state))
    return failure();
  OpBuilder &b = imp.getBuilder();
  SmallVector<OpFoldResult> offsets(3, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes{spec.batchSize, spec.batchSize,
                                  b.getIndexAttr(spec.hidden)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  int64_t dirDim = spec.batchFirst ? 1 : 0;
  offsets[dirDim] = b.getIndexAttr(dir);
  sizes[dirDim] = b.getIndexAttr(1);
  auto type =
      RankedTensorType::get({spec.batch, spec.hidden}, spec.elementType);
  return imp
      .create<tensor::ExtractSliceOp>(type, *state, offsets, sizes, strides)
      .getResult();
}

LogicalResult aic::importer::setRnnOutputs(NodeImporter &imp,
                                           const RnnSpec &spec,
                                           ArrayRef<Value> ys,
                                           ArrayRef<Value> hs,
                                           ArrayRef<Value> cs) {
  bool wantY = imp.isOutputUsed(0);
  SmallVector<Value> outputs{wantY ? assembleRnnY(imp, spec, ys) : Value(),
                             assembleRnnStates(imp, spec, hs)};
  if (spec.cell == RnnCell::Lstm)
    outputs.push_back(assembleRnnStates(imp, spec, cs));
  for (auto [i, value] : llvm::enumerate(outputs)) {
    if (!value || !imp.isOutputUsed(i))
      continue;
    FailureOr<RankedTensorType> type =
        imp.getOutputTypeOr(i, cast<RankedTensorType>(value.getType()));
    if (failed(type))
      return failure();
    imp.setOutput(i, value);
  }
  return success();
}

LogicalResult aic::importer::importRecurrentGenerated(NodeImporter &imp,
                                                      const RnnSpec &spec) {
  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  Value x = getRnnInput(imp, spec, *input);
  // Y is assembled only when read; Y_h and Y_c come with the loops.
  bool wantY = imp.isOutputUsed(0);
  SmallVector<Value> ys, hs, cs;
  for (int64_t d = 0; d < spec.numDirections; ++d) {
    DirectionBuilder builder(imp, spec, d, spec.reverseOnly || d == 1);
    FailureOr<DirectionBuilder::Result> result = builder.build(x, wantY);
    if (failed(result))
      return failure();
    ys.push_back(result->y);
    hs.push_back(result->h);
    cs.push_back(result->c);
  }
  return setRnnOutputs(imp, spec, ys, hs, cs);
}

/// Checks per run the run-time dims of X's batch (when another input fixed
/// it) and of the other inputs against the sizes the node's shapes imply.
static void checkRuntimeDims(NodeImporter &imp, const RnnSpec &spec, Value x) {
  OpBuilder &b = imp.getBuilder();
  int64_t batchDim = spec.batchFirst ? 0 : 1;
  auto check = [&](int input, Value value, int64_t d, OpFoldResult want,
                   StringRef what) {
    auto type = cast<RankedTensorType>(value.getType());
    if (!type.isDynamicDim(d))
      return;
    // X's own batch, or the same symbol as X's batch: equal by definition.
    if (isa<Value>(want)) {
      std::string name = getDimSymbol(imp, value, d, input);
      if (value == x ||
          (!name.empty() && name == getDimSymbol(imp, x, batchDim, 0)))
        return;
    }
    Value got = imp.create<tensor::DimOp>(value, d);
    Value ok = imp.create<arith::CmpIOp>(
        arith::CmpIPredicate::eq, got,
        getValueOrCreateConstantIndexOp(b, imp.getLoc(), want));
    buildRuntimeCheck(imp, ok,
                      "dim " + std::to_string(d) + " of " + what.str() +
                          " does not match the node's other inputs at run "
                          "time");
  };
  if (!ShapedType::isDynamic(spec.batch))
    check(0, x, batchDim, spec.batchSize, "X");
  OpFoldResult dirs = b.getIndexAttr(spec.numDirections),
               hidden = b.getIndexAttr(spec.hidden);
  SmallVector<OpFoldResult> state =
      spec.batchFirst ? SmallVector<OpFoldResult>{spec.batchSize, dirs, hidden}
                      : SmallVector<OpFoldResult>{dirs, spec.batchSize, hidden};
  auto checkInput = [&](int input, ArrayRef<OpFoldResult> sizes,
                        StringRef what) {
    if (!imp.hasInput(input))
      return;
    FailureOr<Value> value = imp.getInput(input);
    if (failed(value))
      return;
    for (auto [d, size] : llvm::enumerate(sizes))
      check(input, *value, d, size, what);
  };
  checkInput(3, {dirs, b.getIndexAttr(2 * spec.gates * spec.hidden)}, "B");
  checkInput(4, {spec.batchSize}, "sequence_lens");
  checkInput(5, state, "initial_h");
  if (spec.cell == RnnCell::Lstm) {
    checkInput(6, state, "initial_c");
    checkInput(7, {dirs, b.getIndexAttr(3 * spec.hidden)}, "P");
  }
}

template <RnnCell cell>
static LogicalResult importRecurrent(NodeImporter &imp) {
  FailureOr<RnnSpec> spec = readSpec(imp, cell);
  if (failed(spec))
    return failure();
  FailureOr<Value> x = imp.getInput(0);
  if (failed(x))
    return failure();
  auto sizeOf = [&](int64_t size, int64_t dim) -> OpFoldResult {
    if (!ShapedType::isDynamic(size))
      return imp.getBuilder().getIndexAttr(size);
    return imp.create<tensor::DimOp>(*x, dim).getResult();
  };
  spec->seqSize = sizeOf(spec->seq, spec->batchFirst ? 1 : 0);
  spec->batchSize = sizeOf(spec->batch, spec->batchFirst ? 0 : 1);
  checkRuntimeDims(imp, *spec, *x);
  // A step whose matrix product is small enough for aic-inline-small-matmuls
  // runs faster as generated code, where that product vectorizes inline,
  // than through oneDNN's RNN primitive, whose fixed cost per step dominates
  // at that size (measured, 100 steps, batch 1, hidden 64: LSTM 0.10 vs
  // 0.13 ms, GRU 0.07 vs 0.10 ms; from hidden 128 on they tie or oneDNN
  // wins). A run-time batch goes to oneDNN where it can (its primitive is
  // created per shape): the product's size is not known.
  double stepMacs = double(spec->batch) * double(spec->gates) *
                    double(spec->hidden) * double(spec->hidden);
  if (!ShapedType::isDynamic(spec->batch) &&
      stepMacs <= double(imp.getState().getMaxGeneratedRnnStepMacs()))
    return importRecurrentGenerated(imp, *spec);
  FailureOr<bool> library = importRecurrentLibrary(imp, *spec);
  if (failed(library))
    return failure();
  return *library ? success() : importRecurrentGenerated(imp, *spec);
}

ArrayRef<OpRuleInfo> aic::importer::getRecurrentRules() {
  static const OpRuleInfo rules[] = {
      {"GRU", importRecurrent<RnnCell::Gru>, 1,
       typeBit(onnx::TensorProto::FLOAT), "", true},
      {"LSTM", importRecurrent<RnnCell::Lstm>, 1,
       typeBit(onnx::TensorProto::FLOAT), "", true},
      {"RNN", importRecurrent<RnnCell::Rnn>, 1,
       typeBit(onnx::TensorProto::FLOAT), "", true},
  };
  return rules;
}
