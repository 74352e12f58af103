//===- convtranspose.cpp - Test model: transposed convolutions ------------===//
//
// y1 = leaky_relu(conv_transpose(x, w1, b1), 0.1): 2-D, 2 groups, strides
//      [2, 3], dilations [2, 1], pads begin [1, 0] end [0, 2], constant
//      weights (reordered once).
// y2 = conv_transpose(x2, w2): 1-D, stride 2, no bias, weights that may
//      change between runs (read in ONNX's layout through strides).
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {1, 4, 5, 4}, kX2[] = {2, 3, 7};
const int64_t kY1[] = {1, 6, 12, 9}, kY2[] = {2, 2, 16};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 4, kX},
                                         {"x2", AIC_DTYPE_FLOAT32, 3, kX2}};
const aic_model_tensor_meta kOutputs[] = {{"y1", AIC_DTYPE_FLOAT32, 4, kY1},
                                          {"y2", AIC_DTYPE_FLOAT32, 3, kY2}};

float w1[4 * 3 * 3 * 2], b1[6], w2[3 * 2 * 4];

const contract::ConvTranspose kDeconv1 = [] {
  contract::ConvTranspose d;
  d.src = f32({1, 4, 5, 4});
  d.wei = f32({4, 3, 3, 2});
  d.bias = f32({6});
  d.dst = f32({1, 6, 12, 9});
  d.strides = {2, 3};
  d.dilations = {2, 1};
  d.pads_begin = {1, 0};
  d.pads_end = {0, 2};
  d.groups = 2;
  d.weights_const = true;
  d.post_ops = {PostOp::eltwise(AIC_ELTWISE_RELU, 0.1)};
  return d;
}();

const contract::ConvTranspose kDeconv2 = [] {
  contract::ConvTranspose d;
  d.src = f32({2, 3, 7});
  d.wei = f32({3, 2, 4});
  d.dst = f32({2, 2, 16});
  d.strides = {2};
  d.dilations = {1};
  d.pads_begin = {0};
  d.pads_end = {0};
  d.groups = 1;
  return d;
}();

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 2, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(w1, count(w1), 41);
  fill(b1, count(b1), 42);
  fill(w2, count(w2), 43);
  AIC_TRY(create(ctx, 0, kDeconv1, "deconv1"));
  return create(ctx, 1, kDeconv2, "deconv2");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  AIC_TRY(exec(st, 0, kDeconv1, {in[0], w1, b1, out[0]}));
  return exec(st, 1, kDeconv2, {in[1], w2, out[1]});
}
