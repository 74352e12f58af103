//===- binary.cpp - Test model: broadcasting binary ops -------------------===//
//
// a [2,3,4], b [3,1], c [2,1,4]:
// y_add = relu(a + b)   src1 broadcast: direct
// y_sub = b - a         src0 broadcast, not commutative
// y_mul = b * a         src0 broadcast, commutative: operands swapped
// y_div = c / b + k     both broadcast; post-op add of k [4]
// y_unit = a * s + t    a viewed as [6,4,1], s and t [4,1]: a per-channel
//                       post-op with a last dim of 1 (see squeezeUnitDims)
// With VARIANT 1 (binary_lead), also:
// y_lead = (a - m) / v  m and v [2,1,1], varying along the first dim only
//                       (an image's mean and deviation per channel), which
//                       oneDNN's JIT kernel takes behind a leading unit dim
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kA[] = {2, 3, 4}, kB[] = {3, 1}, kC[] = {2, 1, 4},
              kU[] = {6, 4, 1};
const aic_model_tensor_meta kInputs[] = {{"a", AIC_DTYPE_FLOAT32, 3, kA},
                                         {"b", AIC_DTYPE_FLOAT32, 2, kB},
                                         {"c", AIC_DTYPE_FLOAT32, 3, kC}};
const aic_model_tensor_meta kOutputs[] = {
    {"y_add", AIC_DTYPE_FLOAT32, 3, kA},  {"y_sub", AIC_DTYPE_FLOAT32, 3, kA},
    {"y_mul", AIC_DTYPE_FLOAT32, 3, kA},  {"y_div", AIC_DTYPE_FLOAT32, 3, kA},
    {"y_unit", AIC_DTYPE_FLOAT32, 3, kU},
#if VARIANT == 1
    {"y_lead", AIC_DTYPE_FLOAT32, 3, kA},
#endif
};

float k[4], s4[4], t4[4], m2[2], v2[2];

contract::Binary binary(int64_t alg, Tensor a, Tensor b,
                        std::vector<PostOp> postOps = {}) {
  return {alg, std::move(a), std::move(b), f32({2, 3, 4}), std::move(postOps)};
}

const contract::Binary kAdd =
    binary(AIC_BINARY_ADD, f32({2, 3, 4}), f32({3, 1}),
           {PostOp::eltwise(AIC_ELTWISE_RELU)});
const contract::Binary kSub =
    binary(AIC_BINARY_SUB, f32({3, 1}), f32({2, 3, 4}));
const contract::Binary kMul =
    binary(AIC_BINARY_MUL, f32({3, 1}), f32({2, 3, 4}));
const contract::Binary kDiv =
    binary(AIC_BINARY_DIV, f32({2, 1, 4}), f32({3, 1}),
           {PostOp::binary(AIC_BINARY_ADD, f32({4}))});
const contract::Binary kUnit{AIC_BINARY_MUL,
                             f32({6, 4, 1}),
                             f32({4, 1}),
                             f32({6, 4, 1}),
                             {PostOp::binary(AIC_BINARY_ADD, f32({4, 1}))}};
const contract::Binary kLead =
    binary(AIC_BINARY_SUB, f32({2, 3, 4}), f32({2, 1, 1}),
           {PostOp::binary(AIC_BINARY_DIV, f32({2, 1, 1}))});

} // namespace

AIC_TEST_MODEL_META = {
    AIC_ABI_VERSION, count(kInputs), count(kOutputs), count(kOutputs), 0,
    kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(k, count(k), 21);
  fill(s4, count(s4), 22);
  fill(t4, count(t4), 23);
  fill(m2, count(m2), 24);
  fill(v2, count(v2), 25);
  for (float &v : v2)
    v += v >= 0 ? 0.5f : -0.5f;
  AIC_TRY(create(ctx, 0, kAdd, "add"));
  AIC_TRY(create(ctx, 1, kSub, "sub"));
  AIC_TRY(create(ctx, 2, kMul, "mul"));
  AIC_TRY(create(ctx, 3, kDiv, "div"));
  AIC_TRY(create(ctx, 4, kUnit, "unit"));
#if VARIANT == 1
  AIC_TRY(create(ctx, 5, kLead, "lead"));
#endif
  return AIC_OK;
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  AIC_TRY(exec(st, 0, kAdd, {in[0], in[1], out[0]}));
  AIC_TRY(exec(st, 1, kSub, {in[1], in[0], out[1]}));
  AIC_TRY(exec(st, 2, kMul, {in[1], in[0], out[2]}));
  AIC_TRY(exec(st, 3, kDiv, {in[2], in[1], out[3], k}));
  AIC_TRY(exec(st, 4, kUnit, {in[0], s4, out[4], t4}));
#if VARIANT == 1
  AIC_TRY(exec(st, 5, kLead, {in[0], m2, out[5], v2}));
#endif
  return AIC_OK;
}
