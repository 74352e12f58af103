/* Uses the header of header_model.py's model (--name=tricky) from C99:
 * runs the linked model, or with an argument loads that library file. */
#include "tricky.h"

#include <stdio.h>

int main(int argc, char **argv) {
  aic_model_t *m = NULL;
  aic_status_t status =
      argc > 1 ? tricky_load_file(argv[1], &m) : tricky_load(&m);
  if (status != AIC_OK) {
    printf("load: %s: %s\n", aic_status_string(status), aic_last_error());
    return 1;
  }
  tricky_my_input_t in[TRICKY_MY_INPUT_SIZE] = {-1, 2, -3, 4, -5, 6};
  tricky_x_t x[TRICKY_X_SIZE] = {1, -2, 3};
  tricky_int__t flag = true;
  tricky_X_2_t big[TRICKY_X_2_SIZE] = {1, 2, 3, 250};
  tricky_y_t y[TRICKY_Y_SIZE];
  tricky_x_out_t x_out[TRICKY_X_OUT_SIZE];
  tricky_t_not_t not_flag;
  tricky_X2_t big_out[TRICKY_X2_SIZE];
  status = tricky_run(m, in, x, &flag, big, y, x_out, &not_flag, big_out);
  if (status != AIC_OK) {
    printf("run: %s\n", aic_last_error());
    return 1;
  }
  printf("y %g %g %g %g %g %g\n", y[0], y[1], y[2], y[3], y[4], y[5]);
  printf("x.out %lld %lld %lld\n", (long long)x_out[0], (long long)x_out[1],
         (long long)x_out[2]);
  printf("_not %d X2 %d %d %d %d\n", not_flag, big_out[0], big_out[1],
         big_out[2], big_out[3]);
  printf("%s rank %d dtype %s\n", TRICKY_X_2_NAME, TRICKY_X_2_RANK,
         aic_dtype_name(TRICKY_X_2_DTYPE));
  aic_model_free(m);
  return 0;
}
