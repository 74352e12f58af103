//===- values.cpp - Test model: a sequence and optionals at the boundary --===//
//
// Stands for a model compiled from an ONNX graph with a sequence input "xs"
// of two f32 tensors ([2] and [3]) and an absent optional input "none", whose
// outputs are the sequence "ys" = xs reversed and an absent optional
// sequence "empty". No primitives: the run copies.
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

#include <cstring>

using namespace aictest;

namespace {

const int64_t kTwo[] = {2}, kThree[] = {3};
const aic_model_tensor_meta kInputs[] = {
    {"xs[0]", AIC_DTYPE_FLOAT32, 1, kTwo},
    {"xs[1]", AIC_DTYPE_FLOAT32, 1, kThree}};
const aic_model_tensor_meta kOutputs[] = {
    {"ys[0]", AIC_DTYPE_FLOAT32, 1, kThree},
    {"ys[1]", AIC_DTYPE_FLOAT32, 1, kTwo}};
const aic_model_value_meta kInputValues[] = {
    {"xs", AIC_VALUE_SEQUENCE, AIC_DTYPE_FLOAT32, 1, 0, 2},
    {"none", AIC_VALUE_OPTIONAL, AIC_DTYPE_INT64, 0, 2, 0}};
const aic_model_value_meta kOutputValues[] = {
    {"ys", AIC_VALUE_SEQUENCE, AIC_DTYPE_FLOAT32, 1, 0, 2},
    {"empty", AIC_VALUE_OPTIONAL_SEQUENCE, AIC_DTYPE_FLOAT32, 0, 2, 0}};

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION,
                       count(kInputs),
                       count(kOutputs),
                       0,
                       0,
                       kInputs,
                       kOutputs,
                       count(kInputValues),
                       count(kOutputValues),
                       kInputValues,
                       kOutputValues};

int32_t modelInit(aicrt_context *) { return 0; }

int32_t modelRun(aicrt_exec_state *, void *const *in, void *const *out,
                 void *) {
  std::memcpy(out[0], in[1], 3 * sizeof(float));
  std::memcpy(out[1], in[0], 2 * sizeof(float));
  return 0;
}
