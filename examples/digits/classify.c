/* classify.c - the digits classifier with the model built into the program.
 *
 * aic_add_model() (CMakeLists.txt) compiles digits.onnx when the example
 * builds and generates digits.h, whose functions are typed to the model:
 * digits_run() takes 64 floats (1x1x8x8) and fills 10. `classify` links the
 * model's shared library, `classify_static` its static archive and
 * libaicrt.a (one executable).
 *
 *   classify samples/digit_0_label_7.f32 ...
 *
 * Prints "IMAGE: predicted D (p=0.97)" per image, as predict does.
 */
#include "digits.h"
#include "samples.h"

#include <stdio.h>

int main(int argc, char **argv) {
  aic_model_t *model = NULL;
  aic_status_t status = digits_load(&model);
  if (status == AIC_OK)
    status = aic_model_set_num_threads(model, 1);
  if (status != AIC_OK) {
    fprintf(stderr, "classify: %s: %s\n", aic_status_string(status),
            aic_last_error());
    aic_model_free(model);
    return 1;
  }
  int rc = 0;
  for (int i = 1; i < argc && rc == 0; ++i) {
    digits_image_t image[DIGITS_IMAGE_SIZE];
    digits_probabilities_t probs[DIGITS_PROBABILITIES_SIZE];
    if (read_image(argv[i], image, DIGITS_IMAGE_SIZE) != 0) {
      rc = 1;
    } else if ((status = digits_run(model, image, probs)) != AIC_OK) {
      fprintf(stderr, "classify: %s\n", aic_last_error());
      rc = 1;
    } else {
      int best = argmax(probs, DIGITS_PROBABILITIES_SIZE);
      printf("%s: predicted %d (p=%.2f)\n", argv[i], best, probs[best]);
    }
  }
  aic_model_free(model);
  return rc;
}
