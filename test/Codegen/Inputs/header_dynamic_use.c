/* Uses the headers of emit-header-dynamic.test's models from C99: `dyn`
 * (symbolic batch and an unnamed dim; an output of a run-time shape, which
 * comes back allocated) and `red` (a symbolic batch, a static output in a
 * caller buffer), each linked into the program, at two shapes. */
#include "dyn.h"
#include "red.h"

#include <stdio.h>

static int run_dyn(aic_model_t *m, int64_t batch, int64_t count) {
  float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  float w[9] = {10, 20, 30, 40, 50, 60, 70, 80, 90};
  int64_t n[4] = {1, 2, 3, 4};
  aic_tensor_t out[DYN_NUM_OUTPUTS];
  aic_status_t status = dyn_run(m, batch, count, x, w, n, out);
  if (status != AIC_OK) {
    printf("dyn: %s: %s\n", aic_status_string(status), aic_last_error());
    return 1;
  }
  printf("dyn y [%lld, %lld]", (long long)out[DYN_Y_INDEX].shape[0],
         (long long)out[DYN_Y_INDEX].shape[1]);
  for (int64_t i = 0; i < batch * 3; ++i)
    printf(" %g", ((const dyn_y_t *)out[DYN_Y_INDEX].data)[i]);
  printf(" s %lld\n", (long long)*(const dyn_s_t *)out[DYN_S_INDEX].data);
  for (int i = 0; i < DYN_NUM_OUTPUTS; ++i)
    aic_tensor_free(&out[i]);
  return 0;
}

int main(void) {
  aic_model_t *d = NULL, *r = NULL;
  if (dyn_load(&d) != AIC_OK || red_load(&r) != AIC_OK) {
    printf("load: %s\n", aic_last_error());
    return 1;
  }
  int failed = run_dyn(d, 2, 4) | run_dyn(d, 3, 1);
  /* A negative dim is the runtime's one-line error, not a crash. */
  if (run_dyn(d, -1, 1) == 0)
    failed = 1;
  float x[6] = {1, 2, 3, 4, 5, 6};
  red_s_t s = 0;
  for (int64_t batch = 1; batch <= 2; ++batch) {
    if (red_run(r, batch, x, &s) != AIC_OK) {
      printf("red: %s\n", aic_last_error());
      failed = 1;
    }
    printf("red %lld %g\n", (long long)batch, s);
  }
  aic_model_free(d);
  aic_model_free(r);
  return failed;
}
