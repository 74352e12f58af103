//===- SampleDescriptors.h - A valid descriptor of every kind ---*- C++ -*-===//
//
// One valid descriptor of every primitive kind (with post-ops, groups,
// padding, a blocked layout), what the descriptor fuzzing starts from: the
// fuzz test model corrupts them, and fuzz/runtime_fuzzer's seeds are made
// of them.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_TEST_SAMPLE_DESCRIPTORS_H
#define AIC_TEST_SAMPLE_DESCRIPTORS_H

#include "ModelUtil.h"

namespace aictest {

inline std::vector<std::vector<int64_t>> validDescriptors() {
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

  Tensor blocked = f32({1, 16, 3, 3});
  blocked.order = {0, 1, 2, 3};
  blocked.blocks = {{1, 8}};

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
      contract::encode(contract::Reorder{f32({1, 16, 3, 3}), blocked}),
  };
}

} // namespace aictest

#endif // AIC_TEST_SAMPLE_DESCRIPTORS_H
