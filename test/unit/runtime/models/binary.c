/* a [2,3,4], b [3,1], c [2,1,4]:
 * y_add = relu(a + b)   src1 broadcast: direct
 * y_sub = b - a         src0 broadcast, not commutative
 * y_mul = b * a         src0 broadcast, commutative: operands swapped
 * y_div = c / b + k     both broadcast; post-op add of k [4] */
#include "model_util.h"

const char aic_model_meta[] = "aic-model 1\n"
                              "arena 0\n"
                              "primitives 4\n"
                              "input 1 a 1 3 2 3 4\n"
                              "input 1 b 1 2 3 1\n"
                              "input 1 c 1 3 2 1 4\n"
                              "output 5 y_add 1 3 2 3 4\n"
                              "output 5 y_sub 1 3 2 3 4\n"
                              "output 5 y_mul 1 3 2 3 4\n"
                              "output 5 y_div 1 3 2 3 4\n";

static float k[4];

#define A 1, 3, 2, 3, 4
#define B 1, 2, 3, 1
#define C 1, 3, 2, 1, 4
#define DST 1, 3, 2, 3, 4

int32_t aic_model_init(aicrt_context *ctx) {
  aic_test_fill(k, AIC_COUNT(k), 21);
  int64_t d0[] = {
      AIC_PRIM_BINARY,    AIC_BINARY_ADD,   A,          B,         DST, 1,
      AIC_POSTOP_ELTWISE, AIC_ELTWISE_RELU, aic_f64(0), aic_f64(0)};
  AIC_TRY(aicrt_create(ctx, 0, d0, AIC_COUNT(d0), "add"));
  int64_t d1[] = {AIC_PRIM_BINARY, AIC_BINARY_SUB, B, A, DST, 0};
  AIC_TRY(aicrt_create(ctx, 1, d1, AIC_COUNT(d1), "sub"));
  int64_t d2[] = {AIC_PRIM_BINARY, AIC_BINARY_MUL, B, A, DST, 0};
  AIC_TRY(aicrt_create(ctx, 2, d2, AIC_COUNT(d2), "mul"));
  int64_t d3[] = {AIC_PRIM_BINARY,   AIC_BINARY_DIV, C, B, DST, 1,
                  AIC_POSTOP_BINARY, AIC_BINARY_ADD, 1, 1, 4};
  return aicrt_create(ctx, 3, d3, AIC_COUNT(d3), "div");
}

int32_t aic_model_run(aicrt_exec_state *st, void *const *in, void *const *out,
                      void *arena) {
  (void)arena;
  void *a0[] = {in[0], in[1], out[0]};
  AIC_TRY(aicrt_exec(st, 0, a0, 3));
  void *a1[] = {in[1], in[0], out[1]};
  AIC_TRY(aicrt_exec(st, 1, a1, 3));
  void *a2[] = {in[1], in[0], out[2]};
  AIC_TRY(aicrt_exec(st, 2, a2, 3));
  void *a3[] = {in[2], in[1], out[3], k};
  return aicrt_exec(st, 3, a3, 4);
}
