//===- strings.cpp - Test model: STRING inputs, outputs and primitives ----===//
//
// On s (string [4]) and f (float32 [3]):
//   f2s  = string_cast(f)                       string [3]
//   s2f  = string_cast(s)                       float32 [4]
//   norm = string_normalizer(s; stopwords ["NaN"], case-insensitive, upper)
//                                               string [3]
//   echo = s (the elements copied as compiled code copies them: pointers
//          to the caller's bytes)              string [4]
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

#include <cstring>

using namespace aictest;

namespace {

const int64_t kS[] = {4}, kF[] = {3}, kNorm[] = {3};
const aic_model_tensor_meta kInputs[] = {{"s", AIC_DTYPE_STRING, 1, kS},
                                         {"f", AIC_DTYPE_FLOAT32, 1, kF}};
const aic_model_tensor_meta kOutputs[] = {{"f2s", AIC_DTYPE_STRING, 1, kF},
                                          {"s2f", AIC_DTYPE_FLOAT32, 1, kS},
                                          {"norm", AIC_DTYPE_STRING, 1, kNorm},
                                          {"echo", AIC_DTYPE_STRING, 1, kS}};

Tensor str(std::vector<int64_t> dims) {
  return {AIC_DTYPE_STRING, std::move(dims)};
}

const aic_string_t kStopwords[] = {{"NaN", 3}};

const contract::StringCast kToString{f32({3}), str({3})};
const contract::StringCast kToFloat{str({4}), f32({4})};
const contract::StringNormalizer kNormalize{str({4}), str({1}), str({3}), 2,
                                            false};

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 3, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  AIC_TRY(create(ctx, 0, kToString, "to_string"));
  AIC_TRY(create(ctx, 1, kToFloat, "to_float"));
  return create(ctx, 2, kNormalize, "normalize");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  AIC_TRY(exec(st, 0, kToString, {in[1], out[0]}));
  AIC_TRY(exec(st, 1, kToFloat, {in[0], out[1]}));
  AIC_TRY(exec(st, 2, kNormalize,
               {in[0], const_cast<aic_string_t *>(kStopwords), out[2]}));
  std::memcpy(out[3], in[0], 4 * sizeof(aic_string_t));
  return 0;
}
