// Uses the header of header_model.py's model (--name=tricky) from C++17:
// std::array and C array buffers of exactly the tensors' sizes. With
// WRONG_SIZE it must not compile.
#include "tricky.h"

#include <cstdio>

int main() {
  auto m = aic::models::tricky::load();
  aic::models::tricky::my_input_array in{-1, 2, -3, 4, -5, 6};
#ifdef WRONG_SIZE
  std::array<float, 5> y;
#else
  aic::models::tricky::y_array y;
#endif
  std::array<int64_t, 3> x{1, -2, 3}, xOut;
  bool flag[1] = {false}, notFlag[1];
  std::array<uint8_t, 4> big{7, 8, 9, 10}, bigOut;
  m.run(in, x, flag, big, y, xOut, notFlag, bigOut);
  std::printf("y %g %g x.out %lld _not %d X2 %d\n", y[0], y[1],
              static_cast<long long>(xOut[2]), notFlag[0], bigOut[3]);
  return 0;
}
