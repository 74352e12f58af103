//===- nanguard.cpp - Test model: relu and clip post-ops (NanGuard.h) -----===//
//
// x [4,8], w [8,8] (constant):
// y_relu = relu(x x w)
// y_clip = clip(x x w, 0, 6)
// y_chain = 2 * relu(x x w) + 1
//
//===----------------------------------------------------------------------===//
#include "ModelUtil.h"

using namespace aictest;

namespace {
const int64_t kX[] = {4, 8};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 2, kX}};
const aic_model_tensor_meta kOutputs[] = {
    {"y_relu", AIC_DTYPE_FLOAT32, 2, kX},
    {"y_clip", AIC_DTYPE_FLOAT32, 2, kX},
    {"y_chain", AIC_DTYPE_FLOAT32, 2, kX}};

float w[8 * 8];

contract::Matmul matmul(std::vector<PostOp> postOps) {
  contract::Matmul d;
  d.a = f32({4, 8});
  d.b = f32({8, 8});
  d.dst = f32({4, 8});
  d.alpha = 1.0;
  d.b_const = true;
  d.post_ops = std::move(postOps);
  return d;
}

const contract::Matmul kMatmuls[] = {
    matmul({PostOp::eltwise(AIC_ELTWISE_RELU)}),
    matmul({PostOp::eltwise(AIC_ELTWISE_CLIP, 0, 6)}),
    matmul({PostOp::eltwise(AIC_ELTWISE_RELU),
            PostOp::eltwise(AIC_ELTWISE_LINEAR, 2, 1)})};
const char *const kNames[] = {"relu", "clip", "chain"};
} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 3, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(w, count(w), 50);
  for (int32_t i = 0; i < count(kMatmuls); ++i)
    AIC_TRY(create(ctx, i, kMatmuls[i], kNames[i]));
  return 0;
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  for (int32_t i = 0; i < count(kMatmuls); ++i)
    AIC_TRY(exec(st, i, kMatmuls[i], {in[0], w, out[i]}));
  return 0;
}
