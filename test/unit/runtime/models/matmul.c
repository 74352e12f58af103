/* y1 = (0.5 * a x b1^T + bias1) * s1      a [2,3,4], b1 [5,4], s1 [3,1]
 * y2 = relu(a2^T x b2 + bias2)            a2 [4,3], b2 [4,5], bias2 [1,5]
 * y3 = a2^T x b3                          b3 [2,4,5]: a broadcast on batch */
#include "model_util.h"

const char aic_model_meta[] = "aic-model 1\n"
                              "arena 0\n"
                              "primitives 3\n"
                              "input 1 a 1 3 2 3 4\n"
                              "input 2 a2 1 2 4 3\n"
                              "output 2 y1 1 3 2 3 5\n"
                              "output 2 y2 1 2 3 5\n"
                              "output 2 y3 1 3 2 3 5";

static float b1[5 * 4], bias1[5], s1[3], b2[4 * 5], bias2[5], b3[2 * 4 * 5];

int32_t aic_model_init(aicrt_context *ctx) {
  aic_test_fill(b1, AIC_COUNT(b1), 11);
  aic_test_fill(bias1, AIC_COUNT(bias1), 12);
  aic_test_fill(s1, AIC_COUNT(s1), 13);
  aic_test_fill(b2, AIC_COUNT(b2), 14);
  aic_test_fill(bias2, AIC_COUNT(bias2), 15);
  aic_test_fill(b3, AIC_COUNT(b3), 16);
  int64_t d1[] = {AIC_PRIM_MATMUL,
                  1,
                  3,
                  2,
                  3,
                  4,
                  1,
                  2,
                  5,
                  4,
                  1,
                  1,
                  1,
                  5, /* bias */
                  1,
                  3,
                  2,
                  3,
                  5, /* dst */
                  0,
                  1,
                  aic_f64(0.5), /* trans_a trans_b alpha */
                  1,            /* b_const */
                  1,
                  AIC_POSTOP_BINARY,
                  AIC_BINARY_MUL,
                  1,
                  2,
                  3,
                  1};
  AIC_TRY(aicrt_create(ctx, 0, d1, AIC_COUNT(d1), "mm1"));
  int64_t d2[] = {AIC_PRIM_MATMUL,
                  1,
                  2,
                  4,
                  3,
                  1,
                  2,
                  4,
                  5,
                  1,
                  1,
                  2,
                  1,
                  5, /* bias */
                  1,
                  2,
                  3,
                  5, /* dst */
                  1,
                  0,
                  aic_f64(1.0),
                  1, /* b_const */
                  1,
                  AIC_POSTOP_ELTWISE,
                  AIC_ELTWISE_RELU,
                  aic_f64(0),
                  aic_f64(0)};
  AIC_TRY(aicrt_create(ctx, 1, d2, AIC_COUNT(d2), "mm2"));
  int64_t d3[] = {
      AIC_PRIM_MATMUL, 1, 2, 4, 3, 1, 3, 2, 4, 5, 0, 1, 3, 2, 3, 5, 1, 0,
      aic_f64(1.0),    0, 0};
  return aicrt_create(ctx, 2, d3, AIC_COUNT(d3), "mm3");
}

int32_t aic_model_run(aicrt_exec_state *st, void *const *in, void *const *out,
                      void *arena) {
  (void)arena;
  void *a1[] = {in[0], b1, bias1, out[0], s1};
  AIC_TRY(aicrt_exec(st, 0, a1, 5));
  void *a2[] = {in[1], b2, bias2, out[1]};
  AIC_TRY(aicrt_exec(st, 1, a2, 4));
  void *a3[] = {in[1], b3, out[2]};
  return aicrt_exec(st, 2, a3, 3);
}
