//===- NanGuard.cpp - Fast relu and clip post-ops, checked by the FPU -----===//
//
// See NanGuard.h.
//
//===----------------------------------------------------------------------===//
#include "NanGuard.h"

#include "Context.h"
#include "Errors.h"
#include "OwnBuffers.h"

#include <cmath>
#include <omp.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

using namespace aic::rt;

namespace {
bool isRelu(const PostOp &op) {
  return op.kind == AIC_POSTOP_ELTWISE && op.alg == AIC_ELTWISE_RELU &&
         op.alpha == 0;
}
bool isClip(const PostOp &op) {
  return op.kind == AIC_POSTOP_ELTWISE && op.alg == AIC_ELTWISE_CLIP;
}

struct GuardState : PrimState {
  std::unique_ptr<PrimState> fast, exact;
  // The exact form's own scratchpad and staging buffers, which its state
  // binds: allocated on the first exact run of the exec state.
  AlignedBuffer scratchpad, staging[kNumStages];
};
} // namespace

bool aic::rt::isNanGuardedChain(const std::vector<PostOp> &ops) {
  bool guarded = false;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (isRelu(ops[i])) {
      guarded = true;
    } else if (isClip(ops[i])) {
      // The clip runs after the primitive in the exact form, over the whole
      // dst buffer (a blocked layout's padding too, which must stay 0).
      if (i + 1 != ops.size() || !(ops[i].alpha <= 0 && ops[i].beta >= 0))
        return false;
      guarded = true;
    }
  }
  return guarded;
}

std::vector<PostOp> aic::rt::exactChain(const std::vector<PostOp> &ops,
                                        bool &clip, float &clipLo,
                                        float &clipHi) {
  std::vector<PostOp> exact;
  clip = false;
  for (const PostOp &op : ops) {
    if (isRelu(op)) {
      // x > 0 ? x : 0 * (exp(x) - 1), then |.| turns -0 into +0.
      exact.push_back(PostOp::eltwise(AIC_ELTWISE_ELU, 0, 0));
      exact.push_back(PostOp::eltwise(AIC_ELTWISE_ABS, 0, 0));
    } else if (isClip(op)) {
      clip = true;
      clipLo = static_cast<float>(op.alpha);
      clipHi = static_cast<float>(op.beta);
    } else {
      exact.push_back(op);
    }
  }
  return exact;
}

NanGuardedPrimitive::NanGuardedPrimitive(
    PrimitivePtr fast, std::function<PrimitivePtr()> makeExact, bool clip,
    float clipLo, float clipHi)
    : Primitive(fast->label(), fast->numArgs()), fast_(std::move(fast)),
      makeExact_(std::move(makeExact)), clip_(clip), clipLo_(clipLo),
      clipHi_(clipHi) {}

std::unique_ptr<PrimState>
NanGuardedPrimitive::makeState(aicrt_exec_state &st) const {
  auto s = std::make_unique<GuardState>();
  s->fast = fast_->makeState(st);
  return s;
}

Primitive &NanGuardedPrimitive::exact() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!exact_) {
    PrimitivePtr p = makeExact_();
    if (p->numArgs() != numArgs_)
      fail(AIC_ERROR_RUNTIME,
           label_ + ": the exact form takes " + std::to_string(p->numArgs()) +
               " arguments, not " + std::to_string(numArgs_));
    if (clip_) {
      auto *dnnl = dynamic_cast<DnnlPrimitive *>(p.get());
      if (!dnnl || !dnnl->findArg(DNNL_ARG_DST, dstArg_, dstBytes_))
        fail(AIC_ERROR_RUNTIME, label_ + ": the exact form has no dst to clip");
    }
    exact_ = std::move(p);
  }
  return *exact_;
}

void NanGuardedPrimitive::exec(aicrt_exec_state &st, PrimState *ps,
                               void *const *args) {
  auto &s = *static_cast<GuardState *>(ps);
  if (!st.nanExact) {
    fast_->exec(st, s.fast.get(), args);
    return;
  }
  Primitive &e = exact();
  if (!s.exact)
    s.exact = makeStateWithOwnBuffers(e, st, s.scratchpad, s.staging);
  e.exec(st, s.exact.get(), args);
  if (!clip_)
    return;
  st.stream.wait();
  // Comparisons with a NaN are false: it stays.
  auto *d = static_cast<float *>(args[dstArg_]);
  float lo = clipLo_, hi = clipHi_;
  for (size_t i = 0, n = dstBytes_ / sizeof(float); i < n; ++i) {
    float v = d[i];
    d[i] = v < lo ? lo : (v > hi ? hi : v);
  }
}

#if defined(__x86_64__) || defined(__i386__)
namespace {
// MXCSR's exception flags; invalid operation is bit 0.
constexpr unsigned kFlagBits = 0x3f, kInvalid = 0x1;
} // namespace

bool aic::rt::fpFlagsWork() {
  static const bool works = [] {
    unsigned saved = _mm_getcsr();
    _mm_setcsr(saved & ~kFlagBits);
    volatile float nan = NAN, zero = 0;
    volatile float out =
        _mm_cvtss_f32(_mm_max_ps(_mm_set1_ps(nan), _mm_set1_ps(zero)));
    (void)out;
    bool raised = _mm_getcsr() & kInvalid;
    _mm_setcsr(saved);
    return raised;
  }();
  return works;
}

unsigned aic::rt::clearFpFlags() {
  unsigned saved = _mm_getcsr();
  _mm_setcsr(saved & ~kFlagBits);
  return saved & kFlagBits;
}

bool aic::rt::invalidRaised(int threads) {
  unsigned flags = _mm_getcsr();
  if (threads > 1 && !omp_in_parallel()) {
    // Each worker's flags are read and cleared for the next run: one
    // parallel region per run. A worker's flags from before its first run
    // (or from other work between runs) can only cause a needless exact
    // run, never hide a NaN of this one.
#pragma omp parallel num_threads(threads) reduction(| : flags)
    {
      unsigned mine = _mm_getcsr();
      _mm_setcsr(mine & ~kFlagBits);
      flags |= mine;
    }
  }
  return flags & kInvalid;
}

void aic::rt::restoreFpFlags(unsigned saved) {
  _mm_setcsr((_mm_getcsr() & ~kFlagBits) | saved);
}
#else
bool aic::rt::fpFlagsWork() { return false; }
unsigned aic::rt::clearFpFlags() { return 0; }
bool aic::rt::invalidRaised(int) { return true; }
void aic::rt::restoreFpFlags(unsigned) {}
#endif
