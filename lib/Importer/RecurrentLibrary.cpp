//===- RecurrentLibrary.cpp - RNN, GRU and LSTM on aic.rnn ----------------===//
//
// The common forms of ONNX RNN, GRU and LSTM run on oneDNN's recurrent
// primitives: one aic.rnn per direction. ONNX's weights become oneDNN's at
// compile time: gates reordered (LSTM i, o, f, c -> i, f, c, o; peepholes
// i, o, f -> i, f, o), W [G * H, I] transposed to [I, G, H], the two biases
// summed (except the recurrent bias of a linear-before-reset GRU's
// candidate, oneDNN's extra bias row). What oneDNN cannot compute falls to
// the generated code of RecurrentRules.cpp.
//
//===----------------------------------------------------------------------===//
#include "Recurrent.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace aic;
using namespace aic::importer;

/// The aic.rnn cell computing direction `dir`, or empty if none does.
static StringRef getLibraryCell(const RnnSpec &spec, int64_t dir) {
  using Fn = RnnActivation::Fn;
  size_t per = spec.activations.size() / spec.numDirections;
  ArrayRef<RnnActivation> acts =
      ArrayRef<RnnActivation>(spec.activations).slice(dir * per, per);
  auto is = [&](size_t i, Fn fn) { return acts[i].fn == fn; };
  switch (spec.cell) {
  case RnnCell::Lstm:
    return is(0, Fn::Sigmoid) && is(1, Fn::Tanh) && is(2, Fn::Tanh) ? "lstm"
                                                                    : "";
  case RnnCell::Gru:
    if (!is(0, Fn::Sigmoid) || !is(1, Fn::Tanh))
      return "";
    return spec.linearBeforeReset ? "lbr_gru" : "gru";
  case RnnCell::Rnn:
    return is(0, Fn::Tanh)      ? "rnn_tanh"
           : is(0, Fn::Relu)    ? "rnn_relu"
           : is(0, Fn::Sigmoid) ? "rnn_sigmoid"
                                : "";
  }
  return "";
}

namespace {
/// Builds one direction's constant operands in oneDNN's layout.
struct WeightPacker {
  const RnnSpec &spec;
  int64_t dir;
  /// oneDNN gate g is ONNX gate order[g].
  SmallVector<int64_t> order;

  /// [rows, G, H] from an ONNX [dirs, G * H, rows] tensor.
  ConstTensor transpose(const ConstTensor &onnx, int64_t rows) const {
    std::vector<double> v = getValuesAsDouble(onnx);
    int64_t g = spec.gates, h = spec.hidden;
    std::vector<double> out(rows * g * h);
    const double *base = v.data() + dir * g * h * rows;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t k = 0; k < g; ++k)
        for (int64_t o = 0; o < h; ++o)
          out[(r * g + k) * h + o] = base[(order[k] * h + o) * rows + r];
    return makeFloatTensor(
        RankedTensorType::get({rows, g, h}, spec.elementType), out);
  }

  /// [G (+1 for lbr_gru), H] from ONNX B [dirs, 2 * G * H] (or zeros).
  ConstTensor bias(const ConstTensor *onnx, bool lbr) const {
    int64_t g = spec.gates, h = spec.hidden;
    std::vector<double> v =
        onnx ? getValuesAsDouble(*onnx) : std::vector<double>();
    auto at = [&](int64_t i) { return onnx ? v[dir * 2 * g * h + i] : 0.0; };
    int64_t rows = g + (lbr ? 1 : 0);
    std::vector<double> out(rows * h);
    for (int64_t k = 0; k < g; ++k)
      for (int64_t o = 0; o < h; ++o) {
        int64_t i = order[k] * h + o;
        // A linear-before-reset candidate adds Rb_h inside the reset
        // product: oneDNN's extra row.
        bool recurrentApart = lbr && k == 2;
        out[k * h + o] = at(i) + (recurrentApart ? 0.0 : at(g * h + i));
        if (recurrentApart)
          out[g * h + o] = at(g * h + i);
      }
    return makeFloatTensor(RankedTensorType::get({rows, h}, spec.elementType),
                           out);
  }

  /// [3, H] in oneDNN's order i, f, o from ONNX P [dirs, 3 * H] (i, o, f).
  ConstTensor peephole(const ConstTensor &onnx) const {
    std::vector<double> v = getValuesAsDouble(onnx);
    int64_t h = spec.hidden;
    std::vector<double> out(3 * h);
    const int64_t from[] = {0, 2, 1};
    for (int64_t k = 0; k < 3; ++k)
      for (int64_t o = 0; o < h; ++o)
        out[k * h + o] = v[dir * 3 * h + from[k] * h + o];
    return makeFloatTensor(RankedTensorType::get({3, h}, spec.elementType),
                           out);
  }
};
} // namespace

FailureOr<bool> aic::importer::importRecurrentLibrary(NodeImporter &imp,
                                                      const RnnSpec &spec) {
  bool lstm = spec.cell == RnnCell::Lstm;
  if (!spec.elementType.isF32() || spec.clip || spec.inputForget ||
      spec.hasSeqLens)
    return false;
  const ConstTensor *w = imp.getConstantInput(1);
  const ConstTensor *r = imp.getConstantInput(2);
  const ConstTensor *b = imp.hasInput(3) ? imp.getConstantInput(3) : nullptr;
  const ConstTensor *p =
      lstm && imp.hasInput(7) ? imp.getConstantInput(7) : nullptr;
  if (!w || !r || (imp.hasInput(3) && !b) || (lstm && imp.hasInput(7) && !p))
    return false;
  SmallVector<StringRef> cells;
  for (int64_t d = 0; d < spec.numDirections; ++d) {
    cells.push_back(getLibraryCell(spec, d));
    if (cells.back().empty())
      return false;
  }

  FailureOr<Value> input = imp.getInput(0);
  if (failed(input))
    return failure();
  Value x = getRnnInput(imp, spec, *input);
  const std::string &name = imp.getNode().name();
  SmallVector<Value> ys, hs, cs;
  for (int64_t d = 0; d < spec.numDirections; ++d) {
    WeightPacker packer{spec, d, {0, 1, 2}};
    if (lstm)
      packer.order = {0, 2, 3, 1};
    packer.order.resize(spec.gates);
    std::string hint = name + ".dir" + std::to_string(d);
    Value weightsLayer =
        imp.createConstant(packer.transpose(*w, spec.input), hint + ".wl");
    Value weightsIter =
        imp.createConstant(packer.transpose(*r, spec.hidden), hint + ".wi");
    Value bias =
        imp.createConstant(packer.bias(b, cells[d] == "lbr_gru"), hint + ".b");
    Value peephole =
        p ? imp.createConstant(packer.peephole(*p), hint + ".p") : Value();
    FailureOr<Value> h0 = getRnnInitialState(imp, spec, 5, d);
    FailureOr<Value> c0 =
        lstm ? getRnnInitialState(imp, spec, 6, d) : FailureOr<Value>(Value());
    if (failed(h0) || failed(c0))
      return failure();
    OpBuilder &builder = imp.getBuilder();
    OpFoldResult hidden = builder.getIndexAttr(spec.hidden);
    auto stateType =
        RankedTensorType::get({spec.batch, spec.hidden}, spec.elementType);
    // oneDNN's LSTM takes both initial states or neither.
    Value zeros;
    if (lstm && (*h0 || *c0) && !(*h0 && *c0))
      zeros = imp.create<linalg::FillOp>(
                     buildScalarConstant(builder, imp.getLoc(),
                                         spec.elementType, 0),
                     emptyRnnTensor(imp, spec, {spec.batchSize, hidden}))
                  .getResult(0);
    if (!*h0)
      h0 = zeros;
    if (lstm && !*c0)
      c0 = zeros;
    auto yType = RankedTensorType::get({spec.seq, spec.batch, spec.hidden},
                                       spec.elementType);
    SmallVector<Value> inits{
        emptyRnnTensor(imp, spec, {spec.seqSize, spec.batchSize, hidden}),
        emptyRnnTensor(imp, spec, {spec.batchSize, hidden})};
    SmallVector<Type> types{yType, stateType};
    if (lstm) {
      inits.push_back(emptyRnnTensor(imp, spec, {spec.batchSize, hidden}));
      types.push_back(stateType);
    }
    auto op = imp.create<RnnOp>(
        types, x, weightsLayer, weightsIter, bias, peephole, *h0, *c0, inits,
        imp.getBuilder().getStringAttr(cells[d]),
        spec.reverseOnly || d == 1 ? imp.getBuilder().getUnitAttr()
                                   : UnitAttr());
    ys.push_back(op.getResult(0));
    hs.push_back(op.getResult(1));
    cs.push_back(lstm ? op.getResult(2) : Value());
  }
  if (failed(setRnnOutputs(imp, spec, ys, hs, cs)))
    return failure();
  return true;
}
