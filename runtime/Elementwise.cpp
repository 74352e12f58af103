//===- Elementwise.cpp - ELTWISE, BINARY, SOFTMAX and CONCAT primitives ---===//

#include "Context.h"
#include "Dtype.h"
#include "Errors.h"
#include "NanFixup.h"
#include "Primitive.h"

#include <algorithm>
#include <array>
#include <cstring>

using namespace aic::rt;
using dnnl::memory;

PrimitivePtr aic::rt::createEltwise(const contract::Eltwise &d,
                                    const CreateInfo &ci) {
  if (d.alg < AIC_ELTWISE_RELU || d.alg > AIC_ELTWISE_ABS)
    invalid(ci, "unknown eltwise alg " + std::to_string(d.alg));
  requireF32(ci, {&d.src, &d.dst});
  requireSameType(ci, d.src, d.dst);
  memory::desc md = tensorMd(d.src);
  dnnl::eltwise_forward::desc ed(
      dnnl::prop_kind::forward_inference, eltwiseAlg(d.alg), md,
      static_cast<float>(d.alpha), static_cast<float>(d.beta));
  dnnl::eltwise_forward::primitive_desc pd(ed, makeAttr(), ci.engine);
  return std::make_unique<DnnlPrimitive>(
      ci.label, ci.engine, dnnl::eltwise_forward(pd),
      std::vector<ArgSlot>{{DNNL_ARG_SRC, md}, {DNNL_ARG_DST, md}},
      pd.scratchpad_desc());
}

PrimitivePtr aic::rt::createSoftmax(const contract::Softmax &d,
                                    const CreateInfo &ci) {
  int64_t axis = d.axis;
  requireF32(ci, {&d.src, &d.dst});
  requireSameType(ci, d.src, d.dst);
  requirePlain(ci, {&d.src});
  // A scalar is softmaxed as [1], so axis 0 is valid for it.
  if (axis < 0 || axis >= std::max<int64_t>(d.src.rank(), 1))
    invalid(ci, "axis " + std::to_string(axis) + " is out of range for " +
                    shapeStr(d.src));
  memory::desc md = tensorMd(d.src);
  std::vector<ArgSlot> slots{{DNNL_ARG_SRC, md}, {DNNL_ARG_DST, md}};
  auto prop = dnnl::prop_kind::forward_inference;
  int a = static_cast<int>(axis);
  // oneDNN's kernels leave rows with a NaN or +inf partly finite; ONNX's
  // (numpy's exp(x - max) / sum) gives NaN throughout.
  if (d.log) {
    dnnl::logsoftmax_forward::primitive_desc pd(
        dnnl::logsoftmax_forward::desc(prop, md, a), makeAttr(), ci.engine);
    return makeSoftmaxKeepingNaN(ci.label, ci.engine,
                                 dnnl::logsoftmax_forward(pd), std::move(slots),
                                 pd.scratchpad_desc(), md, a);
  }
  dnnl::softmax_forward::primitive_desc pd(
      dnnl::softmax_forward::desc(prop, md, a), makeAttr(), ci.engine);
  return makeSoftmaxKeepingNaN(ci.label, ci.engine, dnnl::softmax_forward(pd),
                               std::move(slots), pd.scratchpad_desc(), md, a);
}

//===--- BINARY -----------------------------------------------------------===//

namespace {

/// oneDNN 2.6 binary needs src0 to have the dst shape (only src1 may
/// broadcast). Binary wraps a oneDNN binary built for one of three ways of
/// meeting that and maps the exec arguments (a b dst post...) onto it.
class Binary : public DnnlPrimitive {
public:
  enum class Mode {
    Direct,     // a has the dst shape
    Swap,       // b has the dst shape and the op commutes: b op a
    BroadcastA, // copy a broadcast into dst, then dst = dst op b in place
  };

  Binary(std::string label, const dnnl::engine &engine, dnnl::primitive prim,
         std::vector<ArgSlot> slots, const memory::desc &scratchpad, Mode mode,
         memory::dims dstDims, memory::dims aStrides, size_t bBytes)
      : DnnlPrimitive(std::move(label), engine, std::move(prim),
                      std::move(slots), scratchpad),
        mode_(mode), dstDims_(std::move(dstDims)),
        aStrides_(std::move(aStrides)), bBytes_(bBytes) {}

  void exec(aicrt_exec_state &st, PrimState *ps, void *const *args) override;

  /// Whether oneDNN runs it with its reference kernel.
  bool reference = false;

private:
  void broadcastA(const float *a, float *dst) const;

  Mode mode_;
  memory::dims dstDims_;
  memory::dims aStrides_; // 0 along broadcast dims
  size_t bBytes_;
};

void Binary::broadcastA(const float *a, float *dst) const {
  size_t rank = dstDims_.size();
  int64_t inner = dstDims_[rank - 1], innerStride = aStrides_[rank - 1];
  int64_t total = 1;
  for (int64_t d : dstDims_)
    total *= d;
  if (total == 0)
    return;
  std::array<int64_t, kMaxTensorRank> idx{};
  for (int64_t row = 0; row < total / inner; ++row) {
    int64_t off = 0;
    for (size_t i = 0; i + 1 < rank; ++i)
      off += idx[i] * aStrides_[i];
    float *out = dst + row * inner;
    for (int64_t j = 0; j < inner; ++j)
      out[j] = a[off + j * innerStride];
    // Odometer increment over the outer dims.
    for (size_t i = rank - 1; i-- > 0;) {
      if (++idx[i] < dstDims_[i])
        break;
      idx[i] = 0;
    }
  }
}

void Binary::exec(aicrt_exec_state &st, PrimState *ps, void *const *args) {
  if (mode_ == Mode::Direct)
    return DnnlPrimitive::exec(st, ps, args);
  // 3 fixed arguments plus at most 32 post-op operands.
  std::array<void *, 3 + 32> mapped;
  std::copy(args, args + numArgs(), mapped.begin());
  if (mode_ == Mode::Swap) {
    std::swap(mapped[0], mapped[1]);
  } else {
    auto *dst = static_cast<char *>(args[2]);
    auto *b = static_cast<char *>(args[1]);
    size_t dstBytes = 4;
    for (int64_t d : dstDims_)
      dstBytes *= d;
    // The in-place trick would clobber b before it is read.
    if (b < dst + dstBytes && dst < b + bBytes_)
      fail(AIC_ERROR_RUNTIME,
           label() + ": operand b overlaps dst while a is broadcast");
    broadcastA(static_cast<const float *>(args[0]),
               static_cast<float *>(args[2]));
    mapped[0] = args[2];
  }
  DnnlPrimitive::exec(st, ps, mapped.data());
}

} // namespace

namespace {
/// `d` with every tensor's dims (padded to dst's rank) stripped of those
/// where dst has extent 1, which all operands have too, and with `lead`
/// one leading unit dim added: for dense row-major tensors, the same bytes.
/// oneDNN 2.6's binary kernel applies a per-channel post-op operand wrongly
/// to a 3-D dst whose last dim is 1 (dst [3, 4, 1] plus a [1, 4, 1] addend
/// adds its element 0 everywhere); without unit dims that shape does not
/// arise. Blocked layouts, and ranks the factory rejects anyway, are left
/// alone.
aic::contract::Binary squeezeUnitDims(const aic::contract::Binary &d,
                                      bool lead) {
  int64_t rank = d.dst.rank();
  std::vector<const Tensor *> all{&d.a, &d.b, &d.dst};
  for (const PostOp &op : d.post_ops)
    if (op.kind == AIC_POSTOP_BINARY)
      all.push_back(&op.operand);
  for (const Tensor *t : all)
    if (!t->isPlain() || t->rank() > rank)
      return d;
  const std::vector<int64_t> &dd = d.dst.dims;
  int64_t kept =
      std::count_if(dd.begin(), dd.end(), [](int64_t e) { return e != 1; });
  auto squeeze = [&](const Tensor &t) {
    memory::dims td = padDims(t.dims, rank);
    Tensor out;
    out.dtype = t.dtype;
    if ((lead && kept < kMaxTensorRank) || kept == 0)
      out.dims.push_back(1);
    for (int64_t i = 0; i < rank; ++i)
      if (dd[i] != 1)
        out.dims.push_back(td[i]);
    return out;
  };
  aic::contract::Binary s = d;
  s.a = squeeze(d.a);
  s.b = squeeze(d.b);
  s.dst = squeeze(d.dst);
  for (PostOp &op : s.post_ops)
    if (op.kind == AIC_POSTOP_BINARY)
      op.operand = squeeze(op.operand);
  return s;
}
} // namespace

/// The primitive for `d`, whose dims are as the kernel gets them.
static std::unique_ptr<Binary> makeBinary(const aic::contract::Binary &d,
                                          const CreateInfo &ci) {
  int64_t alg = d.alg;
  if (alg < AIC_BINARY_ADD || alg > AIC_BINARY_MIN)
    invalid(ci, "unknown binary alg " + std::to_string(alg));
  const Tensor &a = d.a, &b = d.b, &dst = d.dst;

  requireF32(ci, {&a, &b, &dst});
  int64_t rank = std::max<int64_t>(dst.rank(), 1);
  if (a.rank() > dst.rank() || b.rank() > dst.rank())
    invalid(ci, "operands " + shapeStr(a) + " and " + shapeStr(b) +
                    " have a higher rank than dst " + shapeStr(dst));
  memory::dims ad = padDims(a.dims, rank), bd = padDims(b.dims, rank);
  memory::dims dd = padDims(dst.dims, rank);
  requireBroadcastable(ci, "a", ad, dd);
  requireBroadcastable(ci, "b", bd, dd);
  for (int64_t i = 0; i < rank; ++i)
    if (dd[i] != 1 && ad[i] != dd[i] && bd[i] != dd[i])
      invalid(ci, "dst " + shapeStr(dst) + " is larger than the broadcast of " +
                      shapeStr(a) + " and " + shapeStr(b));

  bool commutes = alg == AIC_BINARY_ADD || alg == AIC_BINARY_MUL ||
                  alg == AIC_BINARY_MAX || alg == AIC_BINARY_MIN;
  Binary::Mode mode = ad == dd               ? Binary::Mode::Direct
                      : bd == dd && commutes ? Binary::Mode::Swap
                                             : Binary::Mode::BroadcastA;
  // A broadcast a is expanded by hand into dst, which needs both plain.
  if (mode == Binary::Mode::BroadcastA)
    requirePlain(ci, {&a, &dst});
  memory::desc aMd = tensorMd(a, rank), bMd = tensorMd(b, rank);
  memory::desc dstMd = tensorMd(dst, rank);
  memory::desc src0 = mode == Binary::Mode::Direct ? aMd
                      : mode == Binary::Mode::Swap ? bMd
                                                   : dstMd;
  memory::desc src1 = mode == Binary::Mode::Swap ? aMd : bMd;

  std::vector<ArgSlot> slots{
      {DNNL_ARG_SRC_0, src0}, {DNNL_ARG_SRC_1, src1}, {DNNL_ARG_DST, dstMd}};
  dnnl::post_ops po;
  appendPostOps(ci, d.post_ops, dd, po, slots);
  dnnl::binary::desc desc(binaryAlg(alg), src0, src1, dstMd);
  dnnl::binary::primitive_desc pd(desc, makeAttr(po), ci.engine);

  memory::dims aStrides = rowMajorStrides(ad);
  for (int64_t i = 0; i < rank; ++i)
    if (ad[i] != dd[i])
      aStrides[i] = 0;
  auto prim = std::make_unique<Binary>(ci.label, ci.engine, dnnl::binary(pd),
                                       std::move(slots), pd.scratchpad_desc(),
                                       mode, dd, aStrides, bMd.get_size());
  prim->reference = std::string(pd.impl_info_str()).rfind("ref", 0) == 0;
  return prim;
}

PrimitivePtr aic::rt::createBinary(const contract::Binary &given,
                                   const CreateInfo &ci) {
  // oneDNN's JIT kernel takes an operand varying along the first dim only
  // in its per-channel form, behind a leading unit dim ([3, 320, 320] -
  // [3, 1, 1] as [1, 3, 320, 320] - [1, 3, 1, 1]); as it is, only its
  // reference kernel does, some 1000x slower. Other shapes are the other
  // way round ([2, 16, 8, 8] + [1, 16, 1, 1] is per-channel as it is): the
  // form with the leading dim is tried where the first has no JIT kernel.
  contract::Binary first = squeezeUnitDims(given, false);
  std::unique_ptr<Binary> prim = makeBinary(first, ci);
  if (prim->reference) {
    contract::Binary lead = squeezeUnitDims(given, true);
    if (lead.dst.dims != first.dst.dims) {
      std::unique_ptr<Binary> other = makeBinary(lead, ci);
      if (!other->reference)
        prim = std::move(other);
    }
  }
  return prim;
}

//===--- CONCAT -----------------------------------------------------------===//

namespace {

/// Concat of types oneDNN does not have (int64, float64, ...) or with empty
/// inputs: dense row-major concat is a byte copy of contiguous rows.
class CopyConcat : public Primitive {
public:
  CopyConcat(std::string label, int64_t outer, std::vector<size_t> rowBytes)
      : Primitive(std::move(label), static_cast<int>(rowBytes.size()) + 1),
        outer_(outer), rowBytes_(std::move(rowBytes)) {
    for (size_t b : rowBytes_)
      dstRow_ += b;
  }

  void exec(aicrt_exec_state &, PrimState *, void *const *args) override {
    auto *dst = static_cast<char *>(args[rowBytes_.size()]);
    for (int64_t o = 0; o < outer_; ++o) {
      char *out = dst + o * dstRow_;
      for (size_t i = 0; i < rowBytes_.size(); ++i) {
        std::memcpy(out, static_cast<const char *>(args[i]) + o * rowBytes_[i],
                    rowBytes_[i]);
        out += rowBytes_[i];
      }
    }
  }

private:
  int64_t outer_;                // product of the dims before the axis
  std::vector<size_t> rowBytes_; // per input: bytes from the axis on
  size_t dstRow_ = 0;
};

} // namespace

PrimitivePtr aic::rt::createConcat(const contract::Concat &d,
                                   const CreateInfo &ci) {
  int64_t axis = d.axis;
  const std::vector<Tensor> &ins = d.inputs;
  const Tensor &dst = d.dst;
  if (ins.empty())
    invalid(ci, "no inputs");
  if (axis < 0 || axis >= dst.rank())
    invalid(ci, "axis " + std::to_string(axis) + " is out of range for dst " +
                    shapeStr(dst));
  int64_t axisSum = 0;
  bool anyEmpty = false;
  for (const Tensor &t : ins) {
    bool ok = t.dtype == dst.dtype && t.rank() == dst.rank();
    for (int64_t i = 0; ok && i < dst.rank(); ++i)
      ok = i == axis || t.dims[i] == dst.dims[i];
    if (!ok)
      invalid(ci, "input " + std::string(dtypeName(t.dtype)) + shapeStr(t) +
                      " does not fit dst " + dtypeName(dst.dtype) +
                      shapeStr(dst) + " along axis " + std::to_string(axis));
    axisSum += t.dims[axis];
    anyEmpty |= numElements(t) == 0;
  }
  if (axisSum != dst.dims[axis])
    invalid(ci, "inputs add up to " + std::to_string(axisSum) + " along axis " +
                    std::to_string(axis) + ", dst has " + shapeStr(dst));

  if (toDnnl(dst.dtype) == memory::data_type::undef || anyEmpty ||
      numElements(dst) == 0) {
    int64_t outer = 1;
    for (int64_t i = 0; i < axis; ++i)
      outer *= dst.dims[i];
    std::vector<size_t> rowBytes;
    for (const Tensor &t : ins) {
      size_t bytes = dtypeSize(t.dtype);
      for (int64_t i = axis; i < t.rank(); ++i)
        bytes *= t.dims[i];
      rowBytes.push_back(bytes);
    }
    for (const Tensor &t : ins)
      requirePlain(ci, {&t});
    requirePlain(ci, {&dst});
    return std::make_unique<CopyConcat>(ci.label, outer, std::move(rowBytes));
  }

  std::vector<memory::desc> srcMds;
  std::vector<ArgSlot> slots;
  for (size_t i = 0; i < ins.size(); ++i) {
    srcMds.push_back(tensorMd(ins[i]));
    slots.push_back({DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), srcMds[i]});
  }
  memory::desc dstMd = tensorMd(dst);
  slots.push_back({DNNL_ARG_DST, dstMd});
  dnnl::concat::primitive_desc pd(dstMd, static_cast<int>(axis), srcMds,
                                  ci.engine, makeAttr());
  return std::make_unique<DnnlPrimitive>(ci.label, ci.engine, dnnl::concat(pd),
                                         std::move(slots),
                                         pd.scratchpad_desc());
}

//===--- REORDER ----------------------------------------------------------===//

PrimitivePtr aic::rt::createReorder(const contract::Reorder &d,
                                    const CreateInfo &ci) {
  if (d.src.dtype != d.dst.dtype || d.src.dims != d.dst.dims)
    invalid(ci, std::string("dst ") + dtypeName(d.dst.dtype) + shapeStr(d.dst) +
                    " differs from src " + dtypeName(d.src.dtype) +
                    shapeStr(d.src));
  if (toDnnl(d.src.dtype) == memory::data_type::undef)
    fail(AIC_ERROR_UNSUPPORTED, ci.label + ": dtype " + dtypeName(d.src.dtype) +
                                    " not supported by kind " + ci.kind);
  memory::desc srcMd = tensorMd(d.src), dstMd = tensorMd(d.dst);
  dnnl::reorder::primitive_desc pd(ci.engine, srcMd, ci.engine, dstMd,
                                   makeAttr());
  return std::make_unique<DnnlPrimitive>(
      ci.label, ci.engine, dnnl::reorder(pd),
      std::vector<ArgSlot>{{DNNL_ARG_FROM, srcMd}, {DNNL_ARG_TO, dstMd}},
      pd.scratchpad_desc());
}
