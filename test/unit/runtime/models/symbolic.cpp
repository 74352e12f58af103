//===- symbolic.cpp - Test model: inputs with a symbolic batch ------------===//
//
// On x (float32 [batch, 3]) and z (float32 [batch, 2]), both dims named
// `batch`:
//   t = x * w      a matmul whose rows are run-time (aicrt_exec_dims), into
//                  a buffer of the plan evaluated per shape (aicrt_plan)
//   y = t + z      float32 [batch, 2] (aicrt_alloc, aicrt_output)
// with w = testValue(i, 61) as [3, 2]. Compiled code reads the batch with
// aicrt_input_shape, as aic-compile's does, and checks it is at most 64
// (aicrt_check, as compiled code checks what the compiler cannot prove).
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {AIC_DIM_DYNAMIC, 3}, kZ[] = {AIC_DIM_DYNAMIC, 2};
const char *const kNames[] = {"batch", nullptr};
const aic_model_tensor_meta kInputs[] = {
    {"x", AIC_DTYPE_FLOAT32, 2, kX, nullptr, kNames},
    {"z", AIC_DTYPE_FLOAT32, 2, kZ, nullptr, kNames}};
const aic_model_tensor_meta kOutputs[] = {{"y", AIC_DTYPE_FLOAT32, 2, kZ}};

float w[6];

contract::Matmul matmul() {
  contract::Matmul d;
  d.a = f32({AIC_DIM_DYNAMIC, 3});
  d.b = f32({3, 2});
  d.dst = f32({AIC_DIM_DYNAMIC, 2});
  d.alpha = 1;
  d.b_const = true;
  return d;
}

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 1, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(w, 6, 61);
  return create(ctx, 0, matmul(), "matmul");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *, void *) {
  int64_t shape[2];
  AIC_TRY(aicrt_input_shape(st, 0, shape));
  int64_t batch = shape[0];
  AIC_TRY(aicrt_check(st, batch <= 64,
                      "node 'check' (Test): the batch is above 64"));
  int64_t sizes[] = {batch * 2 * 4}, ranges[] = {0, 1}, offsets[2];
  void *arena = nullptr;
  AIC_TRY(aicrt_plan(st, sizes, ranges, 1, 64, offsets, &arena));
  auto *t = static_cast<float *>(arena) + offsets[0] / 4;
  void *args[] = {in[0], w, t};
  int64_t dims[] = {batch, batch};
  AIC_TRY(aicrt_exec_dims(st, 0, args, 3, dims, 2));
  void *y = nullptr;
  AIC_TRY(aicrt_alloc(st, batch * 2 * 4, &y));
  const float *z = static_cast<const float *>(in[1]);
  for (int64_t i = 0; i < batch * 2; ++i)
    static_cast<float *>(y)[i] = t[i] + z[i];
  int64_t yShape[] = {batch, 2};
  return aicrt_output(st, 0, y, yShape);
}
