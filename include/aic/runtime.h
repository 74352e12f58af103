/*===- aic/runtime.h - C API to load and run compiled models ------*- C -*-===*
 *
 * Link with libaicrt. A model compiled by `aic-compile model.onnx -o m.so`
 * is loaded with aic_model_load("m.so", &model) (or, linked into the
 * program, with aic_model_load_linked) and run with aic_model_run on
 * caller-provided buffers, or with aic_model_run_alloc, which returns
 * outputs the runtime allocated (needed for outputs whose shape depends on
 * the input data, see AIC_DIM_DYNAMIC). No function here aborts the
 * process: every failure is an aic_status_t with a message from
 * aic_last_error().
 *
 * Thread safety: one aic_model_t may be run from several threads at once;
 * aic_model_free must not race with other calls on the same model.
 *
 *===----------------------------------------------------------------------===*/
#ifndef AIC_RUNTIME_H
#define AIC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this API; aic_runtime_version() returns the library's. Major
 * changes break source or binary compatibility. */
#define AIC_RUNTIME_VERSION_MAJOR 1
#define AIC_RUNTIME_VERSION_MINOR 3
#define AIC_RUNTIME_VERSION                                                    \
  (AIC_RUNTIME_VERSION_MAJOR * 10000 + AIC_RUNTIME_VERSION_MINOR)

typedef enum aic_status {
  AIC_OK = 0,
  AIC_ERROR_INVALID_ARGUMENT = 1, /* null pointer, bad index, bad count */
  AIC_ERROR_IO = 2,               /* model file missing or not loadable */
  AIC_ERROR_INVALID_MODEL = 3,    /* not an aic model, or corrupt metadata */
  AIC_ERROR_VERSION_MISMATCH = 4, /* compiled for another ABI version */
  AIC_ERROR_SHAPE_MISMATCH = 5,   /* input/output shape differs from model */
  AIC_ERROR_DTYPE_MISMATCH = 6,   /* input/output dtype differs from model */
  AIC_ERROR_OUT_OF_MEMORY = 7,
  AIC_ERROR_UNSUPPORTED = 8, /* a primitive is not supported on this CPU */
  AIC_ERROR_RUNTIME = 9,     /* failure inside a kernel */
} aic_status_t;

/* Element types; values equal ONNX TensorProto.DataType. */
typedef enum aic_dtype {
  AIC_DTYPE_UNDEFINED = 0,
  AIC_DTYPE_FLOAT32 = 1,
  AIC_DTYPE_UINT8 = 2,
  AIC_DTYPE_INT8 = 3,
  AIC_DTYPE_UINT16 = 4,
  AIC_DTYPE_INT16 = 5,
  AIC_DTYPE_INT32 = 6,
  AIC_DTYPE_INT64 = 7,
  AIC_DTYPE_STRING = 8, /* elements are aic_string_t (since 1.2) */
  AIC_DTYPE_BOOL = 9,
  AIC_DTYPE_FLOAT16 = 10,
  AIC_DTYPE_FLOAT64 = 11,
  AIC_DTYPE_UINT32 = 12,
  AIC_DTYPE_UINT64 = 13,
  AIC_DTYPE_BFLOAT16 = 16,
} aic_dtype_t;

typedef struct aic_model aic_model_t;

/* One element of a STRING tensor: `size` bytes at `data` (ONNX strings are
 * byte strings: not NUL-terminated, may hold NULs; UTF-8 where an operator
 * reads text). `data` may be NULL only when `size` is 0. The caller owns
 * the bytes of input strings; those of output strings belong to the
 * aic_run_context_t of the run (see aic_model_run_in). */
typedef struct aic_string {
  const char *data;
  size_t size;
} aic_string_t;

/* Owns the bytes of the STRING outputs of the runs made with it: they stay
 * valid until the next run with the same context or aic_run_context_free.
 * One context must not be used by two runs at once; a thread running
 * several models (or one model from several threads) uses one context per
 * run in flight. Since runtime version 1.2. */
typedef struct aic_run_context aic_run_context_t;

/* A tensor passed to or returned from a model: dense, row-major. For
 * aic_model_run, `data` must hold product(shape) elements of `dtype`. */
typedef struct aic_tensor {
  void *data;
  aic_dtype_t dtype;
  int32_t rank;
  const int64_t *shape; /* `rank` entries */
} aic_tensor_t;

/* In the shape of an output (aic_model_output_info): a dim whose size
 * depends on the input data (NonZero, Unique, Compress, ...), known only
 * once a run computed it. A model with such an output runs with
 * aic_model_run_alloc. Since runtime version 1.3. */
#define AIC_DIM_DYNAMIC (-1)

/* Describes a model input or output. Pointers stay valid until
 * aic_model_free. Output dims may be AIC_DIM_DYNAMIC. */
typedef struct aic_tensor_info {
  const char *name;
  aic_dtype_t dtype;
  int32_t rank;
  const int64_t *shape;
} aic_tensor_info_t;

/* What an ONNX graph input or output is. aic compiles for static shapes, so
 * a model knows how many tensors each of its sequences and optionals holds,
 * and passes them as tensors: a sequence of N tensors as N tensors named
 * "NAME[0]" .. "NAME[N-1]"; an optional compiled as present as what it
 * holds (its tensor, named "NAME", or its sequence's tensors), one compiled
 * as absent as no tensor at all. aic_model_input_info and
 * aic_model_output_info list the tensors in graph order; the value functions
 * below say which of them form which graph input or output. A model with a
 * sequence or optional input is compiled for one length or presence and
 * element shapes (those of the input file aic-run or --input-value gives)
 * and accepts only those. */
typedef enum aic_value_kind {
  AIC_VALUE_TENSOR = 0,
  AIC_VALUE_SEQUENCE = 1,          /* seq(tensor) */
  AIC_VALUE_OPTIONAL = 2,          /* optional(tensor) */
  AIC_VALUE_OPTIONAL_SEQUENCE = 3, /* optional(seq(tensor)) */
} aic_value_kind_t;

/* Describes a graph input or output: the tensors `first` .. `first + count
 * - 1` of aic_model_input_info / aic_model_output_info. Pointers stay valid
 * until aic_model_free. */
typedef struct aic_value_info {
  const char *name; /* the ONNX name */
  aic_value_kind_t kind;
  aic_dtype_t elem_dtype; /* of its tensors (UNDEFINED if ONNX left it open
                             and it holds none) */
  int32_t present;        /* 0 for an absent optional, else 1 */
  size_t first;
  size_t count; /* tensor: 1; sequence: its length; optional: 0 if absent,
                   else 1 (of a tensor) or its sequence's length */
} aic_value_info_t;

/* Returns AIC_RUNTIME_VERSION of the linked library. */
int32_t aic_runtime_version(void);

/* Message describing the last failure on the calling thread ("" if none). */
const char *aic_last_error(void);

/* Short constant name of a status ("AIC_ERROR_SHAPE_MISMATCH"). */
const char *aic_status_string(aic_status_t status);

/* Bytes per element of a dtype, 0 if unknown. */
size_t aic_dtype_size(aic_dtype_t dtype);

/* ONNX's name of a dtype ("float32", "int64", ...), "unknown" if unknown. */
const char *aic_dtype_name(aic_dtype_t dtype);

/* Loads a compiled model (.so from aic-compile) and creates its primitives.
 * On failure *model is set to NULL. */
aic_status_t aic_model_load(const char *path, aic_model_t **model);

/* A model linked into the program instead of loaded from a file: the
 * entry points of aic/abi.h of an object from `aic-compile --emit=static
 * --name=NAME` (or of a model library built with --name and linked), which
 * are named aic_NAME_meta, aic_NAME_init and aic_NAME_run so that several
 * models can be linked into one program. The header `aic-compile
 * --emit=header --name=NAME` writes fills it in NAME_load(); by hand:
 *   extern const struct aic_model_meta aic_digits_meta;
 *   int32_t aic_digits_init(struct aicrt_context *);
 *   int32_t aic_digits_run(struct aicrt_exec_state *, void *const *,
 *                          void *const *, void *);
 *   aic_linked_model_t linked = {"digits", &aic_digits_meta,
 *                                aic_digits_init, aic_digits_run};
 * Since runtime version 1.2. */
struct aic_model_meta;
struct aicrt_context;
struct aicrt_exec_state;
typedef struct aic_linked_model {
  const char *name; /* names the model in messages; may be NULL */
  const struct aic_model_meta *meta;
  int32_t (*init)(struct aicrt_context *ctx);
  int32_t (*run)(struct aicrt_exec_state *state, void *const *inputs,
                 void *const *outputs, void *arena);
} aic_linked_model_t;

/* Like aic_model_load for a model linked into the program; `linked` may go
 * away after the call. Since runtime version 1.2. */
aic_status_t aic_model_load_linked(const aic_linked_model_t *linked,
                                   aic_model_t **model);

/* Fails with AIC_ERROR_SHAPE_MISMATCH or AIC_ERROR_DTYPE_MISMATCH (and a
 * message naming the first difference) unless the model's input and
 * output tensors are exactly `inputs` and `outputs` (names, dtypes, shapes,
 * in order): generated headers check that the model they describe is the
 * one loaded. Since runtime version 1.2. */
aic_status_t aic_model_check_signature(const aic_model_t *model,
                                       const aic_tensor_info_t *inputs,
                                       size_t num_inputs,
                                       const aic_tensor_info_t *outputs,
                                       size_t num_outputs);

/* Releases a model; NULL is allowed. */
void aic_model_free(aic_model_t *model);

size_t aic_model_num_inputs(const aic_model_t *model);
size_t aic_model_num_outputs(const aic_model_t *model);
aic_status_t aic_model_input_info(const aic_model_t *model, size_t index,
                                  aic_tensor_info_t *info);
aic_status_t aic_model_output_info(const aic_model_t *model, size_t index,
                                   aic_tensor_info_t *info);

/* The graph's inputs / outputs as ONNX values (see aic_value_kind_t), in
 * graph order; a model without sequences or optionals has one per tensor.
 * Since runtime version 1.1. */
size_t aic_model_num_input_values(const aic_model_t *model);
size_t aic_model_num_output_values(const aic_model_t *model);
aic_status_t aic_model_input_value_info(const aic_model_t *model, size_t index,
                                        aic_value_info_t *info);
aic_status_t aic_model_output_value_info(const aic_model_t *model, size_t index,
                                         aic_value_info_t *info);

/* Bytes of scratch memory one concurrent run keeps (the static memory
 * plan's arena). A model with symbolic dims plans its memory per input
 * shape (once per shape, cached like its primitives): for it, the largest
 * arena a run has planned so far, so that after runs at one shape this is
 * that shape's arena (0 before the first run). */
uint64_t aic_model_arena_bytes(const aic_model_t *model);

/* Symbolic input dims (a model compiled without --input-shape for an input
 * whose dims are named, e.g. `batch`): the input's info has AIC_DIM_DYNAMIC
 * there and each run passes any size; inputs sharing a name must agree.
 * Outputs whose dims follow them are AIC_DIM_DYNAMIC too: run such a model
 * with aic_model_run_alloc. A library primitive (matmul, ...) over such
 * dims is created the first time a run uses a shape (the cost of loading it)
 * and cached: each primitive keeps its `shapes` most recently used shapes
 * (at least 1; default 16, or the environment variable AIC_SHAPE_CACHE
 * read when the model loads). Runs at a cached shape pay nothing extra.
 * Takes effect at the next miss; thread-safe. */
aic_status_t aic_model_set_shape_cache(aic_model_t *model, size_t shapes);

/* Threads used by subsequent runs of this model (0 = all cores; a new model
 * uses OpenMP's default, i.e. OMP_NUM_THREADS or all cores). oneDNN builds
 * each primitive for one thread count, so a different count rebuilds the
 * model's primitives: it waits for runs in progress and costs about as much
 * as loading. Set it once after aic_model_load, not per run. After a run,
 * OpenMP's idle workers spin for about 10 ms, then sleep (libgomp's
 * default; GOMP_SPINCOUNT set before the process starts shortens it). */
aic_status_t aic_model_set_num_threads(aic_model_t *model, int32_t threads);

/* Threads runs of this model use (0 if model is NULL). */
int32_t aic_model_num_threads(aic_model_t *model);

/* Per-primitive timing. While profiling is on, every run times each oneDNN
 * primitive (waiting for it to finish, so runs get slightly slower).
 * Turning it on or off resets the counters. */
typedef struct aic_profile_entry {
  const char *name; /* ONNX node name (of the first node fused into it) */
  const char *kind; /* "CONV", "MATMUL", "POOL", "BINARY", ... */
  uint64_t calls;
  double total_ms;
} aic_profile_entry_t;

/* `enable`: 0 turns profiling off; AIC_PROFILE_COUNTERS times every
 * primitive; AIC_PROFILE_TRACE (since 1.2) also records trace events (see
 * aic_model_get_trace). Any other non-zero value counts as
 * AIC_PROFILE_COUNTERS. */
#define AIC_PROFILE_COUNTERS 1
#define AIC_PROFILE_TRACE 2
aic_status_t aic_model_set_profiling(aic_model_t *model, int32_t enable);

/* Fills up to `capacity` entries, one per primitive in execution order, and
 * sets *count to the number of primitives. Pointers stay valid until the
 * thread count changes or the model is freed. */
aic_status_t aic_model_get_profile(aic_model_t *model,
                                   aic_profile_entry_t *entries,
                                   size_t capacity, size_t *count);

/* A primitive as a profiler shows it (since 1.2). */
typedef struct aic_profile_op {
  const char *name;   /* ONNX node name (of the first node fused into it) */
  const char *kind;   /* "CONV", "MATMUL", ... */
  const char *shapes; /* its tensors, logical shapes and dtypes, e.g.
                         "src 1x64x56x56 float32, wei 64x64x3x3 float32,
                         dst 1x64x56x56 float32" */
  double flops;       /* arithmetic operations per call (a multiply-add
                         counts 2); 0 for data movement (REORDER, CONCAT) */
  uint64_t calls;     /* while profiling, as aic_model_get_profile */
  double total_ms;
} aic_profile_op_t;

/* Like aic_model_get_profile, with shapes and flops (since 1.2). */
aic_status_t aic_model_get_profile_ops(aic_model_t *model,
                                       aic_profile_op_t *ops, size_t capacity,
                                       size_t *count);

/* One timed span while tracing (since 1.2): a primitive call, or a whole
 * aic_model_run (op == -1), on the calling thread `thread`. */
typedef struct aic_trace_event {
  int64_t op;      /* index of aic_model_get_profile_ops, or -1 */
  uint64_t thread; /* small id of the thread that called aic_model_run */
  double start_us; /* microseconds since tracing was turned on */
  double dur_us;
} aic_trace_event_t;

/* Fills up to `capacity` events of the runs since tracing was turned on,
 * ordered by start, and sets *count to their number. Each concurrent run
 * slot keeps at most 2^20 events; later ones are dropped. Indices stay
 * valid until the thread count changes. */
aic_status_t aic_model_get_trace(aic_model_t *model, aic_trace_event_t *events,
                                 size_t capacity, size_t *count);

/* Runs the model. inputs/outputs are in graph order, num_* must equal the
 * model's counts, and every tensor's dtype and shape must equal the model's.
 * Outputs are written into the caller's buffers, which must not share
 * memory with an input or another output (AIC_ERROR_INVALID_ARGUMENT:
 * compiled code reads inputs while writing outputs, on several threads, so
 * an overlap cannot run in place). A model with a STRING
 * output needs aic_model_run_in (this call fails with
 * AIC_ERROR_INVALID_ARGUMENT): its output strings must outlive the run. A
 * model with an output of a dynamic dim (AIC_DIM_DYNAMIC) needs
 * aic_model_run_alloc (this call and aic_model_run_in fail with
 * AIC_ERROR_INVALID_ARGUMENT). */
aic_status_t aic_model_run(aic_model_t *model, const aic_tensor_t *inputs,
                           size_t num_inputs, const aic_tensor_t *outputs,
                           size_t num_outputs);

/* Creates / frees a run context (NULL is allowed to free). */
aic_status_t aic_run_context_create(aic_run_context_t **context);
void aic_run_context_free(aic_run_context_t *context);

/* aic_model_run with a context that owns the bytes of the STRING outputs:
 * the aic_string_t elements written into a STRING output's buffer point
 * into `context` and stay valid until its next run or its release (input
 * strings may be freed as soon as the call returns). A failed run leaves
 * the previous run's strings in place. `context` may be NULL for a model
 * without STRING outputs. Since runtime version 1.2. */
aic_status_t aic_model_run_in(aic_model_t *model, aic_run_context_t *context,
                              const aic_tensor_t *inputs, size_t num_inputs,
                              const aic_tensor_t *outputs, size_t num_outputs);

/* Runs the model and returns its outputs in memory the runtime allocates,
 * for any model, and the only way to run one with an output whose shape
 * depends on the input data (AIC_DIM_DYNAMIC). `inputs` as for
 * aic_model_run; `outputs` is an array of `num_outputs` (the model's count)
 * tensors the call fills in graph order: dtype, rank, shape (the actual
 * dims) and data (dense row-major; STRING elements point into the same
 * allocation). Each filled output belongs to the caller, who releases it
 * with aic_tensor_free. On failure every output is left empty ({NULL,
 * AIC_DTYPE_UNDEFINED, 0, NULL}) and nothing needs releasing. Example, a
 * model with one input and one output:
 *
 *   int64_t dims[] = {2, 3};
 *   float x[6] = {0, 1, 0, 2, 0, 3};
 *   aic_tensor_t in = {x, AIC_DTYPE_FLOAT32, 2, dims};
 *   aic_tensor_t out;
 *   if (aic_model_run_alloc(model, &in, 1, &out, 1) != AIC_OK) {
 *     fprintf(stderr, "%s\n", aic_last_error());
 *     return 1;
 *   }
 *   for (int32_t d = 0; d < out.rank; ++d)
 *     printf("dim %d: %lld\n", d, (long long)out.shape[d]);
 *   const int64_t *indices = out.data; // if out.dtype == AIC_DTYPE_INT64
 *   aic_tensor_free(&out);
 *
 * Since runtime version 1.3. */
aic_status_t aic_model_run_alloc(aic_model_t *model, const aic_tensor_t *inputs,
                                 size_t num_inputs, aic_tensor_t *outputs,
                                 size_t num_outputs);

/* Releases the data and shape of a tensor filled by aic_model_run_alloc and
 * leaves it empty; NULL and empty tensors are allowed. Since runtime version
 * 1.3. */
void aic_tensor_free(aic_tensor_t *tensor);

#ifdef __cplusplus
}
#endif

#endif /* AIC_RUNTIME_H */
