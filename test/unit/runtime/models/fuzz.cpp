//===- fuzz.cpp - Test model: corrupt descriptors of every kind -----------===//
//
// Init feeds aicrt_create every truncation, many single-word corruptions
// and some seeded random multi-word corruptions of a valid descriptor of
// each kind; the runtime must reject or accept each one without crashing.
// Init then fails on purpose so that nothing is executed.
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"
#include "SampleDescriptors.h"

#include <random>

using namespace aictest;

namespace {

const int64_t kShape[] = {1};
const aic_model_tensor_meta kOutputs[] = {{"y", AIC_DTYPE_FLOAT32, 1, kShape}};

} // namespace

AIC_TEST_MODEL_META = {AIC_ABI_VERSION, 0, 1, 20000, 0, nullptr, kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  const int64_t values[] = {
      0, 1, 2, -1, 7, 13, INT64_MAX, INT64_MIN, int64_t(1) << 40};
  int32_t id = 0;
  std::mt19937_64 rng(42);
  for (std::vector<int64_t> &d : validDescriptors()) {
    int64_t len = static_cast<int64_t>(d.size());
    for (int64_t n = 0; n < len; ++n)
      aicrt_create(ctx, id++, d.data(), n, "truncated");
    // Trailing words are an error too.
    std::vector<int64_t> longer = d;
    longer.push_back(0);
    aicrt_create(ctx, id++, longer.data(), len + 1, "trailing");
    for (int64_t w = 0; w < len; ++w) {
      int64_t saved = d[w];
      for (int64_t v : values) {
        d[w] = v;
        aicrt_create(ctx, id++, d.data(), len, "corrupted");
      }
      d[w] = saved;
    }
    for (int i = 0; i < 100; ++i) {
      std::vector<int64_t> r = d;
      for (int k = 0; k < 3; ++k)
        r[rng() % len] = values[rng() % count(values)];
      aicrt_create(ctx, id++, r.data(), len, "random");
    }
  }
  std::vector<int64_t> conv = validDescriptors()[0];
  aicrt_create(ctx, -1, conv.data(), conv.size(), "bad id");
  aicrt_create(ctx, 0, nullptr, 5, "null descriptor");
  aicrt_create(nullptr, 0, conv.data(), conv.size(), "null context");
  return 1;
}

int32_t modelRun(aicrt_exec_state *st, void *const *, void *const *, void *) {
  // Never reached (init fails); exercises aicrt_exec's own checks if it
  // were.
  void *args[] = {nullptr, nullptr};
  return aicrt_exec(st, 0, args, 2);
}
