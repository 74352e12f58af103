//===- FpMode.h - IEEE denormals for the duration of a run ------*- C++ -*-===//
//
// aic's one choice for denormals is IEEE's: they are computed and kept,
// never flushed to zero, by the generated code (no fast-math flags) and by
// oneDNN's primitives alike. Both follow the thread's floating-point
// control register (MXCSR on x86), which a host application may have set
// to flush (FTZ) or to read denormals as zero (DAZ), for example when built
// with -ffast-math. A run therefore clears both on the calling thread and
// restores the caller's mode when it returns.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_RUNTIME_FPMODE_H
#define AIC_RUNTIME_FPMODE_H

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace aic::rt {

class IeeeFpScope {
public:
#if defined(__x86_64__) || defined(__i386__)
  IeeeFpScope() : saved_(_mm_getcsr()) {
    if (saved_ & kFlushBits)
      _mm_setcsr(saved_ & ~kFlushBits);
  }
  ~IeeeFpScope() {
    if (saved_ & kFlushBits)
      _mm_setcsr(saved_);
  }

private:
  // MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6).
  static constexpr unsigned kFlushBits = (1u << 15) | (1u << 6);
  unsigned saved_;
#endif
};

} // namespace aic::rt

#endif // AIC_RUNTIME_FPMODE_H
