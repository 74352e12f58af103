//===- normalization.cpp - Test model: LRN and statistics-computing BN ----===//
//
// On x [2, 6, 3, 4]:
// y_lrn = lrn(x; size 5, alpha 0.5, beta 0.75, k 2)
// y_bn, mean, var = batch_norm_training(x, scale, shift; epsilon 1e-3)
// y_in = batch_norm_training(x viewed as [1, 12, 12]; epsilon 1e-2), no
//        scale or shift: instance normalization.
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {2, 6, 3, 4}, kC[] = {6};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 4, kX}};
const aic_model_tensor_meta kOutputs[] = {{"y_lrn", AIC_DTYPE_FLOAT32, 4, kX},
                                          {"y_bn", AIC_DTYPE_FLOAT32, 4, kX},
                                          {"mean", AIC_DTYPE_FLOAT32, 1, kC},
                                          {"var", AIC_DTYPE_FLOAT32, 1, kC},
                                          {"y_in", AIC_DTYPE_FLOAT32, 4, kX}};

float scale[6], shift[6], instMean[12], instVar[12];

const contract::Lrn kLrn{
    f32({2, 6, 3, 4}), f32({2, 6, 3, 4}), 5, 0.5, 0.75, 2.0};

const contract::BatchNormTraining kBn{
    f32({2, 6, 3, 4}), f32({6}), f32({6}), f32({2, 6, 3, 4}),
    f32({6}),          f32({6}), 1e-3};

const contract::BatchNormTraining kIn{
    f32({1, 12, 12}), std::nullopt, std::nullopt, f32({1, 12, 12}),
    f32({12}),        f32({12}),    1e-2};

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 3, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(scale, 6, 51);
  fill(shift, 6, 52);
  AIC_TRY(create(ctx, 0, kLrn, "lrn"));
  AIC_TRY(create(ctx, 1, kBn, "bn"));
  return create(ctx, 2, kIn, "in");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  AIC_TRY(exec(st, 0, kLrn, {in[0], out[0]}));
  AIC_TRY(exec(st, 1, kBn, {in[0], scale, shift, out[1], out[2], out[3]}));
  return exec(st, 2, kIn, {in[0], out[4], instMean, instVar});
}
