//===- aic/MemoryPlan.h - Arena planning ------------------------*- C++ -*-===//
//
// Given buffers with sizes and live ranges, assign offsets in one arena so
// that buffers live at the same time never overlap. One planner for both
// sides of the contract: aic-plan-memory plans static shapes at compile
// time, and libaicrt plans buffers whose sizes depend on symbolic dims once
// per shape (aicrt_plan, aic/abi.h), so that a model compiled with symbolic
// dims gets, at a given shape, the arena a static compile would.
//
// Header-only C++17; depends on the standard library only.
//
//===----------------------------------------------------------------------===//
#ifndef AIC_MEMORYPLAN_H
#define AIC_MEMORYPLAN_H

#include <algorithm>
#include <cstdint>
#include <numeric>
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

namespace detail {
inline int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}
} // namespace detail

/// Greedy-by-size placement: the largest buffers are placed first, each at
/// the lowest aligned offset that does not overlap a placed buffer whose
/// live range intersects its own. `alignment` must be a power of two.
inline MemoryPlan planMemory(const std::vector<BufferRequest> &requests,
                             int64_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by earlier start for a deterministic plan.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (requests[a].size != requests[b].size)
      return requests[a].size > requests[b].size;
    return requests[a].start < requests[b].start;
  });

  struct Placed {
    int64_t offset, size;
    size_t index;
  };
  std::vector<Placed> placed; // sorted by offset
  for (size_t index : order) {
    const BufferRequest &r = requests[index];
    int64_t size = detail::alignTo(std::max<int64_t>(r.size, 1), alignment);
    plan.naiveBytes += size;
    // Scan the gaps between placed buffers that are live at the same time,
    // keeping the smallest gap that fits (best fit), else the end.
    int64_t best = -1, bestGap = INT64_MAX, cursor = 0;
    for (const Placed &p : placed) {
      const BufferRequest &q = requests[p.index];
      if (q.end < r.start || r.end < q.start)
        continue;
      if (p.offset >= cursor + size && p.offset - cursor < bestGap) {
        best = cursor;
        bestGap = p.offset - cursor;
      }
      cursor = std::max(cursor, p.offset + p.size);
    }
    int64_t offset = best >= 0 ? best : cursor;
    plan.offsets[index] = offset;
    plan.peakBytes = std::max(plan.peakBytes, offset + size);
    auto it = std::upper_bound(
        placed.begin(), placed.end(), offset,
        [](int64_t off, const Placed &p) { return off < p.offset; });
    placed.insert(it, Placed{offset, size, index});
  }
  return plan;
}

} // namespace aic

#endif // AIC_MEMORYPLAN_H
