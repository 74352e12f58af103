//===- softmax.cpp - Test model: softmax and log-softmax -----------------===//
//
// x [4,5]:
// y_soft, y_log: softmax and log-softmax along axis 1 -> [4,5]
// y_cols: softmax along axis 0 -> [4,5]
//
//===----------------------------------------------------------------------===//
#include "ModelUtil.h"

using namespace aictest;

namespace {
const int64_t kX[] = {4, 5};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 2, kX}};
const aic_model_tensor_meta kOutputs[] = {{"y_soft", AIC_DTYPE_FLOAT32, 2, kX},
                                          {"y_log", AIC_DTYPE_FLOAT32, 2, kX},
                                          {"y_cols", AIC_DTYPE_FLOAT32, 2, kX}};

contract::Softmax softmax(int64_t axis, bool log) {
  contract::Softmax d;
  d.axis = axis;
  d.log = log;
  d.src = f32({4, 5});
  d.dst = f32({4, 5});
  return d;
}

const contract::Softmax kSoftmaxes[] = {softmax(1, false), softmax(1, true),
                                        softmax(0, false)};
const char *const kNames[] = {"soft", "log", "cols"};
} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 3, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  for (int32_t i = 0; i < count(kSoftmaxes); ++i)
    AIC_TRY(create(ctx, i, kSoftmaxes[i], kNames[i]));
  return 0;
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  for (int32_t i = 0; i < count(kSoftmaxes); ++i)
    AIC_TRY(exec(st, i, kSoftmaxes[i], {in[0], out[i]}));
  return 0;
}
