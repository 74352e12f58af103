//===- matmul.cpp - Test model: matmuls --------------------------------===//
//
// y1 = (0.5 * a x b1^T + bias1) * s1      a [2,3,4], b1 [5,4], s1 [3,1]
// y2 = relu(a2^T x b2 + bias2)            a2 [4,3], b2 [4,5], bias2 [1,5]
// y3 = a2^T x b3                          b3 [2,4,5]: a broadcast on batch
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kA[] = {2, 3, 4}, kA2[] = {4, 3}, kY1[] = {2, 3, 5},
              kY2[] = {3, 5}, kY3[] = {2, 3, 5};
const aic_model_tensor_meta kInputs[] = {{"a", AIC_DTYPE_FLOAT32, 3, kA},
                                         {"a2", AIC_DTYPE_FLOAT32, 2, kA2}};
const aic_model_tensor_meta kOutputs[] = {{"y1", AIC_DTYPE_FLOAT32, 3, kY1},
                                          {"y2", AIC_DTYPE_FLOAT32, 2, kY2},
                                          {"y3", AIC_DTYPE_FLOAT32, 3, kY3}};

float b1[5 * 4], bias1[5], s1[3], b2[4 * 5], bias2[5], b3[2 * 4 * 5];

const contract::Matmul kMm1 = [] {
  contract::Matmul d;
  d.a = f32({2, 3, 4});
  d.b = f32({5, 4});
  d.bias = f32({5});
  d.dst = f32({2, 3, 5});
  d.trans_b = true;
  d.alpha = 0.5;
  d.b_const = true;
  d.post_ops = {PostOp::binary(AIC_BINARY_MUL, f32({3, 1}))};
  return d;
}();

const contract::Matmul kMm2 = [] {
  contract::Matmul d;
  d.a = f32({4, 3});
  d.b = f32({4, 5});
  d.bias = f32({1, 5});
  d.dst = f32({3, 5});
  d.trans_a = true;
  d.alpha = 1.0;
  d.b_const = true;
  d.post_ops = {PostOp::eltwise(AIC_ELTWISE_RELU)};
  return d;
}();

const contract::Matmul kMm3 = [] {
  contract::Matmul d;
  d.a = f32({4, 3});
  d.b = f32({2, 4, 5});
  d.dst = f32({2, 3, 5});
  d.trans_a = true;
  d.alpha = 1.0;
  return d;
}();

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 3, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(b1, count(b1), 11);
  fill(bias1, count(bias1), 12);
  fill(s1, count(s1), 13);
  fill(b2, count(b2), 14);
  fill(bias2, count(bias2), 15);
  fill(b3, count(b3), 16);
  AIC_TRY(create(ctx, 0, kMm1, "mm1"));
  AIC_TRY(create(ctx, 1, kMm2, "mm2"));
  return create(ctx, 2, kMm3, "mm3");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  AIC_TRY(exec(st, 0, kMm1, {in[0], b1, bias1, out[0], s1}));
  AIC_TRY(exec(st, 1, kMm2, {in[1], b2, bias2, out[1]}));
  return exec(st, 2, kMm3, {in[1], b3, out[2]});
}
