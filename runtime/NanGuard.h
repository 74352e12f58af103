//===- NanGuard.h - Fast relu and clip post-ops, checked by the FPU -*- C++
//-*-===//
//
// oneDNN 2.6 clamps with maxps/minps in its relu (alpha 0) and clip
// post-ops, which give the bound where ONNX keeps a NaN. Computing them
// exactly costs: relu as elu (alpha 0) then abs is an exp per element (5%
// of ResNet-50), and a clip has no exact post-op at all, so it would run as
// a pass of its own (20% of MobileNetV2).
//
// maxps and minps raise the invalid-operation flag (MXCSR.IE) whenever an
// operand is a NaN, and nothing a run computes on finite values raises it
// otherwise. So a primitive with such post-ops runs its fast chain; a run
// of a model holding any clears the calling thread's flags first and reads
// (and clears) those of its whole thread team after, one parallel region;
// a run that raised IE may have dropped a NaN, and runs again
// with every such primitive in its exact form: each relu as elu (alpha 0)
// then abs (equal bit for bit on every other value), a trailing clip after
// the primitive as a loop that keeps NaN. Where the flags do not work (a
// CPU emulator that does not track them, another architecture), every run
// takes the exact forms.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_NANGUARD_H
#define AIC_RUNTIME_NANGUARD_H

#include "Primitive.h"

#include <functional>
#include <mutex>

namespace aic::rt {

/// Whether `ops` holds a relu (alpha 0) or clip entry and every clip is the
/// chain's last entry: such a chain has an exact form (exactChain).
bool isNanGuardedChain(const std::vector<PostOp> &ops);

/// The exact form of a guarded chain: each relu becomes elu (alpha 0) then
/// abs; a trailing clip is removed, its bounds returned in `clipLo`,
/// `clipHi` (`clip` set).
std::vector<PostOp> exactChain(const std::vector<PostOp> &ops, bool &clip,
                               float &clipLo, float &clipHi);

/// A primitive with a guarded chain: its fast form, and its exact form,
/// created on the first run that needs it.
class NanGuardedPrimitive : public Primitive {
public:
  /// `makeExact` creates the exact form (the primitive of exactChain's
  /// chain); `clip` applies the trailing clip to dst after it.
  NanGuardedPrimitive(PrimitivePtr fast,
                      std::function<PrimitivePtr()> makeExact, bool clip,
                      float clipLo, float clipHi);

  size_t scratchpadBytes() const override { return fast_->scratchpadBytes(); }
  size_t stagingBytes(int stage) const override {
    return fast_->stagingBytes(stage);
  }
  std::unique_ptr<PrimState> makeState(aicrt_exec_state &st) const override;
  void exec(aicrt_exec_state &st, PrimState *ps, void *const *args) override;

private:
  Primitive &exact();

  PrimitivePtr fast_;
  std::function<PrimitivePtr()> makeExact_;
  bool clip_;
  float clipLo_, clipHi_;
  std::mutex mutex_;
  PrimitivePtr exact_;
  // Where the exact form's dst is: its exec argument and its bytes.
  size_t dstArg_ = 0, dstBytes_ = 0;
};

/// Whether this thread's MXCSR records the invalid-operation flag of maxps
/// on a NaN (checked once).
bool fpFlagsWork();
/// Clears the exception flags of the calling thread; returns them.
unsigned clearFpFlags();
/// Whether the calling thread since clearFpFlags, or a worker of its OpenMP
/// team of `threads` since its previous invalidRaised, raised the
/// invalid-operation flag; clears the workers' flags.
bool invalidRaised(int threads);
/// Puts back the calling thread's exception flags clearFpFlags returned.
void restoreFpFlags(unsigned saved);

} // namespace aic::rt

#endif // AIC_RUNTIME_NANGUARD_H
