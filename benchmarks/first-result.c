/* first-result.c - time to first result and peak memory of one aic model.
 *
 *   first-result MODEL.so THREADS
 *
 * What an application does on start-up, timed inside one fresh process:
 * aic_model_load + aic_model_set_num_threads ("load"), then one
 * aic_model_run ("first run"). Inputs are seeded random floats (zeros for
 * other dtypes), filled outside the timed region. Memory: VmRSS just before
 * the load is the baseline (this program, libaicrt, oneDNN and the C++
 * runtime are mapped by then), then the peak-RSS mark is reset (writing 5
 * to /proc/self/clear_refs) so that VmHWM after the first run is the peak
 * since the baseline. Prints one JSON object:
 *   {"load_ms": ..., "first_run_ms": ..., "baseline_rss_kb": ...,
 *    "peak_rss_kb": ...}
 * Run it with OMP_NUM_THREADS=THREADS: the model's primitives are then
 * created once, for that thread count, by aic_model_load (a different count
 * in aic_model_set_num_threads would create them again).
 *
 * Built by benchmarks/zoo.py against the aic build under test:
 *   cc -O2 -I include benchmarks/first-result.c -L LIB -laicrt -Wl,-rpath,LIB
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */

#include <aic/runtime.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

/* Returns the value in kB of a "Key:   123 kB" line of /proc/self/status. */
static long status_kb(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  size_t n = strlen(key);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, key, n) == 0 && line[n] == ':') {
      kb = strtol(line + n + 1, NULL, 10);
      break;
    }
  if (f)
    fclose(f);
  return kb;
}

static void reset_peak_rss(void) {
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (f) {
    fputs("5", f);
    fclose(f);
  }
}

static int fail(const char *what, aic_model_t *model) {
  fprintf(stderr, "first-result: %s: %s\n", what, aic_last_error());
  aic_model_free(model);
  return 1;
}

/* Allocates a zeroed tensor of `info`'s dtype and shape; with a seed, floats
 * get values in [-1, 1) from a linear congruential sequence. */
static aic_tensor_t make_tensor(const aic_tensor_info_t *info, uint32_t *seed) {
  int64_t count = 1;
  for (int32_t i = 0; i < info->rank; ++i)
    count *= info->shape[i];
  size_t size = aic_dtype_size(info->dtype);
  aic_tensor_t t = {calloc(count ? count : 1, size ? size : 1), info->dtype,
                    info->rank, info->shape};
  if (t.data && seed && info->dtype == AIC_DTYPE_FLOAT32)
    for (int64_t i = 0; i < count; ++i) {
      *seed = *seed * 1103515245u + 12345u;
      ((float *)t.data)[i] = (float)(*seed / 4294967296.0 * 2.0 - 1.0);
    }
  return t;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: first-result MODEL.so THREADS\n");
    return 2;
  }
  int threads = atoi(argv[2]);
  long baseline = status_kb("VmRSS");
  reset_peak_rss();

  aic_model_t *model = NULL;
  double t0 = now_ms();
  if (aic_model_load(argv[1], &model) != AIC_OK)
    return fail(argv[1], NULL);
  if (aic_model_set_num_threads(model, threads) != AIC_OK)
    return fail("aic_model_set_num_threads", model);
  double t1 = now_ms();

  size_t num_inputs = aic_model_num_inputs(model);
  size_t num_outputs = aic_model_num_outputs(model);
  aic_tensor_t *inputs = calloc(num_inputs + 1, sizeof(aic_tensor_t));
  aic_tensor_t *outputs = calloc(num_outputs + 1, sizeof(aic_tensor_t));
  uint32_t seed = 12345;
  for (size_t i = 0; i < num_inputs; ++i) {
    aic_tensor_info_t info;
    aic_model_input_info(model, i, &info);
    inputs[i] = make_tensor(&info, &seed);
  }
  for (size_t i = 0; i < num_outputs; ++i) {
    aic_tensor_info_t info;
    aic_model_output_info(model, i, &info);
    outputs[i] = make_tensor(&info, NULL);
  }

  double t2 = now_ms();
  if (aic_model_run(model, inputs, num_inputs, outputs, num_outputs) != AIC_OK)
    return fail("aic_model_run", model);
  double t3 = now_ms();
  long peak = status_kb("VmHWM");

  printf(
      "{\"load_ms\": %.3f, \"first_run_ms\": %.3f, \"baseline_rss_kb\": %ld, "
      "\"peak_rss_kb\": %ld}\n",
      t1 - t0, t3 - t2, baseline, peak);
  for (size_t i = 0; i < num_inputs; ++i)
    free(inputs[i].data);
  for (size_t i = 0; i < num_outputs; ++i)
    free(outputs[i].data);
  free(inputs);
  free(outputs);
  aic_model_free(model);
  return 0;
}
