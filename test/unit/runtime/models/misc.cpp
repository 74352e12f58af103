//===- misc.cpp - Test model: eltwise algorithms, softmax and concat ------===//
//
// x [2,5] f32, i [2,3] and j [2,2] int64. Outputs in order: relu(0.1),
// sigmoid, tanh, clip(-0.5,0.5), exp, linear(2,1), softmax(axis 1),
// logsoftmax(axis 0), concat(x,x,axis 0), concat(x,x,axis 1),
// concat(i,j,axis 1) (int64: byte-copy path).
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {2, 5}, kI[] = {2, 3}, kJ[] = {2, 2}, kCat0[] = {4, 5},
              kCat1[] = {2, 10};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 2, kX},
                                         {"i", AIC_DTYPE_INT64, 2, kI},
                                         {"j", AIC_DTYPE_INT64, 2, kJ}};
const aic_model_tensor_meta kOutputs[] = {
    {"relu", AIC_DTYPE_FLOAT32, 2, kX},
    {"sigmoid", AIC_DTYPE_FLOAT32, 2, kX},
    {"tanh", AIC_DTYPE_FLOAT32, 2, kX},
    {"clip", AIC_DTYPE_FLOAT32, 2, kX},
    {"exp", AIC_DTYPE_FLOAT32, 2, kX},
    {"linear", AIC_DTYPE_FLOAT32, 2, kX},
    {"softmax", AIC_DTYPE_FLOAT32, 2, kX},
    {"logsoftmax", AIC_DTYPE_FLOAT32, 2, kX},
    {"concat 0", AIC_DTYPE_FLOAT32, 2, kCat0}, // names may contain spaces
    {"concat 1", AIC_DTYPE_FLOAT32, 2, kCat1},
    {"concat i64", AIC_DTYPE_INT64, 2, kX}};

const Tensor kXType = f32({2, 5});
const contract::Eltwise kEltwise[] = {
    {AIC_ELTWISE_RELU, 0.1, 0, kXType, kXType},
    {AIC_ELTWISE_SIGMOID, 0, 0, kXType, kXType},
    {AIC_ELTWISE_TANH, 0, 0, kXType, kXType},
    {AIC_ELTWISE_CLIP, -0.5, 0.5, kXType, kXType},
    {AIC_ELTWISE_EXP, 0, 0, kXType, kXType},
    {AIC_ELTWISE_LINEAR, 2, 1, kXType, kXType}};
const contract::Softmax kSoftmax{1, false, kXType, kXType};
const contract::Softmax kLogSoftmax{0, true, kXType, kXType};
const contract::Concat kConcat0{0, {kXType, kXType}, f32({4, 5})};
const contract::Concat kConcat1{1, {kXType, kXType}, f32({2, 10})};
const contract::Concat kConcatI64{
    1,
    {{AIC_DTYPE_INT64, {2, 3}}, {AIC_DTYPE_INT64, {2, 2}}},
    {AIC_DTYPE_INT64, {2, 5}}};

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 11, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  for (int32_t p = 0; p < count(kEltwise); ++p)
    AIC_TRY(create(ctx, p, kEltwise[p], "eltwise"));
  AIC_TRY(create(ctx, 6, kSoftmax, "softmax"));
  AIC_TRY(create(ctx, 7, kLogSoftmax, "logsoftmax"));
  AIC_TRY(create(ctx, 8, kConcat0, "concat0"));
  AIC_TRY(create(ctx, 9, kConcat1, "concat1"));
  return create(ctx, 10, kConcatI64, "concat_i64");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  for (int32_t p = 0; p < count(kEltwise); ++p)
    AIC_TRY(exec(st, p, kEltwise[p], {in[0], out[p]}));
  AIC_TRY(exec(st, 6, kSoftmax, {in[0], out[6]}));
  AIC_TRY(exec(st, 7, kLogSoftmax, {in[0], out[7]}));
  AIC_TRY(exec(st, 8, kConcat0, {in[0], in[0], out[8]}));
  AIC_TRY(exec(st, 9, kConcat1, {in[0], in[0], out[9]}));
  return exec(st, 10, kConcatI64, {in[1], in[2], out[10]});
}
