// Uses the headers of emit-header-dynamic.test's models from C++17: run()
// takes the run-time dims and containers of any size, checked against them,
// and returns outputs of a run-time shape as aic::OwnedTensor.
#include "dyn.h"
#include "red.h"

#include <cstdio>
#include <vector>

int main() {
  auto d = aic::models::dyn::load();
  std::vector<float> x = {1, 2, 3, 4, 5, 6}, w = {1, 1, 1, 1, 1, 1};
  std::vector<int64_t> n = {5, 6, 7};
  std::vector<aic::OwnedTensor> out = d.run(2, 3, x, w, n);
  std::vector<int64_t> shape = out[DYN_Y_INDEX].shape();
  std::printf("y [%lld, %lld] %g %g s %lld\n", (long long)shape[0],
              (long long)shape[1], out[DYN_Y_INDEX].data<float>()[0],
              out[DYN_Y_INDEX].data<float>()[5],
              (long long)*out[DYN_S_INDEX].data<int64_t>());
  try {
    d.run(3, 3, x, w, n); // x holds 6 elements, not 3 x 3
    std::printf("no error\n");
  } catch (const aic::Error &e) {
    std::printf("error: %s\n", e.what());
  }
  try {
    d.run(-2, 3, x, w, n);
    std::printf("no error\n");
  } catch (const aic::Error &e) {
    std::printf("error: %s\n", e.what());
  }
  auto r = aic::models::red::load();
  float s[1];
  std::vector<float> row = {1, 2, 3};
  r.run(1, row, s);
  std::printf("red %g\n", s[0]);
  return 0;
}
