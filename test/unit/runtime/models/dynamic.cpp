//===- dynamic.cpp - Test model: an output of a run-time shape ------------===//
//
// On x (float32 [6]):
//   nz  = the indices of the nonzero elements of x   int64 [?] (aicrt_alloc,
//                                                     aicrt_output)
//   sum = the sum of x                                float32 [1] (caller's)
//   nz2 = nz again, in a buffer of its own            int64 [?]
// with a scratch buffer of aicrt_alloc released early (aicrt_free). Some
// values of x[0] make the run misbehave as a broken compiled model could:
//   42: returns 0 without handing nz over
//   43: fails (status 9) after allocating
//   44: hands nz over with a shape larger than its buffer
//   45: hands nz over twice
//   46: hands nz's buffer over as nz2 too
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {6}, kNz[] = {AIC_DIM_DYNAMIC}, kSum[] = {1};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 1, kX}};
const aic_model_tensor_meta kOutputs[] = {{"nz", AIC_DTYPE_INT64, 1, kNz},
                                          {"sum", AIC_DTYPE_FLOAT32, 1, kSum},
                                          {"nz2", AIC_DTYPE_INT64, 1, kNz}};

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 0, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *) { return 0; }

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  const float *x = static_cast<const float *>(in[0]);
  // Scratch of the largest size, released before the run ends.
  void *scratch = nullptr;
  AIC_TRY(aicrt_alloc(st, 6 * sizeof(int64_t), &scratch));
  int64_t n = 0;
  float sum = 0;
  for (int64_t i = 0; i < 6; ++i) {
    sum += x[i];
    if (x[i] != 0)
      static_cast<int64_t *>(scratch)[n++] = i;
  }
  if (out[0] != nullptr || out[2] != nullptr) // no buffers for nz, nz2
    return 100;
  *static_cast<float *>(out[1]) = sum;
  void *nz = nullptr;
  AIC_TRY(aicrt_alloc(st, n * sizeof(int64_t), &nz));
  for (int64_t i = 0; i < n; ++i)
    static_cast<int64_t *>(nz)[i] = static_cast<int64_t *>(scratch)[i];
  AIC_TRY(aicrt_free(st, scratch));
  if (x[0] == 42)
    return 0;
  if (x[0] == 43)
    return 9;
  int64_t shape[] = {x[0] == 44 ? n + 1 : n};
  AIC_TRY(aicrt_output(st, 0, nz, shape));
  if (x[0] == 45)
    AIC_TRY(aicrt_output(st, 0, nz, shape));
  void *nz2 = nz;
  if (x[0] != 46) {
    AIC_TRY(aicrt_alloc(st, n * sizeof(int64_t), &nz2));
    for (int64_t i = 0; i < n; ++i)
      static_cast<int64_t *>(nz2)[i] = static_cast<int64_t *>(nz)[i];
  }
  return aicrt_output(st, 2, nz2, shape);
}
