//===- ContractTest.cpp - Wire format of aic/contract.h and its decoder ---===//
//
// Pins the descriptor words of every kind (so that reordering a field in
// aic/primitives.def cannot go unnoticed), checks the exec-argument count,
// and runs the runtime's decoder (runtime/Descriptor.cpp, compiled in) on
// encoded, truncated and corrupted descriptors.
//
//===----------------------------------------------------------------------===//

#include "Descriptor.h"
#include "Errors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace aic;
using contract::PostOp;
using contract::Tensor;

namespace {

int64_t bits(double v) {
  int64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

Tensor f32(std::vector<int64_t> dims) {
  return {AIC_DTYPE_FLOAT32, std::move(dims)};
}

contract::Conv sampleConv() {
  contract::Conv d;
  d.src = f32({1, 4, 9, 9});
  d.wei = f32({6, 2, 3, 3});
  d.bias = f32({6});
  d.dst = f32({1, 6, 5, 4});
  d.strides = {2, 3};
  d.dilations = {1, 2};
  d.pads_begin = {0, 1};
  d.pads_end = {1, 0};
  d.groups = 2;
  d.weights_const = true;
  d.post_ops = {PostOp::binary(AIC_BINARY_ADD, f32({1, 6, 1, 1})),
                PostOp::eltwise(AIC_ELTWISE_LINEAR, 0.5, 1.0)};
  return d;
}

/// Decodes `words` (kind word first) as kind D.
template <class D>
D decodeWords(const std::vector<int64_t> &words, bool dynamic = false) {
  return rt::decode<D>(words.data(), static_cast<int64_t>(words.size()), "test",
                       dynamic);
}

/// The message of decoding `words` as D, "" if it decodes.
template <class D>
std::string decodeError(const std::vector<int64_t> &words,
                        bool dynamic = false) {
  try {
    decodeWords<D>(words, dynamic);
    return "";
  } catch (const rt::Error &e) {
    EXPECT_EQ(e.status(), AIC_ERROR_INVALID_MODEL);
    return e.message();
  }
}

TEST(Contract, KindCodesAndNames) {
  EXPECT_EQ(contract::Conv::kKind, 1);
  EXPECT_EQ(contract::Pool::kKind, 2);
  EXPECT_EQ(contract::Matmul::kKind, 3);
  EXPECT_EQ(contract::Eltwise::kKind, 4);
  EXPECT_EQ(contract::Binary::kKind, 5);
  EXPECT_EQ(contract::Softmax::kKind, 6);
  EXPECT_EQ(contract::Concat::kKind, 7);
  EXPECT_EQ(contract::BatchNorm::kKind, AIC_PRIM_BATCH_NORM);
  EXPECT_EQ(contract::ConvTranspose::kKind, 11);
  EXPECT_EQ(contract::Lrn::kKind, 12);
  EXPECT_EQ(contract::Rnn::kKind, 15);
  EXPECT_STREQ(contract::Conv::kName, "CONV");
  EXPECT_STREQ(contract::BatchNorm::kName, "BATCH_NORM");
  EXPECT_STREQ(contract::ConvTranspose::kName, "CONV_TRANSPOSE");
}

TEST(Contract, FieldNamesInOrder) {
  std::vector<std::string> names;
  contract::Conv().forEachField(
      [&](const char *name, const auto &) { names.push_back(name); });
  EXPECT_EQ(names,
            (std::vector<std::string>{"src", "wei", "bias", "dst", "strides",
                                      "dilations", "pads_begin", "pads_end",
                                      "groups", "weights_const", "post_ops"}));
}

TEST(Contract, ConvWords) {
  // clang-format off
  EXPECT_EQ(contract::encode(sampleConv()),
            (std::vector<int64_t>{
                AIC_PRIM_CONV,
                AIC_DTYPE_FLOAT32, 4, 1, 4, 9, 9, 0, // src (layout 0: plain)
                AIC_DTYPE_FLOAT32, 4, 6, 2, 3, 3, 0, // wei
                1, AIC_DTYPE_FLOAT32, 1, 6, 0,       // bias
                AIC_DTYPE_FLOAT32, 4, 1, 6, 5, 4, 0, // dst
                2, 2, 3,                          // strides
                2, 1, 2,                          // dilations
                2, 0, 1,                          // pads_begin
                2, 1, 0,                          // pads_end
                2,                                // groups
                1,                                // weights_const
                2,                                // post_ops
                AIC_POSTOP_BINARY, AIC_BINARY_ADD,
                AIC_DTYPE_FLOAT32, 4, 1, 6, 1, 1, 0,
                AIC_POSTOP_ELTWISE, AIC_ELTWISE_LINEAR, bits(0.5), bits(1.0)}));
  // clang-format on
}

TEST(Contract, OtherKindsWords) {
  constexpr int64_t F32 = AIC_DTYPE_FLOAT32;
  contract::Pool pool;
  pool.alg = AIC_POOL_AVG_EXCLUDE_PAD;
  pool.src = f32({1, 2, 7});
  pool.dst = f32({1, 2, 4});
  pool.kernel = {3};
  pool.strides = {2};
  pool.dilations = {1};
  pool.pads_begin = {1};
  pool.pads_end = {0};
  contract::Matmul mm;
  mm.a = f32({3, 4});
  mm.b = f32({5, 4});
  mm.dst = f32({3, 5});
  mm.trans_b = true;
  mm.alpha = 2.0;
  Tensor x = f32({2}), c = f32({3}), scalar{AIC_DTYPE_INT64, {}};

  // clang-format off
  EXPECT_EQ(contract::encode(pool), (std::vector<int64_t>{
      AIC_PRIM_POOL, AIC_POOL_AVG_EXCLUDE_PAD,
      F32, 3, 1, 2, 7, 0,  // src
      F32, 3, 1, 2, 4, 0,  // dst
      1, 3,  1, 2,  1, 1,  // kernel strides dilations
      1, 1,  1, 0}));      // pads_begin pads_end
  EXPECT_EQ(contract::encode(mm), (std::vector<int64_t>{
      AIC_PRIM_MATMUL,
      F32, 2, 3, 4, 0,     // a
      F32, 2, 5, 4, 0,     // b
      0,                   // no bias
      F32, 2, 3, 5, 0,     // dst
      0, 1, bits(2.0), 0,  // trans_a trans_b alpha b_const
      0}));                // post_ops
  EXPECT_EQ(contract::encode(contract::Eltwise{AIC_ELTWISE_CLIP, -1, 1, x, x}),
            (std::vector<int64_t>{
      AIC_PRIM_ELTWISE, AIC_ELTWISE_CLIP, bits(-1.0), bits(1.0),
      F32, 1, 2, 0,  F32, 1, 2, 0}));
  EXPECT_EQ(contract::encode(contract::Binary{AIC_BINARY_SUB, x, x, x, {}}),
            (std::vector<int64_t>{
      AIC_PRIM_BINARY, AIC_BINARY_SUB,
      F32, 1, 2, 0,  F32, 1, 2, 0,  F32, 1, 2, 0,
      0}));
  EXPECT_EQ(contract::encode(contract::Softmax{0, true, x, x}),
            (std::vector<int64_t>{
      AIC_PRIM_SOFTMAX, 0, 1,  F32, 1, 2, 0,  F32, 1, 2, 0}));
  EXPECT_EQ(contract::encode(contract::Concat{0, {x, scalar}, x}),
            (std::vector<int64_t>{
      AIC_PRIM_CONCAT, 0,
      2, F32, 1, 2, 0,  AIC_DTYPE_INT64, 0, 0,  // inputs
      F32, 1, 2, 0}));
  EXPECT_EQ(contract::encode(contract::BatchNorm{f32({1, 3}), c, c, c, c,
                                                 f32({1, 3}), 1e-5}),
            (std::vector<int64_t>{
      AIC_PRIM_BATCH_NORM,
      F32, 2, 1, 3, 0,                                        // src
      F32, 1, 3, 0,  F32, 1, 3, 0,  F32, 1, 3, 0,  F32, 1, 3, 0, // params
      F32, 2, 1, 3, 0,                                        // dst
      bits(1e-5)}));
  // clang-format on
}

TEST(Contract, RnnWords) {
  constexpr int64_t F32 = AIC_DTYPE_FLOAT32;
  contract::Rnn d;
  d.cell = AIC_RNN_GRU;
  d.reverse = true;
  d.src = f32({2, 1, 3});
  d.wei_layer = f32({3, 3, 4});
  d.wei_iter = f32({4, 3, 4});
  d.bias = f32({3, 4});
  d.src_h = f32({1, 4});
  d.dst = f32({2, 1, 4});
  d.dst_h = f32({1, 4});
  d.weights_const = true;
  // clang-format off
  EXPECT_EQ(contract::encode(d), (std::vector<int64_t>{
      AIC_PRIM_RNN, AIC_RNN_GRU, 1,
      F32, 3, 2, 1, 3, 0,  // src
      F32, 3, 3, 3, 4, 0,  // wei_layer
      F32, 3, 4, 3, 4, 0,  // wei_iter
      F32, 2, 3, 4, 0,     // bias
      0,                   // no peephole
      1, F32, 2, 1, 4, 0,  // src_h
      0,                   // no src_c
      F32, 3, 2, 1, 4, 0,  // dst
      F32, 2, 1, 4, 0,     // dst_h
      0,                   // no dst_c
      1}));                // weights_const
  // clang-format on
}

TEST(Contract, DeconvLrnAndLayerNormWords) {
  constexpr int64_t F32 = AIC_DTYPE_FLOAT32;
  Tensor x = f32({1, 3}), c = f32({3});
  contract::ConvTranspose ct;
  ct.src = f32({1, 2, 3});
  ct.wei = f32({2, 1, 2});
  ct.dst = f32({1, 1, 4});
  ct.strides = {1};
  ct.dilations = {1};
  ct.pads_begin = {0};
  ct.pads_end = {0};
  ct.groups = 1;
  // clang-format off
  EXPECT_EQ(contract::encode(ct), (std::vector<int64_t>{
      AIC_PRIM_CONV_TRANSPOSE,
      F32, 3, 1, 2, 3, 0,  // src
      F32, 3, 2, 1, 2, 0,  // wei
      0,                   // no bias
      F32, 3, 1, 1, 4, 0,  // dst
      1, 1,  1, 1,  1, 0,  1, 0,  // strides dilations pads_begin pads_end
      1, 0,                // groups weights_const
      0}));                // post_ops
  EXPECT_EQ(contract::encode(contract::Lrn{x, x, 5, 1e-4, 0.75, 2.0}),
            (std::vector<int64_t>{
      AIC_PRIM_LRN, F32, 2, 1, 3, 0,  F32, 2, 1, 3, 0,
      5, bits(1e-4), bits(0.75), bits(2.0)}));
  EXPECT_EQ(contract::encode(contract::LayerNorm{
                x, std::nullopt, c, x, std::nullopt, std::nullopt, 1e-5}),
            (std::vector<int64_t>{
      AIC_PRIM_LAYER_NORM,
      F32, 2, 1, 3, 0,                   // src
      0,  1, F32, 1, 3, 0,               // no scale, shift
      F32, 2, 1, 3, 0,                   // dst
      0, 0,                              // no mean, no var
      bits(1e-5)}));
  // clang-format on
  EXPECT_EQ(contract::numExecArgs(ct), 3);
  EXPECT_EQ(contract::numExecArgs(
                contract::LayerNorm{x, std::nullopt, std::nullopt, x, c, c, 0}),
            4);
  EXPECT_EQ(contract::encode(
                decodeWords<contract::ConvTranspose>(contract::encode(ct))),
            contract::encode(ct));
}

TEST(Contract, BlockedTensorAndSumWords) {
  constexpr int64_t F32 = AIC_DTYPE_FLOAT32;
  // nChw16c over [1, 24, 5, 5]: order a b c d, one block of 16 on dim 1.
  Tensor blocked = f32({1, 24, 5, 5});
  blocked.order = {0, 1, 2, 3};
  blocked.blocks = {{1, 16}};
  contract::Reorder r{f32({1, 24, 5, 5}), blocked};
  // clang-format off
  EXPECT_EQ(contract::encode(r), (std::vector<int64_t>{
      AIC_PRIM_REORDER,
      F32, 4, 1, 24, 5, 5, 0,
      F32, 4, 1, 24, 5, 5, 1, 0, 1, 2, 3, 1, 1, 16}));
  // clang-format on
  EXPECT_EQ(decodeWords<contract::Reorder>(contract::encode(r)).dst, blocked);

  contract::Eltwise e{AIC_ELTWISE_RELU, 0, 0, blocked, blocked};
  contract::Binary b{
      AIC_BINARY_ADD, blocked, blocked, blocked, {contract::PostOp::sum(0.5)}};
  auto words = contract::encode(b);
  EXPECT_EQ(std::vector<int64_t>(words.end() - 4, words.end()),
            (std::vector<int64_t>{1, AIC_POSTOP_SUM, 0, bits(0.5)}));
  EXPECT_EQ(decodeWords<contract::Binary>(words).post_ops, b.post_ops);
  EXPECT_EQ(decodeWords<contract::Eltwise>(contract::encode(e)).src, blocked);

  // Bad layouts are rejected with the field's name.
  auto bad = contract::encode(r);
  bad[bad.size() - 6] = 0; // order 0 0 2 3: not a permutation
  EXPECT_NE(decodeError<contract::Reorder>(bad).find("not a permutation"),
            std::string::npos);
  bad = contract::encode(r);
  bad.back() = 1 << 20; // a block far beyond any real one
  EXPECT_NE(decodeError<contract::Reorder>(bad).find("dst.blocks"),
            std::string::npos);
}

TEST(Decoder, BlockedTensorWithARunTimeBatch) {
  // nChw16c over [batch, 24, 5, 5]: the batch is given per run.
  Tensor blocked = f32({AIC_DIM_DYNAMIC, 24, 5, 5});
  blocked.order = {0, 1, 2, 3};
  blocked.blocks = {{1, 16}};
  contract::Reorder r{f32({AIC_DIM_DYNAMIC, 24, 5, 5}), blocked};
  std::vector<int64_t> words = contract::encode(r);
  EXPECT_EQ(decodeWords<contract::Reorder>(words, true).dst, blocked);
  // Only where the caller allows run-time dims.
  EXPECT_NE(decodeError<contract::Reorder>(words).find("'src.dims'"),
            std::string::npos);
  // A run-time dim cannot be blocked: its padding would be unknown.
  r.dst.dims = {1, AIC_DIM_DYNAMIC, 5, 5};
  EXPECT_NE(decodeError<contract::Reorder>(contract::encode(r), true)
                .find("'dst.blocks' blocks run-time dim 1"),
            std::string::npos);
}

TEST(Contract, NumExecArgs) {
  contract::Conv conv = sampleConv();
  EXPECT_EQ(contract::numExecArgs(conv), 5); // src wei bias dst add-operand
  conv.bias.reset();
  conv.post_ops.pop_back();
  conv.post_ops.push_back(PostOp::binary(AIC_BINARY_MUL, f32({1})));
  EXPECT_EQ(contract::numExecArgs(conv), 5); // src wei dst 2 operands
  Tensor x = f32({2});
  EXPECT_EQ(contract::numExecArgs(contract::Concat{0, {x, x, x}, x}), 4);
  EXPECT_EQ(contract::numExecArgs(contract::Eltwise{}), 2);
  EXPECT_EQ(contract::numExecArgs(contract::BatchNorm{}), 6);
  EXPECT_EQ(contract::numExecArgs(contract::Matmul{}), 3);
}

TEST(Decoder, RoundTripsEveryKind) {
  contract::Conv conv = sampleConv();
  contract::Conv c2 = decodeWords<contract::Conv>(contract::encode(conv));
  EXPECT_EQ(c2.src, conv.src);
  ASSERT_TRUE(c2.bias.has_value());
  EXPECT_EQ(*c2.bias, *conv.bias);
  // Equally long int vectors land in their own fields.
  EXPECT_EQ(c2.strides, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(c2.dilations, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(c2.pads_begin, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(c2.pads_end, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(c2.groups, 2);
  EXPECT_TRUE(c2.weights_const);
  EXPECT_EQ(c2.post_ops, conv.post_ops);
  EXPECT_EQ(contract::encode(c2), contract::encode(conv));

  contract::Matmul mm;
  mm.a = f32({3, 4});
  mm.b = f32({4, 5});
  mm.dst = f32({3, 5});
  mm.alpha = -0.25;
  mm.post_ops = {PostOp::eltwise(AIC_ELTWISE_RELU, 0.1)};
  contract::Matmul m2 = decodeWords<contract::Matmul>(contract::encode(mm));
  EXPECT_FALSE(m2.bias.has_value());
  EXPECT_EQ(m2.alpha, -0.25);
  EXPECT_EQ(contract::encode(m2), contract::encode(mm));

  Tensor x = f32({2, 5});
  contract::Concat cat{1, {x, f32({2, 0})}, x};
  contract::Concat cat2 = decodeWords<contract::Concat>(contract::encode(cat));
  EXPECT_EQ(cat2.inputs, cat.inputs);
  contract::BatchNorm bn{x, f32({5}), f32({5}), f32({5}), f32({5}), x, 1e-3};
  EXPECT_EQ(
      contract::encode(decodeWords<contract::BatchNorm>(contract::encode(bn))),
      contract::encode(bn));
}

TEST(Decoder, EveryTruncationFails) {
  std::vector<int64_t> words = contract::encode(sampleConv());
  for (size_t n = 0; n < words.size(); ++n) {
    std::vector<int64_t> cut(words.begin(), words.begin() + n);
    EXPECT_NE(decodeError<contract::Conv>(cut).find("truncated"),
              std::string::npos)
        << n << " words: " << decodeError<contract::Conv>(cut);
  }
  words.push_back(0);
  EXPECT_NE(decodeError<contract::Conv>(words).find("1 unexpected trailing"),
            std::string::npos);
  EXPECT_NE(decodeError<contract::Pool>(words).find("kind word is not POOL"),
            std::string::npos);
}

TEST(Decoder, RejectsBadValues) {
  Tensor x = f32({2});
  std::vector<int64_t> elt =
      contract::encode(contract::Eltwise{AIC_ELTWISE_RELU, 0, 0, x, x});
  auto with = [&](size_t word, int64_t value) {
    std::vector<int64_t> w = elt;
    w[word] = value;
    return decodeError<contract::Eltwise>(w);
  };
  EXPECT_NE(with(2, bits(std::nan(""))).find("'alpha' at word 2 is NaN"),
            std::string::npos);
  EXPECT_NE(with(4, 14).find("unknown dtype 14 of 'src'"), // ONNX COMPLEX128
            std::string::npos);
  EXPECT_NE(with(5, 13).find("'src.rank' = 13"), std::string::npos);
  EXPECT_NE(with(6, -1).find("'src.dims' = -1"), std::string::npos);

  std::vector<int64_t> sm = contract::encode(contract::Softmax{0, false, x, x});
  sm[2] = 2;
  EXPECT_NE(decodeError<contract::Softmax>(sm).find("'log' = 2"),
            std::string::npos);

  // Counts are checked against the words left before anything is sized.
  std::vector<int64_t> cat = {AIC_PRIM_CONCAT,   0, INT64_MAX,
                              AIC_DTYPE_FLOAT32, 1, 2,
                              AIC_DTYPE_FLOAT32, 1, 2};
  EXPECT_NE(decodeError<contract::Concat>(cat).find("'inputs.count'"),
            std::string::npos);
  cat[2] = -1;
  EXPECT_NE(decodeError<contract::Concat>(cat).find("'inputs.count' = -1"),
            std::string::npos);
  cat[2] = 3; // needs 6 words, 6 are left: then dst is missing
  EXPECT_NE(decodeError<contract::Concat>(cat).find("truncated"),
            std::string::npos);

  contract::Binary bin{AIC_BINARY_ADD, x, x, x, {}};
  for (int i = 0; i < AIC_MAX_POST_OPS + 1; ++i)
    bin.post_ops.push_back(PostOp::eltwise(AIC_ELTWISE_RELU));
  EXPECT_NE(decodeError<contract::Binary>(contract::encode(bin))
                .find("'post_ops.count' = 33"),
            std::string::npos);
  bin.post_ops = {PostOp::eltwise(AIC_ELTWISE_EXP + 10)};
  EXPECT_NE(decodeError<contract::Binary>(contract::encode(bin))
                .find("'post_ops.alg'"),
            std::string::npos);
  bin.post_ops = {{7, AIC_BINARY_ADD, 0, 0, {}}};
  EXPECT_NE(decodeError<contract::Binary>(contract::encode(bin))
                .find("'post_ops.kind' = 7"),
            std::string::npos);
}

} // namespace
