/* x [1,2,7,7]:
 * y_max, y_avg_in, y_avg_ex: 3x3 stride 2 pads 1 -> [1,2,4,4]
 * y_dil: max 2x2, dilation 2, stride 1 -> [1,2,5,5] */
#include "model_util.h"

const char aic_model_meta[] = "aic-model 1\n"
                              "arena 0\n"
                              "primitives 4\n"
                              "input 1 x 1 4 1 2 7 7\n"
                              "output 5 y_max 1 4 1 2 4 4\n"
                              "output 8 y_avg_in 1 4 1 2 4 4\n"
                              "output 8 y_avg_ex 1 4 1 2 4 4\n"
                              "output 5 y_dil 1 4 1 2 5 5\n";

int32_t aic_model_init(aicrt_context *ctx) {
  static const char *names[] = {"max", "avg_in", "avg_ex"};
  for (int alg = 0; alg < 3; ++alg) {
    int64_t d[] = {AIC_PRIM_POOL,
                   alg,
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
    AIC_TRY(aicrt_create(ctx, alg, d, AIC_COUNT(d), names[alg]));
  }
  int64_t d[] = {AIC_PRIM_POOL,
                 AIC_POOL_MAX,
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
                 5,
                 5,
                 2,
                 2,
                 2,
                 1,
                 1,
                 2,
                 2,
                 0,
                 0,
                 0,
                 0};
  return aicrt_create(ctx, 3, d, AIC_COUNT(d), "max_dil");
}

int32_t aic_model_run(aicrt_exec_state *st, void *const *in, void *const *out,
                      void *arena) {
  (void)arena;
  for (int i = 0; i < 4; ++i) {
    void *args[] = {in[0], out[i]};
    AIC_TRY(aicrt_exec(st, i, args, 2));
  }
  return 0;
}
