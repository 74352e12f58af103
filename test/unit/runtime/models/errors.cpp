//===- errors.cpp - Broken test models, one per VARIANT -------------------===//
//
// Each variant breaks one thing for the load-time error tests.
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

#include <algorithm>
#include <iterator>

using namespace aictest;

#if VARIANT == 0 || VARIANT == 14 // a shared library, but not an aic model
extern "C" int32_t not_a_model(void) { return 0; }
#if VARIANT == 14 // named (aic_model_name), without aic_gone_meta etc.
extern "C" __attribute__((visibility("default")))
const char aicTestModelName[] __asm__(AIC_MODEL_NAME_SYMBOL) = "gone";
#endif
#else

namespace {

const int64_t kShape[] = {4}, kBadRank[40] = {};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 1, kShape}};
const aic_model_tensor_meta kOutputs[] = {{"y", AIC_DTYPE_FLOAT32, 1, kShape}};
const aic_model_tensor_meta kBadOutputs[] = {
    {"y", AIC_DTYPE_FLOAT32, 40, kBadRank}};

float w[4];

const contract::Eltwise kRelu{AIC_ELTWISE_RELU, 0, 0, f32({4}), f32({4})};

/// Conv [1,1,4,4] * [1,1,3,3], stride 2 -> [1,1,1,1], written out word by
/// word so that it also pins the wire order of the fields.
// clang-format off
const int64_t kConvWords[] = {
    AIC_PRIM_CONV,
    AIC_DTYPE_FLOAT32, 4, 1, 1, 4, 4, 0, // src (layout 0: plain)
    AIC_DTYPE_FLOAT32, 4, 1, 1, 3, 3, 0, // wei
    0,                                   // no bias
    AIC_DTYPE_FLOAT32, 4, 1, 1, 1, 1, 0, // dst
    2, 2, 2,                          // strides
    2, 1, 1,                          // dilations
    2, 0, 0,                          // pads_begin
    2, 0, 0,                          // pads_end
    1,                                // groups
    0,                                // weights_const
    0};                               // post_ops
// clang-format on
constexpr int kStrides = 23, kDilations = 26;

} // namespace

#if VARIANT == 1 // invalid metadata: an output of rank 40
AIC_TEST_MODEL_META = {AIC_ABI_VERSION, 1, 1, 0, 0, kInputs, kBadOutputs};
#elif VARIANT == 2
AIC_TEST_MODEL_META = {999, 1, 1, 0, 0, kInputs, kOutputs};
#elif VARIANT == 8  // a model of ABI version 1, whose metadata was text
extern const char kTextMeta[] __asm__(AIC_MODEL_META_SYMBOL);
const char kTextMeta[] = "aic-model 1\narena 0\nprimitives 0\n"
                         "output 1 y 1 1 4\n";
#elif VARIANT == 11 // the right version, but not the whole struct
extern const int32_t kTinyMeta __asm__(AIC_MODEL_META_SYMBOL);
const int32_t kTinyMeta = AIC_ABI_VERSION;
#else
AIC_TEST_MODEL_META = {AIC_ABI_VERSION, 1, 1, 2, 64, kInputs, kOutputs};
#endif

int32_t modelInit(aicrt_context *ctx) {
#if VARIANT == 3    // conv descriptor cut short after the weights
  contract::Conv d;
  d.src = f32({1, 1, 4, 4});
  d.wei = f32({1, 1, 3, 3});
  std::vector<int64_t> words = contract::encode(d);
  words.resize(1 + 7 + 7);
  AIC_TRY(create(ctx, 0, kRelu, "relu"));
  return aicrt_create(ctx, 1, words.data(), static_cast<int64_t>(words.size()),
                      "conv_trunc");
#elif VARIANT == 4  // garbage: huge counts and dims
  const int64_t d[] = {AIC_PRIM_CONCAT, 0, INT64_MAX, 1, 1000000, 5, -3};
  return aicrt_create(ctx, 0, d, count(d), "garbage");
#elif VARIANT == 5  // compute kind on an unsupported dtype
  Tensor i64{AIC_DTYPE_INT64, {4}};
  return create(ctx, 0, contract::Eltwise{AIC_ELTWISE_RELU, 0, 0, i64, i64},
                "relu_i64");
#elif VARIANT == 6  // metadata announces two primitives, init makes one
  return create(ctx, 0, kRelu, "relu");
#elif VARIANT == 9  // a kind this runtime does not know
  const int64_t d[] = {99, AIC_DTYPE_FLOAT32, 1, 4};
  AIC_TRY(create(ctx, 0, kRelu, "relu"));
  return aicrt_create(ctx, 1, d, count(d), "future_kind");
#elif VARIANT == 10 // the hand-written conv, then with two fields swapped
  AIC_TRY(aicrt_create(ctx, 0, kConvWords, count(kConvWords), "conv_golden"));
  int64_t swapped[count(kConvWords)];
  std::copy(std::begin(kConvWords), std::end(kConvWords), swapped);
  std::swap_ranges(swapped + kStrides, swapped + kStrides + 3,
                   swapped + kDilations);
  return aicrt_create(ctx, 1, swapped, count(swapped), "conv_swapped");
#elif VARIANT == 12 // a transposed conv whose dst is not its window
  contract::ConvTranspose d;
  d.src = f32({1, 2, 3, 3});
  d.wei = f32({2, 1, 3, 3});
  d.dst = f32({1, 1, 6, 6}); // (3 - 1) * 2 + 3 = 7
  d.strides = {2, 2};
  d.dilations = {1, 1};
  d.pads_begin = {0, 0};
  d.pads_end = {0, 0};
  d.groups = 1;
  return create(ctx, 0, d, "deconv_shape");
#elif VARIANT == 13 // LRN of an even size, whose window oneDNN centers
  return create(
      ctx, 0,
      contract::Lrn{f32({1, 4, 2, 2}), f32({1, 4, 2, 2}), 4, 1e-4, 0.75, 1.0},
      "lrn_even");
#else               // valid; run passes a wrong argument count
  AIC_TRY(create(ctx, 0, kRelu, "relu"));
  return create(ctx, 1, kRelu, "relu2");
#endif
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *) {
  // Deliberately one argument too many (relu takes src and dst).
  void *args[] = {in[0], out[0], w};
  return aicrt_exec(st, 0, args, 3);
}
#endif
