//===- normalization.cpp - Test model: LRN and layer norm without scale ---===//
//
// On x [2, 6, 3, 4]:
// y_lrn = lrn(x; size 5, alpha 0.5, beta 0.75, k 2)
// y_in, mean, var = layer_norm(x viewed as [12, 12]; epsilon 1e-2) without
//        scale or shift, with the row statistics: instance normalization.
// y_shift = layer_norm(x viewed as [48, 3]; epsilon 0.5) with a shift and
//        no scale.
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {2, 6, 3, 4}, kRows[] = {12};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 4, kX}};
const aic_model_tensor_meta kOutputs[] = {
    {"y_lrn", AIC_DTYPE_FLOAT32, 4, kX},
    {"y_in", AIC_DTYPE_FLOAT32, 4, kX},
    {"mean", AIC_DTYPE_FLOAT32, 1, kRows},
    {"var", AIC_DTYPE_FLOAT32, 1, kRows},
    {"y_shift", AIC_DTYPE_FLOAT32, 4, kX}};

float shift[3];

const contract::Lrn kLrn{
    f32({2, 6, 3, 4}), f32({2, 6, 3, 4}), 5, 0.5, 0.75, 2.0};

const contract::LayerNorm kInstance{f32({12, 12}), std::nullopt, std::nullopt,
                                    f32({12, 12}), f32({12}),    f32({12}),
                                    1e-2};

const contract::LayerNorm kShiftOnly{f32({48, 3}), std::nullopt, f32({3}),
                                     f32({48, 3}), std::nullopt, std::nullopt,
                                     0.5};

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 3, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(shift, 3, 52);
  AIC_TRY(create(ctx, 0, kLrn, "lrn"));
  AIC_TRY(create(ctx, 1, kInstance, "instance"));
  return create(ctx, 2, kShiftOnly, "shift_only");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  AIC_TRY(exec(st, 0, kLrn, {in[0], out[0]}));
  AIC_TRY(exec(st, 1, kInstance, {in[0], out[1], out[2], out[3]}));
  return exec(st, 2, kShiftOnly, {in[0], shift, out[4]});
}
