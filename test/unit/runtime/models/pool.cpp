//===- pool.cpp - Test model: pooling ------------------------------------===//
//
// x [1,2,7,7]:
// y_max, y_avg_in, y_avg_ex: 3x3 stride 2 pads 1 -> [1,2,4,4]
// y_dil: max 2x2, dilation 2, stride 1 -> [1,2,5,5]
// y_end: avg (excluding padding) 2x2 stride 3, pads_end 2 where 1 gives
//        the dst (what ceil_mode over a run-time dim declares) -> [1,2,3,3]
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {1, 2, 7, 7}, kY[] = {1, 2, 4, 4}, kYDil[] = {1, 2, 5, 5},
              kYEnd[] = {1, 2, 3, 3};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 4, kX}};
const aic_model_tensor_meta kOutputs[] = {
    {"y_max", AIC_DTYPE_FLOAT32, 4, kY},
    {"y_avg_in", AIC_DTYPE_FLOAT32, 4, kY},
    {"y_avg_ex", AIC_DTYPE_FLOAT32, 4, kY},
    {"y_dil", AIC_DTYPE_FLOAT32, 4, kYDil},
    {"y_end", AIC_DTYPE_FLOAT32, 4, kYEnd}};

contract::Pool pool(int64_t alg) {
  contract::Pool d;
  d.alg = alg;
  d.src = f32({1, 2, 7, 7});
  d.dst = f32({1, 2, 4, 4});
  d.kernel = {3, 3};
  d.strides = {2, 2};
  d.dilations = {1, 1};
  d.pads_begin = {1, 1};
  d.pads_end = {1, 1};
  return d;
}

const contract::Pool kPools[] = {
    pool(AIC_POOL_MAX), pool(AIC_POOL_AVG_INCLUDE_PAD),
    pool(AIC_POOL_AVG_EXCLUDE_PAD),
    [] {
      contract::Pool d = pool(AIC_POOL_MAX);
      d.dst = f32({1, 2, 5, 5});
      d.kernel = {2, 2};
      d.strides = {1, 1};
      d.dilations = {2, 2};
      d.pads_begin = {0, 0};
      d.pads_end = {0, 0};
      return d;
    }(),
    [] {
      contract::Pool d = pool(AIC_POOL_AVG_EXCLUDE_PAD);
      d.dst = f32({1, 2, 3, 3});
      d.kernel = {2, 2};
      d.strides = {3, 3};
      d.pads_begin = {0, 0};
      d.pads_end = {2, 2};
      return d;
    }()};
const char *const kNames[] = {"max", "avg_in", "avg_ex", "max_dil", "avg_end"};

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 5, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  for (int32_t i = 0; i < count(kPools); ++i)
    AIC_TRY(create(ctx, i, kPools[i], kNames[i]));
  return 0;
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  for (int32_t i = 0; i < count(kPools); ++i)
    AIC_TRY(exec(st, i, kPools[i], {in[0], out[i]}));
  return 0;
}
