//===- Recurrent.cpp - RNN primitive (vanilla RNN, LSTM, GRU) -------------===//
//
// One direction of one recurrent layer on oneDNN's RNN primitives. The
// compiler gives the weights in oneDNN's gate order and plain ldigo layout
// ([I, G, H] and [H, G, H]: one layer, one direction); above batch 1 the
// primitive picks the layout it runs fastest with, and the constant weights
// are reordered into it once. The other tensors are viewed with oneDNN's
// leading layer and direction dims of 1: [N, H] states as ldnc, [G, H] bias as
// ldgo.
//
//===----------------------------------------------------------------------===//

#include "Errors.h"
#include "Primitive.h"

#include <string>

using namespace aic::rt;
using dnnl::memory;

namespace {
memory::desc plain(const memory::dims &dims, memory::format_tag tag) {
  return memory::desc(dims, memory::data_type::f32, tag);
}

void requireDims(const CreateInfo &ci, const char *what, const Tensor &t,
                 const memory::dims &dims) {
  if (t.dims != std::vector<int64_t>(dims.begin(), dims.end())) {
    std::string want = "[";
    for (size_t i = 0; i < dims.size(); ++i)
      want += (i ? ", " : "") + std::to_string(dims[i]);
    invalid(ci,
            std::string(what) + " " + shapeStr(t) + " should be " + want + "]");
  }
}
} // namespace

PrimitivePtr aic::rt::createRnn(const contract::Rnn &d, const CreateInfo &ci) {
  if (d.cell < AIC_RNN_TANH || d.cell > AIC_RNN_LBR_GRU)
    invalid(ci, "unknown RNN cell " + std::to_string(d.cell));
  bool lstm = d.cell == AIC_RNN_LSTM;
  const Tensor *peephole = d.peephole ? &*d.peephole : nullptr;
  const Tensor *srcH = d.src_h ? &*d.src_h : nullptr;
  const Tensor *srcC = d.src_c ? &*d.src_c : nullptr;
  const Tensor *dstC = d.dst_c ? &*d.dst_c : nullptr;
  std::initializer_list<const Tensor *> all{
      &d.src, &d.wei_layer, &d.wei_iter, &d.bias,  peephole,
      srcH,   srcC,         &d.dst,      &d.dst_h, dstC};
  requireF32(ci, all);
  requirePlain(ci, all);
  if ((peephole || srcC || dstC) && !lstm)
    invalid(ci, "peepholes and cell states are for LSTM only");
  if (lstm && !dstC)
    invalid(ci, "an LSTM needs dst_c");
  if (!d.weights_const)
    invalid(ci, "RNN weights must be model constants");
  if (d.src.rank() != 3 || d.wei_iter.rank() != 3)
    invalid(ci, "src " + shapeStr(d.src) + " and wei_iter " +
                    shapeStr(d.wei_iter) + " should have rank 3");
  int64_t t = d.src.dims[0], n = d.src.dims[1], in = d.src.dims[2];
  int64_t h = d.wei_iter.dims[2];
  int64_t gates = lstm ? 4 : d.cell >= AIC_RNN_GRU ? 3 : 1;
  int64_t biasGates = gates + (d.cell == AIC_RNN_LBR_GRU ? 1 : 0);
  requireDims(ci, "wei_layer", d.wei_layer, {in, gates, h});
  requireDims(ci, "wei_iter", d.wei_iter, {h, gates, h});
  requireDims(ci, "bias", d.bias, {biasGates, h});
  if (peephole)
    requireDims(ci, "peephole", *peephole, {3, h});
  for (const Tensor *state : {srcH, srcC, &d.dst_h, dstC})
    if (state)
      requireDims(ci, "state", *state, {n, h});
  requireDims(ci, "dst", d.dst, {t, n, h});

  using tag = memory::format_tag;
  memory::desc src = plain({t, n, in}, tag::tnc);
  memory::desc dst = plain({t, n, h}, tag::tnc);
  memory::desc state = plain({1, 1, n, h}, tag::ldnc);
  memory::desc weiLayer = plain({1, 1, in, gates, h}, tag::ldigo);
  memory::desc weiIter = plain({1, 1, h, gates, h}, tag::ldigo);
  // The weights' layout is oneDNN's choice (its brgemm implementation's
  // blocked one), except at batch 1: there every step is a matrix-vector
  // product, which oneDNN's implementation on plain weights (one sgemm per
  // step) runs faster (measured: LSTM 100 steps, hidden 64, 0.26 vs 0.34
  // ms; hidden 256, 0.88 vs 1.35 ms).
  tag weightsTag = n == 1 ? tag::ldigo : tag::any;
  memory::desc anyLayer = plain({1, 1, in, gates, h}, weightsTag);
  memory::desc anyIter = plain({1, 1, h, gates, h}, weightsTag);
  memory::desc bias = plain({1, 1, biasGates, h}, tag::ldgo);
  memory::desc peep = plain({1, 1, 3, h}, tag::ldgo);
  memory::desc srcHMd = srcH ? state : memory::desc();
  memory::desc srcCMd = srcC ? state : memory::desc();
  memory::desc dstCMd = dstC ? state : memory::desc();
  auto dir = d.reverse ? dnnl::rnn_direction::unidirectional_right2left
                       : dnnl::rnn_direction::unidirectional_left2right;
  auto prop = dnnl::prop_kind::forward_inference;
  dnnl::primitive_attr attr = makeAttr();

  dnnl::primitive prim;
  memory::desc wantLayer, wantIter, scratchpad;
  auto take = [&](const dnnl::rnn_primitive_desc_base &pd, dnnl::primitive p) {
    prim = p;
    wantLayer = pd.weights_layer_desc();
    wantIter = pd.weights_iter_desc();
    scratchpad = pd.scratchpad_desc();
  };
  // oneDNN errors (no implementation for the shapes) are reported by
  // aicrt_create.
  if (lstm) {
    auto desc =
        peephole
            ? dnnl::lstm_forward::desc(prop, dir, src, srcHMd, srcCMd, anyLayer,
                                       anyIter, peep, bias, dst, state, dstCMd)
            : dnnl::lstm_forward::desc(prop, dir, src, srcHMd, srcCMd, anyLayer,
                                       anyIter, bias, dst, state, dstCMd);
    dnnl::lstm_forward::primitive_desc pd(desc, attr, ci.engine);
    take(pd, dnnl::lstm_forward(pd));
  } else if (d.cell == AIC_RNN_GRU) {
    dnnl::gru_forward::primitive_desc pd(
        dnnl::gru_forward::desc(prop, dir, src, srcHMd, anyLayer, anyIter, bias,
                                dst, state),
        attr, ci.engine);
    take(pd, dnnl::gru_forward(pd));
  } else if (d.cell == AIC_RNN_LBR_GRU) {
    dnnl::lbr_gru_forward::primitive_desc pd(
        dnnl::lbr_gru_forward::desc(prop, dir, src, srcHMd, anyLayer, anyIter,
                                    bias, dst, state),
        attr, ci.engine);
    take(pd, dnnl::lbr_gru_forward(pd));
  } else {
    dnnl::algorithm act = d.cell == AIC_RNN_RELU ? dnnl::algorithm::eltwise_relu
                          : d.cell == AIC_RNN_SIGMOID
                              ? dnnl::algorithm::eltwise_logistic
                              : dnnl::algorithm::eltwise_tanh;
    dnnl::vanilla_rnn_forward::primitive_desc pd(
        dnnl::vanilla_rnn_forward::desc(prop, act, dir, src, srcHMd, anyLayer,
                                        anyIter, bias, dst, state),
        attr, ci.engine);
    take(pd, dnnl::vanilla_rnn_forward(pd));
  }

  // Exec arguments in the contract's order.
  std::vector<ArgSlot> slots{{DNNL_ARG_SRC_LAYER, src},
                             {DNNL_ARG_WEIGHTS_LAYER, weiLayer},
                             {DNNL_ARG_WEIGHTS_ITER, weiIter},
                             {DNNL_ARG_BIAS, bias}};
  slots[1].adopt(wantLayer, ArgSlot::Kind::Constant);
  slots[2].adopt(wantIter, ArgSlot::Kind::Constant);
  if (peephole)
    slots.push_back({DNNL_ARG_WEIGHTS_PEEPHOLE, peep});
  if (srcH)
    slots.push_back({DNNL_ARG_SRC_ITER, state});
  if (srcC)
    slots.push_back({DNNL_ARG_SRC_ITER_C, state});
  slots.push_back({DNNL_ARG_DST_LAYER, dst});
  slots.push_back({DNNL_ARG_DST_ITER, state});
  if (dstC)
    slots.push_back({DNNL_ARG_DST_ITER_C, state});
  return std::make_unique<DnnlPrimitive>(ci.label, ci.engine, prim,
                                         std::move(slots), scratchpad);
}
