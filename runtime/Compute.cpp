//===- Compute.cpp - CONV, CONV_TRANSPOSE, POOL and MATMUL primitives -----===//

#include "Errors.h"
#include "NanFixup.h"
#include "Primitive.h"

#include <algorithm>
#include <utility>

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

void requireRank(const CreateInfo &ci, const char *what, const Tensor &t,
                 int64_t rank) {
  if (t.rank() != rank)
    invalid(ci, std::string(what) + " " + shapeStr(t) + " should have rank " +
                    std::to_string(rank));
}

/// Spatial rank of a window op: the length of `v`, which must be 1 to 3
/// (what oneDNN supports).
size_t spatialRank(const CreateInfo &ci, const char *what,
                   const std::vector<int64_t> &v) {
  if (v.empty() || v.size() > 3)
    invalid(ci, std::string(what) + " has " + std::to_string(v.size()) +
                    " entries; 1 to 3 spatial dims are supported");
  return v.size();
}

/// Checks the window fields of CONV and CONV_TRANSPOSE; returns the number
/// of spatial dims.
template <class Desc> size_t checkWindow(const CreateInfo &ci, const Desc &d) {
  size_t nsp = spatialRank(ci, "strides", d.strides);
  requireInts(ci, "strides", d.strides, nsp, 1, kMaxWindow);
  requireInts(ci, "dilations", d.dilations, nsp, 1, kMaxWindow);
  requireInts(ci, "pads_begin", d.pads_begin, nsp, 0, kMaxWindow);
  requireInts(ci, "pads_end", d.pads_end, nsp, 0, kMaxWindow);
  if (d.groups < 1 || d.groups > kMaxWindow)
    invalid(ci, "groups " + std::to_string(d.groups) + " is outside [1, " +
                    std::to_string(kMaxWindow) + "]");
  return nsp;
}

/// Checks that dst's spatial dims are what a window of `kernel` (sizes
/// taken from dim 2 on when `kernelOffset` is 2, as in conv weights) gives
/// on src, and that dst has src's batch (and, for pooling, channels).
/// oneDNN checks this too, but in 32 bits: a dim off by a multiple of 2^32
/// would pass and make oneDNN iterate over it.
void checkWindowOutput(const CreateInfo &ci, const Tensor &src,
                       const Tensor &dst, const std::vector<int64_t> &kernel,
                       size_t kernelOffset, const std::vector<int64_t> &strides,
                       const std::vector<int64_t> &dilations,
                       const std::vector<int64_t> &padsBegin,
                       const std::vector<int64_t> &padsEnd, bool sameChannels) {
  if (dst.dims[0] != src.dims[0] ||
      (sameChannels && dst.dims[1] != src.dims[1]))
    invalid(ci,
            "dst " + shapeStr(dst) + " does not match src " + shapeStr(src));
  for (size_t i = 0; i + 2 < static_cast<size_t>(src.rank()); ++i) {
    // Decoded dims stay below 2^40 and windows below 2^30: no overflow in
    // 128 bits.
    __int128 extent = __int128(kernel[kernelOffset + i] - 1) * dilations[i] + 1;
    __int128 span = __int128(src.dims[2 + i]) + padsBegin[i] + padsEnd[i];
    if (span < extent || (span - extent) / strides[i] + 1 != dst.dims[2 + i])
      invalid(ci, "dst " + shapeStr(dst) + " is not the window of src " +
                      shapeStr(src) + " in spatial dim " + std::to_string(i));
  }
}

/// The dtypes of a product (CONV, MATMUL): f32 throughout, or the integer
/// form the compiler emits for ONNX's quantized products, int8 or uint8
/// src and int8 weights summed into an int32 dst with no bias, post-ops nor
/// scale (the compiler requantizes the sums itself). True for the latter.
bool isIntegerProduct(const CreateInfo &ci, const Tensor &src,
                      const Tensor &wei, const Tensor *bias, const Tensor &dst,
                      bool hasPostOps, bool scaled) {
  if (src.dtype != AIC_DTYPE_INT8 && src.dtype != AIC_DTYPE_UINT8) {
    requireF32(ci, {&src, &wei, &dst, bias});
    return false;
  }
  if (wei.dtype != AIC_DTYPE_INT8 || dst.dtype != AIC_DTYPE_INT32 || bias ||
      hasPostOps || scaled)
    fail(AIC_ERROR_UNSUPPORTED,
         ci.label + ": kind " + ci.kind +
             " takes an int8 or uint8 src only with int8 weights, an int32 "
             "dst and no bias, post-ops nor alpha");
  return true;
}

/// Whether oneDNN's int8 kernels compute exact sums on the CPU it runs on.
/// Without VNNI they multiply through vpmaddubsw, whose 16-bit pair sums
/// saturate (up to 2 * 255 * 127 for uint8 src), and for int8 src they halve
/// the weights (wei_adj_scale): close, but not ONNX's integer sums.
bool int8KernelsExact() {
  auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  auto has = [&](dnnl_cpu_isa_t bits) {
    return (isa & static_cast<unsigned>(bits)) == static_cast<unsigned>(bits);
  };
  return has(dnnl_cpu_isa_avx512_core_vnni) || has(dnnl_cpu_isa_avx2_vnni);
}

/// For an integer product on a CPU without VNNI, moves `pd` on to oneDNN's
/// reference implementation (exact 32-bit integer sums): slow, but a wrong
/// answer is worse. Call it while the op descriptor `pd` was made from
/// lives: oneDNN's implementation iterator points into it.
template <class PrimitiveDesc>
void moveToExactInt8(const CreateInfo &ci, PrimitiveDesc &pd) {
  if (int8KernelsExact())
    return;
  while (std::string(pd.impl_info_str()).rfind("ref", 0) != 0)
    if (!pd.next_impl())
      fail(AIC_ERROR_UNSUPPORTED,
           ci.label + ": no exact int8 " + ci.kind +
               " implementation on this CPU (it lacks VNNI)");
}

memory::desc anyLayout(const memory::desc &md) {
  return memory::desc(md.dims(), md.data_type(), memory::format_tag::any);
}

/// A convolution-like primitive (Prim: convolution_forward or
/// deconvolution_forward) with exec slots src, wei, [bias,] dst, then the
/// binary post-op operands. The compiler asked oneDNN for the layouts of
/// this CPU, so src and dst come in them: a primitive on exactly those runs
/// without staging. When only oneDNN's reference code takes them (another
/// CPU, or layouts the compiler leaves plain), oneDNN picks the layouts
/// instead, and src and dst are staged through reorders on every run (a dst
/// that accumulates, with a sum post-op, both ways). Constant weights are
/// reordered once if oneDNN wants another layout.
template <class Prim, class Desc>
PrimitivePtr createConvLike(const Desc &d, const CreateInfo &ci,
                            dnnl::algorithm alg, const memory::desc &srcMd,
                            const memory::desc &userWei,
                            const memory::desc &biasMd,
                            const memory::desc &dstMd, bool integer = false) {
  bool hasBias = !biasMd.is_zero();
  std::vector<ArgSlot> slots{{DNNL_ARG_SRC, srcMd},
                             {DNNL_ARG_WEIGHTS, userWei}};
  if (hasBias)
    slots.push_back({DNNL_ARG_BIAS, biasMd});
  slots.push_back({DNNL_ARG_DST, dstMd});
  dnnl::post_ops po;
  appendPostOps(ci, d.post_ops, dstMd.dims(), po, slots);
  bool accumulates = false;
  for (const PostOp &op : d.post_ops)
    accumulates |= op.kind == AIC_POSTOP_SUM;

  bool constWeights = d.weights_const;
  auto makePd = [&](const memory::desc &s, const memory::desc &dd) {
    typename Prim::desc desc(dnnl::prop_kind::forward_inference, alg, s,
                             constWeights ? anyLayout(userWei) : userWei,
                             biasMd, dd, d.strides, minusOne(d.dilations),
                             d.pads_begin, d.pads_end);
    typename Prim::primitive_desc pd(desc, makeAttr(po), ci.engine);
    if (integer)
      moveToExactInt8(ci, pd);
    return pd;
  };
  typename Prim::primitive_desc pd;
  try {
    pd = makePd(srcMd, dstMd);
  } catch (const dnnl::error &) {
  }
  if (!pd || std::string(pd.impl_info_str()).rfind("ref", 0) == 0) {
    try {
      pd = makePd(anyLayout(srcMd), anyLayout(dstMd));
    } catch (const dnnl::error &) {
      if (!pd)
        throw;
    }
  }
  slots[0].adopt(pd.src_desc(), ArgSlot::Kind::StageIn);
  if (constWeights)
    slots[1].adopt(pd.weights_desc(), ArgSlot::Kind::Constant);
  slots[hasBias ? 3 : 2].adopt(pd.dst_desc(), accumulates
                                                  ? ArgSlot::Kind::StageInOut
                                                  : ArgSlot::Kind::StageOut);
  return std::make_unique<DnnlPrimitive>(
      ci.label, ci.engine, Prim(pd), std::move(slots), pd.scratchpad_desc());
}
} // namespace

PrimitivePtr aic::rt::createConv(const contract::Conv &d,
                                 const CreateInfo &ci) {
  const Tensor &src = d.src, &wei = d.wei, &dst = d.dst;
  bool hasBias = d.bias.has_value();
  size_t nsp = checkWindow(ci, d);
  int64_t groups = d.groups;

  bool integer = isIntegerProduct(ci, src, wei, hasBias ? &*d.bias : nullptr,
                                  dst, !d.post_ops.empty(), false);
  requirePlain(ci, {hasBias ? &*d.bias : nullptr});
  requireRank(ci, "src", src, nsp + 2);
  requireRank(ci, "dst", dst, nsp + 2);
  // Weights are ONNX's [OC, IC/groups, k...] or, with groups, may come as
  // oneDNN's grouped [groups, OC/groups, IC/groups, k...] (the same bytes
  // when dense row-major; a blocked layout of grouped weights needs them).
  bool grouped = wei.rank() == static_cast<int64_t>(nsp) + 3;
  if (!grouped)
    requireRank(ci, "wei", wei, nsp + 2);
  if (grouped && wei.dims[0] != groups)
    invalid(ci, "grouped wei " + shapeStr(wei) + " should have " +
                    std::to_string(groups) + " groups in dim 0");
  if (!grouped && groups > 1 && !wei.isPlain())
    invalid(ci, "blocked wei " + shapeStr(wei) + " with " +
                    std::to_string(groups) + " groups must be grouped");
  int64_t oc = grouped ? wei.dims[0] * wei.dims[1] : wei.dims[0];
  int64_t icPerGroup = grouped ? wei.dims[2] : wei.dims[1];
  if (oc % groups != 0 || src.dims[1] != icPerGroup * groups ||
      dst.dims[1] != oc)
    invalid(ci, "src " + shapeStr(src) + ", wei " + shapeStr(wei) + ", dst " +
                    shapeStr(dst) + " and " + std::to_string(groups) +
                    " groups do not match");
  if (hasBias && (d.bias->rank() != 1 || d.bias->dims[0] != oc))
    invalid(ci, "bias " + shapeStr(*d.bias) + " should be [" +
                    std::to_string(oc) + "]");
  checkWindowOutput(ci, src, dst, wei.dims, grouped ? 3 : 2, d.strides,
                    d.dilations, d.pads_begin, d.pads_end,
                    /*sameChannels=*/false);

  memory::desc userWei = tensorMd(wei);
  if (groups > 1 && !grouped) {
    memory::dims weiDims = wei.dims;
    weiDims[0] = oc / groups;
    weiDims.insert(weiDims.begin(), groups);
    userWei =
        memory::desc(weiDims, toDnnl(wei.dtype), rowMajorStrides(weiDims));
  }
  memory::desc srcMd = tensorMd(src), dstMd = tensorMd(dst);
  memory::desc biasMd = hasBias ? tensorMd(*d.bias) : memory::desc();
  return createConvLike<dnnl::convolution_forward>(
      d, ci, dnnl::algorithm::convolution_direct, srcMd, userWei, biasMd, dstMd,
      integer);
}

PrimitivePtr aic::rt::createConvTranspose(const contract::ConvTranspose &d,
                                          const CreateInfo &ci) {
  const Tensor &src = d.src, &wei = d.wei, &dst = d.dst;
  bool hasBias = d.bias.has_value();
  size_t nsp = checkWindow(ci, d);
  int64_t groups = d.groups;

  const Tensor *bias = hasBias ? &*d.bias : nullptr;
  requireF32(ci, {&src, &wei, &dst, bias});
  requirePlain(ci, {&src, &wei, &dst, bias});
  requireRank(ci, "src", src, nsp + 2);
  requireRank(ci, "wei", wei, nsp + 2);
  requireRank(ci, "dst", dst, nsp + 2);
  // ONNX weights are [IC, OC/groups, k...].
  int64_t ic = src.dims[1], ocPerGroup = wei.dims[1], oc = dst.dims[1];
  if (wei.dims[0] != ic || ic % groups != 0 || dst.dims[0] != src.dims[0] ||
      __int128(ocPerGroup) * groups != oc)
    invalid(ci, "src " + shapeStr(src) + ", wei " + shapeStr(wei) + ", dst " +
                    shapeStr(dst) + " and " + std::to_string(groups) +
                    " groups do not match");
  if (hasBias && (bias->rank() != 1 || bias->dims[0] != oc))
    invalid(ci, "bias " + shapeStr(*bias) + " should be [" +
                    std::to_string(oc) + "]");
  for (size_t i = 0; i < nsp; ++i) {
    // Decoded dims stay below 2^40 and windows below 2^30: no overflow in
    // 128 bits.
    __int128 size = __int128(src.dims[2 + i] - 1) * d.strides[i] +
                    __int128(wei.dims[2 + i] - 1) * d.dilations[i] + 1 -
                    d.pads_begin[i] - d.pads_end[i];
    if (size != dst.dims[2 + i])
      invalid(ci, "dst " + shapeStr(dst) +
                      " is not the transposed window of "
                      "src " +
                      shapeStr(src) + " and wei " + shapeStr(wei) +
                      " in spatial dim " + std::to_string(i));
  }

  // oneDNN's weights are [groups, OC/groups, IC/groups, k...] (no groups
  // dim without groups): the ONNX bytes read through strides.
  memory::dims weiDims{oc / groups, ic / groups};
  int64_t kernel = numElements(wei) / std::max<int64_t>(ic * ocPerGroup, 1);
  memory::dims weiStrides{kernel, ocPerGroup * kernel};
  for (size_t i = 0; i < nsp; ++i)
    weiDims.push_back(wei.dims[2 + i]);
  memory::dims kStrides =
      rowMajorStrides(memory::dims(weiDims.begin() + 2, weiDims.end()));
  weiStrides.insert(weiStrides.end(), kStrides.begin(), kStrides.end());
  if (groups > 1) {
    weiDims.insert(weiDims.begin(), groups);
    weiStrides.insert(weiStrides.begin(), (ic / groups) * ocPerGroup * kernel);
  }
  memory::desc userWei(weiDims, memory::data_type::f32, weiStrides);
  memory::desc srcMd = tensorMd(src), dstMd = tensorMd(dst);
  memory::desc biasMd = hasBias ? tensorMd(*bias) : memory::desc();
  return createConvLike<dnnl::deconvolution_forward>(
      d, ci, dnnl::algorithm::deconvolution_direct, srcMd, userWei, biasMd,
      dstMd);
}

PrimitivePtr aic::rt::createPool(const contract::Pool &d,
                                 const CreateInfo &ci) {
  int64_t alg = d.alg;
  if (alg < AIC_POOL_MAX || alg > AIC_POOL_AVG_EXCLUDE_PAD)
    invalid(ci, "unknown pooling alg " + std::to_string(alg));
  const Tensor &src = d.src, &dst = d.dst;
  size_t nsp = spatialRank(ci, "kernel", d.kernel);
  requireInts(ci, "kernel", d.kernel, nsp, 1, kMaxWindow);
  requireInts(ci, "strides", d.strides, nsp, 1, kMaxWindow);
  requireInts(ci, "dilations", d.dilations, nsp, 1, kMaxWindow);
  requireInts(ci, "pads_begin", d.pads_begin, nsp, 0, kMaxWindow);
  requireInts(ci, "pads_end", d.pads_end, nsp, 0, kMaxWindow);

  // oneDNN max pooling also runs on 8- and 32-bit integers.
  bool integerMax =
      alg == AIC_POOL_MAX && src.dtype == dst.dtype &&
      (src.dtype == AIC_DTYPE_UINT8 || src.dtype == AIC_DTYPE_INT8 ||
       src.dtype == AIC_DTYPE_INT32);
  if (!integerMax)
    requireF32(ci, {&src, &dst});
  requireRank(ci, "src", src, nsp + 2);
  requireRank(ci, "dst", dst, nsp + 2);
  checkWindowOutput(ci, src, dst, d.kernel, 0, d.strides, d.dilations,
                    d.pads_begin, d.pads_end, /*sameChannels=*/true);
  // pads_end is the most end padding (ceil_mode over a run-time dim pads
  // by up to stride - 1); the least that gives dst is what the windows
  // read, and what oneDNN, which bounds the padding by the window, takes.
  std::vector<int64_t> padsEnd = d.pads_end;
  for (size_t i = 0; i < nsp; ++i) {
    int64_t extent = (d.kernel[i] - 1) * d.dilations[i] + 1;
    int64_t needed = (dst.dims[2 + i] - 1) * d.strides[i] + extent -
                     src.dims[2 + i] - d.pads_begin[i];
    padsEnd[i] = std::clamp<int64_t>(needed, 0, padsEnd[i]);
  }
  dnnl::algorithm a = alg == AIC_POOL_MAX ? dnnl::algorithm::pooling_max
                      : alg == AIC_POOL_AVG_INCLUDE_PAD
                          ? dnnl::algorithm::pooling_avg_include_padding
                          : dnnl::algorithm::pooling_avg_exclude_padding;
  memory::desc srcMd = tensorMd(src), dstMd = tensorMd(dst);
  // pooling_v2 because it is the one with dilation support; inference
  // max pooling needs no workspace.
  dnnl::pooling_v2_forward::desc pooling(
      dnnl::prop_kind::forward_inference, a, srcMd, dstMd, d.strides, d.kernel,
      minusOne(d.dilations), d.pads_begin, padsEnd);
  dnnl::pooling_v2_forward::primitive_desc pd(pooling, makeAttr(), ci.engine);
  std::vector<ArgSlot> slots{{DNNL_ARG_SRC, srcMd}, {DNNL_ARG_DST, dstMd}};
  // oneDNN's f32 max pooling skips NaN; ONNX's gives NaN.
  if (alg == AIC_POOL_MAX && !integerMax)
    return makeMaxPoolKeepingNaN(
        ci.label, ci.engine, dnnl::pooling_v2_forward(pd), std::move(slots),
        pd.scratchpad_desc(), srcMd, dstMd,
        {d.kernel, d.strides, d.dilations, d.pads_begin});
  return std::make_unique<DnnlPrimitive>(
      ci.label, ci.engine, dnnl::pooling_v2_forward(pd), std::move(slots),
      pd.scratchpad_desc());
}

/// Logical (transposed) view of a stored matmul operand of rank `rank`:
/// transposition swaps the last two dims together with their strides.
static memory::desc matmulOperand(const Tensor &t, int64_t rank, bool trans) {
  memory::dims dims = padDims(t.dims, rank);
  memory::dims strides = rowMajorStrides(dims);
  if (trans) {
    std::swap(dims[rank - 1], dims[rank - 2]);
    std::swap(strides[rank - 1], strides[rank - 2]);
  }
  return memory::desc(dims, toDnnl(t.dtype), strides);
}

PrimitivePtr aic::rt::createMatmul(const contract::Matmul &d,
                                   const CreateInfo &ci) {
  const Tensor &a = d.a, &b = d.b, &dst = d.dst;
  bool hasBias = d.bias.has_value();
  bool transA = d.trans_a, transB = d.trans_b, constB = d.b_const;
  float alpha = static_cast<float>(d.alpha);

  bool integer = isIntegerProduct(ci, a, b, hasBias ? &*d.bias : nullptr, dst,
                                  !d.post_ops.empty(), alpha != 1.0f);
  requirePlain(ci, {&a, &dst, hasBias ? &*d.bias : nullptr});
  // Weights packed at compile time come in oneDNN's blocked layout, as the
  // logical (untransposed) operand of the full rank.
  if (!b.isPlain() && (transB || b.rank() != dst.rank()))
    invalid(ci, "a blocked b " + shapeStr(b) +
                    " must be untransposed and of the rank of dst");
  int64_t rank = dst.rank();
  if (a.rank() < 2 || b.rank() < 2 || rank < std::max(a.rank(), b.rank()))
    invalid(ci, "ranks of a " + shapeStr(a) + ", b " + shapeStr(b) +
                    " and dst " + shapeStr(dst) + " do not fit a matmul");
  memory::desc aMd = matmulOperand(a, rank, transA);
  memory::desc bMd =
      b.isPlain() ? matmulOperand(b, rank, transB) : tensorMd(b, rank);
  memory::desc dstMd = tensorMd(dst);
  memory::dims ad = aMd.dims(), bd = bMd.dims(), dd = dstMd.dims();
  bool ok = ad[rank - 1] == bd[rank - 2] && ad[rank - 2] == dd[rank - 2] &&
            bd[rank - 1] == dd[rank - 1];
  for (int64_t i = 0; ok && i < rank - 2; ++i)
    ok = (ad[i] == dd[i] || ad[i] == 1) && (bd[i] == dd[i] || bd[i] == 1);
  if (!ok)
    invalid(ci, "a " + shapeStr(a) + (transA ? "^T" : "") + " x b " +
                    shapeStr(b) + (transB ? "^T" : "") + " does not give dst " +
                    shapeStr(dst));

  std::vector<ArgSlot> slots{{DNNL_ARG_SRC, aMd}, {DNNL_ARG_WEIGHTS, bMd}};
  dnnl::post_ops po;
  memory::desc biasMd;
  if (hasBias) {
    if (d.bias->rank() > rank)
      invalid(ci, "bias " + shapeStr(*d.bias) + " has a higher rank than dst");
    biasMd = tensorMd(*d.bias, rank);
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
  appendPostOps(ci, d.post_ops, dd, po, slots);

  // Constant weights go to oneDNN's preferred layout once (a transposed
  // ONNX Gemm weight read through strides is much slower).
  memory::desc weightsMd =
      constB ? memory::desc(bd, bMd.data_type(), memory::format_tag::any) : bMd;
  dnnl::matmul::desc md(aMd, weightsMd, biasMd, dstMd);
  dnnl::matmul::primitive_desc pd(md, makeAttr(po), ci.engine);
  if (integer)
    moveToExactInt8(ci, pd);
  if (constB)
    slots[1].adopt(pd.weights_desc(), ArgSlot::Kind::Constant);
  return std::make_unique<DnnlPrimitive>(ci.label, ci.engine, dnnl::matmul(pd),
                                         std::move(slots),
                                         pd.scratchpad_desc());
}
