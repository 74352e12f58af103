//===- MemoryPlanner.h - Static arena planning ------------------*- C++ -*-===//
//
// Plain C++ (no MLIR) so it can be unit tested on its own: given buffers
// with sizes and live ranges, assign offsets in one arena so that buffers
// live at the same time never overlap.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_PASSES_MEMORYPLANNER_H
#define AIC_PASSES_MEMORYPLANNER_H

#include <cstdint>
#include <vector>

namespace aic {

struct BufferRequest {
  int64_t size;  // bytes, > 0
  int64_t start; // first step the buffer is live (written)
  int64_t end;   // last step it is read, >= start
};

struct MemoryPlan {
  std::vector<int64_t> offsets; // one per request, aligned
  int64_t peakBytes = 0;        // arena size
  int64_t naiveBytes = 0;       // sum of aligned sizes (no reuse)
};

/// Greedy-by-size placement: the largest buffers are placed first, each at
/// the lowest aligned offset that does not overlap a placed buffer whose
/// live range intersects its own. `alignment` must be a power of two.
MemoryPlan planMemory(const std::vector<BufferRequest> &requests,
                      int64_t alignment);

} // namespace aic

#endif // AIC_PASSES_MEMORYPLANNER_H
