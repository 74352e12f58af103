//===- Primitive.cpp - aicrt_create/aicrt_exec and oneDNN plumbing --------===//

#include "Primitive.h"

#include "Context.h"
#include "Dtype.h"
#include "Errors.h"
#include "NanGuard.h"
#include "Shaped.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>

#include <sys/mman.h>

using namespace aic::rt;
using dnnl::memory;

//===--- Helpers ----------------------------------------------------------===//

AlignedBuffer aic::rt::allocAligned(size_t bytes) {
  // aligned_alloc wants a multiple of the alignment, and a zero-byte arena
  // still needs a valid, aligned pointer.
  size_t rounded = std::max<size_t>(64, (bytes + 63) / 64 * 64);
  if (rounded < bytes)
    throw std::bad_alloc();
  // Buffers of 2 MiB or more (arenas, large outputs) start on a 2 MiB
  // boundary and ask for transparent huge pages over the whole 2 MiB pages
  // they cover: a first run touches a ResNet's arena in a few page faults
  // instead of thousands, and the TLB covers more of it. Where the kernel
  // has no huge pages, madvise fails and nothing changes.
  constexpr size_t kHuge = size_t(2) << 20;
  if (rounded < kHuge) {
    void *p = std::aligned_alloc(64, rounded);
    if (!p)
      throw std::bad_alloc();
    return AlignedBuffer(p);
  }
  size_t whole = (rounded + kHuge - 1) / kHuge * kHuge;
  if (whole < rounded)
    throw std::bad_alloc();
  void *p = std::aligned_alloc(kHuge, whole);
  if (!p)
    throw std::bad_alloc();
  // Only the pages the buffer fills: a tail page would cost 2 MiB of memory
  // for a few bytes used.
  (void)madvise(p, rounded / kHuge * kHuge, MADV_HUGEPAGE);
  return AlignedBuffer(p);
}

memory::data_type aic::rt::toDnnl(int64_t dtype) {
  switch (dtype) {
  case AIC_DTYPE_FLOAT32:
    return memory::data_type::f32;
  case AIC_DTYPE_FLOAT16:
    return memory::data_type::f16;
  case AIC_DTYPE_BFLOAT16:
    return memory::data_type::bf16;
  case AIC_DTYPE_INT32:
    return memory::data_type::s32;
  case AIC_DTYPE_INT8:
    return memory::data_type::s8;
  case AIC_DTYPE_UINT8:
  case AIC_DTYPE_BOOL: // one byte; only ever copied
    return memory::data_type::u8;
  default:
    return memory::data_type::undef;
  }
}

memory::dims aic::rt::padDims(const std::vector<int64_t> &dims, int64_t rank) {
  rank = std::max<int64_t>({rank, 1, static_cast<int64_t>(dims.size())});
  memory::dims out(rank - dims.size(), 1);
  out.insert(out.end(), dims.begin(), dims.end());
  return out;
}

memory::dims aic::rt::rowMajorStrides(const memory::dims &dims) {
  memory::dims strides(dims.size());
  int64_t s = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(dims[i], 1);
  }
  return strides;
}

memory::desc aic::rt::tensorMd(const Tensor &t, int64_t rank) {
  if (t.isPlain()) {
    memory::dims dims = padDims(t.dims, rank);
    return memory::desc(dims, toDnnl(t.dtype), rowMajorStrides(dims));
  }
  if (rank > t.rank())
    fail(AIC_ERROR_INVALID_MODEL, "a blocked tensor " + shapeStr(t) +
                                      " cannot broadcast to rank " +
                                      std::to_string(rank));
  // oneDNN's blocking descriptor: padded dims, the strides of the outer
  // dims and the inner blocks (the decoder bounded every size).
  dnnl_memory_desc_t c{};
  c.ndims = static_cast<int>(t.rank());
  c.data_type = static_cast<dnnl_data_type_t>(toDnnl(t.dtype));
  c.format_kind = dnnl_blocked;
  dnnl_blocking_desc_t &blk = c.format_desc.blocking;
  std::vector<int64_t> perDim(t.rank(), 1);
  int64_t inner = 1;
  for (const contract::Block &b : t.blocks) {
    blk.inner_blks[blk.inner_nblks] = b.size;
    blk.inner_idxs[blk.inner_nblks] = b.dim;
    ++blk.inner_nblks;
    perDim[b.dim] *= b.size;
    inner *= b.size;
  }
  for (int64_t d = 0; d < t.rank(); ++d) {
    c.dims[d] = t.dims[d];
    c.padded_dims[d] = (t.dims[d] + perDim[d] - 1) / perDim[d] * perDim[d];
  }
  int64_t stride = inner;
  for (size_t k = t.order.size(); k-- > 0;) {
    int64_t d = t.order[k];
    blk.strides[d] = stride;
    stride *= std::max<int64_t>(c.padded_dims[d] / perDim[d], 1);
  }
  return memory::desc(c);
}

void aic::rt::requirePlain(const CreateInfo &ci,
                           std::initializer_list<const Tensor *> tensors) {
  for (const Tensor *t : tensors)
    if (t && !t->isPlain())
      fail(AIC_ERROR_UNSUPPORTED, ci.label + ": kind " + ci.kind +
                                      " takes dense row-major tensors only, " +
                                      "not a blocked " + shapeStr(*t));
}

void aic::rt::invalid(const CreateInfo &ci, const std::string &what) {
  fail(AIC_ERROR_INVALID_MODEL,
       ci.label + ": invalid " + ci.kind + " descriptor: " + what);
}

void aic::rt::requireF32(const CreateInfo &ci,
                         std::initializer_list<const Tensor *> tensors) {
  for (const Tensor *t : tensors)
    if (t && t->dtype != AIC_DTYPE_FLOAT32)
      fail(AIC_ERROR_UNSUPPORTED, ci.label + ": dtype " + dtypeName(t->dtype) +
                                      " not supported by kind " + ci.kind);
}

void aic::rt::requireInts(const CreateInfo &ci, const char *what,
                          const std::vector<int64_t> &v, size_t n, int64_t lo,
                          int64_t hi) {
  if (v.size() != n)
    invalid(ci, std::string(what) + " has " + std::to_string(v.size()) +
                    " entries, expected " + std::to_string(n));
  for (int64_t x : v)
    if (x < lo || x > hi)
      invalid(ci, std::string(what) + " entry " + std::to_string(x) +
                      " is outside [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]");
}

void aic::rt::requireSameType(const CreateInfo &ci, const Tensor &src,
                              const Tensor &dst) {
  if (src != dst)
    invalid(ci, std::string("dst ") + dtypeName(dst.dtype) + shapeStr(dst) +
                    " differs from src " + dtypeName(src.dtype) +
                    shapeStr(src));
}

static std::string dimsStr(const memory::dims &dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

void aic::rt::requireBroadcastable(const CreateInfo &ci, const char *what,
                                   const memory::dims &operand,
                                   const memory::dims &dst) {
  bool ok = operand.size() == dst.size();
  for (size_t i = 0; ok && i < dst.size(); ++i)
    ok = operand[i] == dst[i] || operand[i] == 1;
  if (!ok)
    invalid(ci, std::string(what) + " " + dimsStr(operand) +
                    " does not broadcast to " + dimsStr(dst));
}

dnnl::algorithm aic::rt::eltwiseAlg(int64_t alg) {
  switch (alg) {
  case AIC_ELTWISE_RELU:
    return dnnl::algorithm::eltwise_relu;
  case AIC_ELTWISE_SIGMOID:
    return dnnl::algorithm::eltwise_logistic;
  case AIC_ELTWISE_TANH:
    return dnnl::algorithm::eltwise_tanh;
  case AIC_ELTWISE_CLIP:
    return dnnl::algorithm::eltwise_clip_v2;
  case AIC_ELTWISE_EXP:
    return dnnl::algorithm::eltwise_exp;
  case AIC_ELTWISE_LINEAR:
    return dnnl::algorithm::eltwise_linear;
  case AIC_ELTWISE_SWISH:
    return dnnl::algorithm::eltwise_swish;
  case AIC_ELTWISE_HARDSWISH:
    return dnnl::algorithm::eltwise_hardswish;
  case AIC_ELTWISE_GELU_ERF:
    return dnnl::algorithm::eltwise_gelu_erf;
  case AIC_ELTWISE_GELU_TANH:
    return dnnl::algorithm::eltwise_gelu_tanh;
  case AIC_ELTWISE_ELU:
    return dnnl::algorithm::eltwise_elu;
  case AIC_ELTWISE_ABS:
    return dnnl::algorithm::eltwise_abs;
  default:
    fail(AIC_ERROR_INVALID_MODEL, "unknown eltwise alg " + std::to_string(alg));
  }
}

dnnl::algorithm aic::rt::binaryAlg(int64_t alg) {
  switch (alg) {
  case AIC_BINARY_ADD:
    return dnnl::algorithm::binary_add;
  case AIC_BINARY_SUB:
    return dnnl::algorithm::binary_sub;
  case AIC_BINARY_MUL:
    return dnnl::algorithm::binary_mul;
  case AIC_BINARY_DIV:
    return dnnl::algorithm::binary_div;
  case AIC_BINARY_MAX:
    return dnnl::algorithm::binary_max;
  case AIC_BINARY_MIN:
    return dnnl::algorithm::binary_min;
  default:
    fail(AIC_ERROR_INVALID_MODEL, "unknown binary alg " + std::to_string(alg));
  }
}

void aic::rt::appendPostOps(const CreateInfo &ci,
                            const std::vector<PostOp> &ops,
                            const memory::dims &dstDims, dnnl::post_ops &po,
                            std::vector<ArgSlot> &slots) {
  for (const PostOp &op : ops) {
    if (op.kind == AIC_POSTOP_ELTWISE) {
      po.append_eltwise(1.0f, eltwiseAlg(op.alg), static_cast<float>(op.alpha),
                        static_cast<float>(op.beta));
      continue;
    }
    if (op.kind == AIC_POSTOP_SUM) {
      po.append_sum(static_cast<float>(op.alpha));
      continue;
    }
    requireF32(ci, {&op.operand});
    if (op.operand.rank() > static_cast<int64_t>(dstDims.size()))
      invalid(ci, "post-op operand " + shapeStr(op.operand) +
                      " has a higher rank than the output");
    memory::desc md = tensorMd(op.operand, dstDims.size());
    requireBroadcastable(ci, "post-op operand", md.dims(), dstDims);
    // The index counts every post-op in the chain, including ones a kind
    // prepends (matmul's alpha), hence po.len() rather than a local count.
    int index = po.len();
    po.append_binary(binaryAlg(op.alg), md);
    slots.push_back(
        {DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1, md});
  }
}

dnnl::primitive_attr aic::rt::makeAttr(const dnnl::post_ops &po) {
  dnnl::primitive_attr attr;
  attr.set_post_ops(po);
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

//===--- DnnlPrimitive ----------------------------------------------------===//

void ArgSlot::adopt(const memory::desc &wanted, Kind ifDifferent) {
  if (wanted == md)
    return;
  userMd = md;
  md = wanted;
  kind = ifDifferent;
}

namespace {
struct DnnlState : PrimState {
  std::vector<memory> mems;  // one per slot, then the scratchpad
  std::vector<void *> bound; // caller pointer each slot's memory refers to
  std::vector<dnnl_exec_arg_t> cargs;
  // Staged slots: the caller's buffer in its own layout, and the argument
  // arrays of the reorders into and out of the staging buffer.
  std::vector<memory> userMems;
  std::vector<std::array<dnnl_exec_arg_t, 2>> stageInArgs, stageOutArgs;
};

void execute(const dnnl::primitive &p, dnnl::stream &stream, int n,
             const dnnl_exec_arg_t *args) {
  // The C API takes prebuilt argument arrays; the C++ one would build a
  // std::unordered_map and a vector on every call.
  dnnl_status_t rc = dnnl_primitive_execute(p.get(), stream.get(), n, args);
  if (rc != dnnl_success)
    throw dnnl::error(rc, "could not execute a primitive");
}

int stageOf(ArgSlot::Kind kind) {
  return kind == ArgSlot::Kind::StageIn ? kStageIn : kStageOut;
}
bool isStaged(ArgSlot::Kind kind) {
  return kind == ArgSlot::Kind::StageIn || kind == ArgSlot::Kind::StageOut ||
         kind == ArgSlot::Kind::StageInOut;
}
} // namespace

DnnlPrimitive::DnnlPrimitive(std::string label, const dnnl::engine &engine,
                             dnnl::primitive prim, std::vector<ArgSlot> slots,
                             const memory::desc &scratchpad)
    : Primitive(std::move(label), static_cast<int>(slots.size())),
      engine_(engine), prim_(std::move(prim)), slots_(std::move(slots)),
      scratchpad_(scratchpad) {
  int staged[kNumStages] = {};
  for (const ArgSlot &slot : slots_) {
    dnnl::primitive in, out;
    if (slot.kind == ArgSlot::Kind::StageIn ||
        slot.kind == ArgSlot::Kind::StageInOut)
      in = dnnl::reorder(dnnl::reorder::primitive_desc(engine_, slot.userMd,
                                                       engine_, slot.md));
    if (slot.kind == ArgSlot::Kind::StageOut ||
        slot.kind == ArgSlot::Kind::StageInOut)
      out = dnnl::reorder(dnnl::reorder::primitive_desc(engine_, slot.md,
                                                        engine_, slot.userMd));
    if (isStaged(slot.kind) && ++staged[stageOf(slot.kind)] > 1)
      fail(AIC_ERROR_RUNTIME, label_ + ": two arguments share a staging "
                                       "buffer");
    stageIn_.push_back(in);
    stageOut_.push_back(out);
  }
}

size_t DnnlPrimitive::scratchpadBytes() const { return scratchpad_.get_size(); }

bool DnnlPrimitive::findArg(int dnnlArg, size_t &index, size_t &bytes) const {
  for (size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].dnnlArg == dnnlArg) {
      index = i;
      bytes = (isStaged(slots_[i].kind) ? slots_[i].userMd : slots_[i].md)
                  .get_size();
      return true;
    }
  return false;
}

size_t DnnlPrimitive::stagingBytes(int stage) const {
  for (const ArgSlot &slot : slots_)
    if (isStaged(slot.kind) && stageOf(slot.kind) == stage)
      return slot.md.get_size();
  return 0;
}

std::unique_ptr<PrimState>
DnnlPrimitive::makeState(aicrt_exec_state &st) const {
  auto s = std::make_unique<DnnlState>();
  for (const ArgSlot &slot : slots_) {
    void *handle = nullptr;
    if (isStaged(slot.kind)) {
      handle = st.staging[stageOf(slot.kind)].get();
      s->userMems.emplace_back(slot.userMd, engine_, nullptr);
    } else {
      s->userMems.emplace_back();
    }
    s->mems.emplace_back(slot.md, engine_, handle);
    s->bound.push_back(nullptr);
    s->cargs.push_back({slot.dnnlArg, s->mems.back().get()});
    dnnl_memory_t user =
        s->userMems.back() ? s->userMems.back().get() : nullptr;
    dnnl_memory_t internal = s->mems.back().get();
    s->stageInArgs.push_back({dnnl_exec_arg_t{DNNL_ARG_FROM, user},
                              dnnl_exec_arg_t{DNNL_ARG_TO, internal}});
    s->stageOutArgs.push_back({dnnl_exec_arg_t{DNNL_ARG_FROM, internal},
                               dnnl_exec_arg_t{DNNL_ARG_TO, user}});
  }
  if (scratchpadBytes() > 0) {
    s->mems.emplace_back(scratchpad_, engine_, st.scratchpad.get());
    s->cargs.push_back({DNNL_ARG_SCRATCHPAD, s->mems.back().get()});
  }
  return s;
}

void *DnnlPrimitive::constantHandle(size_t slot, void *src,
                                    dnnl::stream &stream) {
  std::lock_guard<std::mutex> lock(reorderMutex_);
  for (const Reordered &r : reordered_)
    if (r.slot == slot && r.src == src)
      return r.mem.get_data_handle();
  memory user(slots_[slot].userMd, engine_, src);
  memory packed(slots_[slot].md, engine_);
  dnnl::reorder::primitive_desc direct(user, packed);
  // Between two blocked layouts (weights packed at compile time for
  // another thread count or CPU) oneDNN 2.6 may only have its generic
  // "simple" reorder, 100x slower than its jit ones to and from a dense
  // row-major layout: go through one.
  std::string impl = direct.impl_info_str();
  if (impl.rfind("simple", 0) == 0 || impl.rfind("ref", 0) == 0) {
    const memory::desc &md = slots_[slot].md;
    memory::desc plainMd(md.dims(), md.data_type(), rowMajorStrides(md.dims()));
    memory plain(plainMd, engine_);
    dnnl::reorder(user, plain).execute(stream, user, plain);
    dnnl::reorder(plain, packed).execute(stream, plain, packed);
  } else {
    dnnl::reorder(direct).execute(stream, user, packed);
  }
  stream.wait();
  reordered_.push_back({slot, src, packed});
  return packed.get_data_handle();
}

void DnnlPrimitive::exec(aicrt_exec_state &st, PrimState *ps,
                         void *const *args) {
  auto &s = *static_cast<DnnlState *>(ps);
  // Rebinding is rare: compiled code passes the same arena offsets and
  // weights every run, and a caller usually reuses its buffers.
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (args[i] == s.bound[i])
      continue;
    switch (slots_[i].kind) {
    case ArgSlot::Kind::Direct:
      s.mems[i].set_data_handle(args[i]);
      break;
    case ArgSlot::Kind::Constant:
      s.mems[i].set_data_handle(constantHandle(i, args[i], st.stream));
      break;
    default:
      s.userMems[i].set_data_handle(args[i]);
      break;
    }
    s.bound[i] = args[i];
  }
  for (size_t i = 0; i < slots_.size(); ++i)
    if (stageIn_[i])
      execute(stageIn_[i], st.stream, 2, s.stageInArgs[i].data());
  execute(prim_, st.stream, static_cast<int>(s.cargs.size()), s.cargs.data());
  for (size_t i = 0; i < slots_.size(); ++i)
    if (stageOut_[i])
      execute(stageOut_[i], st.stream, 2, s.stageOutArgs[i].data());
}

//===--- Entry points -----------------------------------------------------===//

namespace {
/// Whether descriptor kind `D` has a post-op chain.
template <class D, class = void> struct HasPostOps : std::false_type {};
template <class D>
struct HasPostOps<D, std::void_t<decltype(std::declval<D &>().post_ops)>>
    : std::true_type {};

/// `p`, the primitive of `d`, whose chain holds relu or clip post-ops,
/// guarded with the exact form of `d` (NanGuard.h).
template <class D>
PrimitivePtr guardNan(PrimitivePtr p, const D &d, const CreateInfo &ci,
                      PrimitivePtr (*factory)(const D &, const CreateInfo &)) {
  if constexpr (HasPostOps<D>::value) {
    bool clip = false;
    float lo = 0, hi = 0;
    D exact = d;
    exact.post_ops = exactChain(d.post_ops, clip, lo, hi);
    auto makeExact = [exact, label = ci.label, kind = ci.kind,
                      engine = &ci.engine, factory] {
      return factory(exact, CreateInfo{label, kind, *engine});
    };
    return std::make_unique<NanGuardedPrimitive>(std::move(p), makeExact, clip,
                                                 lo, hi);
  } else {
    (void)d, (void)ci, (void)factory;
    return p;
  }
}

/// Whether `t` has no elements.
bool isEmpty(const Tensor &t) {
  return std::find(t.dims.begin(), t.dims.end(), 0) != t.dims.end();
}

/// The primitive of `d`, a shape at which some exec tensor has no elements
/// (oneDNN does not take every empty shape: a matmul of no rows divides by
/// zero while it is created): nothing to do where the result is empty, and
/// a Concat without its empty inputs (a KV cache that starts empty); other
/// empty tensors are refused. `make` creates the primitive of a shape
/// without empty tensors.
template <class D>
PrimitivePtr buildEmpty(const D &d, const CreateInfo &ci,
                        const std::function<PrimitivePtr(const D &)> &make) {
  int numArgs = static_cast<int>(aic::contract::numExecArgs(d));
  // An RNN of no steps still gives its initial states; a layer norm's
  // statistics may have elements where its result has none.
  bool noResult = isEmpty(d.dst);
  if constexpr (std::is_same_v<D, aic::contract::Rnn>)
    noResult = false;
  if constexpr (std::is_same_v<D, aic::contract::LayerNorm>)
    noResult &= (!d.mean || isEmpty(*d.mean)) && (!d.var || isEmpty(*d.var));
  if (noResult)
    return std::make_unique<NoOpPrimitive>(ci.label, numArgs);
  if constexpr (std::is_same_v<D, aic::contract::Concat>) {
    D kept = d;
    kept.inputs.clear();
    std::vector<int> pick;
    for (size_t i = 0; i < d.inputs.size(); ++i)
      if (!isEmpty(d.inputs[i])) {
        kept.inputs.push_back(d.inputs[i]);
        pick.push_back(static_cast<int>(i));
      }
    pick.push_back(static_cast<int>(d.inputs.size())); // dst
    return std::make_unique<ArgSubsetPrimitive>(ci.label, numArgs, make(kept),
                                                std::move(pick));
  }
  int arg = 0;
  std::string which;
  D copy = d;
  aic::contract::forEachExecTensor(copy, [&](Tensor &t) {
    if (which.empty() && isEmpty(t))
      which = std::to_string(arg);
    ++arg;
  });
  fail(AIC_ERROR_UNSUPPORTED,
       ci.label + ": argument #" + which +
           " has no elements at run time (an empty tensor), which a " +
           ci.kind + " primitive does not take yet");
}

/// Decodes kind `D`, creates it with its factory and checks that the
/// factory's exec arguments agree with the contract.
template <class D>
PrimitivePtr build(const int64_t *desc, int64_t len, const CreateInfo &ci,
                   PrimitivePtr (*factory)(const D &, const CreateInfo &),
                   OpInfo &info, const std::atomic<size_t> &shapeCache,
                   bool &nanGuarded) {
  std::string prefix = ci.label + ": invalid " + ci.kind + " descriptor";
  D d = decode<D>(desc, len, prefix, /*allowDynamicDims=*/true);
  bool guarded = false;
  if constexpr (HasPostOps<D>::value)
    guarded = isNanGuardedChain(d.post_ops);
  nanGuarded |= guarded;
  size_t numDims = 0;
  std::vector<ShapedPrimitive::ArgShape> argShapes;
  aic::contract::forEachExecTensor(d, [&](Tensor &t) {
    ShapedPrimitive::ArgShape arg;
    for (int64_t dim : t.dims) {
      if (dim == AIC_DIM_DYNAMIC)
        arg.dims.push_back(numDims++);
      else
        arg.empty |= dim == 0;
    }
    argShapes.push_back(std::move(arg));
  });
  if (numDims > 0) {
    // Created per shape: the run-time dims fill in the descriptor, which
    // then takes the static path below.
    auto specialize = [d, label = ci.label, kind = ci.kind, engine = &ci.engine,
                       factory](const int64_t *dims) {
      D concrete = d;
      aic::contract::forEachExecTensor(concrete, [&](Tensor &t) {
        for (int64_t &dim : t.dims)
          if (dim == AIC_DIM_DYNAMIC)
            dim = *dims++;
      });
      CreateInfo at{label, kind, *engine};
      auto make = [&](const D &shaped) {
        std::vector<int64_t> words = aic::contract::encode(shaped);
        OpInfo unused;
        static const std::atomic<size_t> kNoCache{0};
        bool alsoGuarded = false;
        return build<D>(words.data(), static_cast<int64_t>(words.size()), at,
                        factory, unused, kNoCache, alsoGuarded);
      };
      bool empty = false;
      aic::contract::forEachExecTensor(concrete,
                                       [&](Tensor &t) { empty |= isEmpty(t); });
      return empty ? buildEmpty<D>(concrete, at, make) : make(concrete);
    };
    info = OpInfo{};
    return std::make_unique<ShapedPrimitive>(
        ci.label, static_cast<int>(aic::contract::numExecArgs(d)), numDims,
        std::move(argShapes), specialize, shapeCache);
  }
  PrimitivePtr p = factory(d, ci);
  info = opInfo(d);
  if (p->numArgs() != aic::contract::numExecArgs(d))
    fail(AIC_ERROR_RUNTIME, ci.label + ": internal error: the runtime takes " +
                                std::to_string(p->numArgs()) +
                                " exec arguments, the contract says " +
                                std::to_string(aic::contract::numExecArgs(d)));
  return guarded ? guardNan(std::move(p), d, ci, factory) : std::move(p);
}

/// Creates the primitive of descriptor `desc` (kind word first); sets
/// `kind` to its name and `info` to what profiles show of it.
PrimitivePtr create(const int64_t *desc, int64_t len, const std::string &label,
                    const dnnl::engine &engine, const char *&kind, OpInfo &info,
                    const std::atomic<size_t> &shapeCache, bool &nanGuarded) {
  switch (desc[0]) {
#define AIC_PRIM(Name, KIND, code)                                             \
  case AIC_PRIM_##KIND:                                                        \
    kind = aic::contract::Name::kName;                                         \
    return build<aic::contract::Name>(desc, len, {label, kind, engine},        \
                                      create##Name, info, shapeCache,          \
                                      nanGuarded);
#include "aic/primitives.def"
  }
  fail(AIC_ERROR_INVALID_MODEL,
       label + ": unknown primitive kind " + std::to_string(desc[0]));
}
} // namespace

/// Status and message of the exception being handled, with `label` in front
/// of messages that do not already carry it (oneDNN's, std's).
static aic_status_t handleException(const std::string *label,
                                    aic_status_t invalidArgs,
                                    std::string &message) noexcept {
  aic_status_t status = currentExceptionStatus(message, invalidArgs);
  try {
    throw;
  } catch (const Error &) {
  } catch (...) {
    try {
      if (label && !label->empty())
        message = *label + ": " + message;
    } catch (...) {
    }
  }
  return status;
}

AIC_RT_EXPORT int32_t aicrt_create(aicrt_context *ctx, int32_t prim_id,
                                   const int64_t *desc, int64_t desc_len,
                                   const char *name) {
  if (!ctx)
    return report(AIC_ERROR_INVALID_ARGUMENT, "aicrt_create: context is NULL");
  std::string label;
  try {
    label = std::string("primitive '") + (name ? name : "<unnamed>") + "'";
    if (prim_id < 0 || static_cast<size_t>(prim_id) >= ctx->prims.size())
      fail(AIC_ERROR_INVALID_MODEL,
           label + ": id " + std::to_string(prim_id) + " is outside [0, " +
               std::to_string(ctx->prims.size()) + ") of the metadata");
    if (ctx->prims[prim_id])
      fail(AIC_ERROR_INVALID_MODEL,
           label + ": id " + std::to_string(prim_id) + " created twice");
    if (!desc || desc_len <= 0)
      fail(AIC_ERROR_INVALID_MODEL, label + ": empty descriptor");
    const char *kind = "";
    OpInfo info;
    bool nanGuarded = false;
    PrimitivePtr p = create(desc, desc_len, label, ctx->engine, kind, info,
                            ctx->shapeCache, nanGuarded);
    if (nanGuarded)
      ctx->nanGuarded.store(true);
    p->setProfile({name ? name : "<unnamed>", kind, std::move(info)});
    ctx->prims[prim_id] = std::move(p);
    return AIC_OK;
  } catch (...) {
    std::string message;
    // Invalid arguments while creating means the descriptor is inconsistent.
    aic_status_t status =
        handleException(&label, AIC_ERROR_INVALID_MODEL, message);
    if (ctx->status == AIC_OK) {
      ctx->status = status;
      try {
        ctx->error = message;
      } catch (...) {
      }
    }
    setLastError(message);
    return status;
  }
}

/// aicrt_exec and aicrt_exec_dims: checks the call, then `run(p, ps)` the
/// primitive (timed while profiling); returns the status.
template <class Run>
static int32_t execChecked(aicrt_exec_state *state, int32_t prim_id,
                           void *const *args, int32_t num_args, Run &&run,
                           const int64_t *dims = nullptr,
                           int32_t num_dims = 0) {
  if (!state || !state->ctx)
    return report(AIC_ERROR_INVALID_ARGUMENT, "aicrt_exec: state is NULL");
  Primitive *p = nullptr;
  try {
    auto &prims = state->ctx->prims;
    if (prim_id < 0 || static_cast<size_t>(prim_id) >= prims.size() ||
        !prims[prim_id])
      fail(AIC_ERROR_INVALID_MODEL, "aicrt_exec: primitive #" +
                                        std::to_string(prim_id) +
                                        " does not exist");
    p = prims[prim_id].get();
    if (num_args != p->numArgs())
      fail(AIC_ERROR_INVALID_MODEL,
           p->label() + ": expected " + std::to_string(p->numArgs()) +
               " arguments, got " + std::to_string(num_args));
    if (!args)
      fail(AIC_ERROR_RUNTIME, p->label() + ": argument array is NULL");
    // aicrt_exec_dims: the dims first, since an argument they make empty
    // may be NULL (an empty input has no bytes to point at).
    auto *shaped = dynamic_cast<ShapedPrimitive *>(p);
    if (dims) {
      if (!shaped)
        fail(AIC_ERROR_INVALID_MODEL,
             p->label() + ": has no run-time dims (aicrt_exec_dims)");
      if (num_dims < 0 || static_cast<size_t>(num_dims) != shaped->numDims())
        fail(AIC_ERROR_INVALID_MODEL,
             p->label() + ": expected " + std::to_string(shaped->numDims()) +
                 " run-time dims, got " + std::to_string(num_dims));
    }
    for (int32_t i = 0; i < num_args; ++i)
      if (!args[i] && !(dims && shaped->isEmptyArg(i, dims)))
        fail(AIC_ERROR_RUNTIME,
             p->label() + ": argument #" + std::to_string(i) + " is NULL");
    if (!state->profiling) {
      run(*p, state->prims[prim_id].get());
      return AIC_OK;
    }
    auto start = std::chrono::steady_clock::now();
    run(*p, state->prims[prim_id].get());
    state->stream.wait();
    state->calls[prim_id] += 1;
    state->nanos[prim_id] +=
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now() - start)
            .count();
    if (state->tracing)
      state->trace(prim_id, start);
    return AIC_OK;
  } catch (...) {
    std::string message;
    aic_status_t status =
        handleException(p ? &p->label() : nullptr, AIC_ERROR_RUNTIME, message);
    if (state->status == AIC_OK) {
      state->status = status;
      try {
        state->error = message;
      } catch (...) {
      }
    }
    setLastError(message);
    return status;
  }
}

AIC_RT_EXPORT int32_t aicrt_exec(aicrt_exec_state *state, int32_t prim_id,
                                 void *const *args, int32_t num_args) {
  return execChecked(
      state, prim_id, args, num_args,
      [&](Primitive &p, PrimState *ps) { p.exec(*state, ps, args); });
}

AIC_RT_EXPORT int32_t aicrt_exec_dims(aicrt_exec_state *state, int32_t prim_id,
                                      void *const *args, int32_t num_args,
                                      const int64_t *dims, int32_t num_dims) {
  // A NULL `dims` with dims to pass fails in execChecked.
  static const int64_t kNone = 0;
  return execChecked(
      state, prim_id, args, num_args,
      [&](Primitive &p, PrimState *ps) {
        static_cast<ShapedPrimitive &>(p).execDims(*state, ps, args, dims);
      },
      dims ? dims : &kNone, num_dims);
}
