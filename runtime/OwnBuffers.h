//===- OwnBuffers.h - A primitive state bound to buffers of its own -*- C++
//-*-===//
//
// The exec state's scratchpad and staging buffers are sized for the
// primitives created at load. A primitive created later (per shape, or an
// exact form) gets buffers of its own, which its state binds once.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_OWNBUFFERS_H
#define AIC_RUNTIME_OWNBUFFERS_H

#include "Context.h"
#include "Primitive.h"

#include <utility>

namespace aic::rt {

/// `prim`'s state for `st`, bound to `scratchpad` and `staging`, which are
/// allocated here at the sizes `prim` needs.
inline std::unique_ptr<PrimState>
makeStateWithOwnBuffers(const Primitive &prim, aicrt_exec_state &st,
                        AlignedBuffer &scratchpad,
                        AlignedBuffer (&staging)[kNumStages]) {
  scratchpad = allocAligned(prim.scratchpadBytes());
  for (int k = 0; k < kNumStages; ++k)
    staging[k] = allocAligned(prim.stagingBytes(k));
  // The state binds the buffers it finds in the exec state: lend it these
  // for the call.
  auto swap = [&] {
    std::swap(st.scratchpad, scratchpad);
    for (int k = 0; k < kNumStages; ++k)
      std::swap(st.staging[k], staging[k]);
  };
  swap();
  struct Restore {
    decltype(swap) &back;
    ~Restore() { back(); }
  } restore{swap};
  return prim.makeState(st);
}

} // namespace aic::rt

#endif // AIC_RUNTIME_OWNBUFFERS_H
