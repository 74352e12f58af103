//===- Parallel.cpp - Loops of compiled code on the run's thread team -----===//
//
// aicrt_parallel_for (aic/abi.h): compiled loops (the ops without a oneDNN
// primitive) split over the same OpenMP runtime and thread count as the
// primitives. A run sets its thread count on the calling thread
// (ThreadScope), so omp_get_max_threads() here is the run's count, and each
// host thread running a model gets its own team, as oneDNN's do.
//
//===----------------------------------------------------------------------===//
#include "Errors.h"

#include "aic/abi.h"

#include <omp.h>

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace {
/// The floating-point control of the calling thread (MXCSR: rounding,
/// flushing of denormals) for the duration of a body on a worker: workers
/// keep whatever mode they had, and the run set IEEE's on the calling
/// thread (FpMode.h). Every range then computes as the serial loop would.
class CallerFpMode {
public:
#if defined(__x86_64__) || defined(__i386__)
  CallerFpMode() : mode_(_mm_getcsr()) {}
  struct Scope {
    explicit Scope(const CallerFpMode &caller)
        : caller_(caller.mode_), saved_(_mm_getcsr()) {
      if (saved_ != caller_)
        _mm_setcsr(caller_);
    }
    ~Scope() {
      if (saved_ != caller_)
        _mm_setcsr(saved_);
    }
    unsigned caller_, saved_;
  };

private:
  unsigned mode_;
#else
  struct Scope {
    explicit Scope(const CallerFpMode &) {}
  };
#endif
};
} // namespace

AIC_RT_EXPORT void aicrt_parallel_for(aicrt_parallel_body body, void *ctx,
                                      int64_t n, int64_t grain) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(grain, 1);
  // Inside a parallel region (a primitive's, or the application's) the
  // enclosing team already uses the threads: nesting would oversubscribe.
  int64_t threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  int64_t chunks = std::min(threads, n / grain);
  if (chunks < 2) {
    body(ctx, 0, n);
    return;
  }
#pragma omp parallel num_threads(static_cast <int>(chunks))
  {
    // The team may be smaller than asked (OMP_THREAD_LIMIT, OMP_DYNAMIC):
    // split over the threads it has. Contiguous ranges in thread order,
    // the first n % k of them one longer.
    int64_t k = omp_get_num_threads(), t = omp_get_thread_num();
    int64_t base = n / k, rest = n % k;
    int64_t begin = t * base + std::min(t, rest);
    body(ctx, begin, begin + base + (t < rest ? 1 : 0));
  }
}
