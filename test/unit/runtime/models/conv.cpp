//===- conv.cpp - Test model: convolutions with post-ops ------------------===//
//
// y1 = leaky_relu(conv(x, w1, b1), 0.1): 3x3, stride 2, asymmetric pads.
// y2 = 0.5 * (conv(x, w2) + s) + 1: 2 groups, dilation 2, no bias, post-ops
//      binary add of s [1,6,1,1] and linear.
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {1, 4, 9, 9}, kY1[] = {1, 8, 5, 5}, kY2[] = {1, 6, 9, 9};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 4, kX}};
const aic_model_tensor_meta kOutputs[] = {{"y1", AIC_DTYPE_FLOAT32, 4, kY1},
                                          {"y2", AIC_DTYPE_FLOAT32, 4, kY2}};

float w1[8 * 4 * 3 * 3], b1[8], w2[6 * 2 * 3 * 3], s2[6];

const contract::Conv kConv1 = [] {
  contract::Conv d;
  d.src = f32({1, 4, 9, 9});
  d.wei = f32({8, 4, 3, 3});
  d.bias = f32({8});
  d.dst = f32({1, 8, 5, 5});
  d.strides = {2, 2};
  d.dilations = {1, 1};
  d.pads_begin = {1, 0};
  d.pads_end = {1, 2};
  d.groups = 1;
  d.weights_const = true;
  d.post_ops = {PostOp::eltwise(AIC_ELTWISE_RELU, 0.1)};
  return d;
}();

const contract::Conv kConv2 = [] {
  contract::Conv d;
  d.src = f32({1, 4, 9, 9});
  d.wei = f32({6, 2, 3, 3});
  d.dst = f32({1, 6, 9, 9});
  d.strides = {1, 1};
  d.dilations = {2, 2};
  d.pads_begin = {2, 2};
  d.pads_end = {2, 2};
  d.groups = 2;
  d.weights_const = true;
  d.post_ops = {PostOp::binary(AIC_BINARY_ADD, f32({1, 6, 1, 1})),
                PostOp::eltwise(AIC_ELTWISE_LINEAR, 0.5, 1.0)};
  return d;
}();

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 2, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(w1, count(w1), 1);
  fill(b1, count(b1), 2);
  fill(w2, count(w2), 3);
  fill(s2, count(s2), 4);
  AIC_TRY(create(ctx, 0, kConv1, "conv1"));
  return create(ctx, 1, kConv2, "conv2");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  AIC_TRY(exec(st, 0, kConv1, {in[0], w1, b1, out[0]}));
  return exec(st, 1, kConv2, {in[0], w2, out[1], s2});
}
