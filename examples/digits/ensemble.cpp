// ensemble.cpp - two models statically linked into one C++ program.
//
// digits.onnx compiled twice by aic_add_model(... STATIC): for this CPU
// (digits) and for any x86-64 (digits_portable, --mcpu=x86-64). Their
// symbols do not clash; aic::models::digits and
// aic::models::digits_portable take exactly sized std::arrays, and a
// wrongly sized buffer would not compile. Prints the class both agree on
// and exits non-zero if their probabilities differ.
//
//   ensemble samples/digit_0_label_7.f32 ...
#include "digits.h"
#include "digits_portable.h"
#include "samples.h"

#include <cmath>
#include <cstdio>

int main(int argc, char **argv) try {
  auto native = aic::models::digits::load();
  auto portable = aic::models::digits_portable::load();
  for (int i = 1; i < argc; ++i) {
    aic::models::digits::image_array image;
    if (read_image(argv[i], image.data(), image.size()) != 0)
      return 1;
    aic::models::digits::probabilities_array a;
    aic::models::digits_portable::probabilities_array b;
    native.run(image, a);
    portable.run(image, b);
    for (size_t c = 0; c < a.size(); ++c)
      if (std::fabs(a[c] - b[c]) > 1e-4f) {
        std::fprintf(stderr, "%s: class %zu: %g (native) vs %g (portable)\n",
                     argv[i], c, a[c], b[c]);
        return 1;
      }
    int best = argmax(a.data(), static_cast<int>(a.size()));
    std::printf("%s: predicted %d (p=%.2f)\n", argv[i], best, a[best]);
  }
  return 0;
} catch (const aic::Error &e) {
  std::fprintf(stderr, "ensemble: %s\n", e.what());
  return 1;
}
