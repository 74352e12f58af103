/* Broken models, one per VARIANT, for the load-time error tests. */
#include "model_util.h"

#if VARIANT == 0 /* a shared library, but not an aic model */
int32_t not_a_model(void) { return 0; }
#else

#if VARIANT == 1
const char aic_model_meta[] = "aic-model 1\narena abc\nprimitives 0\n"
                              "output 1 y 1 1 2\n";
#elif VARIANT == 2
const char aic_model_meta[] = "aic-model 999\narena 0\nprimitives 0\n"
                              "output 1 y 1 1 2\n";
#else
const char aic_model_meta[] = "aic-model 1\n"
                              "arena 64\n"
                              "primitives 2\n"
                              "input 1 x 1 1 4\n"
                              "output 1 y 1 1 4\n";
#endif

static float w[4];

int32_t aic_model_init(aicrt_context *ctx) {
  int64_t relu[] = {
      AIC_PRIM_ELTWISE, AIC_ELTWISE_RELU, aic_f64(0), aic_f64(0), 1, 1, 4};
#if VARIANT == 3   /* conv descriptor cut short after the weights */
  int64_t d[] = {AIC_PRIM_CONV, 1, 4, 1, 1, 4, 4, 1, 4, 1, 1, 3, 3};
  AIC_TRY(aicrt_create(ctx, 0, relu, AIC_COUNT(relu), "relu"));
  return aicrt_create(ctx, 1, d, AIC_COUNT(d), "conv_trunc");
#elif VARIANT == 4 /* garbage: huge rank, counts and dims */
  int64_t d[] = {AIC_PRIM_CONCAT, 0, INT64_MAX, 1, 1000000, 5, -3};
  return aicrt_create(ctx, 0, d, AIC_COUNT(d), "garbage");
#elif VARIANT == 5 /* compute kind on an unsupported dtype */
  int64_t d[] = {AIC_PRIM_ELTWISE,
                 AIC_ELTWISE_RELU,
                 aic_f64(0),
                 aic_f64(0),
                 7 /* int64 */,
                 1,
                 4};
  return aicrt_create(ctx, 0, d, AIC_COUNT(d), "relu_i64");
#elif VARIANT == 6 /* metadata announces two primitives, init makes one */
  return aicrt_create(ctx, 0, relu, AIC_COUNT(relu), "relu");
#else              /* valid; run passes a wrong argument count */
  AIC_TRY(aicrt_create(ctx, 0, relu, AIC_COUNT(relu), "relu"));
  return aicrt_create(ctx, 1, relu, AIC_COUNT(relu), "relu2");
#endif
}

int32_t aic_model_run(aicrt_exec_state *st, void *const *in, void *const *out,
                      void *arena) {
  (void)arena;
  void *args[] = {in[0], out[0], w};
  return aicrt_exec(st, 0, args, 3);
}
#endif
