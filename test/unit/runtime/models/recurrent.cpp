//===- recurrent.cpp - Test model: LSTM with peepholes, reverse LBR GRU ---===//
//
// On x [T=3, N=2, I=2], h0 and c0 [2, 3] (weights in oneDNN's gate order
// and ldigo layout, constants of the model):
// y_lstm, h_lstm, c_lstm = LSTM(x; h0, c0, peepholes), left to right
// y_gru, h_gru = linear-before-reset GRU(x), right to left, zero state
// (batch 2, so the weights are reordered into oneDNN's chosen layout).
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {3, 2, 2}, kState[] = {2, 3}, kY[] = {3, 2, 3};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 3, kX},
                                         {"h0", AIC_DTYPE_FLOAT32, 2, kState},
                                         {"c0", AIC_DTYPE_FLOAT32, 2, kState}};
const aic_model_tensor_meta kOutputs[] = {
    {"y_lstm", AIC_DTYPE_FLOAT32, 3, kY},
    {"h_lstm", AIC_DTYPE_FLOAT32, 2, kState},
    {"c_lstm", AIC_DTYPE_FLOAT32, 2, kState},
    {"y_gru", AIC_DTYPE_FLOAT32, 3, kY},
    {"h_gru", AIC_DTYPE_FLOAT32, 2, kState}};

float lstmLayer[2 * 4 * 3], lstmIter[3 * 4 * 3], lstmBias[4 * 3],
    lstmPeephole[3 * 3];
float gruLayer[2 * 3 * 3], gruIter[3 * 3 * 3], gruBias[4 * 3];

const contract::Rnn kLstm{AIC_RNN_LSTM,
                          false,
                          f32({3, 2, 2}),
                          f32({2, 4, 3}),
                          f32({3, 4, 3}),
                          f32({4, 3}),
                          f32({3, 3}),
                          f32({2, 3}),
                          f32({2, 3}),
                          f32({3, 2, 3}),
                          f32({2, 3}),
                          f32({2, 3}),
                          true};
const contract::Rnn kGru{AIC_RNN_LBR_GRU,
                         true,
                         f32({3, 2, 2}),
                         f32({2, 3, 3}),
                         f32({3, 3, 3}),
                         f32({4, 3}),
                         std::nullopt,
                         std::nullopt,
                         std::nullopt,
                         f32({3, 2, 3}),
                         f32({2, 3}),
                         std::nullopt,
                         true};

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 2, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(lstmLayer, 24, 61);
  fill(lstmIter, 36, 62);
  fill(lstmBias, 12, 63);
  fill(lstmPeephole, 9, 64);
  fill(gruLayer, 18, 65);
  fill(gruIter, 27, 66);
  fill(gruBias, 12, 67);
  AIC_TRY(create(ctx, 0, kLstm, "lstm"));
  return create(ctx, 1, kGru, "gru");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  AIC_TRY(exec(st, 0, kLstm,
               {in[0], lstmLayer, lstmIter, lstmBias, lstmPeephole, in[1],
                in[2], out[0], out[1], out[2]}));
  return exec(st, 1, kGru, {in[0], gruLayer, gruIter, gruBias, out[3], out[4]});
}
