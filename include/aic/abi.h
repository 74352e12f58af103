/*===- aic/abi.h - Contract between compiled models and libaicrt -*- C -*-===*
 *
 * A model compiled by aic-compile is a shared library that exports exactly
 * the three symbols below (or, named, the four after them). libaicrt
 * dlopen()s it, validates the metadata, calls aic_model_init() once per
 * loaded model (which creates every oneDNN primitive through aicrt_create),
 * and calls aic_model_run() per inference (which executes them through
 * aicrt_exec and runs compiled loops for the ops without a primitive).
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

/* Bumped whenever anything in this file or in aic/primitives.def changes
 * incompatibly. Version 1 had text metadata; version 3 a required
 * LAYER_NORM scale; version 4 no input values; version 5 no sequence and
 * optional value tables; version 6 no STRING dtype nor STRING_CAST and
 * STRING_NORMALIZER primitives; version 7 no RNN primitive; version 8 no
 * run-time shaped outputs (AIC_DIM_DYNAMIC, aicrt_alloc, aicrt_output);
 * version 9 no symbolic input dims (dim_names, aicrt_input_shape,
 * aicrt_exec_dims, aicrt_plan); version 10 no AIC_ELTWISE_ELU and
 * AIC_ELTWISE_ABS; version 11 no aicrt_parallel_for; version 12 no
 * aicrt_check. A
 * STRING tensor's element in compiled code is aic_string_t (aic/runtime.h),
 * emitted as {ptr, i64}. */
#define AIC_ABI_VERSION 13

/* Limits of the contract; the runtime rejects models beyond them. */
#define AIC_MAX_RANK 12            /* oneDNN's DNNL_MAX_NDIMS */
#define AIC_MAX_POST_OPS 32        /* oneDNN's DNNL_MAX_POST_OPS */
#define AIC_MAX_MODEL_TENSORS 4096 /* inputs of a model; and outputs */
#define AIC_MAX_PRIMITIVES (1 << 24)
#define AIC_MAX_NAME_BYTES 4096       /* tensor names, NUL included */
#define AIC_MAX_VALUE_BYTES (1 << 20) /* aic_model_tensor_meta::value */

/*--- Symbols every compiled model exports ---------------------------------*/

/* The metadata symbol is an aic_model_meta object itself, not a pointer to
 * one. libaicrt checks abi_version before reading anything else, then
 * validates every field. (C and C++ cannot name a variable like the
 * typedef; C/C++ code exporting it uses an asm label, as the unit test
 * models do.) */
#define AIC_MODEL_META_SYMBOL "aic_model_meta"
#define AIC_MODEL_INIT_SYMBOL "aic_model_init"
#define AIC_MODEL_RUN_SYMBOL "aic_model_run"

/* A model compiled with a name (aic-compile --name=NAME) exports the three
 * as aic_NAME_meta, aic_NAME_init and aic_NAME_run instead, so that several
 * models link into one program (and a linked library's aic_model_run
 * cannot interpose on the C API's function of that name); a shared library
 * then also exports this NUL-terminated char array holding NAME, by which
 * libaicrt finds the other three. */
#define AIC_MODEL_NAME_SYMBOL "aic_model_name"

/* A model input or output. Compilers emit it as {ptr, i32, i32, ptr, ptr,
 * ptr}. An output dim may be AIC_DIM_DYNAMIC (aic/runtime.h, since version
 * 9): its size depends on the input data or on symbolic input dims and is
 * known only once the run computed it. Such an output is not written into a
 * caller buffer: the compiled code computes it into memory from aicrt_alloc
 * and hands it over with aicrt_output; its entry of the run function's
 * `outputs` is NULL. An input dim may be AIC_DIM_DYNAMIC (since version
 * 10): a symbolic dim, which the caller gives per run (any value >= 0; the
 * compiled code reads it with aicrt_input_shape). */
typedef struct aic_model_tensor_meta {
  const char *name;     /* NUL-terminated, non-empty */
  int32_t dtype;        /* aic_dtype_t */
  int32_t rank;         /* 0..AIC_MAX_RANK */
  const int64_t *shape; /* rank entries (NULL allowed when rank == 0); >= 0,
                           or AIC_DIM_DYNAMIC in outputs */
  /* NULL, or (inputs only) the one value the model was compiled for, as
   * the caller passes it (bool: one byte per element); up to
   * AIC_MAX_VALUE_BYTES. The runtime rejects runs with any other value.
   * Always NULL for STRING: primitives check what they depend on. */
  const void *value;
  /* NULL, or (inputs only, since version 10) rank entries: the symbolic
   * name of each AIC_DIM_DYNAMIC dim (NUL-terminated, up to
   * AIC_MAX_NAME_BYTES) or NULL. Dims of one name, across all inputs, are
   * one value: the runtime rejects runs giving them different sizes. */
  const char *const *dim_names;
} aic_model_tensor_meta;

/* A graph input or output as ONNX sees it (since version 5). Compilers emit
 * it as {ptr, i32, i32, i32, i32, i32}. A sequence or optional value is
 * passed as the tensors it holds, which the compiler knows statically: the
 * `count` consecutive entries from `first` of the tensor table. */
typedef struct aic_model_value_meta {
  const char *name;   /* the ONNX name, NUL-terminated, non-empty */
  int32_t kind;       /* aic_value_kind_t (aic/runtime.h) */
  int32_t elem_dtype; /* aic_dtype_t of its tensors; 0 if unknown */
  int32_t present;    /* 0 for an absent optional, else 1 */
  int32_t first;      /* its first tensor's index in the tensor table */
  int32_t count;      /* tensor: 1; sequence: its length; optional: 0 if
                         absent, else 1 or (of a sequence) its length */
} aic_model_value_meta;

/* Compilers emit it as {i32, i32, i32, i32, i64, ptr, ptr, i32, i32, ptr,
 * ptr}. */
typedef struct aic_model_meta {
  int32_t abi_version; /* AIC_ABI_VERSION; first field in every version */
  int32_t num_inputs;
  int32_t num_outputs;    /* at least 1 tensor or 1 output value */
  int32_t num_primitives; /* number of aicrt_create calls init makes */
  int64_t arena_bytes;    /* scratch memory one run needs */
  const aic_model_tensor_meta *inputs;  /* num_inputs entries, graph order */
  const aic_model_tensor_meta *outputs; /* num_outputs entries */
  /* The graph's inputs and outputs in ONNX order, covering the tensor
   * tables in order (version 5). NULL when every tensor is a graph value
   * of its own (kind tensor, same name); then the count is 0. */
  int32_t num_input_values;
  int32_t num_output_values;
  const aic_model_value_meta *input_values;
  const aic_model_value_meta *output_values;
} aic_model_meta;

typedef struct aicrt_context aicrt_context;       /* per loaded model */
typedef struct aicrt_exec_state aicrt_exec_state; /* per concurrent run */

/* Creates all primitives; returns 0 or the first non-zero aicrt_create
 * status. */
typedef int32_t (*aic_model_init_fn)(aicrt_context *ctx);
/* inputs/outputs: caller buffers in graph order (already validated by the
 * runtime; NULL for an output with a dynamic dim); arena: at least
 * `arena_bytes` bytes, 64-byte aligned. Returns 0 or the first non-zero
 * aicrt_* status. A run returning 0 has called aicrt_output once for every
 * output with a dynamic dim. */
typedef int32_t (*aic_model_run_fn)(aicrt_exec_state *state,
                                    void *const *inputs, void *const *outputs,
                                    void *arena);

/*--- Runtime entry points compiled code calls ------------------------------*/

/* Creates primitive `prim_id` (0-based, dense) from its descriptor. `name` is
 * the ONNX node name, used in error messages. Returns 0 on success; on
 * failure records a message in `ctx` and returns non-zero. */
int32_t aicrt_create(aicrt_context *ctx, int32_t prim_id, const int64_t *desc,
                     int64_t desc_len, const char *name);

/* Executes primitive `prim_id` on `args` (order: see below). */
int32_t aicrt_exec(aicrt_exec_state *state, int32_t prim_id, void *const *args,
                   int32_t num_args);

/* Buffers whose size is known only at run time (since version 9): sets
 * *ptr to `bytes` (>= 0) bytes, 64-byte aligned, owned by the current run
 * of `state`. Returns 0, or non-zero (out of memory) with *ptr NULL. Every
 * such buffer not handed over by aicrt_output is released when the run
 * ends, whether it succeeds or fails, or earlier by aicrt_free. */
int32_t aicrt_alloc(aicrt_exec_state *state, int64_t bytes, void **ptr);

/* Releases a buffer of aicrt_alloc of this run before the run ends. */
int32_t aicrt_free(aicrt_exec_state *state, void *ptr);

/* Hands output `index` (of the outputs table), whose metadata has a dynamic
 * dim, to the runtime: `data`, a buffer of aicrt_alloc of this run holding
 * the output's elements dense row-major, and its `shape` (the output's rank
 * entries, equal to the metadata's static dims), which is copied. The
 * buffer then belongs to the caller of the run. Once per output and run. */
int32_t aicrt_output(aicrt_exec_state *state, int32_t index, void *data,
                     const int64_t *shape);

/* Symbolic input dims (since version 10): writes the dims of input `index`
 * of the current run (its metadata's rank entries) to `shape`. */
int32_t aicrt_input_shape(aicrt_exec_state *state, int32_t index,
                          int64_t *shape);

/* A condition on the run's shapes that compiled code checks where the
 * compiler could not prove it (since version 13): two symbolic dims of
 * different names that the model's arithmetic needs equal, a slice's
 * run-time bound within its dim. Returns AIC_OK if `ok` is non-zero; else
 * fails the run with AIC_ERROR_SHAPE_MISMATCH and `message` (one line,
 * naming the model node) as its error. */
int32_t aicrt_check(aicrt_exec_state *state, int32_t ok, const char *message);

/* Places the buffers of a memory plan whose sizes depend on symbolic dims
 * (since version 10), once per run before any of them is used: `sizes`
 * holds their bytes at this run's shape, `ranges` 2 * num_buffers words
 * (the first and last step each buffer is live, from the compiler's
 * liveness order). Sets the first num_buffers `offsets` entries to the
 * buffers' offsets in the arena (multiples of `alignment`, a power of two up
 * to 64), the last one (offsets has num_buffers + 1 entries) to the bytes the
 * plan (aic/MemoryPlan.h) needs, and *arena to the run's arena, at least
 * that large. Plans are cached per distinct `sizes` (AIC_SHAPE_CACHE,
 * aic/runtime.h). */
int32_t aicrt_plan(aicrt_exec_state *state, const int64_t *sizes,
                   const int64_t *ranges, int32_t num_buffers,
                   int64_t alignment, int64_t *offsets, void **arena);

/* Executes primitive `prim_id`, whose descriptor has AIC_DIM_DYNAMIC dims
 * (since version 10), at the run-time values `dims` of those dims: for
 * each argument in aicrt_exec order, the values of its Tensor's dynamic
 * dims in order (`num_dims` in all). The runtime creates the primitive once
 * per distinct `dims` and caches it (AIC_SHAPE_CACHE, aic/runtime.h). */
int32_t aicrt_exec_dims(aicrt_exec_state *state, int32_t prim_id,
                        void *const *args, int32_t num_args,
                        const int64_t *dims, int32_t num_dims);

/* The body of a loop split by aicrt_parallel_for: runs iterations
 * [begin, end) of the loop whose captured values `ctx` holds. */
typedef void (*aicrt_parallel_body)(void *ctx, int64_t begin, int64_t end);

/* Runs body(ctx, begin, end) over contiguous ranges covering [0, n) exactly
 * once (since version 12), on the thread team of the current run: at most
 * the run's thread count (aic_model_set_num_threads) threads, the calling
 * thread among them, each range at least `grain` iterations (values below
 * 1 count as 1), so at most n / grain ranges; returns once all are done.
 * Runs body(ctx, 0, n) on the calling thread when that makes fewer than two
 * ranges, when the run has one thread, or when called inside a parallel
 * region. The ranges depend only on n, grain and the team's size, and the
 * compiler outlines only loops whose iterations write disjoint elements, so
 * results do not depend on the split. `body` must not fail nor call the
 * runtime; does nothing when n <= 0. Compiled code calls it only during
 * aic_model_run; called elsewhere, the calling thread's OpenMP thread
 * count applies. */
void aicrt_parallel_for(aicrt_parallel_body body, void *ctx, int64_t n,
                        int64_t grain);

/*--- Primitive descriptors -------------------------------------------------
 *
 * Every kind and its fields are declared once, in aic/primitives.def; C++
 * code builds descriptors with aic/contract.h (aic::contract::encode). A
 * descriptor is an int64 array: the kind code, then each field in
 * declaration order:
 *   int                   the value
 *   bool                  0 or 1
 *   real                  the bit pattern of an IEEE double (not NaN)
 *   Tensor                dtype rank d0 ... d(rank-1) layout, where a dim
 *                         may be AIC_DIM_DYNAMIC (see aicrt_exec_dims) in
 *                         a dense row-major Tensor, and layout
 *                         is 0 (dense row-major) or 1 o0 ... o(rank-1)
 *                         nblocks (dim size)...: a blocked layout, see
 *                         aic::contract::Tensor (aic/contract.h)
 *   optional Tensor       0, or 1 Tensor
 *   int/Tensor vector     count, then the elements
 *   post-op vector        count (<= AIC_MAX_POST_OPS), then each post-op:
 *     AIC_POSTOP_ELTWISE alg alpha beta   alg: AIC_ELTWISE_*, alpha/beta real
 *     AIC_POSTOP_BINARY  alg Tensor       alg: AIC_BINARY_*; the Tensor
 *                                         broadcasts to the primary output
 *     AIC_POSTOP_SUM     0 alpha          adds alpha * the primary output's
 *                                         previous contents
 * with no words left over. The aicrt_exec arguments are the buffers of the
 * Tensor fields in declaration order (an optional one only when present,
 * every element of a vector), followed by the operands of the binary
 * post-ops in chain order.
 */
enum aic_prim_kind {
#define AIC_PRIM(Name, KIND, code) AIC_PRIM_##KIND = code,
#include "aic/primitives.def"
};

enum aic_pool_alg {
  AIC_POOL_MAX = 0,
  AIC_POOL_AVG_INCLUDE_PAD = 1,
  AIC_POOL_AVG_EXCLUDE_PAD = 2,
};

/* The cell of an RNN primitive; the vanilla cells name their activation. */
enum aic_rnn_cell {
  AIC_RNN_TANH = 0,
  AIC_RNN_RELU = 1,
  AIC_RNN_SIGMOID = 2,
  AIC_RNN_LSTM = 3,
  AIC_RNN_GRU = 4,
  AIC_RNN_LBR_GRU = 5,
};

/* y = f(x; alpha, beta) */
enum aic_eltwise_alg {
  AIC_ELTWISE_RELU = 1,    /* x > 0 ? x : alpha * x */
  AIC_ELTWISE_SIGMOID = 2, /* 1 / (1 + exp(-x)) */
  AIC_ELTWISE_TANH = 3,
  AIC_ELTWISE_CLIP = 4, /* min(max(x, alpha), beta) */
  AIC_ELTWISE_EXP = 5,
  AIC_ELTWISE_LINEAR = 6,     /* alpha * x + beta */
  AIC_ELTWISE_SWISH = 7,      /* x * sigmoid(alpha * x) */
  AIC_ELTWISE_HARDSWISH = 8,  /* x * min(max(x + 3, 0), 6) / 6 */
  AIC_ELTWISE_GELU_ERF = 9,   /* x / 2 * (1 + erf(x / sqrt(2))) */
  AIC_ELTWISE_GELU_TANH = 10, /* GELU's tanh approximation */
  AIC_ELTWISE_ELU = 11,       /* x > 0 ? x : alpha * (exp(x) - 1) */
  AIC_ELTWISE_ABS = 12,       /* |x| */
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
  AIC_POSTOP_SUM = 3,
};

#ifdef __cplusplus
}
#endif

#endif /* AIC_ABI_H */
