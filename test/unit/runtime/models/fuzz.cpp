//===- fuzz.cpp - Test model: corrupt descriptors of every kind -----------===//
//
// Init feeds aicrt_create every truncation, many single-word corruptions
// and some seeded random multi-word corruptions of a valid descriptor of
// each kind; the runtime must reject or accept each one without crashing.
// Init then fails on purpose so that nothing is executed.
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

#include <random>

using namespace aictest;

namespace {

const int64_t kShape[] = {1};
const aic_model_tensor_meta kOutputs[] = {{"y", AIC_DTYPE_FLOAT32, 1, kShape}};

std::vector<std::vector<int64_t>> validDescriptors() {
  contract::Conv conv;
  conv.src = f32({1, 4, 9, 9});
  conv.wei = f32({6, 2, 3, 3});
  conv.bias = f32({6});
  conv.dst = f32({1, 6, 9, 9});
  conv.strides = {1, 1};
  conv.dilations = {2, 2};
  conv.pads_begin = conv.pads_end = {2, 2};
  conv.groups = 2;
  conv.weights_const = true;
  conv.post_ops = {PostOp::binary(AIC_BINARY_ADD, f32({1, 6, 1, 1})),
                   PostOp::eltwise(AIC_ELTWISE_LINEAR, 0.5, 1.0)};

  contract::Matmul mm;
  mm.a = f32({2, 3, 4});
  mm.b = f32({5, 4});
  mm.bias = f32({5});
  mm.dst = f32({2, 3, 5});
  mm.trans_b = mm.b_const = true;
  mm.alpha = 0.5;
  mm.post_ops = {PostOp::binary(AIC_BINARY_MUL, f32({3, 1}))};

  contract::Pool pool;
  pool.alg = AIC_POOL_AVG_INCLUDE_PAD;
  pool.src = f32({1, 2, 7, 7});
  pool.dst = f32({1, 2, 4, 4});
  pool.kernel = {3, 3};
  pool.strides = {2, 2};
  pool.dilations = {1, 1};
  pool.pads_begin = pool.pads_end = {1, 1};

  contract::ConvTranspose deconv;
  deconv.src = f32({1, 4, 5, 5});
  deconv.wei = f32({4, 3, 3, 3});
  deconv.bias = f32({6});
  deconv.dst = f32({1, 6, 10, 10});
  deconv.strides = {2, 2};
  deconv.dilations = {1, 1};
  deconv.pads_begin = {1, 1};
  deconv.pads_end = {0, 0};
  deconv.groups = 2;
  deconv.post_ops = {PostOp::eltwise(AIC_ELTWISE_RELU)};

  Tensor x = f32({2, 5}), c = f32({3});
  return {
      contract::encode(deconv),
      contract::encode(contract::Lrn{f32({1, 3, 2, 2}), f32({1, 3, 2, 2}), 3,
                                     1e-4, 0.75, 1.0}),
      contract::encode(contract::LayerNorm{
          f32({2, 3}), std::nullopt, c, f32({2, 3}), f32({2}), f32({2}), 1e-5}),
      contract::encode(conv),
      contract::encode(mm),
      contract::encode(pool),
      contract::encode(
          contract::Binary{AIC_BINARY_DIV,
                           f32({2, 1, 4}),
                           f32({3, 1}),
                           f32({2, 3, 4}),
                           {PostOp::binary(AIC_BINARY_ADD, f32({4}))}}),
      contract::encode(contract::Eltwise{AIC_ELTWISE_CLIP, -1, 1, x, x}),
      contract::encode(contract::Softmax{1, true, x, x}),
      contract::encode(contract::Concat{
          1,
          {{AIC_DTYPE_INT64, {2, 3}}, {AIC_DTYPE_INT64, {2, 2}}},
          {AIC_DTYPE_INT64, {2, 5}}}),
      contract::encode(contract::BatchNorm{f32({2, 3, 4}), c, c, c, c,
                                           f32({2, 3, 4}), 1e-5}),
  };
}

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
