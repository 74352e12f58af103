/* Eltwise algorithms, softmax and concat. x [2,5] f32, i [2,3] and
 * j [2,2] int64. Outputs in order: relu(0.1), sigmoid, tanh, clip(-0.5,0.5),
 * exp, linear(2,1), softmax(axis 1), logsoftmax(axis 0), concat(x,x,axis 0),
 * concat(x,x,axis 1), concat(i,j,axis 1) (int64: byte-copy path). */
#include "model_util.h"

const char aic_model_meta[] = "aic-model 1\n"
                              "arena 0\n"
                              "primitives 11\n"
                              "input 1 x 1 2 2 5\n"
                              "input 1 i 7 2 2 3\n"
                              "input 1 j 7 2 2 2\n"
                              "output 4 relu 1 2 2 5\n"
                              "output 7 sigmoid 1 2 2 5\n"
                              "output 4 tanh 1 2 2 5\n"
                              "output 4 clip 1 2 2 5\n"
                              "output 3 exp 1 2 2 5\n"
                              "output 6 linear 1 2 2 5\n"
                              "output 7 softmax 1 2 2 5\n"
                              "output 10 logsoftmax 1 2 2 5\n"
                              "output 8 concat 0 1 2 4 5\n"
                              "output 8 concat 1 1 2 2 10\n"
                              "output 10 concat i64 7 2 2 5\n";

#define X 1, 2, 2, 5

int32_t aic_model_init(aicrt_context *ctx) {
  static const double ab[6][2] = {{0.1, 0},    {0, 0}, {0, 0},
                                  {-0.5, 0.5}, {0, 0}, {2, 1}};
  for (int alg = AIC_ELTWISE_RELU; alg <= AIC_ELTWISE_LINEAR; ++alg) {
    int64_t d[] = {AIC_PRIM_ELTWISE, alg, aic_f64(ab[alg - 1][0]),
                   aic_f64(ab[alg - 1][1]), X};
    AIC_TRY(aicrt_create(ctx, alg - 1, d, AIC_COUNT(d), "eltwise"));
  }
  int64_t s0[] = {AIC_PRIM_SOFTMAX, 1, 0, X};
  AIC_TRY(aicrt_create(ctx, 6, s0, AIC_COUNT(s0), "softmax"));
  int64_t s1[] = {AIC_PRIM_SOFTMAX, 0, 1, X};
  AIC_TRY(aicrt_create(ctx, 7, s1, AIC_COUNT(s1), "logsoftmax"));
  int64_t c0[] = {AIC_PRIM_CONCAT, 0, 2, X, X, 1, 2, 4, 5};
  AIC_TRY(aicrt_create(ctx, 8, c0, AIC_COUNT(c0), "concat0"));
  int64_t c1[] = {AIC_PRIM_CONCAT, 1, 2, X, X, 1, 2, 2, 10};
  AIC_TRY(aicrt_create(ctx, 9, c1, AIC_COUNT(c1), "concat1"));
  int64_t c2[] = {AIC_PRIM_CONCAT, 1, 2, 7, 2, 2, 3, 7, 2, 2, 2, 7, 2, 2, 5};
  return aicrt_create(ctx, 10, c2, AIC_COUNT(c2), "concat_i64");
}

int32_t aic_model_run(aicrt_exec_state *st, void *const *in, void *const *out,
                      void *arena) {
  (void)arena;
  for (int p = 0; p < 8; ++p) {
    void *args[] = {in[0], out[p]};
    AIC_TRY(aicrt_exec(st, p, args, 2));
  }
  void *c[] = {in[0], in[0], out[8]};
  AIC_TRY(aicrt_exec(st, 8, c, 3));
  c[2] = out[9];
  AIC_TRY(aicrt_exec(st, 9, c, 3));
  void *ci[] = {in[1], in[2], out[10]};
  return aicrt_exec(st, 10, ci, 3);
}
