//===- blocked.cpp - Test model: blocked layouts, reorders, sum post-op ---===//
//
// x [1,20,5,5] and s [1,8,5,5]. In the arena: xb = x in nChw16c (20
// channels padded to 32), yb = relu(xb) in nChw16c, zb = s in nChw16c (8
// channels padded to 16), then zb = conv(yb, w, b) + zb (3x3, pad 1, sum
// post-op computed in place). Outputs: y = zb in plain NCHW, x2 = xb back in
// plain NCHW (the round trip of x).
//
//===----------------------------------------------------------------------===//

#include "ModelUtil.h"

using namespace aictest;

namespace {

const int64_t kX[] = {1, 20, 5, 5}, kS[] = {1, 8, 5, 5};
const aic_model_tensor_meta kInputs[] = {{"x", AIC_DTYPE_FLOAT32, 4, kX},
                                         {"s", AIC_DTYPE_FLOAT32, 4, kS}};
const aic_model_tensor_meta kOutputs[] = {{"y", AIC_DTYPE_FLOAT32, 4, kS},
                                          {"x2", AIC_DTYPE_FLOAT32, 4, kX}};

float w[8 * 20 * 3 * 3], b[8];

/// `t` in nChw16c.
Tensor blocked16(Tensor t) {
  t.order = {0, 1, 2, 3};
  t.blocks = {{1, 16}};
  return t;
}

const Tensor kXPlain = f32({1, 20, 5, 5}), kSPlain = f32({1, 8, 5, 5});
const Tensor kXB = blocked16(kXPlain), kSB = blocked16(kSPlain);
// Arena offsets: xb and yb take 2 blocks of 16 x 25 floats, zb one.
constexpr int64_t kXBBytes = 2 * 16 * 25 * 4, kZBBytes = 16 * 25 * 4;
constexpr int64_t kYBOffset = kXBBytes, kZBOffset = 2 * kXBBytes;

const contract::Reorder kToXB{kXPlain, kXB}, kToZB{kSPlain, kSB};
const contract::Reorder kFromZB{kSB, kSPlain}, kFromXB{kXB, kXPlain};
const contract::Eltwise kRelu{AIC_ELTWISE_RELU, 0, 0, kXB, kXB};
const contract::Conv kConv = [] {
  contract::Conv d;
  d.src = kXB;
  d.wei = f32({8, 20, 3, 3});
  d.bias = f32({8});
  d.dst = kSB;
  d.strides = {1, 1};
  d.dilations = {1, 1};
  d.pads_begin = {1, 1};
  d.pads_end = {1, 1};
  d.groups = 1;
  d.weights_const = true;
  d.post_ops = {PostOp::sum()};
  return d;
}();

} // namespace

AIC_TEST_MODEL_META = {
    AIC_ABI_VERSION,         count(kInputs), count(kOutputs), 6,
    2 * kXBBytes + kZBBytes, kInputs,        kOutputs};

int32_t modelInit(aicrt_context *ctx) {
  fill(w, count(w), 5);
  fill(b, count(b), 6);
  AIC_TRY(create(ctx, 0, kToXB, "to_xb"));
  AIC_TRY(create(ctx, 1, kRelu, "relu"));
  AIC_TRY(create(ctx, 2, kToZB, "to_zb"));
  AIC_TRY(create(ctx, 3, kConv, "conv"));
  AIC_TRY(create(ctx, 4, kFromZB, "from_zb"));
  return create(ctx, 5, kFromXB, "from_xb");
}

int32_t modelRun(aicrt_exec_state *st, void *const *in, void *const *out,
                 void *arena) {
  char *a = static_cast<char *>(arena);
  void *xb = a, *yb = a + kYBOffset, *zb = a + kZBOffset;
  AIC_TRY(exec(st, 0, kToXB, {in[0], xb}));
  AIC_TRY(exec(st, 1, kRelu, {xb, yb}));
  AIC_TRY(exec(st, 2, kToZB, {in[1], zb}));
  AIC_TRY(exec(st, 3, kConv, {yb, w, b, zb}));
  AIC_TRY(exec(st, 4, kFromZB, {zb, out[0]}));
  return exec(st, 5, kFromXB, {xb, out[1]});
}
