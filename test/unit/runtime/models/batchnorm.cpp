//===- batchnorm.cpp - Test model: inference batch normalization ----------===//
//
// y = batch_norm(x [2,3,4,5]) with eps 1e-3; y2 = batch_norm(x2 [4,3]) with
// eps 0.5 and the same parameters (rank 2: no spatial dims). The variances
// are positive (see batchNormVariance).
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

#include <cmath>

using namespace aictest;

namespace {

const int64_t kX[] = {2, 3, 4, 5}, kX2[] = {4, 3};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 4, kX},
                                         {"x2", AIC_DTYPE_FLOAT32, 2, kX2}};
const aic_model_tensor_meta kOutputs[] = {{"y", AIC_DTYPE_FLOAT32, 4, kX},
                                          {"y2", AIC_DTYPE_FLOAT32, 2, kX2}};

float scale[3], shift[3], mean[3], var[3];

contract::BatchNorm batchNorm(Tensor t, double epsilon) {
  Tensor c = f32({3});
  return {t, c, c, c, c, t, epsilon};
}
const contract::BatchNorm kBn = batchNorm(f32({2, 3, 4, 5}), 1e-3);
const contract::BatchNorm kBn2 = batchNorm(f32({4, 3}), 0.5);

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 2, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(scale, 3, 31);
  fill(shift, 3, 32);
  fill(mean, 3, 33);
  for (int i = 0; i < 3; ++i)
    var[i] = batchNormVariance(i);
  AIC_TRY(create(ctx, 0, kBn, "bn"));
  return create(ctx, 1, kBn2, "bn2");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  AIC_TRY(exec(st, 0, kBn, {in[0], scale, shift, mean, var, out[0]}));
  return exec(st, 1, kBn2, {in[1], scale, shift, mean, var, out[1]});
}
