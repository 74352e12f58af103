//===- Compute.cpp - CONV, POOL and MATMUL primitives ---------------------===//

#include "Errors.h"
#include "Primitive.h"

using namespace aic::rt;
using dnnl::memory;

namespace {
// Any stride, dilation or padding above this is garbage, and keeping values
// small keeps oneDNN's own size arithmetic from overflowing.
constexpr int64_t kMaxWindow = int64_t(1) << 30;

memory::dims minusOne(const std::vector<int64_t> &v) {
  memory::dims out;
  for (int64_t x : v)
    out.push_back(x - 1);
  return out;
}

void requireRank(const CreateInfo &ci, const char *what, const TensorDesc &t,
                 int64_t rank) {
  if (t.rank() != rank)
    invalid(ci, std::string(what) + " " + t.str() + " should have rank " +
                    std::to_string(rank));
}
} // namespace

PrimitivePtr aic::rt::createConv(DescReader &r, const CreateInfo &ci) {
  TensorDesc src = r.tensor("src");
  TensorDesc wei = r.tensor("weights");
  TensorDesc bias;
  bool hasBias = r.optionalTensor("has_bias", "bias", bias);
  TensorDesc dst = r.tensor("dst");
  int64_t nsp = r.integer("spatial rank", 1, 3);
  auto strides = r.ints("stride", nsp, 1, kMaxWindow);
  auto dilations = r.ints("dilation", nsp, 1, kMaxWindow);
  auto padsBegin = r.ints("pad", nsp, 0, kMaxWindow);
  auto padsEnd = r.ints("pad", nsp, 0, kMaxWindow);
  int64_t groups = r.integer("groups", 1, kMaxWindow);
  bool constWeights = r.integer("weights_const", 0, 1) == 1;
  std::vector<PostOp> ops = r.postOps();
  r.finish();

  requireF32(ci, {&src, &wei, &dst, hasBias ? &bias : nullptr});
  requireRank(ci, "src", src, nsp + 2);
  requireRank(ci, "weights", wei, nsp + 2);
  requireRank(ci, "dst", dst, nsp + 2);
  int64_t oc = wei.dims[0];
  if (oc % groups != 0 || src.dims[1] != wei.dims[1] * groups)
    invalid(ci, "src " + src.str() + ", weights " + wei.str() + " and " +
                    std::to_string(groups) + " groups do not match");
  if (hasBias && (bias.rank() != 1 || bias.dims[0] != oc))
    invalid(ci,
            "bias " + bias.str() + " should be [" + std::to_string(oc) + "]");

  // ONNX weights [OC, IC/g, k...] are, bytewise, oneDNN's grouped
  // [g, OC/g, IC/g, k...].
  memory::dims weiDims = wei.dims;
  if (groups > 1) {
    weiDims[0] = oc / groups;
    weiDims.insert(weiDims.begin(), groups);
  }
  memory::desc userWei(weiDims, memory::data_type::f32,
                       rowMajorStrides(weiDims));
  memory::desc anyWei(weiDims, memory::data_type::f32, memory::format_tag::any);
  memory::desc srcMd = plainMd(src), dstMd = plainMd(dst);
  memory::desc biasMd = hasBias ? plainMd(bias) : memory::desc();
  auto any = [](const memory::desc &md) {
    return memory::desc(md.dims(), md.data_type(), memory::format_tag::any);
  };

  std::vector<ArgSlot> slots{{DNNL_ARG_SRC, srcMd},
                             {DNNL_ARG_WEIGHTS, userWei}};
  if (hasBias)
    slots.push_back({DNNL_ARG_BIAS, biasMd});
  slots.push_back({DNNL_ARG_DST, dstMd});
  dnnl::post_ops po;
  appendPostOps(ci, ops, dstMd.dims(), po, slots);

  dnnl::convolution_forward::desc d(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
      any(srcMd), constWeights ? anyWei : userWei, biasMd, any(dstMd), strides,
      minusOne(dilations), padsBegin, padsEnd);
  dnnl::convolution_forward::primitive_desc pd(d, makeAttr(po), ci.engine);
  // Let oneDNN choose its layouts: with plain activations it only offers
  // gemm-based convolution, while its blocked kernels are about 1.6x faster
  // even counting the reorders of src and dst on every run. Model constant
  // weights are reordered once on first use; weights that are model inputs
  // stay in their plain layout.
  slots[0].adopt(pd.src_desc(), ArgSlot::Kind::StageIn);
  if (constWeights)
    slots[1].adopt(pd.weights_desc(), ArgSlot::Kind::Constant);
  slots[hasBias ? 3 : 2].adopt(pd.dst_desc(), ArgSlot::Kind::StageOut);
  return std::make_unique<DnnlPrimitive>(
      ci.label, ci.engine, dnnl::convolution_forward(pd), std::move(slots),
      pd.scratchpad_desc());
}

PrimitivePtr aic::rt::createPool(DescReader &r, const CreateInfo &ci) {
  int64_t alg = r.integer("alg", AIC_POOL_MAX, AIC_POOL_AVG_EXCLUDE_PAD);
  TensorDesc src = r.tensor("src");
  TensorDesc dst = r.tensor("dst");
  int64_t nsp = r.integer("spatial rank", 1, 3);
  auto kernel = r.ints("kernel", nsp, 1, kMaxWindow);
  auto strides = r.ints("stride", nsp, 1, kMaxWindow);
  auto dilations = r.ints("dilation", nsp, 1, kMaxWindow);
  auto padsBegin = r.ints("pad", nsp, 0, kMaxWindow);
  auto padsEnd = r.ints("pad", nsp, 0, kMaxWindow);
  r.finish();

  // oneDNN max pooling also runs on 8- and 32-bit integers.
  bool integerMax =
      alg == AIC_POOL_MAX && src.dtype == dst.dtype &&
      (src.dtype == AIC_DTYPE_UINT8 || src.dtype == AIC_DTYPE_INT8 ||
       src.dtype == AIC_DTYPE_INT32);
  if (!integerMax)
    requireF32(ci, {&src, &dst});
  requireRank(ci, "src", src, nsp + 2);
  requireRank(ci, "dst", dst, nsp + 2);
  dnnl::algorithm a = alg == AIC_POOL_MAX ? dnnl::algorithm::pooling_max
                      : alg == AIC_POOL_AVG_INCLUDE_PAD
                          ? dnnl::algorithm::pooling_avg_include_padding
                          : dnnl::algorithm::pooling_avg_exclude_padding;
  memory::desc srcMd = plainMd(src), dstMd = plainMd(dst);
  // pooling_v2 because it is the one with dilation support; inference
  // max pooling needs no workspace.
  dnnl::pooling_v2_forward::desc d(dnnl::prop_kind::forward_inference, a, srcMd,
                                   dstMd, strides, kernel, minusOne(dilations),
                                   padsBegin, padsEnd);
  dnnl::pooling_v2_forward::primitive_desc pd(d, makeAttr(), ci.engine);
  return std::make_unique<DnnlPrimitive>(
      ci.label, ci.engine, dnnl::pooling_v2_forward(pd),
      std::vector<ArgSlot>{{DNNL_ARG_SRC, srcMd}, {DNNL_ARG_DST, dstMd}},
      pd.scratchpad_desc());
}

/// Logical (transposed) view of a stored matmul operand of rank `rank`:
/// transposition swaps the last two dims together with their strides.
static memory::desc matmulOperand(const TensorDesc &t, int64_t rank,
                                  bool trans) {
  memory::dims dims = padDims(t.dims, rank);
  memory::dims strides = rowMajorStrides(dims);
  if (trans) {
    std::swap(dims[rank - 1], dims[rank - 2]);
    std::swap(strides[rank - 1], strides[rank - 2]);
  }
  return memory::desc(dims, memory::data_type::f32, strides);
}

PrimitivePtr aic::rt::createMatmul(DescReader &r, const CreateInfo &ci) {
  TensorDesc a = r.tensor("a");
  TensorDesc b = r.tensor("b");
  TensorDesc bias;
  bool hasBias = r.optionalTensor("has_bias", "bias", bias);
  TensorDesc dst = r.tensor("dst");
  bool transA = r.flag("trans_a");
  bool transB = r.flag("trans_b");
  float alpha = static_cast<float>(r.real("alpha"));
  bool constB = r.flag("b_const");
  std::vector<PostOp> ops = r.postOps();
  r.finish();

  requireF32(ci, {&a, &b, &dst, hasBias ? &bias : nullptr});
  int64_t rank = dst.rank();
  if (a.rank() < 2 || b.rank() < 2 || rank < std::max(a.rank(), b.rank()))
    invalid(ci, "ranks of a " + a.str() + ", b " + b.str() + " and dst " +
                    dst.str() + " do not fit a matmul");
  memory::desc aMd = matmulOperand(a, rank, transA);
  memory::desc bMd = matmulOperand(b, rank, transB);
  memory::desc dstMd = plainMd(dst);
  memory::dims ad = aMd.dims(), bd = bMd.dims(), dd = dstMd.dims();
  bool ok = ad[rank - 1] == bd[rank - 2] && ad[rank - 2] == dd[rank - 2] &&
            bd[rank - 1] == dd[rank - 1];
  for (int64_t i = 0; ok && i < rank - 2; ++i)
    ok = (ad[i] == dd[i] || ad[i] == 1) && (bd[i] == dd[i] || bd[i] == 1);
  if (!ok)
    invalid(ci, "a " + a.str() + (transA ? "^T" : "") + " x b " + b.str() +
                    (transB ? "^T" : "") + " does not give dst " + dst.str());

  std::vector<ArgSlot> slots{{DNNL_ARG_SRC, aMd}, {DNNL_ARG_WEIGHTS, bMd}};
  dnnl::post_ops po;
  memory::desc biasMd;
  if (hasBias) {
    if (bias.rank() > rank)
      invalid(ci, "bias " + bias.str() + " has a higher rank than dst");
    biasMd = plainMd(bias, rank);
    requireBroadcastable(ci, "bias", biasMd.dims(), dd);
  }
  if (alpha != 1.0f) {
    // oneDNN adds the primitive bias before post-ops, so with a scale the
    // bias moves behind it as a binary post-op: alpha * (a x b) + bias.
    po.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, alpha, 0.0f);
    if (hasBias) {
      int index = po.len();
      po.append_binary(dnnl::algorithm::binary_add, biasMd);
      slots.push_back(
          {DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1, biasMd});
      biasMd = memory::desc();
    }
  } else if (hasBias) {
    slots.push_back({DNNL_ARG_BIAS, biasMd});
  }
  slots.push_back({DNNL_ARG_DST, dstMd});
  appendPostOps(ci, ops, dd, po, slots);

  // Constant weights go to oneDNN's preferred layout once (a transposed
  // ONNX Gemm weight read through strides is much slower).
  memory::desc weightsMd =
      constB ? memory::desc(bd, memory::data_type::f32, memory::format_tag::any)
             : bMd;
  dnnl::matmul::desc d(aMd, weightsMd, biasMd, dstMd);
  dnnl::matmul::primitive_desc pd(d, makeAttr(po), ci.engine);
  if (constB)
    slots[1].adopt(pd.weights_desc(), ArgSlot::Kind::Constant);
  return std::make_unique<DnnlPrimitive>(ci.label, ci.engine, dnnl::matmul(pd),
                                         std::move(slots),
                                         pd.scratchpad_desc());
}
