/* shape-change.c - what a new value of the symbolic dims costs.
 *
 *   shape-change MODEL.so THREADS S1 S2 ... [--runs R]
 *
 * For a model whose inputs have symbolic dims (AIC_DIM_DYNAMIC in
 * aic_model_input_info), timed inside one fresh process: aic_model_load +
 * aic_model_set_num_threads ("load"); then for each shape S given (a size
 * D, or sizes D1xD2x... for the symbolic dims of each input in order, the
 * last repeated), the first aic_model_run_alloc at that shape ("first_ms":
 * the primitives and memory plan created for it) and the median of R more
 * ("steady_ms"), and aic_model_arena_bytes then (the largest arena planned
 * so far: give the shapes in increasing size for each shape's own). Inputs
 * are seeded random floats (integer inputs are 0). Prints one JSON object:
 *   {"load_ms": ..., "shapes": [{"shape": "S", "first_ms": ...,
 *    "steady_ms": ..., "arena_bytes": ...}, ...]}
 *
 * Built by benchmarks/dynamic.py:
 *   cc -O2 -I include benchmarks/shape-change.c -L LIB -laicrt -Wl,-rpath,LIB
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */

#include <aic/runtime.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Ranks up to oneDNN's limit, which the runtime enforces. */
enum { kMaxRank = 12 };

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int fail(const char *what) {
  fprintf(stderr, "shape-change: %s: %s\n", what, aic_last_error());
  return 1;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Runs once; frees the outputs. */
static int run_once(aic_model_t *model, aic_tensor_t *inputs, size_t ni,
                    aic_tensor_t *outputs, size_t no) {
  if (aic_model_run_alloc(model, inputs, ni, outputs, no) != AIC_OK)
    return 1;
  for (size_t i = 0; i < no; ++i)
    aic_tensor_free(&outputs[i]);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: shape-change MODEL.so THREADS S1 ... [--runs R]\n");
    return 2;
  }
  int threads = atoi(argv[2]), runs = 50, nshapes = 0;
  const char *specs[64];
  for (int a = 3; a < argc; ++a) {
    if (strcmp(argv[a], "--runs") == 0 && a + 1 < argc)
      runs = atoi(argv[++a]);
    else if (nshapes < 64)
      specs[nshapes++] = argv[a];
  }
  aic_model_t *model = NULL;
  double t0 = now_ms();
  if (aic_model_load(argv[1], &model) != AIC_OK)
    return fail(argv[1]);
  if (aic_model_set_num_threads(model, threads) != AIC_OK)
    return fail("aic_model_set_num_threads");
  double load = now_ms() - t0;

  size_t ni = aic_model_num_inputs(model), no = aic_model_num_outputs(model);
  aic_tensor_t *inputs = calloc(ni + 1, sizeof(aic_tensor_t));
  aic_tensor_t *outputs = calloc(no + 1, sizeof(aic_tensor_t));
  int64_t(*shapes)[kMaxRank] = calloc(ni + 1, sizeof *shapes);
  double *ms = calloc(runs + 1, sizeof(double));
  printf("{\"load_ms\": %.3f, \"shapes\": [", load);
  uint32_t seed = 12345;
  for (int k = 0; k < nshapes; ++k) {
    /* The sizes of shape k: "4" or "1x64". */
    int64_t sizes[kMaxRank];
    int nsizes = 0;
    for (const char *p = specs[k]; *p && nsizes < kMaxRank;) {
      char *end;
      sizes[nsizes++] = strtoll(p, &end, 10);
      p = *end == 'x' ? end + 1 : end + strlen(end);
    }
    if (nsizes == 0)
      return fail(specs[k]);
    for (size_t i = 0; i < ni; ++i) {
      aic_tensor_info_t info;
      aic_model_input_info(model, i, &info);
      int64_t count = 1;
      int next = 0;
      for (int32_t d = 0; d < info.rank; ++d) {
        if (info.shape[d] == AIC_DIM_DYNAMIC)
          shapes[i][d] = sizes[next < nsizes - 1 ? next++ : nsizes - 1];
        else
          shapes[i][d] = info.shape[d];
        count *= shapes[i][d];
      }
      free(inputs[i].data);
      size_t size = aic_dtype_size(info.dtype);
      inputs[i] = (aic_tensor_t){calloc(count ? count : 1, size ? size : 1),
                                 info.dtype, info.rank, shapes[i]};
      if (info.dtype == AIC_DTYPE_FLOAT32)
        for (int64_t e = 0; e < count; ++e) {
          seed = seed * 1103515245u + 12345u;
          ((float *)inputs[i].data)[e] = (float)(seed / 4294967296.0 * 2 - 1);
        }
    }
    double t1 = now_ms();
    if (run_once(model, inputs, ni, outputs, no))
      return fail("aic_model_run_alloc");
    double first = now_ms() - t1;
    for (int r = 0; r < runs; ++r) {
      double t2 = now_ms();
      if (run_once(model, inputs, ni, outputs, no))
        return fail("aic_model_run_alloc");
      ms[r] = now_ms() - t2;
    }
    qsort(ms, runs, sizeof(double), cmp);
    printf("%s{\"shape\": \"%s\", \"first_ms\": %.3f, \"steady_ms\": "
           "%.4f, \"arena_bytes\": %llu}",
           k ? ", " : "", specs[k], first, ms[runs / 2],
           (unsigned long long)aic_model_arena_bytes(model));
  }
  printf("]}\n");
  for (size_t i = 0; i < ni; ++i)
    free(inputs[i].data);
  free(inputs);
  free(outputs);
  free(shapes);
  free(ms);
  aic_model_free(model);
  return 0;
}
