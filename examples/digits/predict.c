/* predict.c - classify 8x8 digit images with a model compiled by aic.
 *
 *   aic-compile digits.onnx -o digits.so
 *   predict digits.so samples/digit_0_label_7.f32 ...
 *
 * Each IMAGE.f32 holds 64 little-endian float32 pixels in [0, 1] (row-major
 * 8x8). Prints "IMAGE: predicted D (p=0.97)" per image. Uses only the public
 * C API of libaicrt (aic/runtime.h); exits non-zero with aic_last_error()
 * on any failure.
 */
#include "samples.h"

#include <aic/runtime.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_CLASSES 10

static int fail(const char *what, aic_status_t status, aic_model_t *model) {
  fprintf(stderr, "predict: %s failed: %s: %s\n", what,
          aic_status_string(status), aic_last_error());
  aic_model_free(model);
  return 1;
}

static int64_t num_elements(int32_t rank, const int64_t *shape) {
  int64_t n = 1;
  for (int32_t i = 0; i < rank; ++i)
    n *= shape[i];
  return n;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL.so IMAGE.f32...\n", argv[0]);
    return 2;
  }
  if (aic_runtime_version() / 10000 != AIC_RUNTIME_VERSION_MAJOR) {
    fprintf(stderr, "predict: libaicrt version %d, built against %d\n",
            (int)aic_runtime_version(), AIC_RUNTIME_VERSION);
    return 1;
  }

  aic_model_t *model = NULL;
  aic_status_t st = aic_model_load(argv[1], &model);
  if (st != AIC_OK)
    return fail("aic_model_load", st, model);

  if (aic_model_num_inputs(model) != 1 || aic_model_num_outputs(model) != 1) {
    fprintf(stderr,
            "predict: %s: expected 1 input and 1 output, got %zu and %zu\n",
            argv[1], aic_model_num_inputs(model), aic_model_num_outputs(model));
    aic_model_free(model);
    return 1;
  }
  aic_tensor_info_t in_info, out_info;
  if ((st = aic_model_input_info(model, 0, &in_info)) != AIC_OK)
    return fail("aic_model_input_info", st, model);
  if ((st = aic_model_output_info(model, 0, &out_info)) != AIC_OK)
    return fail("aic_model_output_info", st, model);
  int64_t in_count = num_elements(in_info.rank, in_info.shape);
  int64_t out_count = num_elements(out_info.rank, out_info.shape);
  if (in_info.dtype != AIC_DTYPE_FLOAT32 || in_count != 64) {
    fprintf(stderr,
            "predict: %s: input '%s' must be 64 float32 values (1x1x8x8)\n",
            argv[1], in_info.name);
    aic_model_free(model);
    return 1;
  }
  if (out_info.dtype != AIC_DTYPE_FLOAT32 || out_count != NUM_CLASSES) {
    fprintf(stderr, "predict: %s: output '%s' must be %d float32 values\n",
            argv[1], out_info.name, NUM_CLASSES);
    aic_model_free(model);
    return 1;
  }
  if ((st = aic_model_set_num_threads(model, 1)) != AIC_OK)
    return fail("aic_model_set_num_threads", st, model);

  float pixels[64];
  float probs[NUM_CLASSES];
  aic_tensor_t input = {pixels, in_info.dtype, in_info.rank, in_info.shape};
  aic_tensor_t output = {probs, out_info.dtype, out_info.rank, out_info.shape};

  for (int i = 2; i < argc; ++i) {
    if (read_image(argv[i], pixels, in_count) != 0) {
      aic_model_free(model);
      return 1;
    }
    if ((st = aic_model_run(model, &input, 1, &output, 1)) != AIC_OK)
      return fail("aic_model_run", st, model);
    int best = argmax(probs, NUM_CLASSES);
    printf("%s: predicted %d (p=%.2f)\n", argv[i], best, probs[best]);
  }
  aic_model_free(model);
  return 0;
}
