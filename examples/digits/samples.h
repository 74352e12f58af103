/* samples.h - reading the example's images and picking the likeliest class;
 * shared by predict.c, classify.c and ensemble.cpp. */
#ifndef AIC_EXAMPLE_SAMPLES_H
#define AIC_EXAMPLE_SAMPLES_H

#include <stdint.h>
#include <stdio.h>

/* Reads exactly `count` float32 values from `path` into `dst`; 0 or -1
 * after a message on stderr. */
static int read_image(const char *path, float *dst, int64_t count) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return -1;
  }
  size_t got = fread(dst, sizeof(float), (size_t)count, f);
  int extra = fgetc(f);
  fclose(f);
  if (got != (size_t)count || extra != EOF) {
    fprintf(stderr, "%s: expected exactly %lld bytes of float32\n", path,
            (long long)(count * (int64_t)sizeof(float)));
    return -1;
  }
  return 0;
}

/* Index of the largest of `n` values. */
static int argmax(const float *values, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i)
    if (values[i] > values[best])
      best = i;
  return best;
}

#endif /* AIC_EXAMPLE_SAMPLES_H */
