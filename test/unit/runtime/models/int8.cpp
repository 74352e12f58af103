//===- int8.cpp - Test model: integer convolution and matmul -----------===//
//
// y1 = conv(x, w1)     x uint8 [1,4,6,6], w1 int8 [8,4,3,3] (constant),
//                      stride 1, pads 1, y1 int32 [1,8,6,6]
// y2 = a x w2          a int8 [3,5], w2 int8 [5,7] (constant), y2 int32
//
// VARIANT=1: the conv with an int32 bias, VARIANT=2: the matmul into f32,
// both of which the runtime rejects (the integer form has exact sums only).
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {1, 4, 6, 6}, kA[] = {3, 5}, kY1[] = {1, 8, 6, 6},
              kY2[] = {3, 7};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_UINT8, 4, kX},
                                         {"a", AIC_DTYPE_INT8, 2, kA}};
const aic_model_tensor_meta kOutputs[] = {{"y1", AIC_DTYPE_INT32, 4, kY1},
                                          {"y2", AIC_DTYPE_INT32, 2, kY2}};

int8_t w1[8 * 4 * 3 * 3], w2[5 * 7];
#if VARIANT == 1
int32_t bias[8];
#endif

contract::Conv conv() {
  contract::Conv d;
  d.src = {AIC_DTYPE_UINT8, {1, 4, 6, 6}};
  d.wei = {AIC_DTYPE_INT8, {8, 4, 3, 3}};
#if VARIANT == 1
  d.bias = Tensor{AIC_DTYPE_INT32, {8}};
#endif
  d.dst = {AIC_DTYPE_INT32, {1, 8, 6, 6}};
  d.strides = {1, 1};
  d.dilations = {1, 1};
  d.pads_begin = {1, 1};
  d.pads_end = {1, 1};
  d.groups = 1;
  d.weights_const = true;
  return d;
}

contract::Matmul matmul() {
  contract::Matmul d;
  d.a = {AIC_DTYPE_INT8, {3, 5}};
  d.b = {AIC_DTYPE_INT8, {5, 7}};
#if VARIANT == 2
  d.dst = f32({3, 7});
#else
  d.dst = {AIC_DTYPE_INT32, {3, 7}};
#endif
  d.alpha = 1.0;
  d.b_const = true;
  return d;
}

const contract::Conv kConv = conv();
const contract::Matmul kMatmul = matmul();

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, count(kInputs), count(kOutputs), 2, 0,
                       kInputs,         kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fillInt8(w1, count(w1), 21);
  fillInt8(w2, count(w2), 22);
  AIC_TRY(create(ctx, 0, kConv, "qconv"));
  return create(ctx, 1, kMatmul, "qmatmul");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
#if VARIANT == 1
  AIC_TRY(exec(st, 0, kConv, {in[0], w1, bias, out[0]}));
#else
  AIC_TRY(exec(st, 0, kConv, {in[0], w1, out[0]}));
#endif
  return exec(st, 1, kMatmul, {in[1], w2, out[1]});
}
