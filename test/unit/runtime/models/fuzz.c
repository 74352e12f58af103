/* Init feeds aicrt_create every truncation and many single-word corruptions
 * of valid descriptors; the runtime must reject or accept each one without
 * crashing. Init then fails on purpose so that nothing is executed. */
#include "model_util.h"

const char aic_model_meta[] = "aic-model 1\n"
                              "arena 0\n"
                              "primitives 20000\n"
                              "output 1 y 1 1 1\n";

int32_t aic_model_init(aicrt_context *ctx) {
  int64_t conv[] = {AIC_PRIM_CONV,
                    1,
                    4,
                    1,
                    4,
                    9,
                    9,
                    1,
                    4,
                    6,
                    2,
                    3,
                    3,
                    1,
                    1,
                    1,
                    6,
                    1,
                    4,
                    1,
                    6,
                    9,
                    9,
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
  int64_t mm[] = {AIC_PRIM_MATMUL,
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
                  5,
                  1,
                  3,
                  2,
                  3,
                  5,
                  0,
                  1,
                  aic_f64(0.5),
                  1, /* b_const */
                  1,
                  AIC_POSTOP_BINARY,
                  AIC_BINARY_MUL,
                  1,
                  2,
                  3,
                  1};
  int64_t bin[] = {AIC_PRIM_BINARY,
                   AIC_BINARY_DIV,
                   1,
                   3,
                   2,
                   1,
                   4,
                   1,
                   2,
                   3,
                   1,
                   1,
                   3,
                   2,
                   3,
                   4,
                   1,
                   AIC_POSTOP_BINARY,
                   AIC_BINARY_ADD,
                   1,
                   1,
                   4};
  int64_t pool[] = {AIC_PRIM_POOL,
                    1,
                    1,
                    4,
                    1,
                    2,
                    7,
                    7,
                    1,
                    4,
                    1,
                    2,
                    4,
                    4,
                    2,
                    3,
                    3,
                    2,
                    2,
                    1,
                    1,
                    1,
                    1,
                    1,
                    1};
  int64_t cat[] = {AIC_PRIM_CONCAT, 1, 2, 7, 2, 2, 3, 7, 2, 2, 2, 7, 2, 2, 5};
  int64_t sm[] = {AIC_PRIM_SOFTMAX, 1, 0, 1, 2, 2, 5};
  int64_t *descs[] = {conv, mm, bin, pool, cat, sm};
  int64_t lens[] = {AIC_COUNT(conv), AIC_COUNT(mm),  AIC_COUNT(bin),
                    AIC_COUNT(pool), AIC_COUNT(cat), AIC_COUNT(sm)};
  const int64_t values[] = {
      0, 1, 2, -1, 7, 13, INT64_MAX, INT64_MIN, (int64_t)1 << 40};
  int32_t id = 0;
  for (int d = 0; d < 6; ++d) {
    for (int64_t len = 0; len < lens[d]; ++len)
      aicrt_create(ctx, id++, descs[d], len, "truncated");
    for (int64_t w = 0; w < lens[d]; ++w) {
      int64_t saved = descs[d][w];
      for (int v = 0; v < AIC_COUNT(values); ++v) {
        descs[d][w] = values[v];
        aicrt_create(ctx, id++, descs[d], lens[d], "corrupted");
      }
      descs[d][w] = saved;
    }
  }
  aicrt_create(ctx, -1, conv, AIC_COUNT(conv), "bad id");
  aicrt_create(ctx, 0, NULL, 5, "null descriptor");
  aicrt_create(NULL, 0, conv, AIC_COUNT(conv), "null context");
  return 1;
}

int32_t aic_model_run(aicrt_exec_state *st, void *const *in, void *const *out,
                      void *arena) {
  (void)in;
  (void)out;
  (void)arena;
  void *args[] = {NULL, NULL};
  /* Never reached (init fails); exercises aicrt_exec's own checks if it
   * were. */
  return aicrt_exec(st, 0, args, 2);
}
