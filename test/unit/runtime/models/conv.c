/* y1 = leaky_relu(conv(x, w1, b1), 0.1): 3x3, stride 2, asymmetric pads.
 * y2 = 0.5 * (conv(x, w2) + s) + 1: 2 groups, dilation 2, no bias, post-ops
 *      binary add of s [1,6,1,1] and linear. */
#include "model_util.h"

const char aic_model_meta[] = "aic-model 1\n"
                              "arena 0\n"
                              "primitives 2\n"
                              "input 1 x 1 4 1 4 9 9\n"
                              "output 2 y1 1 4 1 8 5 5\n"
                              "output 2 y2 1 4 1 6 9 9\n";

static float w1[8 * 4 * 3 * 3], b1[8], w2[6 * 2 * 3 * 3], s2[6];

int32_t aic_model_init(aicrt_context *ctx) {
  aic_test_fill(w1, AIC_COUNT(w1), 1);
  aic_test_fill(b1, AIC_COUNT(b1), 2);
  aic_test_fill(w2, AIC_COUNT(w2), 3);
  aic_test_fill(s2, AIC_COUNT(s2), 4);
  int64_t d1[] = {AIC_PRIM_CONV,
                  1,
                  4,
                  1,
                  4,
                  9,
                  9, /* src */
                  1,
                  4,
                  8,
                  4,
                  3,
                  3, /* weights */
                  1,
                  1,
                  1,
                  8, /* bias */
                  1,
                  4,
                  1,
                  8,
                  5,
                  5, /* dst */
                  2,
                  2,
                  2,
                  1,
                  1,
                  1,
                  0,
                  1,
                  2, /* strides dil pads */
                  1, /* groups */
                  1, /* weights_const */
                  1,
                  AIC_POSTOP_ELTWISE,
                  AIC_ELTWISE_RELU,
                  aic_f64(0.1),
                  aic_f64(0)};
  AIC_TRY(aicrt_create(ctx, 0, d1, AIC_COUNT(d1), "conv1"));
  int64_t d2[] = {AIC_PRIM_CONV,
                  1,
                  4,
                  1,
                  4,
                  9,
                  9, /* src */
                  1,
                  4,
                  6,
                  2,
                  3,
                  3, /* weights */
                  0, /* no bias */
                  1,
                  4,
                  1,
                  6,
                  9,
                  9, /* dst */
                  2,
                  1,
                  1,
                  2,
                  2,
                  2,
                  2,
                  2,
                  2,
                  2, /* groups */
                  1, /* weights_const */
                  2,
                  AIC_POSTOP_BINARY,
                  AIC_BINARY_ADD,
                  1,
                  4,
                  1,
                  6,
                  1,
                  1,
                  AIC_POSTOP_ELTWISE,
                  AIC_ELTWISE_LINEAR,
                  aic_f64(0.5),
                  aic_f64(1.0)};
  return aicrt_create(ctx, 1, d2, AIC_COUNT(d2), "conv2");
}

int32_t aic_model_run(aicrt_exec_state *st, void *const *in, void *const *out,
                      void *arena) {
  (void)arena;
  void *a1[] = {in[0], w1, b1, out[0]};
  AIC_TRY(aicrt_exec(st, 0, a1, 4));
  void *a2[] = {in[0], w2, out[1], s2};
  return aicrt_exec(st, 1, a2, 4);
}
