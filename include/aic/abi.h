/*===- aic/abi.h - Contract between compiled models and libaicrt -*- C -*-===*
 *
 * A model compiled by aic-compile is a shared library that exports exactly
 * the three symbols below. libaicrt dlopen()s it, parses the metadata,
 * calls aic_model_init() once per loaded model (which creates every oneDNN
 * primitive through aicrt_create), and calls aic_model_run() per inference
 * (which executes them through aicrt_exec and runs compiled loops for the
 * ops without a primitive).
 *
 * Applications never include this header: they use aic/runtime.h.
 *
 *===----------------------------------------------------------------------===*/
#ifndef AIC_ABI_H
#define AIC_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever anything in this file changes incompatibly. */
#define AIC_ABI_VERSION 1

/*--- Symbols every compiled model exports ---------------------------------*/

/* NUL-terminated metadata text, exported as the character array itself
 * (`const char aic_model_meta[]`, not a pointer to it), one record per line,
 * fields separated by a single space:
 *   aic-model <abi-version>
 *   arena <bytes>                 bytes of scratch memory one run needs
 *   primitives <count>            number of aicrt_create calls init makes
 *   input <name-len> <name> <dtype> <rank> <d0> ... <dN-1>
 *   output <name-len> <name> <dtype> <rank> <d0> ... <dN-1>
 * Inputs and outputs are listed in graph order. <name> is exactly
 * <name-len> bytes and may contain spaces. */
#define AIC_MODEL_META_SYMBOL "aic_model_meta"
#define AIC_MODEL_INIT_SYMBOL "aic_model_init"
#define AIC_MODEL_RUN_SYMBOL "aic_model_run"

typedef struct aicrt_context aicrt_context;       /* per loaded model */
typedef struct aicrt_exec_state aicrt_exec_state; /* per concurrent run */

/* Creates all primitives; returns 0 or the first non-zero aicrt_create
 * status. */
typedef int32_t (*aic_model_init_fn)(aicrt_context *ctx);
/* inputs/outputs: caller buffers in graph order (already validated by the
 * runtime); arena: at least `arena` bytes, 64-byte aligned. Returns 0 or the
 * first non-zero aicrt_exec status. */
typedef int32_t (*aic_model_run_fn)(aicrt_exec_state *state,
                                    void *const *inputs, void *const *outputs,
                                    void *arena);

/*--- Runtime entry points compiled code calls ------------------------------*/

/* Creates primitive `prim_id` (0-based, dense) from its descriptor. `name` is
 * the ONNX node name, used in error messages. Returns 0 on success; on
 * failure records a message in `ctx` and returns non-zero. */
int32_t aicrt_create(aicrt_context *ctx, int32_t prim_id, const int64_t *desc,
                     int64_t desc_len, const char *name);

/* Executes primitive `prim_id` on `args` (order defined per kind below). */
int32_t aicrt_exec(aicrt_exec_state *state, int32_t prim_id, void *const *args,
                   int32_t num_args);

/*--- Primitive descriptors -------------------------------------------------
 *
 * A descriptor is an int64 array. Floating-point values are stored as the
 * bit pattern of an IEEE double. A tensor T is encoded as
 *   dtype rank d0 ... d(rank-1)
 * (dense, row-major, no padding). A post-op chain P is encoded as
 *   count { entry }*count
 * with entry one of
 *   AIC_POSTOP_ELTWISE alg alpha beta          (alg: AIC_ELTWISE_*)
 *   AIC_POSTOP_BINARY  alg T                   (alg: AIC_BINARY_*; T is the
 *                                               extra operand, broadcastable
 *                                               to the primary output)
 * Binary post-op operands are passed, in chain order, after the fixed args.
 *
 * Kind            layout after the kind word                  exec args
 * CONV            T_src T_wei has_bias [T_bias] T_dst nsp     src wei [bias]
 *                 strides[nsp] dilations[nsp] pads_begin[nsp]  dst post...
 *                 pads_end[nsp] groups weights_const P
 *                 (ONNX semantics: dilation 1 is dense; weights_const 1
 *                 promises the weights pointer always holds the same model
 *                 constant, so the runtime may reorder it once)
 * POOL            alg T_src T_dst nsp kernel[nsp] strides[nsp] src dst
 *                 dilations[nsp] pads_begin[nsp] pads_end[nsp]
 * MATMUL          T_a T_b has_bias [T_bias] T_dst trans_a      a b [bias]
 *                 trans_b alpha b_const P                       dst post...
 *                 (T_a/T_b are the stored shapes; trans_* swap the last two
 *                 dims; batch dims broadcast numpy-style; bias broadcasts
 *                 to dst; dst = alpha * op(a) x op(b) + bias, then P;
 *                 b_const as CONV's weights_const)
 * ELTWISE         alg alpha beta T                             src dst
 * BINARY          alg T_a T_b T_dst P                          a b dst post...
 *                 (numpy broadcasting of a and b to dst)
 * SOFTMAX         axis log T                                   src dst
 * CONCAT          axis n T_0 ... T_(n-1) T_dst                 in0..in(n-1) dst
 */
enum aic_prim_kind {
  AIC_PRIM_CONV = 1,
  AIC_PRIM_POOL = 2,
  AIC_PRIM_MATMUL = 3,
  AIC_PRIM_ELTWISE = 4,
  AIC_PRIM_BINARY = 5,
  AIC_PRIM_SOFTMAX = 6,
  AIC_PRIM_CONCAT = 7,
};

enum aic_pool_alg {
  AIC_POOL_MAX = 0,
  AIC_POOL_AVG_INCLUDE_PAD = 1,
  AIC_POOL_AVG_EXCLUDE_PAD = 2,
};

/* y = f(x; alpha, beta) */
enum aic_eltwise_alg {
  AIC_ELTWISE_RELU = 1,    /* x > 0 ? x : alpha * x */
  AIC_ELTWISE_SIGMOID = 2, /* 1 / (1 + exp(-x)) */
  AIC_ELTWISE_TANH = 3,
  AIC_ELTWISE_CLIP = 4, /* min(max(x, alpha), beta) */
  AIC_ELTWISE_EXP = 5,
  AIC_ELTWISE_LINEAR = 6, /* alpha * x + beta */
};

enum aic_binary_alg {
  AIC_BINARY_ADD = 1,
  AIC_BINARY_SUB = 2,
  AIC_BINARY_MUL = 3,
  AIC_BINARY_DIV = 4,
  AIC_BINARY_MAX = 5,
  AIC_BINARY_MIN = 6,
};

enum aic_postop_kind {
  AIC_POSTOP_ELTWISE = 1,
  AIC_POSTOP_BINARY = 2,
};

#ifdef __cplusplus
}
#endif

#endif /* AIC_ABI_H */
